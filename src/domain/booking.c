/*
 * booking.c - the waitlist and booking requests (see booking.h for the
 * rules). Approving a request books through domain_appt_create, whose
 * transaction also marks the request approved, so a request is never
 * approved without its appointment or booked twice. Never: puts a name or
 * free text in a message or an event.
 */
#include "domain/booking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/dates.h"
#include "domain/erasure.h"
#include "domain/recur.h"

static const char *const status_names[] = {"pending", "approved", "declined"};

const char *domain_booking_status_name(int status)
{
	return status >= 0 && status <= 2 ? status_names[status] : "unknown";
}

int domain_booking_status_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i <= 2; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

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

/* text_ok - NULL, or clean text of at most max bytes (newlines allowed). */
static int text_ok(const char *s, size_t max)
{
	return s == NULL || (strlen(s) <= max && domain_text_clean(s, 1));
}

/* clinician_of - the row id of an active clinician or supervisor. */
static enum err clinician_of(struct domain_ctx *ctx, const char *public_id, int64_t *id)
{
	struct user_auth u;
	enum err e = store_user_auth_by_public(ctx->store, public_id, &u);

	if (e == ERR_NOTFOUND ||
	    (e == ERR_OK && (u.disabled || (strcmp(u.role, "clinician") != 0 &&
	                                    strcmp(u.role, "supervisor") != 0))))
		e = bad(ctx, "clinician must be an active clinician");
	if (e == ERR_OK)
		*id = u.id;
	mem_wipe(&u, sizeof u);
	return e;
}

/* reaches - may the actor work with this client's waitlist entries and
 * requests: the owner and the front desk always, a clinician or
 * supervisor they reach, a client themself. No audit. */
static enum err reaches(struct domain_ctx *ctx, int64_t client_id, int *yes)
{
	int restricted = 0;
	enum err e = domain_restricted(ctx, client_id, &restricted);

	*yes = 0;
	if (e != ERR_OK || restricted) /* left out of lists; single ones refuse first */
		return e;
	if (ctx->role == ROLE_OWNER || ctx->role == ROLE_SCHEDULER) {
		*yes = 1;
		ctx->purpose = "operations";
		return ERR_OK;
	}
	if (ctx->role == ROLE_CLIENT) {
		*yes = ctx->client_self == client_id;
		ctx->purpose = "treatment";
		return ERR_OK;
	}
	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR)
		return domain_reaches_client(ctx, client_id, yes);
	return ERR_OK;
}

