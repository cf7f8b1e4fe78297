/*
 * schedule.h - the practice's calendar: appointments (one clinician, with
 * co-facilitators; one or more clients), recurring series (RFC 5545 RRULE
 * expanded in the series' zone and materialised as rows up to
 * SCHED_HORIZON_DAYS ahead), conflicts, working hours, time off, free
 * slots, and day, week and month views.
 *
 * Who may do what (the minimum necessary; docs/decisions.md, "Scheduling"):
 *  - book, move, cancel: the owner and the front desk for any client, a
 *    clinician for clients their care team reaches (or break-glass);
 *  - see client names in views and in an appointment: the owner, the front
 *    desk, billing (purpose payment), and clinicians and supervisors for
 *    the clients they reach; everyone else who may see the calendar sees
 *    the time as busy, with no client;
 *  - the memo and status reasons (free text, sealed): the owner, the front
 *    desk, and the treating team; never billing;
 *  - working hours and time off: the owner, the front desk and the
 *    clinician themself; services and rooms: the owner.
 * A refusal about a client's appointment is a 404 and an audited refusal.
 * Every operation is one transaction with its audit events (ids and
 * counts only). A conflicting booking is ERR_CONFLICT with what it
 * conflicts with, unless overridden (audited as appointment.override).
 * Never: names a client in a message; changes anything on a refusal or
 * bad input.
 */
#ifndef CONFIDANT_DOMAIN_SCHEDULE_H
#define CONFIDANT_DOMAIN_SCHEDULE_H

#include "domain/domain.h"
#include "domain/recur.h"
#include "store/schedule.h"

#define SCHED_HORIZON_DAYS 548 /* series are materialised this far ahead (18 months) */
#define SCHED_MINUTES_MAX 480  /* longest appointment */
#define SCHED_MEMO_MAX 2000    /* bytes of a memo */
#define SCHED_REASON_MAX 500   /* bytes of a status reason */
#define SCHED_CONFLICTS_MAX 5  /* conflicts reported at most */
#define SCHED_VIEW_MAX 2000    /* appointments one view returns at most */
#define SCHED_SLOTS_MAX 50     /* free slots one search returns at most */
#define SCHED_SEARCH_DAYS 90   /* days a free-slot search looks ahead */
#define SCHED_SPANS_MAX 28     /* working-hour spans per clinician */
#define SCHED_HISTORY_MAX 64   /* status changes returned with an appointment */
#define SCHED_MESSAGE_MAX 192  /* bytes of a conflict message */

/* Which occurrences of a series a change applies to. */
enum sched_scope {
	SCHED_THIS = 0,      /* this appointment only (an exception to its series) */
	SCHED_FOLLOWING = 1, /* this and the following ones (splits the series) */
	SCHED_SERIES = 2,    /* every occurrence from now on */
};

/* A new appointment, or a series when rrule is set. Public ids as given. */
struct sched_booking {
	const char *clinician;                   /* user public id */
	const char *clients[STORE_APPT_MEMBERS]; /* client public ids; [0] is the first */
	size_t nclients;                         /* 1.. */
	const char *staff[STORE_APPT_MEMBERS];   /* co-facilitators' public ids */
	size_t nstaff;                           /* 0.. */
	const char *service;                     /* service public id, or NULL */
	const char *room;                        /* room public id, or NULL */
	int telehealth;                          /* 1 for video */
	int kind;                                /* 0..3, or -1: from the number of clients */
	const char *start;                       /* local YYYY-MM-DDTHH:MM[:SS] */
	const char *end;                         /* local, or NULL */
	int minutes;                             /* length, or 0: from end or the service */
	const char *tz;                          /* IANA zone, or NULL: the clinician's */
	const char *rrule;                       /* RRULE value, or NULL */
	const char *memo;                        /* free text (sealed), or NULL */
	int override;                            /* 1: book despite conflicts (audited) */
	/* within - if set, called inside the booking's transaction once the
	 * rows are written, with the first appointment; an error undoes the
	 * booking (approving a booking request uses it). */
	enum err (*within)(struct domain_ctx *ctx, const struct appt *first, void *arg);
	void *within_arg; /* passed to within */
};

