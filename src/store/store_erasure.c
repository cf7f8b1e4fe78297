/*
 * store_erasure.c - legal holds, erasure requests, the ledger's database
 * copy, restrictions, retention facts and crypto-shredding (see
 * store/erasure.h). A hold's reasons are sealed under the client's key and
 * bound to their row. Shredding runs inside the caller's transaction with
 * the erasure_running marker set, so the schema's "never deleted" triggers
 * let the client's rows go (and only then); secure_delete (set on every
 * connection at open) zeroes what is freed. Never: deletes an audit event,
 * or shreds when the schema has client data this file does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "store/erasure.h"
#include "store/internal.h"

enum erasure_stmt {
	QE_HOLD_INSERT,
	QE_HOLD_SEAL,
	QE_HOLD_GET,
	QE_HOLD_RELEASE,
	QE_HOLD_LIST,
	QE_HOLD_ACTIVE,
	QE_CLIENT_KEYVER,
	QE_REQ_INSERT,
	QE_REQ_GET,
	QE_REQ_PENDING,
	QE_REQ_LIST,
	QE_REQ_DUE,
	QE_REQ_BLOCK,
	QE_REQ_DONE,
	QE_FACTS,
	QE_RUNNING_ON,
	QE_RUNNING_OFF,
	QE_KEY_IDS,
	QE_FK_EDGES,
	QE_CLIENT_ID_TABLES,
	QE_CHECKPOINT,
	QE_LEDGER_ADD,
	QE_LEDGER_EACH,
	QE_CLIENT_EXACT,
	QE_SEQ_FLOOR,
	QE_SEQ_INSERT,
	QE_KEYS_DROP,
	QE_RESTRICT_GET,
	QE_RESTRICT_SET,
	QE_RESTRICT_CLEAR,
	/* the shredding, in this order (children before parents) */
	QE_SHRED_FIRST,
	QE_DEL_KEYS = QE_SHRED_FIRST,
	QE_DEL_PNOTE_SHARES,
	QE_DEL_PNOTES,
	QE_DEL_AMENDMENTS,
	QE_DEL_NOTE_VERSIONS,
	QE_DEL_ADDENDA,
	QE_DEL_NOTES,
	QE_DEL_TELEHEALTH_PARTICIPANTS,
	QE_DEL_TELEHEALTH_ROOMS,
	QE_DEL_REMINDER_ATTEMPTS,
	QE_DEL_REMINDERS,
	QE_DEL_BOOKING_REQUESTS,
	QE_DEL_WAITLIST,
	QE_DEL_APPT_HISTORY,
	QE_DEL_APPT_MEMBERS,
	QE_DEL_APPT_MEMBERSHIP,
	QE_DEL_SERIES_MEMBERSHIP,
	QE_DEL_APPOINTMENTS,
	QE_DEL_SERIES_MEMBERS,
	QE_DEL_SERIES,
	QE_DEL_ACCESS_REQUESTS,
	QE_DEL_PLAN_VERSIONS,
	QE_DEL_PLANS,
	QE_DEL_CHUNKS,
	QE_DEL_ATTACHMENTS,
	QE_DEL_DISCLOSURES,
	QE_DEL_CONSENTS,
	QE_DEL_DIAGNOSES,
	QE_DEL_GUARDIANS,
	QE_DEL_VERSIONS,
	QE_DEL_BREAK_GLASS,
	QE_DEL_CARE_TEAM,
	QE_DEL_SEARCH,
	QE_DEL_HOLDS,
	QE_DEL_RESTRICTION,
	QE_END_SESSIONS,
	QE_DEL_RECOVERY,
	QE_DEL_RECOVERY_SALTS,
	QE_SCRUB_USERS,
	QE_DEL_CLIENT,
	QE__COUNT
};

#define HOLD_COLS                                                                                  \
	"h.id, h.public_id, h.client_id, c.public_id, us.public_id, h.set_at, "                    \
	"coalesce(ur.public_id, ''), coalesce(h.released_at, 0), h.key_version, h.reason_sealed, " \
	"h.release_reason_sealed"
#define HOLD_FROM                                                                                  \
	" FROM legal_holds h JOIN clients c ON c.id = h.client_id JOIN users us ON us.id = "       \
	"h.set_by LEFT JOIN users ur ON ur.id = h.released_by "
