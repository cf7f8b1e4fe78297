/*
 * store_audit.c - the audit chain's rows. The store only keeps them; audit/
 * computes and checks the hashes. Never updates or deletes a row (the
 * schema's triggers refuse it too).
 */
#include <string.h>

#include "store/internal.h"

enum audit_stmt { QA_TAIL, QA_INSERT, QA_ALL, QA__COUNT };

static const char *const sql[QA__COUNT] = {
        [QA_TAIL] = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
        [QA_INSERT] = "INSERT INTO audit_events(seq, at, actor, event, client_id, "
                      "outcome, request_id, detail, prev_hash, hash) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        [QA_ALL] = "SELECT seq, at, actor, event, client_id, outcome, request_id, "
                   "detail, prev_hash, hash FROM audit_events ORDER BY seq",
};

const struct stmt_group store_group_audit = {sql, QA__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_AUDIT, (id))

/* ---- audit rows ------------------------------------------------------------ */

enum err store_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32])
{
	sqlite3_stmt *st = get(s, QA_TAIL);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE) {
		*seq = 0;
		memset(hash, 0, 32);
		sqlite3_reset(st);
		return ERR_OK;
	}
	if (rc != SQLITE_ROW || sqlite3_column_bytes(st, 1) != 32) {
		sqlite3_reset(st);
		return rc == SQLITE_ROW ? ERR_CRYPTO : db_err(s, rc);
	}
	*seq = sqlite3_column_int64(st, 0);
	memcpy(hash, sqlite3_column_blob(st, 1), 32);
	sqlite3_reset(st);
	return ERR_OK;
}

enum err store_audit_insert(struct store *s, const struct audit_row *r)
{
	sqlite3_stmt *st = get(s, QA_INSERT);

	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_int64(st, 2, r->at);
	sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->event, -1, SQLITE_STATIC);
	if (r->client_id)
		sqlite3_bind_int64(st, 5, r->client_id);
	sqlite3_bind_text(st, 6, r->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, r->prev_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, r->hash, 32, SQLITE_STATIC);
	return step_done(s, st);
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

enum err store_audit_each(struct store *s, enum err (*fn)(void *arg, const struct audit_row *r),
                          void *arg)
{
	sqlite3_stmt *st = get(s, QA_ALL);
	struct audit_row r;
	enum err e = ERR_OK;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.seq = sqlite3_column_int64(st, 0);
		r.at = sqlite3_column_int64(st, 1);
		r.actor = col_text(st, 2);
		r.event = col_text(st, 3);
		r.client_id = sqlite3_column_int64(st, 4);
		r.outcome = col_text(st, 5);
		r.request_id = col_text(st, 6);
		r.detail = col_text(st, 7);
		if (sqlite3_column_bytes(st, 8) != 32 || sqlite3_column_bytes(st, 9) != 32) {
			e = ERR_CRYPTO;
			break;
		}
		memcpy(r.prev_hash, sqlite3_column_blob(st, 8), 32);
		memcpy(r.hash, sqlite3_column_blob(st, 9), 32);
		e = fn(arg, &r);
		if (e != ERR_OK)
			break;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}
