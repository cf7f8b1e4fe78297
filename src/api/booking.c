/*
 * booking.c - the waitlist and booking requests over HTTP (domain rules in
 * domain/booking.h; bodies in docs/api.md). Never: echoes input in an
 * error, or shows a name or note to anyone the domain did not open it for.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/remind.h"
#include "core/mem.h"
#include "domain/booking.h"

static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const char *const tele_names[] = {"no", "yes", "either"};

/* minute_of - "HH:MM" as minutes from midnight ("24:00" is 1440); -1 if bad. */
static int minute_of(const char *s)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' ||
	    s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* days_of - a list of day names as bits; ERR_INVAL if not. */
static enum err days_of(json_t *v, unsigned *out)
{
	size_t i, k;
	json_t *d;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return ERR_OK;
	if (!json_is_array(v))
		return ERR_INVAL;
	json_array_foreach(v, i, d)
	{
		for (k = 0; k < 7 &&
		            !(json_is_string(d) && strcmp(json_string_value(d), day_names[k]) == 0);
		     k++)
			;
		if (k == 7)
			return ERR_INVAL;
		*out |= 1u << k;
	}
	return ERR_OK;
}

static json_t *days_json(unsigned days)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; a != NULL && k < 7; k++)
		if (days & (1u << k))
			json_array_append_new(a, json_string(day_names[k]));
	return a;
}

static json_t *hhmm(int minute)
{
	char s[24];

	snprintf(s, sizeof s, "%02d:%02d", (minute / 60) % 100, minute % 60);
	return json_string(s);
}

/* str_opt - a string or null member; ERR_INVAL for another type. */
static enum err str_opt(json_t *o, const char *name, const char **out)
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

static int id_or_null(const char *s)
{
	return s == NULL || api_public_id_ok(s);
}

/* version_of - the required "version" integer. */
static enum err version_of(json_t *o, long long *out)
{
	json_t *v = json_object_get(o, "version");

	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return ERR_INVAL;
	*out = json_integer_value(v);
	return ERR_OK;
}

/* ---- waitlist -------------------------------------------------------------- */

static json_t *entry_json(const struct waitlist_entry *w, const char *name)
{
	json_t *o = json_pack(
	        "{s:s,s:s,s:o,s:o,s:o,s:s,s:o,s:s}", "id", w->public_id, "client",
	        w->client_public_id, "clinician",
	        w->clinician_public_id[0] ? json_string(w->clinician_public_id) : json_null(),
	        "days", days_json(w->days), "earliest", hhmm(w->earliest_minute), "telehealth",
	        tele_names[w->telehealth % 3], "created_at", api_time_json(w->created_at), "status",
	        w->status == 0 ? "waiting" : "removed");

	if (o != NULL) {
		json_object_set_new(o, "latest", hhmm(w->latest_minute));
		if (name != NULL)
			json_object_set_new(o, "client_name", json_string(name));
		if (w->note != NULL)
			json_object_set_new(o, "note", json_string(w->note));
	}
	return o;
}

enum err api_waitlist_add(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"client", "clinician",  "days", "earliest",
	                                      "latest", "telehealth", "note", NULL};
	struct waitlist_req r;
	struct waitlist_entry w;
	struct domain_ctx ctx;
	const char *earliest = NULL, *latest = NULL, *tele = NULL;
	void *root = NULL;
	size_t k;
	enum err e;

	memset(&r, 0, sizeof r);
	memset(&w, 0, sizeof w);
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	r.telehealth = 2;
	if (str_opt(root, "client", &r.client) != ERR_OK || r.client == NULL ||
	    !api_public_id_ok(r.client))
		rs->message = "client (a client id) is required";
	else if (str_opt(root, "clinician", &r.clinician) != ERR_OK || !id_or_null(r.clinician))
		rs->message = "clinician must be a user id (or null: any clinician)";
	else if (days_of(json_object_get(root, "days"), &r.days) != ERR_OK)
		rs->message = "days must list weekdays: sun, mon, tue, wed, thu, fri, sat";
	else if (str_opt(root, "earliest", &earliest) != ERR_OK ||
	         str_opt(root, "latest", &latest) != ERR_OK ||
	         (r.earliest_minute = earliest ? minute_of(earliest) : 0) < 0 ||
	         (r.latest_minute = latest ? minute_of(latest) : 1440) < 0)
		rs->message = "earliest and latest must be times HH:MM";
	else if (str_opt(root, "telehealth", &tele) != ERR_OK)
		rs->message = "telehealth must be yes, no or either";
	else if (str_opt(root, "note", &r.note) != ERR_OK)
		rs->message = "note must be text";
	if (rs->message == NULL && tele != NULL) {
		for (k = 0; k < 3 && strcmp(tele, tele_names[k]) != 0; k++)
			;
		if (k == 3)
			rs->message = "telehealth must be yes, no or either";
		r.telehealth = (int)k;
	}
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	API_CALL(app, rq, rs, ctx, domain_waitlist_add(&ctx, &r, &w));
	json_decref(root);
	if (e != ERR_OK)
		return e;
	rs->status = 201;
	e = api_json_send(rs, entry_json(&w, NULL));
	waitlist_entry_cleanup(&w);
	return e;
}

