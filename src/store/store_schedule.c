/*
 * store_schedule.c - the calendar's rows (see store/schedule.h). Views and
 * conflict checks read clear columns only, on the (clinician, start),
 * (room, start), (client, start) and start indexes; the memo and status
 * reasons are sealed under the first client's key, bound to their table,
 * column and row (a row is inserted first, then sealed once its id is
 * known). Never: leaves opened text in memory it frees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/schedule.h"

enum schedule_stmt {
	QS_SERVICE_ADD,
	QS_SERVICE_LIST,
	QS_SERVICE_FIND,
	QS_ROOM_ADD,
	QS_ROOM_LIST,
	QS_ROOM_FIND,
	QS_APPT_INSERT,
	QS_APPT_MEMO,
	QS_APPT_GET,
	QS_APPT_GET_ID,
	QS_APPT_UPDATE,
	QS_APPT_STATUS,
	QS_MEMBER_ADD,
	QS_MEMBERS,
	QS_HISTORY_ADD,
	QS_HISTORY_SEAL,
	QS_HISTORY,
	QS_BUSY_CLINICIAN,
	QS_BUSY_CLIENT,
	QS_BUSY_ROOM,
	QS_BUSY_TIME_OFF,
	QS_VIEW_CLINICIAN,
	QS_VIEW_ALL,
	QS_CLIENT_NAME,
	QS_SERIES_ADD,
	QS_SERIES_GET,
	QS_SERIES_UPDATE,
	QS_SERIES_MEMBER_ADD,
	QS_SERIES_MEMBERS,
	QS_DROP_MEMBERS,
	QS_DROP_HISTORY,
	QS_DROP,
	QS_SERIES_BEFORE,
	QS_SERIES_IDS_FROM,
	QS_SERIES_DUE,
	QS_HOURS_CLEAR,
	QS_HOURS_ADD,
	QS_HOURS_GET,
	QS_TIME_OFF_ADD,
	QS_CLIENT_NAME_KEY,
	QS__COUNT
};

#define AP_COLS                                                                                    \
	"a.id, a.public_id, a.clinician_id, u.public_id, u.display_name, a.client_id, "            \
	"c.public_id, a.starts_at, a.ends_at, a.tzid, a.status, "                                  \
	"coalesce(a.status_at, a.created_at), a.kind, coalesce(a.service_id, 0), "                 \
	"coalesce(sv.public_id, ''), coalesce(sv.name, ''), coalesce(sv.cpt_code, ''), "           \
	"coalesce(a.room_id, 0), coalesce(r.public_id, ''), coalesce(r.name, ''), a.telehealth, "  \
	"coalesce(a.series_id, 0), coalesce(se.public_id, ''), coalesce(a.occurrence_start, 0), "  \
	"a.is_exception, coalesce(a.key_version, 0), a.created_at, a.updated_at, a.version, "      \
	"a.memo_sealed"
#define AP_COL_MEMO 29
#define AP_FROM                                                                                    \
	" FROM appointments a JOIN users u ON u.id = a.clinician_id "                              \
	"JOIN clients c ON c.id = a.client_id LEFT JOIN services sv ON sv.id = a.service_id "      \
	"LEFT JOIN rooms r ON r.id = a.room_id "                                                   \
	"LEFT JOIN appointment_series se ON se.id = a.series_id "
/* A view's rows also say whether their first client's processing is
 * restricted (column AP_COL_RESTRICTED), so the view needs no lookup of
 * its own per client for that. */
#define AP_VIEW_COLS AP_COLS ", cr.client_id IS NOT NULL"
#define AP_COL_RESTRICTED 30
#define AP_VIEW_FROM AP_FROM "LEFT JOIN client_restrictions cr ON cr.client_id = a.client_id "
/* ?2 from, ?3 to, ?4 status mask, ?5 room (0 any) */
#define AP_VIEW_FILTER                                                                             \
	"a.starts_at >= ?2 AND a.starts_at < ?3 AND ((?4 >> a.status) & 1) = 1 AND "               \
	"(?5 = 0 OR a.room_id = ?5)"
/* Appointments that hold time: not cancelled (5, 6, 7), not excluded (?4). */
#define HOLDS "status NOT IN (5, 6, 7) AND id <> ?4"
#define A_HOLDS "a.status NOT IN (5, 6, 7) AND a.id <> ?4"
/* Occurrences a series change may drop and materialise again. */
#define DROP_WHERE                                                                                 \
	"series_id = ?1 AND occurrence_start >= ?2 AND is_exception = 0 AND status IN (0, 1) "     \
	"AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.appointment_id = appointments.id)"

