/*
 * identity.c - sign-in, sessions, MFA and user administration (see
 * identity.h). Every outcome that matters to an auditor is an event:
 * sign-in success and failure, logout, MFA changes, password changes, user
 * creation, role changes and disabling.
 */
#include "domain/identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/session_keys.h"
#include "core/mem.h"
#include "domain/pnotes.h"
#include "domain/recovery.h"

static const char generic_failure[] =
        "Sign-in failed. Check the email, password and code, or wait a moment and try again.";

int64_t domain_setting_int(struct domain_ctx *ctx, const char *key, int64_t dflt)
{
	char *v = NULL, *end;
	long long n;

	if (store_meta_get(ctx->store, key, &v) != ERR_OK)
		return dflt;
	n = strtoll(v, &end, 10);
	if (*end != '\0' || n < 0)
		n = dflt;
	free(v);
	return n;
}

void domain_ctx_from(struct domain_ctx *ctx, const struct principal *p)
{
	ctx->actor = p->user.public_id;
	ctx->actor_id = p->user.id;
	ctx->role = p->role;
	ctx->role_name = p->user.role;
	ctx->client_self = p->user.client_id;
	ctx->session = p->session.public_id;
}

/* emit_tx - one audit event in its own transaction (for sign-in outcomes). */
static enum err emit_tx(struct domain_ctx *ctx, enum audit_event ev, const char *object_id,
                        enum err outcome)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	if (outcome == ERR_OK)
		e = domain_emit(ctx, ev, 0, "user", object_id, "");
	else
		e = domain_emit_outcome(ctx, ev, 0, "user", object_id, "", outcome);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}

/* ---- throttling ------------------------------------------------------------ */

static void throttle_key(char *out, size_t size, const char *kind, const char *id)
{
	snprintf(out, size, "%s:%s", kind, id);
}

/* throttled - is key locked now? */
static int throttled(struct domain_ctx *ctx, const char *key)
{
	int64_t failures = 0, until = 0;

	if (store_throttle_get(ctx->store, key, &failures, &until) != ERR_OK)
		return 1; /* fail closed */
	return until > ctx->now;
}

static void throttle_fail(struct domain_ctx *ctx, const char *key)
{
	int64_t failures = 0, until = 0;

	if (store_throttle_get(ctx->store, key, &failures, &until) != ERR_OK)
		return;
	failures++;
	until = ctx->now + auth_throttle_delay((unsigned)(failures > 1000 ? 1000 : failures));
	(void)store_throttle_set(ctx->store, key, failures, until);
}

/* ---- password and code checks --------------------------------------------- */

/* check_password - Argon2id under the concurrency cap. A missing hash is
 * checked against a dummy so unknown users take as long as known ones. */
static enum err check_password(const char *hash, const char *pw)
{
	static char dummy[AUTH_HASH_MAX];
	enum err e;

	e = auth_hash_slot_take(IDENTITY_HASH_WAIT_MS);
	if (e != ERR_OK)
		return ERR_BUSY;
	if (hash == NULL || hash[0] == '\0') {
		if (dummy[0] == '\0')
			(void)auth_password_hash("confidant-dummy-password", 24, dummy);
		(void)auth_password_check(dummy, pw, strlen(pw));
		e = ERR_AUTH;
	} else {
		e = auth_password_check(hash, pw, strlen(pw));
	}
	auth_hash_slot_give();
	return e;
}

/* check_code - a TOTP code or an unused recovery code for user u. */
static enum err check_code(struct domain_ctx *ctx, const struct user_auth *u, const char *code)
{
	unsigned char secret[AUTH_TOTP_SECRET_BYTES];
	struct recovery_secret rs;
	int64_t step = 0;
	enum err e;

