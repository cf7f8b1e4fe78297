/*
 * clients.c - /api/v1/clients: create, read, update, list, search.
 * A client in JSON: {"id", "status", "legal_name", "preferred_name",
 * "pronouns", "date_of_birth", "email", "phone", "address", "created_at",
 * "updated_at", "version"}. Absent optional fields are null.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/chart.h"
#include "api/records.h"
#include "core/jw.h"
#include "core/mem.h"

/* Room reserved per client of a page, so the body is not copied as it
 * doubles: about one client's JSON (the demo's average ~1,000 bytes,
 * contact routes included); 50 of them stay within 64 KiB. */
#define CLIENT_JSON_BYTES 1024

static const char *const writable[] = {
        "status",
        "legal_name",
        "preferred_name",
        "pronouns",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "version",
        /* The rest of the chart (api/chart.c, domain/chart.c). */
        "emergency_name",
        "emergency_relationship",
        "emergency_phone",
        "may_email",
        "may_text",
        "may_voicemail",
        "alt_address",
        "alt_phone",
        "alt_email",
        "intake_date",
        "referral_source",
        "primary_clinician",
        "jurisdiction", /* the retention rule (domain/retention.h) */
        NULL,
};

/* client_members - the members of a client's JSON object (the caller
 * opens and closes it, so the chart read can add its amendments). */
static void client_members(struct jw *w, const struct client *c)
{
	unsigned i;

	jw_kstring(w, "id", c->public_id);
	jw_kstring(w, "status", client_status_name(c->status));
	jw_kbool(w, "restricted", c->restricted); /* GDPR Art. 18 */
	for (i = 0; i < client_field_count; i++) {
		char *const *p = client_field_ptr((struct client *)(uintptr_t)c, &client_fields[i]);

		jw_key(w, client_fields[i].name);
		if (*p == NULL)
			jw_null(w);
		else if (client_fields[i].kind == CLIENT_FIELD_FLAG)
			jw_bool(w, **p == '1');
		else
			jw_string(w, *p);
	}
	jw_kstring(w, "primary_clinician", c->primary_clinician[0] ? c->primary_clinician : NULL);
	/* Where a notification may go: the one answer notification code uses. */
	jw_key(w, "contact_routes");
	api_contact_routes_write(w, c);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_kint(w, "version", c->version);
}

/* client_write - one client as a JSON object. */
static void client_write(struct jw *w, const struct client *c)
{
	jw_object_begin(w);
	client_members(w, c);
	jw_object_end(w);
}

/* decode - copy the fields present in o into c (present-null clears).
 * Types are checked; messages name the field, never the value. */
static enum err decode(json_t *o, struct client *c, struct http_response *rs)
{
	json_t *v;
	unsigned i;

	v = json_object_get(o, "status");
	if (v != NULL) {
		if (!json_is_string(v) ||
		    client_status_parse(json_string_value(v), &c->status) != ERR_OK) {
			rs->message = "status must be prospective, active or discharged";
			return ERR_INVAL;
		}
	}
	for (i = 0; i < client_field_count; i++) {
		char **p = client_field_ptr(c, &client_fields[i]);

		v = json_object_get(o, client_fields[i].name);
		if (v == NULL)
			continue;
		if (client_fields[i].kind == CLIENT_FIELD_FLAG) {
			if (!json_is_boolean(v) && !json_is_null(v)) {
				rs->message = client_fields[i].invalid;
				return ERR_INVAL;
			}
			mem_free_wiped_str(*p);
			*p = json_is_null(v) ? NULL : mem_strdup(json_is_true(v) ? "1" : "0");
			if (!json_is_null(v) && *p == NULL)
				return ERR_NOMEM;
			continue;
		}
		if (!json_is_string(v) && !json_is_null(v)) {
			rs->message = "client fields must be strings or null";
			return ERR_INVAL;
		}
		mem_free_wiped_str(*p);
		*p = NULL;
		if (json_is_string(v) && json_string_length(v) > 0) {
			*p = mem_strdup(json_string_value(v));
			if (*p == NULL)
				return ERR_NOMEM;
		}
	}
	v = json_object_get(o, "primary_clinician");
	if (v != NULL) {
		if (json_is_null(v)) {
			c->primary_clinician[0] = '\0';
		} else if (!json_is_string(v) || !api_public_id_ok(json_string_value(v))) {
			rs->message = "primary_clinician must be a user's id or null";
			return ERR_INVAL;
		} else {
			memcpy(c->primary_clinician, json_string_value(v), 33);
		}
	}
	return ERR_OK;
}

/* send_client - 200/201 with the client as JSON. */
static enum err send_client(struct http_response *rs, const struct client *c, unsigned status)
{
	struct jw w;

	jw_init(&w, &rs->body);
	client_write(&w, c);
	rs->status = status;
	return jw_finish(&w);
}

enum err api_client_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct client c;
	void *root = NULL;
	enum err e;

	memset(&c, 0, sizeof c);
	c.status = CLIENT_ACTIVE;
	e = api_json_object(rq, rs, writable, &root);
	if (e == ERR_OK && json_object_get(root, "version") != NULL) {
		rs->message = "version is set by the server";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = decode(root, &c, rs);
	json_decref(root);
	if (e != ERR_OK)
		goto out;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		goto out;
	e = domain_client_create(&ctx, &c);
	if (e == ERR_INVAL)
		rs->message = ctx.message;
	api_end(app, &ctx);
	if (e == ERR_OK) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/clients/%s", c.public_id);
		e = send_client(rs, &c, 201);
	}
