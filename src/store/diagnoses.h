/*
 * diagnoses.h - a client's diagnoses in the store (store_diagnoses.c).
 *
 * Responsible for: reading and writing client_diagnoses rows, sealing the
 * code and both dates under the client's key bound to their row, and the
 * one-primary-per-client rule at the row level. Callers (domain/) have
 * already checked access and validated the code against the list. Never:
 * returns a code or date that failed to open; deletes a diagnosis.
 */
#ifndef CONFIDANT_STORE_DIAGNOSES_H
#define CONFIDANT_STORE_DIAGNOSES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define STORE_DIAGNOSIS_CODE_MAX 16 /* bytes of a code with its NUL, with room to spare */

/* One diagnosis. code, onset and resolved_on are PHI (sealed at rest): a
 * caller wipes the struct with diagnosis_cleanup when done. */
struct diagnosis {
	int64_t id;                          /* row id */
	char public_id[33];                  /* opaque id */
	int64_t client_id;                   /* whose (row id) */
	char client_public_id[33];           /* and their public id */
	char code[STORE_DIAGNOSIS_CODE_MAX]; /* ICD-10-CM code with its dot, "F41.1" */
	char onset[11];                      /* YYYY-MM-DD, or "" when not known */
	char resolved_on[11];                /* YYYY-MM-DD, or "" while active */
	int is_primary;                      /* 1 for the client's primary diagnosis */
	int resolved;                        /* 1 once resolved */
	int64_t created_by;                  /* who added it (user row id) */
	char created_by_public_id[33];       /* and their public id */
	int64_t created_at;                  /* unix seconds */
	int64_t updated_at;                  /* unix seconds */
	int64_t version;                     /* optimistic-locking counter */
};

/* diagnosis_cleanup - wipe d (it holds PHI). */
void diagnosis_cleanup(struct diagnosis *d);

/* store_diagnosis_add - insert d for d->client_id by d->created_by (code,
 * onset, is_primary), clearing the client's other primary first when
 * d->is_primary; sets id, public_id, version, resolved and the times.
 * Inside the caller's transaction. */
enum err store_diagnosis_add(struct store *s, const struct vault *v, struct diagnosis *d,
                             int64_t now);

/* store_diagnosis_get - by public id. With open = 0 only the clear columns
 * are read (code and dates stay ""), for an access check before anything
 * is opened. ERR_NOTFOUND if there is none; ERR_CRYPTO if a sealed column
 * fails to open. */
enum err store_diagnosis_get(struct store *s, const struct vault *v, const char *public_id,
                             int open, struct diagnosis *out);

/* store_diagnosis_list - a client's diagnoses, opened: active ones first,
 * the primary first among them, then oldest first; at most max into out,
 * *n set. On error nothing is left in out. */
enum err store_diagnosis_list(struct store *s, const struct vault *v, int64_t client_id,
                              struct diagnosis *out, size_t max, size_t *n);

/* store_diagnosis_count - how many diagnoses a client has. */
enum err store_diagnosis_count(struct store *s, int64_t client_id, size_t *n);

/* store_diagnosis_update - write d's onset, resolved_on, is_primary and
 * resolved if the row's version is still d->version (ERR_CONFLICT if not),
 * clearing the client's other primary first when d->is_primary; on success
 * d->version and d->updated_at move on. d->code is sealed again as it is. */
enum err store_diagnosis_update(struct store *s, const struct vault *v, struct diagnosis *d,
                                int64_t now);

#endif
