/*
 * store_remind.c - the rows of the waitlist, booking requests, reminders,
 * calendar feeds and integration secrets (see store/remind.h). Free text
 * is sealed under the client's key bound to its table, column and row (a
 * row is inserted first, then sealed once its id is known); secrets under
 * the vault's secrets subkey bound to their name. Never: leaves opened
 * text in memory it frees; stores a feed token or a reminder's content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/remind.h"

enum remind_stmt {
	QR_WAIT_ADD,
	QR_WAIT_SEAL,
	QR_WAIT_GET,
	QR_WAIT_LIST,
	QR_WAIT_NOTE,
	QR_WAIT_REMOVE,
	QR_BOOK_ADD,
	QR_BOOK_SEAL,
	QR_BOOK_GET,
	QR_BOOK_LIST,
	QR_BOOK_DECIDE,
	QR_BOOK_REASON,
	QR_CANDIDATES,
	QR_REM_GET,
	QR_REM_SET,
	QR_ATTEMPT_ADD,
	QR_ATTEMPTS,
	QR_FEED_ADD,
	QR_FEED_REVOKE,
	QR_FEED_FIND,
	QR_FEED_ACTIVE,
	QR_SECRET_SET,
	QR_SECRET_DEL,
	QR_SECRET_GET,
	QR__COUNT
};

#define WAIT_COLS                                                                                  \
	"w.id, w.public_id, w.client_id, c.public_id, w.clinician_id, "                            \
	"COALESCE(u.public_id, ''), w.days, w.earliest_minute, w.latest_minute, w.telehealth, "    \
	"w.status, w.created_at, w.key_version, w.note_sealed "                                    \
	"FROM waitlist w JOIN clients c ON c.id = w.client_id "                                    \
	"LEFT JOIN users u ON u.id = w.clinician_id "

#define BOOK_COLS                                                                                  \
	"b.id, b.public_id, b.client_id, c.public_id, b.clinician_id, u.public_id, "               \
	"b.start_local, b.tzid, b.starts_at, b.minutes, COALESCE(b.service_id, 0), "               \
	"COALESCE(sv.public_id, ''), b.telehealth, b.status, COALESCE(b.appointment_id, 0), "      \
	"COALESCE(a.public_id, ''), COALESCE(b.decided_at, 0), b.created_at, b.version, "          \
	"b.key_version, b.message_sealed, b.reason_sealed "                                        \
	"FROM booking_requests b JOIN clients c ON c.id = b.client_id "                            \
	"JOIN users u ON u.id = b.clinician_id "                                                   \
	"LEFT JOIN services sv ON sv.id = b.service_id "                                           \
	"LEFT JOIN appointments a ON a.id = b.appointment_id "

static const char *const sql[QR__COUNT] = {
        [QR_WAIT_ADD] = "INSERT INTO waitlist(public_id, client_id, clinician_id, days, "
                        "earliest_minute, latest_minute, telehealth, created_by, created_at, "
                        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        [QR_WAIT_SEAL] = "UPDATE waitlist SET note_sealed = ?2, key_version = ?3 WHERE id = ?1",
        [QR_WAIT_GET] = "SELECT " WAIT_COLS "WHERE w.public_id = ?1",
        [QR_WAIT_LIST] =
                "SELECT " WAIT_COLS "WHERE w.status = 0 AND (?1 = 0 OR w.clinician_id IS NULL OR "
                "w.clinician_id = ?1) ORDER BY w.created_at, w.id LIMIT ?2",
        [QR_WAIT_NOTE] = "SELECT key_version, note_sealed FROM waitlist WHERE id = ?1",
        [QR_WAIT_REMOVE] = "UPDATE waitlist SET status = 1, updated_at = ?2 WHERE id = ?1 AND "
                           "status = 0",
        [QR_BOOK_ADD] = "INSERT INTO booking_requests(public_id, client_id, clinician_id, "
                        "start_local, tzid, starts_at, minutes, service_id, telehealth, "
                        "requested_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                        "?10, ?11)",
        [QR_BOOK_SEAL] = "UPDATE booking_requests SET message_sealed = ?2, key_version = ?3 "
                         "WHERE id = ?1",
        [QR_BOOK_GET] = "SELECT " BOOK_COLS "WHERE b.public_id = ?1",
        [QR_BOOK_LIST] = "SELECT " BOOK_COLS
                         "WHERE (?1 < 0 OR b.status = ?1) AND (?2 = 0 OR b.clinician_id = ?2) "
                         "AND (?3 = 0 OR b.client_id = ?3) ORDER BY b.created_at DESC, b.id DESC "
                         "LIMIT ?4",
        [QR_BOOK_DECIDE] = "UPDATE booking_requests SET status = ?2, appointment_id = ?3, "
                           "decided_by = ?4, decided_at = ?5, version = version + 1 WHERE id = "
                           "?1 AND version = ?6 AND status = 0",
        [QR_BOOK_REASON] = "UPDATE booking_requests SET reason_sealed = ?2, key_version = ?3 "
                           "WHERE id = ?1",
        [QR_CANDIDATES] =
                "SELECT a.id, a.public_id, c.id, c.public_id, a.starts_at, a.tzid FROM "
                "appointments a JOIN clients c ON c.id = a.client_id WHERE a.starts_at >= ?1 "
                "AND a.starts_at < ?2 AND a.status IN (0, 1) UNION "
                "SELECT a.id, a.public_id, c.id, c.public_id, a.starts_at, a.tzid FROM "
                "appointments a JOIN appointment_members m ON m.appointment_id = a.id AND "
                "m.role = 0 JOIN clients c ON c.id = m.member_id WHERE a.starts_at >= ?1 AND "
                "a.starts_at < ?2 AND a.status IN (0, 1) ORDER BY 5, 1, 3 LIMIT ?3",
        [QR_REM_GET] = "SELECT state, attempts, next_at FROM reminders WHERE appointment_id = ?1 "
                       "AND client_id = ?2 AND channel = ?3 AND starts_at = ?4",
        [QR_REM_SET] = "INSERT OR REPLACE INTO reminders(appointment_id, client_id, channel, "
                       "starts_at, state, attempts, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        [QR_ATTEMPT_ADD] = "INSERT INTO reminder_attempts(appointment_id, client_id, channel, "
                           "attempt, attempted_at, outcome, error_class) VALUES (?1, ?2, ?3, ?4, "
                           "?5, ?6, ?7)",
        [QR_ATTEMPTS] = "SELECT c.public_id, r.channel, r.attempt, r.attempted_at, r.outcome, "
                        "r.error_class FROM reminder_attempts r JOIN clients c ON c.id = "
                        "r.client_id WHERE r.appointment_id = ?1 ORDER BY r.id LIMIT ?2",
        [QR_FEED_ADD] = "INSERT INTO calendar_feeds(public_id, user_id, token_hash, created_at) "
                        "VALUES (?1, ?2, ?3, ?4)",
        [QR_FEED_REVOKE] = "UPDATE calendar_feeds SET revoked_at = ?2 WHERE user_id = ?1 AND "
                           "revoked_at IS NULL",
        [QR_FEED_FIND] = "SELECT user_id FROM calendar_feeds WHERE token_hash = ?1 AND "
                         "revoked_at IS NULL",
        [QR_FEED_ACTIVE] = "SELECT created_at FROM calendar_feeds WHERE user_id = ?1 AND "
                           "revoked_at IS NULL ORDER BY id DESC LIMIT 1",
        [QR_SECRET_SET] = "INSERT OR REPLACE INTO integration_secrets(name, sealed, updated_at) "
                          "VALUES (?1, ?2, ?3)",
        [QR_SECRET_DEL] = "DELETE FROM integration_secrets WHERE name = ?1",
        [QR_SECRET_GET] = "SELECT sealed FROM integration_secrets WHERE name = ?1",
};

const struct stmt_group store_group_remind = {sql, QR__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_REMIND, (id))

void waitlist_entry_cleanup(struct waitlist_entry *w)
{
	mem_free_wiped_str(w->note);
	mem_wipe(w, sizeof *w);
}

void booking_request_cleanup(struct booking_request *r)
{
	mem_free_wiped_str(r->message);
	mem_free_wiped_str(r->reason);
	mem_wipe(r, sizeof *r);
}

static void bind_id(sqlite3_stmt *st, int idx, int64_t id)
{
	if (id != 0)
		sqlite3_bind_int64(st, idx, id);
	else
		sqlite3_bind_null(st, idx);
}

/* seal_into - seal text into column of row (statement id binds ?1 row,
 * ?2 blob, ?3 key version) under client_id's key. */