/* client_in_reach - the client row of public id, or a 404 audited as ev. */
static enum err client_in_reach(struct domain_ctx *ctx, const char *public_id, enum audit_event ev,
                                int64_t *client_id)
{
	int yes = 0;
	enum err e = store_client_id_of(ctx->store, public_id, client_id);

	if (e == ERR_OK) /* a restricted record gets no new entries or requests */
		e = domain_restriction_check(ctx, *client_id, 1);
	if (e == ERR_OK)
		e = reaches(ctx, *client_id, &yes);
	if (e == ERR_OK && !yes) {
		domain_audit_refusal(ctx, ev, *client_id, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	return e;
}

/* ---- waitlist ------------------------------------------------------------ */

enum err domain_waitlist_add(struct domain_ctx *ctx, const struct waitlist_req *r,
                             struct waitlist_entry *out)
{
	struct waitlist_entry w;
	char detail[64];
	enum err e;

	memset(&w, 0, sizeof w);
	if (r->client == NULL)
		return bad(ctx, "client (a client id) is required");
	if (r->days > 127)
		return bad(ctx, "days must list weekdays: sun, mon, tue, wed, thu, fri, sat");
	if (r->earliest_minute < 0 || r->earliest_minute > 1439 ||
	    r->latest_minute <= r->earliest_minute || r->latest_minute > 1440)
		return bad(ctx,
		           "earliest and latest must be times HH:MM with earliest before latest");
	if (r->telehealth < 0 || r->telehealth > 2)
		return bad(ctx, "telehealth must be yes, no or either");
	if (!text_ok(r->note, WAITLIST_NOTE_MAX))
		return bad(ctx, "note must be text of at most 2000 bytes");
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = client_in_reach(ctx, r->client, AUDIT_WAITLIST_ADD, &w.client_id);
	if (e == ERR_NOTFOUND) {
		store_rollback(ctx->store); /* a refusal was audited in its own */
		return e;
	}
	if (e == ERR_OK && r->clinician != NULL)
		e = clinician_of(ctx, r->clinician, &w.clinician_id);
	w.days = r->days ? r->days : 127;
	w.earliest_minute = r->earliest_minute;
	w.latest_minute = r->latest_minute;
	w.telehealth = r->telehealth;
	w.note = (char *)(uintptr_t)r->note;
	if (e == ERR_OK)
		e = store_waitlist_add(ctx->store, ctx->vault, &w, ctx->actor_id, ctx->now);
	w.note = NULL;
	if (e == ERR_OK) {
		snprintf(w.client_public_id, sizeof w.client_public_id, "%s", r->client);
		if (r->clinician != NULL)
			snprintf(w.clinician_public_id, sizeof w.clinician_public_id, "%s",
			         r->clinician);
	}
	snprintf(detail, sizeof detail, "days=%u,telehealth=%d,note=%d", w.days, w.telehealth,
	         r->note != NULL && r->note[0] != '\0');
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_WAITLIST_ADD, w.client_id, "waitlist", w.public_id,
		                detail);
	e = finish(ctx, e);
	if (e == ERR_OK)
		*out = w;
	return e;
}

void domain_waitlist_list_cleanup(struct waitlist_entry *out, char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		waitlist_entry_cleanup(&out[i]);
		mem_free_wiped_str(names[i]);
		names[i] = NULL;
	}
}

enum err domain_waitlist_list(struct domain_ctx *ctx, const char *clinician,
                              struct waitlist_entry *out, char **names, size_t max, size_t *n)
{
	struct waitlist_entry *all;
	int64_t clinician_id = 0;
	size_t got = 0, k = 0, i;
	int yes;
	enum err e;

	all = mem_calloc_array(WAITLIST_SHOWN_MAX, sizeof *all);
	if (all == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e == ERR_OK && clinician != NULL)
		e = clinician_of(ctx, clinician, &clinician_id);
	if (e == ERR_OK)
		e = store_waitlist_list(ctx->store, clinician_id, all,
		                        max < WAITLIST_SHOWN_MAX ? max : WAITLIST_SHOWN_MAX, &got);
	for (i = 0; e == ERR_OK && i < got; i++) {
		e = reaches(ctx, all[i].client_id, &yes);
		if (e != ERR_OK ||
		    !(yes || (all[i].clinician_id != 0 && all[i].clinician_id == ctx->actor_id)))
			continue;
		out[k] = all[i];
		memset(&all[i], 0, sizeof all[i]);
		names[k] = NULL;
		e = store_waitlist_note(ctx->store, ctx->vault, &out[k]);
		if (e == ERR_OK)
			e = store_client_name(ctx->store, ctx->vault, out[k].client_id, &names[k]);
		if (e == ERR_OK)
			e = domain_emit(ctx, AUDIT_WAITLIST_READ, out[k].client_id, "waitlist",
			                out[k].public_id, "");
		k++;
	}
	for (i = 0; i < got; i++)
		waitlist_entry_cleanup(&all[i]);
	free(all);
	e = finish(ctx, e);
	if (e != ERR_OK) {
		domain_waitlist_list_cleanup(out, names, k);
		return e;
	}
	*n = k;
	return ERR_OK;
}

enum err domain_waitlist_remove(struct domain_ctx *ctx, const char *public_id)
{
	struct waitlist_entry w;
	int yes = 0;
	enum err e;

