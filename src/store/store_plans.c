/*
 * store_plans.c - treatment plans and their versions (see store/plans.h).
 * A version row is inserted with empty sealed columns and sealed once its
 * id is known (the id is part of the associated data); the schema refuses
 * any later change to it, and any change at all once it is signed. Never:
 * leaves plaintext in memory it frees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/plans.h"

enum plans_stmt {
	QP_CREATE,
	QP_HEAD,
	QP_BUMP,
	QP_VERSION_INSERT,
	QP_VERSION_SEAL,
	QP_VERSION_GET,
	QP_VERSION_LATEST,
	QP_VERSIONS,
	QP_LIST,
	QP_COUNT,
	QP_SIGN,
	QP__COUNT
};

#define PV_COLS                                                                                    \
	"v.id, v.plan_id, p.public_id, p.client_id, c.public_id, v.version, p.latest, "            \
	"v.author_id, ua.public_id, v.created_at, p.created_at, v.key_version, v.text_hash, "      \
	"coalesce(v.signed_at, 0), coalesce(us.public_id, ''), coalesce(v.signed_method, ''), "    \
	"v.signed_hash, v.body_sealed, v.text_sealed, v.signer_name_sealed"
#define PV_FROM                                                                                    \
	" FROM treatment_plan_versions v JOIN treatment_plans p ON p.id = v.plan_id "              \
	"JOIN clients c ON c.id = p.client_id JOIN users ua ON ua.id = v.author_id "               \
	"LEFT JOIN users us ON us.id = v.signed_by "

static const char *const sql[QP__COUNT] = {
        [QP_CREATE] = "INSERT INTO treatment_plans(public_id, client_id, created_by, created_at, "
                      "updated_at, latest) VALUES (?1, ?2, ?3, ?4, ?4, 0)",
        [QP_HEAD] = "SELECT id, client_id, latest FROM treatment_plans WHERE public_id = ?1",
        [QP_BUMP] = "UPDATE treatment_plans SET latest = ?2, updated_at = ?3 "
                    "WHERE id = ?1 AND latest = ?2 - 1",
        [QP_VERSION_INSERT] =
                "INSERT INTO treatment_plan_versions(plan_id, version, author_id, key_version, "
                "body_sealed, text_sealed, text_hash, created_at) "
                "VALUES (?1, ?2, ?3, ?4, x'', x'', ?5, ?6)",
        [QP_VERSION_SEAL] = "UPDATE treatment_plan_versions SET body_sealed = ?2, text_sealed = ?3 "
                            "WHERE id = ?1 AND length(body_sealed) = 0",
        [QP_VERSION_GET] = "SELECT " PV_COLS PV_FROM "WHERE v.plan_id = ?1 AND v.version = ?2",
        [QP_VERSION_LATEST] = "SELECT " PV_COLS PV_FROM "WHERE v.plan_id = ?1 "
                              "AND v.version = p.latest",
        [QP_VERSIONS] = "SELECT " PV_COLS PV_FROM "WHERE v.plan_id = ?1 ORDER BY v.version DESC "
                        "LIMIT ?2",
        [QP_LIST] = "SELECT " PV_COLS PV_FROM "WHERE p.client_id = ?1 AND v.version = p.latest "
                    "ORDER BY p.id LIMIT ?2",
        [QP_COUNT] = "SELECT count(*) FROM treatment_plans WHERE client_id = ?1",
        [QP_SIGN] = "UPDATE treatment_plan_versions SET signed_at = ?2, signed_by = ?3, "
                    "signed_method = ?4, signed_hash = ?5, signer_name_sealed = ?6 "
                    "WHERE id = ?1 AND signed_at IS NULL",
};

const struct stmt_group store_group_plans = {sql, QP__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_PLANS, (id))

static const char TABLE[] = "treatment_plan_versions";

void plan_version_cleanup(struct plan_version *p)
{
	mem_free_wiped_str(p->body);
	mem_free_wiped_str(p->text);
	mem_free_wiped_str(p->signer_name);
	mem_wipe(p, sizeof *p);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

static void copy_hash(sqlite3_stmt *st, int col, unsigned char out[32])
{
	if (sqlite3_column_bytes(st, col) == 32)
		memcpy(out, sqlite3_column_blob(st, col), 32);
}

/* read_version - the current row; the sealed columns only when open. */
static enum err read_version(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                             struct plan_version *out)
{
	struct plan_version p;
	enum err e = ERR_OK;

	memset(&p, 0, sizeof p);
	p.id = sqlite3_column_int64(st, 0);
	p.plan_id = sqlite3_column_int64(st, 1);
	copy_col(st, 2, p.plan_public_id, sizeof p.plan_public_id);
	p.client_id = sqlite3_column_int64(st, 3);
	copy_col(st, 4, p.client_public_id, sizeof p.client_public_id);
	p.version = sqlite3_column_int64(st, 5);
	p.latest = sqlite3_column_int64(st, 6);
	p.author_id = sqlite3_column_int64(st, 7);
	copy_col(st, 8, p.author_public_id, sizeof p.author_public_id);
	p.created_at = sqlite3_column_int64(st, 9);
	p.plan_created_at = sqlite3_column_int64(st, 10);
	p.key_version = (uint32_t)sqlite3_column_int64(st, 11);
	copy_hash(st, 12, p.text_hash);
	p.signed_at = sqlite3_column_int64(st, 13);
	copy_col(st, 14, p.signed_by_public_id, sizeof p.signed_by_public_id);
	copy_col(st, 15, p.signed_method, sizeof p.signed_method);
	copy_hash(st, 16, p.signed_hash);
	if (open) {
		e = client_key_load(s, v, p.client_id, p.key_version);
		if (e == ERR_OK)
			e = open_column(s, st, 17, TABLE, "body", p.id, &p.body);
		if (e == ERR_OK)
			e = open_column(s, st, 18, TABLE, "text", p.id, &p.text);
		if (e == ERR_OK && (p.body == NULL || p.text == NULL))
			e = ERR_CRYPTO; /* a version that was never sealed */
		if (e == ERR_OK && p.signed_at != 0)
			e = open_column(s, st, 19, TABLE, "signer_name", p.id, &p.signer_name);
		if (e == ERR_OK && p.signed_at != 0 && p.signer_name == NULL)
			e = ERR_CRYPTO;
	}
	if (e != ERR_OK) {
		plan_version_cleanup(&p);
		return e;
	}
	*out = p;
	mem_wipe(&p, sizeof p);
	return ERR_OK;
}