static enum err seal_into(struct store *s, const struct vault *v, unsigned id, const char *table,
                          const char *column, int64_t row, int64_t client_id, const char *text)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	enum err e = client_key_load(s, v, client_id, 1);

	if (e != ERR_OK)
		return e;
	st = get(s, id);
	sqlite3_bind_int64(st, 1, row);
	e = seal_bind(s, st, 2, table, column, row, text, &blob);
	sqlite3_bind_int64(st, 3, s->key->version);
	if (e == ERR_OK)
		e = step_done(s, st);
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

/* changed_one - step an UPDATE; ERR_CONFLICT unless it changed one row. */
static enum err changed_one(struct store *s, sqlite3_stmt *st)
{
	enum err e = step_done(s, st);

	sqlite3_clear_bindings(st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	return e;
}

/* ---- waitlist ----------------------------------------------------------- */

enum err store_waitlist_add(struct store *s, const struct vault *v, struct waitlist_entry *w,
                            int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QR_WAIT_ADD);
	enum err e;

	random_public_id(w->public_id);
	sqlite3_bind_text(st, 1, w->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->client_id);
	bind_id(st, 3, w->clinician_id);
	sqlite3_bind_int64(st, 4, w->days);
	sqlite3_bind_int(st, 5, w->earliest_minute);
	sqlite3_bind_int(st, 6, w->latest_minute);
	sqlite3_bind_int(st, 7, w->telehealth);
	bind_id(st, 8, by);
	sqlite3_bind_int64(st, 9, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	w->id = sqlite3_last_insert_rowid(s->db);
	w->created_at = now;
	if (w->note != NULL)
		e = seal_into(s, v, QR_WAIT_SEAL, "waitlist", "note", w->id, w->client_id, w->note);
	return e;
}

static enum err wait_row(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct waitlist_entry *w = out;

	(void)s;
	(void)v;
	memset(w, 0, sizeof *w);
	w->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, w->public_id, sizeof w->public_id);
	w->client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, w->client_public_id, sizeof w->client_public_id);
	w->clinician_id = sqlite3_column_int64(st, 4);
	copy_text_col(st, 5, w->clinician_public_id, sizeof w->clinician_public_id);
	w->days = (unsigned)sqlite3_column_int(st, 6);
	w->earliest_minute = sqlite3_column_int(st, 7);
	w->latest_minute = sqlite3_column_int(st, 8);
	w->telehealth = sqlite3_column_int(st, 9);
	w->status = sqlite3_column_int(st, 10);
	w->created_at = sqlite3_column_int64(st, 11);
	return ERR_OK;
}