	memset(&w, 0, sizeof w);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_waitlist_get(ctx->store, ctx->vault, public_id, 0, &w);
	if (e == ERR_OK)
		e = domain_restriction_check(ctx, w.client_id, 1);
	if (e == ERR_OK)
		e = reaches(ctx, w.client_id, &yes);
	if (e == ERR_OK && !yes && !(w.clinician_id != 0 && w.clinician_id == ctx->actor_id)) {
		domain_audit_refusal(ctx, AUDIT_WAITLIST_REMOVE, w.client_id, ERR_DENIED);
		waitlist_entry_cleanup(&w);
		return ERR_NOTFOUND;
	}
	if (e == ERR_OK) {
		e = store_waitlist_remove(ctx->store, w.id, ctx->now);
		if (e == ERR_CONFLICT)
			ctx->message = "the entry is off the waitlist already";
	}
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_WAITLIST_REMOVE, w.client_id, "waitlist", w.public_id,
		                "");
	waitlist_entry_cleanup(&w);
	return finish(ctx, e);
}

/* ---- booking requests ---------------------------------------------------- */

enum err domain_booking_request(struct domain_ctx *ctx, const struct booking_req *r,
                                struct booking_request *out)
{
	struct booking_request b;
	struct recur_local local;
	struct sched_label service;
	char detail[64];
	enum err e;

	memset(&b, 0, sizeof b);
	memset(&service, 0, sizeof service);
	if (r->client == NULL)
		return bad(ctx, "client (a client id) is required");
	if (r->clinician == NULL)
		return bad(ctx, "clinician (a user id) is required");
	if (r->start == NULL || recur_local_parse(r->start, &local) != ERR_OK)
		return bad(ctx, "start must be a local date and time, YYYY-MM-DDTHH:MM");
	if (r->tz == NULL || !recur_zone_ok(r->tz))
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	if (r->minutes != 0 && (r->minutes < 5 || r->minutes > SCHED_MINUTES_MAX))
		return bad(ctx, "minutes must be between 5 and 480");
	if (!text_ok(r->message, BOOKING_MESSAGE_MAX))
		return bad(ctx, "message must be text of at most 2000 bytes");
	if (recur_to_utc(r->tz, &local, &b.starts_at) != ERR_OK)
		return bad(ctx, "start must be a local date and time, YYYY-MM-DDTHH:MM");
	if (b.starts_at <= ctx->now)
		return bad(ctx, "start must be in the future");
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = client_in_reach(ctx, r->client, AUDIT_BOOKING_REQUEST, &b.client_id);
	if (e == ERR_NOTFOUND) {
		store_rollback(ctx->store);
		return e;
	}
	if (e == ERR_OK)
		e = clinician_of(ctx, r->clinician, &b.clinician_id);
	if (e == ERR_OK && r->service != NULL) {
		e = store_service_find(ctx->store, r->service, &service);
		if (e == ERR_NOTFOUND)
			e = bad(ctx, "service must be a service of this practice");
	}
	b.minutes = r->minutes ? r->minutes : service.default_minutes;
	if (e == ERR_OK && b.minutes == 0)
		e = bad(ctx, "minutes is required (or a service with a usual length)");
	recur_local_format(&local, b.start_local);
	snprintf(b.tzid, sizeof b.tzid, "%s", r->tz);
	b.service_id = service.id;
	b.telehealth = r->telehealth ? 1 : 0;
	b.message = (char *)(uintptr_t)r->message;
	if (e == ERR_OK)
		e = store_booking_add(ctx->store, ctx->vault, &b,
		                      ctx->role == ROLE_CLIENT ? 0 : ctx->actor_id, ctx->now);
	b.message = NULL;
	if (e == ERR_OK) {
		snprintf(b.client_public_id, sizeof b.client_public_id, "%s", r->client);
		snprintf(b.clinician_public_id, sizeof b.clinician_public_id, "%s", r->clinician);
		snprintf(b.service_public_id, sizeof b.service_public_id, "%s", service.public_id);
	}
	snprintf(detail, sizeof detail, "minutes=%d,telehealth=%d,by=%s", b.minutes, b.telehealth,
	         ctx->role == ROLE_CLIENT ? "client" : "staff");
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_BOOKING_REQUEST, b.client_id, "booking_request",
		                b.public_id, detail);
	e = finish(ctx, e);
	if (e == ERR_OK)
		*out = b;
	return e;
}

