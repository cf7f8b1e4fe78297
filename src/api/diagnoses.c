/*
 * diagnoses.c - diagnoses and the ICD-10-CM list over HTTP:
 *   GET   /api/v1/icd10?q=anxiety&limit=20   {"codes": [{code, x12, title}]}
 *   GET   /api/v1/clients/{id}/diagnoses     {"diagnoses": [...]}
 *   POST  /api/v1/clients/{id}/diagnoses     {"code", "onset"?, "primary"?} -> 201
 *   PATCH /api/v1/diagnoses/{id}             {"version", "primary"?, "resolved"?,
 *                                             "resolved_on"?, "onset"?}
 * The list's query is a medical term, not a client's data, so it may travel
 * in the URL (the server never logs query strings). A diagnosis carries its
 * code (PHI): bodies are wiped when freed (api_json_init).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/diagnoses.h"
#include "api/records.h"
#include "core/mem.h"
#include "domain/diagnoses.h"
#include "domain/icd10.h"

#define ICD10_LIMIT_DEFAULT 20 /* codes a search returns when no limit is asked */
#define ICD10_LIMIT_MAX 50     /* the most a search may ask for */

static json_t *date_json(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

/* diagnosis_json - one diagnosis, with the list's title and X12 form. */
static json_t *diagnosis_json(const struct diagnosis *d)
{
	char x12[ICD10_X12_MAX + 1] = "";
	json_t *o;

	if (icd10_x12(d->code, x12) != ERR_OK)
		x12[0] = '\0';
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:b,s:I,s:s,s:o,s:o}", "id", d->public_id,
	              "client", d->client_public_id, "code", d->code, "x12", x12, "title",
	              domain_diagnosis_title(d->code), "onset", date_json(d->onset), "resolved_on",
	              date_json(d->resolved_on), "primary", d->is_primary, "resolved", d->resolved,
	              "version", (json_int_t)d->version, "created_by", d->created_by_public_id,
	              "created_at", api_time_json(d->created_at), "updated_at",
	              api_time_json(d->updated_at));
	return o;
}

static enum err send_diagnosis(struct http_response *rs, const struct diagnosis *d, unsigned status)
{
	json_t *o = diagnosis_json(d);

	if (o == NULL)
		return ERR_NOMEM;
	rs->status = status;
	return api_json_send(rs, o);
}

enum err api_icd10_search(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct icd10_code found[ICD10_LIMIT_MAX];
	const char *q = http_request_query(rq, "q");
	const char *l = http_request_query(rq, "limit");
	char x12[ICD10_X12_MAX + 1];
	size_t limit = ICD10_LIMIT_DEFAULT, n = 0, i;
	json_t *arr;
	enum err e;

	(void)app;
	if (l != NULL) {
		char *end;
		long v = strtol(l, &end, 10);

		if (*l < '0' || *l > '9' || *end != '\0' || v < 1 || v > ICD10_LIMIT_MAX) {
			rs->message = "limit must be between 1 and 50";
			return ERR_INVAL;
		}
		limit = (size_t)v;
	}
	if (q == NULL) {
		rs->message = "q (a code or words of a title) is required";
		return ERR_INVAL;
	}
	e = icd10_search(q, found, limit, &n);
	if (e != ERR_OK) {
		rs->message = "q must be a code or 1 to 8 words, at most 100 characters";
		return e;
	}
	arr = json_array();
	if (arr == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (icd10_x12(found[i].code, x12) != ERR_OK)
			x12[0] = '\0';
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "code", found[i].code, "x12",
		                                     x12, "title", found[i].title));
	}
	return api_json_send(rs, json_pack("{s:o}", "codes", arr));
}

enum err api_diagnosis_list(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct domain_ctx ctx;
	struct diagnosis *ds;
	size_t n = 0, i;
	json_t *arr;
	void *linked = NULL; /* amendment requests about the diagnoses: they travel with them */
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	ds = mem_calloc_array(DIAGNOSES_PER_CLIENT_MAX, sizeof *ds);
	if (ds == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_diagnosis_list(&ctx, rq->param[0], ds, DIAGNOSES_PER_CLIENT_MAX, &n);
		if (e == ERR_OK)
			e = api_amendments_about(&ctx, rq->param[0], "diagnosis", &linked);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++) {
			json_t *d = diagnosis_json(&ds[i]);

			if (d != NULL && linked != NULL)
				json_object_set_new(d, "amendments",
				                    api_amendments_pick(linked, ds[i].public_id));
			json_array_append_new(arr, d);
		}
		json_decref(linked);
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "diagnoses", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		diagnosis_cleanup(&ds[i]);
	free(ds);
	return e;
}