enum err api_waitlist_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct waitlist_entry *w;
	char **names;
	const char *clinician = http_request_query(rq, "clinician");
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (clinician != NULL && !api_public_id_ok(clinician)) {
		rs->message = "clinician must be a user id";
		return ERR_INVAL;
	}
	w = mem_calloc_array(WAITLIST_SHOWN_MAX, sizeof *w);
	names = mem_calloc_array(WAITLIST_SHOWN_MAX, sizeof *names);
	if (w == NULL || names == NULL) {
		free(w);
		free(names);
		return ERR_NOMEM;
	}
	API_CALL(app, rq, rs, ctx,
	         domain_waitlist_list(&ctx, clinician, w, names, WAITLIST_SHOWN_MAX, &n));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, entry_json(&w[i], names[i]));
		e = api_json_send(rs, json_pack("{s:o}", "waitlist", arr));
		domain_waitlist_list_cleanup(w, names, n);
	}
	free(w);
	free(names);
	return e;
}

enum err api_waitlist_remove(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_waitlist_remove(&ctx, rq->param[0]));
	if (e != ERR_OK)
		return e;
	return api_json_send(rs, json_pack("{s:s,s:s}", "id", rq->param[0], "status", "removed"));
}

/* ---- booking requests ------------------------------------------------------ */

static json_t *request_json(const struct booking_request *r)
{
	char start[20];
	json_t *o;

	snprintf(start, sizeof start, "%.16s", r->start_local); /* YYYY-MM-DDTHH:MM */
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:i,s:b,s:s,s:I,s:o}", "id", r->public_id, "client",
	              r->client_public_id, "clinician", r->clinician_public_id, "start", start,
	              "tz", r->tzid, "start_utc", api_time_json(r->starts_at), "minutes",
	              r->minutes, "telehealth", r->telehealth, "status",
	              domain_booking_status_name(r->status), "version", (json_int_t)r->version,
	              "created_at", api_time_json(r->created_at));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "service",
	                    r->service_public_id[0] ? json_string(r->service_public_id)
	                                            : json_null());
	if (r->appointment_public_id[0])
		json_object_set_new(o, "appointment", json_string(r->appointment_public_id));
	if (r->decided_at)
		json_object_set_new(o, "decided_at", api_time_json(r->decided_at));
	if (r->message != NULL)
		json_object_set_new(o, "message", json_string(r->message));
	if (r->reason != NULL)
		json_object_set_new(o, "reason", json_string(r->reason));
	return o;
}

enum err api_booking_create(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	static const char *const allowed[] = {"client",  "clinician",  "start",   "tz", "minutes",
	                                      "service", "telehealth", "message", NULL};
	struct booking_req r;
	struct booking_request out;
	struct domain_ctx ctx;
	json_t *v;
	void *root = NULL;
	enum err e;

	memset(&r, 0, sizeof r);
	memset(&out, 0, sizeof out);
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	v = json_object_get(root, "minutes");
	if (str_opt(root, "client", &r.client) != ERR_OK || r.client == NULL ||
	    !api_public_id_ok(r.client))
		rs->message = "client (a client id) is required";
	else if (str_opt(root, "clinician", &r.clinician) != ERR_OK || r.clinician == NULL ||
	         !api_public_id_ok(r.clinician))
		rs->message = "clinician (a user id) is required";
	else if (str_opt(root, "start", &r.start) != ERR_OK || r.start == NULL)
		rs->message = "start must be a local date and time, YYYY-MM-DDTHH:MM";
	else if (str_opt(root, "tz", &r.tz) != ERR_OK || r.tz == NULL)
		rs->message = "tz must be an IANA time zone, such as Europe/Berlin";
	else if (v != NULL &&
	         (!json_is_integer(v) || json_integer_value(v) < 5 || json_integer_value(v) > 480))
		rs->message = "minutes must be between 5 and 480";
	else if (str_opt(root, "service", &r.service) != ERR_OK || !id_or_null(r.service))
		rs->message = "service must be a service id";
	else if (json_object_get(root, "telehealth") != NULL &&
	         !json_is_boolean(json_object_get(root, "telehealth")))
		rs->message = "telehealth must be true or false";
	else if (str_opt(root, "message", &r.message) != ERR_OK)
		rs->message = "message must be text";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	r.minutes = v != NULL ? (int)json_integer_value(v) : 0;
	r.telehealth = json_is_true(json_object_get(root, "telehealth"));
	API_CALL(app, rq, rs, ctx, domain_booking_request(&ctx, &r, &out));
	json_decref(root);
	if (e != ERR_OK)
		return e;
	rs->status = 201;
	e = api_json_send(rs, request_json(&out));
	booking_request_cleanup(&out);
	return e;
}