/* sees_request - the actor may see r: whoever reaches its client, and
 * its clinician. */
static enum err sees_request(struct domain_ctx *ctx, const struct booking_request *r, int *yes)
{
	enum err e = reaches(ctx, r->client_id, yes);

	if (e == ERR_OK && !*yes && ctx->role != ROLE_CLIENT && r->clinician_id == ctx->actor_id)
		*yes = 1;
	return e;
}

enum err domain_booking_list(struct domain_ctx *ctx, int status, struct booking_request *out,
                             size_t max, size_t *n)
{
	struct booking_request *all;
	size_t got = 0, k = 0, i;
	int yes;
	enum err e;

	all = mem_calloc_array(BOOKING_SHOWN_MAX, sizeof *all);
	if (all == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e == ERR_OK)
		e = store_booking_list(ctx->store, status, 0,
		                       ctx->role == ROLE_CLIENT ? ctx->client_self : 0, all,
		                       max < BOOKING_SHOWN_MAX ? max : BOOKING_SHOWN_MAX, &got);
	for (i = 0; e == ERR_OK && i < got; i++) {
		e = sees_request(ctx, &all[i], &yes);
		if (e != ERR_OK || !yes)
			continue;
		out[k] = all[i];
		memset(&all[i], 0, sizeof all[i]);
		e = domain_emit(ctx, AUDIT_BOOKING_READ, out[k].client_id, "booking_request",
		                out[k].public_id, "");
		k++;
	}
	for (i = 0; i < got; i++)
		booking_request_cleanup(&all[i]);
	free(all);
	e = finish(ctx, e);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			booking_request_cleanup(&out[i]);
		return e;
	}
	*n = k;
	return ERR_OK;
}

/* load - begin, read the request (opened if open) and check the actor may
 * see it (a 404 audited as ev when not). */
static enum err load(struct domain_ctx *ctx, const char *public_id, int open, enum audit_event ev,
                     struct booking_request *r)
{
	int yes = 0;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_booking_get(ctx->store, ctx->vault, public_id, open, r);
	if (e == ERR_OK)
		e = domain_restriction_check(ctx, r->client_id, ev != AUDIT_BOOKING_READ);
	if (e == ERR_OK)
		e = sees_request(ctx, r, &yes);
	if (e == ERR_OK && !yes) {
		domain_audit_refusal(ctx, ev, r->client_id, ERR_DENIED);
		booking_request_cleanup(r);
		return ERR_NOTFOUND;
	}
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_booking_get(struct domain_ctx *ctx, const char *public_id,
                            struct booking_request *out)
{
	struct booking_request r;
	enum err e = load(ctx, public_id, 1, AUDIT_BOOKING_READ, &r);