static const char *const sql[QS__COUNT] = {
        [QS_SERVICE_ADD] = "INSERT INTO services(public_id, name, cpt_code, default_minutes, "
                           "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        [QS_SERVICE_LIST] = "SELECT id, public_id, name, cpt_code, default_minutes FROM services "
                            "WHERE active = 1 ORDER BY name, id LIMIT ?1",
        [QS_SERVICE_FIND] = "SELECT id, public_id, name, cpt_code, default_minutes FROM services "
                            "WHERE public_id = ?1 AND active = 1",
        [QS_ROOM_ADD] = "INSERT INTO rooms(public_id, name, created_at) VALUES (?1, ?2, ?5)",
        [QS_ROOM_LIST] = "SELECT id, public_id, name, '', 0 FROM rooms WHERE active = 1 "
                         "ORDER BY name, id LIMIT ?1",
        [QS_ROOM_FIND] = "SELECT id, public_id, name, '', 0 FROM rooms WHERE public_id = ?1 "
                         "AND active = 1",
        [QS_APPT_INSERT] = "INSERT INTO appointments(public_id, clinician_id, client_id, "
                           "starts_at, ends_at, status, tzid, kind, service_id, room_id, "
                           "telehealth, series_id, occurrence_start, is_exception, key_version, "
                           "status_at, created_by, created_at, updated_at, version) VALUES (?1, "
                           "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                           "?17, ?16, ?16, 1)",
        [QS_APPT_MEMO] = "UPDATE appointments SET memo_sealed = ?2, key_version = ?3 WHERE id = ?1",
        [QS_APPT_GET] = "SELECT " AP_COLS AP_FROM "WHERE a.public_id = ?1",
        [QS_APPT_GET_ID] = "SELECT " AP_COLS AP_FROM "WHERE a.id = ?1",
        [QS_APPT_UPDATE] = "UPDATE appointments SET starts_at = ?3, ends_at = ?4, tzid = ?5, "
                           "room_id = ?6, service_id = ?7, telehealth = ?8, is_exception = ?9, "
                           "updated_at = ?10, version = version + 1 WHERE id = ?1 AND "
                           "version = ?2",
        [QS_APPT_STATUS] = "UPDATE appointments SET status = ?3, status_at = ?4, updated_at = ?4, "
                           "version = version + 1 WHERE id = ?1 AND version = ?2",
        [QS_MEMBER_ADD] = "INSERT INTO appointment_members(appointment_id, role, member_id) "
                          "VALUES (?1, ?2, ?3)",
        [QS_MEMBERS] = "SELECT role, member_id FROM appointment_members WHERE appointment_id = ?1 "
                       "ORDER BY role, member_id LIMIT ?2",
        [QS_HISTORY_ADD] = "INSERT INTO appointment_status_history(appointment_id, status, "
                           "changed_by, changed_at, key_version) VALUES (?1, ?2, ?3, ?4, ?5)",
        [QS_HISTORY_SEAL] =
                "UPDATE appointment_status_history SET reason_sealed = ?2 WHERE id = ?1",
        [QS_HISTORY] = "SELECT h.id, h.status, coalesce(u.public_id, ''), h.changed_at, "
                       "coalesce(h.key_version, 0), h.reason_sealed FROM "
                       "appointment_status_history h LEFT JOIN users u ON u.id = h.changed_by "
                       "WHERE h.appointment_id = ?1 ORDER BY h.id LIMIT ?2",
        [QS_BUSY_CLINICIAN] =
                "SELECT id, starts_at, ends_at FROM appointments WHERE clinician_id = ?1 AND "
                "starts_at < ?3 AND starts_at > ?2 - 86400 AND ends_at > ?2 AND " HOLDS
                " UNION ALL SELECT a.id, a.starts_at, a.ends_at FROM appointment_members m JOIN "
                "appointments a ON a.id = m.appointment_id WHERE m.role = 1 AND m.member_id = ?1 "
                "AND a.starts_at < ?3 AND a.ends_at > ?2 AND " A_HOLDS " ORDER BY 2 LIMIT ?5",
        [QS_BUSY_CLIENT] =
                "SELECT id, starts_at, ends_at FROM appointments WHERE client_id = ?1 AND "
                "starts_at < ?3 AND starts_at > ?2 - 86400 AND ends_at > ?2 AND " HOLDS
                " UNION ALL SELECT a.id, a.starts_at, a.ends_at FROM appointment_members m JOIN "
                "appointments a ON a.id = m.appointment_id WHERE m.role = 0 AND m.member_id = ?1 "
                "AND a.starts_at < ?3 AND a.ends_at > ?2 AND " A_HOLDS " ORDER BY 2 LIMIT ?5",
        [QS_BUSY_ROOM] = "SELECT id, starts_at, ends_at FROM appointments WHERE room_id = ?1 AND "
                         "starts_at < ?3 AND starts_at > ?2 - 86400 AND ends_at > ?2 AND " HOLDS
                         " ORDER BY 2 LIMIT ?5",
        [QS_BUSY_TIME_OFF] = "SELECT 0, starts_at, ends_at FROM time_off WHERE user_id = ?1 AND "
                             "starts_at < ?3 AND ends_at > ?2 AND ?4 = ?4 ORDER BY 2 LIMIT ?5",
        [QS_VIEW_CLINICIAN] =
                "SELECT " AP_VIEW_COLS AP_VIEW_FROM "WHERE a.clinician_id = ?1 AND " AP_VIEW_FILTER
                " UNION ALL SELECT " AP_VIEW_COLS AP_VIEW_FROM
                "JOIN appointment_members m ON m.appointment_id = a.id AND "
                "m.role = 1 AND m.member_id = ?1 WHERE " AP_VIEW_FILTER " ORDER BY 8, 1 LIMIT ?6",
        [QS_VIEW_ALL] = "SELECT " AP_VIEW_COLS AP_VIEW_FROM "WHERE ?1 = 0 AND " AP_VIEW_FILTER
                        " ORDER BY a.starts_at, a.id LIMIT ?6",
        [QS_CLIENT_NAME] = "SELECT key_version, legal_name_sealed, preferred_name_sealed FROM "
                           "clients WHERE id = ?1",
        [QS_SERIES_ADD] = "INSERT INTO appointment_series(public_id, clinician_id, client_id, "
                          "rrule, tzid, dtstart_local, minutes, service_id, room_id, telehealth, "
                          "kind, materialised_until, created_by, created_at, updated_at, version) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                          "?14, 1)",
        [QS_SERIES_GET] = "SELECT id, public_id, clinician_id, client_id, rrule, tzid, "
                          "dtstart_local, minutes, coalesce(service_id, 0), coalesce(room_id, 0), "
                          "telehealth, kind, materialised_until, coalesce(ended_at, 0), version "
                          "FROM appointment_series WHERE id = ?1",
        [QS_SERIES_UPDATE] = "UPDATE appointment_series SET rrule = ?2, materialised_until = ?3, "
                             "ended_at = nullif(?4, 0), updated_at = ?5, room_id = nullif(?6, 0), "
                             "service_id = nullif(?7, 0), telehealth = ?8, version = version + 1 "
                             "WHERE id = ?1",
        [QS_SERIES_MEMBER_ADD] = "INSERT INTO series_members(series_id, role, member_id) "
                                 "VALUES (?1, ?2, ?3)",
        [QS_SERIES_MEMBERS] = "SELECT role, member_id FROM series_members WHERE series_id = ?1 "
                              "ORDER BY role, member_id LIMIT ?2",
        [QS_DROP_MEMBERS] = "DELETE FROM appointment_members WHERE appointment_id IN (SELECT id "
                            "FROM appointments WHERE " DROP_WHERE ")",
        [QS_DROP_HISTORY] = "DELETE FROM appointment_status_history WHERE appointment_id IN "
                            "(SELECT id FROM appointments WHERE " DROP_WHERE ")",
        [QS_DROP] = "DELETE FROM appointments WHERE " DROP_WHERE,
        [QS_SERIES_BEFORE] = "SELECT count(*) FROM appointments WHERE series_id = ?1 AND "
                             "occurrence_start < ?2",
        [QS_SERIES_IDS_FROM] = "SELECT id FROM appointments WHERE series_id = ?1 AND "
                               "occurrence_start >= ?2 ORDER BY occurrence_start LIMIT ?3",
        [QS_SERIES_DUE] = "SELECT id FROM appointment_series WHERE ended_at IS NULL AND "
                          "materialised_until < ?1 ORDER BY id LIMIT ?2",
        [QS_HOURS_CLEAR] = "DELETE FROM working_hours WHERE user_id = ?1",
        [QS_HOURS_ADD] = "INSERT INTO working_hours(user_id, weekday, start_minute, end_minute, "
                         "tzid) VALUES (?1, ?2, ?3, ?4, ?5)",
        [QS_HOURS_GET] = "SELECT weekday, start_minute, end_minute, tzid FROM working_hours WHERE "
                         "user_id = ?1 ORDER BY weekday, start_minute LIMIT ?2",
        [QS_TIME_OFF_ADD] = "INSERT INTO time_off(public_id, user_id, starts_at, ends_at, "
                            "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        [QS_CLIENT_NAME_KEY] = "SELECT c.id, c.key_version, c.legal_name_sealed, "
                               "c.preferred_name_sealed, k.master_version, k.wrapped FROM "
                               "clients c LEFT JOIN client_keys k ON k.client_id = c.id AND "
                               "k.key_version = c.key_version WHERE c.id = ?1",
};

