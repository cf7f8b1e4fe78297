/*
 * erasure.c - erasure requests, legal holds and restriction over HTTP (see
 * api/erasure.h). An erasure answers with what happened: "done", or
 * "scheduled" with the date it becomes possible (not_before) and why
 * (blocked_by: "retention", "legal_hold"). A hold's reason is PHI-capable:
 * bodies are wiped when freed (api_json_init). Never: decides anything.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/erasure.h"
#include "core/mem.h"
#include "domain/erasure.h"

/* retention_message - why a scheduled request waits, naming the date and
 * the rule (a jurisdiction's code and its years: no PHI). */
static void retention_message(const struct erasure_request *r, const struct retention *ret,
                              char *out, size_t size)
{
	struct tm tm;
	time_t t = (time_t)ret->retain_until;
	char date[16] = "";
	char rule[160];

	if (gmtime_r(&t, &tm) == NULL || strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
		snprintf(date, sizeof date, "not_before");
	if (strcmp(ret->rule, "minor") == 0)
		snprintf(rule, sizeof rule,
		         "the retention rule of %s (a minor at last contact: %lld years after "
		         "turning %lld)",
		         ret->jurisdiction[0] ? ret->jurisdiction : "the practice",
		         (long long)ret->minor_years, (long long)ret->majority_age);
	else
		snprintf(rule, sizeof rule,
		         "the retention rule of %s (%lld years after the last contact)",
		         ret->jurisdiction[0] ? ret->jurisdiction : "the practice",
		         (long long)ret->adult_years);
	if (strstr(r->blocked_by, "legal_hold") != NULL)
		snprintf(out, size,
		         "A legal hold applies: the record is erased once every hold is released "
		         "(and the retention date, %s under %s, has passed).",
		         date, rule);
	else
		snprintf(out, size,
		         "The practice must keep this record until %s under %s; it will be erased "
		         "then.",
		         date, rule);
}

/* request_json - one erasure request; ret (may be NULL) adds the rule. */
static json_t *request_json(const struct erasure_request *r, const struct retention *ret)
{
	json_t *o = json_object(), *why = json_array();
	char list[ERASURE_BLOCKED_MAX], *tok, *save = NULL;

	if (o == NULL || why == NULL) {
		json_decref(o);
		json_decref(why);
		return NULL;
	}
	memcpy(list, r->blocked_by, sizeof list);
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(why, json_string(tok));
	json_object_set_new(o, "id", json_string(r->public_id));
	json_object_set_new(o, "client", json_string(r->client_public_id));
	json_object_set_new(o, "basis", json_string(r->basis));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "requested_by", json_string(r->requested_by));
	json_object_set_new(o, "requested_via", json_string(r->requested_via));
	json_object_set_new(o, "requested_at", api_time_json(r->requested_at));
	json_object_set_new(o, "blocked_by", why);
	json_object_set_new(o, "not_before",
	                    r->not_before > 0 && strcmp(r->status, "scheduled") == 0
	                            ? api_time_json(r->not_before)
	                            : json_null());
	json_object_set_new(o, "done_at", r->done_at ? api_time_json(r->done_at) : json_null());
	if (ret != NULL && strcmp(r->status, "scheduled") == 0) {
		char text[320];

		retention_message(r, ret, text, sizeof text);
		json_object_set_new(o, "retention",
		                    json_pack("{s:s,s:o,s:I,s:I,s:I,s:o,s:o,s:I}", "rule",
		                              ret->rule, "jurisdiction",
		                              ret->jurisdiction[0] ? json_string(ret->jurisdiction)
		                                                   : json_null(),
		                              "adult_years", (json_int_t)ret->adult_years,
		                              "majority_age", (json_int_t)ret->majority_age,
		                              "minor_years", (json_int_t)ret->minor_years,
		                              "last_contact", api_time_json(ret->last_contact),
		                              "retain_until", api_time_json(ret->retain_until),
		                              "active_holds", (json_int_t)ret->holds));
		json_object_set_new(o, "message", json_string(text));
	}
	return o;
}

static enum err send_request(struct http_response *rs, const struct erasure_request *r,
                             const struct retention *ret, unsigned status)
{
	json_t *o = request_json(r, ret);

	if (o == NULL)
		return ERR_NOMEM;
	rs->status = status;
	return api_json_send(rs, o);
}

enum err api_erasure_request(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	static const char *const allowed[] = {"basis", NULL};
	struct erasure_request r;
	struct retention ret;
	struct domain_ctx ctx;
	const char *basis = NULL;
	void *root = NULL;
	enum err e;

	memset(&r, 0, sizeof r);
	memset(&ret, 0, sizeof ret);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = api_str_member(root, "basis", 0, &basis, rs, "basis must be a string");
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_erasure_request(&ctx, rq->param[0], basis ? basis : "gdpr-17", &r, &ret);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/erasure-requests/%s",
		         r.public_id);
		e = send_request(rs, &r, &ret, 201);
	}
	json_decref(root);
	return e;
}

