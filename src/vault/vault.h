/*
 * vault.h - the practice's keys and field encryption (libsodium).
 *
 * Responsible for: the master key and everything derived from it; wrapping
 * the master key under a passphrase (Argon2id) or a key file; per-client data
 * keys wrapped by the master key; sealing and opening PHI fields with
 * XChaCha20-Poly1305 and associated data that binds table, column, row and
 * key version; blind indexes for search; backup and practice subkeys.
 * Never: writes a key to disk unwrapped, logs key material, or lets a key
 * live outside sodium_malloc memory longer than one call. Only vault/, auth/
 * and audit/ call libsodium.
 *
 * Key hierarchy (docs/keys.md):
 *   passphrase --Argon2id--> KEK_p --wraps--> master key (version N)
 *   key file (32 random bytes) --BLAKE2b--> KEK_f --wraps--> master key
 *   master key --wraps--> client data key (one per client, versioned)
 *   master key --wraps--> root key (random; survives master rotation)
 *   master key --crypto_kdf--> backup subkey
 *   root key --crypto_kdf--> subkeys: search, secrets, audit
 *   client data key --XChaCha20-Poly1305--> sealed PHI field
 */
#ifndef CONFIDANT_VAULT_H
#define CONFIDANT_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define VAULT_KEYBYTES 32
#define VAULT_SALTBYTES 16
#define VAULT_NONCEBYTES 24
#define VAULT_TAGBYTES 16
/* A sealed value: 1 format byte, nonce, ciphertext, tag. */
#define VAULT_SEAL_OVERHEAD (1 + VAULT_NONCEBYTES + VAULT_TAGBYTES)
/* A wrapped key: a sealed 32-byte key. */
#define VAULT_WRAPPEDBYTES (VAULT_KEYBYTES + VAULT_SEAL_OVERHEAD)
#define VAULT_INDEXBYTES 32
/* Key files hold 64 hex digits and a newline. */
#define VAULT_KEYFILE_MODE 0600

/* How a copy of the master key is wrapped in the keyring. */
enum vault_wrap_kind {
	VAULT_WRAP_PASSPHRASE = 1, /* under Argon2id(passphrase, salt) */
	VAULT_WRAP_KEYFILE = 2,    /* under BLAKE2b(key file bytes) */
	VAULT_WRAP_SUCCESSOR = 3,  /* version N+1 under version N (rotation) */
	VAULT_WRAP_ROOT = 4,       /* the root key under master version N */
};

/* One keyring entry: the master key of one version wrapped one way. Stored
 * by the store in the keyring table and copied into backup headers; it is
 * safe to store because it is useless without the passphrase or key file. */
struct vault_wrap {
	enum vault_wrap_kind kind;              /* how it is wrapped */
	uint32_t master_version;                /* version of the master key inside */
	uint64_t opslimit;                      /* Argon2id passes (passphrase only) */
	uint64_t memlimit;                      /* Argon2id memory in bytes (passphrase only) */
	unsigned char salt[VAULT_SALTBYTES];    /* Argon2id salt (passphrase only) */
	unsigned char blob[VAULT_WRAPPEDBYTES]; /* the sealed master key */
};

/* Subkey purposes; each derives an independent key from the master key. */
enum vault_purpose {
	VAULT_SUB_BACKUP = 1,  /* encrypts backup files */
	VAULT_SUB_SEARCH = 2,  /* keys blind indexes for name search */
	VAULT_SUB_SECRETS = 3, /* seals practice secrets (TOTP seeds, signing keys) */
	VAULT_SUB_AUDIT = 4,   /* keys the audit hash chain */
};

/* Associated data of a sealed field: where the value belongs. Opening with
 * any other table, column, row or key version fails. */
struct vault_ad {
	const char *table;    /* table name, e.g. "clients" */
	const char *column;   /* column name, e.g. "legal_name" */
	int64_t row;          /* row id the value belongs to */
	uint32_t key_version; /* version of the data key that sealed it */
};

/* A key in locked memory (sodium_malloc): a client data key or a subkey. */
struct vault_key {
	unsigned char k[VAULT_KEYBYTES]; /* the key bytes */
	uint32_t version;                /* data key version (0 for subkeys) */
	int64_t owner;                   /* client id it belongs to (0 for subkeys) */
};

