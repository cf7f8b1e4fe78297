/*
 * schedule.c - the calendar's rules (see schedule.h for who may do what).
 * Input is checked before the transaction opens; ids are resolved, access
 * decided, conflicts found and rows written inside it, with the audit
 * events, so a refusal or a conflict changes nothing. Conflict messages
 * give times in the booking's zone and never a client's name.
 * Never: puts a memo, a reason or a name in an event or a message.
 */
#include "domain/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/erasure.h"

#define DAY 86400

static const char *const status_names[] = {
        [APPT_SCHEDULED] = "scheduled",
        [APPT_CONFIRMED] = "confirmed",
        [APPT_ARRIVED] = "arrived",
        [3] = NULL,
        [APPT_COMPLETED] = "completed",
        [APPT_CANCELLED_CLIENT] = "cancelled_by_client",
        [APPT_CANCELLED_CLINICIAN] = "cancelled_by_clinician",
        [APPT_LATE_CANCEL] = "late_cancel",
        [APPT_NO_SHOW] = "no_show",
};
static const char *const kind_names[] = {"individual", "couple", "family", "group"};

const char *sched_status_name(int status)
{
	if (status < 0 || (size_t)status >= sizeof status_names / sizeof status_names[0] ||
	    status_names[status] == NULL)
		return "unknown";
	return status_names[status];
}

