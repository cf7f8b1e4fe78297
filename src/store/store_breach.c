/*
 * store_breach.c - breach records (see store/breach.h). Never: stores a
 * client's data: the affected clients are found again in the audit trail
 * from the stored filter whenever letters are made.
 */
#include <string.h>

#include "store/breach.h"
#include "store/internal.h"

enum breach_stmt { QB_INSERT, QB_GET, QB_LIST, QB__COUNT };

#define B_COLS                                                                                     \
	"b.id, b.public_id, b.discovered_at, b.description, b.info_types, b.steps, b.actions, "    \
	"b.contact, b.consequences, b.actor, b.session, b.source, b.window_from, b.window_to, "    \
	"b.affected, "                                                                             \
	"u.public_id, b.created_at FROM breaches b JOIN users u ON u.id = b.created_by "

static const char *const sql[QB__COUNT] = {
        [QB_INSERT] = "INSERT INTO breaches(public_id, discovered_at, description, info_types, "
                      "steps, actions, contact, actor, session, source, window_from, window_to, "
                      "affected, created_by, created_at, consequences) VALUES "
                      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        [QB_GET] = "SELECT " B_COLS "WHERE b.public_id = ?1",
        [QB_LIST] = "SELECT " B_COLS "ORDER BY b.discovered_at DESC, b.id DESC LIMIT ?1",
};

const struct stmt_group store_group_breach = {sql, QB__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_BREACH, (id))

enum err store_breach_insert(struct store *s, struct breach *b, int64_t created_by)
{
	sqlite3_stmt *st = get(s, QB_INSERT);
	enum err e;

	random_public_id(b->public_id);
	sqlite3_bind_text(st, 1, b->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, b->discovered_at);
	sqlite3_bind_text(st, 3, b->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, b->info_types, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, b->steps, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, b->actions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, b->contact, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, b->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, b->session, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, b->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, b->window_from);
	sqlite3_bind_int64(st, 12, b->window_to);
	sqlite3_bind_int64(st, 13, b->affected);
	sqlite3_bind_int64(st, 14, created_by);
	sqlite3_bind_int64(st, 15, b->created_at);
	sqlite3_bind_text(st, 16, b->consequences, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK)
		b->id = sqlite3_last_insert_rowid(s->db);
	return e;
}

static enum err read_breach(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct breach *b = out;

	(void)s;
	(void)v;
	memset(b, 0, sizeof *b);
	b->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, b->public_id, sizeof b->public_id);
	b->discovered_at = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, b->description, sizeof b->description);
	copy_text_col(st, 4, b->info_types, sizeof b->info_types);
	copy_text_col(st, 5, b->steps, sizeof b->steps);
	copy_text_col(st, 6, b->actions, sizeof b->actions);
	copy_text_col(st, 7, b->contact, sizeof b->contact);
	copy_text_col(st, 8, b->consequences, sizeof b->consequences);
	copy_text_col(st, 9, b->actor, sizeof b->actor);
	copy_text_col(st, 10, b->session, sizeof b->session);
	copy_text_col(st, 11, b->source, sizeof b->source);
	b->window_from = sqlite3_column_int64(st, 12);
	b->window_to = sqlite3_column_int64(st, 13);
	b->affected = sqlite3_column_int64(st, 14);
	copy_text_col(st, 15, b->created_by, sizeof b->created_by);
	b->created_at = sqlite3_column_int64(st, 16);
	return ERR_OK;
}

enum err store_breach_get(struct store *s, const char *public_id, struct breach *out)
{
	sqlite3_stmt *st = get(s, QB_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	e = rows_collect(s, NULL, st, read_breach, NULL, out, sizeof *out, 1, &n);
	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_breach_list(struct store *s, struct breach *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QB_LIST);

	sqlite3_bind_int64(st, 1, (int64_t)max);
	return rows_collect(s, NULL, st, read_breach, NULL, out, sizeof *out, max, n);
}
