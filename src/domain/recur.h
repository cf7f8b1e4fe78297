/*
 * recur.h - time zones and RFC 5545 recurrence rules (recur.c, over
 * libical).
 *
 * Responsible for: naming IANA zones (libical reads the system's zoneinfo,
 * /usr/share/zoneinfo on Debian), turning local wall-clock times in a zone
 * into UTC instants and back, checking RRULE values, and expanding a rule
 * in its zone, so that a weekly 10:00 stays at 10:00 local time across
 * daylight-saving changes. All libical calls are serialised here (its zone
 * cache is process-wide).
 * Never: uses the process's TZ or localtime(); accepts a rule it cannot
 * bound (every expansion stops at a horizon and RECUR_EXPAND_MAX).
 */
#ifndef CONFIDANT_DOMAIN_RECUR_H
#define CONFIDANT_DOMAIN_RECUR_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define RECUR_TZID_MAX 64      /* bytes of a zone name with its NUL */
#define RECUR_RRULE_MAX 256    /* bytes of an RRULE value with its NUL */
#define RECUR_EXPAND_MAX 800   /* occurrences one expansion returns at most */
#define RECUR_ITERATIONS 20000 /* candidate dates one expansion looks at at most */

/* A wall-clock time in some zone. */
struct recur_local {
	int year;   /* 1970..2199 */
	int month;  /* 1..12 */
	int day;    /* 1..31 */
	int hour;   /* 0..23 */
	int minute; /* 0..59 */
	int second; /* 0..59 */
	int wday;   /* 0 Sunday .. 6 Saturday (set by recur_from_utc) */
};

/* recur_zone_ok - non-zero if tzid names a zone libical can load ("UTC"
 * included). */
int recur_zone_ok(const char *tzid);

/* recur_local_parse - "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a real
 * date, years 1970..2199) into out; ERR_INVAL otherwise. */
enum err recur_local_parse(const char *s, struct recur_local *out);

/* recur_date_parse - "YYYY-MM-DD" into out (midnight); ERR_INVAL otherwise. */
enum err recur_date_parse(const char *s, struct recur_local *out);

/* recur_local_format - "YYYY-MM-DDTHH:MM:SS" into out (20 bytes). */
void recur_local_format(const struct recur_local *l, char out[20]);

/* recur_to_utc - the UTC instant of local time l in zone tzid. A time that
 * does not exist (in a spring-forward gap) moves forward by the gap.
 * ERR_INVAL for an unknown zone. */
enum err recur_to_utc(const char *tzid, const struct recur_local *l, int64_t *out);

/* recur_from_utc - the local time in tzid of instant t (wday set). */
enum err recur_from_utc(const char *tzid, int64_t t, struct recur_local *out);

/* recur_add_days - l moved by days calendar days (time of day kept). */
void recur_add_days(struct recur_local *l, int days);

/* recur_rule_check - ERR_OK if rrule is an RRULE value libical parses,
 * with FREQ DAILY, WEEKLY, MONTHLY or YEARLY, INTERVAL 1..52, COUNT
 * 1..RECUR_EXPAND_MAX when given; ERR_INVAL otherwise. */
enum err recur_rule_check(const char *rrule);

/* recur_expand - start instants (UTC) of the occurrences of rrule whose
 * first is dtstart (local, in tzid), expanded in tzid, that start before
 * `to`; at most max into out, *n set. UNTIL is honoured as the instant it
 * names (a UTC UNTIL) or the end of that local day (a date UNTIL). *more
 * is set non-zero if occurrences continue at or after `to`. */
enum err recur_expand(const char *tzid, const struct recur_local *dtstart, const char *rrule,
                      int64_t to, int64_t *out, size_t max, size_t *n, int *more);

/* recur_rule_end - rrule rewritten to end before the instant `before`
 * (UNTIL = before - 1 s, in UTC; COUNT dropped), into out (size bytes). */
enum err recur_rule_end(const char *rrule, int64_t before, char *out, size_t size);

/* recur_rule_count - rrule with COUNT replaced by count (if it had one),
 * into out; for the part of a split series that follows the split. */
enum err recur_rule_count(const char *rrule, int count, char *out, size_t size);

/* recur_rule_has_count - the rule's COUNT, or 0 if it has none. */
int recur_rule_has_count(const char *rrule);

#endif
