/*
 * store_telehealth.c - the rows of video rooms and their participants (see
 * store/telehealth.h). Nothing here is sealed: the rows hold ids, flags,
 * times and token hashes only. Never: stores a join token; returns a
 * participant of another room than the one asked about.
 */
#include <string.h>

#include "store/internal.h"
#include "store/telehealth.h"

enum th_stmt {
	QT_ROOM_OPEN_OF,
	QT_ROOM_ADD,
	QT_ROOM_GET,
	QT_ROOM_END,
	QT_ROOM_EXPIRE_TOKENS,
	QT_JOIN,
	QT_PARTICIPANTS,
	QT_ADMIT,
	QT_PART_BY_PUBLIC,
	QT_TOKEN_FIND,
	QT_PART_GET,
	QT__COUNT
};

#define ROOM_COLS                                                                                  \
	"id, public_id, appointment_id, opened_by, opened_at, expires_at, "                        \
	"coalesce(ended_at, 0) FROM telehealth_rooms "

#define PART_COLS                                                                                  \
	"p.id, p.public_id, p.room_id, r.public_id, p.user_id, u.public_id, "                      \
	"coalesce(p.client_id, 0), coalesce(c.public_id, ''), p.host, coalesce(p.admitted_at, "    \
	"0), "                                                                                     \
	"p.token_expires_at, p.joined_at FROM telehealth_participants p "                          \
	"JOIN telehealth_rooms r ON r.id = p.room_id JOIN users u ON u.id = p.user_id "            \
	"LEFT JOIN clients c ON c.id = p.client_id "

static const char *const sql[QT__COUNT] = {
        [QT_ROOM_OPEN_OF] = "SELECT " ROOM_COLS "WHERE appointment_id = ?1 AND ended_at IS NULL",
        [QT_ROOM_ADD] = "INSERT INTO telehealth_rooms(public_id, appointment_id, opened_by, "
                        "opened_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        [QT_ROOM_GET] = "SELECT " ROOM_COLS "WHERE public_id = ?1",
        [QT_ROOM_END] = "UPDATE telehealth_rooms SET ended_at = ?3, ended_by = ?2 "
                        "WHERE id = ?1 AND ended_at IS NULL",
        [QT_ROOM_EXPIRE_TOKENS] = "UPDATE telehealth_participants SET token_expires_at = "
                                  "min(token_expires_at, ?2) WHERE room_id = ?1",
        [QT_JOIN] = "INSERT INTO telehealth_participants(public_id, room_id, user_id, client_id, "
                    "host, admitted_at, token_hash, token_expires_at, joined_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                    "ON CONFLICT (room_id, user_id) DO UPDATE SET host = excluded.host, "
                    "admitted_at = coalesce(admitted_at, excluded.admitted_at), "
                    "token_hash = excluded.token_hash, "
                    "token_expires_at = excluded.token_expires_at, "
                    "joined_at = excluded.joined_at "
                    "RETURNING id, public_id, coalesce(admitted_at, 0)",
        [QT_PARTICIPANTS] = "SELECT " PART_COLS "WHERE p.room_id = ?1 ORDER BY p.host DESC, p.id",
        [QT_ADMIT] = "UPDATE telehealth_participants SET admitted_at = coalesce(admitted_at, ?3) "
                     "WHERE room_id = ?1 AND public_id = ?2",
        [QT_PART_BY_PUBLIC] = "SELECT " PART_COLS "WHERE p.room_id = ?1 AND p.public_id = ?2",
        [QT_TOKEN_FIND] = "SELECT " PART_COLS "WHERE p.token_hash = ?1 AND "
                          "p.token_expires_at > ?2 AND r.ended_at IS NULL",
        [QT_PART_GET] = "SELECT " PART_COLS "WHERE p.id = ?1",
};

const struct stmt_group store_group_telehealth = {sql, QT__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_TELEHEALTH, (id))

/* ---- rooms --------------------------------------------------------------- */

static enum err room_read(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct th_room *r = out;

	(void)s;
	(void)v;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, r->public_id, sizeof r->public_id);
	r->appointment_id = sqlite3_column_int64(st, 2);
	r->opened_by = sqlite3_column_int64(st, 3);
	r->opened_at = sqlite3_column_int64(st, 4);
	r->expires_at = sqlite3_column_int64(st, 5);
	r->ended_at = sqlite3_column_int64(st, 6);
	return ERR_OK;
}

static void no_cleanup(void *p)
{
	(void)p;
}

