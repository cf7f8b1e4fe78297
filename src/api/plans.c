/*
 * plans.c - treatment plans over HTTP (routes in api/plans.h). A plan
 * body is {"title", "start_date"?, "review_date", "problems": [{"problem",
 * "goals": [{"goal", "target_date"?, "objectives": [{"what", "measure",
 * "target", "target_date"?}], "interventions": [{"what", "frequency"?}]}]}]}
 * (PUT adds "version": the version it is based on). Every level refuses
 * fields it does not know, naming them. The document is stored as
 * canonical JSON (sorted keys, compact) made from the decoded parts; the
 * domain checks the rules and renders the text a client signs, returned
 * as "text" with its SHA-256.
 * Never: echoes a value in an error; decides access.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/plans.h"
#include "core/mem.h"
#include "domain/plans.h"

/* ---- decoding ----------------------------------------------------------- */

/* fail - a message naming a field (a path, never a value). */
static enum err fail(struct http_response *rs, const char *where, const char *name,
                     const char *what)
{
	snprintf(rs->message_buf, sizeof rs->message_buf, "%s%s %s", where, name, what);
	rs->message = rs->message_buf;
	return ERR_INVAL;
}

/* str - a string member (NULL when absent or null). */
static enum err str(json_t *o, const char *name, const char *where, const char **out,
                    struct http_response *rs)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return ERR_OK;
	if (!json_is_string(v))
		return fail(rs, where, name, "must be a string");
	*out = json_string_value(v);
	return ERR_OK;
}

/* list - an array member of objects, at most max (NULL when absent); each
 * element's keys checked against allowed. */
static enum err list(json_t *o, const char *name, const char *where, size_t max,
                     const char *const *allowed, json_t **out, struct http_response *rs)
{
	char inner[64];
	json_t *v = json_object_get(o, name), *el;
	size_t i;
	enum err e;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return ERR_OK;
	if (!json_is_array(v))
		return fail(rs, where, name, "must be an array of objects");
	if (json_array_size(v) > max) {
		snprintf(inner, sizeof inner, "has at most %zu items", max);
		return fail(rs, where, name, inner);
	}
	snprintf(inner, sizeof inner, "%s%s[]", where, name);
	json_array_foreach(v, i, el)
	{
		if (!json_is_object(el))
			return fail(rs, where, name, "must be an array of objects");
		e = api_json_keys(el, inner, allowed, rs);
		if (e != ERR_OK)
			return e;
	}
	*out = v;
	return ERR_OK;
}

static enum err decode_goal(json_t *o, struct plan_goal *g, struct http_response *rs)
{
	static const char *const ok_obj[] = {"what", "measure", "target", "target_date", NULL};
	static const char *const ok_int[] = {"what", "frequency", NULL};
	static const char W[] = "problems[].goals[].";
	static const char WO[] = "problems[].goals[].objectives[].";
	static const char WI[] = "problems[].goals[].interventions[].";
	json_t *objs, *ints, *el;
	size_t i;
	enum err e;

	e = str(o, "goal", W, &g->goal, rs);
	if (e == ERR_OK)
		e = str(o, "target_date", W, &g->target_date, rs);
	if (e == ERR_OK)
		e = list(o, "objectives", W, PLAN_OBJECTIVES_MAX, ok_obj, &objs, rs);
	if (e == ERR_OK)
		e = list(o, "interventions", W, PLAN_INTERVENTIONS_MAX, ok_int, &ints, rs);
	json_array_foreach(objs, i, el)
	{
		struct plan_objective *ob = &g->objectives[i];

		if (e == ERR_OK)
			e = str(el, "what", WO, &ob->what, rs);
		if (e == ERR_OK)
			e = str(el, "measure", WO, &ob->measure, rs);
		if (e == ERR_OK)
			e = str(el, "target", WO, &ob->target, rs);
		if (e == ERR_OK)
			e = str(el, "target_date", WO, &ob->target_date, rs);
		g->nobjectives = i + 1;
	}
	json_array_foreach(ints, i, el)
	{
		if (e == ERR_OK)
			e = str(el, "what", WI, &g->interventions[i].what, rs);
		if (e == ERR_OK)
			e = str(el, "frequency", WI, &g->interventions[i].frequency, rs);
		g->ninterventions = i + 1;
	}
	return e;
}

