/*
 * chart.c - the chart beyond demographics over HTTP (see api/chart.h):
 *   GET    /api/v1/clients/{id}/history   {"client", "versions": [{at, by, action,
 *                                          object: {type, id}, changed: [...],
 *                                          values: {...}, previous: {...}}]}
 *   GET    /api/v1/notes/{id}/history     {"note", "client", "versions": [{version,
 *                                          saved_at, saved_by, date, changed, content}]}
 *   GET    /api/v1/clients/{id}/guardians {"guardians": [...]}
 *   POST   /api/v1/clients/{id}/guardians {name, relationship?, phone?, email?, scopes?}
 *   PATCH  /api/v1/guardians/{id}         {version, name?, relationship?, phone?,
 *                                          email?, scopes?}
 *   DELETE /api/v1/guardians/{id}         204
 *   GET    /api/v1/clients/{id}/care-team {"clinicians": [{id, name, role, primary}],
 *                                          "primary": id or null}
 * Bodies carry PHI: jansson wipes them when freed (api_json_init).
 */
#include "api/chart.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jw.h"
#include "core/mem.h"
#include "domain/chart.h"

static json_t *str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* ---- contact routes --------------------------------------------------- */

void api_contact_routes_write(struct jw *w, const struct client *c)
{
	unsigned ch;

	jw_object_begin(w);
	for (ch = 0; ch < CONTACT__COUNT; ch++) {
		struct contact_route r;

		if (domain_client_contact_route(c, (enum contact_channel)ch, &r) != ERR_OK)
			continue;
		jw_kobject_begin(w, domain_contact_channel_name((enum contact_channel)ch));
		jw_kbool(w, "allowed", r.allowed);
		jw_kstring(w, "to", r.to);
		jw_kbool(w, "confidential", r.confidential);
		jw_kstring(w, "reason", r.reason);
		jw_object_end(w);
	}
	jw_object_end(w);
}

/* ---- history ------------------------------------------------------------- */

/* value_json - a history value as the client JSON shows it: flags as
 * booleans, everything else as a string; NULL as null. */
static json_t *value_json(const char *field, const char *v)
{
	unsigned i;

	if (v == NULL)
		return json_null();
	for (i = 0; i < client_field_count; i++)
		if (client_fields[i].kind == CLIENT_FIELD_FLAG &&
		    strcmp(client_fields[i].name, field) == 0)
			return json_boolean(strcmp(v, "1") == 0);
	return json_string(v);
}

static json_t *entry_json(const struct chart_entry *en)
{
	json_t *changed = json_array(), *values = json_object(), *previous = json_object();
	size_t i;

	for (i = 0; i < en->n; i++) {
		json_array_append_new(changed, json_string(en->field[i]));
		json_object_set_new(values, en->field[i], value_json(en->field[i], en->value[i]));
		json_object_set_new(previous, en->field[i],
		                    value_json(en->field[i], en->before[i]));
	}
	return json_pack("{s:o,s:o,s:s,s:{s:s,s:s},s:o,s:o,s:o}", "at", api_time_json(en->row.at),
	                 "by", en->row.actor[0] ? json_string(en->row.actor) : json_null(),
	                 "action", en->row.action, "object", "type", en->row.object_type, "id",
	                 en->row.object_id, "changed", changed, "values", values, "previous",
	                 previous);
}

enum err api_client_history(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct domain_ctx ctx;
	struct chart_entry *es;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	es = mem_calloc_array(CHART_HISTORY_MAX, sizeof *es);
	if (es == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_client_history(&ctx, rq->param[0], es, CHART_HISTORY_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, entry_json(&es[i]));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:s,s:o}", "client", rq->param[0],
		                                              "versions", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		chart_entry_cleanup(&es[i]);
	free(es);
	return e;
}

/* changed_fields - the names of the note's fields that differ between two
 * versions (all of cur's for the first), and "date" if it moved. */
