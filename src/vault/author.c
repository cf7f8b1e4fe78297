/*
 * author.c - author keys, note keys and shares of psychotherapy notes over
 * libsodium (see author.h). Every derived key goes through BLAKE2b with a
 * domain string of its own, and every seal uses vault_seal with associated
 * data naming a table and column no other code uses, so nothing sealed
 * here can be opened as anything else. Byte layouts: docs/keys.md.
 * Never: keeps a derived key, a secret X25519 key or a note key outside
 * sodium_malloc memory, or returns one that failed to verify.
 */
#include "vault/author.h"

#include <string.h>

#include <sodium.h>

static const char DOMAIN_CODE[] = "confidant/author-recovery/v1";
static const char DOMAIN_NOTE_KEK[] = "confidant/pnote-kek/v1";
static const char DOMAIN_NOTE_BODY[] = "confidant/pnote-body/v1";

_Static_assert(VAULT_BOX_PUBLICBYTES == crypto_box_PUBLICKEYBYTES &&
                       32 == crypto_box_SECRETKEYBYTES &&
                       VAULT_SHAREBYTES == crypto_box_SEALBYTES + VAULT_KEYBYTES + 8,
               "author.h sizes must match libsodium");

static void le64(unsigned char out[8], int64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

enum err vault_author_kek_password(struct vault_key *kek, const char *pw, size_t n,
                                   const unsigned char salt[VAULT_SALTBYTES], uint64_t opslimit,
                                   uint64_t memlimit)
{
	if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > VAULT_AUTHOR_OPSLIMIT_MAX ||
	    memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > VAULT_AUTHOR_MEMLIMIT_MAX)
		return ERR_INVAL;
	if (crypto_pwhash(kek->k, sizeof kek->k, pw, n, salt, opslimit, (size_t)memlimit,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_memzero(kek->k, sizeof kek->k);
		return ERR_NOMEM;
	}
	kek->version = 0;
	kek->owner = 0;
	return ERR_OK;
}

void vault_author_kek_code(struct vault_key *kek, int64_t user_id, const char *code, size_t n)
{
	crypto_generichash_state st;
	unsigned char id[8];

	le64(id, user_id);
	crypto_generichash_init(&st, NULL, 0, sizeof kek->k);
	crypto_generichash_update(&st, (const unsigned char *)DOMAIN_CODE, sizeof DOMAIN_CODE);
	crypto_generichash_update(&st, id, sizeof id);
	crypto_generichash_update(&st, (const unsigned char *)code, n);
	crypto_generichash_final(&st, kek->k, sizeof kek->k);
	sodium_memzero(&st, sizeof st);
	kek->version = 0;
	kek->owner = 0;
}

void vault_author_key_new(struct vault_key *k)
{
	randombytes_buf(k->k, sizeof k->k);
	k->version = 0;
	k->owner = 0;
}

static struct vault_ad author_ad(int64_t user_id, const char *column)
{
	struct vault_ad ad = {"author_keys", column, user_id, 0};

	return ad;
}

enum err vault_author_wrap(unsigned char out[VAULT_WRAPPEDBYTES], const struct vault_key *ak,
                           const struct vault_key *kek, int64_t user_id, enum vault_author_via via)
{
	struct vault_ad ad =
	        author_ad(user_id, via == VAULT_AUTHOR_PASSWORD ? "ak_password" : "ak_recovery");

	return vault_seal(out, VAULT_WRAPPEDBYTES, ak->k, sizeof ak->k, &ad, kek);
}

enum err vault_author_unwrap(struct vault_key *ak, const unsigned char in[VAULT_WRAPPEDBYTES],
                             const struct vault_key *kek, int64_t user_id,
                             enum vault_author_via via)
{
	struct vault_ad ad =
	        author_ad(user_id, via == VAULT_AUTHOR_PASSWORD ? "ak_password" : "ak_recovery");

	ak->version = 0;
	ak->owner = 0;
	return vault_open(ak->k, sizeof ak->k, in, VAULT_WRAPPEDBYTES, &ad, kek);
}

enum err vault_author_box_new(unsigned char pk[VAULT_BOX_PUBLICBYTES],
                              unsigned char sealed[VAULT_BOX_SEALEDBYTES],
                              const struct vault_key *ak, int64_t user_id)
{
	struct vault_ad ad = author_ad(user_id, "box_secret");
	unsigned char *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	unsigned char p[VAULT_BOX_PUBLICBYTES];
	enum err rc;

	if (sk == NULL)
		return ERR_NOMEM;
	crypto_box_keypair(p, sk);
	rc = vault_seal(sealed, VAULT_BOX_SEALEDBYTES, sk, crypto_box_SECRETKEYBYTES, &ad, ak);
	if (rc == ERR_OK)
		memcpy(pk, p, sizeof p);
	sodium_free(sk);
	return rc;
}

/* derive - out = BLAKE2b-256(key = client key, domain || k): a key that
 * needs both the client's data key and k (an AK or an NK). */
static void derive(struct vault_key *out, const char *domain, size_t dlen,
                   const struct vault_key *k, const struct vault_key *client_key)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, client_key->k, sizeof client_key->k, sizeof out->k);
	crypto_generichash_update(&st, (const unsigned char *)domain, dlen);
	crypto_generichash_update(&st, k->k, sizeof k->k);
	crypto_generichash_final(&st, out->k, sizeof out->k);
	sodium_memzero(&st, sizeof st);
	out->version = client_key->version;
	out->owner = client_key->owner;
}

