/*
 * store_notes.c - progress notes and their addenda. The note's text is one
 * JSON document sealed under the client's key, bound to the note's row;
 * addenda likewise. Never: changes a signed note (the schema refuses too)
 * or returns text that failed to open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "store/internal.h"

enum notes_stmt {
	QN_INSERT,
	QN_SEAL,
	QN_GET,
	QN_LIST,
	QN_UPDATE,
	QN_SIGN,
	QN_COSIGN,
	QN_ADD_INSERT,
	QN_ADD_SEAL,
	QN_ADD_LIST,
	QN_SUPERVISES,
	QN_HAS_SUPERVISOR,
	QN_EACH,
	QN_ADD_EACH,
	QN_INSERT_SEALED,
	QN_VERSION_INSERT_SEALED,
	QN_MAX_ID,
	QN_VERSION_MAX_ID,
	QN_KEY_LIVE,
	QN__COUNT
};

#define NOTE_COLS                                                                                  \
	"n.id, n.public_id, n.client_id, c.public_id, n.author_id, u.public_id, u.display_name, "  \
	"n.template, n.note_date, n.status, n.key_version, n.body_sealed, n.created_at, "          \
	"n.updated_at, coalesce(n.signed_at, 0), n.content_hash, coalesce(n.cosigned_at, 0), "     \
	"n.version, coalesce(n.signed_by, 0), coalesce(n.cosigned_by, 0)"
#define NOTE_FROM                                                                                  \
	" FROM notes n JOIN clients c ON c.id = n.client_id JOIN users u ON u.id = n.author_id "

static const char *const sql[QN__COUNT] = {
        [QN_INSERT] =
                "INSERT INTO notes(public_id, client_id, author_id, key_version, body_sealed, "
                "created_at, updated_at, template, note_date, status, version) "
                "VALUES (?1, ?2, ?3, ?4, x'', ?5, ?5, ?6, ?7, 0, 1)",
        [QN_SEAL] = "UPDATE notes SET body_sealed = ?2 WHERE id = ?1",
        [QN_GET] = "SELECT " NOTE_COLS NOTE_FROM "WHERE n.public_id = ?1",
        [QN_LIST] = "SELECT " NOTE_COLS NOTE_FROM "WHERE n.client_id = ?1 AND n.id < ?2 "
                    "ORDER BY n.id DESC LIMIT ?3",
        [QN_UPDATE] = "UPDATE notes SET note_date = ?2, updated_at = ?3, version = version + 1 "
                      "WHERE id = ?1 AND version = ?4 AND status = 0",
        [QN_SIGN] = "UPDATE notes SET status = ?2, signed_by = ?3, signed_at = ?4, "
                    "content_hash = ?5, version = version + 1 WHERE id = ?1 AND status = 0",
        [QN_COSIGN] = "UPDATE notes SET status = 1, cosigned_by = ?2, cosigned_at = ?3, "
                      "version = version + 1 WHERE id = ?1 AND status = 2",
        [QN_ADD_INSERT] = "INSERT INTO note_addenda(note_id, author_id, key_version, body_sealed, "
                          "content_hash, created_at) VALUES (?1, ?2, ?3, x'', ?4, ?5)",
        [QN_ADD_SEAL] = "UPDATE note_addenda SET body_sealed = ?2 WHERE id = ?1 AND "
                        "length(body_sealed) = 0",
        [QN_ADD_LIST] = "SELECT a.id, u.public_id, u.display_name, a.key_version, a.body_sealed, "
                        "a.content_hash, a.created_at FROM note_addenda a JOIN users u ON "
                        "u.id = a.author_id WHERE a.note_id = ?1 ORDER BY a.id",
        [QN_SUPERVISES] = "SELECT 1 FROM supervision WHERE supervisor_id = ?1 AND "
                          "supervisee_id = ?2",
        [QN_HAS_SUPERVISOR] = "SELECT 1 FROM supervision WHERE supervisee_id = ?1 LIMIT 1",
        /* The export: every signed note of a client, and all their addenda. */
        [QN_EACH] = "SELECT " NOTE_COLS NOTE_FROM "WHERE n.client_id = ?1 AND n.status <> 0 "
                    "ORDER BY n.note_date, n.id",
        [QN_ADD_EACH] = "SELECT a.id, u.public_id, u.display_name, a.key_version, a.body_sealed, "
                        "a.content_hash, a.created_at, n.public_id FROM note_addenda a "
                        "JOIN notes n ON n.id = a.note_id JOIN users u ON u.id = a.author_id "
                        "WHERE n.client_id = ?1 AND n.status <> 0 ORDER BY a.note_id, a.id",
        /* A new note sealed before its transaction (store_note_prepare):
         * the row ids were reserved, so the rows go in whole. */
        [QN_INSERT_SEALED] =
                "INSERT INTO notes(id, public_id, client_id, author_id, key_version, body_sealed, "
                "risk_sealed, created_at, updated_at, template, note_date, status, version) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, 0, 1)",
        [QN_VERSION_INSERT_SEALED] =
                "INSERT INTO note_versions(id, note_id, version, key_version, at, actor_id, "
                "note_date, body_sealed) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)",
        [QN_MAX_ID] = "SELECT coalesce(max(id), 0) FROM notes",
        [QN_VERSION_MAX_ID] = "SELECT coalesce(max(id), 0) FROM note_versions",
        /* Under the write lock, before the rows go in: are the reserved
         * ids still free (another process may have taken them), and is
         * the client's key still there (an erasure drops it)? */
        [QN_KEY_LIVE] = "SELECT EXISTS (SELECT 1 FROM notes WHERE id = ?1) OR EXISTS (SELECT 1 "
                        "FROM note_versions WHERE id = ?2), EXISTS (SELECT 1 FROM client_keys "
                        "WHERE client_id = ?3 AND key_version = ?4)",
};

