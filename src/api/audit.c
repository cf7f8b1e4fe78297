/*
 * audit.c - /api/v1/audit: search the trail, a client's access report and
 * the breach-impact report (JSON, or CSV for the breach report).
 *
 * Query parameters are ids and times only (URLs end up in logs and
 * browser histories; nothing here is PHI): actor, client, event, session,
 * source (ids or an address), from and to (unix seconds or ISO 8601),
 * before (a cursor: the last seq of the previous page) and limit (1..200).
 * An event in JSON: {"seq", "at", "actor", "actor_role", "actor_name",
 * "session", "source", "event", "object_type", "object_id", "client",
 * "purpose", "outcome", "request_id", "detail"}.
 * Never: decides who may read the trail (domain does), or echoes a
 * parameter back in an error.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/mem.h"
#include "domain/audit_report.h"

/* Longest id accepted in a query parameter. */
#define ID_MAX 64

static json_t *record_json(const struct audit_record *r)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "at", api_time_json(r->at));
	json_object_set_new(o, "actor", json_string(r->actor));
	json_object_set_new(o, "actor_role", json_string(r->actor_role));
	json_object_set_new(o, "actor_name", json_string(r->actor_name));
	json_object_set_new(o, "session", json_string(r->session));
	json_object_set_new(o, "source", json_string(r->source));
	json_object_set_new(o, "event", json_string(r->event));
	json_object_set_new(o, "object_type", json_string(r->object_type));
	json_object_set_new(o, "object_id", json_string(r->object_id));
	json_object_set_new(o, "client", json_string(r->client));
	json_object_set_new(o, "purpose", json_string(r->purpose));
	json_object_set_new(o, "outcome", json_string(r->outcome));
	json_object_set_new(o, "request_id", json_string(r->request_id));
	json_object_set_new(o, "detail", json_string(r->detail));
	return o;
}

/* id_arg - query parameter name as an id (NULL if absent). */
static enum err id_arg(const struct http_request *rq, struct http_response *rs, const char *name,
                       const char **out)
{
	const char *v = http_request_query(rq, name);

	*out = NULL;
	if (v == NULL)
		return ERR_OK;
	if (v[0] == '\0' || strlen(v) > ID_MAX || !audit_id_ok(v)) {
		rs->message = "actor, client, event, session and source must be ids or addresses";
		return ERR_INVAL;
	}
	*out = v;
	return ERR_OK;
}

/* time_arg - query parameter name as unix seconds (0 if absent). */
static enum err time_arg(const struct http_request *rq, struct http_response *rs, const char *name,
                         int64_t *out)
{
	const char *v = http_request_query(rq, name);

	*out = 0;
	if (v == NULL)
		return ERR_OK;
	if (domain_time_parse(v, out) != ERR_OK || *out < 0) {
		rs->message = "from and to must be unix seconds or ISO 8601 (2024-03-01T09:30:00Z)";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* num_arg - query parameter name as a whole number in [1, max] (dflt if
 * absent). */
static enum err num_arg(const struct http_request *rq, struct http_response *rs, const char *name,
                        int64_t max, int64_t dflt, const char *why, int64_t *out)
{
	const char *v = http_request_query(rq, name);
	int64_t n = 0;
	size_t i;

	*out = dflt;
	if (v == NULL)
		return ERR_OK;
	for (i = 0; v[i]; i++)
		if (v[i] < '0' || v[i] > '9' || i >= 18) {
			rs->message = why;
			return ERR_INVAL;
		}
	for (i = 0; v[i]; i++)
		n = n * 10 + (v[i] - '0');
	if (i == 0 || n < 1 || n > max) {
		rs->message = why;
		return ERR_INVAL;
	}
	*out = n;
	return ERR_OK;
}

/* page_args - before and limit. */
static enum err page_args(const struct http_request *rq, struct http_response *rs, int64_t *before,
                          int64_t *limit)
{
	enum err e = num_arg(rq, rs, "before", INT64_MAX / 2, 0,
	                     "before must be a cursor from a previous page", before);

	if (e == ERR_OK)
		e = num_arg(rq, rs, "limit", STORE_LIST_MAX, API_PAGE_DEFAULT,
		            "limit must be between 1 and 200", limit);
	return e;
}

/* filter_args - the filters every report shares. */
static enum err filter_args(const struct http_request *rq, struct http_response *rs,
                            struct audit_filter *f)
{
	enum err e;

	memset(f, 0, sizeof *f);
	e = id_arg(rq, rs, "actor", &f->actor);
	if (e == ERR_OK)
		e = id_arg(rq, rs, "session", &f->session);
	if (e == ERR_OK)
		e = id_arg(rq, rs, "source", &f->source);
	if (e == ERR_OK)
		e = time_arg(rq, rs, "from", &f->from);
	if (e == ERR_OK)
		e = time_arg(rq, rs, "to", &f->to);
	return e;
}

/* send_events - {key: id (if any), "events": [...], "next": cursor-or-null}. */
static enum err send_events(struct http_response *rs, const char *key, const char *id,
                            const struct audit_record *rec, size_t n, size_t limit)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;
	char next[24];

	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		return ERR_NOMEM;
	}
	if (key != NULL)
		json_object_set_new(o, key, json_string(id));
	for (i = 0; i < n; i++)
		json_array_append_new(arr, record_json(&rec[i]));
	json_object_set_new(o, "events", arr);
	if (n == limit && n > 0) {
		snprintf(next, sizeof next, "%lld", (long long)rec[n - 1].seq);
		json_object_set_new(o, "next", json_string(next));
	} else {
		json_object_set_new(o, "next", json_null());
	}
	return api_json_send(rs, o);
}