static void wait_cleanup(void *p)
{
	waitlist_entry_cleanup(p);
}

enum err store_waitlist_get(struct store *s, const struct vault *v, const char *public_id,
                            int open_note, struct waitlist_entry *out)
{
	sqlite3_stmt *st = get(s, QR_WAIT_GET);
	struct waitlist_entry w;
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_TRANSIENT);
	e = rows_collect(s, v, st, wait_row, wait_cleanup, &w, sizeof w, 1, &n);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK && n == 0)
		return ERR_NOTFOUND;
	if (e == ERR_OK && open_note)
		e = store_waitlist_note(s, v, &w);
	if (e != ERR_OK) {
		if (n > 0)
			waitlist_entry_cleanup(&w);
		return e;
	}
	*out = w;
	return ERR_OK;
}

enum err store_waitlist_list(struct store *s, int64_t clinician_id, struct waitlist_entry *out,
                             size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QR_WAIT_LIST);
	enum err e;

	sqlite3_bind_int64(st, 1, clinician_id);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	e = rows_collect(s, NULL, st, wait_row, wait_cleanup, out, sizeof *out, max, n);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_waitlist_note(struct store *s, const struct vault *v, struct waitlist_entry *w)
{
	sqlite3_stmt *st = get(s, QR_WAIT_NOTE);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, w->id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	} else if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		e = client_key_load(s, v, w->client_id, (uint32_t)sqlite3_column_int64(st, 0));
		if (e == ERR_OK)
			e = open_column(s, st, 1, "waitlist", "note", w->id, &w->note);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_waitlist_remove(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st = get(s, QR_WAIT_REMOVE);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return changed_one(s, st);
}

