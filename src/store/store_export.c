/*
 * store_export.c - a client's appointments for the right-of-access export,
 * and access_requests rows (see store/export.h). The extension reason is
 * sealed under the client's key bound to (access_requests,
 * extension_reason, row, key version). Never: reads or names the
 * psychotherapy notes table; changes a fulfilled request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/export.h"
#include "store/internal.h"

enum export_stmt {
	QX_APPTS,
	QX_AR_INSERT,
	QX_AR_GET,
	QX_AR_LIST,
	QX_AR_OPEN,
	QX_AR_EXTEND,
	QX_AR_FULFIL,
	QX__COUNT
};

#define AR_COLS                                                                                    \
	"r.id, r.public_id, r.client_id, c.public_id, r.kind, r.jurisdiction, r.requested_by, "    \
	"u.public_id, r.requested_via, r.received_on, r.due_on, r.created_at, r.key_version, "     \
	"coalesce(r.extended_at, 0), coalesce(x.public_id, ''), coalesce(r.fulfilled_at, 0), "     \
	"coalesce(f.public_id, ''), coalesce(r.export_id, ''), r.extension_reason_sealed"
#define AR_FROM                                                                                    \
	" FROM access_requests r JOIN clients c ON c.id = r.client_id "                            \
	"JOIN users u ON u.id = r.requested_by LEFT JOIN users x ON x.id = r.extended_by "         \
	"LEFT JOIN users f ON f.id = r.fulfilled_by "

static const char *const sql[QX__COUNT] = {
        [QX_APPTS] = "SELECT a.id, a.clinician_id, u.public_id, a.starts_at, a.ends_at, a.status "
                     "FROM appointments a JOIN users u ON u.id = a.clinician_id "
                     "WHERE a.client_id = ?1 ORDER BY a.starts_at, a.id",
        [QX_AR_INSERT] = "INSERT INTO access_requests(public_id, client_id, kind, jurisdiction, "
                         "requested_by, requested_via, received_on, due_on, created_at, "
                         "key_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        [QX_AR_GET] = "SELECT " AR_COLS AR_FROM "WHERE r.public_id = ?1",
        [QX_AR_LIST] = "SELECT " AR_COLS AR_FROM "WHERE r.client_id = ?1 ORDER BY r.id DESC "
                       "LIMIT ?2",
        [QX_AR_OPEN] = "SELECT " AR_COLS AR_FROM "WHERE r.fulfilled_at IS NULL "
                       "ORDER BY r.due_on, r.id LIMIT ?2",
        [QX_AR_EXTEND] = "UPDATE access_requests SET due_on = ?2, extended_at = ?3, "
                         "extended_by = ?4, extension_reason_sealed = ?5 WHERE id = ?1 AND "
                         "extended_at IS NULL AND fulfilled_at IS NULL",
        [QX_AR_FULFIL] = "UPDATE access_requests SET fulfilled_at = ?2, fulfilled_by = ?3, "
                         "export_id = ?4 WHERE id = ?1 AND fulfilled_at IS NULL",
};

const struct stmt_group store_group_export = {sql, QX__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_EXPORT, (id))

enum err store_appointment_each(struct store *s, int64_t client_id,
                                enum err (*fn)(void *arg, const struct appointment_row *a),
                                void *arg)
{
	sqlite3_stmt *st = get(s, QX_APPTS);
	struct appointment_row a;
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	sqlite3_bind_int64(st, 1, client_id);
	while (e == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(st, 0);
		a.clinician_id = sqlite3_column_int64(st, 1);
		copy_text_col(st, 2, a.clinician_public_id, sizeof a.clinician_public_id);
		a.starts_at = sqlite3_column_int64(st, 3);
		a.ends_at = sqlite3_column_int64(st, 4);
		a.status = sqlite3_column_int(st, 5);
		e = fn(arg, &a);
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* ---- access requests ------------------------------------------------ */

void access_request_cleanup(struct access_request *r)
{
	mem_free_wiped_str(r->extension_reason);
	mem_wipe(r, sizeof *r);
}