const struct stmt_group store_group_notes = {sql, QN__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_NOTES, (id))

void note_cleanup(struct note *n)
{
	mem_free_wiped_str(n->content);
	mem_wipe(n, sizeof *n);
}

void addendum_cleanup(struct addendum *a)
{
	mem_free_wiped_str(a->text);
	mem_wipe(a, sizeof *a);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* read_note - the current row; the text only when with_content. */
static enum err read_note(struct store *s, const struct vault *v, sqlite3_stmt *st,
                          int with_content, struct note *out)
{
	struct note n;
	enum err e = ERR_OK;

	memset(&n, 0, sizeof n);
	n.id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, n.public_id, sizeof n.public_id);
	n.client_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, n.client_public_id, sizeof n.client_public_id);
	n.author_id = sqlite3_column_int64(st, 4);
	copy_col(st, 5, n.author_public_id, sizeof n.author_public_id);
	copy_col(st, 6, n.author_name, sizeof n.author_name);
	copy_col(st, 7, n.template_name, sizeof n.template_name);
	copy_col(st, 8, n.date, sizeof n.date);
	n.status = sqlite3_column_int(st, 9);
	n.created_at = sqlite3_column_int64(st, 12);
	n.updated_at = sqlite3_column_int64(st, 13);
	n.signed_at = sqlite3_column_int64(st, 14);
	if (sqlite3_column_bytes(st, 15) == 32)
		memcpy(n.content_hash, sqlite3_column_blob(st, 15), 32);
	n.cosigned_at = sqlite3_column_int64(st, 16);
	n.version = sqlite3_column_int64(st, 17);
	n.signed_by = sqlite3_column_int64(st, 18);
	n.cosigned_by = sqlite3_column_int64(st, 19);
	if (with_content) {
		e = client_key_load(s, v, n.client_id, (uint32_t)sqlite3_column_int64(st, 10));
		if (e == ERR_OK)
			e = open_column(s, st, 11, "notes", "body", n.id, &n.content);
		if (e == ERR_OK && n.content == NULL)
			e = ERR_CRYPTO;
	}
	if (e != ERR_OK) {
		note_cleanup(&n);
		return e;
	}
	*out = n;
	return ERR_OK;
}

