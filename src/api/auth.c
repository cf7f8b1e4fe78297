/*
 * auth.c - /api/v1/auth/...: sign-in, sign-out, the current session,
 * password change, MFA enrolment and re-authentication.
 * Never: echoes a password or code, or says which part of a sign-in was
 * wrong; the session token travels only in the HttpOnly cookie.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/mem.h"
#include "domain/identity.h"

/* session_json - what the app needs to know of a session. */
static json_t *session_json(const struct principal *p, int64_t idle)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s},s:b,s:b,s:{s:o,s:I}}", "user", "id",
	                 p->user.public_id, "email", p->user.email, "name", p->user.display_name,
	                 "role", p->user.role, "must_change_password", p->must_change,
	                 "must_enrol_mfa", p->must_enrol, "session", "expires_at",
	                 api_time_json(p->session.expires_at), "idle_seconds", (json_int_t)idle);
}

/* str_field - a required (or optional) string member; ERR_INVAL if wrong. */
static enum err str_field(json_t *o, const char *name, int required, const char **out,
                          struct http_response *rs, const char *msg)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL && !required) {
		*out = NULL;
		return ERR_OK;
	}
	if (!json_is_string(v) || json_string_length(v) > 1024) {
		rs->message = msg;
		return ERR_INVAL;
	}
	*out = json_string_value(v);
	return ERR_OK;
}

enum err api_login(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"email", "password", "code", NULL};
	struct login_result r;
	struct domain_ctx ctx;
	const char *email, *pw, *code;
	void *root = NULL;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = str_field(root, "email", 1, &email, rs, "email and password are required");
	if (e == ERR_OK)
		e = str_field(root, "password", 1, &pw, rs, "email and password are required");
	if (e == ERR_OK)
		e = str_field(root, "code", 0, &code, rs, "code must be a string");
	if (e != ERR_OK)
		goto out;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		goto out;
	e = domain_login(&ctx, email, pw, code, &r);
	if (e == ERR_OK) {
		int64_t idle =
		        domain_setting_int(&ctx, "session_idle_seconds", IDENTITY_IDLE_DEFAULT);
		json_t *o = session_json(&r.who, idle);

		json_object_set_new(o, "csrf_token", json_string(r.csrf));
		snprintf(rs->set_cookie, sizeof rs->set_cookie,
		         "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict", API_COOKIE, r.token);
		e = api_json_send(rs, o);
	} else {
		rs->message = ctx.message;
		if (e == ERR_BUSY)
			rs->retry_after = 2;
	}
	api_end(app, &ctx);
	mem_wipe(&r, sizeof r);
out:
	json_decref(root);
	return e;
}

enum err api_logout(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_logout(&ctx, rq->principal);
	api_end(app, &ctx);
	if (e != ERR_OK)
		return e;
	snprintf(rs->set_cookie, sizeof rs->set_cookie,
	         "%s=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0", API_COOKIE);
	return api_json_send(rs, json_object());
}

enum err api_session(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	int64_t idle;
	enum err e;

	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	idle = domain_setting_int(&ctx, "session_idle_seconds", IDENTITY_IDLE_DEFAULT);
	api_end(app, &ctx);
	return api_json_send(rs, session_json(rq->principal, idle));
}

enum err api_password(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"current", "new", NULL};
	struct domain_ctx ctx;
	const char *cur, *next;
	void *root = NULL;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = str_field(root, "current", 1, &cur, rs, "current and new are required");
	if (e == ERR_OK)
		e = str_field(root, "new", 1, &next, rs, "current and new are required");
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_password_change(&ctx, rq->principal, cur, next);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e == ERR_AUTH)
		e = ERR_INVAL; /* a wrong current password must not end the session */
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}

enum err api_mfa_enrol(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct buf uri, svg;
	enum err e;

	buf_init(&uri, 1024, 1);
	buf_init(&svg, 256 * 1024, 1);
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_mfa_begin(&ctx, rq->principal, &uri, &svg);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = api_json_send(
		        rs, json_pack("{s:s,s:s}", "otpauth_uri", uri.data, "qr_svg", svg.data));
	buf_cleanup(&uri);
	buf_cleanup(&svg);
	return e;
}

enum err api_mfa_confirm(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"code", NULL};
	char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
	struct domain_ctx ctx;
	const char *code;
	void *root = NULL;
	json_t *arr;
	unsigned i;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = str_field(root, "code", 1, &code, rs, "code is required");
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_mfa_confirm(&ctx, rq->principal, code, codes);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e != ERR_OK)
		return e;
	arr = json_array();
	for (i = 0; i < AUTH_RECOVERY_COUNT; i++)
		json_array_append_new(arr, json_string(codes[i]));
	mem_wipe(codes, sizeof codes);
	return api_json_send(rs, json_pack("{s:o}", "recovery_codes", arr));
}

enum err api_reauth(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"password", "code", NULL};
	struct domain_ctx ctx;
	const char *pw, *code;
	void *root = NULL;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = str_field(root, "password", 1, &pw, rs, "password is required");
	if (e == ERR_OK)
		e = str_field(root, "code", 0, &code, rs, "code must be a string");
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_reauth(&ctx, rq->principal, pw, code);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e == ERR_AUTH)
		e = ERR_DENIED; /* keep the session: this is not a sign-in failure */
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}
