/*
 * time_off.h - reading and removing a clinician's time off (time_off.c);
 * adding it is domain_time_off_add in domain/schedule.h.
 *
 * Who: the owner, the front desk, clinicians and supervisors read any
 * clinician's time off (like working hours, it says when someone is away,
 * not why); the owner, the front desk and the clinician themself remove
 * it (as they add it). Each call is one transaction with its audit event:
 * schedule.view (detail time_off=N) for a list, schedule.setup (detail
 * removed=1) for a removal; ids and counts only.
 * Never: changes appointments; takes a time off of one clinician for
 * another's (the row names its clinician).
 */
#ifndef CONFIDANT_DOMAIN_TIME_OFF_H
#define CONFIDANT_DOMAIN_TIME_OFF_H

#include "domain/domain.h"
#include "domain/recur.h"
#include "store/time_off.h"

#define TIME_OFF_SHOWN_MAX 200    /* periods one list returns at most */
#define TIME_OFF_RANGE_DAYS 800   /* longest range one list covers */
#define TIME_OFF_DEFAULT_DAYS 366 /* range when no end date is given */

/* A list of time off: what was asked and what was found. */
struct time_off_range {
	char tz[RECUR_TZID_MAX]; /* zone of from/to (given, else the hours' zone, else UTC) */
	int64_t from;            /* UTC instant of from's local midnight */
	int64_t to;              /* UTC instant of to's local midnight (exclusive) */
	int truncated;           /* 1 if more than max periods overlap the range */
};

/* domain_time_off_list - the clinician's time off overlapping the local
 * dates [from, to) in tz (from: today in tz when NULL; to: 366 days after
 * from when NULL; tz: the clinician's working-hours zone, else UTC), at
 * most max periods into out (which holds max + 1: one more is read to
 * set range->truncated), by start. ERR_INVAL with ctx->message for bad
 * dates, zone or a range longer than TIME_OFF_RANGE_DAYS. OUT: out, *n and
 * *range, written only on success. */
enum err domain_time_off_list(struct domain_ctx *ctx, const char *clinician, const char *from,
                              const char *to, const char *tz, struct time_off *out, size_t max,
                              size_t *n, struct time_off_range *range);

/* domain_time_off_remove - delete one period by public id. ERR_NOTFOUND if
 * there is none; ERR_DENIED (audited) if the actor may not change that
 * clinician's hours. */
enum err domain_time_off_remove(struct domain_ctx *ctx, const char *public_id);

#endif
