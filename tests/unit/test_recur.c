/*
 * test_recur.c - domain/recur.c: RRULE expansion in a zone across both
 * daylight-saving changes in two zones, every other week, the 2nd Tuesday
 * of the month, UNTIL and COUNT, ending a rule for a split, and the inputs
 * it must refuse (bad rules, unknown zones, impossible dates).
 */
#include "unit.h"

#include "domain/recur.h"

/* Instants written out, so a wrong offset shows as a wrong hour. */
#define T(y, mo, d, h, mi) utc((y), (mo), (d), (h), (mi))

/* utc - seconds since the epoch of a UTC civil time (days from civil). */
static int64_t utc(int y, int m, int d, int h, int mi)
{
	int64_t era, yoe, doy, doe, days;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	return days * 86400 + h * 3600 + mi * 60;
}

static struct recur_local at(const char *s)
{
	struct recur_local l;

	assert_int_equal(recur_local_parse(s, &l), ERR_OK);
	return l;
}

static void expand(const char *tz, const char *start, const char *rule, int64_t to, int64_t *out,
                   size_t max, size_t *n)
{
	struct recur_local l = at(start);
	int more = 0;

	assert_int_equal(recur_expand(tz, &l, rule, to, out, max, n, &more), ERR_OK);
}

/* New York leaves daylight saving on 2026-11-01: 10:00 EDT is 14:00 UTC,
 * 10:00 EST is 15:00 UTC. */
static void weekly_new_york_autumn(void **state)
{
	int64_t o[10];
	size_t n = 0;

	(void)state;
	expand("America/New_York", "2026-10-20T10:00", "FREQ=WEEKLY;COUNT=4", INT64_MAX, o, 10, &n);
	assert_int_equal(n, 4);
	assert_int_equal(o[0], T(2026, 10, 20, 14, 0));
	assert_int_equal(o[1], T(2026, 10, 27, 14, 0));
	assert_int_equal(o[2], T(2026, 11, 3, 15, 0));
	assert_int_equal(o[3], T(2026, 11, 10, 15, 0));
}

/* New York enters daylight saving on 2026-03-08. */
static void weekly_new_york_spring(void **state)
{
	int64_t o[10];
	size_t n = 0;

	(void)state;
	expand("America/New_York", "2026-03-02T10:00", "FREQ=WEEKLY;COUNT=2", INT64_MAX, o, 10, &n);
	assert_int_equal(n, 2);
	assert_int_equal(o[0], T(2026, 3, 2, 15, 0));
	assert_int_equal(o[1], T(2026, 3, 9, 14, 0));
}

/* Berlin enters summer time on 2026-03-29 and leaves it on 2026-10-25. */
static void weekly_berlin_both_ways(void **state)
{
	int64_t o[10];
	size_t n = 0;

	(void)state;
	expand("Europe/Berlin", "2026-03-23T10:00", "FREQ=WEEKLY;COUNT=2", INT64_MAX, o, 10, &n);
	assert_int_equal(n, 2);
	assert_int_equal(o[0], T(2026, 3, 23, 9, 0));
	assert_int_equal(o[1], T(2026, 3, 30, 8, 0));
	expand("Europe/Berlin", "2026-10-19T10:00", "FREQ=WEEKLY;COUNT=2", INT64_MAX, o, 10, &n);
	assert_int_equal(n, 2);
	assert_int_equal(o[0], T(2026, 10, 19, 8, 0));
	assert_int_equal(o[1], T(2026, 10, 26, 9, 0));
}

