/*
 * session_keys.h - author keys (psychotherapy notes) held for signed-in
 * sessions, in locked memory, for as long as the session lives and no
 * longer.
 *
 * Responsible for: one process-wide table, session public id -> the AK the
 * session's user unwrapped at sign-in or re-authentication, guarded by a
 * mutex; dropping an entry at logout, when the session is found ended or
 * timed out, when the user's sessions are ended, and when it has not been
 * used for the idle timeout. Never: writes a key anywhere (a restart loses
 * them all, by design: the user re-authenticates), hands out a pointer into
 * the table (callers get a copy in their own locked memory), or holds more
 * than SESSION_KEYS_MAX entries.
 */
#ifndef CONFIDANT_AUTH_SESSION_KEYS_H
#define CONFIDANT_AUTH_SESSION_KEYS_H

#include <stdint.h>

#include "core/err.h"
#include "vault/vault.h"

#define SESSION_KEYS_MAX 4096 /* sessions holding an author key at once */

/* auth_session_key_put - hold a copy of ak for session (a session public
 * id) of user_id until expires_at (the session's absolute end), replacing
 * one held already. now starts the idle clock. ERR_BUSY when the table is
 * full; ERR_NOMEM. */
enum err auth_session_key_put(const char *session, int64_t user_id, int64_t expires_at, int64_t now,
                              const struct vault_key *ak);

/* auth_session_key_get - copy the key held for session into out, if it
 * belongs to user_id and has not expired at now. ERR_NOTFOUND if none. */
enum err auth_session_key_get(const char *session, int64_t user_id, int64_t now,
                              struct vault_key *out);

/* auth_session_key_touch - the session was used at now: restart its idle
 * clock; and drop (wiped) every entry idle for idle seconds or expired. */
void auth_session_key_touch(const char *session, int64_t now, int64_t idle);

/* auth_session_key_drop - forget the key of one session (logout, timeout). */
void auth_session_key_drop(const char *session);

/* auth_session_key_drop_user - forget every key held for user_id (their
 * sessions were ended: disabled, role changed, password reset). */
void auth_session_key_drop_user(int64_t user_id);

/* auth_session_key_count - entries held (tests). */
unsigned auth_session_key_count(void);

#endif