static struct vault_ad note_ad(int64_t note_id, const char *column, uint32_t key_version)
{
	struct vault_ad ad = {"psychotherapy_notes", column, note_id, key_version};

	return ad;
}

/* derived - seal (or open) in under BLAKE2b(client key, domain || k) with
 * associated data ad: the one construction behind note-key wraps and note
 * text. */
static enum err derived(int seal, unsigned char *out, size_t out_len, const unsigned char *in,
                        size_t in_len, const char *domain, size_t dlen, const struct vault_key *k,
                        const struct vault_key *client_key, const struct vault_ad *ad)
{
	struct vault_key *dk = vault_key_new();
	enum err rc;

	if (dk == NULL)
		return ERR_NOMEM;
	derive(dk, domain, dlen, k, client_key);
	rc = seal ? vault_seal(out, out_len, in, in_len, ad, dk)
	          : vault_open(out, out_len, in, in_len, ad, dk);
	vault_key_free(dk);
	return rc;
}

enum err vault_pnote_key_wrap(unsigned char out[VAULT_WRAPPEDBYTES], const struct vault_key *nk,
                              const struct vault_key *ak, const struct vault_key *client_key,
                              int64_t note_id)
{
	struct vault_ad ad = note_ad(note_id, "note_key", client_key->version);

	return derived(1, out, VAULT_WRAPPEDBYTES, nk->k, sizeof nk->k, DOMAIN_NOTE_KEK,
	               sizeof DOMAIN_NOTE_KEK, ak, client_key, &ad);
}

enum err vault_pnote_key_unwrap(struct vault_key *nk, const unsigned char in[VAULT_WRAPPEDBYTES],
                                const struct vault_key *ak, const struct vault_key *client_key,
                                int64_t note_id)
{
	struct vault_ad ad = note_ad(note_id, "note_key", client_key->version);

	nk->version = 0;
	nk->owner = 0;
	return derived(0, nk->k, sizeof nk->k, in, VAULT_WRAPPEDBYTES, DOMAIN_NOTE_KEK,
	               sizeof DOMAIN_NOTE_KEK, ak, client_key, &ad);
}

enum err vault_pnote_share(unsigned char out[VAULT_SHAREBYTES], const struct vault_key *nk,
                           int64_t note_id, const unsigned char pk[VAULT_BOX_PUBLICBYTES])
{
	unsigned char *m = sodium_malloc(VAULT_KEYBYTES + 8);
	enum err rc = ERR_OK;

	if (m == NULL)
		return ERR_NOMEM;
	memcpy(m, nk->k, VAULT_KEYBYTES);
	le64(m + VAULT_KEYBYTES, note_id);
	if (crypto_box_seal(out, m, VAULT_KEYBYTES + 8, pk) != 0)
		rc = ERR_CRYPTO; /* a malformed public key */
	sodium_free(m);
	return rc;
}

enum err vault_pnote_share_open(struct vault_key *nk, const unsigned char in[VAULT_SHAREBYTES],
                                int64_t note_id, const unsigned char pk[VAULT_BOX_PUBLICBYTES],
                                const unsigned char sealed[VAULT_BOX_SEALEDBYTES],
                                const struct vault_key *ak, int64_t user_id)
{
	struct vault_ad ad = author_ad(user_id, "box_secret");
	unsigned char *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	unsigned char *m = sodium_malloc(VAULT_KEYBYTES + 8);
	unsigned char id[8];
	enum err rc;

	if (sk == NULL || m == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = vault_open(sk, crypto_box_SECRETKEYBYTES, sealed, VAULT_BOX_SEALEDBYTES, &ad, ak);
	if (rc != ERR_OK)
		goto out;
	if (crypto_box_seal_open(m, in, VAULT_SHAREBYTES, pk, sk) != 0) {
		rc = ERR_CRYPTO;
		goto out;
	}
	le64(id, note_id);
	if (sodium_memcmp(m + VAULT_KEYBYTES, id, sizeof id) != 0) {
		rc = ERR_CRYPTO; /* a share of another note, copied here */
		goto out;
	}
	memcpy(nk->k, m, VAULT_KEYBYTES);
	nk->version = 0;
	nk->owner = 0;
out:
	if (sk != NULL)
		sodium_free(sk);
	if (m != NULL)
		sodium_free(m);
	return rc;
}

enum err vault_pnote_seal(unsigned char *out, size_t out_len, const void *pt, size_t n,
                          const struct vault_key *nk, const struct vault_key *client_key,
                          int64_t note_id)
{
	struct vault_ad ad = note_ad(note_id, "body", client_key->version);

	return derived(1, out, out_len, pt, n, DOMAIN_NOTE_BODY, sizeof DOMAIN_NOTE_BODY, nk,
	               client_key, &ad);
}

enum err vault_pnote_open(unsigned char *out, size_t out_len, const unsigned char *ct,
                          size_t ct_len, const struct vault_key *nk,
                          const struct vault_key *client_key, int64_t note_id)
{
	struct vault_ad ad = note_ad(note_id, "body", client_key->version);

	return derived(0, out, out_len, ct, ct_len, DOMAIN_NOTE_BODY, sizeof DOMAIN_NOTE_BODY, nk,
	               client_key, &ad);
}
