/*
 * store_amendments.c - amendment requests (see store/amendments.h). A row
 * is inserted with an empty change and sealed once its id is known; each
 * later step writes its own sealed column with a guarded UPDATE. Never:
 * leaves plaintext in memory it frees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/amendments.h"
#include "store/internal.h"

enum amendments_stmt {
	QA_INSERT,
	QA_SEAL,
	QA_GET,
	QA_LIST,
	QA_LIST_TARGET,
	QA_COUNT,
	QA_EXTEND,
	QA_DECIDE,
	QA_DISAGREE,
	QA_REBUT,
	QA__COUNT
};

#define AM_COLS                                                                                    \
	"a.id, a.public_id, a.client_id, c.public_id, a.target_type, coalesce(a.target_id, 0), "   \
	"a.target_public_id, a.target_field, a.requested_by, u1.public_id, a.requested_via, "      \
	"a.key_version, a.received_at, a.due_at, coalesce(a.extended_at, 0), "                     \
	"coalesce(u2.public_id, ''), a.status, coalesce(a.decided_at, 0), "                        \
	"coalesce(u3.public_id, ''), a.denial_basis, coalesce(a.addendum_id, 0), "                 \
	"coalesce(a.disagreement_at, 0), coalesce(u4.public_id, ''), coalesce(a.rebuttal_at, 0), " \
	"coalesce(u5.public_id, ''), a.change_sealed, a.reason_sealed, "                           \
	"a.extension_reason_sealed, a.decision_sealed, a.disagreement_sealed, a.rebuttal_sealed"
#define AM_FROM                                                                                    \
	" FROM amendment_requests a JOIN clients c ON c.id = a.client_id "                         \
	"JOIN users u1 ON u1.id = a.requested_by LEFT JOIN users u2 ON u2.id = a.extended_by "     \
	"LEFT JOIN users u3 ON u3.id = a.decided_by "                                              \
	"LEFT JOIN users u4 ON u4.id = a.disagreement_by "                                         \
	"LEFT JOIN users u5 ON u5.id = a.rebuttal_by "

static const char *const sql[QA__COUNT] = {
        [QA_INSERT] = "INSERT INTO amendment_requests(public_id, client_id, target_type, "
                      "target_id, target_public_id, target_field, requested_by, requested_via, "
                      "key_version, change_sealed, reason_sealed, received_at, due_at, status) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, x'', x'', ?10, ?11, 0)",
        [QA_SEAL] = "UPDATE amendment_requests SET change_sealed = ?2, reason_sealed = ?3 "
                    "WHERE id = ?1 AND length(change_sealed) = 0",
        [QA_GET] = "SELECT " AM_COLS AM_FROM "WHERE a.public_id = ?1",
        [QA_LIST] = "SELECT " AM_COLS AM_FROM "WHERE a.client_id = ?1 ORDER BY a.id LIMIT ?2",
        [QA_LIST_TARGET] = "SELECT " AM_COLS AM_FROM "WHERE a.client_id = ?1 AND "
                           "a.target_type = ?3 AND a.target_id = ?4 ORDER BY a.id LIMIT ?2",
        [QA_COUNT] = "SELECT count(*) FROM amendment_requests WHERE client_id = ?1",
        [QA_EXTEND] = "UPDATE amendment_requests SET extended_at = ?2, extended_by = ?3, "
                      "extension_reason_sealed = ?4, due_at = ?5 WHERE id = ?1 AND status = 0 "
                      "AND extended_at IS NULL",
        [QA_DECIDE] = "UPDATE amendment_requests SET status = ?2, decided_by = ?3, "
                      "decided_at = ?4, denial_basis = ?5, decision_sealed = ?6, "
                      "addendum_id = nullif(?7, 0) WHERE id = ?1 AND status = 0",
        [QA_DISAGREE] = "UPDATE amendment_requests SET disagreement_sealed = ?2, "
                        "disagreement_by = ?3, disagreement_at = ?4 WHERE id = ?1 AND "
                        "status = 2 AND disagreement_at IS NULL",
        [QA_REBUT] = "UPDATE amendment_requests SET rebuttal_sealed = ?2, rebuttal_by = ?3, "
                     "rebuttal_at = ?4 WHERE id = ?1 AND disagreement_at IS NOT NULL AND "
                     "rebuttal_at IS NULL",
};

const struct stmt_group store_group_amendments = {sql, QA__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_AMENDMENTS, (id))

static const char TABLE[] = "amendment_requests";

void amendment_cleanup(struct amendment *a)
{
	mem_free_wiped_str(a->change);
	mem_free_wiped_str(a->reason);
	mem_free_wiped_str(a->extension_reason);
	mem_free_wiped_str(a->decision);
	mem_free_wiped_str(a->disagreement);
	mem_free_wiped_str(a->rebuttal);
	mem_wipe(a, sizeof *a);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* The sealed columns, in select order from column 25. */
