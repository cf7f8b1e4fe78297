/*
 * store_identity.c - users, sessions, MFA, throttling, care teams.
 * Never stores a password, a session token, a CSRF token or a recovery code
 * in the clear (hashes only), and seals TOTP secrets under the
 * practice-secrets subkey.
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"

enum identity_stmt {
	QI_USER_BY_EMAIL,
	QI_USER_BY_ID,
	QI_USER_BY_PUBLIC,
	QI_USER_LIST,
	QI_USER_SET_PASSWORD,
	QI_USER_SET_ROLE,
	QI_USER_SET_DISABLED,
	QI_USER_SET_CLIENT,
	QI_MFA_SET,
	QI_MFA_GET,
	QI_MFA_CLEAR,
	QI_MFA_STEP,
	QI_RECOVERY_DELETE,
	QI_RECOVERY_INSERT,
	QI_RECOVERY_USE,
	QI_SESSION_INSERT,
	QI_SESSION_FIND,
	QI_SESSION_TOUCH,
	QI_SESSION_REAUTH,
	QI_SESSION_END,
	QI_SESSION_END_USER,
	QI_THROTTLE_GET,
	QI_THROTTLE_SET,
	QI_THROTTLE_CLEAR,
	QI_TEAM_ADD,
	QI_TEAM_REMOVE,
	QI_TEAM_REACHES,
	QI_SUPERVISION_ADD,
	QI_BREAK_GLASS_ACTIVE,
	QI_CLIENT_ID_OF,
	QI_CLIENT_PUBLIC_OF,
	QI__COUNT
};

#define USER_COLS                                                                                  \
	"id, public_id, role, display_name, email, disabled, coalesce(pass_hash, ''), "            \
	"must_change_password, mfa_enrolled, mfa_last_step, coalesce(client_id, 0)"

static const char *const sql[QI__COUNT] = {
        [QI_USER_BY_EMAIL] = "SELECT " USER_COLS " FROM users WHERE email = ?1",
        [QI_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
        [QI_USER_BY_PUBLIC] = "SELECT " USER_COLS " FROM users WHERE public_id = ?1",
        [QI_USER_LIST] = "SELECT " USER_COLS " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2",
        [QI_USER_SET_PASSWORD] = "UPDATE users SET pass_hash = ?2, must_change_password = ?3, "
                                 "updated_at = ?4 WHERE id = ?1",
        [QI_USER_SET_ROLE] = "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1",
        [QI_USER_SET_DISABLED] = "UPDATE users SET disabled = ?2, updated_at = ?3 WHERE id = ?1",
        [QI_USER_SET_CLIENT] = "UPDATE users SET client_id = ?2 WHERE id = ?1",
        [QI_MFA_SET] = "UPDATE users SET mfa_secret_sealed = ?2, mfa_enrolled = ?3, "
                       "mfa_last_step = 0 WHERE id = ?1",
        [QI_MFA_GET] = "SELECT mfa_secret_sealed FROM users WHERE id = ?1",
        [QI_MFA_CLEAR] = "UPDATE users SET mfa_secret_sealed = NULL, mfa_enrolled = 0, "
                         "mfa_last_step = 0 WHERE id = ?1",
        [QI_MFA_STEP] = "UPDATE users SET mfa_last_step = ?2 WHERE id = ?1 AND mfa_last_step < ?2",
        [QI_RECOVERY_DELETE] = "DELETE FROM recovery_codes WHERE user_id = ?1",
        [QI_RECOVERY_INSERT] = "INSERT INTO recovery_codes(user_id, hash) VALUES (?1, ?2)",
        [QI_RECOVERY_USE] = "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND "
                            "hash = ?2 AND used_at IS NULL",
        [QI_SESSION_INSERT] = "INSERT INTO sessions(public_id, token_hash, csrf_hash, user_id, "
                              "created_at, last_seen, expires_at, reauth_at, source) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?5, ?7)",
        [QI_SESSION_FIND] = "SELECT id, public_id, user_id, csrf_hash, created_at, last_seen, "
                            "expires_at, reauth_at, coalesce(ended_at, 0) FROM sessions "
                            "WHERE token_hash = ?1",
        [QI_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 WHERE id = ?1 AND last_seen < ?2",
        [QI_SESSION_REAUTH] = "UPDATE sessions SET reauth_at = ?2 WHERE id = ?1",
        [QI_SESSION_END] = "UPDATE sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
        [QI_SESSION_END_USER] = "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND "
                                "ended_at IS NULL",
        [QI_THROTTLE_GET] = "SELECT failures, locked_until FROM throttle WHERE key = ?1",
        [QI_THROTTLE_SET] = "INSERT INTO throttle(key, failures, locked_until) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, "
                            "locked_until = excluded.locked_until",
        [QI_THROTTLE_CLEAR] = "DELETE FROM throttle WHERE key = ?1",
        [QI_TEAM_ADD] = "INSERT OR IGNORE INTO care_team(client_id, user_id, added_at) "
                        "VALUES (?1, ?2, ?3)",
        [QI_TEAM_REMOVE] = "DELETE FROM care_team WHERE client_id = ?1 AND user_id = ?2",
        [QI_TEAM_REACHES] = "SELECT 1 FROM care_team WHERE client_id = ?1 AND (user_id = ?2 OR "
                            "user_id IN (SELECT supervisee_id FROM supervision WHERE "
                            "supervisor_id = ?2)) LIMIT 1",
        [QI_SUPERVISION_ADD] = "INSERT OR IGNORE INTO supervision(supervisor_id, supervisee_id) "
                               "VALUES (?1, ?2)",
        [QI_BREAK_GLASS_ACTIVE] = "SELECT 1 FROM break_glass WHERE user_id = ?1 AND "
                                  "client_id = ?2 AND started_at <= ?3 AND expires_at > ?3 "
                                  "LIMIT 1",
        [QI_CLIENT_ID_OF] = "SELECT id FROM clients WHERE public_id = ?1",
        [QI_CLIENT_PUBLIC_OF] = "SELECT public_id FROM clients WHERE id = ?1",
};

const struct stmt_group store_group_identity = {sql, QI__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_IDENTITY, (id))

/* copy_text - column col into a fixed buffer; ERR_TOOBIG if it does not fit. */
static enum err copy_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= size)
		return ERR_TOOBIG;
	if (n > 0)
		memcpy(out, t, n);
	out[n] = '\0';
	return ERR_OK;
}