static json_t *changed_fields(json_t *prev, json_t *cur, const char *prev_date,
                              const char *cur_date)
{
	json_t *arr = json_array(), *v;
	const char *key;

	if (prev_date == NULL || strcmp(prev_date, cur_date) != 0)
		json_array_append_new(arr, json_string("date"));
	json_object_foreach(cur, key, v)
	{
		json_t *was = prev != NULL ? json_object_get(prev, key) : NULL;

		if (was == NULL || !json_equal(was, v))
			json_array_append_new(arr, json_string(key));
	}
	json_object_foreach(prev, key, v)
	{
		if (json_object_get(cur, key) == NULL)
			json_array_append_new(arr, json_string(key));
	}
	return arr;
}

enum err api_note_history(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct note_version *vs;
	struct note head;
	json_t *arr = NULL, *prev = NULL;
	size_t n = 0, i;
	enum err e;

	memset(&head, 0, sizeof head);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	vs = mem_calloc_array(NOTE_HISTORY_MAX, sizeof *vs);
	if (vs == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_history(&ctx, rq->param[0], &head, vs, NOTE_HISTORY_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++) {
			json_t *cur = json_loads(vs[i].content, JSON_REJECT_DUPLICATES, NULL);

			if (!json_is_object(cur)) {
				json_decref(cur);
				cur = json_object();
			}
			json_array_append_new(
			        arr,
			        json_pack("{s:I,s:o,s:s,s:s,s:o,s:O}", "version",
			                  (json_int_t)vs[i].version, "saved_at",
			                  api_time_json(vs[i].at), "saved_by", vs[i].actor, "date",
			                  vs[i].date, "changed",
			                  changed_fields(prev, cur, i > 0 ? vs[i - 1].date : NULL,
			                                 vs[i].date),
			                  "content", cur));
			json_decref(prev);
			prev = cur;
		}
		json_decref(prev);
		e = arr != NULL
		            ? api_json_send(rs, json_pack("{s:s,s:s,s:o}", "note", head.public_id,
		                                          "client", head.client_public_id,
		                                          "versions", arr))
		            : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		note_version_cleanup(&vs[i]);
	free(vs);
	note_cleanup(&head);
	return e;
}

/* ---- guardians ------------------------------------------------------------ */

static json_t *guardian_json(const struct guardian *g)
{
	json_t *scopes = json_array();
	unsigned bit;

	for (bit = 1; bit <= GUARDIAN_SCOPES_ALL; bit <<= 1)
		if (g->scopes & bit)
			json_array_append_new(scopes, json_string(domain_guardian_scope_name(bit)));
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I,s:o,s:o}", "id", g->public_id, "client",
	                 g->client_public_id, "name", g->name ? g->name : "", "relationship",
	                 str_or_null(g->relationship), "phone", str_or_null(g->phone), "email",
	                 str_or_null(g->email), "scopes", scopes, "version", (json_int_t)g->version,
	                 "created_at", api_time_json(g->created_at), "updated_at",
	                 api_time_json(g->updated_at));
}

static enum err send_guardian(struct http_response *rs, const struct guardian *g, unsigned status)
{
	json_t *o = guardian_json(g);

	if (o == NULL)
		return ERR_NOMEM;
	rs->status = status;
	return api_json_send(rs, o);
}

/* text_member - a member present as a string (copied), null or "" (NULL);
 * absent leaves *out alone. ERR_INVAL for another type. */
static enum err text_member(json_t *o, const char *name, char **out)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL)
		return ERR_OK;
	if (!json_is_string(v) && !json_is_null(v))
		return ERR_INVAL;
	mem_free_wiped_str(*out);
	*out = NULL;
	if (json_is_string(v) && json_string_length(v) > 0) {
		*out = mem_strdup(json_string_value(v));
		if (*out == NULL)
			return ERR_NOMEM;
	}
	return ERR_OK;
}

/* decode_guardian - the members present in o into g. */
static enum err decode_guardian(json_t *o, struct guardian *g, struct http_response *rs)
{
	static const char *const names[] = {"name", "relationship", "phone", "email"};
	char **fields[] = {&g->name, &g->relationship, &g->phone, &g->email};
	json_t *sc = json_object_get(o, "scopes"), *v;
	unsigned i;
	size_t k;
	enum err e;