/* decode_plan - the plan document of root (whose keys, besides the plan's,
 * may be those in extra). */
static enum err decode_plan(json_t *root, const char *extra, struct plan_doc *d,
                            struct http_response *rs)
{
	static const char *const ok_prob[] = {"problem", "goals", NULL};
	static const char *const ok_goal[] = {"goal", "target_date", "objectives", "interventions",
	                                      NULL};
	const char *const top[] = {"title", "start_date", "review_date", "problems", extra, NULL};
	json_t *probs, *goals, *p, *g;
	size_t i, j;
	enum err e;

	e = api_json_keys(root, "body", top, rs);
	if (e == ERR_OK)
		e = str(root, "title", "", &d->title, rs);
	if (e == ERR_OK)
		e = str(root, "start_date", "", &d->start_date, rs);
	if (e == ERR_OK)
		e = str(root, "review_date", "", &d->review_date, rs);
	if (e == ERR_OK)
		e = list(root, "problems", "", PLAN_PROBLEMS_MAX, ok_prob, &probs, rs);
	json_array_foreach(probs, i, p)
	{
		if (e == ERR_OK)
			e = str(p, "problem", "problems[].", &d->problems[i].problem, rs);
		if (e == ERR_OK)
			e = list(p, "goals", "problems[].", PLAN_GOALS_MAX, ok_goal, &goals, rs);
		json_array_foreach(goals, j, g)
		{
			if (e == ERR_OK)
				e = decode_goal(g, &d->problems[i].goals[j], rs);
			d->problems[i].ngoals = j + 1;
		}
		d->nproblems = i + 1;
	}
	return e;
}

/* ---- encoding ----------------------------------------------------------- */