static enum err read_user(sqlite3_stmt *st, struct user_auth *u)
{
	enum err e;

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	e = copy_text(st, 1, u->public_id, sizeof u->public_id);
	if (e == ERR_OK)
		e = copy_text(st, 2, u->role, sizeof u->role);
	if (e == ERR_OK)
		e = copy_text(st, 3, u->display_name, sizeof u->display_name);
	if (e == ERR_OK)
		e = copy_text(st, 4, u->email, sizeof u->email);
	u->disabled = sqlite3_column_int(st, 5);
	if (e == ERR_OK)
		e = copy_text(st, 6, u->pass_hash, sizeof u->pass_hash);
	u->must_change = sqlite3_column_int(st, 7);
	u->mfa_enrolled = sqlite3_column_int(st, 8);
	u->mfa_last_step = sqlite3_column_int64(st, 9);
	u->client_id = sqlite3_column_int64(st, 10);
	return e;
}

/* one_user - step st (bound) for one user row. */
static enum err one_user(struct store *s, sqlite3_stmt *st, struct user_auth *out)
{
	struct user_auth u;
	int rc = sqlite3_step(st);
	enum err e;

	if (rc == SQLITE_DONE)
		e = ERR_NOTFOUND;
	else if (rc != SQLITE_ROW)
		e = db_err(s, rc);
	else
		e = read_user(st, &u);
	sqlite3_reset(st);
	if (e == ERR_OK)
		*out = u;
	mem_wipe(&u, sizeof u);
	return e;
}

