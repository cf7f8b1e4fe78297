/*
 * breach.h - breach notification (HIPAA 164.404-410, GDPR Art. 33 and 34):
 * a breach record with its deadlines, and notification letters to each
 * affected client built from the breach-impact report.
 *
 * Responsible for: who may record breaches and make letters (the owner and
 * the privacy officer), validating the record, finding the affected
 * clients in the audit trail with the stored filter, and auditing every
 * letter as an event on its client. Letters are PHI (a name and a postal
 * address; the alternate address when the client asked for confidential
 * communications). Never: logs a letter, or puts anything but ids and
 * counts in an event.
 */
#ifndef CONFIDANT_DOMAIN_BREACH_H
#define CONFIDANT_DOMAIN_BREACH_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/domain.h"
#include "store/breach.h"

#define BREACH_LIST_MAX 100                    /* most breaches one list returns */
#define BREACH_LETTERS_MAX (64u * 1024 * 1024) /* bytes of one letters document */
#define BREACH_HHS_THRESHOLD 500               /* affected individuals that make HHS urgent */

/* The deadlines of a breach, unix seconds. */
struct breach_deadlines {
	int64_t individuals; /* notify individuals: 60 days after discovery (164.404(b)) */
	int64_t hhs;         /* notify HHS: with individuals if 500 or more are affected,
	                        else within 60 days after the calendar year ends (164.408(c)) */
	int64_t media;       /* notify media when 500 or more in a state (164.406); 0 if fewer */
	int64_t authority;   /* notify the supervisory authority: 72 hours (GDPR 33(1)) */
};

/* domain_breach_deadlines - b's deadlines. */
void domain_breach_deadlines(const struct breach *b, struct breach_deadlines *out);

/* domain_breach_record - validate and store b (discovered_at, the texts,
 * and at least one of actor, session, source; window optional), counting
 * the clients the filter finds now into b->affected. Owner and auditor
 * only (ERR_DENIED, audited). ERR_INVAL with ctx->message naming the field.
 * Audited as breach.record. */
enum err domain_breach_record(struct domain_ctx *ctx, struct breach *b);

/* domain_breach_list - newest discovery first (owner, auditor). */
enum err domain_breach_list(struct domain_ctx *ctx, struct breach *out, size_t max, size_t *n);

/* domain_breach_letters - one letter per affected client still on record,
 * as plain text (letters separated by a form feed) or one HTML document,
 * appended to out (a wiping buffer). *letters counts them, *erased the
 * affected clients no longer on record. Owner and auditor; each letter is
 * audited as breach.letter on its client. ERR_NOTFOUND for no such breach. */
enum err domain_breach_letters(struct domain_ctx *ctx, const char *public_id, int html,
                               struct buf *out, size_t *letters, size_t *erased);

#endif
