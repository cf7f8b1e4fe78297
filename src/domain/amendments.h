/*
 * amendments.h - amendment requests (HIPAA 164.526): a client asks for a
 * correction of an item of their record; the treating team accepts it
 * (the record is amended, linked to the request) or denies it with a
 * reason, by a deadline; after a denial the client may file a statement of
 * disagreement and the clinician a rebuttal, and from then on they travel
 * with the item.
 *
 * Who may do what:
 *  - request, read, and file a statement of disagreement: the client
 *    themself (a portal account linked to their record), or the treating
 *    team on their behalf (clinicians and supervisors who reach the
 *    client);
 *  - extend the deadline (once, with a reason), accept, deny (with a
 *    reason), rebut: the treating team;
 *  - nobody else (a 404 and an audited refusal).
 * Deadlines: due AMENDMENT_DUE_DAYS after receipt, extendable once by
 * AMENDMENT_EXTENSION_DAYS before it passes; "overdue" uses the domain
 * clock. Accepting a request about a signed note adds a signed addendum to
 * the note that names the request; for a plan, a diagnosis or a chart
 * field the amended text is recorded with the request.
 * Never: puts any text of a request in an audit event or a message.
 */
#ifndef CONFIDANT_DOMAIN_AMENDMENTS_H
#define CONFIDANT_DOMAIN_AMENDMENTS_H

#include "domain/domain.h"
#include "store/amendments.h"

#define AMENDMENT_TEXT_MAX 4000       /* bytes of a change, reason, decision, statement */
#define AMENDMENT_DUE_DAYS 60         /* days to decide (45 CFR 164.526(b)(2)) */
#define AMENDMENT_EXTENSION_DAYS 30   /* one extension, with a written reason */
#define AMENDMENTS_PER_CLIENT_MAX 200 /* requests one client may file */
#define AMENDMENTS_PAGE 200           /* requests one listing returns */

/* A new request. Strings are borrowed; NULL when absent. */
struct amendment_input {
	const char *target_type; /* "note", "plan", "diagnosis" or "chart" */
	const char *target_id;   /* the note's, plan's or diagnosis's id (not for chart) */
	const char *field;       /* the chart field's name (chart only) */
	const char *change;      /* the correction asked for */
	const char *reason;      /* why */
};

/* domain_amendment_request - file a request about an item of the client's
 * record. ERR_INVAL (ctx->message) for a missing or bad field or an item
 * that is not part of this client's record. *out is the stored request. */
enum err domain_amendment_request(struct domain_ctx *ctx, const char *client_public_id,
                                  const struct amendment_input *in, struct amendment *out);

/* domain_amendment_get - one request, opened, with overdue set. */
enum err domain_amendment_get(struct domain_ctx *ctx, const char *public_id, struct amendment *out);

/* domain_amendment_list - a client's requests, opened, oldest first. */
enum err domain_amendment_list(struct domain_ctx *ctx, const char *client_public_id,
                               struct amendment *out, size_t max, size_t *n);

/* domain_amendment_linked - the requests about one item ("note" or
 * "plan", by public id), for showing with it: read access to the item's
 * client as for domain_amendment_list (no client self for notes). */
enum err domain_amendment_linked(struct domain_ctx *ctx, const char *target_type,
                                 const char *target_public_id, struct amendment *out, size_t max,
                                 size_t *n);

/* domain_amendment_extend - move the deadline once, by
 * AMENDMENT_EXTENSION_DAYS, with a reason, before it passes. */
enum err domain_amendment_extend(struct domain_ctx *ctx, const char *public_id, const char *reason,
                                 struct amendment *out);

/* domain_amendment_accept - amend the record with text (a signed addendum
 * for a note; recorded with the request otherwise). ERR_CONFLICT if the
 * request is decided, or is about a note still in draft. */
enum err domain_amendment_accept(struct domain_ctx *ctx, const char *public_id, const char *text,
                                 struct amendment *out);

/* domain_amendment_deny - deny with a reason (required) and optionally the
 * rule's ground: "accurate_complete", "not_created_here",
 * "not_in_record_set" or "not_available_for_access". */
enum err domain_amendment_deny(struct domain_ctx *ctx, const char *public_id, const char *basis,
                               const char *reason, struct amendment *out);

/* domain_amendment_disagree - the client's statement of disagreement
 * (once, only after a denial: ERR_CONFLICT otherwise). */
enum err domain_amendment_disagree(struct domain_ctx *ctx, const char *public_id, const char *text,
                                   struct amendment *out);

/* domain_amendment_rebut - the clinician's rebuttal (once, only after a
 * statement of disagreement: ERR_CONFLICT otherwise). */
enum err domain_amendment_rebut(struct domain_ctx *ctx, const char *public_id, const char *text,
                                struct amendment *out);

/* domain_amendment_status_name - "pending", "accepted" or "denied". */
const char *domain_amendment_status_name(int status);

#endif
