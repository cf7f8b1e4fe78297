/*
 * pnotes.h - psychotherapy notes and author keys in the store
 * (store_pnotes.c).
 *
 * Responsible for: the author_keys, author_key_recovery,
 * psychotherapy_notes and psychotherapy_note_shares tables; sealing a
 * note's text and note key, and opening them for the author (with their AK)
 * or for a supervisor the note is shared with (with theirs). Callers
 * (domain/pnotes.c) have already decided who may do what. Never: joins
 * these tables with any other query's (exports, search, the record, claims
 * and the portal cannot reach them), opens a note without the reader's
 * own author key, or returns text that failed to open.
 */
#ifndef CONFIDANT_STORE_PNOTES_H
#define CONFIDANT_STORE_PNOTES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/author.h"
#include "vault/vault.h"

#define PNOTE_SHARES_MAX 16 /* supervisors one note may be shared with */

/* One author's key row, as stored (nothing in it opens without a secret). */
struct author_key_row {
	int64_t user_id;                                 /* whose */
	unsigned char salt[VAULT_SALTBYTES];             /* Argon2id salt */
	uint64_t opslimit;                               /* Argon2id passes */
	uint64_t memlimit;                               /* Argon2id memory, bytes */
	unsigned char pw_wrap[VAULT_WRAPPEDBYTES];       /* AK under the password */
	unsigned char box_public[VAULT_BOX_PUBLICBYTES]; /* X25519 public key */
	unsigned char box_sealed[VAULT_BOX_SEALEDBYTES]; /* X25519 secret under AK */
};

/* store_author_key_get - user's row. ERR_NOTFOUND if they have none yet. */
enum err store_author_key_get(struct store *s, int64_t user_id, struct author_key_row *out);

/* store_author_key_put - insert r (create non-zero; ERR_CONFLICT if the
 * user has a row: a concurrent first sign-in won), or replace the password
 * wrap (salt, cost, wrap) of the row r was read from (ERR_CONFLICT if its
 * key pair is not r's). The key pair of a row never changes. */
enum err store_author_key_put(struct store *s, const struct author_key_row *r, int create,
                              int64_t now);

/* store_author_recovery_replace - user's recovery wraps become these n
 * (hashes as recovery_codes stores them; n may be 0: none). */
enum err store_author_recovery_replace(struct store *s, int64_t user_id,
                                       const unsigned char (*hashes)[32],
                                       const unsigned char (*wraps)[VAULT_WRAPPEDBYTES], size_t n);

/* store_author_recovery_find - the wrap for one code's hash (ERR_NOTFOUND). */
enum err store_author_recovery_find(struct store *s, int64_t user_id, const unsigned char hash[32],
                                    unsigned char wrap[VAULT_WRAPPEDBYTES]);

/* store_author_recovery_delete - forget the wrap of a used code. */
enum err store_author_recovery_delete(struct store *s, int64_t user_id,
                                      const unsigned char hash[32]);

/* One psychotherapy note. body is PHI of the most private kind: wipe with
 * pnote_cleanup. */
struct pnote {
	int64_t id;                /* row id */
	char public_id[33];        /* opaque id */
	int64_t client_id;         /* whose (row id) */
	char client_public_id[33]; /* and their public id */
	int64_t author_id;         /* the author (user row id) */
	char author_public_id[33]; /* and their public id */
	uint32_t key_version;      /* client data key version it is sealed under */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
	int64_t version;           /* optimistic-locking counter */
	char *body;                /* the text (heap), NULL until opened */
};

/* pnote_cleanup - wipe and free the text, wipe the rest. */
void pnote_cleanup(struct pnote *n);

/* store_pnote_create - insert n (client_id, author_id, body) with a new
 * note key wrapped under ak and the client's current key; fills id,
 * public_id, key_version, times and version. */
enum err store_pnote_create(struct store *s, const struct vault *v, const struct vault_key *ak,
                            struct pnote *n, int64_t now);

/* store_pnote_get - the clear columns of a note (body stays NULL).
 * ERR_NOTFOUND if there is none. */
enum err store_pnote_get(struct store *s, const char *public_id, struct pnote *out);

/* store_pnote_open - open n's text (n from store_pnote_get) for reader:
 * its author, with their ak; or a user it is shared with, with theirs.
 * ERR_NOTFOUND if reader is neither (or the client was shredded);
 * ERR_CRYPTO if anything fails to open (wrong key, a value changed or
 * moved). */
enum err store_pnote_open(struct store *s, const struct vault *v, struct pnote *n, int64_t reader,
                          const struct vault_key *ak);

/* store_pnote_update - seal body as n's new text (the author, with ak) if
 * the row is still at n->version (ERR_CONFLICT if not); version and
 * updated_at move on. */
enum err store_pnote_update(struct store *s, const struct vault *v, const struct vault_key *ak,
                            struct pnote *n, const char *body, int64_t now);

/* store_pnote_list - notes on a client the reader wrote or that are shared
 * with them, oldest first, clear columns only; at most max, *count set. */
enum err store_pnote_list(struct store *s, int64_t client_id, int64_t reader, struct pnote *out,
                          size_t max, size_t *count);

/* store_pnote_shared - *yes if n is shared with user. */
enum err store_pnote_shared(struct store *s, int64_t note_id, int64_t user, int *yes);

/* store_pnote_shares - public ids of the users n is shared with. */
enum err store_pnote_shares(struct store *s, int64_t note_id, char (*out)[33], size_t max,
                            size_t *count);

/* store_pnote_share_add - share n (the author, with ak) with user: their
 * public key seals the note key. ERR_CONFLICT (and *no_key set) if user
 * has no key pair yet (has never signed in since), or when
 * PNOTE_SHARES_MAX is reached. Sharing twice replaces the share. */
enum err store_pnote_share_add(struct store *s, const struct vault *v, const struct vault_key *ak,
                               const struct pnote *n, int64_t user, int64_t now, int *no_key);

/* store_pnote_share_delete - unshare. ERR_NOTFOUND if it was not shared. */
enum err store_pnote_share_delete(struct store *s, int64_t note_id, int64_t user);

#endif
