/*
 * store_consent.c - consent_templates, consents and disclosures rows (see
 * store/consent.h). A consent or disclosure row is inserted with an empty
 * sealed name (or recipient), then sealed once its id is known, since the
 * id is part of each field's associated data. Never: updates a template,
 * or a consent other than its one withdrawal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/consent.h"
#include "store/internal.h"

enum consent_stmt {
	QC_TPL_MAXVER,
	QC_TPL_INSERT,
	QC_TPL_GET,
	QC_TPL_LIST,
	QC_TPL_RECONSENT,
	QC_INSERT,
	QC_SEAL,
	QC_GET,
	QC_LIST,
	QC_IN_FORCE,
	QC_WITHDRAW,
	QC_DX_INSERT,
	QC_DX_SEAL,
	QC_DX_LIST,
	QC__COUNT
};

#define TPL_COLS                                                                                   \
	"t.id, t.public_id, t.purpose, t.version, t.title, t.body, t.effective_from, "             \
	"t.requires_reconsent, u.public_id, t.created_at"
#define TPL_FROM " FROM consent_templates t JOIN users u ON u.id = t.created_by "

#define C_COLS                                                                                     \
	"c.id, c.public_id, c.client_id, cl.public_id, c.template_id, t.public_id, t.version, "    \
	"c.purpose, c.key_version, c.signed_name_sealed, c.source_sealed, c.signer_role, "         \
	"c.recorded_by, u.public_id, c.text_hash, c.signed_at, c.recipient_sealed, "               \
	"c.description_sealed, c.release_purpose_sealed, c.expiry_event_sealed, c.expires_on, "    \
	"c.scope, c.withdrawn_at, w.public_id"
#define C_FROM                                                                                     \
	" FROM consents c JOIN clients cl ON cl.id = c.client_id "                                 \
	"JOIN consent_templates t ON t.id = c.template_id JOIN users u ON u.id = c.recorded_by "   \
	"LEFT JOIN users w ON w.id = c.withdrawn_by "

#define DX_COLS                                                                                    \
	"d.id, d.public_id, d.client_id, d.consent_id, c.public_id, d.key_version, "               \
	"d.recipient_sealed, d.description_sealed, d.purpose_sealed, d.scope, d.disclosed_by, "    \
	"u.public_id, d.disclosed_at"
#define DX_FROM                                                                                    \
	" FROM disclosures d JOIN users u ON u.id = d.disclosed_by "                               \
	"LEFT JOIN consents c ON c.id = d.consent_id "

static const char *const sql[QC__COUNT] = {
        [QC_TPL_MAXVER] = "SELECT coalesce(max(version), 0) FROM consent_templates "
                          "WHERE purpose = ?1",
        [QC_TPL_INSERT] = "INSERT INTO consent_templates(public_id, purpose, version, title, "
                          "body, effective_from, requires_reconsent, created_by, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        [QC_TPL_GET] = "SELECT " TPL_COLS TPL_FROM "WHERE t.public_id = ?1",
        [QC_TPL_LIST] = "SELECT " TPL_COLS TPL_FROM "ORDER BY t.purpose, t.version DESC LIMIT ?1",
        [QC_TPL_RECONSENT] = "SELECT coalesce(max(version), 0) FROM consent_templates "
                             "WHERE purpose = ?1 AND requires_reconsent = 1 "
                             "AND effective_from <= ?2",
        [QC_INSERT] = "INSERT INTO consents(public_id, client_id, template_id, purpose, "
                      "key_version, signed_name_sealed, signer_role, recorded_by, text_hash, "
                      "signed_at, expires_on, scope) VALUES (?1, ?2, ?3, ?4, ?5, x'', ?6, ?7, "
                      "?8, ?9, ?10, ?11)",
        [QC_SEAL] = "UPDATE consents SET signed_name_sealed = ?2, source_sealed = ?3, "
                    "recipient_sealed = ?4, description_sealed = ?5, "
                    "release_purpose_sealed = ?6, expiry_event_sealed = ?7 WHERE id = ?1",
        [QC_GET] = "SELECT " C_COLS C_FROM "WHERE c.public_id = ?1",
        [QC_LIST] = "SELECT " C_COLS C_FROM "WHERE c.client_id = ?1 ORDER BY c.id DESC LIMIT ?2",
        [QC_IN_FORCE] = "SELECT " C_COLS C_FROM "WHERE c.client_id = ?1 AND c.purpose = ?2 "
                        "AND c.withdrawn_at IS NULL ORDER BY c.id DESC LIMIT ?3",
        [QC_WITHDRAW] = "UPDATE consents SET withdrawn_at = ?2, withdrawn_by = ?3 "
                        "WHERE id = ?1 AND withdrawn_at IS NULL",
        [QC_DX_INSERT] = "INSERT INTO disclosures(public_id, client_id, consent_id, key_version, "
                         "recipient_sealed, scope, disclosed_by, disclosed_at) "
                         "VALUES (?1, ?2, ?3, ?4, x'', ?5, ?6, ?7)",
        [QC_DX_SEAL] = "UPDATE disclosures SET recipient_sealed = ?2, description_sealed = ?3, "
                       "purpose_sealed = ?4 WHERE id = ?1",
        [QC_DX_LIST] = "SELECT " DX_COLS DX_FROM "WHERE d.client_id = ?1 AND d.disclosed_at >= ?2 "
                       "ORDER BY d.disclosed_at DESC, d.id DESC LIMIT ?3",
};

const struct stmt_group store_group_consent = {sql, QC__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_CONSENT, (id))

/* ---- templates ------------------------------------------------------ */

