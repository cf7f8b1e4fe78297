/*
 * schedule.c - the calendar over HTTP (routes in api/schedule.h; bodies
 * and answers in docs/api.md, "Scheduling"). Times go in as local
 * wall-clock times with an IANA zone ("start": "2026-11-03T10:00",
 * "tz": "America/New_York") and come out both as UTC instants ("start":
 * "...Z") and as local times in the zone asked for. A conflicting booking
 * answers 409 with what it conflicts with. Never: echoes input in an
 * error, or puts a client's name anywhere but a body the actor may see.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/schedule.h"
#include "core/jw.h"
#include "core/mem.h"
#include "domain/schedule.h"

#define VIEW_LIMIT_DEFAULT 500 /* appointments a view returns unless asked */
#define LABELS_MAX 200         /* services or rooms listed */
#define APPT_JSON_BYTES 640    /* room reserved per row: about one appointment's JSON (~530) */

static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

/* ---- decoding ---------------------------------------------------------- */

/* opt_str - a string member into *out; NULL when absent or null. */
static enum err opt_str(json_t *o, const char *name, const char **out)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return ERR_OK;
	if (!json_is_string(v))
		return ERR_INVAL;
	*out = json_string_value(v);
	return ERR_OK;
}

/* opt_id - like opt_str, and the value must look like a public id ("" too
 * when empty_ok). */
static enum err opt_id(json_t *o, const char *name, int empty_ok, const char **out)
{
	enum err e = opt_str(o, name, out);

	if (e == ERR_OK && *out != NULL && !api_public_id_ok(*out) && !(empty_ok && **out == '\0'))
		e = ERR_INVAL;
	return e;
}

/* opt_int - an integer member in [min, max] into *out; dflt when absent. */
static enum err opt_int(json_t *o, const char *name, long long min, long long max, long long dflt,
                        long long *out)
{
	json_t *v = json_object_get(o, name);

	*out = dflt;
	if (v == NULL)
		return ERR_OK;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return ERR_INVAL;
	*out = json_integer_value(v);
	return ERR_OK;
}

/* opt_bool - 1/0, or dflt when absent. */
static enum err opt_bool(json_t *o, const char *name, int dflt, int *out)
{
	json_t *v = json_object_get(o, name);

	*out = v == NULL ? dflt : json_is_true(v);
	return v == NULL || json_is_boolean(v) ? ERR_OK : ERR_INVAL;
}

/* id_list - an array of public ids into out (max), *n set. */
static enum err id_list(json_t *o, const char *name, const char **out, size_t max, size_t *n)
{
	json_t *v = json_object_get(o, name), *x;
	size_t i;

	*n = 0;
	if (v == NULL)
		return ERR_OK;
	if (!json_is_array(v) || json_array_size(v) > max)
		return ERR_INVAL;
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x) || !api_public_id_ok(json_string_value(x)))
			return ERR_INVAL;
		out[i] = json_string_value(x);
	}
	*n = json_array_size(v);
	return ERR_OK;
}

static enum err scope_of(json_t *o, int *out)
{
	const char *s = NULL;
	enum err e = opt_str(o, "scope", &s);

	*out = SCHED_THIS;
	if (e != ERR_OK || s == NULL)
		return e;
	if (strcmp(s, "this") == 0)
		*out = SCHED_THIS;
	else if (strcmp(s, "following") == 0)
		*out = SCHED_FOLLOWING;
	else if (strcmp(s, "series") == 0)
		*out = SCHED_SERIES;
	else
		return ERR_INVAL;
	return ERR_OK;
}

/* ---- encoding ---------------------------------------------------------- */

/* local_text - instant t as local time in tz, "YYYY-MM-DDTHH:MM:SS", into
 * s; 0 when tz cannot place it. */
static int local_text(const char *tz, int64_t t, char s[20])
{
	struct recur_local l;

	if (recur_from_utc(tz, t, &l) != ERR_OK)
		return 0;
	recur_local_format(&l, s);
	return 1;
}