int sched_status_of(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof status_names / sizeof status_names[0]; i++)
		if (status_names[i] != NULL && strcmp(status_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *sched_kind_name(int kind)
{
	return kind >= 0 && kind < 4 ? kind_names[kind] : "unknown";
}

int sched_kind_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < 4; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

void sched_detail_cleanup(struct sched_detail *d)
{
	size_t i;

	for (i = 0; i < d->nclients; i++)
		mem_free_wiped_str(d->clients[i].name);
	for (i = 0; i < d->nhistory; i++)
		mem_free_wiped_str(d->history[i].reason);
	appt_cleanup(&d->a);
	mem_wipe(d, sizeof *d);
}

void sched_view_cleanup(struct appt *rows, char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		mem_free_wiped_str(names[i]);
		names[i] = NULL;
		appt_cleanup(&rows[i]);
	}
}

static enum err bad(struct domain_ctx *ctx, const char *message)
{
	ctx->message = message;
	return ERR_INVAL;
}

/* ---- who ----------------------------------------------------------------- */

/* staff_of - the row id of a clinician or supervisor who may hold
 * appointments; ERR_INVAL (with message) for anyone else. */
static enum err staff_of(struct domain_ctx *ctx, const char *public_id, int64_t *id)
{
	struct user_auth u;
	enum err e;

	e = store_user_auth_by_public(ctx->store, public_id, &u);
	if (e == ERR_NOTFOUND ||
	    (e == ERR_OK && (u.disabled || (strcmp(u.role, "clinician") != 0 &&
	                                    strcmp(u.role, "supervisor") != 0))))
		e = bad(ctx, "clinician (and each co-facilitator) must be an active clinician");
	if (e == ERR_OK)
		*id = u.id;
	mem_wipe(&u, sizeof u);
	return e;
}

/* may_book - may the actor book, move or cancel for this client? The
 * owner and the front desk may; a clinician for clients they reach. A
 * refusal is audited as ev and answered 404. */
static enum err may_book(struct domain_ctx *ctx, int64_t client_id, enum audit_event ev)
{
	int yes = 0;
	enum err e = ERR_OK;

	if (ctx->role == ROLE_OWNER || ctx->role == ROLE_SCHEDULER) {
		yes = 1;
		ctx->purpose = "operations";
		e = domain_restriction_check(ctx, client_id, 1); /* booking is processing */
	} else if (ctx->role == ROLE_CLINICIAN) {
		e = domain_reaches_client(ctx, client_id, &yes);
	}
	if (e != ERR_OK)
		return e;
	if (yes)
		return ERR_OK;
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* sees_known - may the actor see this client's name, its restriction
 * already read? No audit of its own: the view's event records what was
 * shown. */
static enum err sees_known(struct domain_ctx *ctx, int64_t client_id, int restricted, int *yes)
{
	const char *purpose = ctx->purpose;
	enum err e = ERR_OK;

	*yes = 0;
	/* A restricted client's slot stays busy but nameless, except to the owner. */
	if (restricted && ctx->role != ROLE_OWNER)
		return ERR_OK;
	if (ctx->role == ROLE_OWNER || ctx->role == ROLE_SCHEDULER || ctx->role == ROLE_BILLER)
		*yes = 1;
	else if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR)
		e = domain_reaches_client(ctx, client_id, yes);
	ctx->purpose = purpose; /* one view may mix purposes; its event keeps the first */
	return e;
}

/* sees_client - sees_known for one client (GET of one appointment). */
static enum err sees_client(struct domain_ctx *ctx, int64_t client_id, int *yes)
{
	int restricted = 0;
	enum err e;

	*yes = 0;
	e = domain_restricted(ctx, client_id, &restricted);
	if (e != ERR_OK)
		return e;
	return sees_known(ctx, client_id, restricted, yes);
}

static const char *purpose_of(const struct domain_ctx *ctx)
{
	return ctx->role == ROLE_BILLER                                 ? "payment"
	       : ctx->role == ROLE_OWNER || ctx->role == ROLE_SCHEDULER ? "operations"
	                                                                : "treatment";
}

/* hours_zone - the zone of a clinician's working hours, or "". */
static enum err hours_zone(struct domain_ctx *ctx, int64_t user, char out[STORE_TZID_MAX])
{
	struct work_span w;
	size_t n = 0;
	enum err e = store_hours_get(ctx->store, user, &w, 1, &n);

	out[0] = '\0';
	if (e == ERR_OK && n == 1)
		memcpy(out, w.tzid, sizeof w.tzid);
	return e;
}

/* ---- conflicts ------------------------------------------------------------ */

/* say - the message for the first conflict, in cf->tz. */
static void say(struct sched_conflicts *cf)
{
	struct recur_local a, b;
	const char *what;

	if (recur_from_utc(cf->tz, cf->c[0].starts_at, &a) != ERR_OK ||
	    recur_from_utc(cf->tz, cf->c[0].ends_at, &b) != ERR_OK) {
		snprintf(cf->message, sizeof cf->message, "the booking conflicts with another");
		return;
	}
	switch (cf->c[0].kind) {
	case SCHED_BUSY_ROOM: what = "room is already booked"; break;
	case SCHED_BUSY_TIME_OFF: what = "clinician is away (time off)"; break;
	case SCHED_BUSY_CLIENT:
		what = "a client of this appointment already has an appointment";
		break;
	default:
		what = strcmp(cf->c[0].who, "co-facilitator") == 0
		               ? "a co-facilitator already has an appointment"
		               : "clinician already has an appointment";
	}
	snprintf(cf->message, sizeof cf->message, "%s %02d:%02d-%02d:%02d on %04d-%02d-%02d", what,
	         a.hour, a.minute, b.hour, b.minute, a.year, a.month, a.day);
}

/* A booking's parties, resolved to row ids. */
struct parties {
	int64_t clinician;                   /* users.id */
	int64_t clients[STORE_APPT_MEMBERS]; /* clients.id, [0] first */
	size_t nclients;                     /* how many */
	int64_t staff[STORE_APPT_MEMBERS];   /* co-facilitators */
	size_t nstaff;                       /* how many */
	int64_t room;                        /* rooms.id or 0 */
};

/* busy_add - record what (kind, who) is busy with in [from, to). */
static enum err busy_add(struct domain_ctx *ctx, enum sched_busy_kind kind, const char *who,
                         int64_t id, int64_t from, int64_t to, int64_t exclude,
                         struct sched_conflicts *cf, size_t *total)
{
	struct sched_busy b[SCHED_CONFLICTS_MAX];
	size_t n = 0, i;
	enum err e;

	e = store_sched_busy(ctx->store, kind, id, from, to, exclude, b, SCHED_CONFLICTS_MAX, &n);
	for (i = 0; e == ERR_OK && i < n; i++) {
		if (cf->n < SCHED_CONFLICTS_MAX) {
			cf->c[cf->n].kind = kind;
			cf->c[cf->n].who = who;
			cf->c[cf->n].starts_at = b[i].starts_at;
			cf->c[cf->n].ends_at = b[i].ends_at;
			cf->c[cf->n].at = from;
			cf->n++;
		}
		(*total)++;
	}
	return e;
}

/* conflicts - everything [from, to) collides with for p, leaving out
 * appointment exclude; *total counts them all. */
static enum err conflicts(struct domain_ctx *ctx, const struct parties *p, int64_t from, int64_t to,
                          int64_t exclude, struct sched_conflicts *cf, size_t *total)
{
	size_t i;
	enum err e;

	e = busy_add(ctx, SCHED_BUSY_CLINICIAN, "clinician", p->clinician, from, to, exclude, cf,
	             total);
	if (e == ERR_OK)
		e = busy_add(ctx, SCHED_BUSY_TIME_OFF, "clinician", p->clinician, from, to, exclude,
		             cf, total);
	for (i = 0; e == ERR_OK && i < p->nstaff; i++)
		e = busy_add(ctx, SCHED_BUSY_CLINICIAN, "co-facilitator", p->staff[i], from, to,
		             exclude, cf, total);
	for (i = 0; e == ERR_OK && i < p->nclients; i++)
		e = busy_add(ctx, SCHED_BUSY_CLIENT, "client", p->clients[i], from, to, exclude, cf,
		             total);
	if (e == ERR_OK && p->room != 0)
		e = busy_add(ctx, SCHED_BUSY_ROOM, "room", p->room, from, to, exclude, cf, total);
	return e;
}

/* check_all - conflicts of every start (each minutes long). ERR_CONFLICT
 * with cf->message unless override; with override the count is in *total
 * for the override event. */
static enum err check_all(struct domain_ctx *ctx, const struct parties *p, const int64_t *starts,
                          size_t n, int minutes, int64_t exclude, int override,
                          struct sched_conflicts *cf, size_t *total)
{
	size_t i;
	enum err e = ERR_OK;

	*total = 0;
	for (i = 0; e == ERR_OK && i < n; i++)
		e = conflicts(ctx, p, starts[i], starts[i] + (int64_t)minutes * 60, exclude, cf,
		              total);
	if (e != ERR_OK || *total == 0 || override)
		return e;
	say(cf);
	return ERR_CONFLICT;
}

/* ---- input ---------------------------------------------------------------- */

/* times - start (and end or minutes) local in tz as UTC; *minutes set. */
static enum err times(struct domain_ctx *ctx, const char *tz, const char *start, const char *end,
                      int minutes, int default_minutes, struct recur_local *local, int64_t *from,
                      int *out_minutes)
{
	struct recur_local l, le;
	int64_t t0, t1;

	if (!recur_zone_ok(tz))
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	if (recur_local_parse(start, &l) != ERR_OK)
		return bad(ctx, "start must be a local date and time, YYYY-MM-DDTHH:MM");
	if (recur_to_utc(tz, &l, &t0) != ERR_OK)
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	if (end != NULL) {
		if (recur_local_parse(end, &le) != ERR_OK || recur_to_utc(tz, &le, &t1) != ERR_OK)
			return bad(ctx, "end must be a local date and time, YYYY-MM-DDTHH:MM");
		if (t1 <= t0)
			return bad(ctx, "end must be after start");
		if (t1 - t0 > SCHED_MINUTES_MAX * 60)
			return bad(ctx, "an appointment lasts at most 480 minutes");
		if ((t1 - t0) % 60 != 0)
			return bad(ctx, "end must be a whole number of minutes after start");
		if (minutes != 0 && minutes * 60 != t1 - t0)
			return bad(ctx, "give end or minutes, not both");
		minutes = (int)((t1 - t0) / 60);
	}
	if (minutes == 0)
		minutes = default_minutes;
	if (minutes == 0)
		return bad(ctx, "end or minutes is required (or a service with a default length)");
	if (minutes < 5 || minutes > SCHED_MINUTES_MAX)
		return bad(ctx, "minutes must be between 5 and 480");
	*local = l;
	*from = t0;
	*out_minutes = minutes;
	return ERR_OK;
}

static enum err text_ok(struct domain_ctx *ctx, const char *s, size_t max, const char *message)
{
	size_t i, n;

	if (s == NULL)
		return ERR_OK;
	n = strlen(s);
	if (n > max)
		return bad(ctx, message);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
			return bad(ctx, message);
	return ERR_OK;
}

/* label_of - a service or room by public id ("" or NULL: none). */
static enum err label_of(struct domain_ctx *ctx, int room, const char *public_id,
                         struct sched_label *out)
{
	enum err e;

	memset(out, 0, sizeof *out);
	if (public_id == NULL || public_id[0] == '\0')
		return ERR_OK;
	e = room ? store_room_find(ctx->store, public_id, out)
	         : store_service_find(ctx->store, public_id, out);
	if (e == ERR_NOTFOUND)
		e = bad(ctx, room ? "room must be one of the practice's rooms (GET /api/v1/rooms)"
		                  : "service must be one of the practice's services (GET "
		                    "/api/v1/services)");
	return e;
}

/* members_of - p's further clients and co-facilitators as member rows. */
static size_t members_of(const struct parties *p, struct appt_member *m)
{
	size_t k = 0, i;

	for (i = 1; i < p->nclients; i++)
		m[k++] = (struct appt_member){APPT_MEMBER_CLIENT, p->clients[i]};
	for (i = 0; i < p->nstaff; i++)
		m[k++] = (struct appt_member){APPT_MEMBER_STAFF, p->staff[i]};
	return k;
}

/* parties_of - p from an appointment's row and members. */
static enum err parties_of(struct domain_ctx *ctx, const struct appt *a, struct parties *p)
{
	struct appt_member m[2 * STORE_APPT_MEMBERS];
	size_t n = 0, i;
	enum err e;

	memset(p, 0, sizeof *p);
	p->clinician = a->clinician_id;
	p->clients[p->nclients++] = a->client_id;
	p->room = a->room_id;
	e = store_appt_members(ctx->store, a->id, m, 2 * STORE_APPT_MEMBERS, &n);
	for (i = 0; e == ERR_OK && i < n; i++) {
		if (m[i].role == APPT_MEMBER_CLIENT && p->nclients < STORE_APPT_MEMBERS)
			p->clients[p->nclients++] = m[i].member_id;
		else if (m[i].role == APPT_MEMBER_STAFF && p->nstaff < STORE_APPT_MEMBERS)
			p->staff[p->nstaff++] = m[i].member_id;
	}
	return e;
}

/* ---- writing rows ------------------------------------------------------- */

/* insert_rows - one appointment per start from template t. */
static enum err insert_rows(struct domain_ctx *ctx, struct appt *t, const struct parties *p,
                            const int64_t *starts, size_t n, int minutes, struct appt *first)
{
	struct appt_member m[2 * STORE_APPT_MEMBERS];
	size_t nm = members_of(p, m), i;
	enum err e = ERR_OK;

	for (i = 0; e == ERR_OK && i < n; i++) {
		t->starts_at = starts[i];
		t->ends_at = starts[i] + (int64_t)minutes * 60;
		t->occurrence_start = t->series_id != 0 ? starts[i] : 0;
		e = store_appt_insert(ctx->store, ctx->vault, t, m, nm, ctx->actor_id, ctx->now);
		if (e == ERR_OK && i == 0)
			e = store_appt_get_id(ctx->store, t->id, first);
	}
	return e;
}

/* expand - a series' starts from dtstart up to the horizon. */
static enum err expand(struct domain_ctx *ctx, const struct appt_series *r,
                       const struct recur_local *dtstart, int64_t first, int64_t *starts, size_t *n,
                       int64_t *horizon)
{
	int64_t base = first > ctx->now ? first : ctx->now;
	int more = 0;
	enum err e;

	*horizon = base + (int64_t)SCHED_HORIZON_DAYS * DAY;
	e = recur_expand(r->tzid, dtstart, r->rrule, *horizon, starts, RECUR_EXPAND_MAX, n, &more);
	if (e != ERR_OK)
		return bad(ctx,
		           "rrule must be an RFC 5545 RRULE value: FREQ=DAILY, WEEKLY, MONTHLY "
		           "or YEARLY, with INTERVAL, COUNT or UNTIL, BYDAY...");
	if (*n == 0)
		return bad(ctx, "rrule gives no occurrence at or after start");
	if (!more || *n == RECUR_EXPAND_MAX)
		*horizon = INT64_MAX; /* every occurrence there will be is a row now */
	return ERR_OK;
}

/* parties_of_series - p from a series' row and members. */
static enum err parties_of_series(struct domain_ctx *ctx, const struct appt_series *r,
                                  struct parties *p)
{
	struct appt_member m[2 * STORE_APPT_MEMBERS];
	size_t n = 0, i;
	enum err e;

	memset(p, 0, sizeof *p);
	p->clinician = r->clinician_id;
	p->clients[p->nclients++] = r->client_id;
	p->room = r->room_id;
	e = store_series_members(ctx->store, r->id, m, 2 * STORE_APPT_MEMBERS, &n);
	for (i = 0; e == ERR_OK && i < n; i++) {
		if (m[i].role == APPT_MEMBER_CLIENT && p->nclients < STORE_APPT_MEMBERS)
			p->clients[p->nclients++] = m[i].member_id;
		else if (m[i].role == APPT_MEMBER_STAFF && p->nstaff < STORE_APPT_MEMBERS)
			p->staff[p->nstaff++] = m[i].member_id;
	}
	return e;
}

static enum err insert_rows(struct domain_ctx *ctx, struct appt *t, const struct parties *p,
                            const int64_t *starts, size_t n, int minutes, struct appt *first);

#define EXTEND_SERIES_MAX 64              /* open series one look ahead extends at most */
#define EXTEND_MARGIN (90 * (int64_t)DAY) /* extended past what was asked, in one go */

/* extend - materialise the occurrences of open series up to `until`, so
 * a view, a conflict check or a free-slot search that looks past a
 * series' horizon sees them. The series was booked (and audited) already:
 * its later occurrences are written as they are, without a conflict check.
 * A rule that ends, or reaches RECUR_EXPAND_MAX, is then complete. */
static enum err extend(struct domain_ctx *ctx, int64_t until)
{
	int64_t ids[EXTEND_SERIES_MAX], *starts;
	size_t n = 0, i, k, j;
	enum err e;

	e = store_series_due(ctx->store, until, ids, EXTEND_SERIES_MAX, &n);
	if (e != ERR_OK || n == 0)
		return e;
	starts = mem_calloc_array(RECUR_EXPAND_MAX, sizeof *starts);
	if (starts == NULL)
		return ERR_NOMEM;
	for (i = 0; e == ERR_OK && i < n; i++) {
		struct appt_series r;
		struct recur_local dt;
		struct parties p;
		struct appt t, first;
		int more = 0;
		int64_t to = until + EXTEND_MARGIN;

		memset(&t, 0, sizeof t);
		memset(&first, 0, sizeof first);
		e = store_series_get(ctx->store, ids[i], &r);
		if (e == ERR_OK && recur_local_parse(r.dtstart_local, &dt) != ERR_OK)
			e = ERR_INTERNAL;
		if (e == ERR_OK)
			e = recur_expand(r.tzid, &dt, r.rrule, to, starts, RECUR_EXPAND_MAX, &k,
			                 &more);
		if (e == ERR_OK)
			e = parties_of_series(ctx, &r, &p);
		for (j = 0; e == ERR_OK && j < k && starts[j] < r.materialised_until; j++)
			;
		if (e == ERR_OK && j < k) {
			t.clinician_id = r.clinician_id;
			t.client_id = r.client_id;
			t.status = APPT_SCHEDULED;
			memcpy(t.tzid, r.tzid, sizeof t.tzid);
			t.kind = r.kind;
			t.service_id = r.service_id;
			t.room_id = r.room_id;
			t.telehealth = r.telehealth;
			t.series_id = r.id;
			e = insert_rows(ctx, &t, &p, starts + j, k - j, r.minutes, &first);
		}
		appt_cleanup(&first);
		r.materialised_until = more && k < RECUR_EXPAND_MAX ? to : INT64_MAX;
		if (e == ERR_OK)
			e = store_series_update(ctx->store, &r, ctx->now);
	}
	free(starts);
	return e;
}

/* emit_clients - ev once per client of p (object: the appointment). */
static enum err emit_clients(struct domain_ctx *ctx, enum audit_event ev, const struct parties *p,
                             const char *object_type, const char *object_id, const char *detail)
{
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; e == ERR_OK && i < p->nclients; i++)
		e = domain_emit(ctx, ev, p->clients[i], object_type, object_id, detail);
	return e;
}

