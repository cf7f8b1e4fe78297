/*
 * audit.h - the tamper-evident audit trail.
 *
 * Responsible for: appending one event per PHI access or change, in the
 * caller's transaction, as a hash chain keyed with the audit subkey:
 * hash = BLAKE2b(audit key, prev_hash || canonical(seq, at, actor, event,
 * client, outcome, request id, detail)); verifying the whole chain.
 * Never: records PHI (details are ids, counts and field names only); lets a
 * request succeed whose audit event failed to write (callers roll back).
 */
#ifndef CONFIDANT_AUDIT_H
#define CONFIDANT_AUDIT_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

/* Events. The names are stable: they are stored in the chain. */
enum audit_event {
	AUDIT_NONE = 0,      /* route records nothing (health) */
	AUDIT_CLIENT_CREATE, /* a client record was created */
	AUDIT_CLIENT_READ,   /* one client record was read */
	AUDIT_CLIENT_UPDATE, /* a client record was changed */
	AUDIT_CLIENT_LIST,   /* a page of client records was read */
	AUDIT_CLIENT_SEARCH, /* clients were searched by name or date */
	AUDIT_PRACTICE_INIT, /* the practice was created */
	AUDIT_KEYS_ROTATE,   /* the master key was rotated */
	AUDIT_BACKUP,        /* a backup was written */
	AUDIT_RESTORE,       /* the practice was restored from a backup */
	AUDIT_DEMO,          /* demo data was generated */
	AUDIT__COUNT         /* not an event */
};

/* audit_event_name - "client.read" etc.; never NULL. */
const char *audit_event_name(enum audit_event e);

/* What one event says. */
struct audit_entry {
	enum audit_event event; /* what happened */
	const char *actor;      /* who: a user public id, "system" or "dev" */
	int64_t client_id;      /* whose record (row id), or 0 */
	enum err outcome;       /* ERR_OK, or why it was refused or failed */
	const char *request_id; /* the request id, or "" */
	const char *detail;     /* PHI-free detail (ids, counts), or "" */
	int64_t at;             /* unix seconds */
};

/* audit_emit - append e to the chain inside the caller's transaction.
 * WARNING: callers must roll back their change if this fails. */
enum err audit_emit(struct store *s, const struct vault *v, const struct audit_entry *e);

/* audit_verify - walk the chain; ERR_CRYPTO at the first event whose hash
 * or link is wrong (its seq in *bad_seq), else the count in *count. */
enum err audit_verify(struct store *s, const struct vault *v, uint64_t *count, int64_t *bad_seq);

#endif