	if (code == NULL || code[0] == '\0')
		return ERR_AUTH;
	if (strlen(code) == AUTH_TOTP_DIGITS) {
		e = store_user_mfa_get(ctx->store, ctx->vault, u->id, secret, sizeof secret);
		if (e == ERR_OK)
			e = auth_totp_check(secret, code, ctx->now, u->mfa_last_step, &step);
		mem_wipe(secret, sizeof secret);
		if (e == ERR_OK)
			e = store_user_mfa_step(ctx->store, u->id, step); /* replay guard */
		return e == ERR_OK ? ERR_OK : ERR_AUTH;
	}
	/* Argon2id inside the sign-in transaction: only after the right
	 * password, and rarely (a lost phone); see docs/decisions.md, "Recovery codes". */
	e = domain_recovery_derive(ctx, u->id, code, &rs);
	if (e == ERR_OK)
		e = store_recovery_use(ctx->store, u->id, rs.hash, ctx->now);
	mem_wipe(&rs, sizeof rs);
	return e == ERR_OK || e == ERR_BUSY ? e : ERR_AUTH;
}

static int require_mfa(struct domain_ctx *ctx, const struct user_auth *u)
{
	if (strcmp(u->role, "client") == 0)
		return 0;
	return domain_setting_int(ctx, "require_mfa", 1) != 0;
}

static void fill_principal(struct domain_ctx *ctx, const struct user_auth *u,
                           const struct session_row *srow_in, struct principal *p)
{
	struct session_row srow = *srow_in; /* srow_in may live inside *p */

	memset(p, 0, sizeof *p);
	p->user = *u;
	p->user.pass_hash[0] = '\0'; /* the hash is not needed past sign-in */
	p->role = domain_role_bit(u->role);
	p->session = srow;
	p->must_change = u->must_change != 0;
	p->must_enrol = !u->mfa_enrolled && require_mfa(ctx, u);
	p->pending = p->must_change || p->must_enrol;
}

/* ---- sign-in ---------------------------------------------------------------- */

