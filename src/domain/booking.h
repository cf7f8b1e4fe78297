/*
 * booking.h - the waitlist and booking requests.
 *
 * Waitlist: a client (prospective or current) waiting for a slot, with the
 * preferences matching needs in the clear (days, earliest and latest time,
 * a clinician or any, in person / video / either) and a free-text note
 * sealed under the client's key. Booking requests: a client (in the
 * portal) or staff for them asks for a time with a clinician; the request's
 * clinician or the owner approves it (the appointment is booked by the
 * ordinary booking code in the same transaction: conflicts, access and
 * audit apply) or declines it with a reason (sealed).
 *
 * Who may do what (docs/decisions.md, "Reminders, feeds, waitlist"):
 *  - waitlist: the owner and the front desk for any client, a clinician for
 *    clients they reach or entries that name them;
 *  - requests: a client for themself; the owner and the front desk for any
 *    client; a clinician for clients they reach. Read by the same people
 *    and by the request's clinician. Decided by the request's clinician or
 *    the owner.
 * A refusal about a client's data is a 404 and an audited refusal. Every
 * operation is one transaction with its audit events (ids and counts).
 * Never: names a client or repeats free text in a message or an event.
 */
#ifndef CONFIDANT_DOMAIN_BOOKING_H
#define CONFIDANT_DOMAIN_BOOKING_H

#include "domain/domain.h"
#include "domain/schedule.h"
#include "store/remind.h"

#define WAITLIST_NOTE_MAX 2000   /* bytes of a waitlist note */
#define WAITLIST_SHOWN_MAX 500   /* entries one list returns */
#define BOOKING_MESSAGE_MAX 2000 /* bytes of a request's message */
#define BOOKING_REASON_MAX 500   /* bytes of a decline reason */
#define BOOKING_SHOWN_MAX 500    /* requests one list returns */

/* A new waitlist entry, public ids as given. */
struct waitlist_req {
	const char *client;    /* client public id */
	const char *clinician; /* user public id, or NULL: any */
	unsigned days;         /* bit (1 << weekday), 0 Sunday; 0: any day */
	int earliest_minute;   /* 0..1439 */
	int latest_minute;     /* earliest+1..1440 */
	int telehealth;        /* 0 in person, 1 video, 2 either */
	const char *note;      /* free text or NULL (sealed) */
};

/* domain_waitlist_add - put a client on the waitlist. ERR_INVAL with
 * ctx->message. Audited as waitlist.add. */
enum err domain_waitlist_add(struct domain_ctx *ctx, const struct waitlist_req *r,
                             struct waitlist_entry *out);

/* domain_waitlist_list - waiting entries (for clinician, or all), oldest
 * first, those the actor may see, notes opened; names[i] the client's name.
 * Audited as waitlist.read per client shown. Free with
 * domain_waitlist_list_cleanup. */
enum err domain_waitlist_list(struct domain_ctx *ctx, const char *clinician,
                              struct waitlist_entry *out, char **names, size_t max, size_t *n);
void domain_waitlist_list_cleanup(struct waitlist_entry *out, char **names, size_t n);

/* domain_waitlist_remove - take an entry off (ERR_CONFLICT if it is off). */
enum err domain_waitlist_remove(struct domain_ctx *ctx, const char *public_id);

/* A new booking request. */
struct booking_req {
	const char *client;    /* client public id (a client: their own) */
	const char *clinician; /* user public id */
	const char *start;     /* local YYYY-MM-DDTHH:MM[:SS] */
	const char *tz;        /* IANA zone */
	int minutes;           /* length, or 0: the service's */
	const char *service;   /* service public id, or NULL */
	int telehealth;        /* 1 for video */
	const char *message;   /* free text or NULL (sealed) */
};

/* domain_booking_request - record a request (pending). ERR_INVAL with
 * ctx->message. Audited as booking.request. */
enum err domain_booking_request(struct domain_ctx *ctx, const struct booking_req *r,
                                struct booking_request *out);

/* domain_booking_list - requests with status (-1 any) the actor may see,
 * newest first (nothing opened). Audited as booking.read per client. */
enum err domain_booking_list(struct domain_ctx *ctx, int status, struct booking_request *out,
                             size_t max, size_t *n);

/* domain_booking_get - one request, message and reason opened. */
enum err domain_booking_get(struct domain_ctx *ctx, const char *public_id,
                            struct booking_request *out);

/* domain_booking_approve - book the request (the request's clinician or
 * the owner) at its version: ERR_CONFLICT with *cf for a conflict (unless
 * override) or with ctx->message when it was decided or changed meanwhile.
 * *appt is the appointment made. */
enum err domain_booking_approve(struct domain_ctx *ctx, const char *public_id, int64_t version,
                                int override, struct sched_conflicts *cf, struct appt *appt);

/* domain_booking_decline - decline with a reason (required, sealed). */
enum err domain_booking_decline(struct domain_ctx *ctx, const char *public_id, int64_t version,
                                const char *reason);

/* domain_booking_status_name / _of - "pending", "approved", "declined". */
const char *domain_booking_status_name(int status);
int domain_booking_status_of(const char *name);

#endif