const struct stmt_group store_group_schedule = {sql, QS__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_SCHEDULE, (id))

void appt_cleanup(struct appt *a)
{
	mem_free_wiped_str(a->memo);
	mem_wipe(a, sizeof *a);
}

/* copy_col - a text column into out: a bounded copy, not snprintf("%s"),
 * which cost ~600 instructions a column (a week view copies ten a row). */
static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	copy_text_col(st, col, out, size);
}

/* bind_id - a row id, or NULL for 0. */
static void bind_id(sqlite3_stmt *st, int idx, int64_t id)
{
	if (id != 0)
		sqlite3_bind_int64(st, idx, id);
	else
		sqlite3_bind_null(st, idx);
}

/* step_rows - step st to its end; fn reads each row; stops at max. */
static enum err step_rows(struct store *s, sqlite3_stmt *st, size_t max, size_t *n,
                          enum err (*fn)(struct store *s, sqlite3_stmt *st, void *out, size_t i),
                          void *out)
{
	size_t k = 0;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = fn(s, st, out, k);
		if (e == ERR_OK)
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK)
		*n = k;
	return e;
}

/* ---- services and rooms ---------------------------------------------- */

static enum err label_add(struct store *s, unsigned id, struct sched_label *l, int64_t now)
{
	sqlite3_stmt *st = get(s, id);
	char pid[33];
	enum err e;