enum err store_user_auth_by_email(struct store *s, const char *email, struct user_auth *out)
{
	sqlite3_stmt *st = get(s, QI_USER_BY_EMAIL);

	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	return one_user(s, st, out);
}

enum err store_user_auth_by_id(struct store *s, int64_t id, struct user_auth *out)
{
	sqlite3_stmt *st = get(s, QI_USER_BY_ID);

	sqlite3_bind_int64(st, 1, id);
	return one_user(s, st, out);
}

enum err store_user_auth_by_public(struct store *s, const char *public_id, struct user_auth *out)
{
	sqlite3_stmt *st = get(s, QI_USER_BY_PUBLIC);

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	return one_user(s, st, out);
}

enum err store_user_list(struct store *s, int64_t after, struct user_auth *out, size_t max,
                         size_t *n)
{
	sqlite3_stmt *st = get(s, QI_USER_LIST);
	size_t k = 0;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW && e == ERR_OK)
		e = read_user(st, &out[k++]);
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK)
		*n = k;
	return e;
}

/* changed_one - step a bound update; ERR_NOTFOUND if it changed no row. */
static enum err changed_one(struct store *s, sqlite3_stmt *st)
{
	enum err e = step_done(s, st);

	if (e == ERR_OK && sqlite3_changes(sqlite3_db_handle(st)) == 0)
		return ERR_NOTFOUND;
	return e;
}

enum err store_user_set_password(struct store *s, int64_t id, const char *hash, int must_change,
                                 int64_t now)
{
	sqlite3_stmt *st = get(s, QI_USER_SET_PASSWORD);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, must_change ? 1 : 0);
	sqlite3_bind_int64(st, 4, now);
	return changed_one(s, st);
}

enum err store_user_set_role(struct store *s, int64_t id, const char *role, int64_t now)
{
	sqlite3_stmt *st = get(s, QI_USER_SET_ROLE);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return changed_one(s, st);
}

enum err store_user_set_disabled(struct store *s, int64_t id, int disabled, int64_t now)
{
	sqlite3_stmt *st = get(s, QI_USER_SET_DISABLED);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, disabled ? 1 : 0);
	sqlite3_bind_int64(st, 3, now);
	return changed_one(s, st);
}

enum err store_user_set_client(struct store *s, int64_t id, int64_t client_id)
{
	sqlite3_stmt *st = get(s, QI_USER_SET_CLIENT);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, client_id);
	return changed_one(s, st);
}

/* ---- MFA ----------------------------------------------------------------- */

enum err store_user_mfa_set(struct store *s, const struct vault *v, int64_t id,
                            const unsigned char *secret, size_t n, int enrolled)
{
	struct vault_ad ad = {"users", "mfa_secret", id, 0};
	unsigned char sealed[64 + VAULT_SEAL_OVERHEAD];
	sqlite3_stmt *st;
	enum err e;

	if (n > 64)
		return ERR_TOOBIG;
	e = vault_subkey(v, VAULT_SUB_SECRETS, s->subkey);
	if (e != ERR_OK)
		return e;
	e = vault_seal(sealed, n + VAULT_SEAL_OVERHEAD, secret, n, &ad, s->subkey);
	if (e != ERR_OK)
		return e;
	st = get(s, QI_MFA_SET);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, sealed, (int)(n + VAULT_SEAL_OVERHEAD), SQLITE_STATIC);
	sqlite3_bind_int(st, 3, enrolled ? 1 : 0);
	e = changed_one(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_user_mfa_get(struct store *s, const struct vault *v, int64_t id,
                            unsigned char *secret, size_t n)
{
	struct vault_ad ad = {"users", "mfa_secret", id, 0};
	sqlite3_stmt *st = get(s, QI_MFA_GET);
	enum err e;
	int rc;

	e = vault_subkey(v, VAULT_SUB_SECRETS, s->subkey);
	if (e != ERR_OK)
		return e;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	}
	if ((size_t)sqlite3_column_bytes(st, 0) != n + VAULT_SEAL_OVERHEAD)
		e = ERR_CRYPTO;
	else
		e = vault_open(secret, n, sqlite3_column_blob(st, 0), n + VAULT_SEAL_OVERHEAD, &ad,
		               s->subkey);
	sqlite3_reset(st);
	return e;
}