/* ---- booking requests -------------------------------------------------- */

enum err store_booking_add(struct store *s, const struct vault *v, struct booking_request *r,
                           int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QR_BOOK_ADD);
	enum err e;

	random_public_id(r->public_id);
	sqlite3_bind_text(st, 1, r->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->client_id);
	sqlite3_bind_int64(st, 3, r->clinician_id);
	sqlite3_bind_text(st, 4, r->start_local, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->tzid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->starts_at);
	sqlite3_bind_int(st, 7, r->minutes);
	bind_id(st, 8, r->service_id);
	sqlite3_bind_int(st, 9, r->telehealth);
	bind_id(st, 10, by);
	sqlite3_bind_int64(st, 11, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	r->id = sqlite3_last_insert_rowid(s->db);
	r->created_at = now;
	r->version = 1;
	r->status = BOOKING_PENDING;
	if (r->message != NULL)
		e = seal_into(s, v, QR_BOOK_SEAL, "booking_requests", "message", r->id,
		              r->client_id, r->message);
	return e;
}

/* book_row - a request's clear columns; with v, message and reason opened. */
static enum err book_row(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct booking_request *r = out;
	enum err e = ERR_OK;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, r->public_id, sizeof r->public_id);
	r->client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, r->client_public_id, sizeof r->client_public_id);
	r->clinician_id = sqlite3_column_int64(st, 4);
	copy_text_col(st, 5, r->clinician_public_id, sizeof r->clinician_public_id);
	copy_text_col(st, 6, r->start_local, sizeof r->start_local);
	copy_text_col(st, 7, r->tzid, sizeof r->tzid);
	r->starts_at = sqlite3_column_int64(st, 8);
	r->minutes = sqlite3_column_int(st, 9);
	r->service_id = sqlite3_column_int64(st, 10);
	copy_text_col(st, 11, r->service_public_id, sizeof r->service_public_id);
	r->telehealth = sqlite3_column_int(st, 12);
	r->status = sqlite3_column_int(st, 13);
	r->appointment_id = sqlite3_column_int64(st, 14);
	copy_text_col(st, 15, r->appointment_public_id, sizeof r->appointment_public_id);
	r->decided_at = sqlite3_column_int64(st, 16);
	r->created_at = sqlite3_column_int64(st, 17);
	r->version = sqlite3_column_int64(st, 18);
	if (v == NULL || (sqlite3_column_type(st, 20) == SQLITE_NULL &&
	                  sqlite3_column_type(st, 21) == SQLITE_NULL))
		return ERR_OK;
	e = client_key_load(s, v, r->client_id, (uint32_t)sqlite3_column_int64(st, 19));
	if (e == ERR_OK)
		e = open_column(s, st, 20, "booking_requests", "message", r->id, &r->message);
	if (e == ERR_OK)
		e = open_column(s, st, 21, "booking_requests", "reason", r->id, &r->reason);
	if (e != ERR_OK)
		booking_request_cleanup(r);
	return e;
}

static void book_cleanup(void *p)
{
	booking_request_cleanup(p);
}

enum err store_booking_get(struct store *s, const struct vault *v, const char *public_id, int open,
                           struct booking_request *out)
{
	sqlite3_stmt *st = get(s, QR_BOOK_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_TRANSIENT);
	e = rows_collect(s, open ? v : NULL, st, book_row, book_cleanup, out, sizeof *out, 1, &n);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_booking_list(struct store *s, int status, int64_t clinician_id, int64_t client_id,
                            struct booking_request *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QR_BOOK_LIST);
	enum err e;

