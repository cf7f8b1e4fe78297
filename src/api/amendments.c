/*
 * amendments.c - amendment requests over HTTP (routes in api/plans.h):
 *   POST /api/v1/clients/{id}/amendments   {"target_type", "target_id"?, "field"?,
 *                                           "change", "reason"} -> 201
 *   GET  /api/v1/clients/{id}/amendments   {"amendments": [...]}
 *   GET  /api/v1/amendments/{id}           one request
 *   POST /api/v1/amendments/{id}/extend        {"reason"}
 *   POST /api/v1/amendments/{id}/accept        {"text"}  (the amended text)
 *   POST /api/v1/amendments/{id}/deny          {"reason", "basis"?}
 *   POST /api/v1/amendments/{id}/disagreement  {"text"}
 *   POST /api/v1/amendments/{id}/rebuttal      {"text"}
 * and the JSON of the requests that travel with a note or a plan.
 * Never: echoes a value in an error; decides access.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/plans.h"
#include "core/mem.h"
#include "domain/amendments.h"

/* step_json - {"at", "by", "text"} of a later step, or null. */
static json_t *step_json(int64_t at, const char *by, const char *text)
{
	if (at == 0)
		return json_null();
	return json_pack("{s:o,s:s,s:s?}", "at", api_time_json(at), "by", by, "text", text);
}

static json_t *amendment_json(const struct amendment *a)
{
	json_t *target, *decision, *o;

	target = json_pack("{s:s}", "type", a->target_type);
	if (a->target_public_id[0] != '\0')
		json_object_set_new(target, "id", json_string(a->target_public_id));
	if (a->target_field[0] != '\0')
		json_object_set_new(target, "field", json_string(a->target_field));
	decision = step_json(a->decided_at, a->decided_by_public_id, a->decision);
	if (a->decided_at != 0) {
		if (a->denial_basis[0] != '\0')
			json_object_set_new(decision, "basis", json_string(a->denial_basis));
		json_object_set_new(decision, "addendum", json_boolean(a->addendum_id != 0));
	}
	o = json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:s?,s:s?,s:o,s:o,s:b,s:o,s:o,s:o,s:o}", "id",
	              a->public_id, "client", a->client_public_id, "target", target, "status",
	              domain_amendment_status_name(a->status), "requested_by",
	              a->requested_by_public_id, "requested_via", a->requested_via, "change",
	              a->change, "reason", a->reason, "received_at", api_time_json(a->received_at),
	              "due_at", api_time_json(a->due_at), "overdue", a->overdue, "extension",
	              step_json(a->extended_at, a->extended_by_public_id, a->extension_reason),
	              "decision", decision, "disagreement",
	              step_json(a->disagreement_at, a->disagreement_by_public_id, a->disagreement),
	              "rebuttal", step_json(a->rebuttal_at, a->rebuttal_by_public_id, a->rebuttal));
	return o;
}

/* list_json - n requests as a JSON array. */
static json_t *list_json(const struct amendment *as, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, amendment_json(&as[i]));
	return arr;
}