/* local_json - local_text as a JSON string, or null. */
static json_t *local_json(const char *tz, int64_t t)
{
	char s[20];

	return local_text(tz, t, s) ? json_string(s) : json_null();
}

/* local_write - local_text as the writer's next value, or null. */
static void local_write(struct jw *w, const char *tz, int64_t t)
{
	char s[20];

	if (local_text(tz, t, s))
		jw_string(w, s);
	else
		jw_null(w);
}

/* label_write - {id, name}, or null when there is no id. */
static void label_write(struct jw *w, const char *public_id, const char *name)
{
	if (public_id[0] == '\0') {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	jw_kstring(w, "id", public_id);
	jw_kstring(w, "name", name);
	jw_object_end(w);
}

/* service_write - {id, name, cpt_code} of a's service, or null. */
static void service_write(struct jw *w, const struct appt *a)
{
	if (a->service_public_id[0] == '\0') {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	jw_kstring(w, "id", a->service_public_id);
	jw_kstring(w, "name", a->service_name);
	jw_kstring(w, "cpt_code", a->cpt_code);
	jw_object_end(w);
}

/* appt_members - the members of an appointment's object, local times in
 * tz (NULL: its own zone); "client" is {client_id, client_name}, or null
 * when client_name is NULL (no client, or one the actor may not see). */
static void appt_members(struct jw *w, const struct appt *a, const char *tz, const char *client_id,
                         const char *client_name)
{
	const char *z = tz != NULL ? tz : a->tzid;

	jw_kstring(w, "id", a->public_id);
	jw_ktime(w, "start", a->starts_at);
	jw_ktime(w, "end", a->ends_at);
	jw_key(w, "local_start");
	local_write(w, z, a->starts_at);
	jw_key(w, "local_end");
	local_write(w, z, a->ends_at);
	jw_kstring(w, "tz", a->tzid);
	jw_kint(w, "minutes", (a->ends_at - a->starts_at) / 60);
	jw_kstring(w, "status", sched_status_name(a->status));
	jw_ktime(w, "status_at", a->status_at);
	jw_kstring(w, "kind", sched_kind_name(a->kind));
	jw_key(w, "clinician");
	label_write(w, a->clinician_public_id, a->clinician_name);
	jw_key(w, "client");
	if (client_name != NULL)
		label_write(w, client_id, client_name);
	else
		jw_null(w);
	jw_key(w, "service");
	service_write(w, a);
	jw_key(w, "room");
	label_write(w, a->room_public_id, a->room_name);
	jw_kbool(w, "telehealth", a->telehealth);
	jw_kstring(w, "series", a->series_public_id[0] != '\0' ? a->series_public_id : NULL);
	jw_kbool(w, "exception", a->is_exception);
	jw_kint(w, "version", a->version);
}

/* send_appt - {"appointment": ..., "count": n} with status. */
static enum err send_appt(struct http_response *rs, const struct appt *a, size_t count,
                          unsigned status)
{
	struct jw w;

	jw_init(&w, &rs->body);
	jw_object_begin(&w);
	jw_kobject_begin(&w, "appointment");
	appt_members(&w, a, NULL, NULL, NULL);
	jw_object_end(&w);
	jw_kint(&w, "count", (int64_t)count);
	jw_object_end(&w);
	rs->status = status;
	return jw_finish(&w);
}

/* send_conflict - 409 with what the booking conflicts with. */
static enum err send_conflict(const struct http_request *rq, struct http_response *rs,
                              const struct sched_conflicts *cf)
{
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL)
		return ERR_NOMEM;
	for (i = 0; i < cf->n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:o,s:o}", "with", cf->c[i].who, "start",
		                                     api_time_json(cf->c[i].starts_at), "end",
		                                     api_time_json(cf->c[i].ends_at)));
	rs->status = 409;
	return api_json_send(rs, json_pack("{s:s,s:s,s:s,s:o}", "error", "conflict", "message",
	                                   cf->message, "request_id", rq->request_id, "conflicts",
	                                   arr));
}

