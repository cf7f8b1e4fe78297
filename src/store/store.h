/*
 * store.h - the only door to the database.
 *
 * Responsible for: opening the database (WAL, foreign keys, synchronous=FULL),
 * applying numbered migrations in a transaction, preparing every statement
 * once at open time, sealing PHI columns on the way in and opening them on
 * the way out (through vault), and one function per operation.
 * Never: lets SQL, statement handles or ciphertext escape to callers; formats
 * values into SQL text; stores a PHI field unsealed.
 *
 * A struct store is one connection and is used by one thread at a time;
 * servers take one from a struct store_pool per request.
 */
#ifndef CONFIDANT_STORE_H
#define CONFIDANT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/model.h"
#include "vault/vault.h"

#define STORE_DB_NAME "confidant.db"
#define STORE_LIST_MAX 200        /* most rows one list call returns */
#define STORE_KEYRING_MAX 16      /* most keyring entries */
#define STORE_SEARCH_TOKENS_MAX 8 /* most words in one name search */

struct store; /* one connection with its prepared statements; opaque */

/* Flags for store_open. */
#define STORE_CREATE 1u   /* create the file if missing (0600) */
#define STORE_MIGRATE 2u  /* apply pending migrations */
#define STORE_READONLY 4u /* open read-only (verify, backup) */

/* store_open - open the database at path. ERR_NOTFOUND if missing and not
 * STORE_CREATE; ERR_DB if it is not a Confidant database or a migration
 * fails (nothing applied); ERR_CONFLICT if the schema is newer than this
 * binary. */
enum err store_open(const char *path, unsigned flags, struct store **out);

/* store_close - finalise statements and close. NULL is fine. */
void store_close(struct store *s);

/* store_schema_version - the highest migration applied. */
int store_schema_version(struct store *s);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE) so a
 * transaction never fails half-way for lock reasons. */
enum err store_begin(struct store *s);
enum err store_commit(struct store *s);
void store_rollback(struct store *s);

/* store_meta_get - a setting; ERR_NOTFOUND if unset. out gets a heap copy. */
enum err store_meta_get(struct store *s, const char *key, char **out);
enum err store_meta_set(struct store *s, const char *key, const char *value);

/* Keyring: wrapped copies of the master key. */
enum err store_keyring_add(struct store *s, const struct vault_wrap *w);
/* store_keyring_load - every entry, newest master version first. */
enum err store_keyring_load(struct store *s, struct vault_wrap *out, size_t max, size_t *n);
/* store_keyring_delete_before - drop entries of master versions < version
 * and successor links into versions <= version. */
enum err store_keyring_delete_before(struct store *s, uint32_t version);

/* store_vault_load_root - load the root key of v's master version from the
 * keyring into v (after unlocking the master key). ERR_CRYPTO if missing. */
enum err store_vault_load_root(struct store *s, struct vault *v);

/* store_keys_rotate - in one transaction: re-wrap every client data key
 * from old to next, add the given wraps of next, a successor link so
 * running servers holding old can adopt next, and the root key wrapped
 * under next (next must already hold old's root: vault_root_copy). Returns
 * the count re-wrapped. */
enum err store_keys_rotate(struct store *s, const struct vault *old, const struct vault *next,
                           const struct vault_wrap *wraps, size_t nwraps, uint64_t *count);

/* Users (staff). role is a role name (auth/ defines them). */
struct user {
	int64_t id;         /* row id; never reused */
	char public_id[33]; /* opaque id for the API */
	char *email;        /* sign-in name */
	char *display_name; /* shown in the app */
	char *role;         /* "owner", "clinician", ... */
	int disabled;       /* non-zero: cannot sign in */
};
void user_cleanup(struct user *u);
/* store_user_create - insert; u->id and u->public_id are set. ERR_CONFLICT
 * if the email is taken. pass_hash may be NULL. */
enum err store_user_create(struct store *s, struct user *u, const char *pass_hash, int must_change,
                           int64_t now);
enum err store_user_count(struct store *s, int64_t *out);

/* Clients. Text fields are sealed under the client's data key. */

/* store_client_create - insert c (status and text fields), creating its data
 * key; sets c->id, c->public_id, created/updated, version 1. Updates the
 * blind search index from the search tokens of legal and preferred name and
 * date of birth. */
enum err store_client_create(struct store *s, const struct vault *v, struct client *c, int64_t now);

/* store_client_get - by public id. ERR_NOTFOUND; ERR_CRYPTO if any sealed
 * field fails to open (tampering) — never returns garbage. out is filled
 * only on success; caller calls client_cleanup. */
enum err store_client_get(struct store *s, const struct vault *v, const char *public_id,
                          struct client *out);

/* store_client_update - replace all fields of the client with c->public_id
 * if its version is still c->version (ERR_CONFLICT otherwise); increments
 * c->version and sets updated_at. */
enum err store_client_update(struct store *s, const struct vault *v, struct client *c, int64_t now);

/* store_client_list - clients in id order after the id `after`, at most
 * limit (<= STORE_LIST_MAX). out is an array of limit entries; *n set. */
enum err store_client_list(struct store *s, const struct vault *v, int64_t after, size_t limit,
                           struct client *out, size_t *n);

/* store_client_search - clients whose name or birth-date tokens match every
 * query token (prefixes of 2+ characters match). Same output as list. */
enum err store_client_search(struct store *s, const struct vault *v, const char *query,
                             size_t limit, struct client *out, size_t *n);

/* store_client_count - number of clients. */
enum err store_client_count(struct store *s, int64_t *out);

/* Audit chain rows (audit/ computes hashes; the store only keeps them). */
struct audit_row {
	int64_t seq;                 /* position in the chain, from 1 */
	int64_t at;                  /* unix seconds */
	const char *actor;           /* user public id or "system" / "dev" */
	const char *event;           /* event name, e.g. "client.read" */
	int64_t client_id;           /* client row id or 0 */
	const char *outcome;         /* "ok" or an err_name */
	const char *request_id;      /* request id or "" */
	const char *detail;          /* PHI-free detail or "" */
	unsigned char prev_hash[32]; /* hash of seq-1 (zeros for seq 1) */
	unsigned char hash[32];      /* MAC over prev_hash and the fields */
};
/* store_audit_tail - the last row's seq and hash (0 and zeros if empty). */
enum err store_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32]);
enum err store_audit_insert(struct store *s, const struct audit_row *r);
/* store_audit_each - call fn for every row in order; stops on non-OK. The
 * row's strings are valid during the call only. */
enum err store_audit_each(struct store *s, enum err (*fn)(void *arg, const struct audit_row *r),
                          void *arg);

/* store_snapshot - a consistent copy of the database at path (0600),
 * taken while writers continue (SQLite online backup). */
enum err store_snapshot(struct store *s, const char *path);

/* Demo and benchmark data (bulk inserts inside the caller's transaction). */
enum err store_appointment_insert(struct store *s, int64_t clinician_id, int64_t client_id,
                                  int64_t starts_at, int64_t ends_at, int status);
enum err store_note_insert(struct store *s, const struct vault *v, int64_t client_id,
                           int64_t author_id, const char *body, int64_t now);

/* Connection pool for servers: n connections opened at start. */
struct store_pool;
enum err store_pool_new(const char *path, unsigned n, struct store_pool **out);
/* store_pool_take - a connection; waits while all are in use. */
struct store *store_pool_take(struct store_pool *p);
void store_pool_give(struct store_pool *p, struct store *s);
void store_pool_free(struct store_pool *p);

#endif
