/*
 * vault.c - the practice's keys and field encryption over libsodium.
 *
 * Responsible for: holding the master key in locked memory, wrapping and
 * unwrapping it, data keys, subkeys, field sealing, blind indexes, MACs, key
 * files and the stream encryption used by backups. Every sealed value has
 * the same layout: one format byte, a random 24-byte nonce, then the
 * XChaCha20-Poly1305 ciphertext and tag. The associated data always starts
 * with the format byte and a domain string, so a value sealed for one
 * purpose (a field, a data key, a master key wrap) can never be opened as
 * another. Details and byte layouts: docs/internals/vault.md.
 * Never: writes a key to disk unwrapped (key files are the one deliberate
 * exception, 0600), logs or returns key material except into the caller's
 * out-parameters, or keeps a secret in ordinary memory after a call returns.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vault/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/file.h"
#include "core/mem.h"

/* The format byte that starts every sealed value and wrapped key. */
#define SEAL_FORMAT 1

/* Argon2id cost for new passphrase wraps. t=3 passes over 64 MiB is
 * libsodium's "interactive" memory cost with one more pass than OWASP's
 * minimum (m=19 MiB, t=2): about 0.1-0.3 s here, acceptable once per unlock,
 * and it costs an attacker 64 MiB per guess. Both values are stored in the
 * wrap (and bound into its associated data), so they can rise later without
 * breaking existing wraps. */
#define PWHASH_OPSLIMIT 3ULL
#define PWHASH_MEMLIMIT (64ULL * 1024 * 1024)
/* The most a stored wrap may ask for. A wrap read from an untrusted place
 * (a backup file) must not make unlock burn minutes or gigabytes. */
#define PWHASH_OPSLIMIT_MAX 64ULL
#define PWHASH_MEMLIMIT_MAX (4ULL * 1024 * 1024 * 1024)

/* Longest table or column name accepted in field associated data. */
#define AD_NAME_MAX 128
/* Room for the longest associated data any function builds. */
#define AD_MAX (1 + 2 * (4 + AD_NAME_MAX) + 4 + 32 + 8 + 4 + 4)

/* Domain strings: one per kind of associated data or derivation. */
static const char DOMAIN_FIELD[] = "confidant/field/v1";
static const char DOMAIN_DATAKEY[] = "confidant/datakey/v1";
static const char DOMAIN_MASTER[] = "confidant/master/v1";
static const char DOMAIN_KEYFILE[] = "confidant/keyfile-kek/v1";
static const char DOMAIN_ROOT[] = "confidant/root/v1";
/* crypto_kdf contexts are exactly 8 bytes. */
static const char KDF_CONTEXT[crypto_kdf_CONTEXTBYTES + 1] = "cfdntsub";

/* Our public sizes are libsodium's; a libsodium that disagreed would
 * silently corrupt every sealed value, so refuse to build instead. */
_Static_assert(VAULT_KEYBYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES &&
                       VAULT_NONCEBYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES &&
                       VAULT_TAGBYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES &&
                       VAULT_KEYBYTES == crypto_kdf_KEYBYTES &&
                       VAULT_SALTBYTES == crypto_pwhash_SALTBYTES &&
                       VAULT_STREAM_HEADERBYTES ==
                               crypto_secretstream_xchacha20poly1305_HEADERBYTES &&
                       VAULT_STREAM_ABYTES == crypto_secretstream_xchacha20poly1305_ABYTES &&
                       VAULT_KEYBYTES == crypto_secretstream_xchacha20poly1305_KEYBYTES,
               "vault.h sizes must match libsodium");

struct vault {
	unsigned char key[VAULT_KEYBYTES];  /* the master key */
	uint32_t version;                   /* its version */
	unsigned char root[VAULT_KEYBYTES]; /* the root key (survives rotation) */
	int has_root;                       /* non-zero once root is known */
	struct vault_key audit;             /* audit subkey of root, derived once
	                                       (every audited request needs it) */
};

/* derive_audit - keep the audit subkey next to the root key it comes from. */
static void derive_audit(struct vault *v)
{
	if (v->has_root)
		(void)vault_subkey(v, VAULT_SUB_AUDIT, &v->audit);
}

const struct vault_key *vault_audit_key(const struct vault *v)
{
	return v->has_root ? &v->audit : NULL;
}

struct vault_stream {
	crypto_secretstream_xchacha20poly1305_state st; /* libsodium state (holds a key) */
	int pushing;                                    /* non-zero for an encrypting stream */
	int finished; /* non-zero after the final message or a failure */
};