/* answer - after a domain call: the conflict body, ctx's message, or e. */
static enum err answer(const struct http_request *rq, struct http_response *rs,
                       const struct domain_ctx *ctx, const struct sched_conflicts *cf, enum err e)
{
	if (e == ERR_CONFLICT && cf != NULL && cf->n > 0)
		return send_conflict(rq, rs, cf);
	if (e != ERR_OK && ctx->message != NULL)
		rs->message = ctx->message;
	return e;
}

/* ---- appointments ------------------------------------------------------- */

enum err api_appt_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"clinician", "clients",  "co_facilitators",
	                                      "service",   "room",     "telehealth",
	                                      "kind",      "start",    "end",
	                                      "minutes",   "tz",       "rrule",
	                                      "memo",      "override", NULL};
	struct sched_booking b;
	struct sched_conflicts cf;
	struct domain_ctx ctx;
	struct appt a;
	const char *kind = NULL;
	long long minutes = 0;
	size_t count = 0;
	void *root = NULL;
	enum err e;

	memset(&b, 0, sizeof b);
	memset(&a, 0, sizeof a);
	memset(&cf, 0, sizeof cf);
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	if (opt_id(root, "clinician", 0, &b.clinician) != ERR_OK || b.clinician == NULL)
		rs->message = "clinician (a user id) is required";
	else if (id_list(root, "clients", b.clients, STORE_APPT_MEMBERS, &b.nclients) != ERR_OK ||
	         b.nclients == 0)
		rs->message = "clients must list 1 to 16 client ids";
	else if (id_list(root, "co_facilitators", b.staff, STORE_APPT_MEMBERS, &b.nstaff) != ERR_OK)
		rs->message = "co_facilitators must list user ids";
	else if (opt_id(root, "service", 0, &b.service) != ERR_OK)
		rs->message = "service must be a service id";
	else if (opt_id(root, "room", 0, &b.room) != ERR_OK)
		rs->message = "room must be a room id";
	else if (opt_bool(root, "telehealth", 0, &b.telehealth) != ERR_OK ||
	         opt_bool(root, "override", 0, &b.override) != ERR_OK)
		rs->message = "telehealth and override must be true or false";
	else if (opt_str(root, "kind", &kind) != ERR_OK ||
	         (kind != NULL && sched_kind_of(kind) < 0))
		rs->message = "kind must be individual, couple, family or group";
	else if (opt_str(root, "start", &b.start) != ERR_OK || b.start == NULL ||
	         opt_str(root, "end", &b.end) != ERR_OK)
		rs->message = "start (and end) must be local dates and times, YYYY-MM-DDTHH:MM";
	else if (opt_int(root, "minutes", 5, SCHED_MINUTES_MAX, 0, &minutes) != ERR_OK)
		rs->message = "minutes must be between 5 and 480";
	else if (opt_str(root, "tz", &b.tz) != ERR_OK)
		rs->message = "tz must be an IANA time zone, such as Europe/Berlin";
	else if (opt_str(root, "rrule", &b.rrule) != ERR_OK)
		rs->message = "rrule must be an RFC 5545 RRULE value";
	else if (opt_str(root, "memo", &b.memo) != ERR_OK)
		rs->message = "memo must be text";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	b.kind = kind != NULL ? sched_kind_of(kind) : -1;
	b.minutes = (int)minutes;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_appt_create(&ctx, &b, &cf, &a, &count);
		e = answer(rq, rs, &ctx, &cf, e);
		api_end(app, &ctx);
	}
	if (e == ERR_OK && rs->status != 409) {
		snprintf(rs->location, sizeof rs->location, "/api/v1/appointments/%s", a.public_id);
		e = send_appt(rs, &a, count, 201);
	}
	appt_cleanup(&a);
	json_decref(root);
	return e;
}

/* detail_members - what GET adds to an appointment: every client (those
 * whose names the actor may not see are left out), co-facilitators, the
 * status history, the rule of its series and, for those who see it, the
 * memo. */