#define REQ_COLS                                                                                   \
	"id, public_id, client_id, client_public_id, basis, requested_by, requested_via, "         \
	"requested_at, status, not_before, blocked_by, coalesce(done_at, 0) FROM "                 \
	"erasure_requests "
#define NOTES_OF " IN (SELECT id FROM notes WHERE client_id = ?1)"

static const char *const sql[QE__COUNT] = {
        [QE_HOLD_INSERT] = "INSERT INTO legal_holds(public_id, client_id, key_version, "
                           "reason_sealed, set_by, set_at) VALUES (?1, ?2, ?3, x'', ?4, ?5)",
        [QE_HOLD_SEAL] = "UPDATE legal_holds SET reason_sealed = ?2 WHERE id = ?1",
        [QE_HOLD_GET] = "SELECT " HOLD_COLS HOLD_FROM "WHERE h.public_id = ?1",
        [QE_HOLD_RELEASE] = "UPDATE legal_holds SET released_by = ?2, released_at = ?3, "
                            "release_reason_sealed = ?4 WHERE id = ?1 AND released_at IS NULL",
        [QE_HOLD_LIST] = "SELECT " HOLD_COLS HOLD_FROM "WHERE h.client_id = ?1 "
                         "ORDER BY h.id DESC LIMIT ?2",
        [QE_HOLD_ACTIVE] = "SELECT count(*) FROM legal_holds WHERE client_id = ?1 "
                           "AND released_at IS NULL",
        [QE_CLIENT_KEYVER] = "SELECT key_version, created_at FROM clients WHERE id = ?1",
        [QE_REQ_INSERT] =
                "INSERT INTO erasure_requests(public_id, client_id, client_public_id, "
                "basis, requested_by, requested_via, requested_at, status, "
                "not_before, blocked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        [QE_REQ_GET] = "SELECT " REQ_COLS "WHERE public_id = ?1",
        [QE_REQ_PENDING] = "SELECT " REQ_COLS "WHERE client_id = ?1 AND status = 'scheduled' "
                           "ORDER BY id LIMIT 1",
        [QE_REQ_LIST] = "SELECT " REQ_COLS "WHERE ?1 = 0 OR id < ?1 ORDER BY id DESC LIMIT ?2",
        [QE_REQ_DUE] = "SELECT " REQ_COLS "WHERE status = 'scheduled' AND not_before <= ?1 "
                       "ORDER BY not_before, id LIMIT ?2",
        [QE_REQ_BLOCK] = "UPDATE erasure_requests SET not_before = ?2, blocked_by = ?3 "
                         "WHERE id = ?1 AND status = 'scheduled'",
        [QE_REQ_DONE] = "UPDATE erasure_requests SET status = 'done', done_at = ?2, "
                        "blocked_by = '' WHERE client_id = ?1 AND status = 'scheduled'",
        /* Last contact: the latest note (its date of service or its last
         * change), past appointment, change to the record or its history,
         * diagnosis, plan, file or psychotherapy note (docs/api.md). */
        [QE_FACTS] =
                "SELECT c.key_version, c.created_at, max(c.updated_at, "
                "(SELECT coalesce(max(at), 0) FROM client_versions WHERE client_id = ?1), "
                "(SELECT coalesce(max(max(created_at, updated_at)), 0) FROM notes "
                " WHERE client_id = ?1), "
                "(SELECT coalesce(max(unixepoch(note_date)), 0) FROM notes WHERE client_id = ?1 "
                " AND note_date <> ''), "
                "(SELECT coalesce(max(starts_at), 0) FROM appointments WHERE client_id = ?1 "
                " AND starts_at <= ?2), "
                "(SELECT coalesce(max(updated_at), 0) FROM client_diagnoses WHERE client_id = ?1), "
                "(SELECT coalesce(max(updated_at), 0) FROM treatment_plans WHERE client_id = ?1), "
                "(SELECT coalesce(max(created_at), 0) FROM attachments WHERE client_id = ?1), "
                "(SELECT coalesce(max(updated_at), 0) FROM psychotherapy_notes "
                " WHERE client_id = ?1)) FROM clients c WHERE c.id = ?1",
        [QE_RUNNING_ON] = "INSERT INTO erasure_running(id) VALUES (1)",
        [QE_RUNNING_OFF] = "DELETE FROM erasure_running",
        [QE_KEY_IDS] = "SELECT key_version, wrapped FROM client_keys WHERE client_id = ?1 "
                       "ORDER BY key_version",
        [QE_FK_EDGES] = "SELECT m.name, f.\"table\" FROM sqlite_master m, "
                        "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        [QE_CLIENT_ID_TABLES] = "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p "
                                "WHERE m.type = 'table' AND p.name = 'client_id'",
        [QE_CHECKPOINT] = "PRAGMA wal_checkpoint(TRUNCATE)",
        [QE_LEDGER_ADD] = "INSERT OR IGNORE INTO erasure_ledger(client_public_id, client_id, "
                          "key_ids, request_public_id, erased_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        [QE_LEDGER_EACH] = "SELECT client_public_id, client_id, key_ids, request_public_id, "
                           "erased_at FROM erasure_ledger ORDER BY erased_at, client_id",
        [QE_CLIENT_EXACT] = "SELECT id FROM clients WHERE id = ?1 AND public_id = ?2",
        [QE_SEQ_FLOOR] = "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'clients'",
        [QE_SEQ_INSERT] = "INSERT INTO sqlite_sequence(name, seq) SELECT 'clients', ?1 "
                          "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'clients')",
        [QE_KEYS_DROP] = "DELETE FROM client_keys WHERE client_id = ?1",
        [QE_RESTRICT_GET] = "SELECT basis FROM client_restrictions WHERE client_id = ?1",
        [QE_RESTRICT_SET] = "INSERT INTO client_restrictions(client_id, basis, restricted_by, "
                            "restricted_at) VALUES (?1, ?2, ?3, ?4)",
        [QE_RESTRICT_CLEAR] = "DELETE FROM client_restrictions WHERE client_id = ?1",
        [QE_DEL_KEYS] = "DELETE FROM client_keys WHERE client_id = ?1",
        [QE_DEL_PNOTE_SHARES] = "DELETE FROM psychotherapy_note_shares WHERE note_id IN "
                                "(SELECT id FROM psychotherapy_notes WHERE client_id = ?1)",
        [QE_DEL_PNOTES] = "DELETE FROM psychotherapy_notes WHERE client_id = ?1",
        [QE_DEL_AMENDMENTS] = "DELETE FROM amendment_requests WHERE client_id = ?1",
        [QE_DEL_NOTE_VERSIONS] = "DELETE FROM note_versions WHERE note_id" NOTES_OF,
        [QE_DEL_ADDENDA] = "DELETE FROM note_addenda WHERE note_id" NOTES_OF,
        [QE_DEL_NOTES] = "DELETE FROM notes WHERE client_id = ?1",
        /* Appointments filed under the client go whole (their memo is sealed
         * under this client's key); elsewhere the client is only a member. */
        /* Video rooms hold ids only; the client's own participation and the
         * rooms of appointments filed under the client go. */
        [QE_DEL_TELEHEALTH_PARTICIPANTS] = "DELETE FROM telehealth_participants WHERE "
                                           "client_id = ?1 OR room_id IN (SELECT id FROM "
                                           "telehealth_rooms WHERE appointment_id IN "
                                           "(SELECT id FROM appointments WHERE client_id = ?1))",
        [QE_DEL_TELEHEALTH_ROOMS] = "DELETE FROM telehealth_rooms WHERE appointment_id IN "
                                    "(SELECT id FROM appointments WHERE client_id = ?1)",
        [QE_DEL_REMINDER_ATTEMPTS] = "DELETE FROM reminder_attempts WHERE client_id = ?1 OR "
                                     "appointment_id IN (SELECT id FROM appointments "
                                     "WHERE client_id = ?1)",
        [QE_DEL_REMINDERS] = "DELETE FROM reminders WHERE client_id = ?1 OR appointment_id IN "
                             "(SELECT id FROM appointments WHERE client_id = ?1)",
        [QE_DEL_BOOKING_REQUESTS] = "DELETE FROM booking_requests WHERE client_id = ?1",
        [QE_DEL_WAITLIST] = "DELETE FROM waitlist WHERE client_id = ?1",
        [QE_DEL_APPT_HISTORY] = "DELETE FROM appointment_status_history WHERE appointment_id IN "
                                "(SELECT id FROM appointments WHERE client_id = ?1)",
        [QE_DEL_APPT_MEMBERS] = "DELETE FROM appointment_members WHERE appointment_id IN "
                                "(SELECT id FROM appointments WHERE client_id = ?1)",
        [QE_DEL_APPT_MEMBERSHIP] = "DELETE FROM appointment_members WHERE role = 0 "
                                   "AND member_id = ?1",
        [QE_DEL_SERIES_MEMBERSHIP] = "DELETE FROM series_members WHERE role = 0 AND member_id = ?1",
        [QE_DEL_APPOINTMENTS] = "DELETE FROM appointments WHERE client_id = ?1",
        [QE_DEL_SERIES_MEMBERS] = "DELETE FROM series_members WHERE series_id IN "
                                  "(SELECT id FROM appointment_series WHERE client_id = ?1)",
        [QE_DEL_SERIES] = "DELETE FROM appointment_series WHERE client_id = ?1",
        [QE_DEL_ACCESS_REQUESTS] = "DELETE FROM access_requests WHERE client_id = ?1",
        [QE_DEL_PLAN_VERSIONS] = "DELETE FROM treatment_plan_versions WHERE plan_id IN "
                                 "(SELECT id FROM treatment_plans WHERE client_id = ?1)",
        [QE_DEL_PLANS] = "DELETE FROM treatment_plans WHERE client_id = ?1",
        [QE_DEL_CHUNKS] = "DELETE FROM attachment_chunks WHERE attachment_id IN "
                          "(SELECT id FROM attachments WHERE client_id = ?1)",
        [QE_DEL_ATTACHMENTS] = "DELETE FROM attachments WHERE client_id = ?1",
        [QE_DEL_DISCLOSURES] = "DELETE FROM disclosures WHERE client_id = ?1",
        [QE_DEL_CONSENTS] = "DELETE FROM consents WHERE client_id = ?1",
        [QE_DEL_DIAGNOSES] = "DELETE FROM client_diagnoses WHERE client_id = ?1",
        [QE_DEL_GUARDIANS] = "DELETE FROM client_guardians WHERE client_id = ?1",
        [QE_DEL_VERSIONS] = "DELETE FROM client_versions WHERE client_id = ?1",
        [QE_DEL_BREAK_GLASS] = "DELETE FROM break_glass WHERE client_id = ?1",
        [QE_DEL_CARE_TEAM] = "DELETE FROM care_team WHERE client_id = ?1",
        [QE_DEL_SEARCH] = "DELETE FROM client_search WHERE client_id = ?1",
        [QE_DEL_HOLDS] = "DELETE FROM legal_holds WHERE client_id = ?1",
        [QE_DEL_RESTRICTION] = "DELETE FROM client_restrictions WHERE client_id = ?1",
        [QE_END_SESSIONS] = "UPDATE sessions SET ended_at = ?2 WHERE ended_at IS NULL AND "
                            "user_id IN (SELECT id FROM users WHERE client_id = ?1)",
        [QE_DEL_RECOVERY] = "DELETE FROM recovery_codes WHERE user_id IN "
                            "(SELECT id FROM users WHERE client_id = ?1)",
        [QE_DEL_RECOVERY_SALTS] = "DELETE FROM recovery_salts WHERE user_id IN "
                                  "(SELECT id FROM users WHERE client_id = ?1)",
        /* A portal account's name and email may be the client's: keep the
         * row (audit events name its public id), drop everything else. */
        [QE_SCRUB_USERS] = "UPDATE users SET client_id = NULL, disabled = 1, "
                           "email = 'erased-' || public_id || '@erased.invalid', "
                           "display_name = 'Erased client', pass_hash = NULL, "
                           "mfa_secret_sealed = NULL, mfa_enrolled = 0, updated_at = ?2 "
                           "WHERE client_id = ?1",
        [QE_DEL_CLIENT] = "DELETE FROM clients WHERE id = ?1",
};