/* What a booking conflicts with; message names the first, without names. */
struct sched_conflicts {
	struct {
		enum sched_busy_kind kind; /* what is busy */
		const char *who;           /* "clinician", "co-facilitator", "client", "room" */
		int64_t starts_at;         /* the busy time (UTC) */
		int64_t ends_at;           /* UTC */
		int64_t at;                /* the occurrence of the booking that collides */
	} c[SCHED_CONFLICTS_MAX];          /* the first few */
	size_t n;                          /* how many reported */
	char message[SCHED_MESSAGE_MAX];   /* "clinician already has an appointment 10:00-10:50 on
	                                      2026-12-01" */
	const char *tz;                    /* zone the message's times are in */
};

/* domain_appt_create - book b (a series if b->rrule). On success *out is
 * the (first) appointment and *count the number of rows made. ERR_INVAL
 * with ctx->message for bad input; ERR_CONFLICT with *cf filled. */
enum err domain_appt_create(struct domain_ctx *ctx, const struct sched_booking *b,
                            struct sched_conflicts *cf, struct appt *out, size_t *count);

/* A change to an appointment; NULL / -1 fields stay as they are. */
struct sched_change {
	const char *public_id; /* which appointment */
	int64_t version;       /* the version the caller read */
	int scope;             /* enum sched_scope */
	const char *start;     /* new local start, or NULL */
	const char *end;       /* new local end, or NULL */
	int minutes;           /* new length, or 0 */
	const char *tz;        /* zone of start/end, or NULL: the appointment's */
	const char *room;      /* room public id, "" to clear, NULL unchanged */
	const char *service;   /* service public id, "" to clear, NULL unchanged */
	int telehealth;        /* 1/0, or -1 unchanged */
	const char *rrule;     /* new rule (scope following), or NULL */
	const char *memo;      /* new memo, "" to clear, NULL unchanged */
	int override;          /* 1: despite conflicts (audited) */
};

/* domain_appt_update - apply c. Scope following splits the series at this
 * occurrence: the old series ends before it, a new one starts at the new
 * time; exceptions already made are kept. *count = rows changed or made.
 * ERR_CONFLICT for a stale version (ctx->message) or a conflict (*cf). */
enum err domain_appt_update(struct domain_ctx *ctx, const struct sched_change *c,
                            struct sched_conflicts *cf, struct appt *out, size_t *count);

/* domain_appt_status - set status (enum appt_status) with an optional
 * reason on this appointment, or (cancellations only) on this and the
 * following or every future occurrence of its series, which then ends.
 * ERR_CONFLICT for a stale version. *count = appointments changed. */
enum err domain_appt_status(struct domain_ctx *ctx, const char *public_id, int64_t version,
                            int status, const char *reason, int scope, struct appt *out,
                            size_t *count);

/* A person named in an appointment; name NULL when the actor may not see
 * it. Free with sched_detail_cleanup. */
struct sched_person {
	char public_id[33]; /* client or user public id */
	char *name;         /* opened name, or NULL */
};

/* One appointment as GET shows it. */
struct sched_detail {
	struct appt a;                                   /* the row (memo opened if allowed) */
	struct sched_person clients[STORE_APPT_MEMBERS]; /* first client first */
	size_t nclients;                                 /* how many */
	char staff[STORE_APPT_MEMBERS][33];              /* co-facilitators' public ids */
	size_t nstaff;                                   /* how many */
	char rrule[STORE_RRULE_MAX];                     /* the series' rule, or "" */
	int sees_clients;                                /* 1 if names were opened */
	int sees_memo;                                   /* 1 if memo and reasons were opened */
	struct appt_change history[SCHED_HISTORY_MAX];   /* status changes, oldest first */
	size_t nhistory;                                 /* how many */
};
void sched_detail_cleanup(struct sched_detail *d);