enum err store_user_mfa_clear(struct store *s, int64_t id)
{
	sqlite3_stmt *st = get(s, QI_MFA_CLEAR);

	sqlite3_bind_int64(st, 1, id);
	return changed_one(s, st);
}

enum err store_user_mfa_step(struct store *s, int64_t id, int64_t step)
{
	sqlite3_stmt *st = get(s, QI_MFA_STEP);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, step);
	e = changed_one(s, st);
	return e == ERR_NOTFOUND ? ERR_CONFLICT : e;
}

enum err store_recovery_replace(struct store *s, int64_t user_id, const unsigned char (*hashes)[32],
                                size_t n)
{
	sqlite3_stmt *st = get(s, QI_RECOVERY_DELETE);
	size_t i;
	enum err e;

	sqlite3_bind_int64(st, 1, user_id);
	e = step_done(s, st);
	for (i = 0; e == ERR_OK && i < n; i++) {
		st = get(s, QI_RECOVERY_INSERT);
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_blob(st, 2, hashes[i], 32, SQLITE_STATIC);
		e = step_done(s, st);
	}
	return e;
}

enum err store_recovery_use(struct store *s, int64_t user_id, const unsigned char hash[32],
                            int64_t now)
{
	sqlite3_stmt *st = get(s, QI_RECOVERY_USE);

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return changed_one(s, st);
}

/* ---- sessions ------------------------------------------------------------ */

enum err store_session_create(struct store *s, const unsigned char token_hash[32],
                              const unsigned char csrf_hash[32], int64_t user_id, int64_t now,
                              int64_t expires_at, const char *source, struct session_row *out)
{
	sqlite3_stmt *st = get(s, QI_SESSION_INSERT);
	struct session_row r;
	enum err e;

	memset(&r, 0, sizeof r);
	random_public_id(r.public_id);
	sqlite3_bind_text(st, 1, r.public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, csrf_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, user_id);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, expires_at);
	sqlite3_bind_text(st, 7, source, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	r.id = sqlite3_last_insert_rowid(s->db);
	r.user_id = user_id;
	memcpy(r.csrf_hash, csrf_hash, 32);
	r.created_at = r.last_seen = r.reauth_at = now;
	r.expires_at = expires_at;
	*out = r;
	return ERR_OK;
}

enum err store_session_find(struct store *s, const unsigned char token_hash[32],
                            struct session_row *out)
{
	sqlite3_stmt *st = get(s, QI_SESSION_FIND);
	struct session_row r;
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ERR_NOTFOUND;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(s, rc);
	}
	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	e = copy_text(st, 1, r.public_id, sizeof r.public_id);
	r.user_id = sqlite3_column_int64(st, 2);
	if (sqlite3_column_bytes(st, 3) != 32)
		e = ERR_DB;
	else
		memcpy(r.csrf_hash, sqlite3_column_blob(st, 3), 32);
	r.created_at = sqlite3_column_int64(st, 4);
	r.last_seen = sqlite3_column_int64(st, 5);
	r.expires_at = sqlite3_column_int64(st, 6);
	r.reauth_at = sqlite3_column_int64(st, 7);
	r.ended_at = sqlite3_column_int64(st, 8);
	sqlite3_reset(st);
	if (e == ERR_OK)
		*out = r;
	return e;
}