/* finish - commit, or roll back on error. */
static enum err finish(struct domain_ctx *ctx, enum err e)
{
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* override_event - the audited fact that conflicts were overridden. */
static enum err override_event(struct domain_ctx *ctx, const struct parties *p, size_t total,
                               const char *object_id)
{
	char detail[48];

	if (total == 0)
		return ERR_OK;
	snprintf(detail, sizeof detail, "conflicts=%zu", total);
	return domain_emit(ctx, AUDIT_APPOINTMENT_OVERRIDE, p->clients[0], "appointment", object_id,
	                   detail);
}

/* emit_change - ev for every client of p, and the override event when
 * conflicts were overridden. */
static enum err emit_change(struct domain_ctx *ctx, enum audit_event ev, const struct parties *p,
                            const char *object_id, const char *detail, size_t total)
{
	enum err e = emit_clients(ctx, ev, p, "appointment", object_id, detail);

	return e == ERR_OK ? override_event(ctx, p, total, object_id) : e;
}

/* ---- create ------------------------------------------------------------- */

/* resolve - the booking's parties (access checked for every client). */
static enum err resolve(struct domain_ctx *ctx, const struct sched_booking *b, struct parties *p)
{
	size_t i, j;
	enum err e;

	memset(p, 0, sizeof *p);
	e = staff_of(ctx, b->clinician, &p->clinician);
	for (i = 0; e == ERR_OK && i < b->nstaff; i++) {
		e = staff_of(ctx, b->staff[i], &p->staff[i]);
		for (j = 0; e == ERR_OK && j < i; j++)
			if (p->staff[j] == p->staff[i])
				e = bad(ctx, "co_facilitators lists someone twice");
		if (e == ERR_OK && p->staff[i] == p->clinician)
			e = bad(ctx, "the clinician is not also a co-facilitator");
	}
	p->nstaff = b->nstaff;
	for (i = 0; e == ERR_OK && i < b->nclients; i++) {
		e = store_client_id_of(ctx->store, b->clients[i], &p->clients[i]);
		for (j = 0; e == ERR_OK && j < i; j++)
			if (p->clients[j] == p->clients[i])
				e = bad(ctx, "clients lists a client twice");
	}
	p->nclients = b->nclients;
	for (i = 0; e == ERR_OK && i < p->nclients; i++)
		e = may_book(ctx, p->clients[i], AUDIT_APPOINTMENT_CREATE);
	return e;
}

enum err domain_appt_create(struct domain_ctx *ctx, const struct sched_booking *b,
                            struct sched_conflicts *cf, struct appt *out, size_t *count)
{
	struct sched_label service, room;
	struct recur_local local;
	struct appt_series r;
	struct parties p;
	struct appt t, first;
	int64_t *starts = NULL, t0 = 0, horizon = 0;
	char tz[STORE_TZID_MAX], detail[64];
	size_t n = 1, total = 0;
	int minutes = 0;
	enum err e;