	if (e != ERR_OK)
		return e;
	e = domain_emit(ctx, AUDIT_BOOKING_READ, r.client_id, "booking_request", r.public_id, "");
	e = finish(ctx, e);
	if (e == ERR_OK)
		*out = r;
	else
		booking_request_cleanup(&r);
	return e;
}

/* decider - the request's clinician or the owner; else an audited 404
 * (ERR_DENIED when the actor may see the request: 403). */
static enum err decider(struct domain_ctx *ctx, const struct booking_request *r,
                        enum audit_event ev)
{
	if (ctx->role == ROLE_OWNER ||
	    (ctx->role != ROLE_CLIENT && ctx->actor_id == r->clinician_id))
		return ERR_OK;
	domain_audit_refusal(ctx, ev, r->client_id, ERR_DENIED);
	ctx->message = "only the request's clinician or the owner decides it";
	return ERR_DENIED;
}

/* pending - r is still pending at version. */
static enum err pending(struct domain_ctx *ctx, const struct booking_request *r, int64_t version)
{
	if (r->status != BOOKING_PENDING) {
		ctx->message = "the request was decided already";
		return ERR_CONFLICT;
	}
	if (r->version != version) {
		ctx->message = "the request changed since it was read (version)";
		return ERR_CONFLICT;
	}
	return ERR_OK;
}

/* approved - inside the booking's transaction: mark the request. */
static enum err approved(struct domain_ctx *ctx, const struct appt *first, void *arg)
{
	const struct booking_request *r = arg;
	char detail[48];
	enum err e = store_booking_decide(ctx->store, ctx->vault, r, BOOKING_APPROVED, first->id,
	                                  NULL, ctx->actor_id, ctx->now);

	if (e == ERR_CONFLICT)
		ctx->message = "the request was decided or changed meanwhile";
	snprintf(detail, sizeof detail, "appointment=%s", first->public_id);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_BOOKING_APPROVE, r->client_id, "booking_request",
		                r->public_id, detail);
	return e;
}

enum err domain_booking_approve(struct domain_ctx *ctx, const char *public_id, int64_t version,
                                int override, struct sched_conflicts *cf, struct appt *appt)
{
	struct booking_request r;
	struct sched_booking b;
	size_t count = 0;
	enum err e = load(ctx, public_id, 0, AUDIT_BOOKING_APPROVE, &r);

	memset(cf, 0, sizeof *cf);
	if (e != ERR_OK)
		return e;
	e = decider(ctx, &r, AUDIT_BOOKING_APPROVE);
	if (e == ERR_OK)
		e = pending(ctx, &r, version);
	if (e != ERR_DENIED)
		store_rollback(ctx->store);
	if (e != ERR_OK) {
		booking_request_cleanup(&r);
		return e;
	}
	memset(&b, 0, sizeof b);
	b.clinician = r.clinician_public_id;
	b.clients[0] = r.client_public_id;
	b.nclients = 1;
	b.service = r.service_public_id[0] ? r.service_public_id : NULL;
	b.telehealth = r.telehealth;
	b.kind = -1;
	b.start = r.start_local;
	b.minutes = r.minutes;
	b.tz = r.tzid;
	b.override = override;
	b.within = approved;
	b.within_arg = &r;
	e = domain_appt_create(ctx, &b, cf, appt, &count);
	booking_request_cleanup(&r);
	return e;
}

enum err domain_booking_decline(struct domain_ctx *ctx, const char *public_id, int64_t version,
                                const char *reason)
{
	struct booking_request r;
	enum err e;

	if (reason == NULL || reason[0] == '\0' || !text_ok(reason, BOOKING_REASON_MAX))
		return bad(ctx, "reason is required (text of at most 500 bytes)");
	e = load(ctx, public_id, 0, AUDIT_BOOKING_DECLINE, &r);
	if (e != ERR_OK)
		return e;
	e = decider(ctx, &r, AUDIT_BOOKING_DECLINE);
	if (e == ERR_DENIED) {
		booking_request_cleanup(&r);
		return e;
	}
	if (e == ERR_OK)
		e = pending(ctx, &r, version);
	if (e == ERR_OK)
		e = store_booking_decide(ctx->store, ctx->vault, &r, BOOKING_DECLINED, 0, reason,
		                         ctx->actor_id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_BOOKING_DECLINE, r.client_id, "booking_request",
		                r.public_id, "");
	booking_request_cleanup(&r);
	return finish(ctx, e);
}
