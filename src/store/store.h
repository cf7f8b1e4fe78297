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
/* store_begin_read / store_end_read - a read-only snapshot (no write lock,
 * no sync); for checks that write nothing. */
enum err store_begin_read(struct store *s);
void store_end_read(struct store *s);
enum err store_commit(struct store *s);
void store_rollback(struct store *s);
/* store_snapshot_begin - open a read snapshot that is held for a whole
 * request: store_begin_read / store_end_read pairs made while it is open
 * join it instead of opening snapshots of their own, so a session check
 * and the reads after it see one state of the database and start one read
 * transaction, not one each. It ends at store_snapshot_end, store_rollback
 * or store_commit, or when store_begin needs the connection for a write
 * (only while no joined read is open: a write inside a read still fails).
 * ERR_CONFLICT if a transaction is already open. */
enum err store_snapshot_begin(struct store *s);
/* store_snapshot_end - end a held snapshot (nothing if none is open). */
void store_snapshot_end(struct store *s);
/* store_snapshot_open - non-zero while a held snapshot is open. */
int store_snapshot_open(const struct store *s);

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

/* ---- identity (store_identity.c) ------------------------------------ */

#define STORE_ROLE_MAX 16  /* bytes of a role name, with NUL */
#define STORE_HASH_MAX 128 /* bytes of an Argon2id string, with NUL */

/* What sign-in and every authenticated request need to know of a user. */
struct user_auth {
	int64_t id;                     /* row id */
	char public_id[33];             /* opaque id */
	char role[STORE_ROLE_MAX];      /* role name */
	char display_name[128];         /* shown in the app and reports */
	char email[256];                /* sign-in name */
	int disabled;                   /* non-zero: refused everywhere */
	char pass_hash[STORE_HASH_MAX]; /* Argon2id string, "" if none */
	int must_change;                /* non-zero: password must be changed */
	int mfa_enrolled;               /* non-zero: TOTP confirmed */
	int64_t mfa_last_step;          /* last TOTP step accepted (replay guard) */
	int64_t client_id;              /* client row id for role client, else 0 */
};

/* store_user_auth_by_email / _by_id / _by_public - ERR_NOTFOUND if none. */
enum err store_user_auth_by_email(struct store *s, const char *email, struct user_auth *out);
enum err store_user_auth_by_id(struct store *s, int64_t id, struct user_auth *out);
enum err store_user_auth_by_public(struct store *s, const char *public_id, struct user_auth *out);

/* store_user_list - users in id order after `after`, at most max. */
enum err store_user_list(struct store *s, int64_t after, struct user_auth *out, size_t max,
                         size_t *n);

enum err store_user_set_password(struct store *s, int64_t id, const char *hash, int must_change,
                                 int64_t now);
enum err store_user_set_role(struct store *s, int64_t id, const char *role, int64_t now);
enum err store_user_set_disabled(struct store *s, int64_t id, int disabled, int64_t now);
enum err store_user_set_client(struct store *s, int64_t id, int64_t client_id);

/* MFA: the TOTP secret is sealed under the practice-secrets subkey with
 * associated data binding the user row. enrolled 0 = pending confirmation. */
enum err store_user_mfa_set(struct store *s, const struct vault *v, int64_t id,
                            const unsigned char *secret, size_t n, int enrolled);
enum err store_user_mfa_get(struct store *s, const struct vault *v, int64_t id,
                            unsigned char *secret, size_t n);
enum err store_user_mfa_clear(struct store *s, int64_t id);
/* store_user_mfa_step - record the last accepted step; ERR_CONFLICT if a
 * step >= step was already recorded (a concurrent replay). */
enum err store_user_mfa_step(struct store *s, int64_t id, int64_t step);

/* Recovery codes: only their hashes. use marks one used (ERR_NOTFOUND if
 * no unused code has that hash). */
enum err store_recovery_replace(struct store *s, int64_t user_id, const unsigned char (*hashes)[32],
                                size_t n);
enum err store_recovery_use(struct store *s, int64_t user_id, const unsigned char hash[32],
                            int64_t now);

/* A session as stored. */
struct session_row {
	int64_t id;                  /* row id */
	char public_id[33];          /* opaque id, safe for audit events */
	int64_t user_id;             /* whose session */
	unsigned char csrf_hash[32]; /* hash of the CSRF token */
	int64_t created_at;          /* unix seconds */
	int64_t last_seen;           /* last request (idle timeout) */
	int64_t expires_at;          /* absolute end */
	int64_t reauth_at;           /* last re-authentication */
	int64_t ended_at;            /* 0 while open */
};