static void detail_members(struct jw *w, const struct sched_detail *d)
{
	size_t i;

	jw_karray_begin(w, "clients");
	for (i = 0; i < d->nclients; i++)
		if (d->clients[i].name != NULL)
			label_write(w, d->clients[i].public_id, d->clients[i].name);
	jw_array_end(w);
	jw_karray_begin(w, "co_facilitators");
	for (i = 0; i < d->nstaff; i++)
		jw_string(w, d->staff[i]);
	jw_array_end(w);
	jw_karray_begin(w, "history");
	for (i = 0; i < d->nhistory; i++) {
		jw_object_begin(w);
		jw_kstring(w, "status", sched_status_name(d->history[i].status));
		jw_ktime(w, "at", d->history[i].at);
		jw_kstring(w, "by", d->history[i].by[0] ? d->history[i].by : NULL);
		if (d->sees_memo)
			jw_kstring(w, "reason", d->history[i].reason);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_kstring(w, "rrule", d->rrule[0] ? d->rrule : NULL);
	if (d->sees_memo)
		jw_kstring(w, "memo", d->a.memo);
}

enum err api_appt_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *tz = http_request_query(rq, "tz");
	struct domain_ctx ctx;
	struct sched_detail *d;
	struct jw w;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (tz != NULL && !recur_zone_ok(tz)) {
		rs->message = "tz must be an IANA time zone, such as Europe/Berlin";
		return ERR_INVAL;
	}
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_appt_get(&ctx, rq->param[0], d);
		api_end(app, &ctx);
	}
	if (e != ERR_OK) {
		free(d);
		return e;
	}
	jw_init(&w, &rs->body);
	jw_object_begin(&w);
	appt_members(&w, &d->a, tz, d->nclients > 0 ? d->clients[0].public_id : NULL,
	             d->nclients > 0 ? d->clients[0].name : NULL);
	detail_members(&w, d);
	jw_object_end(&w);
	sched_detail_cleanup(d);
	free(d);
	return jw_finish(&w);
}

enum err api_appt_update(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {
	        "version", "scope", "start", "end",        "minutes",  "tz", "room",
	        "service", "rrule", "memo",  "telehealth", "override", NULL};
	struct sched_conflicts cf;
	struct sched_change c;
	struct domain_ctx ctx;
	struct appt a;
	long long version = 0, minutes = 0;
	size_t count = 0;
	void *root = NULL;
	enum err e;

	memset(&c, 0, sizeof c);
	memset(&a, 0, sizeof a);
	memset(&cf, 0, sizeof cf);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	c.public_id = rq->param[0];
	if (json_object_get(root, "version") == NULL ||
	    opt_int(root, "version", 1, INT64_MAX, 0, &version) != ERR_OK)
		rs->message = "version (an integer) is required";
	else if (scope_of(root, &c.scope) != ERR_OK)
		rs->message = "scope must be this, following or series";
	else if (opt_str(root, "start", &c.start) != ERR_OK ||
	         opt_str(root, "end", &c.end) != ERR_OK)
		rs->message = "start and end must be local dates and times, YYYY-MM-DDTHH:MM";
	else if (opt_int(root, "minutes", 5, SCHED_MINUTES_MAX, 0, &minutes) != ERR_OK)
		rs->message = "minutes must be between 5 and 480";
	else if (opt_str(root, "tz", &c.tz) != ERR_OK)
		rs->message = "tz must be an IANA time zone, such as Europe/Berlin";
	else if (opt_id(root, "room", 1, &c.room) != ERR_OK)
		rs->message = "room must be a room id, or \"\" for none";
	else if (opt_id(root, "service", 1, &c.service) != ERR_OK)
		rs->message = "service must be a service id, or \"\" for none";
	else if (opt_str(root, "rrule", &c.rrule) != ERR_OK)
		rs->message = "rrule must be an RFC 5545 RRULE value";
	else if (opt_str(root, "memo", &c.memo) != ERR_OK)
		rs->message = "memo must be text";
	else if (opt_bool(root, "telehealth", -1, &c.telehealth) != ERR_OK ||
	         opt_bool(root, "override", 0, &c.override) != ERR_OK)
		rs->message = "telehealth and override must be true or false";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	c.version = version;
	c.minutes = (int)minutes;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_appt_update(&ctx, &c, &cf, &a, &count);
		e = answer(rq, rs, &ctx, &cf, e);
		api_end(app, &ctx);
	}
	if (e == ERR_OK && rs->status != 409)
		e = send_appt(rs, &a, count, 200);
	appt_cleanup(&a);
	json_decref(root);
	return e;
}

