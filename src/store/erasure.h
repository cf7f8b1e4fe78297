/*
 * erasure.h - the store side of client rights that remove or freeze a
 * record (store_erasure.c): legal holds, erasure requests, the erasure
 * ledger's database copy, GDPR Art. 18 restrictions, the facts retention
 * rules need, and the shredding itself.
 *
 * Responsible for: sealing a hold's reasons under the client's key;
 * deleting every row of an erased client after destroying their wrapped
 * data keys, in the caller's transaction; refusing to shred when the schema
 * holds a table with client data that the shredder does not know.
 * Never: deletes an audit event, decides whether an erasure may happen
 * (domain/erasure.c does), or returns a reason that failed to open.
 */
#ifndef CONFIDANT_STORE_ERASURE_H
#define CONFIDANT_STORE_ERASURE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define ERASURE_KEY_IDS_MAX 1024 /* bytes of a ledger entry's key ids, with NUL */
#define ERASURE_BLOCKED_MAX 32   /* bytes of "retention,legal_hold" and NUL */

/* A legal hold. reason and release_reason are PHI-capable text (sealed at
 * rest), NULL unless opened: legal_hold_cleanup wipes and frees them. */
struct legal_hold {
	int64_t id;                /* row id */
	char public_id[33];        /* opaque id */
	int64_t client_id;         /* whose record it holds */
	char client_public_id[33]; /* and their public id */
	char set_by[33];           /* user public id */
	int64_t set_at;            /* unix seconds */
	char released_by[33];      /* user public id, "" while active */
	int64_t released_at;       /* 0 while active */
	char *reason;              /* why it was set */
	char *release_reason;      /* why it was released, or NULL */
};
void legal_hold_cleanup(struct legal_hold *h);

/* store_legal_hold_create - a hold on client_id set by user set_by, its
 * reason sealed; h->public_id set. */
enum err store_legal_hold_create(struct store *s, const struct vault *v, int64_t client_id,
                                 int64_t set_by, const char *reason, int64_t now, char out[33]);
/* store_legal_hold_get - by public id, reasons opened. ERR_NOTFOUND. */
enum err store_legal_hold_get(struct store *s, const struct vault *v, const char *public_id,
                              struct legal_hold *out);
/* store_legal_hold_release - release an active hold (ERR_CONFLICT if it was
 * released already), the reason sealed. */
enum err store_legal_hold_release(struct store *s, const struct vault *v, int64_t id,
                                  int64_t client_id, int64_t by, const char *reason, int64_t now);
/* store_legal_hold_list - a client's holds, newest first, reasons opened. */
enum err store_legal_hold_list(struct store *s, const struct vault *v, int64_t client_id,
                               struct legal_hold *out, size_t max, size_t *n);
/* store_legal_hold_active - how many of the client's holds are active. */
enum err store_legal_hold_active(struct store *s, int64_t client_id, int64_t *count);

/* An erasure request (ids and dates only: it outlives the client). */
struct erasure_request {
	int64_t id;                           /* row id */
	char public_id[33];                   /* opaque id */
	int64_t client_id;                    /* row id of the client */
	char client_public_id[33];            /* their public id */
	char basis[16];                       /* "gdpr-17", "mhmda" or "other" */
	char requested_by[33];                /* user public id or "system" */
	char requested_via[8];                /* "portal", "staff" or "cli" */
	int64_t requested_at;                 /* unix seconds */
	char status[12];                      /* "scheduled" or "done" */
	int64_t not_before;                   /* retention date (0: none) */
	char blocked_by[ERASURE_BLOCKED_MAX]; /* "retention", "legal_hold", both or "" */
	int64_t done_at;                      /* 0 until carried out */
};

/* store_erasure_request_insert - insert r (status, not_before, blocked_by
 * as given); sets r->id and r->public_id. */
enum err store_erasure_request_insert(struct store *s, struct erasure_request *r);
/* store_erasure_request_get - by public id; ERR_NOTFOUND. */
enum err store_erasure_request_get(struct store *s, const char *public_id,
                                   struct erasure_request *out);
/* store_erasure_request_pending - the scheduled request of a client, if
 * any (ERR_NOTFOUND). */
enum err store_erasure_request_pending(struct store *s, int64_t client_id,
                                       struct erasure_request *out);
/* store_erasure_request_list - newest first, ids below before (0: from the
 * newest). */