/* ---- associated data ------------------------------------------------------
 * A tiny append-only encoder with a sticky error, so builders check once. */

struct ad {
	unsigned char b[AD_MAX]; /* encoded bytes */
	size_t n;                /* bytes used */
	int bad;                 /* non-zero once something did not fit */
};

static void ad_bytes(struct ad *a, const void *p, size_t n)
{
	if (a->bad || n > sizeof a->b - a->n) {
		a->bad = 1;
		return;
	}
	if (n > 0)
		memcpy(a->b + a->n, p, n);
	a->n += n;
}

static void ad_u8(struct ad *a, unsigned v)
{
	unsigned char c = (unsigned char)v;

	ad_bytes(a, &c, 1);
}

static void ad_u32(struct ad *a, uint32_t v)
{
	unsigned char le[4];
	int i;

	for (i = 0; i < 4; i++)
		le[i] = (unsigned char)(v >> (8 * i));
	ad_bytes(a, le, sizeof le);
}

static void ad_u64(struct ad *a, uint64_t v)
{
	unsigned char le[8];
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (unsigned char)(v >> (8 * i));
	ad_bytes(a, le, sizeof le);
}

/* ad_str - a length-prefixed string (u32 length, then the bytes). */
static void ad_str(struct ad *a, const char *s, size_t max)
{
	size_t n;

	if (s == NULL) {
		a->bad = 1;
		return;
	}
	n = strnlen(s, max + 1);
	if (n > max) {
		a->bad = 1;
		return;
	}
	ad_u32(a, (uint32_t)n);
	ad_bytes(a, s, n);
}

/* ad_start - the format byte and the domain string. */
static void ad_start(struct ad *a, const char *domain)
{
	a->n = 0;
	a->bad = 0;
	ad_u8(a, SEAL_FORMAT);
	ad_str(a, domain, 64);
}

static void ad_field(struct ad *a, const struct vault_ad *f)
{
	ad_start(a, DOMAIN_FIELD);
	ad_str(a, f->table, AD_NAME_MAX);
	ad_str(a, f->column, AD_NAME_MAX);
	ad_u64(a, (uint64_t)f->row);
	ad_u32(a, f->key_version);
}

static void ad_datakey(struct ad *a, int64_t owner, uint32_t version, uint32_t master_version)
{
	ad_start(a, DOMAIN_DATAKEY);
	ad_u64(a, (uint64_t)owner);
	ad_u32(a, version);
	ad_u32(a, master_version);
}

/* ad_master - what a master-key wrap is bound to. wrapper_version is the
 * version of the key that wraps a successor (unused for other kinds). */
static void ad_master(struct ad *a, const struct vault_wrap *w, uint32_t wrapper_version)
{
	ad_start(a, DOMAIN_MASTER);
	ad_u8(a, (unsigned)w->kind);
	ad_u32(a, w->master_version);
	if (w->kind == VAULT_WRAP_PASSPHRASE) {
		ad_u64(a, w->opslimit);
		ad_u64(a, w->memlimit);
		ad_bytes(a, w->salt, sizeof w->salt);
	} else if (w->kind == VAULT_WRAP_SUCCESSOR) {
		ad_u32(a, wrapper_version);
	}
}

/* ---- the sealed format ------------------------------------------------- */

/* seal_raw - out (n + VAULT_SEAL_OVERHEAD bytes) = format, nonce, AEAD. */
static void seal_raw(unsigned char *out, const void *pt, size_t n, const struct ad *a,
                     const unsigned char key[VAULT_KEYBYTES])
{
	unsigned char *nonce = out + 1;

	out[0] = SEAL_FORMAT;
	randombytes_buf(nonce, VAULT_NONCEBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + VAULT_NONCEBYTES, NULL, pt, n, a->b,
	                                           a->n, NULL, nonce, key);
}

/* open_raw - out (ct_len - VAULT_SEAL_OVERHEAD bytes) from a sealed value;
 * the caller has checked ct_len >= VAULT_SEAL_OVERHEAD. */
static enum err open_raw(unsigned char *out, const unsigned char *ct, size_t ct_len,
                         const struct ad *a, const unsigned char key[VAULT_KEYBYTES])
{
	if (ct[0] != SEAL_FORMAT)
		return ERR_CRYPTO;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, ct + 1 + VAULT_NONCEBYTES,
	                                               ct_len - 1 - VAULT_NONCEBYTES, a->b, a->n,
	                                               ct + 1, key) != 0)
		return ERR_CRYPTO;
	return ERR_OK;
}