enum err api_booking_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *st = http_request_query(rq, "status");
	struct booking_request *r;
	struct domain_ctx ctx;
	size_t n = 0, i;
	int status = -1;
	json_t *arr;
	enum err e;

	if (st != NULL && (status = domain_booking_status_of(st)) < 0) {
		rs->message = "status must be pending, approved or declined";
		return ERR_INVAL;
	}
	r = mem_calloc_array(BOOKING_SHOWN_MAX, sizeof *r);
	if (r == NULL)
		return ERR_NOMEM;
	API_CALL(app, rq, rs, ctx, domain_booking_list(&ctx, status, r, BOOKING_SHOWN_MAX, &n));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, request_json(&r[i]));
		e = api_json_send(rs, json_pack("{s:o}", "requests", arr));
		for (i = 0; i < n; i++)
			booking_request_cleanup(&r[i]);
	}
	free(r);
	return e;
}

enum err api_booking_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct booking_request r;
	struct domain_ctx ctx;
	enum err e;

	memset(&r, 0, sizeof r);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_booking_get(&ctx, rq->param[0], &r));
	if (e != ERR_OK)
		return e;
	e = api_json_send(rs, request_json(&r));
	booking_request_cleanup(&r);
	return e;
}

enum err api_booking_approve(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	static const char *const allowed[] = {"version", "override", NULL};
	struct sched_conflicts cf;
	struct domain_ctx ctx;
	struct appt a;
	long long version = 0;
	void *root = NULL;
	json_t *arr;
	size_t i;
	enum err e;

	memset(&a, 0, sizeof a);
	memset(&cf, 0, sizeof cf);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	if (version_of(root, &version) != ERR_OK)
		rs->message = "version (an integer) is required";
	else if (json_object_get(root, "override") != NULL &&
	         !json_is_boolean(json_object_get(root, "override")))
		rs->message = "override must be true or false";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	API_CALL(app, rq, rs, ctx,
	         domain_booking_approve(&ctx, rq->param[0], version,
	                                json_is_true(json_object_get(root, "override")), &cf, &a));
	json_decref(root);
	if (e == ERR_CONFLICT && cf.n > 0) {
		arr = json_array();
		for (i = 0; arr != NULL && i < cf.n; i++)
			json_array_append_new(arr,
			                      json_pack("{s:s,s:o,s:o}", "with", cf.c[i].who,
			                                "start", api_time_json(cf.c[i].starts_at),
			                                "end", api_time_json(cf.c[i].ends_at)));
		rs->status = 409;
		return api_json_send(rs, json_pack("{s:s,s:s,s:s,s:o}", "error", "conflict",
		                                   "message", cf.message, "request_id",
		                                   rq->request_id, "conflicts", arr));
	}
	if (e != ERR_OK)
		return e;
	e = api_json_send(
	        rs,
	        json_pack("{s:s,s:s,s:o}", "id", rq->param[0], "status", "approved", "appointment",
	                  json_pack("{s:s,s:o,s:o}", "id", a.public_id, "start",
	                            api_time_json(a.starts_at), "end", api_time_json(a.ends_at))));
	appt_cleanup(&a);
	return e;
}

enum err api_booking_decline(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	static const char *const allowed[] = {"version", "reason", NULL};
	struct domain_ctx ctx;
	const char *reason = NULL;
	long long version = 0;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	if (version_of(root, &version) != ERR_OK)
		rs->message = "version (an integer) is required";
	else if (str_opt(root, "reason", &reason) != ERR_OK || reason == NULL || reason[0] == '\0')
		rs->message = "reason is required (text of at most 500 bytes)";
	if (rs->message != NULL) {
		json_decref(root);
		return ERR_INVAL;
	}
	API_CALL(app, rq, rs, ctx, domain_booking_decline(&ctx, rq->param[0], version, reason));
	json_decref(root);
	if (e != ERR_OK)
		return e;
	return api_json_send(rs, json_pack("{s:s,s:s}", "id", rq->param[0], "status", "declined"));
}