	random_public_id(pid);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->name, -1, SQLITE_STATIC);
	if (id == QS_SERVICE_ADD) {
		sqlite3_bind_text(st, 3, l->cpt_code, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, l->default_minutes);
	}
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	l->id = sqlite3_last_insert_rowid(s->db);
	memcpy(l->public_id, pid, sizeof pid);
	return ERR_OK;
}

enum err store_service_add(struct store *s, struct sched_label *l, int64_t now)
{
	return label_add(s, QS_SERVICE_ADD, l, now);
}

enum err store_room_add(struct store *s, struct sched_label *l, int64_t now)
{
	return label_add(s, QS_ROOM_ADD, l, now);
}

static enum err label_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	struct sched_label *l = (struct sched_label *)out + i;

	(void)s;
	memset(l, 0, sizeof *l);
	l->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, l->public_id, sizeof l->public_id);
	copy_col(st, 2, l->name, sizeof l->name);
	copy_col(st, 3, l->cpt_code, sizeof l->cpt_code);
	l->default_minutes = sqlite3_column_int(st, 4);
	return ERR_OK;
}

static enum err label_list(struct store *s, unsigned id, struct sched_label *out, size_t max,
                           size_t *n)
{
	sqlite3_stmt *st = get(s, id);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return step_rows(s, st, max, n, label_row, out);
}

enum err store_service_list(struct store *s, struct sched_label *out, size_t max, size_t *n)
{
	return label_list(s, QS_SERVICE_LIST, out, max, n);
}

enum err store_room_list(struct store *s, struct sched_label *out, size_t max, size_t *n)
{
	return label_list(s, QS_ROOM_LIST, out, max, n);
}

static enum err label_find(struct store *s, unsigned id, const char *public_id,
                           struct sched_label *out)
{
	sqlite3_stmt *st = get(s, id);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	e = step_rows(s, st, 1, &n, label_row, out);
	return e == ERR_OK && n == 0 ? ERR_NOTFOUND : e;
}

enum err store_service_find(struct store *s, const char *public_id, struct sched_label *out)
{
	return label_find(s, QS_SERVICE_FIND, public_id, out);
}

enum err store_room_find(struct store *s, const char *public_id, struct sched_label *out)
{
	return label_find(s, QS_ROOM_FIND, public_id, out);
}

/* ---- appointments ------------------------------------------------------ */

/* appt_row - the clear columns of the current row (memo stays NULL). */
static enum err appt_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	struct appt *a = (struct appt *)out + i;

	(void)s;
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, a->public_id, sizeof a->public_id);
	a->clinician_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, a->clinician_public_id, sizeof a->clinician_public_id);
	copy_col(st, 4, a->clinician_name, sizeof a->clinician_name);
	a->client_id = sqlite3_column_int64(st, 5);
	copy_col(st, 6, a->client_public_id, sizeof a->client_public_id);
	a->starts_at = sqlite3_column_int64(st, 7);
	a->ends_at = sqlite3_column_int64(st, 8);
	copy_col(st, 9, a->tzid, sizeof a->tzid);
	a->status = sqlite3_column_int(st, 10);
	a->status_at = sqlite3_column_int64(st, 11);
	a->kind = sqlite3_column_int(st, 12);
	a->service_id = sqlite3_column_int64(st, 13);
	copy_col(st, 14, a->service_public_id, sizeof a->service_public_id);
	copy_col(st, 15, a->service_name, sizeof a->service_name);
	copy_col(st, 16, a->cpt_code, sizeof a->cpt_code);
	a->room_id = sqlite3_column_int64(st, 17);
	copy_col(st, 18, a->room_public_id, sizeof a->room_public_id);
	copy_col(st, 19, a->room_name, sizeof a->room_name);
	a->telehealth = sqlite3_column_int(st, 20);
	a->series_id = sqlite3_column_int64(st, 21);
	copy_col(st, 22, a->series_public_id, sizeof a->series_public_id);
	a->occurrence_start = sqlite3_column_int64(st, 23);
	a->is_exception = sqlite3_column_int(st, 24);
	a->key_version = sqlite3_column_int(st, 25);
	a->created_at = sqlite3_column_int64(st, 26);
	a->updated_at = sqlite3_column_int64(st, 27);
	a->version = sqlite3_column_int64(st, 28);
	return ERR_OK;
}

/* view_row - appt_row and the view's restriction column. */
static enum err view_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	enum err e = appt_row(s, st, out, i);

	((struct appt *)out)[i].client_restricted = sqlite3_column_int(st, AP_COL_RESTRICTED);
	return e;
}