const struct stmt_group store_group_erasure = {sql, QE__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_ERASURE, (id))

/* Every table that holds a client's rows (or rows that hang off them), and
 * what erasure does with it. A migration that adds another makes
 * store_shred_coverage fail until it is added here and to the shredding. */
static const char *const known_tables[] = {
        "clients",
        "client_keys",
        "client_search",
        "audit_events", /* kept: ids only */
        "appointments",
        "appointment_series",
        "appointment_members",
        "series_members",
        "appointment_status_history",
        "access_requests",
        "waitlist",
        "booking_requests",
        "reminders",
        "reminder_attempts",
        "telehealth_rooms",
        "telehealth_participants",
        "notes",
        "note_addenda",
        "note_versions",
        "users", /* scrubbed, kept for the audit trail */
        "care_team",
        "break_glass",
        "client_diagnoses",
        "client_guardians",
        "client_versions",
        "treatment_plans",
        "treatment_plan_versions",
        "amendment_requests",
        "psychotherapy_notes",
        "psychotherapy_note_shares",
        "attachments",
        "attachment_chunks",
        "consents",
        "disclosures",
        "legal_holds",
        "client_restrictions",
        "erasure_requests", /* kept: ids only */
        "erasure_ledger",   /* kept: ids only */
};

/* Tables whose rows are not a client's even when they point at one of the
 * client's rows: the closure below does not follow edges into them. */
