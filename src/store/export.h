/*
 * export.h - what the right-of-access export and access requests need from
 * the store (store_export.c): a client's appointments, and the
 * access_requests rows with their deadlines.
 *
 * Responsible for: reading appointments (no PHI beyond times and who),
 * reading and writing access_requests rows, sealing an extension's reason
 * under the client's key bound to its row. Every change is a guarded
 * UPDATE: ERR_CONFLICT when the request is not in the state the step
 * needs. Callers (domain/export.c) have checked access and computed the
 * dates. Never: touches psychotherapy notes (this file has no statement on
 * their table); changes a fulfilled request; returns text that failed to
 * open.
 */
#ifndef CONFIDANT_STORE_EXPORT_H
#define CONFIDANT_STORE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

/* One appointment of a client, as the export shows it. */
struct appointment_row {
	int64_t id;                   /* row id (appointments have no public id yet) */
	int64_t clinician_id;         /* the clinician's user row id */
	char clinician_public_id[33]; /* and their public id */
	int64_t starts_at;            /* unix seconds */
	int64_t ends_at;              /* unix seconds */
	int status;                   /* as stored (0 booked, 4 attended in the demo data) */
};

/* store_appointment_each - fn for each of a client's appointments, oldest
 * first; stops at the first non-OK. Inside the caller's transaction. */
enum err store_appointment_each(struct store *s, int64_t client_id,
                                enum err (*fn)(void *arg, const struct appointment_row *a),
                                void *arg);

#define ACCESS_KIND_MAX 12        /* bytes of "access"/"portability" with NUL */
#define ACCESS_JURISDICTION_MAX 8 /* bytes of "hipaa"/"gdpr" with NUL */

/* One access request. extension_reason is PHI (sealed at rest), NULL
 * unless opened or none: access_request_cleanup wipes and frees it. */
struct access_request {
	int64_t id;                                 /* row id */
	char public_id[33];                         /* opaque id */
	int64_t client_id;                          /* whose record (row id) */
	char client_public_id[33];                  /* and their public id */
	char kind[ACCESS_KIND_MAX];                 /* "access" or "portability" */
	char jurisdiction[ACCESS_JURISDICTION_MAX]; /* "hipaa" or "gdpr" */
	int64_t requested_by;                       /* who filed it (user row id) */
	char requested_by_public_id[33];            /* and their public id */
	char requested_via[8];                      /* "portal" or "staff" */
	char received_on[11];                       /* YYYY-MM-DD */
	char due_on[11];                            /* YYYY-MM-DD, the deadline in force */
	int64_t created_at;                         /* unix seconds */
	uint32_t key_version;                       /* client key version of its sealed column */
	int64_t extended_at;                        /* 0 unless extended */
	char extended_by_public_id[33];             /* who extended it, or "" */
	int64_t fulfilled_at;                       /* 0 while open */
	char fulfilled_by_public_id[33];            /* who fulfilled it, or "" */
	char export_id[33];                         /* the export that fulfilled it, or "" */
	int overdue;                                /* set by domain/: open past due_on */
	char *extension_reason;                     /* why the deadline moved, or NULL */
};

/* access_request_cleanup - wipe r and free its text. */
void access_request_cleanup(struct access_request *r);

/* store_access_request_add - insert r (client_id, kind, jurisdiction,
 * requested_by, requested_via, received_on, due_on); sets id, public_id,
 * created_at. Inside the caller's transaction. */
enum err store_access_request_add(struct store *s, const struct vault *v, struct access_request *r,
                                  int64_t now);

/* store_access_request_get - by public id, the reason opened when open.
 * ERR_NOTFOUND if none; ERR_CRYPTO if the reason fails to open. */
enum err store_access_request_get(struct store *s, const struct vault *v, const char *public_id,
                                  int open, struct access_request *out);

/* store_access_request_list - a client's requests (client_id non-zero),
 * newest first, reasons opened; or with client_id 0 every open request of
 * the practice, soonest due first, reasons not opened. At most max, *n
 * set. On error nothing is left in out. */
enum err store_access_request_list(struct store *s, const struct vault *v, int64_t client_id,
                                   struct access_request *out, size_t max, size_t *n);

/* store_access_request_extend - move an open, never extended request's
 * deadline to due_on, with reason (sealed). ERR_CONFLICT otherwise. */
enum err store_access_request_extend(struct store *s, const struct vault *v,
                                     const struct access_request *r, int64_t by, const char *reason,
                                     const char *due_on, int64_t now);

/* store_access_request_fulfil - close an open request with the export
 * export_id. ERR_CONFLICT if it is already fulfilled. */
enum err store_access_request_fulfil(struct store *s, int64_t id, int64_t by, const char *export_id,
                                     int64_t now);

#endif
