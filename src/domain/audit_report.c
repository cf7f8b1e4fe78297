/*
 * audit_report.c - reading the audit trail: search, access reports,
 * breach-impact reports, and their CSV and time formats.
 *
 * Each read is one transaction: the query and the event that records it
 * commit together, so nobody reads the trail without leaving a trace.
 * Never: accepts free text as a filter (every filter passes audit_id_ok),
 * or puts anything but ids, counts and times in a report.
 */
#include "domain/audit_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/mem.h"

void audit_breach_cleanup(struct audit_breach *b)
{
	free(b->clients);
	memset(b, 0, sizeof *b);
}

/* may_read - may the actor read the trail? The system (CLI, role 0), the
 * owner and the auditor may read all of it; a client may read the access
 * report of their own record (self is that record's row id, or 0). */
static int may_read(const struct domain_ctx *ctx, int64_t self)
{
	if (ctx->role == 0 || (ctx->role & (ROLE_OWNER | ROLE_AUDITOR)) != 0)
		return 1;
	return self != 0 && ctx->role == ROLE_CLIENT && ctx->client_self == self;
}

/* filter_ok - every string of f is an id and the window is the right way
 * round. */
static enum err filter_ok(struct domain_ctx *ctx, const struct audit_filter *f)
{
	if (!audit_id_ok(f->actor) || !audit_id_ok(f->client) || !audit_id_ok(f->event) ||
	    !audit_id_ok(f->session) || !audit_id_ok(f->source)) {
		ctx->message = "filters must be ids, event names or addresses";
		return ERR_INVAL;
	}
	if (f->from < 0 || f->to < 0 || f->before < 0 || (f->to > 0 && f->from > f->to)) {
		ctx->message = "from must not be after to";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* finish - record the read in its transaction and commit; on failure roll
 * back and free the records read. */
static enum err finish(struct domain_ctx *ctx, enum audit_event ev, enum err e, int64_t client_id,
                       const char *object_type, const char *object_id, struct audit_record *out,
                       size_t n)
{
	char detail[32];
	size_t i;

	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", n);
		e = domain_emit(ctx, ev, client_id, object_type, object_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		for (i = 0; i < n; i++)
			audit_record_cleanup(&out[i]);
	}
	return e;
}

enum err domain_audit_search(struct domain_ctx *ctx, const struct audit_filter *f, size_t limit,
                             struct audit_record *out, size_t *n)
{
	int64_t client_id = 0;
	size_t k = 0;
	enum err e;

	if (limit < 1 || limit > STORE_LIST_MAX) {
		ctx->message = "limit must be between 1 and 200";
		return ERR_INVAL;
	}
	e = filter_ok(ctx, f);
	if (e != ERR_OK)
		return e;
	if (!may_read(ctx, 0)) {
		domain_audit_refusal(ctx, AUDIT_AUDIT_SEARCH, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	if (f->client != NULL) {
		e = store_client_id_of(ctx->store, f->client, &client_id);
		if (e == ERR_NOTFOUND) /* nothing to find; still recorded */
			e = ERR_OK;
	}
	if (e == ERR_OK)
		e = store_audit_search(ctx->store, f, limit, out, &k);
	e = finish(ctx, AUDIT_AUDIT_SEARCH, e, client_id, client_id ? "client" : "",
	           client_id ? f->client : "", out, e == ERR_OK ? k : 0);
	if (e == ERR_OK)
		*n = k;
	return e;
}

/* drop_pnote_events - psychotherapy notes stay out of the portal, their
 * existence included (HIPAA 164.501; docs/decisions.md): a client's own
 * access report leaves out their events. Returns the records kept. */
static size_t drop_pnote_events(struct audit_record *out, size_t n)
{
	static const char prefix[] = "psychotherapy_note.";
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (out[i].event != NULL && strncmp(out[i].event, prefix, sizeof prefix - 1) == 0) {
			audit_record_cleanup(&out[i]);
			continue;
		}
		if (k != i) {
			out[k] = out[i];
			memset(&out[i], 0, sizeof out[i]);
		}
		k++;
	}
	return k;
}

enum err domain_audit_access_report(struct domain_ctx *ctx, const char *client, int64_t before,
                                    size_t limit, struct audit_record *out, size_t *n)
{
	struct audit_filter f;
	int64_t client_id = 0;
	size_t k = 0;
	enum err e;

	memset(&f, 0, sizeof f);
	f.client = client;
	f.before = before;
	if (client == NULL || client[0] == '\0') {
		ctx->message = "a client id is required";
		return ERR_INVAL;
	}
	if (limit < 1 || limit > STORE_LIST_MAX) {
		ctx->message = "limit must be between 1 and 200";
		return ERR_INVAL;
	}
	e = filter_ok(ctx, &f);
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client, &client_id);
	if (e == ERR_OK && !may_read(ctx, client_id))
		e = ERR_DENIED;
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		/* Refused either way, and the same answer for both, so a
		 * caller cannot learn whether the client exists. */
		domain_audit_refusal(ctx, AUDIT_AUDIT_ACCESS_REPORT, 0, e);
		return e == ERR_DENIED ? ERR_NOTFOUND : e;
	}
	e = store_audit_search(ctx->store, &f, limit, out, &k);
	if (e == ERR_OK && ctx->role == ROLE_CLIENT)
		k = drop_pnote_events(out, k);
	e = finish(ctx, AUDIT_AUDIT_ACCESS_REPORT, e, client_id, "client", client, out,
	           e == ERR_OK ? k : 0);
	if (e == ERR_OK)
		*n = k;
	return e;
}

/* add_touch - collect one client of a breach report. */
static enum err add_touch(void *arg, const struct audit_touch *t)
{
	struct audit_breach *b = arg;
	struct audit_touch *grown;
	size_t cap;