static void every_other_week_and_horizon(void **state)
{
	int64_t o[10];
	size_t n = 0;
	struct recur_local l = at("2026-01-05T09:00");
	int more = 0;

	(void)state;
	expand("UTC", "2026-01-05T09:00", "FREQ=WEEKLY;INTERVAL=2;COUNT=3", INT64_MAX, o, 10, &n);
	assert_int_equal(n, 3);
	assert_int_equal(o[1] - o[0], 14 * 86400);
	assert_int_equal(o[2] - o[1], 14 * 86400);
	/* an endless rule stops at the horizon and says there is more */
	assert_int_equal(
	        recur_expand("UTC", &l, "FREQ=WEEKLY", T(2026, 2, 1, 0, 0), o, 10, &n, &more),
	        ERR_OK);
	assert_int_equal(n, 4);
	assert_int_equal(more, 1);
	/* and at max */
	assert_int_equal(recur_expand("UTC", &l, "FREQ=DAILY", INT64_MAX, o, 3, &n, &more), ERR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(more, 1);
}

static void monthly_second_tuesday(void **state)
{
	int64_t o[10];
	size_t n = 0;

	(void)state;
	expand("America/New_York", "2026-01-13T17:30", "FREQ=MONTHLY;BYDAY=2TU;COUNT=4", INT64_MAX,
	       o, 10, &n);
	assert_int_equal(n, 4);
	assert_int_equal(o[0], T(2026, 1, 13, 22, 30));
	assert_int_equal(o[1], T(2026, 2, 10, 22, 30));
	assert_int_equal(o[2], T(2026, 3, 10, 21, 30)); /* after the spring change */
	assert_int_equal(o[3], T(2026, 4, 14, 21, 30));
}

static void until_is_an_instant(void **state)
{
	int64_t o[10];
	size_t n = 0;

	(void)state;
	/* UNTIL exactly the third start includes it; a second earlier does not */
	expand("America/New_York", "2026-10-20T10:00", "FREQ=WEEKLY;UNTIL=20261103T150000Z",
	       INT64_MAX, o, 10, &n);
	assert_int_equal(n, 3);
	expand("America/New_York", "2026-10-20T10:00", "FREQ=WEEKLY;UNTIL=20261103T145959Z",
	       INT64_MAX, o, 10, &n);
	assert_int_equal(n, 2);
	/* a date UNTIL includes that local day */
	expand("Europe/Berlin", "2026-10-19T10:00", "FREQ=WEEKLY;UNTIL=20261102", INT64_MAX, o, 10,
	       &n);
	assert_int_equal(n, 3);
}

static void ending_and_recounting_a_rule(void **state)
{
	char r[RECUR_RRULE_MAX];
	int64_t o[10];
	size_t n = 0;

	(void)state;
	assert_int_equal(recur_rule_end("FREQ=WEEKLY;COUNT=10", T(2026, 11, 3, 15, 0), r, sizeof r),
	                 ERR_OK);
	assert_null(strstr(r, "COUNT"));
	expand("America/New_York", "2026-10-20T10:00", r, INT64_MAX, o, 10, &n);
	assert_int_equal(n, 2);
	assert_int_equal(recur_rule_count("FREQ=WEEKLY;COUNT=10", 8, r, sizeof r), ERR_OK);
	assert_int_equal(recur_rule_has_count(r), 8);
	assert_int_equal(recur_rule_has_count("FREQ=WEEKLY"), 0);
}

static void refuses_bad_rules(void **state)
{
	static const char *const bad[] = {
	        "",
	        "FREQ=SOMETIMES",
	        "FREQ=HOURLY",
	        "FREQ=WEEKLY;COUNT=5;UNTIL=20270101T000000Z",
	        "FREQ=WEEKLY;FOO=1",
	        "FREQ=WEEKLY;INTERVAL=0",
	        "FREQ=WEEKLY;COUNT=100000",
	        "FREQ=DAILY;BYHOUR=9,17",
	        "COUNT=3",
	        "FREQ=WEEKLY\r\nX",
	        "RRULE:FREQ=WEEKLY",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(recur_rule_check(bad[i]), ERR_INVAL);
	assert_int_equal(recur_rule_check("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270101T000000Z"),
	                 ERR_OK);
	assert_int_equal(recur_rule_check("FREQ=MONTHLY;BYDAY=2TU"), ERR_OK);
}

static void zones_and_dates(void **state)
{
	struct recur_local l;
	int64_t t = 0;

	(void)state;
	assert_true(recur_zone_ok("Europe/Berlin"));
	assert_true(recur_zone_ok("UTC"));
	assert_false(recur_zone_ok("Mars/Olympus_Mons"));
	assert_false(recur_zone_ok("../../etc/passwd"));
	assert_false(recur_zone_ok(""));
	assert_int_equal(recur_local_parse("2026-02-30T10:00", &l), ERR_INVAL);
	assert_int_equal(recur_local_parse("2026-02-03T24:00", &l), ERR_INVAL);
	assert_int_equal(recur_local_parse("2026-02-03 10:00", &l), ERR_INVAL);
	assert_int_equal(recur_local_parse("2026-02-03T10:00Z", &l), ERR_INVAL);
	assert_int_equal(recur_date_parse("2028-02-29", &l), ERR_OK);
	assert_int_equal(recur_date_parse("2027-02-29", &l), ERR_INVAL);
	l = at("2026-07-01T12:00");
	assert_int_equal(recur_to_utc("Mars/Olympus_Mons", &l, &t), ERR_INVAL);
	assert_int_equal(recur_to_utc("Europe/Berlin", &l, &t), ERR_OK);
	assert_int_equal(t, T(2026, 7, 1, 10, 0));
	assert_int_equal(recur_from_utc("America/New_York", t, &l), ERR_OK);
	assert_int_equal(l.hour, 6);
	assert_int_equal(l.wday, 3); /* a Wednesday */
	recur_add_days(&l, 31);
	assert_int_equal(l.month, 8);
	assert_int_equal(l.day, 1);
}

/* recur_local_format matches snprintf's "%04u-%02u-%02uT%02u:%02u:%02u"
 * of the fields modulo 10000 and 100, over ordinary and odd values
 * (negative, past the field width). */
static void format_matches_snprintf(void **state)
{
	static const int odd[] = {-1,  -100, 0,    1,    9,     10,    59,        99,
	                          100, 123,  1969, 9999, 10000, 12345, INT32_MAX, INT32_MIN};
	char want[32], got[20];
	unsigned i, k;

	(void)state;
	for (i = 0; i < 200000; i++) {
		struct recur_local l;
		unsigned r = i * 2654435761u;

		l.year = (int)(1900 + r % 400);
		l.month = (int)(1 + (r >> 9) % 12);
		l.day = (int)(1 + (r >> 13) % 31);
		l.hour = (int)((r >> 18) % 24);
		l.minute = (int)(i % 60);
		l.second = (int)((i / 60) % 60);
		l.wday = 0;
		if (i < sizeof odd / sizeof odd[0] * 6) { /* each odd value in each field */
			k = i / 6;
			switch (i % 6) {
			case 0: l.year = odd[k]; break;
			case 1: l.month = odd[k]; break;
			case 2: l.day = odd[k]; break;
			case 3: l.hour = odd[k]; break;
			case 4: l.minute = odd[k]; break;
			default: l.second = odd[k]; break;
			}
		}
		snprintf(want, sizeof want, "%04u-%02u-%02uT%02u:%02u:%02u",
		         (unsigned)l.year % 10000u, (unsigned)l.month % 100u,
		         (unsigned)l.day % 100u, (unsigned)l.hour % 100u, (unsigned)l.minute % 100u,
		         (unsigned)l.second % 100u);
		memset(got, 'x', sizeof got);
		recur_local_format(&l, got);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(weekly_new_york_autumn),
	        cmocka_unit_test(weekly_new_york_spring),
	        cmocka_unit_test(weekly_berlin_both_ways),
	        cmocka_unit_test(every_other_week_and_horizon),
	        cmocka_unit_test(monthly_second_tuesday),
	        cmocka_unit_test(until_is_an_instant),
	        cmocka_unit_test(ending_and_recounting_a_rule),
	        cmocka_unit_test(refuses_bad_rules),
	        cmocka_unit_test(zones_and_dates),
	        cmocka_unit_test(format_matches_snprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