enum err domain_login(struct domain_ctx *ctx, const char *email, const char *password,
                      const char *code, struct login_result *out)
{
	unsigned char th[AUTH_HASH_BYTES], ch[AUTH_HASH_BYTES];
	char akey[96], ukey[48], hash[AUTH_HASH_MAX];
	struct login_result r;
	struct user_auth u;
	int known;
	enum err e;

	memset(&r, 0, sizeof r);
	memset(&u, 0, sizeof u);
	ctx->message = generic_failure;
	throttle_key(akey, sizeof akey, "a", ctx->source);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	known = store_user_auth_by_email(ctx->store, email, &u) == ERR_OK;
	throttle_key(ukey, sizeof ukey, "u", known ? u.public_id : "-");
	if (throttled(ctx, akey) || (known && throttled(ctx, ukey))) {
		e = ERR_AUTH;
		goto fail;
	}
	store_rollback(ctx->store); /* no lock held during the slow hash */
	e = check_password(known ? u.pass_hash : NULL, password);
	if (e == ERR_BUSY)
		goto out;
	if (store_begin(ctx->store) != ERR_OK) {
		e = ERR_DB;
		goto out;
	}
	if (e == ERR_OK && u.disabled)
		e = ERR_AUTH;
	if (e == ERR_OK && u.mfa_enrolled)
		e = check_code(ctx, &u, code);
	if (e != ERR_OK)
		goto fail;
	(void)store_throttle_clear(ctx->store, akey);
	(void)store_throttle_clear(ctx->store, ukey);
	if (auth_password_needs_rehash(u.pass_hash) &&
	    auth_password_hash(password, strlen(password), hash) == ERR_OK)
		(void)store_user_set_password(ctx->store, u.id, hash, u.must_change, ctx->now);
	auth_token_new(r.token);
	auth_token_new(r.csrf);
	auth_token_hash(r.token, strlen(r.token), th);
	auth_token_hash(r.csrf, strlen(r.csrf), ch);
	e = store_session_create(
	        ctx->store, th, ch, u.id, ctx->now,
	        ctx->now + domain_setting_int(ctx, "session_max_seconds", IDENTITY_MAX_DEFAULT),
	        ctx->source, &r.who.session);
	if (e != ERR_OK)
		goto fail_quiet;
	fill_principal(ctx, &u, &r.who.session, &r.who);
	domain_ctx_from(ctx, &r.who);
	e = domain_emit(ctx, AUDIT_LOGIN, 0, "session", r.who.session.public_id, "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		goto fail_quiet;
	ctx->message = NULL;
	*out = r;
	/* Psychotherapy notes: the author key, while the password is in hand. */
	(void)domain_author_key_unlock(ctx, &u, r.who.session.public_id, r.who.session.expires_at,
	                               password, code);
	goto out;
fail:
	if (e == ERR_AUTH) {
		throttle_fail(ctx, akey);
		if (known)
			throttle_fail(ctx, ukey);
		if (known)
			ctx->actor = u.public_id;
		e = domain_emit_outcome(ctx, AUDIT_LOGIN_FAILED, 0, "user",
		                        known ? u.public_id : "", "", ERR_AUTH);
		if (e == ERR_OK)
			e = store_commit(ctx->store);
		if (e != ERR_OK)
			store_rollback(ctx->store);
		ctx->actor = "anonymous";
		e = ERR_AUTH;
		goto out;
	}
fail_quiet:
	store_rollback(ctx->store);
out:
	mem_wipe(&r, sizeof r);
	mem_wipe(&u, sizeof u);
	mem_wipe(hash, sizeof hash);
	return e;
}

/* SESSION_TOUCH_EVERY - last_seen is written at most this often (seconds),
 * so most requests check their session without writing; the idle timeout
 * is then exact to within this much. */
#define SESSION_TOUCH_EVERY 30

enum err domain_session_check(struct domain_ctx *ctx, const char *token, int state_changing,
                              const char *csrf, struct principal *out)
{
	unsigned char th[AUTH_HASH_BYTES], ch[AUTH_HASH_BYTES];
	struct session_row srow;
	struct user_auth u;
	int64_t idle;
	int end = 0;
	int found = 0;
	enum err e;

	if (token == NULL || !auth_token_valid(token))
		return ERR_AUTH;
	auth_token_hash(token, strlen(token), th);
	memset(&u, 0, sizeof u);
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_session_find(ctx->store, th, &srow);
	if (e == ERR_NOTFOUND)
		e = ERR_AUTH;
	if (e != ERR_OK)
		goto out;
	found = 1;
	idle = domain_setting_int(ctx, "session_idle_seconds", IDENTITY_IDLE_DEFAULT);
	if (srow.ended_at != 0) {
		e = ERR_AUTH;
		goto out;
	}
	if (ctx->now >= srow.expires_at || ctx->now - srow.last_seen >= idle) {
		end = 1;
		e = ERR_AUTH;
		goto out;
	}
	e = store_user_auth_by_id(ctx->store, srow.user_id, &u);
	if (e != ERR_OK || u.disabled || domain_role_bit(u.role) == 0) {
		end = 1;
		e = ERR_AUTH;
		goto out;
	}
	if (state_changing) {
		if (csrf == NULL || !auth_token_valid(csrf)) {
			e = ERR_DENIED;
			goto out;
		}
		auth_token_hash(csrf, strlen(csrf), ch);
		if (!vault_memeq(ch, srow.csrf_hash, sizeof ch)) {
			e = ERR_DENIED;
			goto out;
		}
	}
	fill_principal(ctx, &u, &srow, out);
out:
	store_end_read(ctx->store);
	mem_wipe(&u, sizeof u);
	/* An author key lives exactly as long as its session. */
	if (e == ERR_OK)
		auth_session_key_touch(srow.public_id, ctx->now, idle);
	else if (found && e == ERR_AUTH)
		auth_session_key_drop(srow.public_id);
	/* Writes, when needed, in their own short transaction. */
	if (end || (e == ERR_OK && ctx->now - srow.last_seen >= SESSION_TOUCH_EVERY)) {
		enum err w = store_begin(ctx->store);

		if (w == ERR_OK)
			w = end ? store_session_end(ctx->store, srow.id, ctx->now)
			        : store_session_touch(ctx->store, srow.id, ctx->now);
		if (w == ERR_OK)
			w = store_commit(ctx->store);
		else
			store_rollback(ctx->store);
		if (w != ERR_OK && e == ERR_OK)
			e = w;
		if (e == ERR_OK)
			out->session.last_seen = ctx->now;
	}
	return e;
}

/* in_tx - run the simple body of an operation with its event in one
 * transaction: body returns ERR_OK or an error that rolls back. */
#define TX_BEGIN(ctx)                                                                              \
	do {                                                                                       \
		e = store_begin((ctx)->store);                                                     \
		if (e != ERR_OK)                                                                   \
			return e;                                                                  \
	} while (0)

static enum err tx_end(struct domain_ctx *ctx, enum err e)
{
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_logout(struct domain_ctx *ctx, const struct principal *p)
{
	enum err e;

	auth_session_key_drop(p->session.public_id);
	TX_BEGIN(ctx);
	e = store_session_end(ctx->store, p->session.id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_LOGOUT, 0, "session", p->session.public_id, "");
	return tx_end(ctx, e);
}

/* verify_secret - password (and code if enrolled) of the principal's user,
 * for re-authentication and password changes. */
static enum err verify_secret(struct domain_ctx *ctx, const struct principal *p,
                              const char *password, const char *code, int with_code)
{
	struct user_auth u;
	enum err e;

	e = store_user_auth_by_id(ctx->store, p->user.id, &u);
	if (e != ERR_OK)
		return e;
	e = check_password(u.pass_hash, password);
	if (e == ERR_OK && with_code && u.mfa_enrolled) {
		e = store_begin(ctx->store);
		if (e == ERR_OK) {
			e = check_code(ctx, &u, code);
			e = tx_end(ctx, e);
		}
	}
	mem_wipe(&u, sizeof u);
	if (e != ERR_OK && e != ERR_BUSY)
		e = ERR_AUTH;
	return e;
}

enum err domain_password_change(struct domain_ctx *ctx, const struct principal *p,
                                const char *current, const char *next)
{
	char hash[AUTH_HASH_MAX];
	const char *why = NULL;
	struct author_rewrap rw;
	enum err e;

	e = auth_password_policy(next, strlen(next), p->user.email, &why);
	if (e != ERR_OK) {
		ctx->message = why;
		return ERR_INVAL;
	}
	e = verify_secret(ctx, p, current, NULL, 0);
	if (e != ERR_OK) {
		ctx->message = "The current password is not right.";
		return e;
	}
	e = auth_hash_slot_take(IDENTITY_HASH_WAIT_MS);
	if (e != ERR_OK)
		return ERR_BUSY;
	e = auth_password_hash(next, strlen(next), hash);
	auth_hash_slot_give();
	if (e != ERR_OK)
		return e;
	domain_author_key_rewrap_prepare(ctx, p->user.id, p->session.public_id,
	                                 p->session.expires_at, current, next, &rw);
	TX_BEGIN(ctx);
	e = store_user_set_password(ctx->store, p->user.id, hash, 0, ctx->now);
	if (e == ERR_OK)
		e = domain_author_key_rewrap_store(ctx, &rw);
	if (e == ERR_OK)
		e = store_session_reauth(ctx->store, p->session.id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_PASSWORD, 0, "user", p->user.public_id, "");
	mem_wipe(hash, sizeof hash);
	return tx_end(ctx, e);
}

enum err domain_mfa_begin(struct domain_ctx *ctx, const struct principal *p, struct buf *uri,
                          struct buf *svg)
{
	unsigned char secret[AUTH_TOTP_SECRET_BYTES];
	char *practice = NULL;
	struct user_auth u;
	enum err e;

	TX_BEGIN(ctx);
	e = store_user_auth_by_id(ctx->store, p->user.id, &u);
	if (e == ERR_OK && u.mfa_enrolled) {
		ctx->message = "Two-step sign-in is already set up; an owner can reset it.";
		e = ERR_CONFLICT;
	}
	auth_totp_secret_new(secret);
	if (e == ERR_OK)
		e = store_user_mfa_set(ctx->store, ctx->vault, u.id, secret, sizeof secret, 0);
	if (e == ERR_OK) {
		if (store_meta_get(ctx->store, "practice_name", &practice) != ERR_OK)
			practice = NULL;
		e = auth_totp_uri(secret, practice ? practice : "Confidant", u.email, uri);
	}
	if (e == ERR_OK)
		e = auth_qr_svg(uri->data, svg);
	free(practice);
	mem_wipe(secret, sizeof secret);
	mem_wipe(&u, sizeof u);
	return tx_end(ctx, e);
}

enum err domain_mfa_confirm(struct domain_ctx *ctx, const struct principal *p, const char *code,
                            char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1])
{
	unsigned char secret[AUTH_TOTP_SECRET_BYTES];
	struct recovery_secret rs[AUTH_RECOVERY_COUNT];
	struct user_auth u;
	int64_t step = 0;
	enum err e;

	TX_BEGIN(ctx);
	e = store_user_auth_by_id(ctx->store, p->user.id, &u);
	if (e == ERR_OK && u.mfa_enrolled)
		e = ERR_CONFLICT;
	if (e == ERR_OK)
		e = store_user_mfa_get(ctx->store, ctx->vault, u.id, secret, sizeof secret);
	if (e == ERR_NOTFOUND) {
		ctx->message = "Start the set-up first.";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK && auth_totp_check(secret, code, ctx->now, 0, &step) != ERR_OK) {
		ctx->message = "That code is not right; check the time on your phone.";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = store_user_mfa_set(ctx->store, ctx->vault, u.id, secret, sizeof secret, 1);
	if (e == ERR_OK)
		e = store_user_mfa_step(ctx->store, u.id, step);
	if (e == ERR_OK) {
		/* Argon2id for ten codes, once per enrolment (docs/decisions.md). */
		e = domain_recovery_codes_new(ctx, u.id, codes, rs);
		if (e == ERR_OK)
			e = domain_author_recovery_set(ctx, u.id, p->session.public_id, rs,
			                               AUTH_RECOVERY_COUNT);
	}
	if (e == ERR_OK)
		e = store_session_reauth(ctx->store, p->session.id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_MFA_ENROL, 0, "user", u.public_id, "");
	mem_wipe(secret, sizeof secret);
	mem_wipe(rs, sizeof rs);
	mem_wipe(&u, sizeof u);
	return tx_end(ctx, e);
}

enum err domain_reauth(struct domain_ctx *ctx, const struct principal *p, const char *password,
                       const char *code)
{
	enum err e = verify_secret(ctx, p, password, code, 1);

	if (e != ERR_OK) {
		ctx->message = generic_failure;
		(void)emit_tx(ctx, AUDIT_LOGIN_FAILED, p->user.public_id, ERR_AUTH);
		return e;
	}
	TX_BEGIN(ctx);
	e = store_session_reauth(ctx->store, p->session.id, ctx->now);
	e = tx_end(ctx, e);
	if (e == ERR_OK)
		(void)domain_author_key_unlock(ctx, &p->user, p->session.public_id,
		                               p->session.expires_at, password, code);
	return e;
}

enum err domain_recent_auth(struct domain_ctx *ctx, const struct principal *p)
{
	if (ctx->now - p->session.reauth_at <= IDENTITY_REAUTH_WINDOW)
		return ERR_OK;
	ctx->message = "Confirm your password to do this (POST /api/v1/auth/reauth).";
	return ERR_AUTH;
}

/* ---- user administration --------------------------------------------------- */

static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s), i;

	if (n < 3 || n > 254 || at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

enum err domain_user_create(struct domain_ctx *ctx, const char *email, const char *name,
                            const char *role, const char *client_public_id, struct user_auth *out,
                            char otp[AUTH_OTP_LEN + 1])
{
	int64_t client_id = 0;
	char hash[AUTH_HASH_MAX];
	struct user u;
	enum err e;

	if (!email_ok(email)) {
		ctx->message = "email must be an address like name@example.org";
		return ERR_INVAL;
	}
	if (name == NULL || name[0] == '\0' || strlen(name) > 120) {
		ctx->message = "name is required (at most 120 characters)";
		return ERR_INVAL;
	}
	if (domain_role_bit(role) == 0) {
		ctx->message =
		        "role must be owner, clinician, supervisor, biller, scheduler, auditor "
		        "or client";
		return ERR_INVAL;
	}
	if ((strcmp(role, "client") == 0) != (client_public_id != NULL)) {
		ctx->message =
		        "a client account needs client_id (the client's record); staff do not";
		return ERR_INVAL;
	}
	auth_otp_new(otp);
	e = auth_hash_slot_take(IDENTITY_HASH_WAIT_MS);
	if (e != ERR_OK)
		return ERR_BUSY;
	e = auth_password_hash(otp, strlen(otp), hash);
	auth_hash_slot_give();
	if (e != ERR_OK)
		return e;
	memset(&u, 0, sizeof u);
	u.email = (char *)(uintptr_t)email;
	u.display_name = (char *)(uintptr_t)name;
	u.role = (char *)(uintptr_t)role;
	TX_BEGIN(ctx);
	if (client_public_id != NULL) {
		e = store_client_id_of(ctx->store, client_public_id, &client_id);
		if (e != ERR_OK) {
			ctx->message = "client_id names no client";
			return tx_end(ctx, e == ERR_NOTFOUND ? ERR_INVAL : e);
		}
	}
	e = store_user_create(ctx->store, &u, hash, 1, ctx->now);
	if (e == ERR_CONFLICT)
		ctx->message = "a user with that email exists";
	if (e == ERR_OK && client_id != 0)
		e = store_user_set_client(ctx->store, u.id, client_id);
	if (e == ERR_OK)
		e = store_user_auth_by_id(ctx->store, u.id, out);
	if (e == ERR_OK) {
		out->pass_hash[0] = '\0';
		e = domain_emit(ctx, AUDIT_USER_CREATE, 0, "user", u.public_id, role);
	}
	mem_wipe(hash, sizeof hash);
	return tx_end(ctx, e);
}

/* user_change - load a user by public id and apply one change with its
 * event; sessions end when access shrinks. */
static enum err user_change(struct domain_ctx *ctx, const char *public_id, enum audit_event ev,
                            const char *role, int disabled)
{
	struct user_auth u;
	enum err e;

	TX_BEGIN(ctx);
	e = store_user_auth_by_public(ctx->store, public_id, &u);
	if (e == ERR_OK && u.id == ctx->actor_id && ev != AUDIT_MFA_RESET) {
		ctx->message = "you cannot change your own role or disable yourself";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK) {
		if (ev == AUDIT_USER_ROLE)
			e = store_user_set_role(ctx->store, u.id, role, ctx->now);
		else if (ev == AUDIT_USER_DISABLE)
			e = store_user_set_disabled(ctx->store, u.id, disabled, ctx->now);
		else
			e = store_user_mfa_clear(ctx->store, u.id);
	}
	if (e == ERR_OK && (ev != AUDIT_USER_DISABLE || disabled))
		e = store_session_end_user(ctx->store, u.id, ctx->now);
	if (e == ERR_OK && (ev != AUDIT_USER_DISABLE || disabled))
		auth_session_key_drop_user(u.id);
	/* The recovery codes are gone: so are the author key's wraps under them. */
	if (e == ERR_OK && ev == AUDIT_MFA_RESET)
		e = store_author_recovery_replace(ctx->store, u.id, NULL, NULL, 0);
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, 0, "user", u.public_id,
		                ev == AUDIT_USER_ROLE ? role : (disabled ? "disabled" : ""));
	mem_wipe(&u, sizeof u);
	return tx_end(ctx, e);
}

enum err domain_user_set_role(struct domain_ctx *ctx, const char *public_id, const char *role)
{
	if (domain_role_bit(role) == 0) {
		ctx->message =
		        "role must be owner, clinician, supervisor, biller, scheduler, auditor "
		        "or client";
		return ERR_INVAL;
	}
	return user_change(ctx, public_id, AUDIT_USER_ROLE, role, 0);
}

enum err domain_user_disable(struct domain_ctx *ctx, const char *public_id, int disabled)
{
	return user_change(ctx, public_id, AUDIT_USER_DISABLE, NULL, disabled);
}

enum err domain_user_reset_mfa(struct domain_ctx *ctx, const char *public_id)
{
	return user_change(ctx, public_id, AUDIT_MFA_RESET, NULL, 0);
}

enum err domain_user_reset_password(struct domain_ctx *ctx, const char *public_id,
                                    char otp[AUTH_OTP_LEN + 1])
{
	char hash[AUTH_HASH_MAX];
	struct user_auth u;
	enum err e;

	auth_otp_new(otp);
	e = auth_hash_slot_take(IDENTITY_HASH_WAIT_MS);
	if (e != ERR_OK)
		return ERR_BUSY;
	e = auth_password_hash(otp, strlen(otp), hash);
	auth_hash_slot_give();
	if (e != ERR_OK)
		return e;
	TX_BEGIN(ctx);
	e = store_user_auth_by_public(ctx->store, public_id, &u);
	if (e == ERR_OK && u.id == ctx->actor_id) {
		ctx->message = "change your own password with POST /api/v1/auth/password";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_user_set_password(ctx->store, u.id, hash, 1, ctx->now);
	if (e == ERR_OK)
		e = store_session_end_user(ctx->store, u.id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_PASSWORD_RESET, 0, "user", u.public_id, "");
	if (e == ERR_OK)
		auth_session_key_drop_user(u.id);
	mem_wipe(hash, sizeof hash);
	mem_wipe(&u, sizeof u);
	return tx_end(ctx, e);
}

enum err domain_user_list(struct domain_ctx *ctx, int64_t after, struct user_auth *out, size_t max,
                          size_t *n)
{
	size_t i;
	enum err e;

	TX_BEGIN(ctx);
	e = store_user_list(ctx->store, after, out, max, n);
	for (i = 0; e == ERR_OK && i < *n; i++)
		out[i].pass_hash[0] = '\0';
	return tx_end(ctx, e);
}

enum err domain_care_team_add(struct domain_ctx *ctx, const char *client_public_id,
                              const char *user_public_id)
{
	struct user_auth u;
	int64_t cid = 0;
	enum err e;

	TX_BEGIN(ctx);
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK) /* nobody new starts working on a restricted record */
		e = domain_restriction_check(ctx, cid, 1);
	if (e == ERR_OK)
		e = store_user_auth_by_public(ctx->store, user_public_id, &u);
	if (e == ERR_OK && strcmp(u.role, "clinician") != 0 && strcmp(u.role, "supervisor") != 0) {
		ctx->message = "only clinicians and supervisors join care teams";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = store_care_team_add(ctx->store, cid, u.id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_CARE_TEAM, cid, "user", u.public_id, "added");
	return tx_end(ctx, e);
}

enum err domain_supervision_add(struct domain_ctx *ctx, const char *supervisor_public_id,
                                const char *supervisee_public_id)
{
	struct user_auth sup, sub;
	enum err e;

	TX_BEGIN(ctx);
	e = store_user_auth_by_public(ctx->store, supervisor_public_id, &sup);
	if (e == ERR_OK)
		e = store_user_auth_by_public(ctx->store, supervisee_public_id, &sub);
	if (e == ERR_OK &&
	    (strcmp(sup.role, "supervisor") != 0 || strcmp(sub.role, "clinician") != 0)) {
		ctx->message = "a supervisor supervises clinicians";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = store_supervision_add(ctx->store, sup.id, sub.id);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_CARE_TEAM, 0, "user", sub.public_id, "supervised");
	return tx_end(ctx, e);
}
