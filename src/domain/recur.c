/*
 * recur.c - zones and recurrence rules over libical (see recur.h). On
 * Debian libical is built without its own zone data and loads zones from
 * the system's zoneinfo (/usr/share/zoneinfo, from the tzdata package) on
 * first use, caching each zone for the life of the process; zone names are
 * plain IANA names ("Europe/Berlin"), never libical's TZID prefix. One
 * mutex serialises every libical call: its zone cache and error state are
 * process-wide. Never: calls localtime(), mktime() or setenv("TZ").
 */
#include "domain/recur.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONE_CACHE 32 /* zones remembered by name (libical looks up by a linear scan) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char name[RECUR_TZID_MAX]; /* IANA name */
	icaltimezone *z;           /* libical's zone, alive for the process */
} zones[ZONE_CACHE];
static size_t nzones;

/* zone - the zone named tzid, or NULL; caller holds lock. */
static icaltimezone *zone(const char *tzid)
{
	icaltimezone *z;
	size_t i, n;

	if (tzid == NULL)
		return NULL;
	n = strlen(tzid);
	if (n == 0 || n >= RECUR_TZID_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = tzid[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '-' || c == '+'))
			return NULL;
	}
	if (tzid[0] == '/' || strstr(tzid, "..") != NULL)
		return NULL;
	if (strcmp(tzid, "UTC") == 0)
		return icaltimezone_get_utc_timezone();
	for (i = 0; i < nzones; i++)
		if (strcmp(zones[i].name, tzid) == 0)
			return zones[i].z;
	z = icaltimezone_get_builtin_timezone(tzid);
	if (z != NULL && nzones < ZONE_CACHE) {
		memcpy(zones[nzones].name, tzid, n + 1);
		zones[nzones++].z = z;
	}
	return z;
}

int recur_zone_ok(const char *tzid)
{
	int ok;

	pthread_mutex_lock(&lock);
	ok = zone(tzid) != NULL;
	pthread_mutex_unlock(&lock);
	return ok;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return d[m - 1] + (m == 2 && leap(y));
}

/* digits - n decimal digits at s into *out; 0 if any is not a digit. */
static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

enum err recur_date_parse(const char *s, struct recur_local *out)
{
	struct recur_local l;

	memset(&l, 0, sizeof l);
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &l.year) ||
	    !digits(s + 5, 2, &l.month) || !digits(s + 8, 2, &l.day))
		return ERR_INVAL;
	if (l.year < 1970 || l.year > 2199 || l.month < 1 || l.month > 12 || l.day < 1 ||
	    l.day > days_in(l.year, l.month))
		return ERR_INVAL;
	*out = l;
	return ERR_OK;
}

enum err recur_local_parse(const char *s, struct recur_local *out)
{
	struct recur_local l;
	char date[11];
	size_t n = s != NULL ? strlen(s) : 0;

	if (n != 16 && n != 19)
		return ERR_INVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (recur_date_parse(date, &l) != ERR_OK || s[10] != 'T' || s[13] != ':' ||
	    !digits(s + 11, 2, &l.hour) || !digits(s + 14, 2, &l.minute))
		return ERR_INVAL;
	if (n == 19 && (s[16] != ':' || !digits(s + 17, 2, &l.second)))
		return ERR_INVAL;
	if (l.hour > 23 || l.minute > 59 || l.second > 59)
		return ERR_INVAL;
	*out = l;
	return ERR_OK;
}

/* put_digits - v % 10^n as exactly n decimal digits at out. */
static void put_digits(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10u);
		v /= 10u;
	}
}

/* Written digit by digit: snprintf cost ~3,000 instructions a call, and a
 * week view formats two local times per row. The output is byte for byte
 * snprintf's "%04u-%02u-%02uT%02u:%02u:%02u" of the fields reduced modulo
 * 10000 and 100 (tests/unit/test_recur.c compares the two). */
void recur_local_format(const struct recur_local *l, char out[20])
{
	put_digits(out, (unsigned)l->year % 10000u, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)l->month % 100u, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)l->day % 100u, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)l->hour % 100u, 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)l->minute % 100u, 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)l->second % 100u, 2);
	out[19] = '\0';
}

static struct icaltimetype to_ical(const struct recur_local *l)
{
	struct icaltimetype t = icaltime_null_time();

	t.year = l->year;
	t.month = l->month;
	t.day = l->day;
	t.hour = l->hour;
	t.minute = l->minute;
	t.second = l->second;
	t.is_date = 0;
	return t;
}

static void from_ical(struct icaltimetype t, struct recur_local *out)
{
	memset(out, 0, sizeof *out);
	out->year = t.year;
	out->month = t.month;
	out->day = t.day;
	out->hour = t.hour;
	out->minute = t.minute;
	out->second = t.second;
	out->wday = icaltime_day_of_week(t) - 1;
}

/* utc_of - instant of local t in z; caller holds lock. */
static int64_t utc_of(struct icaltimetype t, icaltimezone *z)
{
	t.zone = z;
	return (int64_t)icaltime_as_timet_with_zone(t, z);
}

enum err recur_to_utc(const char *tzid, const struct recur_local *l, int64_t *out)
{
	icaltimezone *z;
	enum err e = ERR_INVAL;

	pthread_mutex_lock(&lock);
	z = zone(tzid);
	if (z != NULL) {
		*out = utc_of(to_ical(l), z);
		e = ERR_OK;
	}
	pthread_mutex_unlock(&lock);
	return e;
}

enum err recur_from_utc(const char *tzid, int64_t t, struct recur_local *out)
{
	icaltimezone *z;
	enum err e = ERR_INVAL;

