/*
 * access_requests.c - requests for a client's own record and their legal
 * deadlines (see export.h): HIPAA 164.524(b)(2) 30 days and one 30-day
 * extension; GDPR Art. 12(3) one month and two further months. Dates are
 * calendar dates (UTC, like every date the domain computes); overdue is
 * decided against the operation's clock (domain/clock.c), so tests move
 * it. Never: puts the extension's reason in an event or a message.
 */
#include "domain/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "domain/dates.h"

/* ---- dates ---------------------------------------------------------- */

/* days_in - days in month m (0-11) of year y. */
static int days_in(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m];
}

/* parse - YYYY-MM-DD into y, m (0-11), d. */
static int parse(const char *s, int *y, int *m, int *d)
{
	if (!domain_date_valid(s))
		return 0;
	*y = (int)strtol(s, NULL, 10);
	*m = (int)strtol(s + 5, NULL, 10) - 1;
	*d = (int)strtol(s + 8, NULL, 10);
	return 1;
}

/* plus_days - date s plus n days. */
static void plus_days(int y, int m, int d, int n, char out[11])
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m;
	tm.tm_mday = d + n;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* plus_months - the same day n months later, or the last day of that
 * month when it has no such day (31 January + 1 month = 28/29 February). */
static void plus_months(int y, int m, int d, int n, char out[11])
{
	int mm = m + n;

	y += mm / 12;
	mm %= 12;
	if (d > days_in(y, mm))
		d = days_in(y, mm);
	plus_days(y, mm, d, 0, out);
}

enum err domain_access_due(const char *jurisdiction, const char *from, int extended, char out[11])
{
	int y, m, d;

	if (!parse(from, &y, &m, &d))
		return ERR_INVAL;
	if (strcmp(jurisdiction, "hipaa") == 0)
		plus_days(y, m, d, extended ? ACCESS_HIPAA_EXTENSION_DAYS : ACCESS_HIPAA_DAYS, out);
	else if (strcmp(jurisdiction, "gdpr") == 0)
		plus_months(y, m, d, extended ? ACCESS_GDPR_EXTENSION_MONTHS : ACCESS_GDPR_MONTHS,
		            out);
	else
		return ERR_INVAL;
	return ERR_OK;
}

/* ---- who may -------------------------------------------------------- */

/* may_track - the client themself, the owner and the privacy officer, or
 * a clinician on the care team (not through break-glass). */
static enum err may_track(struct domain_ctx *ctx, int64_t cid, int *yes)
{
	*yes = 0;
	switch (ctx->role) {
	case 0: *yes = ctx->actor_id == 0; return ERR_OK;
	case ROLE_OWNER:
	case ROLE_AUDITOR: *yes = 1; return ERR_OK;
	case ROLE_CLINICIAN: return store_care_team_reaches(ctx->store, cid, ctx->actor_id, yes);
	case ROLE_CLIENT: *yes = ctx->client_self != 0 && ctx->client_self == cid; return ERR_OK;
	default: return ERR_OK;
	}
}

/* check - may the actor handle client cid's requests? ERR_NOTFOUND after
 * an audited refusal of ev (in its own transaction) if not. */
static enum err check(struct domain_ctx *ctx, int64_t cid, enum audit_event ev)
{
	int yes = 0;
	enum err e = may_track(ctx, cid, &yes);

