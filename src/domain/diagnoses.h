/*
 * diagnoses.h - a client's diagnoses: ICD-10-CM codes from the shipped
 * list, with onset and resolution dates and one primary diagnosis.
 *
 * Who may do what (the minimum necessary):
 *  - add and change: the treating team only, clinicians and supervisors
 *    who reach the client (care team, supervision, or break-glass);
 *  - read: the treating team, and billing (claims need the codes; billing
 *    reads codes, never note text), for any client, with purpose "payment";
 *  - the owner, the front desk, the privacy officer and the client's own
 *    portal account read none (the owner is treating team only when on a
 *    care team as a clinician; a client's record request is an export).
 * A refusal is a 404 (a client's existence is not revealed) and an audited
 * refusal. Every read and write is one transaction with its event; events
 * carry the diagnosis id and flags, never the code.
 * Never: stores a code that is not in the list; leaves two primary
 * diagnoses; deletes a diagnosis (it is resolved instead).
 */
#ifndef CONFIDANT_DOMAIN_DIAGNOSES_H
#define CONFIDANT_DOMAIN_DIAGNOSES_H

#include "domain/domain.h"
#include "store/diagnoses.h"

#define DIAGNOSES_PER_CLIENT_MAX 100 /* diagnoses one client may have, resolved ones too */

/* domain_diagnosis_add - add d to the client: d->code in any spelling the
 * list accepts (it is stored in the list's: "f411" becomes "F41.1"),
 * d->onset "" or a past YYYY-MM-DD, d->is_primary (making it primary
 * clears the client's other primary). ERR_INVAL with ctx->message for a
 * code not in the list or a bad date, ERR_CONFLICT past
 * DIAGNOSES_PER_CLIENT_MAX. On success d is the stored row. */
enum err domain_diagnosis_add(struct domain_ctx *ctx, const char *client_public_id,
                              struct diagnosis *d);

/* domain_diagnosis_list - the client's diagnoses (active first, the primary
 * first among them), at most max into out, *n set; the caller wipes each
 * with diagnosis_cleanup. */
enum err domain_diagnosis_list(struct domain_ctx *ctx, const char *client_public_id,
                               struct diagnosis *out, size_t max, size_t *n);

/* A change to one diagnosis; a field left at its "unchanged" value stays. */
struct diagnosis_change {
	const char *public_id;   /* which diagnosis */
	int64_t version;         /* the version the caller read (optimistic locking) */
	int primary;             /* 1 make primary, 0 not primary, -1 unchanged */
	int resolved;            /* 1 resolve (needs resolved_on), 0 reopen, -1 unchanged */
	const char *resolved_on; /* YYYY-MM-DD, or NULL */
	const char *onset;       /* YYYY-MM-DD, "" to clear, or NULL unchanged */
};

/* domain_diagnosis_update - apply c (treating team only). Resolving clears
 * the primary flag; a resolved diagnosis cannot be made primary
 * (ERR_CONFLICT); a stale version is ERR_CONFLICT; bad dates ERR_INVAL
 * with ctx->message. On success *out is the stored row. */
enum err domain_diagnosis_update(struct domain_ctx *ctx, const struct diagnosis_change *c,
                                 struct diagnosis *out);

/* domain_diagnosis_title - the list's title for a stored code ("" if the
 * list no longer has it). Borrowed, static. */
const char *domain_diagnosis_title(const char *code);

#endif