	sqlite3_bind_int(st, 1, status);
	sqlite3_bind_int64(st, 2, clinician_id);
	sqlite3_bind_int64(st, 3, client_id);
	sqlite3_bind_int64(st, 4, (int64_t)max);
	e = rows_collect(s, NULL, st, book_row, book_cleanup, out, sizeof *out, max, n);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_booking_decide(struct store *s, const struct vault *v,
                              const struct booking_request *r, int status, int64_t appointment_id,
                              const char *reason, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QR_BOOK_DECIDE);
	enum err e;

	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int(st, 2, status);
	bind_id(st, 3, appointment_id);
	bind_id(st, 4, by);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, r->version);
	e = changed_one(s, st);
	if (e == ERR_OK && reason != NULL)
		e = seal_into(s, v, QR_BOOK_REASON, "booking_requests", "reason", r->id,
		              r->client_id, reason);
	return e;
}

/* ---- reminders ---------------------------------------------------------- */

static enum err cand_row(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct reminder_candidate *c = out;

	(void)s;
	(void)v;
	memset(c, 0, sizeof *c);
	c->appt_id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, c->appt_public_id, sizeof c->appt_public_id);
	c->client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, c->client_public_id, sizeof c->client_public_id);
	c->starts_at = sqlite3_column_int64(st, 4);
	copy_text_col(st, 5, c->tzid, sizeof c->tzid);
	return ERR_OK;
}

static void plain_cleanup(void *p)
{
	(void)p;
}