	for (i = 0; i < 4; i++) {
		e = text_member(o, names[i], fields[i]);
		if (e == ERR_INVAL)
			rs->message = "name, relationship, phone and email must be strings or null";
		if (e != ERR_OK)
			return e;
	}
	if (sc == NULL)
		return ERR_OK;
	if (!json_is_array(sc)) {
		rs->message = "scopes must be a list of scheduling, billing, records";
		return ERR_INVAL;
	}
	g->scopes = 0;
	json_array_foreach(sc, k, v)
	{
		unsigned bit =
		        json_is_string(v) ? domain_guardian_scope_parse(json_string_value(v)) : 0;

		if (bit == 0) {
			rs->message = "scopes must be a list of scheduling, billing, records";
			return ERR_INVAL;
		}
		g->scopes |= bit;
	}
	return ERR_OK;
}

enum err api_guardian_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct guardian gs[GUARDIANS_PER_CLIENT_MAX];
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_guardian_list(&ctx, rq->param[0], gs, GUARDIANS_PER_CLIENT_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, guardian_json(&gs[i]));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "guardians", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		guardian_cleanup(&gs[i]);
	return e;
}

enum err api_guardian_add(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"name",  "relationship", "phone",
	                                      "email", "scopes",       NULL};
	struct domain_ctx ctx;
	struct guardian g;
	void *root = NULL;
	enum err e;

	memset(&g, 0, sizeof g);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = decode_guardian(root, &g, rs);
	json_decref(root);
	if (e == ERR_OK) {
		e = api_begin(app, rq, &ctx);
		if (e == ERR_OK) {
			e = domain_guardian_add(&ctx, rq->param[0], &g);
			if (e != ERR_OK && ctx.message != NULL)
				rs->message = ctx.message;
			api_end(app, &ctx);
		}
	}
	if (e == ERR_OK) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/guardians/%s", g.public_id);
		e = send_guardian(rs, &g, 201);
	}
	guardian_cleanup(&g);
	return e;
}

enum err api_guardian_update(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	static const char *const allowed[] = {"version", "name", "relationship", "phone", "email",
	                                      "scopes",  NULL};
	struct domain_ctx ctx;
	struct guardian g;
	void *root = NULL;
	json_t *ver;
	enum err e;

	memset(&g, 0, sizeof g);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	ver = json_object_get(root, "version");
	if (!json_is_integer(ver)) {
		json_decref(root);
		rs->message = "version (an integer) is required";
		return ERR_INVAL;
	}
	e = decode_guardian(root, &g, rs);
	if (e == ERR_OK) {
		static const char *const names[] = {"name", "relationship", "phone", "email",
		                                    "scopes"};
		unsigned present = 0, i;

		for (i = 0; i < 5; i++)
			if (json_object_get(root, names[i]) != NULL)
				present |= 1u << i;
		snprintf(g.public_id, sizeof g.public_id, "%s", rq->param[0]);
		g.version = json_integer_value(ver);
		e = api_begin(app, rq, &ctx);
		if (e == ERR_OK) {
			e = domain_guardian_update(&ctx, &g, present);
			if (e != ERR_OK && ctx.message != NULL)
				rs->message = ctx.message;
			api_end(app, &ctx);
		}
	}
	json_decref(root);
	if (e == ERR_OK)
		e = send_guardian(rs, &g, 200);
	guardian_cleanup(&g);
	return e;
}

enum err api_guardian_remove(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_guardian_remove(&ctx, rq->param[0]);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		rs->status = 204;
	return e;
}

/* ---- care team ----------------------------------------------------------------- */

enum err api_care_team_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct care_member ms[CARE_TEAM_SHOWN_MAX];
	struct domain_ctx ctx;
	char primary[33] = "";
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_care_team_list(&ctx, rq->param[0], ms, CARE_TEAM_SHOWN_MAX, &n, primary);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr,
		                      json_pack("{s:s,s:s,s:s,s:b}", "id", ms[i].public_id, "name",
		                                ms[i].name, "role", ms[i].role, "primary",
		                                strcmp(ms[i].public_id, primary) == 0));
	if (arr == NULL)
		return ERR_NOMEM;
	return api_json_send(rs, json_pack("{s:o,s:o}", "clinicians", arr, "primary",
	                                   primary[0] ? json_string(primary) : json_null()));
}