static void free_records(struct audit_record *rec, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		audit_record_cleanup(&rec[i]);
	free(rec);
}

enum err api_audit_search(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct audit_filter f;
	struct audit_record *rec = NULL;
	int64_t limit = 0;
	size_t n = 0;
	enum err e;

	e = filter_args(rq, rs, &f);
	if (e == ERR_OK)
		e = id_arg(rq, rs, "client", &f.client);
	if (e == ERR_OK)
		e = id_arg(rq, rs, "event", &f.event);
	if (e == ERR_OK)
		e = page_args(rq, rs, &f.before, &limit);
	if (e != ERR_OK)
		return e;
	rec = mem_calloc_array((size_t)limit, sizeof *rec);
	if (rec == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_audit_search(&ctx, &f, (size_t)limit, rec, &n);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_events(rs, NULL, NULL, rec, n, (size_t)limit);
	free_records(rec, n);
	return e;
}

enum err api_audit_access_report(struct app *app, const struct http_request *rq,
                                 struct http_response *rs)
{
	struct domain_ctx ctx;
	struct audit_record *rec = NULL;
	int64_t before = 0, limit = 0;
	size_t n = 0;
	enum err e;

	if (rq->nparam < 1 || strlen(rq->param[0]) > ID_MAX || !audit_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = page_args(rq, rs, &before, &limit);
	if (e != ERR_OK)
		return e;
	rec = mem_calloc_array((size_t)limit, sizeof *rec);
	if (rec == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_audit_access_report(&ctx, rq->param[0], before, (size_t)limit, rec, &n);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_events(rs, "client", rq->param[0], rec, n, (size_t)limit);
	free_records(rec, n);
	return e;
}

/* wants_csv - ?format=csv, or an Accept header that names text/csv. */
static enum err wants_csv(const struct http_request *rq, struct http_response *rs, int *csv)
{
	const char *fmt = http_request_query(rq, "format");
	const char *accept = http_request_header(rq, "Accept");

	*csv = 0;
	if (fmt != NULL) {
		if (strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0) {
			rs->message = "format must be json or csv";
			return ERR_INVAL;
		}
		*csv = strcmp(fmt, "csv") == 0;
		return ERR_OK;
	}
	*csv = accept != NULL && strstr(accept, "text/csv") != NULL;
	return ERR_OK;
}

static enum err send_breach(struct http_response *rs, const struct audit_filter *f,
                            const struct audit_breach *b)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		return ERR_NOMEM;
	}
	json_object_set_new(o, "actor", f->actor ? json_string(f->actor) : json_null());
	json_object_set_new(o, "session", f->session ? json_string(f->session) : json_null());
	json_object_set_new(o, "source", f->source ? json_string(f->source) : json_null());
	json_object_set_new(o, "from", f->from ? api_time_json(f->from) : json_null());
	json_object_set_new(o, "to", f->to ? api_time_json(f->to) : json_null());
	for (i = 0; i < b->n; i++) {
		const struct audit_touch *t = &b->clients[i];
		json_t *c = json_object();

		if (c == NULL)
			continue;
		json_object_set_new(c, "client", json_string(t->client));
		json_object_set_new(c, "events", json_integer(t->events));
		json_object_set_new(c, "first", api_time_json(t->first));
		json_object_set_new(c, "last", api_time_json(t->last));
		json_array_append_new(arr, c);
	}
	json_object_set_new(o, "clients", arr);
	json_object_set_new(o, "total_events", json_integer(b->events));
	json_object_set_new(o, "unattributed_events", json_integer(b->unattributed));
	return api_json_send(rs, o);
}

enum err api_audit_breach_report(struct app *app, const struct http_request *rq,
                                 struct http_response *rs)
{
	struct domain_ctx ctx;
	struct audit_filter f;
	struct audit_breach b;
	int csv = 0;
	enum err e;

	memset(&b, 0, sizeof b);
	e = filter_args(rq, rs, &f);
	if (e == ERR_OK)
		e = wants_csv(rq, rs, &csv);
	if (e != ERR_OK)
		return e;
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_audit_breach_report(&ctx, &f, &b);
	if (e == ERR_INVAL || e == ERR_TOOBIG)
		rs->message = ctx.message;
	api_end(app, &ctx);
	if (e == ERR_OK && csv) {
		rs->content_type = "text/csv; charset=utf-8";
		e = domain_audit_breach_csv(&b, &rs->body);
	} else if (e == ERR_OK) {
		e = send_breach(rs, &f, &b);
	}
	audit_breach_cleanup(&b);
	return e;
}
