/*
 * pnotes.c - psychotherapy notes over HTTP (routes in api/pnotes.h):
 *   note: {"id", "client", "author", "body"?, "shared_with"?, "version",
 *          "created_at", "updated_at"}; lists carry no text.
 *   POST {"body"} -> 201; PUT {"version", "body"}; share/unshare {"user_id"}.
 * Every role may call these routes: the domain answers 404 to all but the
 * author (and a supervisor the note is shared with), so a refusal never
 * says whether a note exists. Bodies are wiped when freed (api_json_init).
 * Never: echoes a note's text in an error, or caches a response.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pnotes.h"
#include "core/mem.h"
#include "domain/identity.h"
#include "domain/pnotes.h"

/* note_json - a note; its text and shares only when given. */
static json_t *note_json(const struct pnote *n, const char (*shares)[33], size_t nshares,
                         int with_shares)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:o,s:o}", "id", n->public_id, "client",
	                      n->client_public_id, "author", n->author_public_id, "version",
	                      (json_int_t)n->version, "created_at", api_time_json(n->created_at),
	                      "updated_at", api_time_json(n->updated_at));
	json_t *arr;
	size_t i;

	if (o == NULL)
		return NULL;
	if (n->body != NULL)
		json_object_set_new(o, "body", json_string(n->body));
	if (with_shares) {
		arr = json_array();
		for (i = 0; arr != NULL && i < nshares; i++)
			json_array_append_new(arr, json_string(shares[i]));
		json_object_set_new(o, "shared_with", arr);
	}
	return o;
}

static enum err send_note(struct http_response *rs, const struct pnote *n, const char (*shares)[33],
                          size_t nshares, int with_shares, unsigned status)
{
	json_t *o = note_json(n, shares, nshares, with_shares);

	if (o == NULL)
		return ERR_NOMEM;
	rs->status = status;
	return api_json_send(rs, o);
}

/* body_of - the required "body" string of root; ERR_INVAL naming it. */
static enum err body_of(json_t *root, struct http_response *rs, const char **out)
{
	json_t *b = json_object_get(root, "body");

	if (!json_is_string(b) || json_string_length(b) == 0) {
		rs->message = "body is required: the note's text";
		return ERR_INVAL;
	}
	if (json_string_length(b) > PNOTE_BODY_MAX) {
		rs->message = "body is too long (at most 65536 bytes)";
		return ERR_TOOBIG;
	}
	*out = json_string_value(b);
	return ERR_OK;
}

enum err api_pnote_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct pnote *ns;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	ns = mem_calloc_array(PNOTE_LIST_MAX, sizeof *ns);
	if (ns == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_pnote_list(&ctx, rq->param[0], ns, PNOTE_LIST_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, note_json(&ns[i], NULL, 0, 0));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "psychotherapy_notes", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		pnote_cleanup(&ns[i]);
	free(ns);
	return e;
}

enum err api_pnote_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"body", NULL};
	struct domain_ctx ctx;
	struct pnote n;
	const char *body = NULL;
	void *root = NULL;
	enum err e;

	memset(&n, 0, sizeof n);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = body_of(root, rs, &body);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_pnote_create(&ctx, rq->param[0], body, &n);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/psychotherapy-notes/%s",
		         n.public_id);
		e = send_note(rs, &n, NULL, 0, 1, 201);
	}
	json_decref(root);
	pnote_cleanup(&n);
	return e;
}

enum err api_pnote_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	char shares[PNOTE_SHARES_MAX][33];
	struct domain_ctx ctx;
	struct pnote n;
	size_t ns = 0;
	int mine;
	enum err e;

	memset(&n, 0, sizeof n);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_pnote_get(&ctx, rq->param[0], &n, shares, PNOTE_SHARES_MAX, &ns);
	if (e != ERR_OK && ctx.message != NULL)
		rs->message = ctx.message;
	mine = n.author_id == ctx.actor_id;
	api_end(app, &ctx);
	if (e == ERR_OK)
		e = send_note(rs, &n, (const char(*)[33])shares, ns, mine, 200);
	pnote_cleanup(&n);
	return e;
}

enum err api_pnote_update(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"version", "body", NULL};
	struct domain_ctx ctx;
	struct pnote n;
	const char *body = NULL;
	void *root = NULL;
	json_t *ver;
	enum err e;

	memset(&n, 0, sizeof n);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK) {
		ver = json_object_get(root, "version");
		if (!json_is_integer(ver)) {
			rs->message = "version (an integer) is required";
			e = ERR_INVAL;
		}
	}
	if (e == ERR_OK)
		e = body_of(root, rs, &body);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_pnote_update(&ctx, rq->param[0],
		                        json_integer_value(json_object_get(root, "version")), body,
		                        &n);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_note(rs, &n, NULL, 0, 0, 200);
	json_decref(root);
	pnote_cleanup(&n);
	return e;
}

/* share - POST {"user_id"}: share (on) or unshare. */
static enum err share(struct app *app, const struct http_request *rq, struct http_response *rs,
                      int on)
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
		rs->message = "user_id (a supervisor's user id) is required";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_pnote_share(&ctx, rq->param[0], json_string_value(uid), on);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}

enum err api_pnote_share(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return share(app, rq, rs, 1);
}

enum err api_pnote_unshare(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return share(app, rq, rs, 0);
}

enum err api_user_reset_password(struct app *app, const struct http_request *rq,
                                 struct http_response *rs)
{
	char otp[AUTH_OTP_LEN + 1];
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_user_reset_password(&ctx, rq->param[0], otp);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = api_json_send(rs, json_pack("{s:s}", "one_time_password", otp));
	mem_wipe(otp, sizeof otp);
	return e;
}