enum err store_reminder_candidates(struct store *s, int64_t from, int64_t to,
                                   struct reminder_candidate *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QR_CANDIDATES);
	enum err e;

	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, (int64_t)max);
	e = rows_collect(s, NULL, st, cand_row, plain_cleanup, out, sizeof *out, max, n);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_reminder_get(struct store *s, int64_t appt_id, int64_t client_id, int channel,
                            int64_t starts_at, int *state, int *attempts, int64_t *next_at)
{
	sqlite3_stmt *st = get(s, QR_REM_GET);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, appt_id);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int(st, 3, channel);
	sqlite3_bind_int64(st, 4, starts_at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*state = sqlite3_column_int(st, 0);
		*attempts = sqlite3_column_int(st, 1);
		*next_at = sqlite3_column_int64(st, 2);
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_reminder_set(struct store *s, int64_t appt_id, int64_t client_id, int channel,
                            int64_t starts_at, int state, int attempts, int64_t next_at)
{
	sqlite3_stmt *st = get(s, QR_REM_SET);
	enum err e;

	sqlite3_bind_int64(st, 1, appt_id);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int(st, 3, channel);
	sqlite3_bind_int64(st, 4, starts_at);
	sqlite3_bind_int(st, 5, state);
	sqlite3_bind_int(st, 6, attempts);
	sqlite3_bind_int64(st, 7, next_at);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_reminder_attempt_add(struct store *s, int64_t appt_id, int64_t client_id,
                                    int channel, int attempt, int64_t at, int outcome,
                                    const char *error_class)
{
	sqlite3_stmt *st = get(s, QR_ATTEMPT_ADD);
	enum err e;

	sqlite3_bind_int64(st, 1, appt_id);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int(st, 3, channel);
	sqlite3_bind_int(st, 4, attempt);
	sqlite3_bind_int64(st, 5, at);
	sqlite3_bind_int(st, 6, outcome);
	sqlite3_bind_text(st, 7, error_class ? error_class : "", -1, SQLITE_TRANSIENT);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

static enum err attempt_row(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct reminder_attempt *a = out;

	(void)s;
	(void)v;
	memset(a, 0, sizeof *a);
	copy_text_col(st, 0, a->client_public_id, sizeof a->client_public_id);
	a->channel = sqlite3_column_int(st, 1);
	a->attempt = sqlite3_column_int(st, 2);
	a->at = sqlite3_column_int64(st, 3);
	a->outcome = sqlite3_column_int(st, 4);
	copy_text_col(st, 5, a->error_class, sizeof a->error_class);
	return ERR_OK;
}

enum err store_reminder_attempts(struct store *s, int64_t appt_id, struct reminder_attempt *out,
                                 size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QR_ATTEMPTS);
	enum err e;

	sqlite3_bind_int64(st, 1, appt_id);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	e = rows_collect(s, NULL, st, attempt_row, plain_cleanup, out, sizeof *out, max, n);
	sqlite3_clear_bindings(st);
	return e;
}

/* ---- calendar feeds ----------------------------------------------------- */

enum err store_feed_add(struct store *s, int64_t user_id, const unsigned char hash[32], int64_t now)
{
	sqlite3_stmt *st = get(s, QR_FEED_ADD);
	char public_id[33];
	enum err e;

	random_public_id(public_id);
	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_feed_revoke(struct store *s, int64_t user_id, int64_t now, int64_t *n)
{
	sqlite3_stmt *st = get(s, QR_FEED_REVOKE);
	enum err e;

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK)
		*n = sqlite3_changes(s->db);
	return e;
}

/* one_int - the first column of the single row of st, or ERR_NOTFOUND. */
static enum err one_int(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	enum err e = ERR_OK;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_feed_find(struct store *s, const unsigned char hash[32], int64_t *user_id)
{
	sqlite3_stmt *st = get(s, QR_FEED_FIND);

	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return one_int(s, st, user_id);
}

enum err store_feed_active(struct store *s, int64_t user_id, int64_t *created_at)
{
	sqlite3_stmt *st = get(s, QR_FEED_ACTIVE);

	sqlite3_bind_int64(st, 1, user_id);
	return one_int(s, st, created_at);
}

/* ---- integration secrets ------------------------------------------------ */

enum err store_secret_set(struct store *s, const struct vault *v, const char *name,
                          const char *value, int64_t now)
{
	struct vault_ad ad = {"integration_secrets", name, 0, 0};
	unsigned char *sealed;
	sqlite3_stmt *st;
	size_t n = value != NULL ? strlen(value) : 0;
	enum err e;

	if (n == 0) {
		st = get(s, QR_SECRET_DEL);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		e = step_done(s, st);
		sqlite3_clear_bindings(st);
		return e;
	}
	if (n > STORE_SECRET_MAX)
		return ERR_TOOBIG;
	e = vault_subkey(v, VAULT_SUB_SECRETS, s->subkey);
	if (e != ERR_OK)
		return e;
	sealed = malloc(n + VAULT_SEAL_OVERHEAD);
	if (sealed == NULL)
		return ERR_NOMEM;
	e = vault_seal(sealed, n + VAULT_SEAL_OVERHEAD, value, n, &ad, s->subkey);
	if (e == ERR_OK) {
		st = get(s, QR_SECRET_SET);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 2, sealed, (int)(n + VAULT_SEAL_OVERHEAD), SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		e = step_done(s, st);
		sqlite3_clear_bindings(st);
	}
	free(sealed);
	return e;
}

enum err store_secret_get(struct store *s, const struct vault *v, const char *name, char **out)
{
	struct vault_ad ad = {"integration_secrets", name, 0, 0};
	sqlite3_stmt *st = get(s, QR_SECRET_GET);
	char *plain = NULL;
	size_t len = 0;
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	} else if (sqlite3_column_bytes(st, 0) <= VAULT_SEAL_OVERHEAD) {
		e = ERR_CRYPTO;
	} else {
		len = (size_t)sqlite3_column_bytes(st, 0) - VAULT_SEAL_OVERHEAD;
		e = vault_subkey(v, VAULT_SUB_SECRETS, s->subkey);
		plain = e == ERR_OK ? calloc(1, len + 1) : NULL;
		if (e == ERR_OK && plain == NULL)
			e = ERR_NOMEM;
		if (e == ERR_OK)
			e = vault_open((unsigned char *)plain, len, sqlite3_column_blob(st, 0),
			               len + VAULT_SEAL_OVERHEAD, &ad, s->subkey);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK) {
		if (plain != NULL)
			mem_wipe(plain, len);
		free(plain);
		return e;
	}
	*out = plain;
	return ERR_OK;
}