/* domain_appt_get - one appointment, audited as appointment.read per
 * client shown. */
enum err domain_appt_get(struct domain_ctx *ctx, const char *public_id, struct sched_detail *out);

/* What a view asks for. */
struct sched_view_req {
	int view;              /* 0 day, 1 week (Monday to Sunday), 2 month */
	const char *date;      /* YYYY-MM-DD in tz, or NULL: today */
	const char *tz;        /* IANA zone the view is in */
	const char *clinician; /* user public id, or NULL: the whole practice */
	const char *room;      /* room public id, or NULL */
	unsigned status_mask;  /* (1 << status) bits; 0: all */
};

/* domain_sched_view - the appointments of the view's window, in start
 * order: up to max into rows (which has room for max + 1, to tell whether
 * there were more), names[i] the first client's name or NULL when the
 * actor may not see it; *n set; *from and *to are the window (UTC);
 * *truncated 1 if there were more. Audited as schedule.view with counts.
 * Free with sched_view_cleanup. */
enum err domain_sched_view(struct domain_ctx *ctx, const struct sched_view_req *q,
                           struct appt *rows, char **names, size_t max, size_t *n, int64_t *from,
                           int64_t *to, int *truncated);
void sched_view_cleanup(struct appt *rows, char **names, size_t n);

/* domain_sched_materialise - make the occurrences of open series that
 * start before until into rows (in its own transaction), so a reader of
 * raw rows (the calendar feed) sees what the views show. */
enum err domain_sched_materialise(struct domain_ctx *ctx, int64_t until);

/* domain_free_slots - the next free slots of minutes length for a
 * clinician within working hours, from date (YYYY-MM-DD in the hours'
 * zone, NULL: now), skipping appointments and time off, at most max
 * (start instants into out). ERR_CONFLICT if the clinician has no hours. */
enum err domain_free_slots(struct domain_ctx *ctx, const char *clinician, int minutes,
                           const char *date, int64_t *out, size_t max, size_t *n,
                           char tz_out[RECUR_TZID_MAX]);

/* domain_hours_set / _get - a clinician's weekly hours (all in one zone). */
enum err domain_hours_set(struct domain_ctx *ctx, const char *clinician,
                          const struct work_span *spans, size_t n);
enum err domain_hours_get(struct domain_ctx *ctx, const char *clinician, struct work_span *out,
                          size_t max, size_t *n);

/* domain_time_off_add - the clinician is away [start, end) local in tz. */
enum err domain_time_off_add(struct domain_ctx *ctx, const char *clinician, const char *start,
                             const char *end, const char *tz, char public_id[33]);

/* Services and rooms (owner adds; staff list). */
enum err domain_service_add(struct domain_ctx *ctx, struct sched_label *l);
enum err domain_room_add(struct domain_ctx *ctx, struct sched_label *l);
enum err domain_service_list(struct domain_ctx *ctx, struct sched_label *out, size_t max,
                             size_t *n);
enum err domain_room_list(struct domain_ctx *ctx, struct sched_label *out, size_t max, size_t *n);

/* sched_status_name / sched_status_of - "scheduled"... and back (-1 if
 * unknown). sched_kind_name / sched_kind_of the same for kinds. */
const char *sched_status_name(int status);
int sched_status_of(const char *name);
const char *sched_kind_name(int kind);
int sched_kind_of(const char *name);

/* domain_sched_staff - the row id of an active clinician or supervisor by
 * public id; ERR_INVAL with ctx->message for anyone else (time_off.c). */
enum err domain_sched_staff(struct domain_ctx *ctx, const char *public_id, int64_t *id);

/* domain_sched_may_manage_hours - may the actor change user's hours and
 * time off (the owner, the front desk, the clinician themself)? A refusal
 * is ERR_DENIED, audited as schedule.setup. */
enum err domain_sched_may_manage_hours(struct domain_ctx *ctx, int64_t user);

#endif
