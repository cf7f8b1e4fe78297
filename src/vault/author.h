/*
 * author.h - the keys of psychotherapy notes (docs/design/psychotherapy-
 * notes.md, docs/keys.md): a clinician's author key AK, the note keys NK it
 * protects, and the X25519 key pairs that let an author share one note
 * with their supervisor.
 *
 * Responsible for: deriving key-encryption keys from a password (Argon2id)
 * or a recovery code, wrapping and unwrapping AK, wrapping NK under a key
 * that needs both AK and the client's data key, sealing a note's text
 * under a key that needs both NK and the client's data key, and sealed-box
 * shares of NK. Never: sees the master key, stores anything, or leaves a
 * key in memory outside sodium_malloc after a call returns. Nothing here
 * can open a note without an author's (or a supervisor's) own AK: that is
 * the point.
 */
#ifndef CONFIDANT_VAULT_AUTHOR_H
#define CONFIDANT_VAULT_AUTHOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "vault/vault.h"

/* Argon2id cost of the password wrap of AK: OWASP's minimum (m=19 MiB,
 * t=2), the same as the sign-in hash, since it runs at every sign-in. */
#define VAULT_AUTHOR_OPSLIMIT 2ULL
#define VAULT_AUTHOR_MEMLIMIT (19ULL * 1024 * 1024)
/* The most a stored row may ask for (a row is not trusted to be sane). */
#define VAULT_AUTHOR_OPSLIMIT_MAX 16ULL
#define VAULT_AUTHOR_MEMLIMIT_MAX (1024ULL * 1024 * 1024)

#define VAULT_BOX_PUBLICBYTES 32 /* an X25519 public key */
/* An X25519 secret key sealed under AK. */
#define VAULT_BOX_SEALEDBYTES (32 + VAULT_SEAL_OVERHEAD)
/* A share: crypto_box_seal of NK and the note's row id (48 bytes extra). */
#define VAULT_SHAREBYTES (48 + VAULT_KEYBYTES + 8)

/* What a wrap of AK is under. */
enum vault_author_via {
	VAULT_AUTHOR_PASSWORD = 1, /* Argon2id(password, salt) */
	VAULT_AUTHOR_RECOVERY = 2, /* BLAKE2b(domain, user, recovery code) */
};

/* vault_author_kek_password - kek = Argon2id(pw, salt) with the given cost
 * (kek->version and owner are 0). ERR_INVAL for a cost outside the
 * bounds above; ERR_NOMEM if Argon2id cannot get its memory. Slow on
 * purpose (~20 ms): callers hold a password-hash slot. */
enum err vault_author_kek_password(struct vault_key *kek, const char *pw, size_t n,
                                   const unsigned char salt[VAULT_SALTBYTES], uint64_t opslimit,
                                   uint64_t memlimit);

/* vault_author_kek_code - kek from a normalised recovery code, bound to
 * the user's row id. Never equal to the code's stored hash. */
void vault_author_kek_code(struct vault_key *kek, int64_t user_id, const char *code, size_t n);

/* vault_author_key_new - a new random key (an AK or an NK) into k. */
void vault_author_key_new(struct vault_key *k);

/* vault_author_wrap - AK sealed under kek, bound to user_id and via, into
 * out. */
enum err vault_author_wrap(unsigned char out[VAULT_WRAPPEDBYTES], const struct vault_key *ak,
                           const struct vault_key *kek, int64_t user_id, enum vault_author_via via);

/* vault_author_unwrap - open a wrap made by vault_author_wrap into ak.
 * ERR_CRYPTO if the secret is wrong, or the wrap was altered or moved to
 * another user; ak is then left wiped. */
enum err vault_author_unwrap(struct vault_key *ak, const unsigned char in[VAULT_WRAPPEDBYTES],
                             const struct vault_key *kek, int64_t user_id,
                             enum vault_author_via via);

/* vault_author_box_new - a new X25519 key pair for user_id: the public
 * half into pk, the secret half sealed under ak into sealed. */
enum err vault_author_box_new(unsigned char pk[VAULT_BOX_PUBLICBYTES],
                              unsigned char sealed[VAULT_BOX_SEALEDBYTES],
                              const struct vault_key *ak, int64_t user_id);

/* vault_pnote_key_wrap - NK sealed under BLAKE2b(client key, AK), bound to
 * the note's row and the client key's version: opening it needs the
 * author's AK and the client's data key both. */
enum err vault_pnote_key_wrap(unsigned char out[VAULT_WRAPPEDBYTES], const struct vault_key *nk,
                              const struct vault_key *ak, const struct vault_key *client_key,
                              int64_t note_id);

/* vault_pnote_key_unwrap - the reverse; ERR_CRYPTO if any key is wrong or
 * the wrap belongs to another note. nk is left wiped on failure. */
enum err vault_pnote_key_unwrap(struct vault_key *nk, const unsigned char in[VAULT_WRAPPEDBYTES],
                                const struct vault_key *ak, const struct vault_key *client_key,
                                int64_t note_id);

/* vault_pnote_share - NK and the note's row id, sealed to a supervisor's
 * public key (crypto_box_seal). */
enum err vault_pnote_share(unsigned char out[VAULT_SHAREBYTES], const struct vault_key *nk,
                           int64_t note_id, const unsigned char pk[VAULT_BOX_PUBLICBYTES]);

/* vault_pnote_share_open - a supervisor opens a share: their X25519 secret
 * is unsealed with their own ak (user_id binds it), then the share; the
 * note id inside must be note_id. ERR_CRYPTO on any mismatch. */
enum err vault_pnote_share_open(struct vault_key *nk, const unsigned char in[VAULT_SHAREBYTES],
                                int64_t note_id, const unsigned char pk[VAULT_BOX_PUBLICBYTES],
                                const unsigned char sealed[VAULT_BOX_SEALEDBYTES],
                                const struct vault_key *ak, int64_t user_id);

/* vault_pnote_seal / vault_pnote_open - a note's text under
 * BLAKE2b(client key, NK), with associated data binding the table, the
 * column, the note's row and the client key's version. Sizes as for
 * vault_seal / vault_open; open returns ERR_CRYPTO (out wiped) when the
 * value was changed, moved to another note, or a key is wrong. */
enum err vault_pnote_seal(unsigned char *out, size_t out_len, const void *pt, size_t n,
                          const struct vault_key *nk, const struct vault_key *client_key,
                          int64_t note_id);
enum err vault_pnote_open(unsigned char *out, size_t out_len, const unsigned char *ct,
                          size_t ct_len, const struct vault_key *nk,
                          const struct vault_key *client_key, int64_t note_id);

#endif
