/*
 * identity.h - sign-in, sessions, MFA enrolment and user administration.
 *
 * Responsible for: the rules of NIST SP 800-63B as Confidant applies them,
 * and the session life cycle (idle and absolute timeouts, logout, disable,
 * role change on the next request, re-authentication for sensitive
 * actions). Never: says which of user, password or code was wrong; keeps a
 * token, a password or a TOTP secret beyond the call (callers wipe what
 * they receive).
 */
#ifndef CONFIDANT_DOMAIN_IDENTITY_H
#define CONFIDANT_DOMAIN_IDENTITY_H

#include "auth/auth.h"
#include "auth/password.h"
#include "domain/domain.h"

#define IDENTITY_IDLE_DEFAULT 900  /* seconds of inactivity that end a session */
#define IDENTITY_MAX_DEFAULT 43200 /* absolute session lifetime, seconds */
#define IDENTITY_REAUTH_WINDOW 300 /* a re-authentication lasts this long */
#define IDENTITY_HASH_WAIT_MS 2000 /* longest wait for a password-hash slot */

/* A signed-in (or half signed-in) session, as a request sees it. */
struct principal {
	struct user_auth user;      /* the user, read fresh for this request */
	unsigned role;              /* ROLE_* bit of user.role */
	struct session_row session; /* the session */
	int pending;                /* non-zero: must change password or enrol MFA first */
	int must_change;            /* password must be changed */
	int must_enrol;             /* MFA must be enrolled */
};

/* What a successful sign-in hands back once: the session token (for the
 * cookie) and the CSRF token (for the X-CSRF-Token header). */
struct login_result {
	char token[AUTH_TOKEN_CHARS + 1]; /* session token; wipe after use */
	char csrf[AUTH_TOKEN_CHARS + 1];  /* CSRF token */
	struct principal who;             /* the new session */
};

/* domain_login - check email, password and (if enrolled) a TOTP or recovery
 * code; throttled per account and per ctx->source. ERR_AUTH for every
 * failure (one generic answer); ERR_BUSY when the hash cap is full. */
enum err domain_login(struct domain_ctx *ctx, const char *email, const char *password,
                      const char *code, struct login_result *out);

/* domain_session_check - the principal of a session token, enforcing idle
 * and absolute timeouts, logout and disabled users (ERR_AUTH), and CSRF on
 * state-changing requests (csrf is the X-CSRF-Token header, NULL if none;
 * ERR_DENIED if it does not match). Touches last_seen. */
enum err domain_session_check(struct domain_ctx *ctx, const char *token, int state_changing,
                              const char *csrf, struct principal *out);

/* domain_ctx_from - fill ctx's actor fields from a principal. */
void domain_ctx_from(struct domain_ctx *ctx, const struct principal *p);

/* domain_logout - end the session server-side. */
enum err domain_logout(struct domain_ctx *ctx, const struct principal *p);

/* domain_password_change - check the current password, apply the policy to
 * the new one, store its hash, clear must_change. ERR_AUTH for a wrong
 * current password; ERR_INVAL (ctx->message) for a refused new one. */
enum err domain_password_change(struct domain_ctx *ctx, const struct principal *p,
                                const char *current, const char *next);

/* domain_mfa_begin - a new pending TOTP secret for the actor: its otpauth
 * URI (into uri) and a QR code of it (SVG into svg). Replaces a pending one;
 * ERR_CONFLICT if MFA is already enrolled (reset it first). */
enum err domain_mfa_begin(struct domain_ctx *ctx, const struct principal *p, struct buf *uri,
                          struct buf *svg);

/* domain_mfa_confirm - enrol the pending secret if code is right; returns
 * fresh recovery codes (shown once). */
enum err domain_mfa_confirm(struct domain_ctx *ctx, const struct principal *p, const char *code,
                            char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1]);

/* domain_reauth - confirm password (+ code if enrolled) for sensitive
 * actions; ERR_AUTH if wrong. */
enum err domain_reauth(struct domain_ctx *ctx, const struct principal *p, const char *password,
                       const char *code);

/* domain_recent_auth - ERR_OK if the session re-authenticated (or signed
 * in) within IDENTITY_REAUTH_WINDOW; else ERR_AUTH with a message. */
enum err domain_recent_auth(struct domain_ctx *ctx, const struct principal *p);

/* User administration (owner; the CLI as system). A new user gets a
 * one-time password (must be changed at first sign-in), returned in otp.
 * A user with role client must name the client record they are
 * (client_public_id); other roles must not. */
enum err domain_user_create(struct domain_ctx *ctx, const char *email, const char *name,
                            const char *role, const char *client_public_id, struct user_auth *out,
                            char otp[AUTH_OTP_LEN + 1]);
enum err domain_user_set_role(struct domain_ctx *ctx, const char *public_id, const char *role);
enum err domain_user_disable(struct domain_ctx *ctx, const char *public_id, int disabled);
enum err domain_user_reset_mfa(struct domain_ctx *ctx, const char *public_id);
/* domain_user_reset_password - an owner gives user public_id a new
 * one-time password (otp), to be changed at the next sign-in, and ends
 * their sessions. Their psychotherapy notes stay sealed until they sign in
 * with a recovery code. ERR_CONFLICT for the owner's own account. */
enum err domain_user_reset_password(struct domain_ctx *ctx, const char *public_id,
                                    char otp[AUTH_OTP_LEN + 1]);
enum err domain_user_list(struct domain_ctx *ctx, int64_t after, struct user_auth *out, size_t max,
                          size_t *n);

/* domain_care_team_add - put a clinician or supervisor on a client's team. */
enum err domain_care_team_add(struct domain_ctx *ctx, const char *client_public_id,
                              const char *user_public_id);

/* domain_supervision_add - supervisor (role supervisor) supervises
 * supervisee (a clinician): they may read the supervisee's clients. */
enum err domain_supervision_add(struct domain_ctx *ctx, const char *supervisor_public_id,
                                const char *supervisee_public_id);

/* domain_setting_int - an integer practice setting from meta, or dflt. */
int64_t domain_setting_int(struct domain_ctx *ctx, const char *key, int64_t dflt);

#endif