/* seal_row - seal text into column `body_sealed` of row id via statement q. */
static enum err seal_row(struct store *s, enum notes_stmt q, const char *table, int64_t id,
                         const char *text)
{
	sqlite3_stmt *st = get(s, q);
	unsigned char *blob = NULL;
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = seal_bind(s, st, 2, table, "body", id, text, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

enum err store_note_create(struct store *s, const struct vault *v, struct note *n, int64_t now)
{
	sqlite3_stmt *st;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, n->client_id, 1);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QN_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n->client_id);
	sqlite3_bind_int64(st, 3, n->author_id);
	sqlite3_bind_int64(st, 4, s->key->version);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_text(st, 6, n->template_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, n->date, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	n->id = sqlite3_last_insert_rowid(s->db);
	e = seal_row(s, QN_SEAL, "notes", n->id, n->content);
	if (e != ERR_OK)
		return e;
	memcpy(n->public_id, pid, sizeof pid);
	n->status = NOTE_DRAFT;
	n->version = 1;
	n->created_at = n->updated_at = now;
	return ERR_OK;
}

/* ---- new drafts sealed outside the write lock ---------------------------- */

void note_prepared_cleanup(struct note_prepared *p)
{
	free(p->body);
	free(p->risk);
	free(p->kept);
	memset(p, 0, sizeof *p);
}

/* seal_new - text sealed for (table, column, row) under s->key, into a new
 * allocation. */
static enum err seal_new(struct store *s, const char *table, const char *column, int64_t row,
                         const char *text, unsigned char **out, size_t *out_len)
{
	struct vault_ad ad = {table, column, row, s->key->version};
	size_t n = strlen(text), len;
	unsigned char *b;
	enum err e;

	if (!mem_add_ok(n, VAULT_SEAL_OVERHEAD, &len))
		return ERR_TOOBIG;
	b = malloc(len);
	if (b == NULL)
		return ERR_NOMEM;
	e = vault_seal(b, len, text, n, &ad, s->key);
	if (e != ERR_OK) {
		free(b);
		return e;
	}
	*out = b;
	*out_len = len;
	return ERR_OK;
}

/* max_id - the highest row id of a table, as this connection sees it. */
static enum err max_id(struct store *s, enum notes_stmt q, int64_t *out)
{
	sqlite3_stmt *st = get(s, q);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? ERR_OK : db_err(s, rc);
}

/* claim_and_seal - reserve row ids above the highest seen and seal the
 * text, risk summary and kept version for them (p's old values freed). */
static enum err claim_and_seal(struct store *s, const struct vault *v, const struct note *n,
                               const char *risk, struct note_prepared *p)
{
	int64_t seen = 0, vseen = 0;
	enum err e;

	if (n->content == NULL)
		return ERR_INVAL;
	e = client_key_load(s, v, n->client_id, 1);
	if (e == ERR_OK)
		e = max_id(s, QN_MAX_ID, &seen);
	if (e == ERR_OK)
		e = max_id(s, QN_VERSION_MAX_ID, &vseen);
	if (e != ERR_OK)
		return e;
	free(p->body);
	free(p->risk);
	free(p->kept);
	p->body = p->risk = p->kept = NULL;
	p->id = store_sync_id_claim(s->sync, STORE_ID_NOTES, seen);
	p->version_id = store_sync_id_claim(s->sync, STORE_ID_NOTE_VERSIONS, vseen);
	p->key_version = s->key->version;
	e = seal_new(s, "notes", "body", p->id, n->content, &p->body, &p->body_len);
	if (e == ERR_OK && risk != NULL)
		e = seal_new(s, "notes", "risk", p->id, risk, &p->risk, &p->risk_len);
	if (e == ERR_OK)
		e = seal_new(s, "note_versions", "body", p->version_id, n->content, &p->kept,
		             &p->kept_len);
	return e;
}

enum err store_note_prepare(struct store *s, const struct vault *v, const struct note *n,
                            const char *risk, struct note_prepared *out)
{
	struct note_prepared p;
	enum err e;

	memset(&p, 0, sizeof p);
	random_public_id(p.public_id);
	e = claim_and_seal(s, v, n, risk, &p);
	if (e != ERR_OK) {
		note_prepared_cleanup(&p);
		return e;
	}
	*out = p;
	return ERR_OK;
}

/* ids_check - are p's ids taken (*taken), is the client's key there (*live)? */
static enum err ids_check(struct store *s, int64_t client_id, const struct note_prepared *p,
                          int *taken, int *live)
{
	sqlite3_stmt *st = get(s, QN_KEY_LIVE);
	int rc;

	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, p->version_id);
	sqlite3_bind_int64(st, 3, client_id);
	sqlite3_bind_int64(st, 4, p->key_version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*taken = sqlite3_column_int(st, 0);
		*live = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? ERR_OK : db_err(s, rc);
}

enum err store_note_insert_prepared(struct store *s, const struct vault *v, struct note *n,
                                    const char *risk, struct note_prepared *p, int64_t actor,
                                    int64_t now)
{
	sqlite3_stmt *st;
	int taken = 0, live = 0;
	enum err e;

	e = ids_check(s, n->client_id, p, &taken, &live);
	if (e == ERR_OK && !live)
		return ERR_NOTFOUND; /* shredded since it was sealed */
	if (e == ERR_OK && taken) {
		/* Under the write lock the highest ids are exact: claim again. */
		e = claim_and_seal(s, v, n, risk, p);
		p->resealed = 1;
	}
	if (e != ERR_OK)
		return e;
	st = get(s, QN_INSERT_SEALED);
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_text(st, 2, p->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n->client_id);
	sqlite3_bind_int64(st, 4, n->author_id);
	sqlite3_bind_int64(st, 5, p->key_version);
	sqlite3_bind_blob(st, 6, p->body, (int)p->body_len, SQLITE_STATIC);
	if (p->risk != NULL)
		sqlite3_bind_blob(st, 7, p->risk, (int)p->risk_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_text(st, 9, n->template_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, n->date, -1, SQLITE_STATIC);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	st = get(s, QN_VERSION_INSERT_SEALED);
	sqlite3_bind_int64(st, 1, p->version_id);
	sqlite3_bind_int64(st, 2, p->id);
	sqlite3_bind_int64(st, 3, p->key_version);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, actor);
	sqlite3_bind_text(st, 6, n->date, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, p->kept, (int)p->kept_len, SQLITE_STATIC);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	n->id = p->id;
	memcpy(n->public_id, p->public_id, sizeof p->public_id);
	n->status = NOTE_DRAFT;
	n->version = 1;
	n->created_at = n->updated_at = now;
	return ERR_OK;
}

enum err store_note_get(struct store *s, const struct vault *v, const char *public_id,
                        int with_content, struct note *out)
{
	sqlite3_stmt *st = get(s, QN_GET);
	enum err e;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_note(s, v, st, with_content, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_note_list(struct store *s, int64_t client_id, int64_t before, struct note *out,
                         size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QN_LIST);
	size_t k = 0;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = read_note(s, NULL, st, 0, &out[k]);
		if (e == ERR_OK)
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK)
		*n = k;
	return e;
}

enum err store_note_update_draft(struct store *s, const struct vault *v, struct note *n,
                                 int64_t now)
{
	sqlite3_stmt *st = get(s, QN_UPDATE);
	enum err e;

	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_text(st, 2, n->date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, n->version);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	if (sqlite3_changes(s->db) != 1)
		return ERR_CONFLICT;
	e = client_key_load(s, v, n->client_id, 1);
	if (e == ERR_OK)
		e = seal_row(s, QN_SEAL, "notes", n->id, n->content);
	if (e == ERR_OK) {
		n->version++;
		n->updated_at = now;
	}
	return e;
}

enum err store_note_sign(struct store *s, int64_t id, int status, int64_t signer, int64_t now,
                         const unsigned char hash[32])
{
	sqlite3_stmt *st = get(s, QN_SIGN);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_int64(st, 3, signer);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_blob(st, 5, hash, 32, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	return e;
}

enum err store_note_cosign(struct store *s, int64_t id, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QN_COSIGN);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	return e;
}

enum err store_addendum_add(struct store *s, const struct vault *v, const struct note *n,
                            int64_t author, const char *text, const unsigned char hash[32],
                            int64_t now)
{
	sqlite3_stmt *st;
	int64_t id;
	enum err e;

	e = client_key_load(s, v, n->client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QN_ADD_INSERT);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, author);
	sqlite3_bind_int64(st, 3, s->key->version);
	sqlite3_bind_blob(st, 4, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	id = sqlite3_last_insert_rowid(s->db);
	return seal_row(s, QN_ADD_SEAL, "note_addenda", id, text);
}

/* read_addendum - the current row of QN_ADD_LIST or QN_ADD_EACH, opened. */
static enum err read_addendum(struct store *s, const struct vault *v, sqlite3_stmt *st,
                              int64_t client_id, struct addendum *a)
{
	int64_t id = sqlite3_column_int64(st, 0);
	enum err e;

	memset(a, 0, sizeof *a);
	copy_col(st, 1, a->author_public_id, sizeof a->author_public_id);
	copy_col(st, 2, a->author_name, sizeof a->author_name);
	if (sqlite3_column_bytes(st, 5) == 32)
		memcpy(a->hash, sqlite3_column_blob(st, 5), 32);
	a->created_at = sqlite3_column_int64(st, 6);
	e = client_key_load(s, v, client_id, (uint32_t)sqlite3_column_int64(st, 3));
	if (e == ERR_OK)
		e = open_column(s, st, 4, "note_addenda", "body", id, &a->text);
	if (e == ERR_OK && a->text == NULL)
		e = ERR_CRYPTO;
	if (e != ERR_OK)
		addendum_cleanup(a);
	return e;
}

enum err store_addenda(struct store *s, const struct vault *v, const struct note *n,
                       struct addendum *out, size_t max, size_t *count)
{
	sqlite3_stmt *st = get(s, QN_ADD_LIST);
	size_t k = 0, i;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, n->id);
	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = read_addendum(s, v, st, n->client_id, &out[k]);
		if (e == ERR_OK)
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			addendum_cleanup(&out[i]);
		return e;
	}
	*count = k;
	return ERR_OK;
}