	memset(cf, 0, sizeof *cf);
	memset(&t, 0, sizeof t);
	memset(&first, 0, sizeof first);
	memset(&r, 0, sizeof r);
	if (b->clinician == NULL)
		return bad(ctx, "clinician (a user id) is required");
	if (b->nclients < 1 || b->nclients > STORE_APPT_MEMBERS ||
	    b->nstaff + b->nclients > STORE_APPT_MEMBERS)
		return bad(
		        ctx,
		        "clients must list 1 to 16 client ids (with co-facilitators, 16 at most)");
	if (b->kind < -1 || b->kind > 3)
		return bad(ctx, "kind must be individual, couple, family or group");
	if (b->rrule != NULL && recur_rule_check(b->rrule) != ERR_OK)
		return bad(ctx,
		           "rrule must be an RFC 5545 RRULE value: FREQ=DAILY, WEEKLY, MONTHLY "
		           "or YEARLY, with INTERVAL, COUNT or UNTIL, BYDAY...");
	if (b->tz != NULL && !recur_zone_ok(b->tz))
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	e = text_ok(ctx, b->memo, SCHED_MEMO_MAX, "memo must be text of at most 2000 bytes");
	if (e != ERR_OK)
		return e;
	starts = mem_calloc_array(RECUR_EXPAND_MAX, sizeof *starts);
	if (starts == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		goto out;
	e = resolve(ctx, b, &p);
	if (e == ERR_OK)
		e = label_of(ctx, 0, b->service, &service);
	if (e == ERR_OK)
		e = label_of(ctx, 1, b->room, &room);
	tz[0] = '\0';
	if (e == ERR_OK && b->tz != NULL)
		snprintf(tz, sizeof tz, "%s", b->tz);
	else if (e == ERR_OK)
		e = hours_zone(ctx, p.clinician, tz);
	if (e == ERR_OK && tz[0] == '\0')
		e = bad(ctx, "tz is required (the clinician has no working hours to take it from)");
	if (e == ERR_OK && b->start == NULL)
		e = bad(ctx, "start must be a local date and time, YYYY-MM-DDTHH:MM");
	if (e == ERR_OK)
		e = times(ctx, tz, b->start, b->end, b->minutes, service.default_minutes, &local,
		          &t0, &minutes);
	p.room = room.id;
	starts[0] = t0;
	if (e == ERR_OK && b->rrule != NULL) {
		r.clinician_id = p.clinician;
		r.client_id = p.clients[0];
		snprintf(r.rrule, sizeof r.rrule, "%s", b->rrule);
		snprintf(r.tzid, sizeof r.tzid, "%s", tz);
		recur_local_format(&local, r.dtstart_local);
		r.minutes = minutes;
		r.service_id = service.id;
		r.room_id = room.id;
		r.telehealth = b->telehealth;
		r.kind = b->kind >= 0 ? b->kind : b->nclients == 1 ? 0 : b->nclients == 2 ? 1 : 3;
		e = expand(ctx, &r, &local, t0, starts, &n, &horizon);
		r.materialised_until = horizon;
	}
	cf->tz = tz;
	if (e == ERR_OK)
		e = extend(ctx, starts[n - 1] + (int64_t)minutes * 60);
	if (e == ERR_OK)
		e = check_all(ctx, &p, starts, n, minutes, 0, b->override, cf, &total);
	cf->tz = NULL; /* tz is this function's */
	if (e == ERR_OK && b->rrule != NULL) {
		struct appt_member m[2 * STORE_APPT_MEMBERS];

		e = store_series_insert(ctx->store, &r, m, members_of(&p, m), ctx->actor_id,
		                        ctx->now);
	}
	if (e == ERR_OK) {
		t.clinician_id = p.clinician;
		t.client_id = p.clients[0];
		t.status = APPT_SCHEDULED;
		snprintf(t.tzid, sizeof t.tzid, "%s", tz);
		t.kind = b->kind >= 0 ? b->kind : b->nclients == 1 ? 0 : b->nclients == 2 ? 1 : 3;
		t.service_id = service.id;
		t.room_id = room.id;
		t.telehealth = b->telehealth ? 1 : 0;
		t.series_id = r.id;
		t.memo = (char *)(uintptr_t)b->memo;
		e = insert_rows(ctx, &t, &p, starts, n, minutes, &first);
		t.memo = NULL;
	}
	if (e == ERR_OK && b->within != NULL)
		e = b->within(ctx, &first, b->within_arg);
	snprintf(detail, sizeof detail, "count=%zu,clients=%zu,series=%d,override=%d", n,
	         p.nclients, b->rrule != NULL, b->override && total > 0);
	if (e == ERR_OK)
		e = emit_change(ctx, AUDIT_APPOINTMENT_CREATE, &p, first.public_id, detail, total);
	e = finish(ctx, e);
	if (e == ERR_OK) {
		*out = first;
		memset(&first, 0, sizeof first);
		*count = n;
	}
out:
	appt_cleanup(&first);
	free(starts);
	return e;
}

enum err domain_sched_materialise(struct domain_ctx *ctx, int64_t until)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	return finish(ctx, extend(ctx, until));
}

/* ---- read ---------------------------------------------------------------- */

/* may_read - may the actor see this appointment at all? Owner, front desk
 * and billing: yes; a clinician or supervisor: their own, co-facilitated,
 * or one whose first client they reach. */
static enum err may_read(struct domain_ctx *ctx, const struct appt *a, const struct parties *p,
                         int *names)
{
	size_t i;
	int yes = 0;
	enum err e;

	*names = 0;
	e = sees_client(ctx, a->client_id, names);
	if (e != ERR_OK)
		return e;
	yes = *names || a->clinician_id == ctx->actor_id;
	for (i = 0; !yes && i < p->nstaff; i++)
		yes = p->staff[i] == ctx->actor_id;
	if (yes) {
		ctx->purpose = purpose_of(ctx);
		if (*names && (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR))
			e = domain_reaches_client(ctx, a->client_id, &yes); /* sets the purpose */
		return e;
	}
	domain_audit_refusal(ctx, AUDIT_APPOINTMENT_READ, a->client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

enum err domain_appt_get(struct domain_ctx *ctx, const char *public_id, struct sched_detail *out)
{
	struct sched_detail *d = out;
	struct appt_series r;
	struct parties p;
	size_t i;
	int names = 0;
	enum err e;

	memset(d, 0, sizeof *d);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_appt_get(ctx->store, ctx->vault, public_id, 0, &d->a);
	if (e == ERR_OK)
		e = parties_of(ctx, &d->a, &p);
	for (i = 0; e == ERR_OK && i < p.nclients; i++) /* Art. 18: legal claims only */
		e = domain_restriction_check(ctx, p.clients[i], 0);
	if (e == ERR_OK)
		e = may_read(ctx, &d->a, &p, &names);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		sched_detail_cleanup(d);
		return e;
	}
	d->sees_clients = names;
	d->sees_memo = names && ctx->role != ROLE_BILLER;
	if (d->sees_memo) {
		appt_cleanup(&d->a);
		e = store_appt_get(ctx->store, ctx->vault, public_id, 1, &d->a);
	}
	for (i = 0; e == ERR_OK && i < p.nclients; i++) {
		int yes = names;

		if (i > 0 && names)
			e = sees_client(ctx, p.clients[i], &yes);
		if (e == ERR_OK && yes)
			e = store_client_public_of(ctx->store, p.clients[i],
			                           d->clients[i].public_id);
		if (e == ERR_OK && yes)
			e = store_client_name(ctx->store, ctx->vault, p.clients[i],
			                      &d->clients[i].name);
		if (e == ERR_OK && yes)
			d->nclients++;
	}
	for (i = 0; e == ERR_OK && i < p.nstaff; i++) {
		struct user_auth u;

		e = store_user_auth_by_id(ctx->store, p.staff[i], &u);
		if (e == ERR_OK)
			memcpy(d->staff[d->nstaff++], u.public_id, 33);
		mem_wipe(&u, sizeof u);
	}
	if (e == ERR_OK && d->a.series_id != 0) {
		e = store_series_get(ctx->store, d->a.series_id, &r);
		if (e == ERR_OK)
			memcpy(d->rrule, r.rrule, sizeof d->rrule);
	}
	if (e == ERR_OK)
		e = store_appt_history(ctx->store, ctx->vault, &d->a, d->history, SCHED_HISTORY_MAX,
		                       &d->nhistory);
	if (e == ERR_OK && !d->sees_memo)
		for (i = 0; i < d->nhistory; i++) {
			mem_free_wiped_str(d->history[i].reason);
			d->history[i].reason = NULL;
		}
	if (e == ERR_OK) {
		/* with names, every client of the appointment counts as read (the
		 * access report errs on the side of listing); without, it was a
		 * calendar read that showed no client */
		e = names ? emit_clients(ctx, AUDIT_APPOINTMENT_READ, &p, "appointment",
		                         d->a.public_id, "")
		          : domain_emit(ctx, AUDIT_APPOINTMENT_READ, 0, "appointment",
		                        d->a.public_id, "names=0");
	}
	e = finish(ctx, e);
	if (e != ERR_OK) {
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_APPOINTMENT_READ, d->a.client_id, e);
		sched_detail_cleanup(d);
	}
	return e;
}

/* ---- change -------------------------------------------------------------- */

/* load_for_change - the appointment, its parties, access and version. */
static enum err load_for_change(struct domain_ctx *ctx, const char *public_id, int64_t version,
                                enum audit_event ev, struct appt *a, struct parties *p)
{
	size_t i;
	enum err e;