static const char *const sealed_cols[] = {"change",   "reason",       "extension_reason",
                                          "decision", "disagreement", "rebuttal"};

/* read_row - the current row; the sealed columns only when open. */
static enum err read_row(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                         struct amendment *out)
{
	struct amendment a;
	char **text[6];
	enum err e = ERR_OK;
	int i;

	memset(&a, 0, sizeof a);
	a.id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, a.public_id, sizeof a.public_id);
	a.client_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, a.client_public_id, sizeof a.client_public_id);
	copy_col(st, 4, a.target_type, sizeof a.target_type);
	a.target_id = sqlite3_column_int64(st, 5);
	copy_col(st, 6, a.target_public_id, sizeof a.target_public_id);
	copy_col(st, 7, a.target_field, sizeof a.target_field);
	a.requested_by = sqlite3_column_int64(st, 8);
	copy_col(st, 9, a.requested_by_public_id, sizeof a.requested_by_public_id);
	copy_col(st, 10, a.requested_via, sizeof a.requested_via);
	a.key_version = (uint32_t)sqlite3_column_int64(st, 11);
	a.received_at = sqlite3_column_int64(st, 12);
	a.due_at = sqlite3_column_int64(st, 13);
	a.extended_at = sqlite3_column_int64(st, 14);
	copy_col(st, 15, a.extended_by_public_id, sizeof a.extended_by_public_id);
	a.status = sqlite3_column_int(st, 16);
	a.decided_at = sqlite3_column_int64(st, 17);
	copy_col(st, 18, a.decided_by_public_id, sizeof a.decided_by_public_id);
	copy_col(st, 19, a.denial_basis, sizeof a.denial_basis);
	a.addendum_id = sqlite3_column_int64(st, 20);
	a.disagreement_at = sqlite3_column_int64(st, 21);
	copy_col(st, 22, a.disagreement_by_public_id, sizeof a.disagreement_by_public_id);
	a.rebuttal_at = sqlite3_column_int64(st, 23);
	copy_col(st, 24, a.rebuttal_by_public_id, sizeof a.rebuttal_by_public_id);
	text[0] = &a.change;
	text[1] = &a.reason;
	text[2] = &a.extension_reason;
	text[3] = &a.decision;
	text[4] = &a.disagreement;
	text[5] = &a.rebuttal;
	if (open) {
		e = client_key_load(s, v, a.client_id, a.key_version);
		for (i = 0; e == ERR_OK && i < 6; i++)
			e = open_column(s, st, 25 + i, TABLE, sealed_cols[i], a.id, text[i]);
		if (e == ERR_OK && (a.change == NULL || a.reason == NULL))
			e = ERR_CRYPTO; /* a request that was never sealed */
	}
	if (e != ERR_OK) {
		amendment_cleanup(&a);
		return e;
	}
	*out = a;
	mem_wipe(&a, sizeof a);
	return ERR_OK;
}

enum err store_amendment_add(struct store *s, const struct vault *v, struct amendment *a)
{
	sqlite3_stmt *st;
	unsigned char *b1 = NULL, *b2 = NULL;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, a->client_id, 1);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QA_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->client_id);
	sqlite3_bind_text(st, 3, a->target_type, -1, SQLITE_STATIC);
	if (a->target_id != 0)
		sqlite3_bind_int64(st, 4, a->target_id);
	sqlite3_bind_text(st, 5, a->target_public_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->target_field, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, a->requested_by);
	sqlite3_bind_text(st, 8, a->requested_via, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, s->key->version);
	sqlite3_bind_int64(st, 10, a->received_at);
	sqlite3_bind_int64(st, 11, a->due_at);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	a->id = sqlite3_last_insert_rowid(s->db);
	a->key_version = s->key->version;
	st = get(s, QA_SEAL);
	sqlite3_bind_int64(st, 1, a->id);
	e = seal_bind(s, st, 2, TABLE, "change", a->id, a->change, &b1);
	if (e == ERR_OK)
		e = seal_bind(s, st, 3, TABLE, "reason", a->id, a->reason, &b2);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(b1);
	free(b2);
	if (e != ERR_OK)
		return e;
	memcpy(a->public_id, pid, sizeof pid);
	a->status = AMENDMENT_PENDING;
	return ERR_OK;
}