void consent_template_cleanup(struct consent_template *t)
{
	free(t->title);
	free(t->body);
	memset(t, 0, sizeof *t);
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *p = sqlite3_column_text(st, col);

	return mem_strdup(p ? (const char *)p : "");
}

static enum err read_template(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct consent_template *t = out;

	(void)s;
	(void)v;
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, t->public_id, sizeof t->public_id);
	copy_text_col(st, 2, t->purpose, sizeof t->purpose);
	t->version = sqlite3_column_int64(st, 3);
	t->title = dup_col(st, 4);
	t->body = dup_col(st, 5);
	copy_text_col(st, 6, t->effective_from, sizeof t->effective_from);
	t->requires_reconsent = sqlite3_column_int(st, 7);
	copy_text_col(st, 8, t->created_by_public_id, sizeof t->created_by_public_id);
	t->created_at = sqlite3_column_int64(st, 9);
	if (t->title == NULL || t->body == NULL) {
		consent_template_cleanup(t);
		return ERR_NOMEM;
	}
	return ERR_OK;
}

static void template_cleanup_v(void *p)
{
	consent_template_cleanup(p);
}

/* one_int - the single integer a bound statement answers. */
static enum err one_int(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	int rc = sqlite3_step(st);
	enum err e = ERR_OK;

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_consent_template_add(struct store *s, struct consent_template *t, int64_t by,
                                    int64_t now)
{
	sqlite3_stmt *st = get(s, QC_TPL_MAXVER);
	int64_t ver = 0;
	char pid[33];
	enum err e;

	sqlite3_bind_text(st, 1, t->purpose, -1, SQLITE_STATIC);
	e = one_int(s, st, &ver);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QC_TPL_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->purpose, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ver + 1);
	sqlite3_bind_text(st, 4, t->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->effective_from, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, t->requires_reconsent ? 1 : 0);
	sqlite3_bind_int64(st, 8, by);
	sqlite3_bind_int64(st, 9, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	t->id = sqlite3_last_insert_rowid(s->db);
	memcpy(t->public_id, pid, sizeof pid);
	t->version = ver + 1;
	t->created_at = now;
	return ERR_OK;
}

enum err store_consent_template_get(struct store *s, const char *public_id,
                                    struct consent_template *out)
{
	sqlite3_stmt *st = get(s, QC_TPL_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	e = rows_collect(s, NULL, st, read_template, template_cleanup_v, out, sizeof *out, 1, &n);
	return e == ERR_OK && n == 0 ? ERR_NOTFOUND : e;
}

enum err store_consent_template_list(struct store *s, struct consent_template *out, size_t max,
                                     size_t *n)
{
	sqlite3_stmt *st = get(s, QC_TPL_LIST);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return rows_collect(s, NULL, st, read_template, template_cleanup_v, out, sizeof *out, max,
	                    n);
}

enum err store_consent_reconsent_version(struct store *s, const char *purpose, const char *today,
                                         int64_t *version)
{
	sqlite3_stmt *st = get(s, QC_TPL_RECONSENT);

	sqlite3_bind_text(st, 1, purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	return one_int(s, st, version);
}

/* ---- consents ------------------------------------------------------- */

void consent_cleanup(struct consent *c)
{
	mem_free_wiped_str(c->signed_name);
	mem_free_wiped_str(c->source);
	mem_free_wiped_str(c->recipient);
	mem_free_wiped_str(c->description);
	mem_free_wiped_str(c->release_purpose);
	mem_free_wiped_str(c->expiry_event);
	mem_wipe(c, sizeof *c);
}

static enum err read_consent_row(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                                 struct consent *c)
{
	enum err e = ERR_OK;
	const void *h;

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, c->public_id, sizeof c->public_id);
	c->client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, c->client_public_id, sizeof c->client_public_id);
	c->template_id = sqlite3_column_int64(st, 4);
	copy_text_col(st, 5, c->template_public_id, sizeof c->template_public_id);
	c->template_version = sqlite3_column_int64(st, 6);
	copy_text_col(st, 7, c->purpose, sizeof c->purpose);
	copy_text_col(st, 11, c->signer_role, sizeof c->signer_role);
	c->recorded_by = sqlite3_column_int64(st, 12);
	copy_text_col(st, 13, c->recorded_by_public_id, sizeof c->recorded_by_public_id);
	h = sqlite3_column_blob(st, 14);
	if (h != NULL && sqlite3_column_bytes(st, 14) == (int)sizeof c->text_hash)
		memcpy(c->text_hash, h, sizeof c->text_hash);
	c->signed_at = sqlite3_column_int64(st, 15);
	copy_text_col(st, 20, c->expires_on, sizeof c->expires_on);
	copy_text_col(st, 21, c->scope, sizeof c->scope);
	c->withdrawn_at = sqlite3_column_int64(st, 22);
	copy_text_col(st, 23, c->withdrawn_by_public_id, sizeof c->withdrawn_by_public_id);
	if (!open)
		return ERR_OK;
	e = client_key_load(s, v, c->client_id, (uint32_t)sqlite3_column_int64(st, 8));
	if (e == ERR_OK)
		e = open_column(s, st, 9, "consents", "signed_name", c->id, &c->signed_name);
	if (e == ERR_OK && (c->signed_name == NULL || c->signed_name[0] == '\0'))
		e = ERR_CRYPTO; /* a row that was never sealed */
	if (e == ERR_OK)
		e = open_column(s, st, 10, "consents", "source", c->id, &c->source);
	if (e == ERR_OK)
		e = open_column(s, st, 16, "consents", "recipient", c->id, &c->recipient);
	if (e == ERR_OK)
		e = open_column(s, st, 17, "consents", "description", c->id, &c->description);
	if (e == ERR_OK)
		e = open_column(s, st, 18, "consents", "release_purpose", c->id,
		                &c->release_purpose);
	if (e == ERR_OK)
		e = open_column(s, st, 19, "consents", "expiry_event", c->id, &c->expiry_event);
	if (e != ERR_OK)
		consent_cleanup(c);
	return e;
}

static enum err read_consent_open(struct store *s, const struct vault *v, sqlite3_stmt *st,
                                  void *out)
{
	return read_consent_row(s, v, st, 1, out);
}

static enum err read_consent_clear(struct store *s, const struct vault *v, sqlite3_stmt *st,
                                   void *out)
{
	return read_consent_row(s, v, st, 0, out);
}

static void consent_cleanup_v(void *p)
{
	consent_cleanup(p);
}

/* seal_fields - seal up to six texts into the columns of row id with the
 * statement st (parameter 1 is the id, then one parameter per text). */
static enum err seal_fields(struct store *s, sqlite3_stmt *st, const char *table, int64_t id,
                            const char *const *columns, const char *const *texts, size_t n)
{
	unsigned char *blobs[6] = {NULL};
	enum err e = ERR_OK;
	size_t i;

	sqlite3_bind_int64(st, 1, id);
	for (i = 0; i < n && i < 6 && e == ERR_OK; i++)
		e = seal_bind(s, st, (int)i + 2, table, columns[i], id, texts[i], &blobs[i]);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_NOTFOUND;
	sqlite3_clear_bindings(st);
	for (i = 0; i < 6; i++)
		free(blobs[i]);
	return e;
}

enum err store_consent_add(struct store *s, const struct vault *v, struct consent *c, int64_t now)
{
	static const char *const cols[] = {"signed_name", "source",          "recipient",
	                                   "description", "release_purpose", "expiry_event"};
	const char *texts[6] = {c->signed_name, c->source,          c->recipient,
	                        c->description, c->release_purpose, c->expiry_event};
	sqlite3_stmt *st;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, c->client_id, 1);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QC_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->client_id);
	sqlite3_bind_int64(st, 3, c->template_id);
	sqlite3_bind_text(st, 4, c->purpose, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, s->key->version);
	sqlite3_bind_text(st, 6, c->signer_role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, c->recorded_by);
	sqlite3_bind_blob(st, 8, c->text_hash, sizeof c->text_hash, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, now);
	if (c->expires_on[0])
		sqlite3_bind_text(st, 10, c->expires_on, -1, SQLITE_STATIC);
	if (c->scope[0])
		sqlite3_bind_text(st, 11, c->scope, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	c->id = sqlite3_last_insert_rowid(s->db);
	e = seal_fields(s, get(s, QC_SEAL), "consents", c->id, cols, texts, 6);
	if (e != ERR_OK)
		return e;
	memcpy(c->public_id, pid, sizeof pid);
	c->signed_at = now;
	return ERR_OK;
}