enum err store_session_create(struct store *s, const unsigned char token_hash[32],
                              const unsigned char csrf_hash[32], int64_t user_id, int64_t now,
                              int64_t expires_at, const char *source, struct session_row *out);
enum err store_session_find(struct store *s, const unsigned char token_hash[32],
                            struct session_row *out);
enum err store_session_touch(struct store *s, int64_t id, int64_t now);
enum err store_session_reauth(struct store *s, int64_t id, int64_t now);
enum err store_session_end(struct store *s, int64_t id, int64_t now);
enum err store_session_end_user(struct store *s, int64_t user_id, int64_t now);

/* Throttling: failures and lock time for a key ("u:ID" or "a:ADDR"). */
enum err store_throttle_get(struct store *s, const char *key, int64_t *failures,
                            int64_t *locked_until);
enum err store_throttle_set(struct store *s, const char *key, int64_t failures,
                            int64_t locked_until);
enum err store_throttle_clear(struct store *s, const char *key);

/* Care teams and supervision. */
enum err store_care_team_add(struct store *s, int64_t client_id, int64_t user_id, int64_t now);
enum err store_care_team_remove(struct store *s, int64_t client_id, int64_t user_id);
/* store_care_team_has - *yes = user is on the client's team, or supervises
 * someone who is. */
enum err store_care_team_reaches(struct store *s, int64_t client_id, int64_t user_id, int *yes);
enum err store_supervision_add(struct store *s, int64_t supervisor_id, int64_t supervisee_id);

/* A break-glass grant, for the review list. reason is PHI (sealed at rest
 * under the client's key); free it with mem_free_wiped_str. */
struct break_glass {
	int64_t id;                /* grant row id */
	char user_public_id[33];   /* who opened the record */
	char user_name[128];       /* their display name */
	char client_public_id[33]; /* whose record */
	char *reason;              /* the reason they gave */
	int64_t started_at;        /* unix seconds */
	int64_t expires_at;        /* unix seconds */
};

/* store_break_glass_create - a grant for (user, client) until expires_at,
 * the reason sealed under the client's key. */
enum err store_break_glass_create(struct store *s, const struct vault *v, int64_t user_id,
                                  int64_t client_id, const char *reason, int64_t now,
                                  int64_t expires_at);
/* store_break_glass_list - grants started since `since`, newest first; with
 * team_user, only those on clients of that user's care teams. */
enum err store_break_glass_list(struct store *s, const struct vault *v, int64_t since,
                                int64_t team_user, struct break_glass *out, size_t max, size_t *n);

/* Break-glass grants: active if one for (user, client) has not expired. */
enum err store_break_glass_active(struct store *s, int64_t user_id, int64_t client_id, int64_t now,
                                  int *yes);

/* store_client_public_of - public id of a client row id (ERR_NOTFOUND). */
enum err store_client_public_of(struct store *s, int64_t id, char out[33]);

/* store_client_id_of - row id of a client's public id (ERR_NOTFOUND). */
enum err store_client_id_of(struct store *s, const char *public_id, int64_t *id);

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
 * limit (<= STORE_LIST_MAX). out is an array of limit entries; *n set.
 * team_user non-zero: only clients that user's care team reaches. */
enum err store_client_list(struct store *s, const struct vault *v, int64_t team_user, int64_t after,
                           size_t limit, struct client *out, size_t *n);

/* store_client_search - clients whose name or birth-date tokens match every
 * query token (prefixes of 2+ characters match). Same output and team_user
 * filter as list. */
enum err store_client_search(struct store *s, const struct vault *v, int64_t team_user,
                             const char *query, size_t limit, struct client *out, size_t *n);

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
	int format;                  /* 1: v1 encoding (rows before 0003); 2: every field */
	const char *actor_role;      /* "clinician", "system"... or "" (format 2) */
	const char *session;         /* session public id or "" (format 2) */
	const char *source;          /* peer address or "" (format 2) */
	const char *object_type;     /* "client", "user"... or "" (format 2) */
	const char *object_id;       /* public id of the object or "" (format 2) */
	const char *purpose;         /* "treatment", "operations"... or "" (format 2) */
};
/* store_audit_tail - the last row's seq and hash (0 and zeros if empty). */
enum err store_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32]);
enum err store_audit_insert(struct store *s, const struct audit_row *r);
/* store_audit_each - call fn for every row in order; stops on non-OK. The
 * row's strings are valid during the call only. */
