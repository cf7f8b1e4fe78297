/*
 * breach.c - breach records and notification letters over HTTP (see
 * api/erasure.h). POST /api/v1/breaches takes {discovered_at, description,
 * info_types, consequences, steps, actions, contact, actor?, session?,
 * source?, from?, to?} (times as ISO 8601 or unix seconds); records answer
 * with their deadlines. Letters are PHI (names and addresses): sent as
 * text/plain or text/html from a wiping buffer, never logged. Never:
 * decides who may do this (domain/breach.c does).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/erasure.h"
#include "domain/audit_report.h"
#include "domain/breach.h"

/* breach_json - a record with its deadlines. */
static json_t *breach_json(const struct breach *b)
{
	struct breach_deadlines d;

	domain_breach_deadlines(b, &d);
	return json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:s,s:o,s:o}",
	                 "id", b->public_id, "discovered_at", api_time_json(b->discovered_at),
	                 "description", b->description, "info_types", b->info_types, "consequences",
	                 b->consequences, "steps", b->steps, "actions", b->actions, "contact",
	                 b->contact, "actor", b->actor[0] ? json_string(b->actor) : json_null(),
	                 "session", b->session[0] ? json_string(b->session) : json_null(), "source",
	                 b->source[0] ? json_string(b->source) : json_null(), "from",
	                 b->window_from ? api_time_json(b->window_from) : json_null(), "to",
	                 b->window_to ? api_time_json(b->window_to) : json_null(), "affected",
	                 (json_int_t)b->affected, "created_by", b->created_by, "created_at",
	                 api_time_json(b->created_at), "deadlines",
	                 json_pack("{s:o,s:o,s:o,s:o}", "individuals", api_time_json(d.individuals),
	                           "hhs", api_time_json(d.hhs), "media",
	                           d.media ? api_time_json(d.media) : json_null(),
	                           "supervisory_authority", api_time_json(d.authority)));
}

/* copy_text - member name into out (size bytes); ERR_INVAL naming it when
 * required and missing, not a string, or too long. */
static enum err copy_text(json_t *o, const char *name, int required, char *out, size_t size,
                          struct http_response *rs)
{
	json_t *v = json_object_get(o, name);

	out[0] = '\0';
	if ((v == NULL || json_is_null(v)) && !required)
		return ERR_OK;
	if (v == NULL || !json_is_string(v) || json_string_length(v) >= size ||
	    (required && json_string_length(v) == 0)) {
		snprintf(rs->message_buf, sizeof rs->message_buf,
		         "%s must be %stext of at most %zu characters", name,
		         required ? "non-empty " : "", size - 1);
		rs->message = rs->message_buf;
		return ERR_INVAL;
	}
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return ERR_OK;
}

/* time_member - an ISO 8601 or unix-seconds time; 0 when absent. */
static enum err time_member(json_t *o, const char *name, int required, int64_t *out,
                            struct http_response *rs)
{
	json_t *v = json_object_get(o, name);

	*out = 0;
	if ((v == NULL || json_is_null(v)) && !required)
		return ERR_OK;
	if (v != NULL && json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (int64_t)json_integer_value(v);
		return ERR_OK;
	}
	if (v == NULL || !json_is_string(v) ||
	    domain_time_parse(json_string_value(v), out) != ERR_OK) {
		snprintf(rs->message_buf, sizeof rs->message_buf,
		         "%s must be a time (ISO 8601, e.g. 2026-03-01T09:30Z, or unix seconds)",
		         name);
		rs->message = rs->message_buf;
		return ERR_INVAL;
	}
	return ERR_OK;
}

enum err api_breach_record(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {
	        "discovered_at", "description", "info_types", "consequences", "steps",
	        "actions",       "contact",     "actor",      "session",      "source",
	        "from",          "to",          NULL};
	struct breach *b = calloc(1, sizeof *b);
	struct domain_ctx ctx;
	void *root = NULL;
	json_t *o;
	enum err e;

	if (b == NULL)
		return ERR_NOMEM;
	e = api_json_object(rq, rs, allowed, &root);
	o = root;
	if (e == ERR_OK)
		e = time_member(o, "discovered_at", 1, &b->discovered_at, rs);
	if (e == ERR_OK)
		e = copy_text(o, "description", 1, b->description, sizeof b->description, rs);
	if (e == ERR_OK)
		e = copy_text(o, "info_types", 1, b->info_types, sizeof b->info_types, rs);
	if (e == ERR_OK)
		e = copy_text(o, "consequences", 1, b->consequences, sizeof b->consequences, rs);
	if (e == ERR_OK)
		e = copy_text(o, "steps", 1, b->steps, sizeof b->steps, rs);
	if (e == ERR_OK)
		e = copy_text(o, "actions", 1, b->actions, sizeof b->actions, rs);
	if (e == ERR_OK)
		e = copy_text(o, "contact", 1, b->contact, sizeof b->contact, rs);
	if (e == ERR_OK)
		e = copy_text(o, "actor", 0, b->actor, sizeof b->actor, rs);
	if (e == ERR_OK)
		e = copy_text(o, "session", 0, b->session, sizeof b->session, rs);
	if (e == ERR_OK)
		e = copy_text(o, "source", 0, b->source, sizeof b->source, rs);
	if (e == ERR_OK)
		e = time_member(o, "from", 0, &b->window_from, rs);
	if (e == ERR_OK)
		e = time_member(o, "to", 0, &b->window_to, rs);
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_breach_record(&ctx, b);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		json_t *out = breach_json(b);

		rs->status = 201;
		e = out ? api_json_send(rs, out) : ERR_NOMEM;
	}
	json_decref(root);
	free(b);
	return e;
}

enum err api_breach_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct breach *bs = calloc(BREACH_LIST_MAX, sizeof *bs);
	struct domain_ctx ctx;
	json_t *arr;
	size_t n = 0, i;
	enum err e;

	if (bs == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_breach_list(&ctx, bs, BREACH_LIST_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, breach_json(&bs[i]));
		e = arr ? api_json_send(rs, json_pack("{s:o}", "breaches", arr)) : ERR_NOMEM;
	}
	free(bs);
	return e;
}

enum err api_breach_letters(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	const char *fmt = http_request_query(rq, "format");
	struct domain_ctx ctx;
	struct buf out;
	size_t letters = 0, erased = 0;
	int html;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (fmt != NULL && strcmp(fmt, "text") != 0 && strcmp(fmt, "html") != 0) {
		rs->message = "format must be text or html";
		return ERR_INVAL;
	}
	html = fmt != NULL && strcmp(fmt, "html") == 0;
	buf_init(&out, BREACH_LETTERS_MAX, 1);
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_breach_letters(&ctx, rq->param[0], html, &out, &letters, &erased);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		rs->content_type = html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
		e = buf_append(&rs->body, out.data ? out.data : "", out.len);
	}
	buf_cleanup(&out);
	return e;
}