static const char *const not_followed[] = {"users"};

static int in_list(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* ---- legal holds --------------------------------------------------------- */

void legal_hold_cleanup(struct legal_hold *h)
{
	mem_free_wiped_str(h->reason);
	mem_free_wiped_str(h->release_reason);
	memset(h, 0, sizeof *h);
}

/* client_keyver - the client's key version and registration time. */
static enum err client_keyver(struct store *s, int64_t client_id, uint32_t *ver, int64_t *created)
{
	sqlite3_stmt *st = get(s, QE_CLIENT_KEYVER);
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ver = (uint32_t)sqlite3_column_int64(st, 0);
		if (created != NULL)
			*created = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ERR_NOTFOUND;
	return rc == SQLITE_ROW ? ERR_OK : db_err(s, rc);
}

enum err store_legal_hold_create(struct store *s, const struct vault *v, int64_t client_id,
                                 int64_t set_by, const char *reason, int64_t now, char out[33])
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	char pid[33];
	uint32_t ver = 0;
	int64_t id;
	enum err e;

	e = client_keyver(s, client_id, &ver, NULL);
	if (e == ERR_OK)
		e = client_key_load(s, v, client_id, ver);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QE_HOLD_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, ver);
	sqlite3_bind_int64(st, 4, set_by);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	id = sqlite3_last_insert_rowid(s->db);
	st = get(s, QE_HOLD_SEAL);
	sqlite3_bind_int64(st, 1, id);
	e = seal_bind(s, st, 2, "legal_holds", "reason", id, reason, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	free(blob);
	if (e == ERR_OK)
		memcpy(out, pid, 33);
	return e;
}