	e = store_appt_get(ctx->store, ctx->vault, public_id, 0, a);
	if (e == ERR_OK)
		e = parties_of(ctx, a, p);
	for (i = 0; e == ERR_OK && i < p->nclients; i++)
		e = may_book(ctx, p->clients[i], ev);
	if (e == ERR_OK && a->version != version) {
		ctx->message = "the appointment changed since it was read; reload it";
		e = ERR_CONFLICT;
	}
	return e;
}

/* change_this - move or edit one appointment: an exception to its series,
 * unless the change is the series' own (whole_series). */
static enum err change_this(struct domain_ctx *ctx, const struct sched_change *c, struct appt *a,
                            struct parties *p, int whole_series, struct sched_conflicts *cf,
                            size_t *total)
{
	struct sched_label room, service;
	struct recur_local local;
	int64_t t0 = a->starts_at;
	int minutes = (int)((a->ends_at - a->starts_at) / 60);
	enum err e = ERR_OK;

	if (c->start != NULL || c->end != NULL || c->minutes != 0) {
		struct recur_local cur;
		char s[20];

		if (c->tz != NULL)
			snprintf(a->tzid, sizeof a->tzid, "%s", c->tz);
		if (recur_from_utc(a->tzid, a->starts_at, &cur) != ERR_OK)
			return ERR_INTERNAL;
		recur_local_format(&cur, s);
		e = times(ctx, a->tzid, c->start != NULL ? c->start : s, c->end,
		          c->end != NULL    ? c->minutes
		          : c->minutes != 0 ? c->minutes
		                            : minutes,
		          0, &local, &t0, &minutes);
	}
	if (e == ERR_OK && c->room != NULL) {
		e = label_of(ctx, 1, c->room, &room);
		a->room_id = room.id;
		p->room = room.id;
	}
	if (e == ERR_OK && c->service != NULL) {
		e = label_of(ctx, 0, c->service, &service);
		a->service_id = service.id;
	}
	if (c->telehealth >= 0)
		a->telehealth = c->telehealth;
	a->starts_at = t0;
	a->ends_at = t0 + (int64_t)minutes * 60;
	if (!whole_series)
		a->is_exception = a->series_id != 0;
	cf->tz = a->tzid;
	if (e == ERR_OK && !APPT_FREES_TIME(a->status))
		e = check_all(ctx, p, &t0, 1, minutes, a->id, c->override, cf, total);
	if (e == ERR_OK) {
		if (c->memo != NULL)
			a->memo = mem_strdup(c->memo);
		if (c->memo != NULL && a->memo == NULL)
			return ERR_NOMEM;
		if (a->memo != NULL && a->memo[0] == '\0') {
			free(a->memo);
			a->memo = NULL;
		}
		e = store_appt_update(ctx->store, ctx->vault, a, c->memo != NULL, ctx->now);
		if (e == ERR_CONFLICT)
			ctx->message = "the appointment changed since it was read; reload it";
	}
	return e;
}

/* end_series - the series stops before `before` (its rule gets an UNTIL). */
static enum err end_series(struct domain_ctx *ctx, struct appt_series *r, int64_t before)
{
	char rule[STORE_RRULE_MAX];
	enum err e = recur_rule_end(r->rrule, before, rule, sizeof rule);

	if (e != ERR_OK)
		return e;
	memcpy(r->rrule, rule, sizeof rule);
	r->ended_at = ctx->now;
	if (r->materialised_until > before)
		r->materialised_until = before;
	return store_series_update(ctx->store, r, ctx->now);
}

/* change_following - split the series at this occurrence and start a new
 * one at the new time with the rest of the rule. */
static enum err change_following(struct domain_ctx *ctx, const struct sched_change *c,
                                 struct appt *a, struct parties *p, struct sched_conflicts *cf,
                                 size_t *total, struct appt *first, size_t *count)
{
	struct sched_label room, service;
	struct appt_series old, r;
	struct recur_local local, cur;
	struct appt t;
	int64_t *starts = NULL, split = a->occurrence_start, before = 0, t0 = 0, horizon,
	        dropped = 0;
	char s[20];
	size_t n = 0;
	int minutes, had_count;
	enum err e;

	if (a->series_id == 0)
		return bad(ctx, "scope following and series apply to recurring appointments only");
	e = store_series_get(ctx->store, a->series_id, &old);
	if (e != ERR_OK)
		return e;
	r = old;
	if (c->tz != NULL)
		snprintf(r.tzid, sizeof r.tzid, "%s", c->tz);
	if (c->rrule != NULL) {
		if (recur_rule_check(c->rrule) != ERR_OK)
			return bad(ctx,
			           "rrule must be an RFC 5545 RRULE value: FREQ=DAILY, WEEKLY, "
			           "MONTHLY or YEARLY, with INTERVAL, COUNT or UNTIL, BYDAY...");
		snprintf(r.rrule, sizeof r.rrule, "%s", c->rrule);
	}
	/* the occurrence's original local start, unless a new one is given */
	if (recur_from_utc(old.tzid, split, &cur) != ERR_OK)
		return ERR_INTERNAL;
	recur_local_format(&cur, s);
	e = times(ctx, r.tzid, c->start != NULL ? c->start : s, c->end,
	          c->end != NULL    ? c->minutes
	          : c->minutes != 0 ? c->minutes
	                            : old.minutes,
	          0, &local, &t0, &minutes);
	if (e != ERR_OK)
		return e;
	had_count = recur_rule_has_count(old.rrule);
	e = store_series_before(ctx->store, old.id, split, &before);
	if (e == ERR_OK && c->rrule == NULL && had_count > 0) {
		if (had_count - before < 1)
			return bad(ctx, "this occurrence is past the series' COUNT");
		e = recur_rule_count(old.rrule, (int)(had_count - before), r.rrule, sizeof r.rrule);
	}
	if (e == ERR_OK && c->room != NULL) {
		e = label_of(ctx, 1, c->room, &room);
		r.room_id = room.id;
	}
	if (e == ERR_OK && c->service != NULL) {
		e = label_of(ctx, 0, c->service, &service);
		r.service_id = service.id;
	}
	if (c->telehealth >= 0)
		r.telehealth = c->telehealth;
	if (e != ERR_OK)
		return e;
	/* old part: drop what was only materialised, end the rule */
	e = store_series_drop_from(ctx->store, old.id, split, &dropped);
	if (e == ERR_OK)
		e = end_series(ctx, &old, split);
	if (e != ERR_OK)
		return e;
	starts = mem_calloc_array(RECUR_EXPAND_MAX, sizeof *starts);
	if (starts == NULL)
		return ERR_NOMEM;
	r.minutes = minutes;
	recur_local_format(&local, r.dtstart_local);
	r.ended_at = 0;
	e = expand(ctx, &r, &local, t0, starts, &n, &horizon);
	r.materialised_until = horizon;
	p->room = r.room_id;
	cf->tz = r.tzid;
	if (e == ERR_OK)
		e = extend(ctx, starts[n - 1] + (int64_t)minutes * 60);
	if (e == ERR_OK)
		e = check_all(ctx, p, starts, n, minutes, 0, c->override, cf, total);
	if (e == ERR_OK) {
		struct appt_member m[2 * STORE_APPT_MEMBERS];

		e = store_series_insert(ctx->store, &r, m, members_of(p, m), ctx->actor_id,
		                        ctx->now);
	}
	if (e == ERR_OK) {
		memset(&t, 0, sizeof t);
		t.clinician_id = r.clinician_id;
		t.client_id = r.client_id;
		t.status = APPT_SCHEDULED;
		memcpy(t.tzid, r.tzid, sizeof t.tzid);
		t.kind = r.kind;
		t.service_id = r.service_id;
		t.room_id = r.room_id;
		t.telehealth = r.telehealth;
		t.series_id = r.id;
		e = insert_rows(ctx, &t, p, starts, n, minutes, first);
	}
	if (e == ERR_OK)
		*count = n;
	free(starts);
	return e;
}

/* change_series - room, service or video for every future occurrence. */
static enum err change_series(struct domain_ctx *ctx, const struct sched_change *c, struct appt *a,
                              struct parties *p, struct sched_conflicts *cf, size_t *total,
                              size_t *count)
{
	int64_t ids[RECUR_EXPAND_MAX];
	struct sched_change one = *c;
	struct sched_label room, service;
	struct appt_series r;
	size_t n = 0, i, changed = 0;
	enum err e;

	if (a->series_id == 0)
		return bad(ctx, "scope following and series apply to recurring appointments only");
	if (c->start != NULL || c->end != NULL || c->minutes != 0 || c->rrule != NULL ||
	    c->tz != NULL)
		return bad(ctx,
		           "to move a series, change its next occurrence with scope following");
	e = store_series_ids_from(ctx->store, a->series_id, ctx->now, ids, RECUR_EXPAND_MAX, &n);
	one.memo = NULL;
	for (i = 0; e == ERR_OK && i < n; i++) {
		struct appt o;

		e = store_appt_get_id(ctx->store, ids[i], &o);
		if (e == ERR_OK && o.status <= APPT_CONFIRMED) {
			struct parties q;

			e = parties_of(ctx, &o, &q);
			if (e == ERR_OK)
				e = change_this(ctx, &one, &o, &q, 1, cf, total);
			changed++;
		}
		appt_cleanup(&o);
	}
	(void)p;
	/* the series itself, so occurrences made later (a split) follow */
	if (e == ERR_OK)
		e = store_series_get(ctx->store, a->series_id, &r);
	if (e == ERR_OK && c->room != NULL)
		e = label_of(ctx, 1, c->room, &room);
	if (e == ERR_OK && c->room != NULL)
		r.room_id = room.id;
	if (e == ERR_OK && c->service != NULL)
		e = label_of(ctx, 0, c->service, &service);
	if (e == ERR_OK && c->service != NULL)
		r.service_id = service.id;
	if (c->telehealth >= 0)
		r.telehealth = c->telehealth;
	if (e == ERR_OK)
		e = store_series_update(ctx->store, &r, ctx->now);
	if (e == ERR_OK)
		*count = changed;
	return e;
}

enum err domain_appt_update(struct domain_ctx *ctx, const struct sched_change *c,
                            struct sched_conflicts *cf, struct appt *out, size_t *count)
{
	struct appt a, first;
	struct parties p;
	size_t total = 0;
	char detail[64];
	enum err e;