struct vault; /* the unlocked master key and its version; opaque */

/* vault_lib_init - initialise libsodium and make the process safe to hold
 * keys: no core dumps, not dumpable. Call once at start-up. ERR_CRYPTO if
 * libsodium cannot start. */
enum err vault_lib_init(void);

/* vault_new - a new random master key with the given version. */
enum err vault_new(uint32_t version, struct vault **out);

/* vault_free - wipe and free. NULL is fine. */
void vault_free(struct vault *v);

/* vault_version - the master key version held. */
uint32_t vault_version(const struct vault *v);

/* vault_wrap_passphrase - wrap v's master key under a passphrase (Argon2id,
 * fresh salt). Slow on purpose (~0.1-0.5 s). */
enum err vault_wrap_passphrase(const struct vault *v, const char *pass, size_t pass_len,
                               struct vault_wrap *out);

/* vault_wrap_keyfile - wrap v's master key under a key file's key. */
enum err vault_wrap_keyfile(const struct vault *v, const unsigned char key[VAULT_KEYBYTES],
                            struct vault_wrap *out);

/* vault_wrap_successor - wrap next's master key under v's (key rotation), so
 * a running server that holds v can adopt next without a passphrase.
 * ERR_INVAL unless next's version is greater than v's. */
enum err vault_wrap_successor(const struct vault *v, const struct vault *next,
                              struct vault_wrap *out);

/* vault_unlock - unwrap a passphrase or key-file entry. secret is the
 * passphrase, or the VAULT_KEYBYTES key-file key. ERR_CRYPTO when the secret
 * is wrong (or the entry was altered); ERR_INVAL for a successor entry. */
enum err vault_unlock(const struct vault_wrap *w, const void *secret, size_t secret_len,
                      struct vault **out);

/* vault_adopt - replace v's master key by the successor in w (which must be
 * wrapped under v's current version). ERR_CRYPTO on mismatch, or when w
 * is not newer than v (no rollback); ERR_INVAL if w is not a successor.
 * WARNING: not thread-safe against concurrent use of v; callers serialise. */
enum err vault_adopt(struct vault *v, const struct vault_wrap *w);

/* vault_root_wrap - the root key wrapped under v's master key, as a keyring
 * entry of kind VAULT_WRAP_ROOT. ERR_INVAL if v has no root key yet. */
enum err vault_root_wrap(const struct vault *v, struct vault_wrap *out);

/* vault_root_load - give an unlocked v its root key from a VAULT_WRAP_ROOT
 * entry of the same master version. ERR_CRYPTO if it does not open. Needed
 * before vault_subkey for anything but VAULT_SUB_BACKUP. */
enum err vault_root_load(struct vault *v, const struct vault_wrap *w);

/* vault_root_copy - give dst (a new master key, during rotation) src's root
 * key, so blind indexes and the audit chain stay valid. */
void vault_root_copy(struct vault *dst, const struct vault *src);

/* vault_keyfile_create - write a new random key file at path, mode 0600,
 * refusing to overwrite (ERR_CONFLICT). The key is returned in key. */
enum err vault_keyfile_create(const char *path, unsigned char key[VAULT_KEYBYTES]);

/* vault_keyfile_read - read a key file. ERR_DENIED if its mode lets anyone
 * but the owner read it; ERR_INVAL if it is not a key file; ERR_IO if it
 * cannot be read. */
enum err vault_keyfile_read(const char *path, unsigned char key[VAULT_KEYBYTES]);

/* vault_secret_alloc / vault_secret_free - n bytes of locked, guarded
 * memory for a secret that is not a key (a passphrase being read); wiped on
 * free. NULL on failure; free accepts NULL. */
void *vault_secret_alloc(size_t n);
void vault_secret_free(void *p);

/* vault_key_new / vault_key_free - a struct vault_key in locked memory. */
struct vault_key *vault_key_new(void);
void vault_key_free(struct vault_key *k);

/* vault_subkey - derive the subkey for purpose into out (version 0):
 * VAULT_SUB_BACKUP from the master key, the others from the root key
 * (ERR_INVAL if it is not loaded). */
enum err vault_subkey(const struct vault *v, enum vault_purpose purpose, struct vault_key *out);