enum err store_plan_create(struct store *s, int64_t client_id, int64_t author, int64_t now,
                           int64_t *plan_id, char public_id[33])
{
	sqlite3_stmt *st = get(s, QP_CREATE);
	char pid[33];
	enum err e;

	random_public_id(pid);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, author);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	*plan_id = sqlite3_last_insert_rowid(s->db);
	memcpy(public_id, pid, sizeof pid);
	return ERR_OK;
}

enum err store_plan_head(struct store *s, const char *public_id, int64_t *plan_id,
                         int64_t *client_id, int64_t *latest)
{
	sqlite3_stmt *st = get(s, QP_HEAD);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*plan_id = sqlite3_column_int64(st, 0);
		*client_id = sqlite3_column_int64(st, 1);
		*latest = sqlite3_column_int64(st, 2);
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	}
	sqlite3_reset(st);
	return e;
}

/* seal_version - seal body and text into version row id (s->key loaded). */
static enum err seal_version(struct store *s, int64_t id, const char *body, const char *text)
{
	sqlite3_stmt *st = get(s, QP_VERSION_SEAL);
	unsigned char *b1 = NULL, *b2 = NULL;
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = seal_bind(s, st, 2, TABLE, "body", id, body, &b1);
	if (e == ERR_OK)
		e = seal_bind(s, st, 3, TABLE, "text", id, text, &b2);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(b1);
	free(b2);
	return e;
}

enum err store_plan_version_add(struct store *s, const struct vault *v, struct plan_version *p,
                                int64_t now)
{
	sqlite3_stmt *st;
	enum err e;

	if (p->body == NULL || p->text == NULL)
		return ERR_INVAL;
	/* Move the head first: a concurrent save of the same version loses here. */
	st = get(s, QP_BUMP);
	sqlite3_bind_int64(st, 1, p->plan_id);
	sqlite3_bind_int64(st, 2, p->version);
	sqlite3_bind_int64(st, 3, now);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	if (e == ERR_OK)
		e = client_key_load(s, v, p->client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QP_VERSION_INSERT);
	sqlite3_bind_int64(st, 1, p->plan_id);
	sqlite3_bind_int64(st, 2, p->version);
	sqlite3_bind_int64(st, 3, p->author_id);
	sqlite3_bind_int64(st, 4, s->key->version);
	sqlite3_bind_blob(st, 5, p->text_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	p->id = sqlite3_last_insert_rowid(s->db);
	p->key_version = s->key->version;
	e = seal_version(s, p->id, p->body, p->text);
	if (e != ERR_OK)
		return e;
	p->created_at = now;
	p->latest = p->version;
	return ERR_OK;
}

enum err store_plan_version_get(struct store *s, const struct vault *v, int64_t plan_id,
                                int64_t version, int open, struct plan_version *out)
{
	sqlite3_stmt *st = get(s, version > 0 ? QP_VERSION_GET : QP_VERSION_LATEST);
	enum err e;
	int rc;

	sqlite3_bind_int64(st, 1, plan_id);
	if (version > 0)
		sqlite3_bind_int64(st, 2, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_version(s, v, st, open, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* read_listed / version_cleanup_v - the reader (opened when v is given) and
 * cleanup in rows_collect's shape. */
static enum err read_listed(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	return read_version(s, v, st, v != NULL, out);
}

static void version_cleanup_v(void *p)
{
	plan_version_cleanup(p);
}

enum err store_plan_versions(struct store *s, int64_t plan_id, struct plan_version *out, size_t max,
                             size_t *n)
{
	sqlite3_stmt *st = get(s, QP_VERSIONS);

	sqlite3_bind_int64(st, 1, plan_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, NULL, st, read_listed, version_cleanup_v, out, sizeof *out, max, n);
}

enum err store_plan_list(struct store *s, const struct vault *v, int64_t client_id,
                         struct plan_version *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QP_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, v, st, read_listed, version_cleanup_v, out, sizeof *out, max, n);
}

enum err store_plan_count(struct store *s, int64_t client_id, size_t *n)
{
	sqlite3_stmt *st = get(s, QP_COUNT);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_plan_sign(struct store *s, const struct vault *v, const struct plan_version *p,
                         const char *name, int64_t by, const char *method,
                         const unsigned char hash[32], int64_t now)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	enum err e;

	e = client_key_load(s, v, p->client_id, p->key_version);
	if (e != ERR_OK)
		return e;
	st = get(s, QP_SIGN);
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_text(st, 4, method, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, hash, 32, SQLITE_STATIC);
	e = seal_bind(s, st, 6, TABLE, "signer_name", p->id, name, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}
