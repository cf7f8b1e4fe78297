/*
 * retention.c - retention rules over HTTP (see api/retention.h). A rule in
 * JSON: {"code", "adult_years", "majority_age", "minor_years", "note",
 * "default", "updated_at"}. Never: decides or validates ranges (the
 * domain does), beyond the JSON types.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/retention.h"
#include "domain/retention.h"

static json_t *rule_json(const struct retention_rule *r, const char *dflt)
{
	return json_pack("{s:s,s:I,s:I,s:I,s:s,s:b,s:o}", "code", r->code, "adult_years",
	                 (json_int_t)r->adult_years, "majority_age", (json_int_t)r->majority_age,
	                 "minor_years", (json_int_t)r->minor_years, "note", r->note, "default",
	                 strcmp(r->code, dflt) == 0, "updated_at", api_time_json(r->updated_at));
}

enum err api_retention_list(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct retention_rule *rules = calloc(RETENTION_RULES_MAX, sizeof *rules);
	char dflt[RETENTION_CODE_MAX + 1] = "";
	struct domain_ctx ctx;
	json_t *arr, *o;
	size_t n = 0, i;
	enum err e;

	if (rules == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_retention_rules(&ctx, rules, RETENTION_RULES_MAX, &n, dflt);
		api_end(app, &ctx);
	}
	if (e != ERR_OK) {
		free(rules);
		return e;
	}
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, rule_json(&rules[i], dflt));
	free(rules);
	o = arr != NULL ? json_pack("{s:o,s:o}", "default",
	                            dflt[0] ? json_string(dflt) : json_null(), "rules", arr)
	                : NULL;
	return o != NULL ? api_json_send(rs, o) : ERR_NOMEM;
}

/* whole - the integer member name into *out; ERR_INVAL naming it. */
static enum err whole(json_t *root, const char *name, const char *msg, int64_t *out,
                      struct http_response *rs)
{
	json_t *v = json_object_get(root, name);

	if (!json_is_integer(v)) {
		rs->message = msg;
		return ERR_INVAL;
	}
	*out = json_integer_value(v);
	return ERR_OK;
}

enum err api_retention_put(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"adult_years", "majority_age", "minor_years",
	                                      "note",        "default",      NULL};
	struct retention_rule r;
	struct domain_ctx ctx;
	const char *note = NULL;
	void *root = NULL;
	json_t *d, *o;
	int make_default = 0, created = 0, is_default = 0;
	enum err e;

	memset(&r, 0, sizeof r);
	if (strlen(rq->param[0]) > RETENTION_CODE_MAX) {
		rs->message = "code must be an ISO 3166 code such as GB, DE or US-WA";
		return ERR_INVAL;
	}
	snprintf(r.code, sizeof r.code, "%s", rq->param[0]);
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = whole(root, "adult_years", "adult_years (a whole number of years) is required",
		          &r.adult_years, rs);
	if (e == ERR_OK)
		e = whole(root, "majority_age", "majority_age (a whole number) is required",
		          &r.majority_age, rs);
	if (e == ERR_OK)
		e = whole(root, "minor_years", "minor_years (a whole number of years) is required",
		          &r.minor_years, rs);
	if (e == ERR_OK)
		e = api_str_member(root, "note", 0, &note, rs, "note must be a string");
	if (e == ERR_OK && note != NULL && strlen(note) > RETENTION_NOTE_MAX) {
		rs->message = "note must be one line of text, at most 500 characters";
		e = ERR_INVAL;
	}
	if (e == ERR_OK) {
		snprintf(r.note, sizeof r.note, "%s", note ? note : "");
		d = json_object_get(root, "default");
		if (d != NULL && !json_is_boolean(d)) {
			rs->message = "default must be true or false";
			e = ERR_INVAL;
		}
		make_default = json_is_true(d);
	}
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_retention_rule_put(&ctx, &r, make_default, &created, &is_default);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e != ERR_OK)
		return e;
	o = rule_json(&r, is_default ? r.code : "");
	if (o == NULL)
		return ERR_NOMEM;
	rs->status = created ? 201 : 200;
	if (created)
		snprintf(rs->location, sizeof rs->location, "/api/v1/retention-rules/%s", r.code);
	return api_json_send(rs, o);
}

enum err api_retention_delete(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (strlen(rq->param[0]) > RETENTION_CODE_MAX)
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_retention_rule_delete(&ctx, rq->param[0]);
	if (e == ERR_CONFLICT)
		rs->message = ctx.message;
	api_end(app, &ctx);
	if (e == ERR_OK)
		rs->status = 204;
	return e;
}