static enum err read_hold(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct legal_hold h;
	enum err e;

	memset(&h, 0, sizeof h);
	h.id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, h.public_id, sizeof h.public_id);
	h.client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, h.client_public_id, sizeof h.client_public_id);
	copy_text_col(st, 4, h.set_by, sizeof h.set_by);
	h.set_at = sqlite3_column_int64(st, 5);
	copy_text_col(st, 6, h.released_by, sizeof h.released_by);
	h.released_at = sqlite3_column_int64(st, 7);
	e = client_key_load(s, v, h.client_id, (uint32_t)sqlite3_column_int64(st, 8));
	if (e == ERR_OK)
		e = open_column(s, st, 9, "legal_holds", "reason", h.id, &h.reason);
	if (e == ERR_OK)
		e = open_column(s, st, 10, "legal_holds", "release_reason", h.id,
		                &h.release_reason);
	if (e != ERR_OK) {
		legal_hold_cleanup(&h);
		return e == ERR_NOTFOUND ? ERR_CRYPTO : e;
	}
	*(struct legal_hold *)out = h;
	return ERR_OK;
}

static void hold_cleanup_void(void *p)
{
	legal_hold_cleanup(p);
}

enum err store_legal_hold_get(struct store *s, const struct vault *v, const char *public_id,
                              struct legal_hold *out)
{
	sqlite3_stmt *st = get(s, QE_HOLD_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	e = rows_collect(s, v, st, read_hold, hold_cleanup_void, out, sizeof *out, 1, &n);
	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_legal_hold_release(struct store *s, const struct vault *v, int64_t id,
                                  int64_t client_id, int64_t by, const char *reason, int64_t now)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	uint32_t ver = 0;
	enum err e;

	e = client_keyver(s, client_id, &ver, NULL);
	if (e == ERR_OK)
		e = client_key_load(s, v, client_id, ver);
	if (e != ERR_OK)
		return e;
	st = get(s, QE_HOLD_RELEASE);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	e = seal_bind(s, st, 4, "legal_holds", "release_reason", id, reason, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	free(blob);
	if (e == ERR_OK && sqlite3_changes(s->db) == 0)
		e = ERR_CONFLICT;
	return e;
}

enum err store_legal_hold_list(struct store *s, const struct vault *v, int64_t client_id,
                               struct legal_hold *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QE_HOLD_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	return rows_collect(s, v, st, read_hold, hold_cleanup_void, out, sizeof *out, max, n);
}

/* count_of - the single integer a statement bound by the caller returns. */
static enum err count_of(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? ERR_OK : db_err(s, rc);
}

enum err store_legal_hold_active(struct store *s, int64_t client_id, int64_t *count)
{
	sqlite3_stmt *st = get(s, QE_HOLD_ACTIVE);

	sqlite3_bind_int64(st, 1, client_id);
	return count_of(s, st, count);
}

/* ---- erasure requests ----------------------------------------------------- */

static enum err read_request(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct erasure_request *r = out;

	(void)s;
	(void)v;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, r->public_id, sizeof r->public_id);
	r->client_id = sqlite3_column_int64(st, 2);
	copy_text_col(st, 3, r->client_public_id, sizeof r->client_public_id);
	copy_text_col(st, 4, r->basis, sizeof r->basis);
	copy_text_col(st, 5, r->requested_by, sizeof r->requested_by);
	copy_text_col(st, 6, r->requested_via, sizeof r->requested_via);
	r->requested_at = sqlite3_column_int64(st, 7);
	copy_text_col(st, 8, r->status, sizeof r->status);
	r->not_before = sqlite3_column_int64(st, 9);
	copy_text_col(st, 10, r->blocked_by, sizeof r->blocked_by);
	r->done_at = sqlite3_column_int64(st, 11);
	return ERR_OK;
}

static void request_cleanup_void(void *p)
{
	(void)p;
}

enum err store_erasure_request_insert(struct store *s, struct erasure_request *r)
{
	sqlite3_stmt *st = get(s, QE_REQ_INSERT);
	enum err e;