/* put - set key to string s unless s is NULL. */
static void put(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

/* doc_json - the canonical JSON object of d. */
static json_t *doc_json(const struct plan_doc *d)
{
	json_t *o = json_object(), *probs = json_array();
	size_t i, j, k;

	put(o, "title", d->title);
	put(o, "start_date", d->start_date);
	put(o, "review_date", d->review_date);
	for (i = 0; i < d->nproblems; i++) {
		const struct plan_problem *p = &d->problems[i];
		json_t *po = json_object(), *goals = json_array();

		put(po, "problem", p->problem);
		for (j = 0; j < p->ngoals; j++) {
			const struct plan_goal *g = &p->goals[j];
			json_t *go = json_object(), *objs = json_array(), *ints = json_array();

			put(go, "goal", g->goal);
			put(go, "target_date", g->target_date);
			for (k = 0; k < g->nobjectives; k++) {
				json_t *ob = json_object();

				put(ob, "what", g->objectives[k].what);
				put(ob, "measure", g->objectives[k].measure);
				put(ob, "target", g->objectives[k].target);
				put(ob, "target_date", g->objectives[k].target_date);
				json_array_append_new(objs, ob);
			}
			for (k = 0; k < g->ninterventions; k++) {
				json_t *iv = json_object();

				put(iv, "what", g->interventions[k].what);
				put(iv, "frequency", g->interventions[k].frequency);
				json_array_append_new(ints, iv);
			}
			json_object_set_new(go, "objectives", objs);
			json_object_set_new(go, "interventions", ints);
			json_array_append_new(goals, go);
		}
		json_object_set_new(po, "goals", goals);
		json_array_append_new(probs, po);
	}
	json_object_set_new(o, "problems", probs);
	return o;
}

static json_t *hex32(const unsigned char h[32])
{
	static const char digits[] = "0123456789abcdef";
	char s[65];
	unsigned i;

	for (i = 0; i < 32; i++) {
		s[2 * i] = digits[h[i] >> 4];
		s[2 * i + 1] = digits[h[i] & 15];
	}
	s[64] = '\0';
	return json_string(s);
}

/* unhex32 - 64 hex digits into out; ERR_INVAL otherwise. */
static enum err unhex32(const char *s, unsigned char out[32])
{
	size_t i;

	if (strlen(s) != 64)
		return ERR_INVAL;
	for (i = 0; i < 64; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return ERR_INVAL;
		out[i / 2] = (unsigned char)(i % 2 ? out[i / 2] | v : v << 4);
	}
	return ERR_OK;
}

/* signature_json - the signature of p, or null. */
static json_t *signature_json(const struct plan_version *p)
{
	if (p->signed_at == 0)
		return json_null();
	return json_pack("{s:s?,s:o,s:s,s:s,s:o}", "name", p->signer_name, "signed_at",
	                 api_time_json(p->signed_at), "method", p->signed_method, "recorded_by",
	                 p->signed_by_public_id, "text_sha256", hex32(p->signed_hash));
}

/* version_json - a version's clear facts. */
static json_t *version_json(const struct plan_version *p)
{
	return json_pack("{s:s,s:s,s:I,s:I,s:s,s:o,s:o,s:o,s:o}", "id", p->plan_public_id, "client",
	                 p->client_public_id, "version", (json_int_t)p->version, "latest",
	                 (json_int_t)p->latest, "author", p->author_public_id, "created_at",
	                 api_time_json(p->plan_created_at), "version_created_at",
	                 api_time_json(p->created_at), "text_sha256", hex32(p->text_hash),
	                 "signature", signature_json(p));
}

/* full_json - a version with its document and text. */
static json_t *full_json(const struct plan_version *p)
{
	json_t *o = version_json(p);

	if (o == NULL)
		return NULL;
	if (p->body != NULL) {
		json_t *plan = json_loads(p->body, JSON_REJECT_DUPLICATES, NULL);

		json_object_set_new(o, "plan", plan != NULL ? plan : json_object());
	}
	if (p->text != NULL)
		json_object_set_new(o, "text", json_string(p->text));
	return o;
}

/* ---- handlers ----------------------------------------------------------- */

/* save - decode the body into a document and hand it with its canonical
 * JSON to the domain: a new plan (client_pid) or a new version (plan_pid). */
static enum err save(struct app *app, const struct http_request *rq, struct http_response *rs,
                     int create)
{
	struct plan_version out;
	struct domain_ctx ctx;
	struct plan_doc *d;
	void *root = NULL;
	char *json = NULL;
	json_t *ver = NULL, *canon;
	enum err e;

	memset(&out, 0, sizeof out);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return ERR_NOMEM;
	e = api_json_body(rq, rs, &root);
	if (e == ERR_OK)
		e = decode_plan(root, create ? NULL : "version", d, rs);
	if (e == ERR_OK && !create) {
		ver = json_object_get(root, "version");
		if (!json_is_integer(ver) || json_integer_value(ver) < 1) {
			rs->message = "version (the version this edit is based on) is required";
			e = ERR_INVAL;
		}
	}
	if (e == ERR_OK) {
		canon = doc_json(d);
		json = canon ? json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)
		             : NULL;
		json_decref(canon);
		if (json == NULL)
			e = ERR_NOMEM;
	}
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = create ? domain_plan_create(&ctx, rq->param[0], d, json, &out)
		           : domain_plan_update(&ctx, rq->param[0], json_integer_value(ver), d,
		                                json, &out);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		rs->status = create ? 201 : 200;
		if (create)
			snprintf(rs->location, sizeof rs->location, "/api/v1/plans/%s",
			         out.plan_public_id);
		e = api_json_send(rs, full_json(&out));
	}
	plan_version_cleanup(&out);
	mem_free_wiped_str(json);
	json_decref(root);
	free(d);
	return e;
}