	memset(cf, 0, sizeof *cf);
	memset(&a, 0, sizeof a);
	memset(&first, 0, sizeof first);
	*count = 0;
	if (c->scope < SCHED_THIS || c->scope > SCHED_SERIES)
		return bad(ctx, "scope must be this, following or series");
	if (c->tz != NULL && !recur_zone_ok(c->tz))
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	if (c->rrule != NULL && c->scope != SCHED_FOLLOWING)
		return bad(ctx, "rrule may change only with scope following");
	e = text_ok(ctx, c->memo, SCHED_MEMO_MAX, "memo must be text of at most 2000 bytes");
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load_for_change(ctx, c->public_id, c->version, AUDIT_APPOINTMENT_UPDATE, &a, &p);
	if (e == ERR_OK && c->scope == SCHED_THIS) {
		e = change_this(ctx, c, &a, &p, 0, cf, &total);
		if (e == ERR_OK)
			e = store_appt_get_id(ctx->store, a.id, &first);
		*count = 1;
	} else if (e == ERR_OK && c->scope == SCHED_FOLLOWING) {
		e = change_following(ctx, c, &a, &p, cf, &total, &first, count);
	} else if (e == ERR_OK) {
		e = change_series(ctx, c, &a, &p, cf, &total, count);
		if (e == ERR_OK)
			e = store_appt_get_id(ctx->store, a.id, &first);
	}
	cf->tz = NULL; /* pointed into this call's rows */
	snprintf(detail, sizeof detail, "scope=%d,count=%zu,override=%d", c->scope, *count,
	         c->override && total > 0);
	if (e == ERR_OK)
		e = emit_change(ctx, AUDIT_APPOINTMENT_UPDATE, &p, a.public_id, detail, total);
	e = finish(ctx, e);
	if (e == ERR_OK) {
		*out = first;
		memset(&first, 0, sizeof first);
	}
	appt_cleanup(&first);
	appt_cleanup(&a);
	return e;
}

enum err domain_appt_status(struct domain_ctx *ctx, const char *public_id, int64_t version,
                            int status, const char *reason, int scope, struct appt *out,
                            size_t *count)
{
	int64_t ids[RECUR_EXPAND_MAX];
	struct appt a, first;
	struct parties p;
	size_t n = 0, i, changed = 0;
	char detail[64];
	enum err e;

	memset(&a, 0, sizeof a);
	memset(&first, 0, sizeof first);
	if (sched_status_of(sched_status_name(status)) != status)
		return bad(ctx,
		           "status must be scheduled, confirmed, arrived, completed, "
		           "cancelled_by_client, cancelled_by_clinician, late_cancel or no_show");
	if (scope < SCHED_THIS || scope > SCHED_SERIES)
		return bad(ctx, "scope must be this, following or series");
	if (scope != SCHED_THIS && status != APPT_CANCELLED_CLIENT &&
	    status != APPT_CANCELLED_CLINICIAN)
		return bad(ctx, "only a cancellation applies to following occurrences or a series");
	e = text_ok(ctx, reason, SCHED_REASON_MAX, "reason must be text of at most 500 bytes");
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load_for_change(ctx, public_id, version, AUDIT_APPOINTMENT_STATUS, &a, &p);
	if (e == ERR_OK && scope != SCHED_THIS && a.series_id == 0)
		e = bad(ctx, "scope following and series apply to recurring appointments only");
	if (e == ERR_OK && scope == SCHED_THIS) {
		e = store_appt_status(ctx->store, ctx->vault, &a, status, reason, ctx->actor_id,
		                      ctx->now);
		changed = 1;
	} else if (e == ERR_OK) {
		struct appt_series r;
		int64_t from = scope == SCHED_FOLLOWING ? a.occurrence_start : ctx->now;

		e = store_series_ids_from(ctx->store, a.series_id, from, ids, RECUR_EXPAND_MAX, &n);
		for (i = 0; e == ERR_OK && i < n; i++) {
			struct appt o;

			e = store_appt_get_id(ctx->store, ids[i], &o);
			if (e == ERR_OK && o.status <= APPT_CONFIRMED) {
				e = store_appt_status(ctx->store, ctx->vault, &o, status, reason,
				                      ctx->actor_id, ctx->now);
				changed++;
			}
			appt_cleanup(&o);
		}
		if (e == ERR_OK)
			e = store_series_get(ctx->store, a.series_id, &r);
		if (e == ERR_OK)
			e = end_series(ctx, &r, from);
	}
	if (e == ERR_CONFLICT && ctx->message == NULL)
		ctx->message = "the appointment changed since it was read; reload it";
	if (e == ERR_OK)
		e = store_appt_get_id(ctx->store, a.id, &first);
	snprintf(detail, sizeof detail, "status=%s,scope=%d,count=%zu", sched_status_name(status),
	         scope, changed);
	if (e == ERR_OK)
		e = emit_clients(ctx, AUDIT_APPOINTMENT_STATUS, &p, "appointment", a.public_id,
		                 detail);
	e = finish(ctx, e);
	if (e == ERR_OK) {
		*out = first;
		memset(&first, 0, sizeof first);
		*count = changed;
	}
	appt_cleanup(&first);
	appt_cleanup(&a);
	return e;
}

/* ---- views ---------------------------------------------------------------- */

/* window - the view's first instant and the one after its end. */
static enum err window(struct domain_ctx *ctx, const struct sched_view_req *q, int64_t *from,
                       int64_t *to)
{
	struct recur_local d, e;

	if (q->tz == NULL || !recur_zone_ok(q->tz))
		return bad(ctx, "tz (an IANA time zone, such as Europe/Berlin) is required");
	if (q->date != NULL) {
		if (recur_date_parse(q->date, &d) != ERR_OK)
			return bad(ctx, "date must be YYYY-MM-DD");
	} else if (recur_from_utc(q->tz, ctx->now, &d) != ERR_OK) {
		return ERR_INTERNAL;
	}
	d.hour = d.minute = d.second = 0;
	if (q->view == 1) {
		struct recur_local probe = d;
		int64_t t;

		/* the weekday of that date: noon avoids any DST edge */
		probe.hour = 12;
		if (recur_to_utc(q->tz, &probe, &t) != ERR_OK ||
		    recur_from_utc(q->tz, t, &probe) != ERR_OK)
			return ERR_INTERNAL;
		recur_add_days(&d, -((probe.wday + 6) % 7)); /* back to Monday */
	} else if (q->view == 2) {
		d.day = 1;
	}
	e = d;
	if (q->view == 0)
		recur_add_days(&e, 1);
	else if (q->view == 1)
		recur_add_days(&e, 7);
	else if (e.month == 12)
		e = (struct recur_local){.year = e.year + 1, .month = 1, .day = 1};
	else
		e.month++;
	if (recur_to_utc(q->tz, &d, from) != ERR_OK || recur_to_utc(q->tz, &e, to) != ERR_OK)
		return ERR_INTERNAL;
	return ERR_OK;
}

/* view_begin - the transaction a view reads in: a snapshot (*writing 0)
 * when every recurring series is materialised past until, as it almost
 * always is; otherwise a write transaction (*writing 1) in which the due
 * series are extended first. A view then takes no write lock, no commit
 * and no fsync of its own (docs/bench.md). */
static enum err view_begin(struct domain_ctx *ctx, int64_t until, int *writing)
{
	int64_t due;
	size_t n = 0;
	enum err e;