/* ---- library and master key -------------------------------------------- */

/* ready - libsodium must be initialised before sodium_malloc; calling
 * sodium_init again is cheap and safe, so allocation paths make sure. */
static int ready(void)
{
	return sodium_init() >= 0;
}

enum err vault_lib_init(void)
{
	struct rlimit none = {0, 0};

	if (!ready())
		return ERR_CRYPTO;
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		return ERR_INTERNAL;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return ERR_INTERNAL;
	return ERR_OK;
}

static struct vault *vault_alloc(void)
{
	struct vault *v;

	if (!ready())
		return NULL;
	v = sodium_malloc(sizeof *v);
	if (v != NULL)
		memset(v, 0, sizeof *v);
	return v;
}

enum err vault_new(uint32_t version, struct vault **out)
{
	struct vault *v = vault_alloc();

	if (v == NULL)
		return ERR_NOMEM;
	crypto_aead_xchacha20poly1305_ietf_keygen(v->key);
	crypto_kdf_keygen(v->root);
	v->has_root = 1;
	derive_audit(v);
	v->version = version;
	*out = v;
	return ERR_OK;
}

/* ad_root - a root-key wrap is bound to the master version wrapping it. */
static void ad_root(struct ad *a, uint32_t master_version)
{
	ad_start(a, DOMAIN_ROOT);
	ad_u32(a, master_version);
}

enum err vault_root_wrap(const struct vault *v, struct vault_wrap *out)
{
	struct vault_wrap w;
	struct ad a;

	if (!v->has_root)
		return ERR_INVAL;
	memset(&w, 0, sizeof w);
	w.kind = VAULT_WRAP_ROOT;
	w.master_version = v->version;
	ad_root(&a, v->version);
	if (a.bad)
		return ERR_INTERNAL;
	seal_raw(w.blob, v->root, VAULT_KEYBYTES, &a, v->key);
	*out = w;
	return ERR_OK;
}

enum err vault_root_load(struct vault *v, const struct vault_wrap *w)
{
	unsigned char root[VAULT_KEYBYTES];
	struct ad a;
	enum err rc;

	if (w->kind != VAULT_WRAP_ROOT || w->master_version != v->version)
		return ERR_INVAL;
	ad_root(&a, v->version);
	if (a.bad)
		return ERR_INTERNAL;
	rc = open_raw(root, w->blob, sizeof w->blob, &a, v->key);
	if (rc == ERR_OK) {
		memcpy(v->root, root, sizeof root);
		v->has_root = 1;
		derive_audit(v);
	}
	sodium_memzero(root, sizeof root);
	return rc;
}

void vault_root_copy(struct vault *dst, const struct vault *src)
{
	memcpy(dst->root, src->root, sizeof dst->root);
	dst->has_root = src->has_root;
	derive_audit(dst);
}

void vault_free(struct vault *v)
{
	if (v != NULL)
		sodium_free(v);
}

uint32_t vault_version(const struct vault *v)
{
	return v->version;
}

void *vault_secret_alloc(size_t n)
{
	if (!ready())
		return NULL;
	return sodium_malloc(n);
}

void vault_secret_free(void *p)
{
	if (p != NULL)
		sodium_free(p);
}

struct vault_key *vault_key_new(void)
{
	struct vault_key *k;

	if (!ready())
		return NULL;
	k = sodium_malloc(sizeof *k);
	if (k != NULL)
		memset(k, 0, sizeof *k);
	return k;
}

void vault_key_free(struct vault_key *k)
{
	if (k != NULL)
		sodium_free(k);
}

/* ---- wrapping the master key ------------------------------------------- */

/* keyfile_kek - the key-encryption key for a key file's 32 bytes. */
static void keyfile_kek(unsigned char kek[VAULT_KEYBYTES], const unsigned char file[VAULT_KEYBYTES])
{
	crypto_generichash(kek, VAULT_KEYBYTES, (const unsigned char *)DOMAIN_KEYFILE,
	                   sizeof DOMAIN_KEYFILE - 1, file, VAULT_KEYBYTES);
}

/* wrap_master - fill w->blob with v's key sealed under kek; the rest of w
 * (kind, version, parameters) must already be set. */