out:
	client_cleanup(&c);
	return e;
}

enum err api_client_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct client c;
	struct jw w;
	void *linked = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_client_get(&ctx, rq->param[0], &c);
	if (e == ERR_OK) {
		/* Requests about chart fields travel with the record. */
		e = api_amendments_about(&ctx, rq->param[0], "chart", &linked);
		if (e != ERR_OK)
			client_cleanup(&c);
	}
	api_end(app, &ctx);
	if (e != ERR_OK)
		return e;
	jw_init(&w, &rs->body);
	jw_object_begin(&w);
	client_members(&w, &c);
	if (linked != NULL) {
		jw_key(&w, "amendments");
		api_jw_json(&w, linked);
	}
	jw_object_end(&w);
	client_cleanup(&c);
	json_decref(linked);
	return jw_finish(&w);
}

enum err api_client_update(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct client c;
	void *root = NULL;
	json_t *ver;
	int64_t version;
	enum err e;

	memset(&c, 0, sizeof c);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, writable, &root);
	if (e != ERR_OK)
		return e;
	ver = json_object_get(root, "version");
	if (!json_is_integer(ver)) {
		json_decref(root);
		rs->message = "version (an integer) is required";
		return ERR_INVAL;
	}
	version = json_integer_value(ver);
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK) {
		json_decref(root);
		return e;
	}
	/* Read the current record, apply the changes, write it back; the
	 * version check in the store refuses a concurrent edit. */
	e = domain_client_get(&ctx, rq->param[0], &c);
	if (e == ERR_OK) {
		e = decode(root, &c, rs);
		c.version = version;
	}
	if (e == ERR_OK) {
		e = domain_client_update(&ctx, &c);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		if (e == ERR_CONFLICT)
			rs->message = "the record changed since it was read; reload it";
	}
	api_end(app, &ctx);
	json_decref(root);
	if (e == ERR_OK)
		e = send_client(rs, &c, 200);
	client_cleanup(&c);
	return e;
}

/* send_page - {"clients": [...], "next": cursor-or-null}. */
static enum err send_page(struct http_response *rs, struct client *cs, size_t n, size_t limit)
{
	struct jw w;
	size_t i;
	char next[24];

	jw_init(&w, &rs->body);
	jw_reserve(&w, 64 + n * CLIENT_JSON_BYTES);
	jw_object_begin(&w);
	jw_karray_begin(&w, "clients");
	for (i = 0; i < n; i++)
		client_write(&w, &cs[i]);
	jw_array_end(&w);
	if (n == limit && n > 0) {
		snprintf(next, sizeof next, "%lld", (long long)cs[n - 1].id);
		jw_kstring(&w, "next", next);
	} else {
		jw_knull(&w, "next");
	}
	jw_object_end(&w);
	return jw_finish(&w);
}

/* parse_uint - a decimal number within [0, max], or ERR_INVAL. */
static enum err parse_uint(const char *s, long long max, long long *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return ERR_INVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ERR_INVAL;
		v = v * 10 + (*s - '0');
	}
	if (v > max)
		return ERR_INVAL;
	*out = v;
	return ERR_OK;
}

static enum err page_args(const struct http_request *rq, struct http_response *rs, long long *after,
                          long long *limit)
{
	const char *a = http_request_query(rq, "after");
	const char *l = http_request_query(rq, "limit");

	*after = 0;
	*limit = API_PAGE_DEFAULT;
	if (a != NULL && parse_uint(a, INT64_MAX / 2, after) != ERR_OK) {
		rs->message = "after must be a cursor from a previous page";
		return ERR_INVAL;
	}
	if (l != NULL && (parse_uint(l, STORE_LIST_MAX, limit) != ERR_OK || *limit == 0)) {
		rs->message = "limit must be between 1 and 200";
		return ERR_INVAL;
	}
	return ERR_OK;
}

static void free_page(struct client *cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		client_cleanup(&cs[i]);
	free(cs);
}

enum err api_client_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct client *cs;
	long long after, limit;
	size_t n = 0;
	enum err e;

	e = page_args(rq, rs, &after, &limit);
	if (e != ERR_OK)
		return e;
	cs = mem_calloc_array((size_t)limit, sizeof *cs);
	if (cs == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_client_list(&ctx, after, (size_t)limit, cs, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_page(rs, cs, n, (size_t)limit);
	free_page(cs, n);
	return e;
}

enum err api_client_search(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"query", "limit", NULL};
	struct domain_ctx ctx;
	struct client *cs = NULL;
	void *root = NULL;
	json_t *q, *l;
	size_t n = 0, limit = API_PAGE_DEFAULT;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	q = json_object_get(root, "query");
	l = json_object_get(root, "limit");
	if (!json_is_string(q)) {
		rs->message = "query (a string) is required";
		e = ERR_INVAL;
		goto out;
	}
	if (l != NULL) {
		if (!json_is_integer(l) || json_integer_value(l) < 1 ||
		    json_integer_value(l) > STORE_LIST_MAX) {
			rs->message = "limit must be between 1 and 200";
			e = ERR_INVAL;
			goto out;
		}
		limit = (size_t)json_integer_value(l);
	}
	cs = mem_calloc_array(limit, sizeof *cs);
	if (cs == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_client_search(&ctx, json_string_value(q), limit, cs, &n);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_page(rs, cs, n, 0);
out:
	if (cs != NULL)
		free_page(cs, n);
	json_decref(root);
	return e;
}
