/*
 * time_off.c - a clinician's time off: the list of a date range in a zone
 * and removal (see domain/time_off.h). Checks the clinician, who may
 * remove, the dates and the range; emits the audit event in the same
 * transaction. Never: names a client (time off has none) or changes an
 * appointment booked around the time off.
 */
#include "domain/time_off.h"

#include <stdio.h>
#include <string.h>

#include "domain/schedule.h"

#define DAY 86400

static enum err bad(struct domain_ctx *ctx, const char *message)
{
	ctx->message = message;
	return ERR_INVAL;
}

static enum err finish(struct domain_ctx *ctx, enum err e)
{
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* bounds - the UTC instants of local dates from and to in tz (defaults as
 * in domain_time_off_list). */
static enum err bounds(struct domain_ctx *ctx, const char *from, const char *to,
                       struct time_off_range *r)
{
	struct recur_local a, b;

	if (from != NULL) {
		if (recur_date_parse(from, &a) != ERR_OK)
			return bad(ctx, "from must be a date, YYYY-MM-DD");
	} else {
		if (recur_from_utc(r->tz, ctx->now, &a) != ERR_OK)
			return ERR_INVAL;
		a.hour = a.minute = a.second = 0;
	}
	if (to != NULL) {
		if (recur_date_parse(to, &b) != ERR_OK)
			return bad(ctx, "to must be a date, YYYY-MM-DD");
	} else {
		b = a;
		recur_add_days(&b, TIME_OFF_DEFAULT_DAYS);
	}
	if (recur_to_utc(r->tz, &a, &r->from) != ERR_OK ||
	    recur_to_utc(r->tz, &b, &r->to) != ERR_OK)
		return bad(ctx, "from and to must be dates, YYYY-MM-DD");
	if (r->to <= r->from)
		return bad(ctx, "to must be after from");
	if (r->to - r->from > (int64_t)TIME_OFF_RANGE_DAYS * DAY)
		return bad(ctx, "a list covers at most 800 days");
	return ERR_OK;
}

enum err domain_time_off_list(struct domain_ctx *ctx, const char *clinician, const char *from,
                              const char *to, const char *tz, struct time_off *out, size_t max,
                              size_t *n, struct time_off_range *range)
{
	struct work_span spans[SCHED_SPANS_MAX];
	struct time_off_range r;
	int64_t user = 0;
	size_t ns = 0, k = 0;
	char detail[48];
	enum err e;

	memset(&r, 0, sizeof r);
	if (max == 0 || max > TIME_OFF_SHOWN_MAX)
		return ERR_INVAL;
	if (tz != NULL && (strlen(tz) >= sizeof r.tz || !recur_zone_ok(tz)))
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = domain_sched_staff(ctx, clinician, &user);
	if (e == ERR_OK && tz == NULL)
		e = store_hours_get(ctx->store, user, spans, SCHED_SPANS_MAX, &ns);
	if (e == ERR_OK)
		snprintf(r.tz, sizeof r.tz, "%s", tz != NULL ? tz : ns > 0 ? spans[0].tzid : "UTC");
	if (e == ERR_OK)
		e = bounds(ctx, from, to, &r);
	/* one more than asked says whether the list was cut short */
	if (e == ERR_OK)
		e = store_time_off_list(ctx->store, user, r.from, r.to, out, max + 1, &k);
	if (e == ERR_OK && k > max) {
		r.truncated = 1;
		k = max;
	}
	snprintf(detail, sizeof detail, "time_off=%zu", k);
	ctx->purpose = "operations";
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_SCHEDULE_VIEW, 0, "user", clinician, detail);
	e = finish(ctx, e);
	if (e == ERR_OK) {
		*n = k;
		*range = r;
	}
	return e;
}

enum err domain_time_off_remove(struct domain_ctx *ctx, const char *public_id)
{
	struct time_off t;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_time_off_find(ctx->store, public_id, &t);
	if (e == ERR_NOTFOUND)
		ctx->message = "no such time off";
	if (e == ERR_OK)
		e = domain_sched_may_manage_hours(ctx, t.user_id);
	if (e == ERR_OK)
		e = store_time_off_delete(ctx->store, t.id);
	ctx->purpose = "operations";
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_SCHEDULE_SETUP, 0, "time_off", public_id, "removed=1");
	return finish(ctx, e);
}