	if (e != ERR_OK || yes)
		return e;
	domain_audit_refusal(ctx, ev, cid, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* flag - the overdue flag of each request against today. */
static void flag(struct domain_ctx *ctx, struct access_request *r, size_t n)
{
	char today[11];
	size_t i;

	domain_date_today(ctx->now, today);
	for (i = 0; i < n; i++)
		r[i].overdue = r[i].fulfilled_at == 0 && strcmp(today, r[i].due_on) > 0;
}

/* finish - emit ev and commit, or roll back. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t cid,
                       const char *id, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, cid, "access_request", id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* ---- operations ----------------------------------------------------- */

enum err domain_access_request_add(struct domain_ctx *ctx, const char *client_public_id,
                                   struct access_request *r)
{
	char today[11], detail[64];
	int64_t cid = 0;
	enum err e;

	if (strcmp(r->kind, "access") != 0 && strcmp(r->kind, "portability") != 0) {
		ctx->message = "kind must be access or portability";
		return ERR_INVAL;
	}
	if (strcmp(r->jurisdiction, "hipaa") != 0 && strcmp(r->jurisdiction, "gdpr") != 0) {
		ctx->message = "jurisdiction must be hipaa or gdpr";
		return ERR_INVAL;
	}
	domain_date_today(ctx->now, today);
	if (r->received_on[0] != '\0' && ctx->role == ROLE_CLIENT) {
		ctx->message = "received_on is recorded by staff only (yours is today)";
		return ERR_INVAL;
	}
	if (r->received_on[0] != '\0' &&
	    (!domain_date_valid(r->received_on) || strcmp(r->received_on, today) > 0)) {
		ctx->message = "received_on must be a date (YYYY-MM-DD), not in the future";
		return ERR_INVAL;
	}
	if (r->received_on[0] == '\0')
		memcpy(r->received_on, today, sizeof today);
	e = domain_access_due(r->jurisdiction, r->received_on, 0, r->due_on);
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = check(ctx, cid, AUDIT_ACCESS_REQUEST);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	r->client_id = cid;
	r->requested_by = ctx->actor_id;
	snprintf(r->requested_via, sizeof r->requested_via, "%s",
	         ctx->role == ROLE_CLIENT ? "portal" : "staff");
	if (ctx->actor_id == 0) {
		ctx->message = "requests are recorded by a signed-in user";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = store_access_request_add(ctx->store, ctx->vault, r, ctx->now);
	snprintf(detail, sizeof detail, "%s %s", r->kind, r->jurisdiction);
	e = finish(ctx, e, AUDIT_ACCESS_REQUEST, cid, r->public_id, detail);
	if (e != ERR_OK)
		return e;
	snprintf(r->client_public_id, sizeof r->client_public_id, "%s", client_public_id);
	snprintf(r->requested_by_public_id, sizeof r->requested_by_public_id, "%s", ctx->actor);
	flag(ctx, r, 1);
	return ERR_OK;
}

/* keep_reached - drop the requests of clients the actor does not reach
 * (care team, supervision, break-glass): a clinician's practice-wide list
 * is their own clients' requests. */
static enum err keep_reached(struct domain_ctx *ctx, struct access_request *out, size_t *n)
{
	size_t i, k = 0;
	int yes = 0;
	enum err e = ERR_OK;

	for (i = 0; i < *n; i++) {
		if (e == ERR_OK)
			e = domain_reaches_client(ctx, out[i].client_id, &yes);
		if (e == ERR_OK && yes)
			out[k++] = out[i];
		else
			access_request_cleanup(&out[i]);
	}
	*n = e == ERR_OK ? k : 0;
	if (e != ERR_OK)
		for (i = 0; i < k; i++)
			access_request_cleanup(&out[i]);
	return e;
}

enum err domain_access_request_list(struct domain_ctx *ctx, const char *client_public_id,
                                    struct access_request *out, size_t max, size_t *n)
{
	char detail[32];
	int64_t cid = 0;
	size_t i;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	if (client_public_id != NULL) {
		e = store_client_id_of(ctx->store, client_public_id, &cid);
		if (e == ERR_OK)
			e = check(ctx, cid, AUDIT_ACCESS_REQ_READ);
	} else if (ctx->role != ROLE_OWNER && ctx->role != ROLE_AUDITOR && ctx->role != 0 &&
	           ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR) {
		domain_audit_refusal(ctx, AUDIT_ACCESS_REQ_READ, 0, ERR_DENIED);
		e = ERR_DENIED;
	}
	if (e == ERR_OK)
		e = store_access_request_list(ctx->store, ctx->vault, cid, out, max, n);
	if (e == ERR_OK && client_public_id == NULL &&
	    (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR))
		e = keep_reached(ctx, out, n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	snprintf(detail, sizeof detail, "count=%zu", *n);
	e = finish(ctx, ERR_OK, AUDIT_ACCESS_REQ_READ, cid, "", detail);
	if (e != ERR_OK) {
		for (i = 0; i < *n; i++)
			access_request_cleanup(&out[i]);
		*n = 0;
		return e;
	}
	flag(ctx, out, *n);
	return ERR_OK;
}

enum err domain_access_request_extend(struct domain_ctx *ctx, const char *public_id,
                                      const char *reason, struct access_request *out)
{
	struct access_request r;
	char today[11], due[11];
	enum err e;

	if (reason == NULL || reason[0] == '\0' || strlen(reason) > ACCESS_EXTENSION_REASON_MAX ||
	    !domain_text_clean(reason, 1)) {
		ctx->message = "reason is required (the written reason the requester is given), "
		               "at most 1000 bytes, no control characters";
		return ERR_INVAL;
	}
	memset(&r, 0, sizeof r);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_access_request_get(ctx->store, ctx->vault, public_id, 0, &r);
	if (e == ERR_OK)
		e = check(ctx, r.client_id, AUDIT_ACCESS_REQ_EXTEND);
	if (e == ERR_OK && ctx->role == ROLE_CLIENT) {
		domain_audit_refusal(ctx, AUDIT_ACCESS_REQ_EXTEND, r.client_id, ERR_DENIED);
		e = ERR_NOTFOUND; /* the practice extends its own deadline, not the client */
	}
	domain_date_today(ctx->now, today);
	if (e == ERR_OK && (r.fulfilled_at != 0 || r.extended_at != 0)) {
		ctx->message = r.fulfilled_at ? "the request is fulfilled already"
		                              : "the request was extended already (only once)";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK && strcmp(today, r.due_on) > 0) {
		ctx->message = "the deadline has passed: an extension must be given before it";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = domain_access_due(r.jurisdiction, r.due_on, 1, due);
	if (e == ERR_OK)
		e = store_access_request_extend(ctx->store, ctx->vault, &r, ctx->actor_id, reason,
		                                due, ctx->now);
	if (e == ERR_OK)
		e = finish(ctx, e, AUDIT_ACCESS_REQ_EXTEND, r.client_id, r.public_id, "extended");
	else
		store_rollback(ctx->store);
	if (e == ERR_OK) {
		r.extension_reason = mem_strdup(reason);
		e = r.extension_reason ? ERR_OK : ERR_NOMEM;
	}
	if (e != ERR_OK) {
		access_request_cleanup(&r);
		return e;
	}
	memcpy(r.due_on, due, sizeof due);
	r.extended_at = ctx->now;
	snprintf(r.extended_by_public_id, sizeof r.extended_by_public_id, "%s", ctx->actor);
	flag(ctx, &r, 1);
	*out = r;
	return ERR_OK;
}
