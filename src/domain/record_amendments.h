/*
 * record_amendments.h - the amendment requests (HIPAA 164.526) about a
 * client's diagnoses and chart fields, shown with the diagnosis list and
 * the client record so that a denial, the client's statement of
 * disagreement and any rebuttal travel with the item they are about
 * (45 CFR 164.526(d)(4)). Notes and plans show theirs through
 * domain_amendment_linked.
 *
 * Responsible for: deciding, without a refusal event, whether the actor's
 * role shows requests at all (the treating team, and the client on their
 * own record), then the same record-reach check and audited read as the
 * amendment list. Never: refuses the surrounding read because requests
 * are not shown to a role; puts request text in an event.
 */
#ifndef CONFIDANT_DOMAIN_RECORD_AMENDMENTS_H
#define CONFIDANT_DOMAIN_RECORD_AMENDMENTS_H

#include "domain/amendments.h"

/* domain_amendment_role_shown - may the actor's role ever be shown
 * requests (the treating team, or a client)? 0 means domain_amendment_about
 * would answer *shown 0 without reading: a caller may skip preparing room
 * for the list. Decides nothing about one record. */
int domain_amendment_role_shown(const struct domain_ctx *ctx);

/* domain_amendment_about - the client's requests about items of one kind
 * ("diagnosis" or "chart"), opened, oldest first, with overdue set. For a
 * role that never sees requests (owner, biller, scheduler, auditor; a
 * client on another record) *shown is 0, *n is 0 and nothing is read or
 * audited. Otherwise *shown is 1 and the read is audited as
 * amendment.read with the count; ERR_NOTFOUND (an audited refusal) if a
 * clinician does not reach the client. ERR_INVAL for another kind. */
enum err domain_amendment_about(struct domain_ctx *ctx, const char *client_public_id,
                                const char *target_type, struct amendment *out, size_t max,
                                size_t *n, int *shown);

#endif