	random_public_id(r->public_id);
	sqlite3_bind_text(st, 1, r->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->client_id);
	sqlite3_bind_text(st, 3, r->client_public_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->basis, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->requested_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->requested_via, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, r->requested_at);
	sqlite3_bind_text(st, 8, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, r->not_before);
	sqlite3_bind_text(st, 10, r->blocked_by, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK)
		r->id = sqlite3_last_insert_rowid(s->db);
	return e;
}

/* one_request - the first row of a bound statement; ERR_NOTFOUND. */
static enum err one_request(struct store *s, sqlite3_stmt *st, struct erasure_request *out)
{
	size_t n = 0;
	enum err e = rows_collect(s, NULL, st, read_request, request_cleanup_void, out, sizeof *out,
	                          1, &n);

	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_erasure_request_get(struct store *s, const char *public_id,
                                   struct erasure_request *out)
{
	sqlite3_stmt *st = get(s, QE_REQ_GET);

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	return one_request(s, st, out);
}

enum err store_erasure_request_pending(struct store *s, int64_t client_id,
                                       struct erasure_request *out)
{
	sqlite3_stmt *st = get(s, QE_REQ_PENDING);

	sqlite3_bind_int64(st, 1, client_id);
	return one_request(s, st, out);
}

enum err store_erasure_request_list(struct store *s, int64_t before, struct erasure_request *out,
                                    size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QE_REQ_LIST);

	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	return rows_collect(s, NULL, st, read_request, request_cleanup_void, out, sizeof *out, max,
	                    n);
}

enum err store_erasure_request_due(struct store *s, int64_t now, struct erasure_request *out,
                                   size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QE_REQ_DUE);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	return rows_collect(s, NULL, st, read_request, request_cleanup_void, out, sizeof *out, max,
	                    n);
}

enum err store_erasure_request_block(struct store *s, int64_t id, int64_t not_before,
                                     const char *blocked_by)
{
	sqlite3_stmt *st = get(s, QE_REQ_BLOCK);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, not_before);
	sqlite3_bind_text(st, 3, blocked_by, -1, SQLITE_STATIC);
	return step_done(s, st);
}

enum err store_erasure_request_done(struct store *s, int64_t client_id, int64_t now)
{
	sqlite3_stmt *st = get(s, QE_REQ_DONE);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, now);
	return step_done(s, st);
}

/* ---- retention ---------------------------------------------------------- */