enum err store_audit_each(struct store *s, enum err (*fn)(void *arg, const struct audit_row *r),
                          void *arg);
/* store_audit_each_range - store_audit_each for the rows with from <= seq
 * <= to (one segment of a parallel verification). */
enum err store_audit_each_range(struct store *s, int64_t from, int64_t to,
                                enum err (*fn)(void *arg, const struct audit_row *r), void *arg);
/* store_audit_max_seq - the highest seq in the trail (0 if empty). */
enum err store_audit_max_seq(struct store *s, int64_t *out);
/* store_open_again - another read-only connection to the database s is
 * on (a verification worker's own). */
enum err store_open_again(struct store *s, struct store **out);

/* store_audit_hash_at - the stored hash of event seq; ERR_NOTFOUND. */
enum err store_audit_hash_at(struct store *s, int64_t seq, unsigned char hash[32]);

/* A signed checkpoint of the chain's head (audit/ signs and checks it). */
struct audit_checkpoint {
	int64_t seq;                                      /* the last event covered */
	unsigned char head[32];                           /* that event's hash */
	int64_t at;                                       /* unix seconds */
	int64_t key_id;                                   /* audit_keys row that signed it */
	unsigned char signature[VAULT_SIGNBYTES];         /* Ed25519 over the canonical form */
	unsigned char public_key[VAULT_SIGN_PUBLICBYTES]; /* the signer's public key */
};
/* store_audit_checkpoint_last - the newest checkpoint; ERR_NOTFOUND if none. */
enum err store_audit_checkpoint_last(struct store *s, struct audit_checkpoint *out);
/* store_audit_checkpoint_tail - seq and time of the newest checkpoint,
 * all that deciding whether the next is due needs (no key join); inside a
 * store_batch_run batch remembered from one event to the next.
 * ERR_NOTFOUND if there is none. */
enum err store_audit_checkpoint_tail(struct store *s, int64_t *seq, int64_t *at);
/* store_audit_checkpoint_insert - append c (public_key is not stored: key_id
 * names it). ERR_CONFLICT if seq already has one. */
enum err store_audit_checkpoint_insert(struct store *s, const struct audit_checkpoint *c);
/* store_audit_checkpoint_each - fn for every checkpoint in seq order; stops on
 * non-OK. A malformed stored value reads as zeros, so checking fails on it. */
enum err store_audit_checkpoint_each(struct store *s,
                                     enum err (*fn)(void *arg, const struct audit_checkpoint *c),
                                     void *arg);

/* Checkpoint signing keys: the secret seed is sealed under the practice-
 * secrets subkey with associated data ("audit_keys", "secret", id, 0). */
/* store_audit_key_add - store k (inside the caller's transaction); *id set. */
enum err store_audit_key_add(struct store *s, const struct vault *v, const struct vault_sign_key *k,
                             int64_t now, int64_t *id);
/* store_audit_key_latest - open the newest key; ERR_NOTFOUND if none,
 * ERR_CRYPTO if it does not open or its public key is not the stored one.
 * Caller frees *out with vault_sign_key_free. */
enum err store_audit_key_latest(struct store *s, const struct vault *v, int64_t *id,
                                struct vault_sign_key **out);
/* store_audit_key_open - open key id; errors as store_audit_key_latest. */
enum err store_audit_key_open(struct store *s, const struct vault *v, int64_t id,
                              struct vault_sign_key **out);
/* store_audit_key_find - the id of the key with public key pk; ERR_NOTFOUND. */
enum err store_audit_key_find(struct store *s, const unsigned char pk[VAULT_SIGN_PUBLICBYTES],
                              int64_t *id);

/* What to look for in the audit trail. NULL strings and 0 numbers match
 * everything. */
struct audit_filter {
	const char *actor;   /* user public id (or "system") */
	const char *client;  /* client public id */
	const char *event;   /* event name, e.g. "client.read" */
	const char *session; /* session public id */
	const char *source;  /* peer address */
	int64_t from;        /* at >= from */
	int64_t to;          /* at <= to */
	int64_t before;      /* seq < before: the cursor of the next page (newest first) */
};

