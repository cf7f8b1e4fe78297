/*
 * users.c - /api/v1/users: staff accounts for the owner, and care teams.
 * A new user's one-time password is in the creation response only.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/mem.h"
#include "domain/identity.h"

#define USERS_PAGE 200

static json_t *user_json(const struct user_auth *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "id", u->public_id, "email", u->email, "name",
	                 u->display_name, "role", u->role, "disabled", u->disabled != 0,
	                 "mfa_enrolled", u->mfa_enrolled != 0);
}

enum err api_user_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct user_auth *us;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	us = calloc(USERS_PAGE, sizeof *us);
	if (us == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_user_list(&ctx, 0, us, USERS_PAGE, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, user_json(&us[i]));
		e = api_json_send(rs, json_pack("{s:o}", "users", arr));
	}
	mem_wipe(us, USERS_PAGE * sizeof *us);
	free(us);
	return e;
}

enum err api_user_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"email", "name", "role", "client_id", NULL};
	char otp[AUTH_OTP_LEN + 1];
	struct domain_ctx ctx;
	struct user_auth u;
	void *root = NULL;
	json_t *em, *nm, *ro, *ci, *o;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	em = json_object_get(root, "email");
	nm = json_object_get(root, "name");
	ro = json_object_get(root, "role");
	ci = json_object_get(root, "client_id");
	if (!json_is_string(em) || !json_is_string(nm) || !json_is_string(ro) ||
	    (ci != NULL && !json_is_string(ci))) {
		json_decref(root);
		rs->message = "email, name and role (strings) are required";
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_user_create(&ctx, json_string_value(em), json_string_value(nm),
		                       json_string_value(ro), ci ? json_string_value(ci) : NULL, &u,
		                       otp);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e == ERR_OK) {
		o = user_json(&u);
		json_object_set_new(o, "one_time_password", json_string(otp));
		rs->status = 201;
		e = api_json_send(rs, o);
	}
	mem_wipe(otp, sizeof otp);
	return e;
}

enum err api_user_update(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"role", "disabled", NULL};
	struct domain_ctx ctx;
	void *root = NULL;
	json_t *ro, *di;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	ro = json_object_get(root, "role");
	di = json_object_get(root, "disabled");
	if ((ro != NULL && !json_is_string(ro)) || (di != NULL && !json_is_boolean(di)) ||
	    (ro == NULL && di == NULL)) {
		json_decref(root);
		rs->message = "send role (a string) and/or disabled (true or false)";
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		if (ro != NULL)
			e = domain_user_set_role(&ctx, rq->param[0], json_string_value(ro));
		if (e == ERR_OK && di != NULL)
			e = domain_user_disable(&ctx, rq->param[0], json_is_true(di));
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}

enum err api_user_reset_mfa(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_user_reset_mfa(&ctx, rq->param[0]);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}

/* link_records - POST {"user_id"} on /.../{id}/...: join two records with fn. */
static enum err link_records(struct app *app, const struct http_request *rq,
                             struct http_response *rs,
                             enum err (*fn)(struct domain_ctx *, const char *, const char *),
                             const char *missing)
{
	static const char *const allowed[] = {"user_id", NULL};
	struct domain_ctx ctx;
	void *root = NULL;
	json_t *uid;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	uid = json_object_get(root, "user_id");
	if (!json_is_string(uid) || !api_public_id_ok(json_string_value(uid))) {
		json_decref(root);
		rs->message = missing;
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = fn(&ctx, rq->param[0], json_string_value(uid));
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}

enum err api_client_care_team(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	return link_records(app, rq, rs, domain_care_team_add, "user_id (a user's id) is required");
}

enum err api_user_supervisee(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	return link_records(app, rq, rs, domain_supervision_add,
	                    "user_id (a clinician's id) is required");
}
