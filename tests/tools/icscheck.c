/*
 * icscheck.c - parse an iCalendar feed with libical (stdin) and print one
 * line per VEVENT: its UID and DTSTART as unix seconds (UTC). Exits 1 if
 * libical cannot parse it, finds no VCALENDAR, or an event lacks UID,
 * DTSTAMP or DTSTART. Built and run by tests/api/reminders.test.mjs;
 * never part of the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

int main(void)
{
	static char text[4 * 1024 * 1024];
	size_t n = fread(text, 1, sizeof text - 1, stdin);
	icalcomponent *cal, *ev;
	int bad = 0;

	text[n] = '\0';
	cal = icalparser_parse_string(text);
	if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		fprintf(stderr, "icscheck: not a VCALENDAR\n");
		return 1;
	}
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev != NULL;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev);
		struct icaltimetype start = icalcomponent_get_dtstart(ev);

		if (uid == NULL || icaltime_is_null_time(start) ||
		    icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY) == NULL) {
			bad = 1;
			continue;
		}
		printf("%s %lld\n", uid, (long long)icaltime_as_timet_with_zone(start, NULL));
	}
	icalcomponent_free(cal);
	return bad;
}