/* seal_memo - seal memo into row a->id under the first client's key. */
static enum err seal_memo(struct store *s, const struct vault *v, const struct appt *a,
                          const char *memo)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	enum err e;

	e = client_key_load(s, v, a->client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QS_APPT_MEMO);
	sqlite3_bind_int64(st, 1, a->id);
	e = seal_bind(s, st, 2, "appointments", "memo", a->id, memo, &blob);
	sqlite3_bind_int64(st, 3, s->key->version);
	if (e == ERR_OK)
		e = step_done(s, st);
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

/* history_add - a status history row, its reason sealed. */
static enum err history_add(struct store *s, const struct vault *v, const struct appt *a,
                            int status, const char *reason, int64_t by, int64_t now)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	int64_t hid;
	enum err e = ERR_OK;

	if (reason != NULL)
		e = client_key_load(s, v, a->client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QS_HISTORY_ADD);
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int(st, 2, status);
	bind_id(st, 3, by);
	sqlite3_bind_int64(st, 4, now);
	if (reason != NULL)
		sqlite3_bind_int64(st, 5, s->key->version);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK || reason == NULL)
		return e;
	hid = sqlite3_last_insert_rowid(s->db);
	st = get(s, QS_HISTORY_SEAL);
	sqlite3_bind_int64(st, 1, hid);
	e = seal_bind(s, st, 2, "appointment_status_history", "reason", hid, reason, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

static enum err member_add(struct store *s, unsigned id, int64_t owner, const struct appt_member *m)
{
	sqlite3_stmt *st = get(s, id);
	enum err e;

	sqlite3_bind_int64(st, 1, owner);
	sqlite3_bind_int(st, 2, m->role);
	sqlite3_bind_int64(st, 3, m->member_id);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_appt_insert(struct store *s, const struct vault *v, struct appt *a,
                           const struct appt_member *m, size_t nm, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QS_APPT_INSERT);
	char pid[33];
	size_t i;
	enum err e;

	random_public_id(pid);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->clinician_id);
	sqlite3_bind_int64(st, 3, a->client_id);
	sqlite3_bind_int64(st, 4, a->starts_at);
	sqlite3_bind_int64(st, 5, a->ends_at);
	sqlite3_bind_int(st, 6, a->status);
	sqlite3_bind_text(st, 7, a->tzid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, a->kind);
	bind_id(st, 9, a->service_id);
	bind_id(st, 10, a->room_id);
	sqlite3_bind_int(st, 11, a->telehealth ? 1 : 0);
	bind_id(st, 12, a->series_id);
	if (a->series_id != 0)
		sqlite3_bind_int64(st, 13, a->occurrence_start);
	sqlite3_bind_int(st, 14, a->is_exception ? 1 : 0);
	sqlite3_bind_int(st, 15, 1);
	sqlite3_bind_int64(st, 16, now);
	bind_id(st, 17, by);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	a->id = sqlite3_last_insert_rowid(s->db);
	memcpy(a->public_id, pid, sizeof pid);
	a->version = 1;
	a->created_at = a->updated_at = a->status_at = now;
	for (i = 0; e == ERR_OK && i < nm; i++)
		e = member_add(s, QS_MEMBER_ADD, a->id, &m[i]);
	if (e == ERR_OK && a->memo != NULL)
		e = seal_memo(s, v, a, a->memo);
	if (e == ERR_OK)
		e = history_add(s, v, a, a->status, NULL, by, now);
	return e;
}

static enum err appt_one(struct store *s, const struct vault *v, unsigned id, const char *public_id,
                         int64_t row, int open_memo, struct appt *out)
{
	sqlite3_stmt *st = get(s, id);
	struct appt a;
	enum err e;
	int rc;

	if (public_id != NULL)
		sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, row);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
		sqlite3_reset(st);
		return e;
	}
	e = appt_row(s, st, &a, 0);
	if (e == ERR_OK && open_memo && sqlite3_column_type(st, AP_COL_MEMO) != SQLITE_NULL) {
		e = client_key_load(s, v, a.client_id, (uint32_t)a.key_version);
		if (e == ERR_OK)
			e = open_column(s, st, AP_COL_MEMO, "appointments", "memo", a.id, &a.memo);
	}
	sqlite3_reset(st);
	if (e != ERR_OK) {
		appt_cleanup(&a);
		return e;
	}
	*out = a;
	return ERR_OK;
}

enum err store_appt_get(struct store *s, const struct vault *v, const char *public_id,
                        int open_memo, struct appt *out)
{
	return appt_one(s, v, QS_APPT_GET, public_id, 0, open_memo, out);
}

enum err store_appt_get_id(struct store *s, int64_t id, struct appt *out)
{
	return appt_one(s, NULL, QS_APPT_GET_ID, NULL, id, 0, out);
}

static enum err member_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	struct appt_member *m = (struct appt_member *)out + i;

	(void)s;
	m->role = sqlite3_column_int(st, 0);
	m->member_id = sqlite3_column_int64(st, 1);
	return ERR_OK;
}