/* One event as reports show it; every string is a heap copy. */
struct audit_record {
	int64_t seq;       /* position in the chain */
	int64_t at;        /* unix seconds */
	char *actor;       /* user public id or "system" */
	char *actor_role;  /* role at the time, or "" */
	char *actor_name;  /* the user's display name now, or "" if not a user */
	char *session;     /* session public id or "" */
	char *source;      /* peer address or "" */
	char *event;       /* event name */
	char *object_type; /* "client", "user"... or "" */
	char *object_id;   /* public id or "" */
	char *client;      /* client public id or "" */
	char *purpose;     /* stated purpose or "" */
	char *outcome;     /* "ok" or an error code */
	char *request_id;  /* request id or "" */
	char *detail;      /* PHI-free detail or "" */
};
void audit_record_cleanup(struct audit_record *r);

/* store_audit_search - events matching f, newest first, at most limit
 * (<= STORE_LIST_MAX) into out; *n set. */
enum err store_audit_search(struct store *s, const struct audit_filter *f, size_t limit,
                            struct audit_record *out, size_t *n);

/* One client touched in a window (breach-impact report). */
struct audit_touch {
	char client[33]; /* client public id; "" for events about no client */
	int64_t events;  /* how many events */
	int64_t first;   /* earliest, unix seconds */
	int64_t last;    /* latest, unix seconds */
};
/* store_audit_touched - fn once per client touched by events matching f's
 * actor, session, source, from and to (client, event, before ignored),
 * earliest first; stops on non-OK. */
enum err store_audit_touched(struct store *s, const struct audit_filter *f,
                             enum err (*fn)(void *arg, const struct audit_touch *t), void *arg);

/* store_snapshot - a consistent copy of the database at path (0600),
 * taken while writers continue (SQLite online backup). */
enum err store_snapshot(struct store *s, const char *path);

/* A pinned image of the database file (store_backup.c). */
struct store_image;
/* store_image_begin - checkpoint the WAL into the database file and open a
 * read transaction on s whose snapshot is exactly the file's first
 * store_image_size bytes, which then stay unchanged (no checkpoint can
 * write the file) until store_image_end, while other connections keep
 * writing (to the WAL). s must have no transaction open. The checkpoint
 * holds back new writers while it waits for readers, once, at most ~0.5 s.
 * ERR_CONFLICT when that could not be had (a transaction open, not in WAL
 * mode, or the checkpoint kept failing or being overtaken by writes): the
 * caller should fall back to store_snapshot. Also ERR_DB, ERR_IO, ERR_NOMEM.
 * WARNING: nothing in this process may open and close a descriptor of the
 * database file while the image is pinned (a close drops the pin's locks). */
enum err store_image_begin(struct store *s, struct store_image **out);
/* store_image_size - bytes in the pinned image. */
uint64_t store_image_size(const struct store_image *im);
/* store_image_read - n bytes of the image at off into buf; ERR_INVAL past
 * its end, ERR_IO if the file cannot be read. */
enum err store_image_read(struct store_image *im, void *buf, size_t n, uint64_t off);
/* store_image_end - end the read transaction and free im. NULL is fine. */
void store_image_end(struct store_image *im);

/* Demo and benchmark data (bulk inserts inside the caller's transaction). */
enum err store_appointment_insert(struct store *s, int64_t clinician_id, int64_t client_id,
                                  int64_t starts_at, int64_t ends_at, int status);
/* ---- notes (store_notes.c) ----------------------------------------- */

enum note_status {
	NOTE_DRAFT = 0,  /* editable by its author */
	NOTE_SIGNED = 1, /* locked; corrections are addenda */
	NOTE_COSIGN = 2, /* signed by a supervisee, awaiting the supervisor */
};

struct note_risk; /* domain/risk.h: the levels a note records */

/* A progress note. content is the template's fields as a JSON object
 * (PHI, sealed at rest); NULL in lists. */