/* vault_audit_key - the audit subkey, derived once when the root key became
 * known and kept in the vault's locked memory (borrowed: valid while v
 * is); NULL if the root key is not loaded. */
const struct vault_key *vault_audit_key(const struct vault *v);

/* vault_datakey_create - a new random data key for owner (a client id) with
 * the given version; fills key and writes its wrapped form to wrapped. */
enum err vault_datakey_create(const struct vault *v, int64_t owner, uint32_t version,
                              struct vault_key *key, unsigned char wrapped[VAULT_WRAPPEDBYTES]);

/* vault_datakey_unwrap - recover a data key. The wrap is bound to owner,
 * version and the master version, so a wrapped key moved to another client
 * fails with ERR_CRYPTO. master_version must equal vault_version(v).
 * key (the caller's locked memory) is written in place: on ERR_CRYPTO it
 * is left wiped (all zero), never holding part of a key. */
enum err vault_datakey_unwrap(const struct vault *v, int64_t owner, uint32_t version,
                              uint32_t master_version,
                              const unsigned char wrapped[VAULT_WRAPPEDBYTES],
                              struct vault_key *key);

/* vault_datakey_rewrap - unwrap under old, wrap under next (rotation). */
enum err vault_datakey_rewrap(const struct vault *old, const struct vault *next, int64_t owner,
                              uint32_t version, const unsigned char in[VAULT_WRAPPEDBYTES],
                              unsigned char out[VAULT_WRAPPEDBYTES]);

/* vault_seal - encrypt pt (n bytes) into out, which must hold
 * n + VAULT_SEAL_OVERHEAD bytes. */
enum err vault_seal(unsigned char *out, size_t out_len, const void *pt, size_t n,
                    const struct vault_ad *ad, const struct vault_key *key);

/* vault_open - decrypt and verify ct into out (ct_len - VAULT_SEAL_OVERHEAD
 * bytes). ERR_CRYPTO if the value was changed, moved, or sealed under another
 * key; out is then wiped. */
enum err vault_open(unsigned char *out, size_t out_len, const unsigned char *ct, size_t ct_len,
                    const struct vault_ad *ad, const struct vault_key *key);

/* vault_blind_index - keyed BLAKE2b of a normalised search token, so the
 * database can match names without storing them. key is the search subkey. */
void vault_blind_index(unsigned char out[VAULT_INDEXBYTES], const struct vault_key *key,
                       const char *token, size_t n);

/* vault_mac - keyed BLAKE2b-256 over data (used by the audit chain). */
void vault_mac(unsigned char out[32], const struct vault_key *key, const void *data, size_t n);

/* vault_hash - BLAKE2b-256 of data (unkeyed): content hashes that prove
 * what was signed. */
void vault_hash(unsigned char out[32], const void *data, size_t n);

/* vault_sha256 - SHA-256 of data: for hashes people check with their own
 * tools (a signed treatment plan's text: `sha256sum`). */
void vault_sha256(unsigned char out[32], const void *data, size_t n);

/* vault_random - n random bytes. */
void vault_random(void *out, size_t n);

/* vault_memeq - constant-time comparison; non-zero when equal. */
int vault_memeq(const void *a, const void *b, size_t n);

/* ---- streams (backup files) ---------------------------------------------
 * A stream encrypts a long sequence of messages under one key
 * (XChaCha20-Poly1305 secretstream): each message is authenticated together
 * with its position, so dropping, reordering or truncating messages is
 * detected. The last message carries a final mark; a reader that reaches the
 * end of its input without seeing it must treat the data as truncated. */

/* Bytes of the stream header the writer stores before the first message. */
#define VAULT_STREAM_HEADERBYTES 24
/* Bytes each message grows by when pushed. */
#define VAULT_STREAM_ABYTES 17

struct vault_stream; /* stream state in locked memory; opaque */

/* vault_stream_push_new - start an encrypting stream under key (e.g. the
 * backup subkey). header receives the VAULT_STREAM_HEADERBYTES to store
 * before the first message. Free the stream with vault_stream_free. */
enum err vault_stream_push_new(const struct vault_key *key,
                               unsigned char header[VAULT_STREAM_HEADERBYTES],
                               struct vault_stream **out);