static enum err id_time(struct store *s, enum identity_stmt q, int64_t id, int64_t t)
{
	sqlite3_stmt *st = get(s, q);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, t);
	return step_done(s, st);
}

enum err store_session_touch(struct store *s, int64_t id, int64_t now)
{
	return id_time(s, QI_SESSION_TOUCH, id, now);
}

enum err store_session_reauth(struct store *s, int64_t id, int64_t now)
{
	return id_time(s, QI_SESSION_REAUTH, id, now);
}

enum err store_session_end(struct store *s, int64_t id, int64_t now)
{
	return id_time(s, QI_SESSION_END, id, now);
}

enum err store_session_end_user(struct store *s, int64_t user_id, int64_t now)
{
	return id_time(s, QI_SESSION_END_USER, user_id, now);
}

/* ---- throttling ------------------------------------------------------------ */

enum err store_throttle_get(struct store *s, const char *key, int64_t *failures,
                            int64_t *locked_until)
{
	sqlite3_stmt *st = get(s, QI_THROTTLE_GET);
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*failures = sqlite3_column_int64(st, 0);
		*locked_until = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE) {
		*failures = 0;
		*locked_until = 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK : db_err(s, rc);
}

enum err store_throttle_set(struct store *s, const char *key, int64_t failures,
                            int64_t locked_until)
{
	sqlite3_stmt *st = get(s, QI_THROTTLE_SET);

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, failures);
	sqlite3_bind_int64(st, 3, locked_until);
	return step_done(s, st);
}

enum err store_throttle_clear(struct store *s, const char *key)
{
	sqlite3_stmt *st = get(s, QI_THROTTLE_CLEAR);

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return step_done(s, st);
}

/* ---- care teams ---------------------------------------------------------- */

enum err store_care_team_add(struct store *s, int64_t client_id, int64_t user_id, int64_t now)
{
	sqlite3_stmt *st = get(s, QI_TEAM_ADD);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	return step_done(s, st);
}

enum err store_care_team_remove(struct store *s, int64_t client_id, int64_t user_id)
{
	sqlite3_stmt *st = get(s, QI_TEAM_REMOVE);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, user_id);
	return step_done(s, st);
}

/* exists - does a bound query return a row? */
static enum err exists(struct store *s, sqlite3_stmt *st, int *yes)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, rc);
	*yes = rc == SQLITE_ROW;
	return ERR_OK;
}

enum err store_care_team_reaches(struct store *s, int64_t client_id, int64_t user_id, int *yes)
{
	sqlite3_stmt *st = get(s, QI_TEAM_REACHES);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, user_id);
	return exists(s, st, yes);
}

enum err store_supervision_add(struct store *s, int64_t supervisor_id, int64_t supervisee_id)
{
	sqlite3_stmt *st = get(s, QI_SUPERVISION_ADD);

	sqlite3_bind_int64(st, 1, supervisor_id);
	sqlite3_bind_int64(st, 2, supervisee_id);
	return step_done(s, st);
}

enum err store_break_glass_active(struct store *s, int64_t user_id, int64_t client_id, int64_t now,
                                  int *yes)
{
	sqlite3_stmt *st = get(s, QI_BREAK_GLASS_ACTIVE);

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, now);
	return exists(s, st, yes);
}

enum err store_client_id_of(struct store *s, const char *public_id, int64_t *id)
{
	sqlite3_stmt *st = get(s, QI_CLIENT_ID_OF);
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ERR_NOTFOUND;
	return rc == SQLITE_ROW ? ERR_OK : db_err(s, rc);
}

enum err store_client_public_of(struct store *s, int64_t id, char out[33])
{
	sqlite3_stmt *st = get(s, QI_CLIENT_PUBLIC_OF);
	enum err e;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = copy_text(st, 0, out, 33);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}
