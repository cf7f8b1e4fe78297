/*
 * amendments.h - amendment requests (HIPAA 164.526) in the store
 * (store_amendments.c).
 *
 * Responsible for: amendment_requests rows; sealing the requested change,
 * the reason, the extension's reason, the decision text, the statement of
 * disagreement and the rebuttal under the client's key, each bound to its
 * row and column. Each step is a guarded UPDATE: ERR_CONFLICT when the
 * request is not in the state the step needs (the schema's triggers refuse
 * the same). Callers (domain/) have checked access and validated input.
 * Never: changes a decided request, deletes one, or returns text that
 * failed to open.
 */
#ifndef CONFIDANT_STORE_AMENDMENTS_H
#define CONFIDANT_STORE_AMENDMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

/* Where a request is. */
enum amendment_status {
	AMENDMENT_PENDING = 0,  /* received, not decided */
	AMENDMENT_ACCEPTED = 1, /* the record was amended */
	AMENDMENT_DENIED = 2,   /* refused, with a reason */
};

/* One request. The char * fields are PHI (sealed at rest), NULL unless
 * opened or not written yet: amendment_cleanup wipes and frees them. */
struct amendment {
	int64_t id;                         /* row id */
	char public_id[33];                 /* opaque id */
	int64_t client_id;                  /* whose record (row id) */
	char client_public_id[33];          /* and their public id */
	char target_type[12];               /* "note", "plan", "diagnosis" or "chart" */
	int64_t target_id;                  /* row id of the item, 0 for chart */
	char target_public_id[33];          /* its public id, "" for chart */
	char target_field[41];              /* the chart field's name, "" otherwise */
	int64_t requested_by;               /* who filed it (user row id) */
	char requested_by_public_id[33];    /* and their public id */
	char requested_via[8];              /* "portal" (the client) or "staff" */
	uint32_t key_version;               /* the client key version of its sealed columns */
	int64_t received_at;                /* unix seconds */
	int64_t due_at;                     /* the decision deadline */
	int64_t extended_at;                /* 0 unless extended */
	char extended_by_public_id[33];     /* who extended it, or "" */
	int status;                         /* enum amendment_status */
	int64_t decided_at;                 /* 0 while pending */
	char decided_by_public_id[33];      /* who decided, or "" */
	char denial_basis[32];              /* ground for a denial, or "" */
	int64_t addendum_id;                /* the note addendum an acceptance added, or 0 */
	int64_t disagreement_at;            /* 0 unless a statement was filed */
	char disagreement_by_public_id[33]; /* who filed it, or "" */
	int64_t rebuttal_at;                /* 0 unless rebutted */
	char rebuttal_by_public_id[33];     /* who wrote it, or "" */
	int overdue;                        /* set by domain/: pending past due_at */
	char *change;                       /* the correction asked for */
	char *reason;                       /* why */
	char *extension_reason;             /* why the deadline moved, or NULL */
	char *decision;                     /* amended text or denial reason, or NULL */
	char *disagreement;                 /* the client's statement, or NULL */
	char *rebuttal;                     /* the clinician's rebuttal, or NULL */
};

/* amendment_cleanup - wipe a and free its text. */
void amendment_cleanup(struct amendment *a);

/* store_amendment_add - insert a (client_id, target_*, requested_by,
 * requested_via, received_at, due_at, change, reason), sealed; sets id,
 * public_id, key_version and status. */
enum err store_amendment_add(struct store *s, const struct vault *v, struct amendment *a);

/* store_amendment_get - by public id, opened when open. ERR_NOTFOUND if
 * there is none; ERR_CRYPTO if a sealed column fails to open. */
enum err store_amendment_get(struct store *s, const struct vault *v, const char *public_id,
                             int open, struct amendment *out);

/* store_amendment_list - a client's requests (target_type NULL), or those
 * about one item (target_type and target_id), opened, oldest first; at
 * most max, *n set. On error nothing is left in out. */
enum err store_amendment_list(struct store *s, const struct vault *v, int64_t client_id,
                              const char *target_type, int64_t target_id, struct amendment *out,
                              size_t max, size_t *n);

/* store_amendment_count - how many requests a client has. */
enum err store_amendment_count(struct store *s, int64_t client_id, size_t *n);

/* store_amendment_extend - move a pending, never extended request's
 * deadline to due_at, with reason (sealed). ERR_CONFLICT otherwise. */
enum err store_amendment_extend(struct store *s, const struct vault *v, const struct amendment *a,
                                int64_t by, const char *reason, int64_t due_at, int64_t now);

/* store_amendment_decide - accept (status AMENDMENT_ACCEPTED, text the
 * amended text, addendum_id the note addendum or 0) or deny (basis and
 * text the reason) a pending request. ERR_CONFLICT if it is decided. */
enum err store_amendment_decide(struct store *s, const struct vault *v, const struct amendment *a,
                                int status, int64_t by, const char *basis, const char *text,
                                int64_t addendum_id, int64_t now);

/* store_amendment_disagree - the statement of disagreement to a denied
 * request that has none. ERR_CONFLICT otherwise. */
enum err store_amendment_disagree(struct store *s, const struct vault *v, const struct amendment *a,
                                  int64_t by, const char *text, int64_t now);

/* store_amendment_rebut - the rebuttal to a statement of disagreement
 * (once). ERR_CONFLICT otherwise. */
enum err store_amendment_rebut(struct store *s, const struct vault *v, const struct amendment *a,
                               int64_t by, const char *text, int64_t now);

/* store_amendment_note_addendum - add a signed addendum to note n (as
 * store_addendum_add) and write its row id to *addendum_id, so the request
 * that caused it can point at it. Inside the caller's transaction. */
enum err store_amendment_note_addendum(struct store *s, const struct vault *v, const struct note *n,
                                       int64_t author, const char *text,
                                       const unsigned char hash[32], int64_t now,
                                       int64_t *addendum_id);

#endif