enum err api_amendments_linked(struct domain_ctx *ctx, const char *type, const char *public_id,
                               void **out)
{
	struct amendment *as;
	size_t n = 0, i;
	json_t *arr = NULL;
	enum err e;

	as = mem_calloc_array(AMENDMENTS_PAGE, sizeof *as);
	if (as == NULL)
		return ERR_NOMEM;
	e = domain_amendment_linked(ctx, type, public_id, as, AMENDMENTS_PAGE, &n);
	if (e == ERR_OK) {
		arr = list_json(as, n);
		if (arr == NULL)
			e = ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		amendment_cleanup(&as[i]);
	free(as);
	if (e == ERR_OK)
		*out = arr;
	return e;
}

enum err api_amendment_list(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct amendment *as;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	as = mem_calloc_array(AMENDMENTS_PAGE, sizeof *as);
	if (as == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_amendment_list(&ctx, rq->param[0], as, AMENDMENTS_PAGE, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = list_json(as, n);
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "amendments", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		amendment_cleanup(&as[i]);
	free(as);
	return e;
}

/* text_member - a string member, or NULL when absent or null; ERR_INVAL
 * (naming it) for another type. */
static enum err text_member(json_t *o, const char *name, const char **out, struct http_response *rs)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return ERR_OK;
	if (!json_is_string(v)) {
		snprintf(rs->message_buf, sizeof rs->message_buf, "%s must be a string", name);
		rs->message = rs->message_buf;
		return ERR_INVAL;
	}
	*out = json_string_value(v);
	return ERR_OK;
}

/* send_one - the request as the answer. */
static enum err send_one(struct http_response *rs, const struct amendment *a, unsigned status)
{
	json_t *o = amendment_json(a);

	if (o == NULL)
		return ERR_NOMEM;
	rs->status = status;
	return api_json_send(rs, o);
}

enum err api_amendment_create(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	static const char *const allowed[] = {"target_type", "target_id", "field",
	                                      "change",      "reason",    NULL};
	struct amendment_input in;
	struct amendment a;
	struct domain_ctx ctx;
	void *root = NULL;
	enum err e;

	memset(&in, 0, sizeof in);
	memset(&a, 0, sizeof a);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_body(rq, rs, &root);
	if (e == ERR_OK)
		e = api_json_keys(root, "body", allowed, rs);
	if (e == ERR_OK)
		e = text_member(root, "target_type", &in.target_type, rs);
	if (e == ERR_OK)
		e = text_member(root, "target_id", &in.target_id, rs);
	if (e == ERR_OK)
		e = text_member(root, "field", &in.field, rs);
	if (e == ERR_OK)
		e = text_member(root, "change", &in.change, rs);
	if (e == ERR_OK)
		e = text_member(root, "reason", &in.reason, rs);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_amendment_request(&ctx, rq->param[0], &in, &a);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/amendments/%s", a.public_id);
		e = send_one(rs, &a, 201);
	}
	amendment_cleanup(&a);
	json_decref(root);
	return e;
}

enum err api_amendment_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct amendment a;
	enum err e;

	memset(&a, 0, sizeof a);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_amendment_get(&ctx, rq->param[0], &a);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_one(rs, &a, 200);
	amendment_cleanup(&a);
	return e;
}

/* The later steps: which one, and the body fields it takes. */
enum step { STEP_EXTEND, STEP_ACCEPT, STEP_DENY, STEP_DISAGREE, STEP_REBUT };

static enum err step(struct app *app, const struct http_request *rq, struct http_response *rs,
                     enum step which)
{
	static const char *const reason_only[] = {"reason", NULL};
	static const char *const text_only[] = {"text", NULL};
	static const char *const deny[] = {"reason", "basis", NULL};
	const char *const *allowed = which == STEP_EXTEND ? reason_only
	                             : which == STEP_DENY ? deny
	                                                  : text_only;
	const char *text = NULL, *basis = NULL;
	struct domain_ctx ctx;
	struct amendment a;
	void *root = NULL;
	enum err e;

	memset(&a, 0, sizeof a);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_body(rq, rs, &root);
	if (e == ERR_OK)
		e = api_json_keys(root, "body", allowed, rs);
	if (e == ERR_OK)
		e = text_member(root, allowed[0], &text, rs);
	if (e == ERR_OK && which == STEP_DENY)
		e = text_member(root, "basis", &basis, rs);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		const char *id = rq->param[0];

		switch (which) {
		case STEP_EXTEND: e = domain_amendment_extend(&ctx, id, text, &a); break;
		case STEP_ACCEPT: e = domain_amendment_accept(&ctx, id, text, &a); break;
		case STEP_DENY: e = domain_amendment_deny(&ctx, id, basis, text, &a); break;
		case STEP_DISAGREE: e = domain_amendment_disagree(&ctx, id, text, &a); break;
		case STEP_REBUT: e = domain_amendment_rebut(&ctx, id, text, &a); break;
		}
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_one(rs, &a, 200);
	amendment_cleanup(&a);
	json_decref(root);
	return e;
}

enum err api_amendment_extend(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	return step(app, rq, rs, STEP_EXTEND);
}

enum err api_amendment_accept(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	return step(app, rq, rs, STEP_ACCEPT);
}

enum err api_amendment_deny(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	return step(app, rq, rs, STEP_DENY);
}

enum err api_amendment_disagree(struct app *app, const struct http_request *rq,
                                struct http_response *rs)
{
	return step(app, rq, rs, STEP_DISAGREE);
}

enum err api_amendment_rebut(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	return step(app, rq, rs, STEP_REBUT);
}

void *api_amendment_to_json(const struct amendment *a)
{
	return amendment_json(a);
}