enum err store_consent_get(struct store *s, const struct vault *v, const char *public_id, int open,
                           struct consent *out)
{
	sqlite3_stmt *st = get(s, QC_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	e = rows_collect(s, v, st, open ? read_consent_open : read_consent_clear, consent_cleanup_v,
	                 out, sizeof *out, 1, &n);
	return e == ERR_OK && n == 0 ? ERR_NOTFOUND : e;
}

enum err store_consent_list(struct store *s, const struct vault *v, int64_t client_id,
                            struct consent *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QC_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, v, st, read_consent_open, consent_cleanup_v, out, sizeof *out, max,
	                    n);
}

enum err store_consent_in_force(struct store *s, int64_t client_id, const char *purpose,
                                struct consent *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QC_IN_FORCE);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return rows_collect(s, NULL, st, read_consent_clear, consent_cleanup_v, out, sizeof *out,
	                    max, n);
}

enum err store_consent_withdraw(struct store *s, int64_t id, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QC_WITHDRAW);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, by);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	return e;
}

/* ---- disclosures ---------------------------------------------------- */

void disclosure_cleanup(struct disclosure *d)
{
	mem_free_wiped_str(d->recipient);
	mem_free_wiped_str(d->description);
	mem_free_wiped_str(d->purpose);
	mem_wipe(d, sizeof *d);
}