static enum err members(struct store *s, unsigned id, int64_t owner, struct appt_member *out,
                        size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, id);

	sqlite3_bind_int64(st, 1, owner);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return step_rows(s, st, max, n, member_row, out);
}

enum err store_appt_members(struct store *s, int64_t appt_id, struct appt_member *out, size_t max,
                            size_t *n)
{
	return members(s, QS_MEMBERS, appt_id, out, max, n);
}

enum err store_appt_update(struct store *s, const struct vault *v, struct appt *a, int memo_set,
                           int64_t now)
{
	sqlite3_stmt *st = get(s, QS_APPT_UPDATE);
	enum err e;

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, a->version);
	sqlite3_bind_int64(st, 3, a->starts_at);
	sqlite3_bind_int64(st, 4, a->ends_at);
	sqlite3_bind_text(st, 5, a->tzid, -1, SQLITE_STATIC);
	bind_id(st, 6, a->room_id);
	bind_id(st, 7, a->service_id);
	sqlite3_bind_int(st, 8, a->telehealth ? 1 : 0);
	sqlite3_bind_int(st, 9, a->is_exception ? 1 : 0);
	sqlite3_bind_int64(st, 10, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	if (sqlite3_changes(s->db) != 1)
		return ERR_CONFLICT;
	if (memo_set)
		e = seal_memo(s, v, a, a->memo);
	if (e == ERR_OK) {
		a->version++;
		a->updated_at = now;
	}
	return e;
}

enum err store_appt_status(struct store *s, const struct vault *v, const struct appt *a, int status,
                           const char *reason, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QS_APPT_STATUS);
	enum err e;

	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, a->version);
	sqlite3_bind_int(st, 3, status);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	if (sqlite3_changes(s->db) != 1)
		return ERR_CONFLICT;
	return history_add(s, v, a, status, reason, by, now);
}

/* What the history reader needs besides the row. */
struct history_read {
	const struct vault *v;   /* to open reasons */
	const struct appt *a;    /* whose history (its first client's key) */
	struct appt_change *out; /* where rows go */
};

static enum err history_row(struct store *s, sqlite3_stmt *st, void *arg, size_t i)
{
	const struct history_read *h = arg;
	struct appt_change *c = &h->out[i];
	int64_t hid = sqlite3_column_int64(st, 0);
	enum err e = ERR_OK;

	memset(c, 0, sizeof *c);
	c->status = sqlite3_column_int(st, 1);
	copy_col(st, 2, c->by, sizeof c->by);
	c->at = sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
		e = client_key_load(s, h->v, h->a->client_id, (uint32_t)sqlite3_column_int(st, 4));
		if (e == ERR_OK)
			e = open_column(s, st, 5, "appointment_status_history", "reason", hid,
			                &c->reason);
	}
	return e;
}

enum err store_appt_history(struct store *s, const struct vault *v, const struct appt *a,
                            struct appt_change *out, size_t max, size_t *n)
{
	struct history_read h = {v, a, out};
	sqlite3_stmt *st = get(s, QS_HISTORY);
	size_t i;
	enum err e;

	memset(out, 0, max * sizeof *out);
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	e = step_rows(s, st, max, n, history_row, &h);
	if (e != ERR_OK)
		for (i = 0; i < max; i++)
			mem_free_wiped_str(out[i].reason);
	return e;
}

static enum err busy_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	struct sched_busy *b = (struct sched_busy *)out + i;

	(void)s;
	b->appt_id = sqlite3_column_int64(st, 0);
	b->starts_at = sqlite3_column_int64(st, 1);
	b->ends_at = sqlite3_column_int64(st, 2);
	return ERR_OK;
}

enum err store_sched_busy(struct store *s, enum sched_busy_kind kind, int64_t who, int64_t from,
                          int64_t to, int64_t exclude, struct sched_busy *out, size_t max,
                          size_t *n)
{
	static const unsigned ids[] = {
	        [SCHED_BUSY_CLINICIAN] = QS_BUSY_CLINICIAN,
	        [SCHED_BUSY_CLIENT] = QS_BUSY_CLIENT,
	        [SCHED_BUSY_ROOM] = QS_BUSY_ROOM,
	        [SCHED_BUSY_TIME_OFF] = QS_BUSY_TIME_OFF,
	};
	sqlite3_stmt *st = get(s, ids[kind]);

	sqlite3_bind_int64(st, 1, who);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int64(st, 4, exclude);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)max);
	return step_rows(s, st, max, n, busy_row, out);
}

enum err store_sched_view(struct store *s, const struct sched_query *q, struct appt *out,
                          size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, q->clinician_id != 0 ? QS_VIEW_CLINICIAN : QS_VIEW_ALL);

	sqlite3_bind_int64(st, 1, q->clinician_id);
	sqlite3_bind_int64(st, 2, q->from);
	sqlite3_bind_int64(st, 3, q->to);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)q->status_mask);
	sqlite3_bind_int64(st, 5, q->room_id);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)max);
	return step_rows(s, st, max, n, view_row, out);
}