	*writing = 0;
	e = store_begin_read(ctx->store);
	if (e == ERR_OK)
		e = store_series_due(ctx->store, until, &due, 1, &n);
	if (e != ERR_OK || n == 0) {
		if (e != ERR_OK)
			store_rollback(ctx->store);
		return e;
	}
	store_rollback(ctx->store);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	*writing = 1;
	e = extend(ctx, until);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* cmp_id - ascending order of row ids (qsort, bsearch). */
static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* view_names - names[i] for each of the k rows whose first client the
 * actor may see (NULL for the others), *named = how many rows got one.
 * Each distinct client is decided and its name opened once (the rows
 * carry its restriction), not once per row. */
static enum err view_names(struct domain_ctx *ctx, const struct appt *rows, size_t k, char **names,
                           size_t *named)
{
	int64_t *ids = NULL, *vis = NULL;
	char **dn = NULL;
	int *yes = NULL;
	size_t d = 0, nv = 0, i, j;
	enum err e = ERR_OK;

	*named = 0;
	for (i = 0; i < k; i++)
		names[i] = NULL;
	if (k == 0)
		return ERR_OK;
	ids = mem_malloc_array(k, sizeof *ids);
	vis = mem_malloc_array(k, sizeof *vis);
	yes = mem_malloc_array(k, sizeof *yes);
	dn = mem_malloc_array(k, sizeof *dn);
	if (ids == NULL || vis == NULL || yes == NULL || dn == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < k; i++)
		ids[i] = rows[i].client_id;
	qsort(ids, k, sizeof *ids, cmp_id);
	for (i = 0; i < k; i++)
		if (d == 0 || ids[d - 1] != ids[i])
			ids[d++] = ids[i];
	for (j = 0; j < d; j++) {
		dn[j] = NULL;
		yes[j] = -1;
	}
	/* each distinct client decided once, on its first row */
	for (i = 0; e == ERR_OK && i < k; i++) {
		j = (size_t)((const int64_t *)bsearch(&rows[i].client_id, ids, d, sizeof *ids,
		                                      cmp_id) -
		             ids);
		if (yes[j] < 0)
			e = sees_known(ctx, ids[j], rows[i].client_restricted, &yes[j]);
	}
	for (j = 0; e == ERR_OK && j < d; j++)
		if (yes[j])
			vis[nv++] = ids[j];
	if (e == ERR_OK)
		e = store_client_names(ctx->store, ctx->vault, vis, nv, dn);
	/* dn holds the names of vis; spread them over ids' positions */
	for (j = d; e == ERR_OK && nv > 0 && j-- > 0;)
		if (yes[j]) {
			char *t = dn[--nv];

			dn[nv] = NULL;
			dn[j] = t;
		}
	/* each row's name: the first row of a client takes the opened name,
	 * any later one a copy */
	for (i = 0; e == ERR_OK && i < k; i++) {
		size_t f;

		j = (size_t)((const int64_t *)bsearch(&rows[i].client_id, ids, d, sizeof *ids,
		                                      cmp_id) -
		             ids);
		if (!yes[j])
			continue;
		if (dn[j] != NULL) {
			names[i] = dn[j];
			dn[j] = NULL;
		} else {
			for (f = 0; f < i && rows[f].client_id != rows[i].client_id; f++)
				;
			names[i] = mem_strdup(names[f]);
			if (names[i] == NULL)
				e = ERR_NOMEM;
		}
		(*named)++;
	}
out:
	if (dn != NULL)
		for (j = 0; j < d; j++)
			mem_free_wiped_str(dn[j]);
	free(dn);
	free(yes);
	free(vis);
	free(ids);
	return e;
}

enum err domain_sched_view(struct domain_ctx *ctx, const struct sched_view_req *q,
                           struct appt *rows, char **names, size_t max, size_t *n, int64_t *from,
                           int64_t *to, int *truncated)
{
	struct sched_query sq;
	struct sched_label room;
	size_t k = 0, named = 0;
	char detail[80];
	int writing = 0;
	enum err e;

	memset(&sq, 0, sizeof sq);
	if (q->view < 0 || q->view > 2)
		return bad(ctx, "view must be day, week or month");
	e = window(ctx, q, &sq.from, &sq.to);
	if (e != ERR_OK)
		return e;
	sq.status_mask = q->status_mask != 0 ? q->status_mask : ~0u;
	e = view_begin(ctx, sq.to, &writing);
	if (e != ERR_OK)
		return e;
	if (q->clinician != NULL)
		e = staff_of(ctx, q->clinician, &sq.clinician_id);
	if (e == ERR_OK && q->room != NULL) {
		e = label_of(ctx, 1, q->room, &room);
		sq.room_id = room.id;
	}
	if (e == ERR_OK)
		e = store_sched_view(ctx->store, &sq, rows, max + 1, &k);
	*truncated = k > max;
	if (k > max) {
		appt_cleanup(&rows[max]);
		k = max;
	}
	ctx->purpose = purpose_of(ctx);
	if (e == ERR_OK)
		e = view_names(ctx, rows, k, names, &named);
	else
		memset(names, 0, k * sizeof *names);
	snprintf(detail, sizeof detail, "view=%d,count=%zu,named=%zu,clinician=%d", q->view, k,
	         named, q->clinician != NULL);
	if (writing) { /* the event commits with the rows made for the view */
		if (e == ERR_OK)
			e = domain_emit(ctx, AUDIT_SCHEDULE_VIEW, 0,
			                q->clinician != NULL ? "user" : "",
			                q->clinician != NULL ? q->clinician : "", detail);
		e = finish(ctx, e);
	} else { /* a snapshot that wrote nothing: the event joins a read batch */
		store_rollback(ctx->store);
		if (e == ERR_OK)
			e = domain_emit_read(ctx, AUDIT_SCHEDULE_VIEW, 0,
			                     q->clinician != NULL ? "user" : "",
			                     q->clinician != NULL ? q->clinician : "", detail);
	}
	if (e != ERR_OK) {
		sched_view_cleanup(rows, names, k);
		return e;
	}
	*n = k;
	*from = sq.from;
	*to = sq.to;
	return ERR_OK;
}

/* ---- availability ------------------------------------------------------- */

/* may_manage_hours - owner, front desk, or the clinician themself. */
static enum err may_manage_hours(struct domain_ctx *ctx, int64_t user)
{
	if (ctx->role == ROLE_OWNER || ctx->role == ROLE_SCHEDULER || ctx->actor_id == user)
		return ERR_OK;
	ctx->message = "only the clinician, the owner or the front desk may change these hours";
	domain_audit_refusal(ctx, AUDIT_SCHEDULE_SETUP, 0, ERR_DENIED);
	return ERR_DENIED;
}

enum err domain_hours_set(struct domain_ctx *ctx, const char *clinician,
                          const struct work_span *spans, size_t n)
{
	int64_t user = 0;
	size_t i, j;
	char detail[32];
	enum err e;

	if (n > SCHED_SPANS_MAX)
		return bad(ctx, "hours lists at most 28 spans");
	for (i = 0; i < n; i++) {
		if (!recur_zone_ok(spans[i].tzid) || strcmp(spans[i].tzid, spans[0].tzid) != 0)
			return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
		if (spans[i].weekday < 0 || spans[i].weekday > 6 || spans[i].start_minute < 0 ||
		    spans[i].end_minute > 1440 || spans[i].end_minute <= spans[i].start_minute)
			return bad(ctx,
			           "each span needs a day (mon..sun) and start before end (HH:MM)");
		for (j = 0; j < i; j++)
			if (spans[j].weekday == spans[i].weekday &&
			    spans[j].start_minute < spans[i].end_minute &&
			    spans[i].start_minute < spans[j].end_minute)
				return bad(ctx, "hours overlap on the same day");
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = staff_of(ctx, clinician, &user);
	if (e == ERR_OK)
		e = may_manage_hours(ctx, user);
	if (e == ERR_OK)
		e = store_hours_replace(ctx->store, user, spans, n);
	snprintf(detail, sizeof detail, "hours=%zu", n);
	ctx->purpose = "operations";
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_SCHEDULE_SETUP, 0, "working_hours", clinician, detail);
	return finish(ctx, e);
}

enum err domain_hours_get(struct domain_ctx *ctx, const char *clinician, struct work_span *out,
                          size_t max, size_t *n)
{
	int64_t user = 0;
	enum err e;

	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = staff_of(ctx, clinician, &user);
	if (e == ERR_OK)
		e = store_hours_get(ctx->store, user, out, max, n);
	store_end_read(ctx->store);
	return e;
}

enum err domain_time_off_add(struct domain_ctx *ctx, const char *clinician, const char *start,
                             const char *end, const char *tz, char public_id[33])
{
	struct recur_local a, b;
	int64_t user = 0, t0, t1;
	enum err e;

	if (tz == NULL || !recur_zone_ok(tz))
		return bad(ctx, "tz must be an IANA time zone, such as Europe/Berlin");
	if (recur_local_parse(start, &a) != ERR_OK || recur_local_parse(end, &b) != ERR_OK ||
	    recur_to_utc(tz, &a, &t0) != ERR_OK || recur_to_utc(tz, &b, &t1) != ERR_OK)
		return bad(ctx, "start and end must be local dates and times, YYYY-MM-DDTHH:MM");
	if (t1 <= t0)
		return bad(ctx, "end must be after start");
	if (t1 - t0 > 366 * (int64_t)DAY)
		return bad(ctx, "time off lasts at most a year at a time");
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = staff_of(ctx, clinician, &user);
	if (e == ERR_OK)
		e = may_manage_hours(ctx, user);
	if (e == ERR_OK)
		e = store_time_off_add(ctx->store, user, t0, t1, ctx->now, public_id);
	ctx->purpose = "operations";
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_SCHEDULE_SETUP, 0, "time_off", public_id, "");
	return finish(ctx, e);
}

/* overlaps - the first busy span that overlaps [t, t+len), or NULL. */
static const struct sched_busy *overlaps(const struct sched_busy *b, size_t n, int64_t t,
                                         int64_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i].starts_at < t + len && b[i].ends_at > t)
			return &b[i];
	return NULL;
}