struct note {
	int64_t id;                     /* row id */
	char public_id[33];             /* opaque id */
	int64_t client_id;              /* whose note (row id) */
	char client_public_id[33];      /* and their public id */
	int64_t author_id;              /* who wrote it */
	char author_public_id[33];      /* their public id */
	char author_name[128];          /* their display name */
	char template_name[16];         /* "soap", "dap", "birp", "intake", "discharge" */
	char date[11];                  /* date of service, YYYY-MM-DD */
	int status;                     /* enum note_status */
	char *content;                  /* JSON text, or NULL */
	int64_t created_at;             /* unix seconds */
	int64_t updated_at;             /* unix seconds */
	int64_t signed_at;              /* 0 while a draft */
	int64_t signed_by;              /* signer's row id, 0 while a draft */
	unsigned char content_hash[32]; /* BLAKE2b of the signed content */
	int64_t cosigned_at;            /* 0 unless co-signed */
	int64_t cosigned_by;            /* supervisor's row id, or 0 */
	int64_t version;                /* optimistic-locking counter */
	const struct note_risk
	        *risk; /* risk summary to seal with the text (domain/risk.h), or NULL */
};
void note_cleanup(struct note *n);

/* An addendum: a signed correction or addition to a signed note. */
struct addendum {
	char author_public_id[33]; /* who wrote it */
	char author_name[128];     /* their display name */
	char *text;                /* the text (PHI, sealed at rest) */
	unsigned char hash[32];    /* BLAKE2b of text: what was signed */
	int64_t created_at;        /* when (it is signed when written) */
};
void addendum_cleanup(struct addendum *a);

/* store_note_create - a draft from n (client_id, author_id, template_name,
 * date, content); sets id, public_id, status, version, times. */
enum err store_note_create(struct store *s, const struct vault *v, struct note *n, int64_t now);
/* A new draft sealed before its write transaction (store_note_prepare),
 * so the write lock covers only the inserts. The associated data is the
 * same as store_note_create's: table, column, the row ids reserved here
 * and the client key version. */
struct note_prepared {
	int64_t id;           /* reserved notes.id */
	int64_t version_id;   /* reserved note_versions.id of the first kept version */
	uint32_t key_version; /* client key version everything is sealed under */
	char public_id[33];   /* the note's opaque id */
	unsigned char *body;  /* the text, sealed for (notes, body, id) */
	size_t body_len;      /* its length */
	unsigned char *risk;  /* the risk summary sealed for (notes, risk, id), or NULL */
	size_t risk_len;      /* its length */
	unsigned char *kept;  /* the text sealed for (note_versions, body, version_id) */
	size_t kept_len;      /* its length */
	int resealed;         /* the ids were taken meanwhile and claimed again (tests) */
};
/* store_note_prepare - reserve row ids for a new draft of n (client_id,
 * content) and seal its text, risk summary (NULL: none) and first kept
 * version under the client's key. Runs outside a write transaction (in
 * a read snapshot or none). ERR_NOTFOUND if the client was shredded.
 * The caller owns out (note_prepared_cleanup) on success. */
enum err store_note_prepare(struct store *s, const struct vault *v, const struct note *n,
                            const char *risk, struct note_prepared *out);
/* store_note_insert_prepared - inside a write transaction: insert the
 * draft n (client_id, author_id, template_name, date) prepared in p, and
 * its first kept version, by actor at now. If another process took a
 * reserved id meanwhile, claims new ids and seals again from n->content
 * and risk. ERR_NOTFOUND if the client's key is gone (erased since). Sets
 * n's id, public_id, status, version and times. */
enum err store_note_insert_prepared(struct store *s, const struct vault *v, struct note *n,
                                    const char *risk, struct note_prepared *p, int64_t actor,
                                    int64_t now);
/* note_prepared_cleanup - free the sealed values (ciphertext only). */
void note_prepared_cleanup(struct note_prepared *p);
/* store_note_get - by public id, with the opened text if with_content. */
enum err store_note_get(struct store *s, const struct vault *v, const char *public_id,
                        int with_content, struct note *out);
/* store_note_list - a client's notes, newest first, ids below `before`
 * (0: from the newest), without their text. */
enum err store_note_list(struct store *s, int64_t client_id, int64_t before, struct note *out,
                         size_t max, size_t *n);
/* store_note_update_draft - new date and content for a draft whose version
 * is still n->version; ERR_CONFLICT if signed or changed meanwhile. */
enum err store_note_update_draft(struct store *s, const struct vault *v, struct note *n,
                                 int64_t now);
/* store_note_sign - lock a draft: status NOTE_SIGNED or NOTE_COSIGN, the
 * signer, time and content hash. ERR_CONFLICT if it is not a draft. */
enum err store_note_sign(struct store *s, int64_t id, int status, int64_t signer, int64_t now,
                         const unsigned char hash[32]);
