/*
 * store_time_off.c - a clinician's time off: list a range, find one,
 * delete one (see store/time_off.h). The rows hold a user id and two
 * instants, no client data, so nothing is sealed. Never: changes an
 * appointment or another clinician's rows (the caller passes the row).
 */
#include <string.h>

#include "store/internal.h"
#include "store/time_off.h"

enum time_off_stmt { QT_LIST, QT_FIND, QT_DELETE, QT__COUNT };

#define TO_COLS "id, public_id, user_id, starts_at, ends_at, created_at FROM time_off "

static const char *const sql[QT__COUNT] = {
        [QT_LIST] = "SELECT " TO_COLS "WHERE user_id = ?1 AND starts_at < ?3 AND ends_at > ?2 "
                    "ORDER BY starts_at, id LIMIT ?4",
        [QT_FIND] = "SELECT " TO_COLS "WHERE public_id = ?1",
        [QT_DELETE] = "DELETE FROM time_off WHERE id = ?1",
};

const struct stmt_group store_group_time_off = {sql, QT__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_TIME_OFF, (id))

static enum err read_row(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct time_off *t = out;

	(void)s;
	(void)v;
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, t->public_id, sizeof t->public_id);
	t->user_id = sqlite3_column_int64(st, 2);
	t->starts_at = sqlite3_column_int64(st, 3);
	t->ends_at = sqlite3_column_int64(st, 4);
	t->created_at = sqlite3_column_int64(st, 5);
	return ERR_OK;
}

/* nothing - rows hold no secrets: rows_collect's cleanup does nothing. */
static void nothing(void *p)
{
	(void)p;
}

enum err store_time_off_list(struct store *s, int64_t user_id, int64_t from, int64_t to,
                             struct time_off *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QT_LIST);
	enum err e;

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	e = rows_collect(s, NULL, st, read_row, nothing, out, sizeof *out, max, n);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_time_off_find(struct store *s, const char *public_id, struct time_off *out)
{
	sqlite3_stmt *st = get(s, QT_FIND);
	struct time_off t;
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_row(s, NULL, st, &t);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK)
		*out = t;
	return e;
}

enum err store_time_off_delete(struct store *s, int64_t id)
{
	sqlite3_stmt *st = get(s, QT_DELETE);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK && sqlite3_changes(s->db) == 0)
		e = ERR_NOTFOUND;
	return e;
}