	pthread_mutex_lock(&lock);
	z = zone(tzid);
	if (z != NULL) {
		from_ical(icaltime_from_timet_with_zone((time_t)t, 0, z), out);
		e = ERR_OK;
	}
	pthread_mutex_unlock(&lock);
	return e;
}

void recur_add_days(struct recur_local *l, int days)
{
	struct icaltimetype t = to_ical(l);

	icaltime_adjust(&t, days, 0, 0, 0);
	from_ical(t, l);
}

/* rule_chars_ok - only the characters an RRULE value is made of. */
static int rule_chars_ok(const char *r)
{
	size_t i, n = strlen(r);

	if (n == 0 || n >= RECUR_RRULE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = r[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' || c == ';' ||
		      c == ',' || c == '+' || c == '-'))
			return 0;
	}
	return 1;
}

/* parse - rrule into *out, checked; caller holds lock. */
static enum err parse(const char *rrule, struct icalrecurrencetype *out)
{
	struct icalrecurrencetype r;

	if (rrule == NULL || !rule_chars_ok(rrule) || strncmp(rrule, "FREQ=", 5) != 0)
		return ERR_INVAL;
	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR)
		return ERR_INVAL;
	switch (r.freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
	case ICAL_MONTHLY_RECURRENCE:
	case ICAL_YEARLY_RECURRENCE: break;
	default: return ERR_INVAL;
	}
	if (r.interval < 1 || r.interval > 52)
		return ERR_INVAL;
	if (r.count < 0 || r.count > RECUR_EXPAND_MAX)
		return ERR_INVAL;
	if (r.count > 0 && !icaltime_is_null_time(r.until))
		return ERR_INVAL; /* RFC 5545: not both */
	if (r.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX)
		return ERR_INVAL; /* one time of day per occurrence */
	*out = r;
	return ERR_OK;
}

enum err recur_rule_check(const char *rrule)
{
	struct icalrecurrencetype r;
	enum err e;

	pthread_mutex_lock(&lock);
	e = parse(rrule, &r);
	pthread_mutex_unlock(&lock);
	return e;
}

int recur_rule_has_count(const char *rrule)
{
	struct icalrecurrencetype r;
	int n = 0;

	pthread_mutex_lock(&lock);
	if (parse(rrule, &r) == ERR_OK)
		n = r.count;
	pthread_mutex_unlock(&lock);
	return n;
}

/* until_of - the last instant r allows (UNTIL), or INT64_MAX; caller holds
 * lock. A date UNTIL ends with that local day in z; a floating one is
 * local time in z. */
static int64_t until_of(struct icaltimetype u, icaltimezone *z)
{
	if (icaltime_is_null_time(u))
		return INT64_MAX;
	if (u.is_date) {
		u.is_date = 0;
		u.hour = 23;
		u.minute = 59;
		u.second = 59;
		return utc_of(u, z);
	}
	if (u.zone == icaltimezone_get_utc_timezone())
		return (int64_t)icaltime_as_timet_with_zone(u, u.zone);
	return utc_of(u, z);
}

enum err recur_expand(const char *tzid, const struct recur_local *dtstart, const char *rrule,
                      int64_t to, int64_t *out, size_t max, size_t *n, int *more)
{
	struct icalrecurrencetype r;
	struct icaltimetype start, t;
	icalrecur_iterator *it = NULL;
	icaltimezone *z;
	int64_t until, at;
	size_t k = 0;
	int steps = 0, past = 0;
	enum err e;

	pthread_mutex_lock(&lock);
	z = zone(tzid);
	e = z != NULL ? parse(rrule, &r) : ERR_INVAL;
	if (e != ERR_OK)
		goto out;
	until = until_of(r.until, z);
	r.until = icaltime_null_time(); /* applied here, as an instant */
	start = to_ical(dtstart);
	start.zone = z;
	it = icalrecur_iterator_new(r, start);
	if (it == NULL) {
		e = ERR_INVAL;
		goto out;
	}
	while (steps++ < RECUR_ITERATIONS) {
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		at = utc_of(t, z);
		if (at > until)
			break;
		if (at >= to || k == max) {
			past = 1;
			break;
		}
		out[k++] = at;
	}
	*n = k;
	*more = past;
out:
	if (it != NULL)
		icalrecur_iterator_free(it);
	pthread_mutex_unlock(&lock);
	return e;
}

/* rewrite - rrule with its end changed, as libical writes it. */
static enum err rewrite(const char *rrule, int count, int64_t until, char *out, size_t size)
{
	struct icalrecurrencetype r;
	char *s;
	enum err e;

	pthread_mutex_lock(&lock);
	e = parse(rrule, &r);
	if (e == ERR_OK) {
		if (until != 0) {
			r.count = 0;
			r.until = icaltime_from_timet_with_zone((time_t)until, 0,
			                                        icaltimezone_get_utc_timezone());
		} else if (r.count > 0) {
			r.count = count;
		}
		s = icalrecurrencetype_as_string_r(&r);
		if (s == NULL || strlen(s) >= size)
			e = s == NULL ? ERR_NOMEM : ERR_TOOBIG;
		else
			memcpy(out, s, strlen(s) + 1);
		free(s);
	}
	pthread_mutex_unlock(&lock);
	return e;
}

enum err recur_rule_end(const char *rrule, int64_t before, char *out, size_t size)
{
	return rewrite(rrule, 0, before - 1, out, size);
}

enum err recur_rule_count(const char *rrule, int count, char *out, size_t size)
{
	if (count < 1 || count > RECUR_EXPAND_MAX)
		return ERR_INVAL;
	return rewrite(rrule, count, 0, out, size);
}