enum err api_appt_status(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"version", "status", "reason", "scope", NULL};
	struct domain_ctx ctx;
	struct appt a;
	const char *status = NULL, *reason = NULL;
	long long version = 0;
	size_t count = 0;
	void *root = NULL;
	int scope = SCHED_THIS;
	enum err e;

	memset(&a, 0, sizeof a);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	if (json_object_get(root, "version") == NULL ||
	    opt_int(root, "version", 1, INT64_MAX, 0, &version) != ERR_OK)
		rs->message = "version (an integer) is required";
	else if (opt_str(root, "status", &status) != ERR_OK || sched_status_of(status) < 0)
		rs->message = "status must be scheduled, confirmed, arrived, completed, "
		              "cancelled_by_client, cancelled_by_clinician, late_cancel or no_show";
	else if (opt_str(root, "reason", &reason) != ERR_OK)
		rs->message = "reason must be text";
	else if (scope_of(root, &scope) != ERR_OK)
		rs->message = "scope must be this, following or series";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_appt_status(&ctx, rq->param[0], version, sched_status_of(status), reason,
		                       scope, &a, &count);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_appt(rs, &a, count, 200);
	appt_cleanup(&a);
	json_decref(root);
	return e;
}

/* ---- views ------------------------------------------------------------- */

/* status_mask - "scheduled,confirmed" as bits; 0 and ERR_INVAL if a name
 * is unknown. */
static enum err status_mask(const char *s, unsigned *out)
{
	char name[32];
	size_t n;
	int st;

	*out = 0;
	while (s != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');

		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == 0 || n >= sizeof name)
			return ERR_INVAL;
		memcpy(name, s, n);
		name[n] = '\0';
		st = sched_status_of(name);
		if (st < 0)
			return ERR_INVAL;
		*out |= 1u << st;
		s = comma != NULL ? comma + 1 : s + n;
	}
	return ERR_OK;
}

/* send_view - {view, tz, from, to, from_utc, to_utc, appointments: [...],
 * truncated} for the n rows of a view (names[i]: the first client's name,
 * or NULL when the actor may not see it). */