enum err store_note_each(struct store *s, const struct vault *v, int64_t client_id,
                         enum err (*fn)(void *arg, struct note *n), void *arg)
{
	sqlite3_stmt *st = get(s, QN_EACH);
	struct note n;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, client_id);
	while (e == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = read_note(s, v, st, 1, &n);
		if (e == ERR_OK)
			e = fn(arg, &n);
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_addendum_each(struct store *s, const struct vault *v, int64_t client_id,
                             enum err (*fn)(void *arg, const char *note_public_id,
                                            struct addendum *a),
                             void *arg)
{
	sqlite3_stmt *st = get(s, QN_ADD_EACH);
	struct addendum a;
	char note[33];
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, client_id);
	while (e == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		copy_col(st, 7, note, sizeof note);
		e = read_addendum(s, v, st, client_id, &a);
		if (e == ERR_OK)
			e = fn(arg, note, &a);
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

static enum err exists2(struct store *s, enum notes_stmt q, int64_t a, int64_t b, int *yes)
{
	sqlite3_stmt *st = get(s, q);
	int rc;

	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, rc);
	*yes = rc == SQLITE_ROW;
	return ERR_OK;
}

enum err store_supervises(struct store *s, int64_t supervisor, int64_t supervisee, int *yes)
{
	return exists2(s, QN_SUPERVISES, supervisor, supervisee, yes);
}

enum err store_has_supervisor(struct store *s, int64_t user, int *yes)
{
	return exists2(s, QN_HAS_SUPERVISOR, user, 0, yes);
}

enum err store_note_insert(struct store *s, const struct vault *v, int64_t client_id,
                           int64_t author_id, const char *body, int64_t now)
{
	struct note n;
	unsigned char h[32];
	enum err e;

	memset(&n, 0, sizeof n);
	n.client_id = client_id;
	n.author_id = author_id;
	snprintf(n.template_name, sizeof n.template_name, "soap");
	{
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(n.date, sizeof n.date, "%Y-%m-%d", &tm);
	}
	n.content = (char *)(uintptr_t)body;
	e = store_note_create(s, v, &n, now);
	vault_hash(h, body, strlen(body));
	if (e == ERR_OK)
		e = store_note_sign(s, n.id, NOTE_SIGNED, author_id, now, h);
	return e;
}