enum err store_amendment_get(struct store *s, const struct vault *v, const char *public_id,
                             int open, struct amendment *out)
{
	sqlite3_stmt *st = get(s, QA_GET);
	enum err e;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_row(s, v, st, open, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* read_row_open / amendment_cleanup_v - the reader (opened) and cleanup in rows_collect's shape. */
static enum err read_row_open(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	return read_row(s, v, st, 1, out);
}

static void amendment_cleanup_v(void *p)
{
	amendment_cleanup(p);
}

enum err store_amendment_list(struct store *s, const struct vault *v, int64_t client_id,
                              const char *target_type, int64_t target_id, struct amendment *out,
                              size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, target_type != NULL ? QA_LIST_TARGET : QA_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	if (target_type != NULL) {
		sqlite3_bind_text(st, 3, target_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, target_id);
	}
	return rows_collect(s, v, st, read_row_open, amendment_cleanup_v, out, sizeof *out, max, n);
}

enum err store_amendment_count(struct store *s, int64_t client_id, size_t *n)
{
	sqlite3_stmt *st = get(s, QA_COUNT);
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

/* step_sealed - bind text sealed as `column` of a's row to parameter idx
 * of st (the rest already bound), step it, and ERR_CONFLICT unless exactly
 * one row changed (the guard in the WHERE clause did not hold). */
static enum err step_sealed(struct store *s, const struct vault *v, sqlite3_stmt *st, int idx,
                            const struct amendment *a, const char *column, const char *text)
{
	unsigned char *blob = NULL;
	enum err e;

	e = client_key_load(s, v, a->client_id, a->key_version);
	if (e == ERR_OK)
		e = seal_bind(s, st, idx, TABLE, column, a->id, text, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

enum err store_amendment_extend(struct store *s, const struct vault *v, const struct amendment *a,
                                int64_t by, const char *reason, int64_t due_at, int64_t now)
{
	sqlite3_stmt *st = get(s, QA_EXTEND);

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 5, due_at);
	return step_sealed(s, v, st, 4, a, "extension_reason", reason);
}

enum err store_amendment_decide(struct store *s, const struct vault *v, const struct amendment *a,
                                int status, int64_t by, const char *basis, const char *text,
                                int64_t addendum_id, int64_t now)
{
	sqlite3_stmt *st = get(s, QA_DECIDE);

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, basis != NULL ? basis : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, addendum_id);
	return step_sealed(s, v, st, 6, a, "decision", text);
}

enum err store_amendment_disagree(struct store *s, const struct vault *v, const struct amendment *a,
                                  int64_t by, const char *text, int64_t now)
{
	sqlite3_stmt *st = get(s, QA_DISAGREE);

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 4, now);
	return step_sealed(s, v, st, 2, a, "disagreement", text);
}

enum err store_amendment_rebut(struct store *s, const struct vault *v, const struct amendment *a,
                               int64_t by, const char *text, int64_t now)
{
	sqlite3_stmt *st = get(s, QA_REBUT);

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 4, now);
	return step_sealed(s, v, st, 2, a, "rebuttal", text);
}

enum err store_amendment_note_addendum(struct store *s, const struct vault *v, const struct note *n,
                                       int64_t author, const char *text,
                                       const unsigned char hash[32], int64_t now,
                                       int64_t *addendum_id)
{
	enum err e = store_addendum_add(s, v, n, author, text, hash, now);

	/* Sealing the addendum is an UPDATE: the last insert is still it. */
	if (e == ERR_OK)
		*addendum_id = sqlite3_last_insert_rowid(s->db);
	return e;
}