static enum err send_view(struct http_response *rs, const struct sched_view_req *q,
                          const struct appt *rows, char *const *names, size_t n, int64_t from,
                          int64_t to, int truncated)
{
	static const char *const views[] = {"day", "week", "month"};
	struct jw w;
	size_t i;

	jw_init(&w, &rs->body);
	jw_reserve(&w, 256 + n * APPT_JSON_BYTES);
	jw_object_begin(&w);
	jw_kstring(&w, "view", views[q->view]);
	jw_kstring(&w, "tz", q->tz);
	jw_key(&w, "from");
	local_write(&w, q->tz, from);
	jw_key(&w, "to");
	local_write(&w, q->tz, to);
	jw_ktime(&w, "from_utc", from);
	jw_ktime(&w, "to_utc", to);
	jw_karray_begin(&w, "appointments");
	for (i = 0; i < n; i++) {
		jw_object_begin(&w);
		appt_members(&w, &rows[i], q->tz, rows[i].client_public_id, names[i]);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_kbool(&w, "truncated", truncated);
	jw_object_end(&w);
	return jw_finish(&w);
}

enum err api_schedule_view(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *view = http_request_query(rq, "view");
	const char *lim = http_request_query(rq, "limit");
	struct sched_view_req q;
	struct appt *rows;
	struct domain_ctx ctx;
	char **names;
	int64_t from = 0, to = 0;
	size_t limit = VIEW_LIMIT_DEFAULT, n = 0;
	int truncated = 0;
	enum err e;

	memset(&q, 0, sizeof q);
	q.date = http_request_query(rq, "date");
	q.tz = http_request_query(rq, "tz");
	q.clinician = http_request_query(rq, "clinician");
	q.room = http_request_query(rq, "room");
	if (view == NULL || strcmp(view, "week") == 0)
		q.view = 1;
	else if (strcmp(view, "day") == 0)
		q.view = 0;
	else if (strcmp(view, "month") == 0)
		q.view = 2;
	else
		rs->message = "view must be day, week or month";
	if (rs->message == NULL && lim != NULL) {
		char *end;
		long v = strtol(lim, &end, 10);

		if (*lim < '0' || *lim > '9' || *end != '\0' || v < 1 || v > SCHED_VIEW_MAX)
			rs->message = "limit must be between 1 and 2000";
		limit = (size_t)v;
	}
	if (rs->message == NULL && ((q.clinician != NULL && !api_public_id_ok(q.clinician)) ||
	                            (q.room != NULL && !api_public_id_ok(q.room))))
		rs->message = "clinician and room must be ids";
	if (rs->message == NULL &&
	    status_mask(http_request_query(rq, "status"), &q.status_mask) != ERR_OK)
		rs->message = "status must be a comma-separated list of statuses";
	if (rs->message != NULL)
		return ERR_INVAL;
	/* Not zeroed: the store fills each row it returns, the domain each
	 * name, and only those are read or cleaned (zeroing room for the
	 * default 501 rows was a fifth of a week view's instructions). */
	rows = mem_malloc_array(limit + 1, sizeof *rows);
	names = mem_malloc_array(limit, sizeof *names);
	if (rows == NULL || names == NULL) {
		free(rows);
		free(names);
		return ERR_NOMEM;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_sched_view(&ctx, &q, rows, names, limit, &n, &from, &to, &truncated);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = send_view(rs, &q, rows, names, n, from, to, truncated);
	sched_view_cleanup(rows, names, n);
	free(rows);
	free(names);
	return e;
}

/* ---- availability ------------------------------------------------------- */

enum err api_free_slots(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *m = http_request_query(rq, "minutes");
	const char *c = http_request_query(rq, "count");
	const char *tz = http_request_query(rq, "tz");
	int64_t slots[SCHED_SLOTS_MAX];
	char zone[RECUR_TZID_MAX] = "UTC";
	struct domain_ctx ctx;
	long minutes = 50, count = 5;
	size_t n = 0, i;
	json_t *arr;
	char *end;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (m != NULL && (minutes = strtol(m, &end, 10), *m < '0' || *m > '9' || *end != '\0'))
		minutes = -1;
	if (c != NULL && (count = strtol(c, &end, 10), *c < '0' || *c > '9' || *end != '\0'))
		count = -1;
	if (minutes < 5 || minutes > SCHED_MINUTES_MAX)
		rs->message = "minutes must be between 5 and 480";
	else if (count < 1 || count > SCHED_SLOTS_MAX)
		rs->message = "count must be between 1 and 50";
	else if (tz != NULL && !recur_zone_ok(tz))
		rs->message = "tz must be an IANA time zone, such as Europe/Berlin";
	if (rs->message != NULL)
		return ERR_INVAL;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_free_slots(&ctx, rq->param[0], (int)minutes,
		                      http_request_query(rq, "from"), slots, (size_t)count, &n,
		                      zone);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	if (tz == NULL)
		tz = zone;
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(
		        arr, json_pack("{s:o,s:o,s:o,s:o}", "start", api_time_json(slots[i]), "end",
		                       api_time_json(slots[i] + minutes * 60), "local_start",
		                       local_json(tz, slots[i]), "local_end",
		                       local_json(tz, slots[i] + minutes * 60)));
	if (arr == NULL)
		return ERR_NOMEM;
	return api_json_send(rs, json_pack("{s:s,s:I,s:o}", "tz", tz, "minutes",
	                                   (json_int_t)minutes, "slots", arr));
}

/* hhmm - "HH:MM" (00:00..24:00) as minutes, or -1. */
static int hhmm(const char *s)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static enum err send_hours(struct http_response *rs, const struct work_span *w, size_t n)
{
	json_t *arr = json_array();
	char a[6], b[6];
	size_t i;

	if (arr == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof a, "%02u:%02u", (unsigned)w[i].start_minute / 60 % 100u,
		         (unsigned)w[i].start_minute % 60u);
		snprintf(b, sizeof b, "%02u:%02u", (unsigned)w[i].end_minute / 60 % 100u,
		         (unsigned)w[i].end_minute % 60u);
		json_array_append_new(arr,
		                      json_pack("{s:s,s:s,s:s}", "day", day_names[w[i].weekday],
		                                "start", a, "end", b));
	}
	return api_json_send(rs,
	                     json_pack("{s:o,s:o}", "tz",
	                               n > 0 ? json_string(w[0].tzid) : json_null(), "hours", arr));
}

enum err api_hours_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct work_span w[SCHED_SPANS_MAX];
	struct domain_ctx ctx;
	size_t n = 0;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_hours_get(&ctx, rq->param[0], w, SCHED_SPANS_MAX, &n);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	return e == ERR_OK ? send_hours(rs, w, n) : e;
}