/* store_note_cosign - a supervisor's co-signature (ERR_CONFLICT if none due). */
enum err store_note_cosign(struct store *s, int64_t id, int64_t by, int64_t now);
/* store_addendum_add / store_addenda - write and read a note's addenda. */
enum err store_addendum_add(struct store *s, const struct vault *v, const struct note *n,
                            int64_t author, const char *text, const unsigned char hash[32],
                            int64_t now);
enum err store_addenda(struct store *s, const struct vault *v, const struct note *n,
                       struct addendum *out, size_t max, size_t *count);
/* store_note_each - fn for each signed note of a client (drafts are not
 * part of the record yet), oldest date first, with its text opened; fn
 * owns the note (note_cleanup). Stops at the first non-OK. */
enum err store_note_each(struct store *s, const struct vault *v, int64_t client_id,
                         enum err (*fn)(void *arg, struct note *n), void *arg);
/* store_addendum_each - fn for each addendum of a client's signed notes,
 * by note then in order, opened, with its note's public id; fn owns the
 * addendum (addendum_cleanup). Stops at the first non-OK. */
enum err store_addendum_each(struct store *s, const struct vault *v, int64_t client_id,
                             enum err (*fn)(void *arg, const char *note_public_id,
                                            struct addendum *a),
                             void *arg);
/* store_supervises / store_has_supervisor - the supervision table. */
enum err store_supervises(struct store *s, int64_t supervisor, int64_t supervisee, int *yes);
enum err store_has_supervisor(struct store *s, int64_t user, int *yes);

/* store_note_insert - a signed SOAP note with body as its text (demo data). */
enum err store_note_insert(struct store *s, const struct vault *v, int64_t client_id,
                           int64_t author_id, const char *body, int64_t now);

/* Group commit (durable.c): connections that share a store_sync commit
 * with synchronous=NORMAL and then wait until one fdatasync of the WAL
 * covers their commit, so concurrent commits share fsyncs. */
struct store_sync;
enum err store_sync_new(const char *db_path, struct store_sync **out);
void store_sync_free(struct store_sync *y);
/* store_sync_wait - after a COMMIT: return once it is durable (ERR_IO if a
 * sync failed; the caller must not acknowledge the change). */
enum err store_sync_wait(struct store_sync *y);
/* store_sync_count - fdatasync calls so far (benchmarks). */
uint64_t store_sync_count(struct store_sync *y);
/* store_use_sync - put connection s in group-commit mode with y. */
enum err store_use_sync(struct store *s, struct store_sync *y);

/* Connection pool for servers: n connections opened at start, sharing one
 * group-commit syncer (CONFIDANT_GROUP_COMMIT=off: each commit syncs
 * itself, for comparison in benchmarks). */
struct store_pool;
enum err store_pool_new(const char *path, unsigned n, struct store_pool **out);
/* store_pool_take - a connection; waits while all are in use. */
struct store *store_pool_take(struct store_pool *p);
void store_pool_give(struct store_pool *p, struct store *s);
void store_pool_free(struct store_pool *p);
/* store_pool_syncs - fdatasync calls made by the pool's group commit. */
uint64_t store_pool_syncs(struct store_pool *p);
/* store_pool_idle - connections not taken now (tests check that every
 * path gives its connection back). */
unsigned store_pool_idle(struct store_pool *p);

/* A write deferred into a shared batch (durable.c): the transactions of
 * many requests' small writes (the audit events of reads) become one, with
 * one COMMIT and one fsync, applied in arrival order. */
struct store_batch_item {
	/* the writes, run inside the batch's transaction on the pool's batch
	 * connection (or, without one, that of whichever caller leads it);
	 * must not begin, commit or roll back */
	enum err (*apply)(struct store *s, void *arg);
	void *arg;                     /* passed to apply */
	struct store_batch_item *next; /* private: the queue */
	enum err result;               /* private: the outcome */
	int state;                     /* private: queued, taken or done */
	void *wake;                    /* private: the caller's condition variable */
};

/* store_batch_run - apply it in a write transaction shared with every item
 * queued at the same time, and return its outcome once that transaction
 * is committed and durable (synchronous=FULL semantics through the group
 * sync). s must have no transaction open; it may be used to run other
 * callers' items. An item whose apply fails gets its error and the batch
 * is retried without it; a failed COMMIT or sync fails every item in the
 * batch. Without group commit (the CLI) the item runs alone. */
enum err store_batch_run(struct store *s, struct store_batch_item *it);

#endif
