/*
 * note_templates.c - note templates over HTTP, and the check of a note's
 * fields against its template (see api/records.h):
 *   GET  /api/v1/note-templates
 *        {"templates": [{"name", "title", "builtin", "retired", "fields": [names],
 *                        "field_specs": [{"name", "label", "max_length"}], ...}]}
 *   POST /api/v1/note-templates  {"name", "title", "fields": [{"name", "label",
 *                                  "max_length"?}]} -> 201
 *   POST /api/v1/note-templates/{name}/retire -> 200
 * Never: decides who may (the routes table and domain/ do), or echoes a
 * value in an error.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/records.h"
#include "core/mem.h"
#include "domain/note_templates.h"
#include "domain/risk.h"

#define TEMPLATES_LIST_MAX (NOTE_TEMPLATES_MAX + 8)

const char api_note_template_unknown[] =
        "template must be soap, dap, birp, intake, discharge or one of the practice's "
        "(GET /api/v1/note-templates)";

/* ---- a note's fields ---------------------------------------------------- */

enum err api_note_fields(void *fields_v, const struct note_template_def *t,
                         struct http_response *rs, char **out, struct note_risk *risk)
{
	json_t *fields = fields_v, *val;
	struct note_risk r = {RISK_NOT_ASSESSED, RISK_NOT_ASSESSED, 0};
	const char *key;

	if (!json_is_object(fields)) {
		rs->message = "fields (an object of the template's fields) is required";
		return ERR_INVAL;
	}
	json_object_foreach(fields, key, val)
	{
		const struct note_field_def *f = domain_note_template_field(t, key);
		int level;

		if (f == NULL) {
			rs->message = "fields has a name this template does not have";
			return ERR_INVAL;
		}
		if (!json_is_string(val) || json_string_length(val) > f->max_length) {
			snprintf(rs->message_buf, sizeof rs->message_buf,
			         "fields.%s must be a string of at most %zu bytes", f->name,
			         f->max_length);
			rs->message = rs->message_buf;
			return ERR_INVAL;
		}
		if (strcmp(key, "risk_suicidal") == 0 || strcmp(key, "risk_homicidal") == 0) {
			level = domain_risk_level_parse(json_string_value(val));
			if (level == -2) {
				snprintf(rs->message_buf, sizeof rs->message_buf,
				         "fields.%s must be denies, passive, active_no_plan, plan, "
				         "intent or empty",
				         key);
				rs->message = rs->message_buf;
				return ERR_INVAL;
			}
			if (key[5] == 's')
				r.suicidal = level;
			else
				r.homicidal = level;
		} else if (strcmp(key, "safety_plan") == 0) {
			const char *p = json_string_value(val);

			while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
				p++;
			r.safety_plan = *p != '\0';
		}
	}
	*out = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (*out == NULL)
		return ERR_NOMEM;
	*risk = r;
	return ERR_OK;
}

/* text_level - a stored free-text risk field: its level, or unstructured. */
static int text_level(json_t *v)
{
	int level;

	if (!json_is_string(v))
		return RISK_NOT_ASSESSED;
	level = domain_risk_level_parse(json_string_value(v));
	return level == -2 ? RISK_UNSTRUCTURED : level;
}

int api_risk_from_text(const char *content, struct note_risk *out)
{
	json_t *o = json_loads(content, JSON_REJECT_DUPLICATES, NULL), *sp;
	const char *p;

	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	out->suicidal = text_level(json_object_get(o, "risk_suicidal"));
	out->homicidal = text_level(json_object_get(o, "risk_homicidal"));
	sp = json_object_get(o, "safety_plan");
	p = json_is_string(sp) ? json_string_value(sp) : "";
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	out->safety_plan = *p != '\0';
	json_decref(o);
	return 1;
}

/* ---- templates ---------------------------------------------------------- */

static json_t *template_json(const struct note_template_def *t)
{
	json_t *names = json_array(), *specs = json_array(), *o;
	size_t i;

	for (i = 0; i < t->nfields; i++) {
		const struct note_field_def *f = &t->fields[i];

		json_array_append_new(names, json_string(f->name));
		json_array_append_new(specs,
		                      json_pack("{s:s,s:s,s:I}", "name", f->name, "label", f->label,
		                                "max_length", (json_int_t)f->max_length));
	}
	o = json_pack("{s:s,s:s,s:b,s:b,s:o,s:o}", "name", t->name, "title", t->title, "builtin",
	              t->builtin, "retired", t->retired, "fields", names, "field_specs", specs);
	if (o != NULL && !t->builtin) {
		json_object_set_new(o, "notes", json_integer((json_int_t)t->notes));
		json_object_set_new(o, "created_at", api_time_json(t->created_at));
	}
	return o;
}