enum err api_hours_set(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"tz", "hours", NULL};
	static const char *const span_keys[] = {"day", "start", "end"};
	struct work_span w[SCHED_SPANS_MAX];
	struct domain_ctx ctx;
	const char *tz = NULL;
	void *root = NULL;
	json_t *hours, *x;
	size_t i, n = 0, k;
	enum err e;

	memset(w, 0, sizeof w);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	hours = json_object_get(root, "hours");
	if (opt_str(root, "tz", &tz) != ERR_OK || tz == NULL || strlen(tz) >= STORE_TZID_MAX)
		rs->message = "tz must be an IANA time zone, such as Europe/Berlin";
	else if (!json_is_array(hours) || json_array_size(hours) > SCHED_SPANS_MAX)
		rs->message = "hours must be a list of at most 28 {day, start, end}";
	json_array_foreach(rs->message == NULL ? hours : NULL, i, x)
	{
		const char *day = NULL;

		if (!json_is_object(x) || json_object_size(x) != 3)
			break;
		for (k = 0; k < 3 && json_object_get(x, span_keys[k]) != NULL; k++)
			;
		if (k < 3 || opt_str(x, "day", &day) != ERR_OK || day == NULL)
			break;
		for (k = 0; k < 7 && strcmp(day_names[k], day) != 0; k++)
			;
		w[n].weekday = (int)k;
		w[n].start_minute = hhmm(json_string_value(json_object_get(x, "start")));
		w[n].end_minute = hhmm(json_string_value(json_object_get(x, "end")));
		if (k == 7 || w[n].start_minute < 0 || w[n].end_minute < 0)
			break;
		memcpy(w[n].tzid, tz, strlen(tz) + 1);
		n++;
	}
	if (rs->message == NULL && n != json_array_size(hours))
		rs->message = "each span needs a day (sun..sat) and start and end (HH:MM)";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_hours_set(&ctx, rq->param[0], w, n);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	json_decref(root);
	return e == ERR_OK ? send_hours(rs, w, n) : e;
}

