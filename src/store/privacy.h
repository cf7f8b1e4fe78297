/*
 * privacy.h - how much the practice holds about one client, by category
 * (store_privacy.c), for the client's privacy page.
 *
 * Responsible for: counting a client's rows in each table of their record.
 * Never: reads or opens a sealed column; counts psychotherapy notes (their
 * existence is not shown outside their author's view).
 */
#ifndef CONFIDANT_STORE_PRIVACY_H
#define CONFIDANT_STORE_PRIVACY_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* Rows of a client's record, by category. */
struct client_counts {
	int64_t notes;        /* progress notes (signed and drafts) */
	int64_t diagnoses;    /* diagnoses, resolved ones too */
	int64_t plans;        /* treatment plans */
	int64_t attachments;  /* files on the chart */
	int64_t consents;     /* consents given (and withdrawn) */
	int64_t disclosures;  /* releases to third parties */
	int64_t amendments;   /* amendment requests */
	int64_t guardians;    /* guardians on the chart */
	int64_t appointments; /* appointments */
	int64_t versions;     /* kept earlier versions of the chart */
};

/* store_client_counts - the counts for client row id, in the caller's
 * transaction. */
enum err store_client_counts(struct store *s, int64_t client_id, struct client_counts *out);

#endif