enum err store_retention_facts(struct store *s, int64_t client_id, int64_t now,
                               struct retention_facts *out)
{
	sqlite3_stmt *st = get(s, QE_FACTS);
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->key_version = (uint32_t)sqlite3_column_int64(st, 0);
		out->created_at = sqlite3_column_int64(st, 1);
		out->last_contact = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ERR_NOTFOUND;
	return rc == SQLITE_ROW ? ERR_OK : db_err(s, rc);
}

/* ---- shredding ------------------------------------------------------------ */

#define COVER_MAX 256 /* tables the coverage check can follow */

enum err store_shred_coverage(struct store *s, char unknown[64])
{
	static const size_t nknown = sizeof known_tables / sizeof known_tables[0];
	char(*from)[64] = NULL, (*to)[64] = NULL, (*set)[64] = NULL;
	size_t nedges = 0, nset = 0, i, j;
	sqlite3_stmt *st;
	enum err e = ERR_OK;
	int rc, grew;

	from = calloc(COVER_MAX, sizeof *from);
	to = calloc(COVER_MAX, sizeof *to);
	set = calloc(COVER_MAX, sizeof *set);
	if (from == NULL || to == NULL || set == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	st = get(s, QE_FK_EDGES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && nedges < COVER_MAX) {
		copy_text_col(st, 0, from[nedges], 64);
		copy_text_col(st, 1, to[nedges], 64);
		nedges++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		e = db_err(s, rc);
		goto out;
	}
	if (nedges == COVER_MAX) {
		e = ERR_INTERNAL; /* more edges than followed: fail closed */
		goto out;
	}
	memcpy(set[nset++], "clients", 8);
	st = get(s, QE_CLIENT_ID_TABLES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && nset < COVER_MAX)
		copy_text_col(st, 0, set[nset++], 64);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		e = db_err(s, rc);
		goto out;
	}
	/* Follow foreign keys into every table whose rows hang off a row of
	 * the set (a note's versions, an attachment's chunks...). */
	do {
		grew = 0;
		for (i = 0; i < nedges && nset < COVER_MAX; i++) {
			int target = 0, have = 0;

			for (j = 0; j < nset; j++) {
				if (strcmp(set[j], to[i]) == 0 &&
				    !in_list(to[i], not_followed,
				             sizeof not_followed / sizeof not_followed[0]))
					target = 1;
				if (strcmp(set[j], from[i]) == 0)
					have = 1;
			}
			if (target && !have) {
				memcpy(set[nset++], from[i], 64);
				grew = 1;
			}
		}
	} while (grew && nset < COVER_MAX);
	for (j = 0; j < nset; j++) {
		if (!in_list(set[j], known_tables, nknown)) {
			snprintf(unknown, 64, "%s", set[j]);
			log_error("erasure does not know table=%s; refusing to shred", set[j]);
			e = ERR_INTERNAL;
			break;
		}
	}
out:
	free(from);
	free(to);
	free(set);
	return e;
}