enum err api_time_off_add(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"start", "end", "tz", NULL};
	struct domain_ctx ctx;
	const char *start = NULL, *end = NULL, *tz = NULL;
	char pid[33] = "";
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	if (opt_str(root, "start", &start) != ERR_OK || opt_str(root, "end", &end) != ERR_OK ||
	    start == NULL || end == NULL || opt_str(root, "tz", &tz) != ERR_OK) {
		rs->message = "start, end (local, YYYY-MM-DDTHH:MM) and tz are required";
		json_decref(root);
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_time_off_add(&ctx, rq->param[0], start, end, tz, pid);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e != ERR_OK)
		return e;
	rs->status = 201;
	return api_json_send(rs, json_pack("{s:s}", "id", pid));
}

/* ---- services and rooms -------------------------------------------------- */

static enum err labels(struct app *app, const struct http_request *rq, struct http_response *rs,
                       int room)
{
	struct sched_label *l;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	l = mem_calloc_array(LABELS_MAX, sizeof *l);
	if (l == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = room ? domain_room_list(&ctx, l, LABELS_MAX, &n)
		         : domain_service_list(&ctx, l, LABELS_MAX, &n);
		api_end(app, &ctx);
	}
	arr = e == ERR_OK ? json_array() : NULL;
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(
		        arr, room ? json_pack("{s:s,s:s}", "id", l[i].public_id, "name", l[i].name)
		                  : json_pack("{s:s,s:s,s:s,s:i}", "id", l[i].public_id, "name",
		                              l[i].name, "cpt_code", l[i].cpt_code, "minutes",
		                              l[i].default_minutes));
	free(l);
	if (e != ERR_OK)
		return e;
	if (arr == NULL)
		return ERR_NOMEM;
	return api_json_send(rs, json_pack("{s:o}", room ? "rooms" : "services", arr));
}

enum err api_service_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return labels(app, rq, rs, 0);
}

enum err api_room_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return labels(app, rq, rs, 1);
}

static enum err label_add(struct app *app, const struct http_request *rq, struct http_response *rs,
                          int room)
{
	static const char *const service_keys[] = {"name", "cpt_code", "minutes", NULL};
	static const char *const room_keys[] = {"name", NULL};
	struct sched_label l;
	struct domain_ctx ctx;
	const char *name = NULL, *cpt = NULL;
	long long minutes = 0;
	void *root = NULL;
	enum err e;

	memset(&l, 0, sizeof l);
	e = api_json_object(rq, rs, room ? room_keys : service_keys, &root);
	if (e != ERR_OK)
		return e;
	if (opt_str(root, "name", &name) != ERR_OK || name == NULL || strlen(name) >= sizeof l.name)
		rs->message = "name must be 1 to 80 characters";
	else if (!room && (opt_str(root, "cpt_code", &cpt) != ERR_OK || cpt == NULL ||
	                   strlen(cpt) >= sizeof l.cpt_code))
		rs->message = "cpt_code must be a 5-character CPT code, such as 90834";
	else if (!room && (json_object_get(root, "minutes") == NULL ||
	                   opt_int(root, "minutes", 5, SCHED_MINUTES_MAX, 0, &minutes) != ERR_OK))
		rs->message = "minutes must be between 5 and 480";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	memcpy(l.name, name, strlen(name) + 1);
	if (cpt != NULL)
		memcpy(l.cpt_code, cpt, strlen(cpt) + 1);
	l.default_minutes = (int)minutes;
	json_decref(root);
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = room ? domain_room_add(&ctx, &l) : domain_service_add(&ctx, &l);
		e = answer(rq, rs, &ctx, NULL, e);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	rs->status = 201;
	return api_json_send(rs, room ? json_pack("{s:s,s:s}", "id", l.public_id, "name", l.name)
	                              : json_pack("{s:s,s:s,s:s,s:i}", "id", l.public_id, "name",
	                                          l.name, "cpt_code", l.cpt_code, "minutes",
	                                          l.default_minutes));
}

enum err api_service_add(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return label_add(app, rq, rs, 0);
}

enum err api_room_add(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return label_add(app, rq, rs, 1);
}

/* ---- shared with api/time_off.c ------------------------------------------ */

json_t *api_sched_local_json(const char *tz, int64_t t)
{
	return local_json(tz, t);
}