enum err api_note_template_list(struct app *app, const struct http_request *rq,
                                struct http_response *rs)
{
	struct note_template_def *ts;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	ts = mem_calloc_array(TEMPLATES_LIST_MAX, sizeof *ts);
	if (ts == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_template_all(&ctx, ts, TEMPLATES_LIST_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, template_json(&ts[i]));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "templates", arr))
		                : ERR_NOMEM;
	}
	free(ts);
	return e;
}

/* copy_text - a required string member of at most size-1 bytes into out. */
static int copy_text(json_t *o, const char *name, char *out, size_t size)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_string(v) || json_string_length(v) >= size)
		return 0;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 1;
}

/* decode - the body into t; ERR_INVAL naming the member. */
static enum err decode(json_t *root, struct note_template_def *t, struct http_response *rs)
{
	static const char *const field_keys[] = {"name", "label", "max_length", NULL};
	json_t *fields = json_object_get(root, "fields"), *f;
	size_t i;

	if (!copy_text(root, "name", t->name, sizeof t->name)) {
		rs->message = "name is required: at most 15 characters";
		return ERR_INVAL;
	}
	if (!copy_text(root, "title", t->title, sizeof t->title)) {
		rs->message = "title is required: at most 80 characters";
		return ERR_INVAL;
	}
	if (!json_is_array(fields) || json_array_size(fields) == 0 ||
	    json_array_size(fields) > NOTE_FIELDS_MAX - NOTE_RISK_FIELDS) {
		rs->message = "fields must list 1 to 9 fields (the risk fields are added)";
		return ERR_INVAL;
	}
	json_array_foreach(fields, i, f)
	{
		struct note_field_def *d = &t->fields[i];
		json_t *ml;

		if (!json_is_object(f) || api_json_keys(f, "fields[]", field_keys, rs) != ERR_OK) {
			if (!json_is_object(f))
				rs->message =
				        "each of fields is an object {name, label, max_length?}";
			return ERR_INVAL;
		}
		if (!copy_text(f, "name", d->name, sizeof d->name)) {
			rs->message = "fields[].name is required: at most 32 characters";
			return ERR_INVAL;
		}
		if (!copy_text(f, "label", d->label, sizeof d->label)) {
			rs->message = "fields[].label is required: at most 80 characters";
			return ERR_INVAL;
		}
		ml = json_object_get(f, "max_length");
		if (ml != NULL && !json_is_null(ml) &&
		    (!json_is_integer(ml) || json_integer_value(ml) < 1 ||
		     json_integer_value(ml) > NOTE_FIELD_MAX)) {
			rs->message = "fields[].max_length must be an integer from 1 to 20480";
			return ERR_INVAL;
		}
		d->max_length = json_is_integer(ml) ? (size_t)json_integer_value(ml) : 0;
		t->nfields++;
	}
	return ERR_OK;
}

enum err api_note_template_create(struct app *app, const struct http_request *rq,
                                  struct http_response *rs)
{
	static const char *const allowed[] = {"name", "title", "fields", NULL};
	struct note_template_def t;
	struct domain_ctx ctx;
	void *root = NULL;
	enum err e;

	memset(&t, 0, sizeof t);
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	e = decode(root, &t, rs);
	json_decref(root);
	if (e != ERR_OK)
		return e;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_template_create(&ctx, &t);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	rs->status = 201;
	return api_json_send(rs, template_json(&t));
}

enum err api_note_template_retire(struct app *app, const struct http_request *rq,
                                  struct http_response *rs)
{
	struct note_template_def t;
	struct domain_ctx ctx;
	enum err e;

	if (rq->body_len > 0) {
		static const char *const none[] = {NULL};
		void *root = NULL;

		e = api_json_object(rq, rs, none, &root);
		json_decref(root);
		if (e != ERR_OK)
			return e;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_template_retire(&ctx, rq->param[0]);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		if (e == ERR_OK)
			e = domain_note_template_find(&ctx, rq->param[0], &t);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	return api_json_send(rs, template_json(&t));
}
