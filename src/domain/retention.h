/*
 * retention.h - retention rules per jurisdiction: how long a client's
 * record must be kept where they are treated, and which rule applies to
 * whom (domain/retention.c).
 *
 * Responsible for: validating rules (ISO 3166 codes, ranges, a note of
 * text); the practice's default jurisdiction; refusing to delete the
 * default rule or one that clients fall under; choosing a client's rule
 * (their own jurisdiction's, else the default's). Every change is audited
 * with the rule's code and numbers (rules describe laws, not people).
 * Never: shows or audits a client's jurisdiction.
 */
#ifndef CONFIDANT_DOMAIN_RETENTION_H
#define CONFIDANT_DOMAIN_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "domain/domain.h"
#include "store/retention.h"

#define RETENTION_DEFAULT_KEY "retention_default" /* meta key: the default rule's code */

/* domain_retention_code_valid - code is an ISO 3166-1 alpha-2 code ("GB")
 * or an ISO 3166-2 subdivision ("US-WA", "GB-SCT"): two capital letters,
 * then optionally "-" and one to three capital letters or digits. */
int domain_retention_code_valid(const char *code);

/* domain_retention_rules - every rule (at most max) and the default's code
 * (owner and auditor; ERR_DENIED otherwise, audited). Audited as
 * retention_rule.read with the count. */
enum err domain_retention_rules(struct domain_ctx *ctx, struct retention_rule *out, size_t max,
                                size_t *n, char default_code[RETENTION_CODE_MAX + 1]);

/* domain_retention_rule_put - create or replace the rule r->code (the
 * owner); make_default 1 makes it the practice's default (*is_default says
 * whether it is the default afterwards). ERR_INVAL with
 * ctx->message naming the field (code, adult_years 0-100, majority_age
 * 14-25, minor_years 0-100, note at most RETENTION_NOTE_MAX bytes of one
 * line of text). *created 1 if the code was new. Audited as
 * retention_rule.set ("code=..,adult=..,majority=..,minor=..,default=.."). */
enum err domain_retention_rule_put(struct domain_ctx *ctx, struct retention_rule *r,
                                   int make_default, int *created, int *is_default);

/* domain_retention_rule_delete - remove a rule (the owner). ERR_NOTFOUND;
 * ERR_CONFLICT (ctx->message) if it is the default or any client's
 * jurisdiction names it. Audited as retention_rule.delete. */
enum err domain_retention_rule_delete(struct domain_ctx *ctx, const char *code);

/* domain_retention_rule_for - the rule for a client whose sealed
 * jurisdiction is jurisdiction (NULL or "": none), inside the caller's
 * transaction: that code's rule, else the default's, else 7 years, 18, 7
 * years with code "" (a database with no rules at all). */
enum err domain_retention_rule_for(struct domain_ctx *ctx, const char *jurisdiction,
                                   struct retention_rule *out);

/* domain_retention_jurisdiction_check - ERR_OK if j is NULL, "" or the
 * code of a rule; else ERR_INVAL with ctx->message. Inside the caller's
 * transaction (the chart's write). */
enum err domain_retention_jurisdiction_check(struct domain_ctx *ctx, const char *j);

#endif