/* one - the single row of st (bound) read by read into out; ERR_NOTFOUND. */
static enum err one(struct store *s, sqlite3_stmt *st, row_reader read, void *out, size_t size)
{
	size_t n = 0;
	enum err e = rows_collect(s, NULL, st, read, no_cleanup, out, size, 1, &n);

	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_th_room_open_of(struct store *s, int64_t appt_id, struct th_room *out)
{
	sqlite3_stmt *st = get(s, QT_ROOM_OPEN_OF);

	sqlite3_bind_int64(st, 1, appt_id);
	return one(s, st, room_read, out, sizeof *out);
}

enum err store_th_room_add(struct store *s, struct th_room *r)
{
	sqlite3_stmt *st = get(s, QT_ROOM_ADD);
	char public_id[33];
	enum err e;

	random_public_id(public_id);
	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, r->appointment_id);
	sqlite3_bind_int64(st, 3, r->opened_by);
	sqlite3_bind_int64(st, 4, r->opened_at);
	sqlite3_bind_int64(st, 5, r->expires_at);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK) {
		r->id = sqlite3_last_insert_rowid(s->db);
		memcpy(r->public_id, public_id, sizeof public_id);
		r->ended_at = 0;
	}
	return e;
}

enum err store_th_room_get(struct store *s, const char *public_id, struct th_room *out)
{
	sqlite3_stmt *st = get(s, QT_ROOM_GET);

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_TRANSIENT);
	return one(s, st, room_read, out, sizeof *out);
}

enum err store_th_room_end(struct store *s, int64_t room_id, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QT_ROOM_END);
	enum err e;

	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	st = get(s, QT_ROOM_EXPIRE_TOKENS);
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_int64(st, 2, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

/* ---- participants -------------------------------------------------------- */

static enum err part_read(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct th_participant *p = out;

	(void)s;
	(void)v;
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, p->public_id, sizeof p->public_id);
	p->room_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, p->room_public_id, sizeof p->room_public_id);
	p->user_id = sqlite3_column_int64(st, 4);
	copy_text_col(st, 5, p->user_public_id, sizeof p->user_public_id);
	p->client_id = sqlite3_column_int64(st, 6);
	copy_text_col(st, 7, p->client_public_id, sizeof p->client_public_id);
	p->host = sqlite3_column_int(st, 8);
	p->admitted_at = sqlite3_column_int64(st, 9);
	p->token_expires_at = sqlite3_column_int64(st, 10);
	p->joined_at = sqlite3_column_int64(st, 11);
	return ERR_OK;
}

enum err store_th_join(struct store *s, struct th_participant *p, const unsigned char hash[32],
                       int admit_now)
{
	sqlite3_stmt *st = get(s, QT_JOIN);
	char public_id[33];
	enum err e = ERR_OK;
	int rc;

	random_public_id(public_id);
	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, p->room_id);
	sqlite3_bind_int64(st, 3, p->user_id);
	if (p->client_id != 0)
		sqlite3_bind_int64(st, 4, p->client_id);
	sqlite3_bind_int(st, 5, p->host ? 1 : 0);
	if (admit_now)
		sqlite3_bind_int64(st, 6, p->joined_at);
	sqlite3_bind_blob(st, 7, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, p->token_expires_at);
	sqlite3_bind_int64(st, 9, p->joined_at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		copy_text_col(st, 1, p->public_id, sizeof p->public_id);
		p->admitted_at = sqlite3_column_int64(st, 2);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_th_participants(struct store *s, int64_t room_id, struct th_participant *out,
                               size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QT_PARTICIPANTS);

	sqlite3_bind_int64(st, 1, room_id);
	return rows_collect(s, NULL, st, part_read, no_cleanup, out, sizeof *out, max, n);
}

enum err store_th_admit(struct store *s, int64_t room_id, const char *public_id, int64_t now,
                        struct th_participant *out)
{
	sqlite3_stmt *st = get(s, QT_ADMIT);
	enum err e;

	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_text(st, 2, public_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	st = get(s, QT_PART_BY_PUBLIC);
	sqlite3_bind_int64(st, 1, room_id);
	sqlite3_bind_text(st, 2, public_id, -1, SQLITE_TRANSIENT);
	return one(s, st, part_read, out, sizeof *out);
}

enum err store_th_token_find(struct store *s, const unsigned char hash[32], int64_t now,
                             struct th_participant *out)
{
	sqlite3_stmt *st = get(s, QT_TOKEN_FIND);

	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	return one(s, st, part_read, out, sizeof *out);
}

enum err store_th_participant_get(struct store *s, int64_t id, struct th_participant *out)
{
	sqlite3_stmt *st = get(s, QT_PART_GET);

	sqlite3_bind_int64(st, 1, id);
	return one(s, st, part_read, out, sizeof *out);
}