enum err api_erasure_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct erasure_request r;
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_erasure_get(&ctx, rq->param[0], &r);
	api_end(app, &ctx);
	return e == ERR_OK ? send_request(rs, &r, NULL, 200) : e;
}

enum err api_erasure_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct erasure_request *reqs = calloc(ERASURE_LIST_MAX, sizeof *reqs);
	struct domain_ctx ctx;
	json_t *arr;
	size_t n = 0, i;
	enum err e;

	if (reqs == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_erasure_list(&ctx, 0, reqs, ERASURE_LIST_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, request_json(&reqs[i], NULL));
		e = arr ? api_json_send(rs, json_pack("{s:o}", "requests", arr)) : ERR_NOMEM;
	}
	free(reqs);
	return e;
}

/* one_text - the single required string member `name` of the body. */
static enum err one_text(const struct http_request *rq, struct http_response *rs, const char *name,
                         const char *message, void **root, const char **out)
{
	const char *allowed[] = {name, NULL};
	enum err e = api_json_object(rq, rs, allowed, root);

	if (e == ERR_OK)
		e = api_str_member(*root, name, 1, out, rs, message);
	return e;
}

enum err api_hold_set(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	const char *reason = NULL;
	char id[33];
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = one_text(rq, rs, "reason", "reason is required (why the record must be kept)", &root,
	             &reason);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_hold_set(&ctx, rq->param[0], reason, id);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		rs->status = 201;
		e = api_json_send(rs, json_pack("{s:s,s:s,s:b}", "id", id, "client", rq->param[0],
		                                "active", 1));
	}
	json_decref(root);
	return e;
}

enum err api_hold_release(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	const char *reason = NULL;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = one_text(rq, rs, "reason", "reason is required (why the hold ends)", &root, &reason);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_hold_release(&ctx, rq->param[0], reason);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		else if (e == ERR_CONFLICT)
			rs->message = "the hold was released already";
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = api_json_send(rs, json_pack("{s:s,s:b}", "id", rq->param[0], "active", 0));
	json_decref(root);
	return e;
}

enum err api_hold_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct legal_hold *hs = calloc(HOLDS_PER_CLIENT_MAX, sizeof *hs);
	struct domain_ctx ctx;
	json_t *arr = NULL;
	size_t n = 0, i;
	enum err e;

	if (hs == NULL)
		return ERR_NOMEM;
	if (!api_public_id_ok(rq->param[0])) {
		free(hs);
		return ERR_NOTFOUND;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_hold_list(&ctx, rq->param[0], hs, HOLDS_PER_CLIENT_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		arr = json_array();
	for (i = 0; arr != NULL && i < n; i++) {
		const struct legal_hold *h = &hs[i];

		json_array_append_new(
		        arr, json_pack("{s:s,s:s,s:b,s:s,s:o,s:s,s:o,s:o,s:o}", "id", h->public_id,
		                       "client", h->client_public_id, "active", h->released_at == 0,
		                       "set_by", h->set_by, "set_at", api_time_json(h->set_at),
		                       "reason", h->reason ? h->reason : "", "released_by",
		                       h->released_at ? json_string(h->released_by) : json_null(),
		                       "released_at",
		                       h->released_at ? api_time_json(h->released_at) : json_null(),
		                       "release_reason",
		                       h->release_reason ? json_string(h->release_reason)
		                                         : json_null()));
	}
	if (e == ERR_OK)
		e = arr ? api_json_send(rs, json_pack("{s:o}", "holds", arr)) : ERR_NOMEM;
	for (i = 0; i < n; i++)
		legal_hold_cleanup(&hs[i]);
	free(hs);
	return e;
}

enum err api_restriction_set(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct domain_ctx ctx;
	const char *basis = NULL;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = one_text(rq, rs, "basis",
	             "basis is required: accuracy, unlawful, legal-claims or objection", &root,
	             &basis);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_restriction_set(&ctx, rq->param[0], basis);
		if (e == ERR_INVAL || e == ERR_CONFLICT)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = api_json_send(rs, json_pack("{s:s,s:b,s:s}", "client", rq->param[0],
		                                "restricted", 1, "basis", basis));
	json_decref(root);
	return e;
}

enum err api_restriction_lift(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_restriction_lift(&ctx, rq->param[0]);
	if (e == ERR_CONFLICT)
		rs->message = ctx.message;
	api_end(app, &ctx);
	if (e == ERR_OK)
		e = api_json_send(rs,
		                  json_pack("{s:s,s:b}", "client", rq->param[0], "restricted", 0));
	return e;
}