/* copy_str - a string member into out (size bytes): ERR_OK and "" when
 * absent or null; ERR_INVAL for another type or one too long to be valid. */
static enum err copy_str(json_t *o, const char *name, char *out, size_t size)
{
	json_t *v = json_object_get(o, name);

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return ERR_OK;
	if (!json_is_string(v) || json_string_length(v) >= size)
		return ERR_INVAL;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return ERR_OK;
}

enum err api_diagnosis_add(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"code", "onset", "primary", NULL};
	struct domain_ctx ctx;
	struct diagnosis d;
	void *root = NULL;
	json_t *p;
	enum err e;

	memset(&d, 0, sizeof d);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	p = json_object_get(root, "primary");
	if (json_object_get(root, "code") == NULL ||
	    copy_str(root, "code", d.code, sizeof d.code) != ERR_OK || d.code[0] == '\0') {
		rs->message = "code must be an ICD-10-CM code from the list (GET /api/v1/icd10)";
		e = ERR_INVAL;
	} else if (copy_str(root, "onset", d.onset, sizeof d.onset) != ERR_OK) {
		rs->message = "onset must be a date (YYYY-MM-DD), not in the future";
		e = ERR_INVAL;
	} else if (p != NULL && !json_is_boolean(p)) {
		rs->message = "primary must be true or false";
		e = ERR_INVAL;
	}
	if (e == ERR_OK) {
		d.is_primary = p != NULL && json_is_true(p);
		e = api_begin(app, rq, &ctx);
		if (e == ERR_OK) {
			e = domain_diagnosis_add(&ctx, rq->param[0], &d);
			if (e != ERR_OK && ctx.message != NULL)
				rs->message = ctx.message;
			api_end(app, &ctx);
		}
	}
	if (e == ERR_OK) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/diagnoses/%s", d.public_id);
		e = send_diagnosis(rs, &d, 201);
	}
	json_decref(root);
	diagnosis_cleanup(&d);
	return e;
}

/* flag - a boolean member as 1/0, or -1 when absent; ERR_INVAL if not a
 * boolean. */
static enum err flag(json_t *o, const char *name, int *out)
{
	json_t *v = json_object_get(o, name);

	*out = v == NULL ? -1 : json_is_true(v) ? 1 : 0;
	return v == NULL || json_is_boolean(v) ? ERR_OK : ERR_INVAL;
}

enum err api_diagnosis_update(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	static const char *const allowed[] = {"version",     "primary", "resolved",
	                                      "resolved_on", "onset",   NULL};
	struct diagnosis_change c;
	struct domain_ctx ctx;
	struct diagnosis d;
	void *root = NULL;
	json_t *ver, *ro, *on;
	enum err e;

	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	c.public_id = rq->param[0];
	ver = json_object_get(root, "version");
	ro = json_object_get(root, "resolved_on");
	on = json_object_get(root, "onset");
	if (!json_is_integer(ver)) {
		rs->message = "version (an integer) is required";
		e = ERR_INVAL;
	} else if (flag(root, "primary", &c.primary) != ERR_OK ||
	           flag(root, "resolved", &c.resolved) != ERR_OK) {
		rs->message = "primary and resolved must be true or false";
		e = ERR_INVAL;
	} else if ((ro != NULL && !json_is_string(ro)) ||
	           (on != NULL && !json_is_string(on) && !json_is_null(on))) {
		rs->message = "resolved_on is a date (YYYY-MM-DD); onset a date or null";
		e = ERR_INVAL;
	}
	if (e == ERR_OK) {
		c.version = json_integer_value(ver);
		c.resolved_on = ro != NULL ? json_string_value(ro) : NULL;
		c.onset = on == NULL ? NULL : json_is_null(on) ? "" : json_string_value(on);
		e = api_begin(app, rq, &ctx);
		if (e == ERR_OK) {
			e = domain_diagnosis_update(&ctx, &c, &d);
			if (e != ERR_OK && ctx.message != NULL)
				rs->message = ctx.message;
			api_end(app, &ctx);
		}
	}
	if (e == ERR_OK)
		e = send_diagnosis(rs, &d, 200);
	json_decref(root);
	diagnosis_cleanup(&d);
	return e;
}