/* read_request - the current row; the reason opened when open. */
static enum err read_request(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                             struct access_request *out)
{
	struct access_request r;
	enum err e = ERR_OK;

	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, r.public_id, sizeof r.public_id);
	r.client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, r.client_public_id, sizeof r.client_public_id);
	copy_text_col(st, 4, r.kind, sizeof r.kind);
	copy_text_col(st, 5, r.jurisdiction, sizeof r.jurisdiction);
	r.requested_by = sqlite3_column_int64(st, 6);
	copy_text_col(st, 7, r.requested_by_public_id, sizeof r.requested_by_public_id);
	copy_text_col(st, 8, r.requested_via, sizeof r.requested_via);
	copy_text_col(st, 9, r.received_on, sizeof r.received_on);
	copy_text_col(st, 10, r.due_on, sizeof r.due_on);
	r.created_at = sqlite3_column_int64(st, 11);
	r.key_version = (uint32_t)sqlite3_column_int64(st, 12);
	r.extended_at = sqlite3_column_int64(st, 13);
	copy_text_col(st, 14, r.extended_by_public_id, sizeof r.extended_by_public_id);
	r.fulfilled_at = sqlite3_column_int64(st, 15);
	copy_text_col(st, 16, r.fulfilled_by_public_id, sizeof r.fulfilled_by_public_id);
	copy_text_col(st, 17, r.export_id, sizeof r.export_id);
	if (open && sqlite3_column_type(st, 18) != SQLITE_NULL) {
		e = client_key_load(s, v, r.client_id, r.key_version);
		if (e == ERR_OK)
			e = open_column(s, st, 18, "access_requests", "extension_reason", r.id,
			                &r.extension_reason);
	}
	if (e != ERR_OK) {
		access_request_cleanup(&r);
		return e;
	}
	*out = r;
	return ERR_OK;
}

static enum err read_opened(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	return read_request(s, v, st, 1, out);
}

static enum err read_closed(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	return read_request(s, v, st, 0, out);
}

static void cleanup_request(void *p)
{
	access_request_cleanup(p);
}

enum err store_access_request_add(struct store *s, const struct vault *v, struct access_request *r,
                                  int64_t now)
{
	sqlite3_stmt *st;
	char pid[33];
	enum err e = client_key_load(s, v, r->client_id, 1);

	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QX_AR_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->client_id);
	sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->jurisdiction, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->requested_by);
	sqlite3_bind_text(st, 6, r->requested_via, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->received_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->due_on, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, now);
	sqlite3_bind_int64(st, 10, s->key->version);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	r->id = sqlite3_last_insert_rowid(s->db);
	r->key_version = s->key->version;
	r->created_at = now;
	memcpy(r->public_id, pid, sizeof pid);
	return ERR_OK;
}

enum err store_access_request_get(struct store *s, const struct vault *v, const char *public_id,
                                  int open, struct access_request *out)
{
	sqlite3_stmt *st = get(s, QX_AR_GET);
	enum err e;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_request(s, v, st, open, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_access_request_list(struct store *s, const struct vault *v, int64_t client_id,
                                   struct access_request *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, client_id ? QX_AR_LIST : QX_AR_OPEN);

	if (client_id)
		sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, v, st, client_id ? read_opened : read_closed, cleanup_request, out,
	                    sizeof *out, max, n);
}

enum err store_access_request_extend(struct store *s, const struct vault *v,
                                     const struct access_request *r, int64_t by, const char *reason,
                                     const char *due_on, int64_t now)
{
	sqlite3_stmt *st = get(s, QX_AR_EXTEND);
	unsigned char *blob = NULL;
	enum err e = client_key_load(s, v, r->client_id, r->key_version);

	if (e != ERR_OK)
		return e;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, due_on, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, by);
	e = seal_bind(s, st, 5, "access_requests", "extension_reason", r->id, reason, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

enum err store_access_request_fulfil(struct store *s, int64_t id, int64_t by, const char *export_id,
                                     int64_t now)
{
	sqlite3_stmt *st = get(s, QX_AR_FULFIL);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (by) /* 0: the practice itself (the CLI), not a user */
		sqlite3_bind_int64(st, 3, by);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, export_id, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	return e;
}