/* hex - n bytes as lowercase hex into out (2n+1). */
static void hex(char *out, const unsigned char *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* key_ids - "version:hash" of each wrapped key of the client. */
static enum err key_ids(struct store *s, int64_t client_id, char out[ERASURE_KEY_IDS_MAX])
{
	sqlite3_stmt *st = get(s, QE_KEY_IDS);
	size_t len = 0;
	int rc;

	out[0] = '\0';
	sqlite3_bind_int64(st, 1, client_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char h[32];
		char hx[33];
		int k;

		vault_hash(h, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
		hex(hx, h, 16);
		k = snprintf(out + len, ERASURE_KEY_IDS_MAX - len, "%s%lld:%s", len ? "," : "",
		             (long long)sqlite3_column_int64(st, 0), hx);
		if (k < 0 || (size_t)k >= ERASURE_KEY_IDS_MAX - len) {
			sqlite3_reset(st);
			return ERR_TOOBIG;
		}
		len += (size_t)k;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_OK : db_err(s, rc);
}

enum err store_client_shred(struct store *s, int64_t client_id, int64_t now,
                            char key_ids_out[ERASURE_KEY_IDS_MAX], int64_t *rows)
{
	char unknown[64] = "";
	uint32_t ver = 0;
	int64_t total = 0;
	unsigned q;
	enum err e;

	e = store_shred_coverage(s, unknown);
	if (e == ERR_OK)
		e = client_keyver(s, client_id, &ver, NULL);
	if (e == ERR_OK)
		e = key_ids(s, client_id, key_ids_out);
	if (e == ERR_OK)
		e = step_done(s, get(s, QE_RUNNING_ON));
	for (q = QE_SHRED_FIRST; e == ERR_OK && q <= QE_DEL_CLIENT; q++) {
		sqlite3_stmt *st = get(s, q);

		sqlite3_bind_int64(st, 1, client_id);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, now);
		e = step_done(s, st);
		if (e == ERR_OK)
			total += sqlite3_changes(s->db);
	}
	if (e == ERR_OK)
		e = step_done(s, get(s, QE_RUNNING_OFF));
	/* This connection's cached key may be the client's: forget it. */
	s->key->owner = 0;
	if (e == ERR_OK)
		*rows = total;
	return e;
}

enum err store_wal_checkpoint(struct store *s, int *complete)
{
	sqlite3_stmt *st = get(s, QE_CHECKPOINT);
	int rc = sqlite3_step(st);

	*complete = 0;
	if (rc == SQLITE_ROW)
		*complete = sqlite3_column_int(st, 0) == 0;
	sqlite3_reset(st);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_OK;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK : db_err(s, rc);
}

/* ---- the ledger's database copy ----------------------------------------- */

enum err store_ledger_add(struct store *s, const struct ledger_entry *le)
{
	sqlite3_stmt *st = get(s, QE_LEDGER_ADD);

	sqlite3_bind_text(st, 1, le->client_public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, le->client_id);
	sqlite3_bind_text(st, 3, le->key_ids, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, le->request_public_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, le->erased_at);
	return step_done(s, st);
}

enum err store_ledger_each(struct store *s, enum err (*fn)(void *arg, const struct ledger_entry *e),
                           void *arg)
{
	sqlite3_stmt *st = get(s, QE_LEDGER_EACH);
	struct ledger_entry *le = calloc(1, sizeof *le);
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	if (le == NULL)
		return ERR_NOMEM;
	while (e == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		copy_text_col(st, 0, le->client_public_id, sizeof le->client_public_id);
		le->client_id = sqlite3_column_int64(st, 1);
		copy_text_col(st, 2, le->key_ids, sizeof le->key_ids);
		copy_text_col(st, 3, le->request_public_id, sizeof le->request_public_id);
		le->erased_at = sqlite3_column_int64(st, 4);
		e = fn(arg, le);
	}
	sqlite3_reset(st);
	free(le);
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	return e;
}

enum err store_client_find_exact(struct store *s, int64_t id, const char *public_id, int64_t *out)
{
	sqlite3_stmt *st = get(s, QE_CLIENT_EXACT);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK : db_err(s, rc);
}

enum err store_clients_sequence_floor(struct store *s, int64_t id)
{
	sqlite3_stmt *st = get(s, QE_SEQ_FLOOR);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = step_done(s, st);
	if (e == ERR_OK) { /* a database that never had a client has no row yet */
		st = get(s, QE_SEQ_INSERT);
		sqlite3_bind_int64(st, 1, id);
		e = step_done(s, st);
	}
	return e;
}

enum err store_client_keys_drop(struct store *s, int64_t client_id, int64_t *n)
{
	sqlite3_stmt *st = get(s, QE_KEYS_DROP);
	enum err e;

	sqlite3_bind_int64(st, 1, client_id);
	e = step_done(s, st);
	if (e == ERR_OK)
		*n = sqlite3_changes(s->db);
	s->key->owner = 0;
	return e;
}

/* ---- restriction ----------------------------------------------------------- */

enum err store_restriction_get(struct store *s, int64_t client_id, char basis[16])
{
	sqlite3_stmt *st = get(s, QE_RESTRICT_GET);
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	rc = sqlite3_step(st);
	basis[0] = '\0';
	if (rc == SQLITE_ROW)
		copy_text_col(st, 0, basis, 16);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK : db_err(s, rc);
}

enum err store_restriction_set(struct store *s, int64_t client_id, const char *basis, int64_t by,
                               int64_t now)
{
	sqlite3_stmt *st = get(s, QE_RESTRICT_SET);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_text(st, 2, basis, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 4, now);
	return step_done(s, st); /* ERR_CONFLICT when already restricted */
}

enum err store_restriction_clear(struct store *s, int64_t client_id)
{
	sqlite3_stmt *st = get(s, QE_RESTRICT_CLEAR);
	enum err e;

	sqlite3_bind_int64(st, 1, client_id);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) == 0)
		e = ERR_NOTFOUND;
	return e;
}