enum err api_plan_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return save(app, rq, rs, 1);
}

enum err api_plan_update(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return save(app, rq, rs, 0);
}

enum err api_plan_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *q = http_request_query(rq, "version");
	struct plan_version p;
	struct domain_ctx ctx;
	void *linked = NULL;
	long long version = 0;
	json_t *o;
	enum err e;

	memset(&p, 0, sizeof p);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (q != NULL) {
		char *end;

		version = strtoll(q, &end, 10);
		if (*q < '1' || *q > '9' || *end != '\0' || version < 1) {
			rs->message = "version must be a version number (1, 2, ...)";
			return ERR_INVAL;
		}
	}
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_plan_get(&ctx, rq->param[0], version, &p);
	if (e == ERR_OK)
		e = api_amendments_linked(&ctx, "plan", rq->param[0], &linked);
	api_end(app, &ctx);
	if (e == ERR_OK) {
		o = full_json(&p);
		if (o != NULL)
			json_object_set_new(o, "amendments", (json_t *)linked);
		else
			json_decref((json_t *)linked);
		e = o != NULL ? api_json_send(rs, o) : ERR_NOMEM;
	}
	plan_version_cleanup(&p);
	return e;
}

enum err api_plan_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct plan_version *ps;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	ps = mem_calloc_array(PLANS_PER_CLIENT_MAX, sizeof *ps);
	if (ps == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_plan_list(&ctx, rq->param[0], ps, PLANS_PER_CLIENT_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++) {
			json_t *o = version_json(&ps[i]);
			json_t *plan = json_loads(ps[i].body, JSON_REJECT_DUPLICATES, NULL);

			json_object_set(o, "title", json_object_get(plan, "title"));
			json_object_set(o, "review_date", json_object_get(plan, "review_date"));
			json_decref(plan);
			json_array_append_new(arr, o);
		}
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "plans", arr)) : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		plan_version_cleanup(&ps[i]);
	free(ps);
	return e;
}

enum err api_plan_versions(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct plan_version *ps;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	ps = mem_calloc_array(PLAN_VERSIONS_PAGE, sizeof *ps);
	if (ps == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_plan_versions(&ctx, rq->param[0], ps, PLAN_VERSIONS_PAGE, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, version_json(&ps[i]));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "versions", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		plan_version_cleanup(&ps[i]);
	free(ps);
	return e;
}

enum err api_plan_sign(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"version", "name", "text_sha256", NULL};
	unsigned char seen[32];
	struct plan_version p;
	struct domain_ctx ctx;
	const char *name = NULL, *hash = NULL;
	void *root = NULL;
	json_t *ver;
	enum err e;

	memset(&p, 0, sizeof p);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_body(rq, rs, &root);
	if (e == ERR_OK)
		e = api_json_keys(root, "body", allowed, rs);
	if (e == ERR_OK)
		e = str(root, "name", "", &name, rs);
	if (e == ERR_OK)
		e = str(root, "text_sha256", "", &hash, rs);
	ver = e == ERR_OK ? json_object_get(root, "version") : NULL;
	if (e == ERR_OK && (!json_is_integer(ver) || json_integer_value(ver) < 1)) {
		rs->message = "version (the version shown to the client) is required";
		e = ERR_INVAL;
	}
	if (e == ERR_OK && hash != NULL && unhex32(hash, seen) != ERR_OK) {
		rs->message = "text_sha256 must be 64 lowercase hex digits";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_plan_sign(&ctx, rq->param[0], json_integer_value(ver), name,
		                     hash != NULL ? seen : NULL, &p);
		if (e != ERR_OK && ctx.message != NULL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = api_json_send(rs, full_json(&p));
	plan_version_cleanup(&p);
	json_decref(root);
	return e;
}
