/*
 * research.h - what a de-identified research export reads beyond the
 * client record and diagnoses: who has ever signed a research consent, and
 * how many completed sessions a client had each year.
 *
 * Never: decides consent (the domain's gate does, per client) or returns a
 * date finer than a year.
 */
#ifndef CONFIDANT_STORE_RESEARCH_H
#define CONFIDANT_STORE_RESEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* A client who ever signed a research consent. */
struct research_candidate {
	int64_t id;         /* client row id */
	char public_id[33]; /* and public id */
};

/* Completed sessions in one calendar year (UTC). */
struct research_year {
	int year;         /* e.g. 2025 */
	int64_t sessions; /* completed appointments the client attended */
};

/* store_research_candidates - clients who ever signed a research consent
 * (the gate decides who is in: withdrawal, versions, expiry), in id order;
 * at most max into out, *n set. */
enum err store_research_candidates(struct store *s, struct research_candidate *out, size_t max,
                                   size_t *n);

/* store_research_sessions - the client's completed appointments (as the
 * appointment's client or a further client) counted per year, oldest
 * first; at most max years into out, *n set. */
enum err store_research_sessions(struct store *s, int64_t client_id, struct research_year *out,
                                 size_t max, size_t *n);

#endif