/* vault_stream_pull_new - start a decrypting stream from a stored header.
 * A wrong key is only detected by the first vault_stream_pull. */
enum err vault_stream_pull_new(const struct vault_key *key,
                               const unsigned char header[VAULT_STREAM_HEADERBYTES],
                               struct vault_stream **out);

/* vault_stream_push - encrypt message m (n bytes, may be 0) with associated
 * data ad (ad_len bytes, may be NULL/0) into out, which must hold
 * n + VAULT_STREAM_ABYTES bytes. final non-zero marks the last message;
 * after it the stream refuses further messages (ERR_INVAL). */
enum err vault_stream_push(struct vault_stream *s, unsigned char *out, size_t out_len,
                           const void *m, size_t n, const void *ad, size_t ad_len, int final);

/* vault_stream_pull - decrypt and verify message c (c_len bytes) with the
 * same associated data it was pushed with, into out, which must hold
 * c_len - VAULT_STREAM_ABYTES bytes. *final is set non-zero for the last
 * message. ERR_CRYPTO if the message was changed, reordered, belongs to
 * another stream, or the key is wrong; out is then wiped and the stream is
 * dead (every later call fails).
 * WARNING: a reader must also fail when its input ends before a final
 * message, or when anything follows one. */
enum err vault_stream_pull(struct vault_stream *s, unsigned char *out, size_t out_len,
                           const unsigned char *c, size_t c_len, const void *ad, size_t ad_len,
                           int *final);

/* vault_stream_free - wipe and free. NULL is fine. */
void vault_stream_free(struct vault_stream *s);

/* ---- signatures (audit checkpoints) --------------------------------------
 * Ed25519 key pairs whose secret half lives only in locked memory and, at
 * rest, sealed like a field (vault_seal under a subkey, associated data
 * binding table, column and row). Only the 32-byte seed is sealed; the key
 * pair is derived from it when it is opened. */

#define VAULT_SIGN_PUBLICBYTES 32 /* an Ed25519 public key */
#define VAULT_SIGNBYTES 64        /* an Ed25519 signature */
#define VAULT_SIGN_SEEDBYTES 32   /* the secret seed a key pair derives from */
/* A sealed secret signing key, as stored. */
#define VAULT_SIGN_SEALEDBYTES (VAULT_SIGN_SEEDBYTES + VAULT_SEAL_OVERHEAD)

struct vault_sign_key; /* an Ed25519 key pair in locked memory; opaque */

/* vault_sign_keypair_new - a new random key pair. Free with
 * vault_sign_key_free. */
enum err vault_sign_keypair_new(struct vault_sign_key **out);

/* vault_sign_key_free - wipe and free. NULL is fine. */
void vault_sign_key_free(struct vault_sign_key *k);

/* vault_sign_key_public - the public half of k. */
void vault_sign_key_public(const struct vault_sign_key *k,
                           unsigned char pk[VAULT_SIGN_PUBLICBYTES]);

/* vault_sign_key_seal - seal k's secret seed for storage at ad under key
 * (e.g. the VAULT_SUB_SECRETS subkey). */
enum err vault_sign_key_seal(unsigned char out[VAULT_SIGN_SEALEDBYTES],
                             const struct vault_sign_key *k, const struct vault_ad *ad,
                             const struct vault_key *key);

/* vault_sign_key_open - open a sealed seed (ct_len must be
 * VAULT_SIGN_SEALEDBYTES) into a new key pair in locked memory. ERR_CRYPTO
 * if it was changed, moved to another row, or sealed under another key. */
enum err vault_sign_key_open(const unsigned char *ct, size_t ct_len, const struct vault_ad *ad,
                             const struct vault_key *key, struct vault_sign_key **out);

/* vault_sign - an Ed25519 signature of m (n bytes) by k. */
void vault_sign(unsigned char sig[VAULT_SIGNBYTES], const struct vault_sign_key *k, const void *m,
                size_t n);

/* vault_sign_verify - ERR_OK if sig is pk's signature of m, else
 * ERR_CRYPTO (also for a malformed public key). */
enum err vault_sign_verify(const unsigned char sig[VAULT_SIGNBYTES],
                           const unsigned char pk[VAULT_SIGN_PUBLICBYTES], const void *m, size_t n);

#endif
