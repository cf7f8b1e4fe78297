/*
 * dates.h - calendar dates and plain text checks the domain's rules share.
 *
 * Responsible for: what counts as a date (YYYY-MM-DD, a real day between
 * 1900 and 2200), today's date from the operation's clock, and text without
 * control characters. Never: knows a time zone beyond UTC (callers that
 * need a practice's zone convert first).
 */
#ifndef CONFIDANT_DOMAIN_DATES_H
#define CONFIDANT_DOMAIN_DATES_H

#include <stdint.h>

/* domain_date_valid - s is YYYY-MM-DD, a real calendar date in 1900..2200. */
int domain_date_valid(const char *s);

/* domain_date_today - the UTC date of unix time t as YYYY-MM-DD. */
void domain_date_today(int64_t t, char out[11]);

/* domain_text_clean - s has no control characters (newlines allowed when
 * multiline). */
int domain_text_clean(const char *s, int multiline);

#endif