	b->events += t->events;
	if (t->client[0] == '\0') {
		b->unattributed += t->events;
		return ERR_OK;
	}
	if (b->n == b->cap) {
		if (b->cap >= AUDIT_REPORT_CLIENTS_MAX)
			return ERR_TOOBIG;
		cap = b->cap ? b->cap * 2 : 64;
		if (cap > AUDIT_REPORT_CLIENTS_MAX)
			cap = AUDIT_REPORT_CLIENTS_MAX;
		grown = mem_calloc_array(cap, sizeof *grown);
		if (grown == NULL)
			return ERR_NOMEM;
		if (b->n > 0)
			memcpy(grown, b->clients, b->n * sizeof *grown);
		free(b->clients);
		b->clients = grown;
		b->cap = cap;
	}
	b->clients[b->n++] = *t;
	return ERR_OK;
}

enum err domain_audit_breach_report(struct domain_ctx *ctx, const struct audit_filter *f,
                                    struct audit_breach *out)
{
	struct audit_breach b;
	const char *object_type = "", *object_id = "";
	char detail[64];
	enum err e;

	memset(&b, 0, sizeof b);
	e = filter_ok(ctx, f);
	if (e != ERR_OK)
		return e;
	if (f->actor == NULL && f->session == NULL && f->source == NULL) {
		ctx->message = "give an actor, a session or a source address";
		return ERR_INVAL;
	}
	if (!may_read(ctx, 0)) {
		domain_audit_refusal(ctx, AUDIT_AUDIT_BREACH_REPORT, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	if (f->actor != NULL) {
		object_type = "user";
		object_id = f->actor;
	} else if (f->session != NULL) {
		object_type = "session";
		object_id = f->session;
	} else {
		object_type = "source";
		object_id = f->source;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_audit_touched(ctx->store, f, add_touch, &b);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "clients=%zu events=%lld", b.n,
		         (long long)b.events);
		e = domain_emit(ctx, AUDIT_AUDIT_BREACH_REPORT, 0, object_type, object_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		audit_breach_cleanup(&b);
		if (e == ERR_TOOBIG)
			ctx->message = "too many clients; narrow the time window";
		return e;
	}
	*out = b;
	return ERR_OK;
}

/* ---- formats ---------------------------------------------------------------- */

enum err domain_csv_field(struct buf *out, const char *s)
{
	const char *p;
	enum err e;

	if (strpbrk(s, ",\"\r\n") == NULL)
		return buf_puts(out, s);
	e = buf_append(out, "\"", 1);
	for (p = s; e == ERR_OK && *p; p++)
		e = *p == '"' ? buf_append(out, "\"\"", 2) : buf_append(out, p, 1);
	if (e == ERR_OK)
		e = buf_append(out, "\"", 1);
	return e;
}

enum err domain_audit_breach_csv(const struct audit_breach *b, struct buf *out)
{
	char first[AUDIT_TIME_LEN], last[AUDIT_TIME_LEN], count[24];
	size_t i;
	enum err e;

	e = buf_puts(out, "client,events,first,last\r\n");
	for (i = 0; e == ERR_OK && i < b->n; i++) {
		const struct audit_touch *t = &b->clients[i];

		domain_time_format(t->first, first);
		domain_time_format(t->last, last);
		snprintf(count, sizeof count, "%lld", (long long)t->events);
		e = domain_csv_field(out, t->client);
		if (e == ERR_OK)
			e = buf_append(out, ",", 1);
		if (e == ERR_OK)
			e = domain_csv_field(out, count);
		if (e == ERR_OK)
			e = buf_append(out, ",", 1);
		if (e == ERR_OK)
			e = domain_csv_field(out, first);
		if (e == ERR_OK)
			e = buf_append(out, ",", 1);
		if (e == ERR_OK)
			e = domain_csv_field(out, last);
		if (e == ERR_OK)
			e = buf_append(out, "\r\n", 2);
	}
	return e;
}

void domain_time_format(int64_t t, char out[AUDIT_TIME_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, AUDIT_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(out, "0000-00-00T00:00:00Z", AUDIT_TIME_LEN);
}

/* digits - n decimal digits at *p (advanced), or -1. */
static long digits(const char **p, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date
 * (H. Hinnant's algorithm). */
static int64_t days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

static int month_days(long y, long m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

/* parse_zone - "Z", "+hh:mm", "+hhmm" or "-..." at p, the whole rest of
 * the string; seconds east of UTC into *off. */
static enum err parse_zone(const char *p, long *off)
{
	long h, m;
	int sign;

	if (p[0] == 'Z' && p[1] == '\0') {
		*off = 0;
		return ERR_OK;
	}
	if (*p != '+' && *p != '-')
		return ERR_INVAL;
	sign = *p++ == '-' ? -1 : 1;
	h = digits(&p, 2);
	if (*p == ':')
		p++;
	m = digits(&p, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59 || *p != '\0')
		return ERR_INVAL;
	*off = sign * (h * 3600 + m * 60);
	return ERR_OK;
}

enum err domain_time_parse(const char *s, int64_t *out)
{
	const char *p = s;
	long y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	size_t n;

	if (s == NULL || *s == '\0')
		return ERR_INVAL;
	n = strspn(s, "0123456789");
	if (s[n] == '\0') {
		long long v = 0;

		if (n > 12)
			return ERR_INVAL;
		for (; *p; p++)
			v = v * 10 + (*p - '0');
		*out = (int64_t)v;
		return ERR_OK;
	}
	y = digits(&p, 4);
	if (y < 0 || *p++ != '-')
		return ERR_INVAL;
	mo = digits(&p, 2);
	if (mo < 1 || mo > 12 || *p++ != '-')
		return ERR_INVAL;
	d = digits(&p, 2);
	if (d < 1 || d > month_days(y, mo) || y < 1970)
		return ERR_INVAL;
	if (*p == 'T' || *p == 't') {
		p++;
		h = digits(&p, 2);
		if (h < 0 || h > 23 || *p++ != ':')
			return ERR_INVAL;
		mi = digits(&p, 2);
		if (mi < 0 || mi > 59)
			return ERR_INVAL;
		if (*p == ':') {
			p++;
			sec = digits(&p, 2);
			if (sec < 0 || sec > 59)
				return ERR_INVAL;
			if (*p == '.' || *p == ',') {
				p++;
				n = strspn(p, "0123456789");
				if (n == 0 || n > 9)
					return ERR_INVAL;
				p += n; /* fractions of a second are dropped */
			}
		}
		if (parse_zone(p, &off) != ERR_OK)
			return ERR_INVAL;
	} else if (*p != '\0') {
		return ERR_INVAL;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return ERR_OK;
}