/* name_open - the preferred (else legal) name of the current row of st,
 * whose legal name is column legal and preferred name the next, opened
 * under s->key (loaded by the caller). */
static enum err name_open(struct store *s, sqlite3_stmt *st, int legal, int64_t client, char **out)
{
	char *name = NULL;
	enum err e;

	e = open_column(s, st, legal + 1, "clients", "preferred_name", client, &name);
	if (e == ERR_OK && (name == NULL || name[0] == '\0')) {
		mem_free_wiped_str(name);
		name = NULL;
		e = open_column(s, st, legal, "clients", "legal_name", client, &name);
	}
	if (e == ERR_OK && name == NULL)
		e = ERR_CRYPTO; /* a client always has a legal name */
	if (e != ERR_OK) {
		mem_free_wiped_str(name);
		return e;
	}
	*out = name;
	return ERR_OK;
}

enum err store_client_name(struct store *s, const struct vault *v, int64_t client_id, char **out)
{
	sqlite3_stmt *st = get(s, QS_CLIENT_NAME);
	enum err e;
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
		sqlite3_reset(st);
		return e;
	}
	e = client_key_load(s, v, client_id, (uint32_t)sqlite3_column_int64(st, 0));
	if (e == ERR_OK)
		e = name_open(s, st, 1, client_id, out);
	sqlite3_reset(st);
	return e;
}

/* key_adopt - the data key (client, version) from its wrapped row into
 * s->key, as client_key_load does, but from columns the caller's query
 * already read (its cache check and its errors are the same). */
static enum err key_adopt(struct store *s, const struct vault *v, sqlite3_stmt *st, int64_t client,
                          uint32_t version)
{
	enum err e;

	if (s->key->owner == client && s->key->version == version && client != 0 &&
	    s->key_vault == v && s->key_master == vault_version(v))
		return ERR_OK;
	s->key->owner = 0;
	if (sqlite3_column_type(st, 5) == SQLITE_NULL)
		return ERR_NOTFOUND; /* shredded */
	if ((size_t)sqlite3_column_bytes(st, 5) != VAULT_WRAPPEDBYTES)
		return ERR_CRYPTO;
	e = vault_datakey_unwrap(v, client, version, (uint32_t)sqlite3_column_int64(st, 4),
	                         sqlite3_column_blob(st, 5), s->key);
	if (e == ERR_OK) {
		s->key_vault = v;
		s->key_master = vault_version(v);
	}
	return e;
}

enum err store_client_names(struct store *s, const struct vault *v, const int64_t *ids, size_t n,
                            char **names)
{
	sqlite3_stmt *st = get(s, QS_CLIENT_NAME_KEY);
	enum err e = ERR_OK;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		names[i] = NULL;
	for (i = 0; e == ERR_OK && i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			e = key_adopt(s, v, st, ids[i], (uint32_t)sqlite3_column_int64(st, 1));
		else
			e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
		if (e == ERR_OK)
			e = name_open(s, st, 2, ids[i], &names[i]);
		sqlite3_reset(st);
	}
	if (e != ERR_OK)
		for (i = 0; i < n; i++) {
			mem_free_wiped_str(names[i]);
			names[i] = NULL;
		}
	return e;
}

/* ---- series ------------------------------------------------------------ */

enum err store_series_insert(struct store *s, struct appt_series *r, const struct appt_member *m,
                             size_t nm, int64_t by, int64_t now)
{
	sqlite3_stmt *st = get(s, QS_SERIES_ADD);
	char pid[33];
	size_t i;
	enum err e;

	random_public_id(pid);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->clinician_id);
	sqlite3_bind_int64(st, 3, r->client_id);
	sqlite3_bind_text(st, 4, r->rrule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->tzid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->dtstart_local, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, r->minutes);
	bind_id(st, 8, r->service_id);
	bind_id(st, 9, r->room_id);
	sqlite3_bind_int(st, 10, r->telehealth ? 1 : 0);
	sqlite3_bind_int(st, 11, r->kind);
	sqlite3_bind_int64(st, 12, r->materialised_until);
	sqlite3_bind_int64(st, 13, by);
	sqlite3_bind_int64(st, 14, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		return e;
	r->id = sqlite3_last_insert_rowid(s->db);
	memcpy(r->public_id, pid, sizeof pid);
	r->version = 1;
	for (i = 0; e == ERR_OK && i < nm; i++)
		e = member_add(s, QS_SERIES_MEMBER_ADD, r->id, &m[i]);
	return e;
}