enum err store_erasure_request_list(struct store *s, int64_t before, struct erasure_request *out,
                                    size_t max, size_t *n);
/* store_erasure_request_due - scheduled requests whose retention date is
 * at or before now, oldest first. */
enum err store_erasure_request_due(struct store *s, int64_t now, struct erasure_request *out,
                                   size_t max, size_t *n);
/* store_erasure_request_block - record why a scheduled request waits. */
enum err store_erasure_request_block(struct store *s, int64_t id, int64_t not_before,
                                     const char *blocked_by);
/* store_erasure_request_done - mark every scheduled request of the client
 * done at now. */
enum err store_erasure_request_done(struct store *s, int64_t client_id, int64_t now);

/* The facts a retention rule needs. */
struct retention_facts {
	int64_t last_contact; /* unix seconds: latest note date, appointment, record change */
	int64_t created_at;   /* when the client was registered */
	uint32_t key_version; /* the client's current key version */
};
/* store_retention_facts - for client_id at time now (appointments after
 * now do not count). ERR_NOTFOUND if there is no such client. */
enum err store_retention_facts(struct store *s, int64_t client_id, int64_t now,
                               struct retention_facts *out);

/* store_client_shred - crypto-shred client_id inside the caller's
 * transaction: copy the ids of every wrapped data key into key_ids
 * ("version:blake2b-hex", comma-separated), delete the wraps, then every
 * row of the client (notes, versions, addenda, diagnoses, plans,
 * attachments and their chunks, consents, disclosures, psychotherapy notes
 * and shares, guardians, chart history, care team, break-glass grants,
 * search tokens, holds, restriction, appointments, the client row) and
 * close and scrub their portal accounts. Audit events stay. *rows counts
 * what went. ERR_NOTFOUND if the client row is gone already; ERR_INTERNAL
 * (nothing done) if the schema has a table holding client rows that this
 * function does not know.
 * WARNING: keep the table list in store_erasure.c in step with migrations;
 * the check refuses to shred half a client. */
enum err store_client_shred(struct store *s, int64_t client_id, int64_t now,
                            char key_ids[ERASURE_KEY_IDS_MAX], int64_t *rows);

/* store_shred_coverage - ERR_OK if every table with client data is known
 * to store_client_shred; else ERR_INTERNAL with the first unknown table's
 * name in unknown (logged). */
enum err store_shred_coverage(struct store *s, char unknown[64]);

/* store_wal_checkpoint - move the WAL into the database file and truncate
 * it (erased pages must leave the WAL). *complete is 0 if readers kept it
 * from finishing. Outside any transaction. */
enum err store_wal_checkpoint(struct store *s, int *complete);

/* One entry of the erasure ledger (the database's copy). */
struct ledger_entry {
	char client_public_id[33];         /* the erased client's public id */
	int64_t client_id;                 /* and row id */
	char key_ids[ERASURE_KEY_IDS_MAX]; /* their data keys' ids */
	char request_public_id[33];        /* the request carried out */
	int64_t erased_at;                 /* unix seconds */
};
/* store_ledger_add - insert e unless its client is there already. */
enum err store_ledger_add(struct store *s, const struct ledger_entry *e);
/* store_ledger_each - fn for every entry; stops on non-OK. */
enum err store_ledger_each(struct store *s, enum err (*fn)(void *arg, const struct ledger_entry *e),
                           void *arg);
/* store_client_find_public - *id of the client row with this public id
 * and row id, 0 if there is none. */
enum err store_client_find_exact(struct store *s, int64_t id, const char *public_id, int64_t *out);
/* store_clients_sequence_floor - new clients get ids above id. */
enum err store_clients_sequence_floor(struct store *s, int64_t id);
/* store_client_keys_drop_ids - delete wrapped keys of client_id, whatever
 * happened to the client row (a restored copy); *n how many. */
enum err store_client_keys_drop(struct store *s, int64_t client_id, int64_t *n);

/* Restriction (GDPR Art. 18). */
/* store_restriction_get - *basis ("" when the client is not restricted). */
enum err store_restriction_get(struct store *s, int64_t client_id, char basis[16]);
/* store_restriction_set - restrict (ERR_CONFLICT if already). */
enum err store_restriction_set(struct store *s, int64_t client_id, const char *basis, int64_t by,
                               int64_t now);
/* store_restriction_clear - lift (ERR_NOTFOUND if not restricted). */
enum err store_restriction_clear(struct store *s, int64_t client_id);

#endif