static void disclosure_cleanup_v(void *p)
{
	disclosure_cleanup(p);
}

static enum err read_disclosure(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct disclosure *d = out;
	enum err e;

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, d->public_id, sizeof d->public_id);
	d->client_id = sqlite3_column_int64(st, 2);
	d->consent_id = sqlite3_column_int64(st, 3);
	copy_text_col(st, 4, d->consent_public_id, sizeof d->consent_public_id);
	copy_text_col(st, 9, d->scope, sizeof d->scope);
	d->disclosed_by = sqlite3_column_int64(st, 10);
	copy_text_col(st, 11, d->disclosed_by_public_id, sizeof d->disclosed_by_public_id);
	d->disclosed_at = sqlite3_column_int64(st, 12);
	e = client_key_load(s, v, d->client_id, (uint32_t)sqlite3_column_int64(st, 5));
	if (e == ERR_OK)
		e = open_column(s, st, 6, "disclosures", "recipient", d->id, &d->recipient);
	if (e == ERR_OK && (d->recipient == NULL || d->recipient[0] == '\0'))
		e = ERR_CRYPTO;
	if (e == ERR_OK)
		e = open_column(s, st, 7, "disclosures", "description", d->id, &d->description);
	if (e == ERR_OK)
		e = open_column(s, st, 8, "disclosures", "purpose", d->id, &d->purpose);
	if (e != ERR_OK)
		disclosure_cleanup(d);
	return e;
}

enum err store_disclosure_add(struct store *s, const struct vault *v, struct disclosure *d,
                              int64_t now)
{
	static const char *const cols[] = {"recipient", "description", "purpose"};
	const char *texts[3] = {d->recipient, d->description, d->purpose};
	sqlite3_stmt *st;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, d->client_id, 1);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QC_DX_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, d->client_id);
	if (d->consent_id)
		sqlite3_bind_int64(st, 3, d->consent_id);
	sqlite3_bind_int64(st, 4, s->key->version);
	sqlite3_bind_text(st, 5, d->scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->disclosed_by);
	sqlite3_bind_int64(st, 7, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	d->id = sqlite3_last_insert_rowid(s->db);
	e = seal_fields(s, get(s, QC_DX_SEAL), "disclosures", d->id, cols, texts, 3);
	if (e != ERR_OK)
		return e;
	memcpy(d->public_id, pid, sizeof pid);
	d->disclosed_at = now;
	return ERR_OK;
}

enum err store_disclosure_list(struct store *s, const struct vault *v, int64_t client_id,
                               int64_t since, struct disclosure *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QC_DX_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return rows_collect(s, v, st, read_disclosure, disclosure_cleanup_v, out, sizeof *out, max,
	                    n);
}