#define SLOT_STEP (15 * 60) /* slots start on a quarter-hour grid from the span's start */
#define BUSY_MAX 200        /* busy spans one working span can hold */

enum err domain_free_slots(struct domain_ctx *ctx, const char *clinician, int minutes,
                           const char *date, int64_t *out, size_t max, size_t *n,
                           char tz_out[RECUR_TZID_MAX])
{
	struct work_span spans[SCHED_SPANS_MAX];
	struct sched_busy *busy = NULL;
	struct recur_local day, probe;
	int64_t user = 0, len = (int64_t)minutes * 60;
	size_t ns = 0, k = 0, d, i;
	char detail[48];
	enum err e;

	if (minutes < 5 || minutes > SCHED_MINUTES_MAX)
		return bad(ctx, "minutes must be between 5 and 480");
	if (max == 0 || max > SCHED_SLOTS_MAX)
		return bad(ctx, "count must be between 1 and 50");
	if (date != NULL && recur_date_parse(date, &day) != ERR_OK)
		return bad(ctx, "from must be a date, YYYY-MM-DD");
	busy = mem_calloc_array(2 * BUSY_MAX, sizeof *busy);
	if (busy == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		goto out;
	e = staff_of(ctx, clinician, &user);
	if (e == ERR_OK)
		e = store_hours_get(ctx->store, user, spans, SCHED_SPANS_MAX, &ns);
	if (e == ERR_OK && ns == 0) {
		ctx->message = "the clinician has no working hours yet";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK && date == NULL)
		e = recur_from_utc(spans[0].tzid, ctx->now, &day);
	if (e == ERR_OK) {
		int64_t t0 = ctx->now;

		if (date != NULL)
			e = recur_to_utc(spans[0].tzid, &day, &t0);
		if (e == ERR_OK)
			e = extend(ctx, (t0 > ctx->now ? t0 : ctx->now) +
			                        (int64_t)(SCHED_SEARCH_DAYS + 1) * DAY);
	}
	if (e == ERR_OK)
		memcpy(tz_out, spans[0].tzid, RECUR_TZID_MAX);
	day.hour = day.minute = day.second = 0;
	for (d = 0; e == ERR_OK && d < SCHED_SEARCH_DAYS && k < max; d++) {
		int64_t noon;

		probe = day;
		probe.hour = 12;
		e = recur_to_utc(spans[0].tzid, &probe, &noon);
		if (e == ERR_OK)
			e = recur_from_utc(spans[0].tzid, noon, &probe);
		for (i = 0; e == ERR_OK && i < ns && k < max; i++) {
			struct recur_local a = day, b = day;
			size_t nb = 0, nt = 0;
			int64_t ws, we, t;

			if (spans[i].weekday != probe.wday)
				continue;
			a.hour = spans[i].start_minute / 60;
			a.minute = spans[i].start_minute % 60;
			if (spans[i].end_minute == 1440) {
				recur_add_days(&b, 1);
			} else {
				b.hour = spans[i].end_minute / 60;
				b.minute = spans[i].end_minute % 60;
			}
			e = recur_to_utc(spans[0].tzid, &a, &ws);
			if (e == ERR_OK)
				e = recur_to_utc(spans[0].tzid, &b, &we);
			if (e == ERR_OK)
				e = store_sched_busy(ctx->store, SCHED_BUSY_CLINICIAN, user, ws, we,
				                     0, busy, BUSY_MAX, &nb);
			if (e == ERR_OK)
				e = store_sched_busy(ctx->store, SCHED_BUSY_TIME_OFF, user, ws, we,
				                     0, busy + nb, BUSY_MAX, &nt);
			t = ws;
			if (t < ctx->now)
				t = ws + ((ctx->now - ws + SLOT_STEP - 1) / SLOT_STEP) * SLOT_STEP;
			while (e == ERR_OK && k < max && t + len <= we) {
				const struct sched_busy *hit = overlaps(busy, nb + nt, t, len);

				if (hit == NULL) {
					out[k++] = t;
					t += len;
				} else {
					t = ws + ((hit->ends_at - ws + SLOT_STEP - 1) / SLOT_STEP) *
					                 SLOT_STEP;
				}
			}
		}
		recur_add_days(&day, 1);
	}
	snprintf(detail, sizeof detail, "free_slots=%zu", k);
	ctx->purpose = "operations";
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_SCHEDULE_VIEW, 0, "user", clinician, detail);
	e = finish(ctx, e);
	if (e == ERR_OK)
		*n = k;
out:
	free(busy);
	return e;
}

/* ---- services and rooms -------------------------------------------------- */

static enum err label_add(struct domain_ctx *ctx, int room, struct sched_label *l)
{
	size_t i, n = strlen(l->name);
	enum err e;

	if (n == 0 || n > 80)
		return bad(ctx, "name must be 1 to 80 characters");
	for (i = 0; i < n; i++)
		if ((unsigned char)l->name[i] < 0x20)
			return bad(ctx, "name must be 1 to 80 characters");
	if (!room) {
		if (strlen(l->cpt_code) != 5)
			return bad(ctx, "cpt_code must be a 5-character CPT code, such as 90834");
		for (i = 0; i < 5; i++)
			if (!((l->cpt_code[i] >= '0' && l->cpt_code[i] <= '9') ||
			      (l->cpt_code[i] >= 'A' && l->cpt_code[i] <= 'Z')))
				return bad(
				        ctx,
				        "cpt_code must be a 5-character CPT code, such as 90834");
		if (l->default_minutes < 5 || l->default_minutes > SCHED_MINUTES_MAX)
			return bad(ctx, "minutes must be between 5 and 480");
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = room ? store_room_add(ctx->store, l, ctx->now)
	         : store_service_add(ctx->store, l, ctx->now);
	ctx->purpose = "operations";
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_SCHEDULE_SETUP, 0, room ? "room" : "service",
		                l->public_id, "");
	return finish(ctx, e);
}

enum err domain_service_add(struct domain_ctx *ctx, struct sched_label *l)
{
	return label_add(ctx, 0, l);
}

enum err domain_room_add(struct domain_ctx *ctx, struct sched_label *l)
{
	return label_add(ctx, 1, l);
}

static enum err label_list(struct domain_ctx *ctx, int room, struct sched_label *out, size_t max,
                           size_t *n)
{
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	e = room ? store_room_list(ctx->store, out, max, n)
	         : store_service_list(ctx->store, out, max, n);
	store_end_read(ctx->store);
	return e;
}

enum err domain_service_list(struct domain_ctx *ctx, struct sched_label *out, size_t max, size_t *n)
{
	return label_list(ctx, 0, out, max, n);
}

enum err domain_room_list(struct domain_ctx *ctx, struct sched_label *out, size_t max, size_t *n)
{
	return label_list(ctx, 1, out, max, n);
}

/* ---- shared with domain/time_off.c --------------------------------------- */

enum err domain_sched_staff(struct domain_ctx *ctx, const char *public_id, int64_t *id)
{
	return staff_of(ctx, public_id, id);
}

enum err domain_sched_may_manage_hours(struct domain_ctx *ctx, int64_t user)
{
	return may_manage_hours(ctx, user);
}