static enum err wrap_master(const struct vault *v, struct vault_wrap *w,
                            const unsigned char kek[VAULT_KEYBYTES], uint32_t wrapper_version)
{
	struct ad a;

	ad_master(&a, w, wrapper_version);
	if (a.bad)
		return ERR_INTERNAL;
	seal_raw(w->blob, v->key, VAULT_KEYBYTES, &a, kek);
	return ERR_OK;
}

/* unwrap_master - open w->blob under kek into a new vault. */
static enum err unwrap_master(const struct vault_wrap *w, const unsigned char kek[VAULT_KEYBYTES],
                              uint32_t wrapper_version, struct vault **out)
{
	struct vault *v = NULL;
	struct ad a;
	enum err rc;

	ad_master(&a, w, wrapper_version);
	if (a.bad) {
		rc = ERR_INTERNAL;
		goto out;
	}
	v = vault_alloc();
	if (v == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = open_raw(v->key, w->blob, sizeof w->blob, &a, kek);
	if (rc != ERR_OK)
		goto out;
	v->version = w->master_version;
	*out = v;
	v = NULL;
out:
	vault_free(v);
	return rc;
}

/* passphrase_kek - Argon2id of the passphrase with w's salt and cost. */
static enum err passphrase_kek(unsigned char *kek, const struct vault_wrap *w, const char *pass,
                               size_t pass_len)
{
	if (pass == NULL && pass_len != 0)
		return ERR_INVAL;
	if (pass_len > crypto_pwhash_PASSWD_MAX)
		return ERR_TOOBIG;
	/* Out-of-range costs can only come from an altered wrap. */
	if (w->opslimit < crypto_pwhash_OPSLIMIT_MIN || w->opslimit > PWHASH_OPSLIMIT_MAX ||
	    w->memlimit < crypto_pwhash_MEMLIMIT_MIN || w->memlimit > PWHASH_MEMLIMIT_MAX ||
	    w->memlimit > SIZE_MAX)
		return ERR_CRYPTO;
	if (crypto_pwhash(kek, VAULT_KEYBYTES, pass_len ? pass : "", (unsigned long long)pass_len,
	                  w->salt, (unsigned long long)w->opslimit, (size_t)w->memlimit,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;
	return ERR_OK;
}

enum err vault_wrap_passphrase(const struct vault *v, const char *pass, size_t pass_len,
                               struct vault_wrap *out)
{
	unsigned char *kek = sodium_malloc(VAULT_KEYBYTES);
	struct vault_wrap w;
	enum err rc;

	memset(&w, 0, sizeof w);
	if (kek == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	w.kind = VAULT_WRAP_PASSPHRASE;
	w.master_version = v->version;
	w.opslimit = PWHASH_OPSLIMIT;
	w.memlimit = PWHASH_MEMLIMIT;
	randombytes_buf(w.salt, sizeof w.salt);
	rc = passphrase_kek(kek, &w, pass, pass_len);
	if (rc != ERR_OK)
		goto out;
	rc = wrap_master(v, &w, kek, 0);
	if (rc != ERR_OK)
		goto out;
	*out = w;
out:
	if (kek != NULL)
		sodium_free(kek);
	return rc;
}

enum err vault_wrap_keyfile(const struct vault *v, const unsigned char key[VAULT_KEYBYTES],
                            struct vault_wrap *out)
{
	unsigned char *kek = sodium_malloc(VAULT_KEYBYTES);
	struct vault_wrap w;
	enum err rc;

	memset(&w, 0, sizeof w);
	if (kek == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	w.kind = VAULT_WRAP_KEYFILE;
	w.master_version = v->version;
	keyfile_kek(kek, key);
	rc = wrap_master(v, &w, kek, 0);
	if (rc != ERR_OK)
		goto out;
	*out = w;
out:
	if (kek != NULL)
		sodium_free(kek);
	return rc;
}

enum err vault_wrap_successor(const struct vault *v, const struct vault *next,
                              struct vault_wrap *out)
{
	struct vault_wrap w;
	enum err rc;

	memset(&w, 0, sizeof w);
	if (next->version <= v->version)
		return ERR_INVAL;
	w.kind = VAULT_WRAP_SUCCESSOR;
	w.master_version = next->version;
	rc = wrap_master(next, &w, v->key, v->version);
	if (rc != ERR_OK)
		return rc;
	*out = w;
	return ERR_OK;
}

enum err vault_unlock(const struct vault_wrap *w, const void *secret, size_t secret_len,
                      struct vault **out)
{
	unsigned char *kek = NULL;
	enum err rc;

	if (w->kind != VAULT_WRAP_PASSPHRASE && w->kind != VAULT_WRAP_KEYFILE) {
		rc = ERR_INVAL;
		goto out;
	}
	kek = sodium_malloc(VAULT_KEYBYTES);
	if (kek == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (w->kind == VAULT_WRAP_PASSPHRASE) {
		rc = passphrase_kek(kek, w, secret, secret_len);
		if (rc != ERR_OK)
			goto out;
	} else {
		if (secret == NULL || secret_len != VAULT_KEYBYTES) {
			rc = ERR_INVAL;
			goto out;
		}
		keyfile_kek(kek, secret);
	}
	rc = unwrap_master(w, kek, 0, out);
out:
	if (kek != NULL)
		sodium_free(kek);
	return rc;
}

enum err vault_adopt(struct vault *v, const struct vault_wrap *w)
{
	struct vault *next = NULL;
	enum err rc;

	if (w->kind != VAULT_WRAP_SUCCESSOR) {
		rc = ERR_INVAL;
		goto out;
	}
	/* Only forward: an old successor entry must not roll the key back. */
	if (w->master_version <= v->version) {
		rc = ERR_CRYPTO;
		goto out;
	}
	rc = unwrap_master(w, v->key, v->version, &next);
	if (rc != ERR_OK)
		goto out;
	memcpy(v->key, next->key, sizeof v->key);
	v->version = next->version;
out:
	vault_free(next);
	return rc;
}

/* ---- key files --------------------------------------------------------- */

enum err vault_keyfile_create(const char *path, unsigned char key[VAULT_KEYBYTES])
{
	/* 64 hex digits, newline, and the NUL sodium_bin2hex writes. */
	char *hex = sodium_malloc(2 * VAULT_KEYBYTES + 2);
	unsigned char *k = sodium_malloc(VAULT_KEYBYTES);
	int fd = -1, created = 0;
	enum err rc;

	if (hex == NULL || k == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, VAULT_KEYFILE_MODE);
	if (fd < 0) {
		rc = errno == EEXIST ? ERR_CONFLICT : ERR_IO;
		goto out;
	}
	created = 1;
	randombytes_buf(k, VAULT_KEYBYTES);
	sodium_bin2hex(hex, 2 * VAULT_KEYBYTES + 1, k, VAULT_KEYBYTES);
	hex[2 * VAULT_KEYBYTES] = '\n';
	rc = file_write_all(fd, hex, 2 * VAULT_KEYBYTES + 1);
	if (rc != ERR_OK)
		goto out;
	if (fsync(fd) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = ERR_IO;
		goto out;
	}
	fd = -1;
	rc = file_fsync_parent(path);
	if (rc != ERR_OK)
		goto out;
	memcpy(key, k, VAULT_KEYBYTES);
out:
	if (fd >= 0)
		close(fd);
	if (rc != ERR_OK && created)
		unlink(path);
	if (hex != NULL)
		sodium_free(hex);
	if (k != NULL)
		sodium_free(k);
	return rc;
}

enum err vault_keyfile_read(const char *path, unsigned char key[VAULT_KEYBYTES])
{
	/* One byte more than a key file, to notice a longer file. */
	enum { FILE_BYTES = 2 * VAULT_KEYBYTES + 1 };
	unsigned char *buf = sodium_malloc(FILE_BYTES + 1);
	unsigned char *k = sodium_malloc(VAULT_KEYBYTES);
	struct stat st;
	size_t got = 0, bin_len = 0, i;
	const char *end = NULL;
	int fd = -1, upper = 0;
	enum err rc;

	if (buf == NULL || k == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = errno == ELOOP ? ERR_DENIED : ERR_IO;
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		rc = ERR_DENIED;
		goto out;
	}
	while (got < FILE_BYTES + 1) {
		ssize_t r = read(fd, buf + got, FILE_BYTES + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ERR_IO;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got != FILE_BYTES || buf[FILE_BYTES - 1] != '\n') {
		rc = ERR_INVAL;
		goto out;
	}
	for (i = 0; i < 2 * VAULT_KEYBYTES; i++)
		upper |= buf[i] >= 'A' && buf[i] <= 'F';
	if (upper ||
	    sodium_hex2bin(k, VAULT_KEYBYTES, (const char *)buf, 2 * VAULT_KEYBYTES, NULL, &bin_len,
	                   &end) != 0 ||
	    bin_len != VAULT_KEYBYTES || end != (const char *)buf + 2 * VAULT_KEYBYTES) {
		rc = ERR_INVAL;
		goto out;
	}
	memcpy(key, k, VAULT_KEYBYTES);
	rc = ERR_OK;
out:
	if (fd >= 0)
		close(fd);
	if (buf != NULL)
		sodium_free(buf);
	if (k != NULL)
		sodium_free(k);
	return rc;
}

/* ---- subkeys and data keys --------------------------------------------- */

enum err vault_subkey(const struct vault *v, enum vault_purpose purpose, struct vault_key *out)
{
	const unsigned char *from = v->root;

	if (purpose < VAULT_SUB_BACKUP || purpose > VAULT_SUB_AUDIT)
		return ERR_INVAL;
	/* The backup key follows the master key (a backup's header carries the
	 * master wraps); the rest must outlive rotation, so they follow root. */
	if (purpose == VAULT_SUB_BACKUP)
		from = v->key;
	else if (!v->has_root)
		return ERR_INVAL;
	if (crypto_kdf_derive_from_key(out->k, sizeof out->k, (uint64_t)purpose, KDF_CONTEXT,
	                               from) != 0)
		return ERR_INTERNAL;
	out->version = 0;
	out->owner = 0;
	return ERR_OK;
}

enum err vault_datakey_create(const struct vault *v, int64_t owner, uint32_t version,
                              struct vault_key *key, unsigned char wrapped[VAULT_WRAPPEDBYTES])
{
	struct ad a;

	/* The key is made in the caller's locked memory: a scratch key of our
	 * own would cost a guarded allocation (about 11 system calls) each. */
	ad_datakey(&a, owner, version, v->version);
	if (a.bad)
		return ERR_INTERNAL;
	crypto_aead_xchacha20poly1305_ietf_keygen(key->k);
	key->version = version;
	key->owner = owner;
	seal_raw(wrapped, key->k, VAULT_KEYBYTES, &a, v->key);
	return ERR_OK;
}

enum err vault_datakey_unwrap(const struct vault *v, int64_t owner, uint32_t version,
                              uint32_t master_version,
                              const unsigned char wrapped[VAULT_WRAPPEDBYTES],
                              struct vault_key *key)
{
	struct ad a;

	/* Wrapped under another master key: it cannot open here. */
	if (master_version != v->version)
		return ERR_CRYPTO;
	ad_datakey(&a, owner, version, master_version);
	if (a.bad)
		return ERR_INTERNAL;
	/* Opened straight into the caller's locked memory (no guarded scratch
	 * allocation per key); a failed open leaves it wiped. */
	if (open_raw(key->k, wrapped, VAULT_WRAPPEDBYTES, &a, v->key) != ERR_OK) {
		sodium_memzero(key, sizeof *key);
		return ERR_CRYPTO;
	}
	key->version = version;
	key->owner = owner;
	return ERR_OK;
}

enum err vault_datakey_rewrap(const struct vault *old, const struct vault *next, int64_t owner,
                              uint32_t version, const unsigned char in[VAULT_WRAPPEDBYTES],
                              unsigned char out[VAULT_WRAPPEDBYTES])
{
	struct vault_key *k = vault_key_new();
	unsigned char w[VAULT_WRAPPEDBYTES];
	struct ad a;
	enum err rc;

	if (k == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = vault_datakey_unwrap(old, owner, version, old->version, in, k);
	if (rc != ERR_OK)
		goto out;
	ad_datakey(&a, owner, version, next->version);
	if (a.bad) {
		rc = ERR_INTERNAL;
		goto out;
	}
	seal_raw(w, k->k, VAULT_KEYBYTES, &a, next->key);
	memcpy(out, w, sizeof w);
out:
	vault_key_free(k);
	return rc;
}

/* ---- fields ------------------------------------------------------------ */

enum err vault_seal(unsigned char *out, size_t out_len, const void *pt, size_t n,
                    const struct vault_ad *ad, const struct vault_key *key)
{
	struct ad a;
	size_t need;

	if (ad == NULL || (pt == NULL && n != 0))
		return ERR_INVAL;
	if (n > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    !mem_add_ok(n, VAULT_SEAL_OVERHEAD, &need))
		return ERR_TOOBIG;
	if (out_len < need)
		return ERR_INVAL;
	ad_field(&a, ad);
	if (a.bad)
		return ERR_INVAL;
	seal_raw(out, pt, n, &a, key->k);
	return ERR_OK;
}

enum err vault_open(unsigned char *out, size_t out_len, const unsigned char *ct, size_t ct_len,
                    const struct vault_ad *ad, const struct vault_key *key)
{
	struct ad a;
	enum err rc;

	if (ad == NULL || ct == NULL)
		return ERR_INVAL;
	if (ct_len < VAULT_SEAL_OVERHEAD)
		return ERR_CRYPTO;
	if (out_len < ct_len - VAULT_SEAL_OVERHEAD)
		return ERR_INVAL;
	ad_field(&a, ad);
	if (a.bad)
		return ERR_INVAL;
	rc = open_raw(out, ct, ct_len, &a, key->k);
	if (rc != ERR_OK)
		sodium_memzero(out, out_len);
	return rc;
}

/* ---- hashing and helpers ------------------------------------------------ */

void vault_blind_index(unsigned char out[VAULT_INDEXBYTES], const struct vault_key *key,
                       const char *token, size_t n)
{
	crypto_generichash(out, VAULT_INDEXBYTES, (const unsigned char *)token, n, key->k,
	                   sizeof key->k);
}

void vault_mac(unsigned char out[32], const struct vault_key *key, const void *data, size_t n)
{
	crypto_generichash(out, 32, data, n, key->k, sizeof key->k);
}

void vault_hash(unsigned char out[32], const void *data, size_t n)
{
	crypto_generichash(out, 32, data, n, NULL, 0);
}

void vault_sha256(unsigned char out[32], const void *data, size_t n)
{
	crypto_hash_sha256(out, data, n);
}

void vault_random(void *out, size_t n)
{
	randombytes_buf(out, n);
}

int vault_memeq(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

/* ---- streams ----------------------------------------------------------- */

static struct vault_stream *stream_alloc(int pushing)
{
	struct vault_stream *s;

	if (!ready())
		return NULL;
	s = sodium_malloc(sizeof *s);
	if (s != NULL) {
		memset(s, 0, sizeof *s);
		s->pushing = pushing;
	}
	return s;
}

enum err vault_stream_push_new(const struct vault_key *key,
                               unsigned char header[VAULT_STREAM_HEADERBYTES],
                               struct vault_stream **out)
{
	struct vault_stream *s = stream_alloc(1);

	if (s == NULL)
		return ERR_NOMEM;
	if (crypto_secretstream_xchacha20poly1305_init_push(&s->st, header, key->k) != 0) {
		vault_stream_free(s);
		return ERR_INTERNAL;
	}
	*out = s;
	return ERR_OK;
}

enum err vault_stream_pull_new(const struct vault_key *key,
                               const unsigned char header[VAULT_STREAM_HEADERBYTES],
                               struct vault_stream **out)
{
	struct vault_stream *s = stream_alloc(0);

	if (s == NULL)
		return ERR_NOMEM;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&s->st, header, key->k) != 0) {
		vault_stream_free(s);
		return ERR_CRYPTO;
	}
	*out = s;
	return ERR_OK;
}

enum err vault_stream_push(struct vault_stream *s, unsigned char *out, size_t out_len,
                           const void *m, size_t n, const void *ad, size_t ad_len, int final)
{
	unsigned char tag = final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
	                          : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
	size_t need;

	if (!s->pushing || s->finished || (m == NULL && n != 0) || (ad == NULL && ad_len != 0))
		return ERR_INVAL;
	if (n > crypto_secretstream_xchacha20poly1305_MESSAGEBYTES_MAX ||
	    !mem_add_ok(n, VAULT_STREAM_ABYTES, &need))
		return ERR_TOOBIG;
	if (out_len < need)
		return ERR_INVAL;
	if (crypto_secretstream_xchacha20poly1305_push(&s->st, out, NULL, m, n, ad, ad_len, tag) !=
	    0) {
		s->finished = 1;
		return ERR_INTERNAL;
	}
	if (final)
		s->finished = 1;
	return ERR_OK;
}

enum err vault_stream_pull(struct vault_stream *s, unsigned char *out, size_t out_len,
                           const unsigned char *c, size_t c_len, const void *ad, size_t ad_len,
                           int *final)
{
	unsigned char tag = 0;

	if (s->pushing || (ad == NULL && ad_len != 0) || c == NULL)
		return ERR_INVAL;
	if (s->finished || c_len < VAULT_STREAM_ABYTES)
		return ERR_CRYPTO;
	if (out_len < c_len - VAULT_STREAM_ABYTES)
		return ERR_INVAL;
	if (crypto_secretstream_xchacha20poly1305_pull(&s->st, out, NULL, &tag, c, c_len, ad,
	                                               ad_len) != 0)
		goto bad;
	/* We only ever write MESSAGE and FINAL; anything else is forged. */
	if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		s->finished = 1;
		*final = 1;
	} else if (tag == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
		*final = 0;
	} else {
		goto bad;
	}
	return ERR_OK;
bad:
	s->finished = 1;
	sodium_memzero(out, out_len);
	return ERR_CRYPTO;
}

void vault_stream_free(struct vault_stream *s)
{
	if (s != NULL)
		sodium_free(s);
}

/* ---- signatures -------------------------------------------------------- */

_Static_assert(VAULT_SIGN_PUBLICBYTES == crypto_sign_PUBLICKEYBYTES &&
                       VAULT_SIGNBYTES == crypto_sign_BYTES &&
                       VAULT_SIGN_SEEDBYTES == crypto_sign_SEEDBYTES,
               "vault.h signature sizes must match libsodium");

struct vault_sign_key {
	unsigned char seed[crypto_sign_SEEDBYTES];    /* the secret the pair derives from */
	unsigned char sk[crypto_sign_SECRETKEYBYTES]; /* libsodium's secret key (seed || pk) */
	unsigned char pk[crypto_sign_PUBLICKEYBYTES]; /* the public key */
};

static struct vault_sign_key *sign_key_alloc(void)
{
	struct vault_sign_key *k;

	if (!ready())
		return NULL;
	k = sodium_malloc(sizeof *k);
	if (k != NULL)
		memset(k, 0, sizeof *k);
	return k;
}

enum err vault_sign_keypair_new(struct vault_sign_key **out)
{
	struct vault_sign_key *k = sign_key_alloc();

	if (k == NULL)
		return ERR_NOMEM;
	randombytes_buf(k->seed, sizeof k->seed);
	if (crypto_sign_seed_keypair(k->pk, k->sk, k->seed) != 0) {
		sodium_free(k);
		return ERR_INTERNAL;
	}
	*out = k;
	return ERR_OK;
}

void vault_sign_key_free(struct vault_sign_key *k)
{
	if (k != NULL)
		sodium_free(k);
}

void vault_sign_key_public(const struct vault_sign_key *k, unsigned char pk[VAULT_SIGN_PUBLICBYTES])
{
	memcpy(pk, k->pk, VAULT_SIGN_PUBLICBYTES);
}

enum err vault_sign_key_seal(unsigned char out[VAULT_SIGN_SEALEDBYTES],
                             const struct vault_sign_key *k, const struct vault_ad *ad,
                             const struct vault_key *key)
{
	return vault_seal(out, VAULT_SIGN_SEALEDBYTES, k->seed, sizeof k->seed, ad, key);
}

enum err vault_sign_key_open(const unsigned char *ct, size_t ct_len, const struct vault_ad *ad,
                             const struct vault_key *key, struct vault_sign_key **out)
{
	struct vault_sign_key *k;
	enum err rc;

	if (ct_len != VAULT_SIGN_SEALEDBYTES)
		return ERR_CRYPTO;
	k = sign_key_alloc();
	if (k == NULL)
		return ERR_NOMEM;
	/* Open straight into locked memory: the seed never touches the stack. */
	rc = vault_open(k->seed, sizeof k->seed, ct, ct_len, ad, key);
	if (rc == ERR_OK && crypto_sign_seed_keypair(k->pk, k->sk, k->seed) != 0)
		rc = ERR_INTERNAL;
	if (rc != ERR_OK) {
		sodium_free(k);
		return rc;
	}
	*out = k;
	return ERR_OK;
}

void vault_sign(unsigned char sig[VAULT_SIGNBYTES], const struct vault_sign_key *k, const void *m,
                size_t n)
{
	crypto_sign_detached(sig, NULL, m, n, k->sk);
}

enum err vault_sign_verify(const unsigned char sig[VAULT_SIGNBYTES],
                           const unsigned char pk[VAULT_SIGN_PUBLICBYTES], const void *m, size_t n)
{
	if (crypto_sign_verify_detached(sig, m, n, pk) != 0)
		return ERR_CRYPTO;
	return ERR_OK;
}