static enum err series_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	struct appt_series *r = (struct appt_series *)out + i;

	(void)s;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, r->public_id, sizeof r->public_id);
	r->clinician_id = sqlite3_column_int64(st, 2);
	r->client_id = sqlite3_column_int64(st, 3);
	copy_col(st, 4, r->rrule, sizeof r->rrule);
	copy_col(st, 5, r->tzid, sizeof r->tzid);
	copy_col(st, 6, r->dtstart_local, sizeof r->dtstart_local);
	r->minutes = sqlite3_column_int(st, 7);
	r->service_id = sqlite3_column_int64(st, 8);
	r->room_id = sqlite3_column_int64(st, 9);
	r->telehealth = sqlite3_column_int(st, 10);
	r->kind = sqlite3_column_int(st, 11);
	r->materialised_until = sqlite3_column_int64(st, 12);
	r->ended_at = sqlite3_column_int64(st, 13);
	r->version = sqlite3_column_int64(st, 14);
	return ERR_OK;
}

enum err store_series_get(struct store *s, int64_t id, struct appt_series *out)
{
	sqlite3_stmt *st = get(s, QS_SERIES_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = step_rows(s, st, 1, &n, series_row, out);
	return e == ERR_OK && n == 0 ? ERR_NOTFOUND : e;
}

enum err store_series_members(struct store *s, int64_t id, struct appt_member *out, size_t max,
                              size_t *n)
{
	return members(s, QS_SERIES_MEMBERS, id, out, max, n);
}

enum err store_series_update(struct store *s, struct appt_series *r, int64_t now)
{
	sqlite3_stmt *st = get(s, QS_SERIES_UPDATE);
	enum err e;

	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, r->rrule, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->materialised_until);
	sqlite3_bind_int64(st, 4, r->ended_at);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, r->room_id);
	sqlite3_bind_int64(st, 7, r->service_id);
	sqlite3_bind_int(st, 8, r->telehealth ? 1 : 0);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK)
		r->version++;
	return e;
}

enum err store_series_drop_from(struct store *s, int64_t series_id, int64_t from, int64_t *n)
{
	static const unsigned steps[] = {QS_DROP_MEMBERS, QS_DROP_HISTORY, QS_DROP};
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; e == ERR_OK && i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *st = get(s, steps[i]);

		sqlite3_bind_int64(st, 1, series_id);
		sqlite3_bind_int64(st, 2, from);
		e = step_done(s, st);
		sqlite3_clear_bindings(st);
	}
	if (e == ERR_OK)
		*n = sqlite3_changes(s->db);
	return e;
}

enum err store_series_before(struct store *s, int64_t series_id, int64_t at, int64_t *n)
{
	sqlite3_stmt *st = get(s, QS_SERIES_BEFORE);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, series_id);
	sqlite3_bind_int64(st, 2, at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

static enum err id_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	(void)s;
	((int64_t *)out)[i] = sqlite3_column_int64(st, 0);
	return ERR_OK;
}

enum err store_series_ids_from(struct store *s, int64_t series_id, int64_t from, int64_t *out,
                               size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QS_SERIES_IDS_FROM);

	sqlite3_bind_int64(st, 1, series_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return step_rows(s, st, max, n, id_row, out);
}

enum err store_series_due(struct store *s, int64_t until, int64_t *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QS_SERIES_DUE);

	sqlite3_bind_int64(st, 1, until);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return step_rows(s, st, max, n, id_row, out);
}

/* ---- working hours and time off ----------------------------------------- */

enum err store_hours_replace(struct store *s, int64_t user_id, const struct work_span *spans,
                             size_t n)
{
	sqlite3_stmt *st = get(s, QS_HOURS_CLEAR);
	size_t i;
	enum err e;

	sqlite3_bind_int64(st, 1, user_id);
	e = step_done(s, st);
	for (i = 0; e == ERR_OK && i < n; i++) {
		st = get(s, QS_HOURS_ADD);
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_int(st, 2, spans[i].weekday);
		sqlite3_bind_int(st, 3, spans[i].start_minute);
		sqlite3_bind_int(st, 4, spans[i].end_minute);
		sqlite3_bind_text(st, 5, spans[i].tzid, -1, SQLITE_STATIC);
		e = step_done(s, st);
		sqlite3_clear_bindings(st);
	}
	return e;
}

static enum err span_row(struct store *s, sqlite3_stmt *st, void *out, size_t i)
{
	struct work_span *w = (struct work_span *)out + i;

	(void)s;
	memset(w, 0, sizeof *w);
	w->weekday = sqlite3_column_int(st, 0);
	w->start_minute = sqlite3_column_int(st, 1);
	w->end_minute = sqlite3_column_int(st, 2);
	copy_col(st, 3, w->tzid, sizeof w->tzid);
	return ERR_OK;
}

enum err store_hours_get(struct store *s, int64_t user_id, struct work_span *out, size_t max,
                         size_t *n)
{
	sqlite3_stmt *st = get(s, QS_HOURS_GET);

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return step_rows(s, st, max, n, span_row, out);
}

enum err store_time_off_add(struct store *s, int64_t user_id, int64_t from, int64_t to, int64_t now,
                            char public_id[33])
{
	sqlite3_stmt *st = get(s, QS_TIME_OFF_ADD);
	char pid[33];
	enum err e;

	random_public_id(pid);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK)
		memcpy(public_id, pid, sizeof pid);
	return e;
}
