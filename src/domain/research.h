/*
 * research.h - the de-identified research export: one row per client who
 * consented to research use, with nothing that identifies them.
 *
 * What a row holds (HIPAA 164.514(b)(2) "safe harbor": none of the 18
 * identifiers, no date finer than a year, no age over 89): a pseudonym
 * drawn afresh for each export (so two exports cannot be joined), an age
 * band, the care status, ICD-10-CM codes with the year of onset, and
 * completed sessions per year. No name, contact, free text, note, plan,
 * psychotherapy note, record id or exact date ever enters it.
 *
 * Who: the owner. Which clients: those for whom the consent gate answers
 * "research" is in force, and whose record is not restricted (GDPR 18).
 * Each included client's event (research.include) is a disclosure event,
 * so the audit trail itself refuses to record one without the gate's pass.
 * Fewer than RESEARCH_MIN_COHORT clients: nothing is exported (a cohort
 * that small re-identifies).
 */
#ifndef CONFIDANT_DOMAIN_RESEARCH_H
#define CONFIDANT_DOMAIN_RESEARCH_H

#include "domain/domain.h"
#include "store/diagnoses.h"
#include "store/research.h"

#define RESEARCH_MIN_COHORT 5      /* smallest cohort exported */
#define RESEARCH_CLIENTS_MAX 50000 /* candidates read in one export */
#define RESEARCH_DX_MAX 32         /* diagnoses per row */
#define RESEARCH_YEARS_MAX 60      /* years of session counts per row */

/* One diagnosis as exported. */
struct research_dx {
	char code[STORE_DIAGNOSIS_CODE_MAX]; /* ICD-10-CM, "F41.1" */
	int onset_year;                      /* year of onset, 0 when not known */
	int resolved;                        /* 1 once resolved */
};

/* One client, de-identified. */
struct research_row {
	char pid[17];                /* pseudonym, random per export */
	const char *age_band;        /* "25-34", "90+", "unknown" (static) */
	const char *status;          /* "prospective", "active", "discharged" */
	struct research_dx *dx;      /* diagnoses (heap) */
	size_t ndx;                  /* entries in dx */
	struct research_year *years; /* completed sessions per year (heap) */
	size_t nyears;               /* entries in years */
};

/* An export. */
struct research_export {
	char id[33];               /* public id of the export (in the audit trail) */
	char generated_on[11];     /* YYYY-MM-DD */
	struct research_row *rows; /* sorted by pseudonym (heap) */
	size_t nrows;              /* the cohort */
	size_t not_in_force;       /* signed once, but withdrawn, expired or superseded */
	size_t restricted;         /* consented but restricted: left out */
};

/* research_export_cleanup - free the rows. */
void research_export_cleanup(struct research_export *x);

/* domain_research_export - build the export (owner only; ERR_DENIED
 * otherwise, audited). ERR_CONFLICT with ctx->message when fewer than
 * RESEARCH_MIN_COHORT clients qualify: nothing is exported, the refusal
 * is audited. On OK one research.include event per client and one
 * research.export event (cohort size) are committed with it. */
enum err domain_research_export(struct domain_ctx *ctx, struct research_export *out);

/* domain_research_age_band - the band of an age in whole years ("90+"
 * above 89, as safe harbor asks); "unknown" below 0. */
const char *domain_research_age_band(int age);

#endif
