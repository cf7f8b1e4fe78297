/*
 * audit_report.h - reading the audit trail: search, a client's access
 * report ("who opened my record, when, and what they did") and the
 * breach-impact report (every client one account, session or address
 * touched in a window), plus the CSV and time formats reports use.
 *
 * Responsible for: who may read the trail, validating filters (ids and
 * times only), and auditing every read of the trail as an event of its own
 * in the same transaction. Never: returns PHI (events hold ids, counts,
 * roles and staff display names only), sees SQL, JSON or a status code.
 */
#ifndef CONFIDANT_DOMAIN_AUDIT_REPORT_H
#define CONFIDANT_DOMAIN_AUDIT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/domain.h"

/* The most clients one breach-impact report lists. */
#define AUDIT_REPORT_CLIENTS_MAX 1000000
/* Bytes of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ" with its NUL. */
#define AUDIT_TIME_LEN 21

/* What a breach-impact report found. */
struct audit_breach {
	struct audit_touch *clients; /* clients touched, earliest first (heap) */
	size_t n;                    /* entries in clients */
	size_t cap;                  /* entries allocated */
	int64_t events;              /* every matching event */
	int64_t unattributed;        /* matching events about no one client (list pages,
	                                sign-ins): their counts are in their detail */
};

/* audit_breach_cleanup - free b's list; b is empty after. */
void audit_breach_cleanup(struct audit_breach *b);

/* domain_audit_search - events matching f (every string an id: ERR_INVAL
 * with ctx->message otherwise), newest first, at most limit (1..200) into
 * out; *n set. Pages: pass the last seq returned as f->before. Only the
 * owner, the auditor and the system may search (ERR_DENIED, audited).
 * Audited as audit.search with the count. Caller cleans up each record. */
enum err domain_audit_search(struct domain_ctx *ctx, const struct audit_filter *f, size_t limit,
                             struct audit_record *out, size_t *n);

/* domain_audit_access_report - every event about the client with public id
 * client, newest first, paged like search (before, limit), with staff names
 * and roles. ERR_NOTFOUND if there is no such client. The owner, the
 * auditor, the system and the client themselves may read it (ERR_DENIED
 * otherwise, audited). Audited as audit.access_report on that client. */
enum err domain_audit_access_report(struct domain_ctx *ctx, const char *client, int64_t before,
                                    size_t limit, struct audit_record *out, size_t *n);

/* domain_audit_breach_report - every client touched by events of f->actor,
 * f->session or f->source (at least one is required) between f->from and
 * f->to (0: no bound), with counts and first and last times. Owner,
 * auditor and system only. Audited as audit.breach_report. Caller calls
 * audit_breach_cleanup. */
enum err domain_audit_breach_report(struct domain_ctx *ctx, const struct audit_filter *f,
                                    struct audit_breach *out);

/* domain_audit_breach_csv - b as CSV (RFC 4180: CRLF line ends, a header
 * row "client,events,first,last", times in ISO 8601) appended to out. */
enum err domain_audit_breach_csv(const struct audit_breach *b, struct buf *out);

/* domain_csv_field - append s as one CSV field: as is, or in double quotes
 * with quotes doubled when it holds a comma, a quote, CR or LF. */
enum err domain_csv_field(struct buf *out, const char *s);

/* domain_time_parse - unix seconds from "1700000000" (digits) or ISO 8601:
 * "2024-03-01" (midnight UTC) or "2024-03-01T09:30[:15[.123]]" followed by
 * "Z" or an offset "+01:00" / "-0500". ERR_INVAL for anything else or an
 * impossible date. */
enum err domain_time_parse(const char *s, int64_t *out);

/* domain_time_format - t as "YYYY-MM-DDTHH:MM:SSZ". */
void domain_time_format(int64_t t, char out[AUDIT_TIME_LEN]);

#endif
