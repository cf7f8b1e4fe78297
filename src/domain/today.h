/*
 * today.h - a clinician's desk (domain/today.c): their unsigned drafts and
 * the notes that wait for their co-signature, across clients.
 *
 * Responsible for: listing only notes whose client the actor still reaches
 * (care team, supervision or an open break-glass grant), and one audit
 * event per list with its count. Never: returns note text.
 */
#ifndef CONFIDANT_DOMAIN_TODAY_H
#define CONFIDANT_DOMAIN_TODAY_H

#include "domain/domain.h"

#define TODAY_NOTES_MAX 100 /* notes in one answer */

/* Which notes: the actor's drafts, or those awaiting their co-signature. */
enum today_kind {
	TODAY_DRAFTS,
	TODAY_COSIGN,
};

/* domain_today_notes - up to max notes of the kind (no text) into out, *n
 * set; audited as note.list with client 0 and detail "mine=KIND count=N".
 * Clinicians and supervisors only (ERR_DENIED otherwise). */
enum err domain_today_notes(struct domain_ctx *ctx, enum today_kind kind, struct note *out,
                            size_t max, size_t *n);

#endif
