/* test_vault.c - sealed fields open only where they were sealed, wraps open
 * only with the right secret and owner, key files are private, and derived
 * keys are deterministic and independent. */
#include "unit.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "vault/vault.h"

/* Fixture: a master key, a data key for client 7 and a sealed value. */
struct fix {
	struct vault *v;                           /* master key, version 1 */
	struct vault_key *dk;                      /* data key of client 7, version 1 */
	unsigned char wrapped[VAULT_WRAPPEDBYTES]; /* dk wrapped under v */
};

static const char PT[] = "Jane Q. Example";

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);

	if (f == NULL || vault_lib_init() != ERR_OK || vault_new(1, &f->v) != ERR_OK)
		return -1;
	f->dk = vault_key_new();
	if (f->dk == NULL || vault_datakey_create(f->v, 7, 1, f->dk, f->wrapped) != ERR_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vault_key_free(f->dk);
	vault_free(f->v);
	free(f);
	return 0;
}

static void seal_open_round_trip(void **state)
{
	struct fix *f = *state;
	struct vault_ad ad = {"clients", "legal_name", 42, 1};
	unsigned char ct[sizeof PT + VAULT_SEAL_OVERHEAD], pt[sizeof PT];
	unsigned char ct2[sizeof ct];

	assert_int_equal(vault_seal(ct, sizeof ct, PT, sizeof PT, &ad, f->dk), ERR_OK);
	assert_int_equal(ct[0], 1);
	assert_int_equal(vault_open(pt, sizeof pt, ct, sizeof ct, &ad, f->dk), ERR_OK);
	assert_memory_equal(pt, PT, sizeof PT);
	/* A fresh nonce every time. */
	assert_int_equal(vault_seal(ct2, sizeof ct2, PT, sizeof PT, &ad, f->dk), ERR_OK);
	assert_memory_not_equal(ct, ct2, sizeof ct);
	/* Empty values seal too. */
	assert_int_equal(vault_seal(ct, VAULT_SEAL_OVERHEAD, "", 0, &ad, f->dk), ERR_OK);
	assert_int_equal(vault_open(pt, 0, ct, VAULT_SEAL_OVERHEAD, &ad, f->dk), ERR_OK);
	/* Too-small buffers are refused. */
	assert_int_equal(vault_seal(ct, sizeof PT, PT, sizeof PT, &ad, f->dk), ERR_INVAL);
	assert_int_equal(vault_open(pt, 1, ct2, sizeof ct2, &ad, f->dk), ERR_INVAL);
	assert_int_equal(vault_open(pt, sizeof pt, ct2, VAULT_SEAL_OVERHEAD - 1, &ad, f->dk),
	                 ERR_CRYPTO);
}

static void open_elsewhere_fails(void **state)
{
	struct fix *f = *state;
	struct vault_ad ad = {"clients", "legal_name", 42, 1};
	struct vault_ad other[] = {
	        {"notes", "legal_name", 42, 1},
	        {"clients", "preferred_name", 42, 1},
	        {"clients", "legal_name", 43, 1},
	        {"clients", "legal_name", 42, 2},
	        /* Moving bytes between table and column must not collide. */
	        {"clientsl", "egal_name", 42, 1},
	};
	unsigned char ct[sizeof PT + VAULT_SEAL_OVERHEAD], pt[sizeof PT];
	size_t i;

	assert_int_equal(vault_seal(ct, sizeof ct, PT, sizeof PT, &ad, f->dk), ERR_OK);
	for (i = 0; i < sizeof other / sizeof other[0]; i++) {
		memset(pt, 'x', sizeof pt);
		assert_int_equal(vault_open(pt, sizeof pt, ct, sizeof ct, &other[i], f->dk),
		                 ERR_CRYPTO);
		/* out is wiped on failure. */
		assert_int_equal(pt[0], 0);
	}
}

static void flipped_byte_fails(void **state)
{
	struct fix *f = *state;
	struct vault_ad ad = {"clients", "legal_name", 42, 1};
	unsigned char ct[sizeof PT + VAULT_SEAL_OVERHEAD], pt[sizeof PT];
	size_t i;

	assert_int_equal(vault_seal(ct, sizeof ct, PT, sizeof PT, &ad, f->dk), ERR_OK);
	for (i = 0; i < sizeof ct; i++) {
		ct[i] ^= 0x01;
		assert_int_equal(vault_open(pt, sizeof pt, ct, sizeof ct, &ad, f->dk), ERR_CRYPTO);
		ct[i] ^= 0x01;
	}
	assert_int_equal(vault_open(pt, sizeof pt, ct, sizeof ct, &ad, f->dk), ERR_OK);
}

static void wrong_key_fails(void **state)
{
	struct fix *f = *state;
	struct vault_ad ad = {"clients", "legal_name", 42, 1};
	unsigned char ct[sizeof PT + VAULT_SEAL_OVERHEAD], pt[sizeof PT];
	unsigned char w2[VAULT_WRAPPEDBYTES];
	struct vault_key *other = vault_key_new();

	assert_non_null(other);
	assert_int_equal(vault_datakey_create(f->v, 7, 1, other, w2), ERR_OK);
	assert_int_equal(vault_seal(ct, sizeof ct, PT, sizeof PT, &ad, f->dk), ERR_OK);
	assert_int_equal(vault_open(pt, sizeof pt, ct, sizeof ct, &ad, other), ERR_CRYPTO);
	vault_key_free(other);
}

static void passphrase_wrap_unlock(void **state)
{
	struct fix *f = *state;
	static const char pass[] = "correct horse battery staple";
	struct vault_wrap w, t;
	struct vault *u = NULL;
	struct vault_key *a = vault_key_new(), *b = vault_key_new();

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(vault_wrap_passphrase(f->v, pass, strlen(pass), &w), ERR_OK);
	assert_int_equal(w.kind, VAULT_WRAP_PASSPHRASE);
	assert_int_equal(w.master_version, 1);
	assert_int_equal(w.opslimit, 3);
	assert_int_equal(w.memlimit, 64 * 1024 * 1024);
	assert_int_equal(vault_unlock(&w, "wrong", 5, &u), ERR_CRYPTO);
	assert_null(u);
	assert_int_equal(vault_unlock(&w, pass, strlen(pass) - 1, &u), ERR_CRYPTO);
	assert_null(u);
	/* An altered header fails even with the right passphrase. */
	t = w;
	t.master_version = 2;
	assert_int_equal(vault_unlock(&t, pass, strlen(pass), &u), ERR_CRYPTO);
	t = w;
	t.salt[0] ^= 1;
	assert_int_equal(vault_unlock(&t, pass, strlen(pass), &u), ERR_CRYPTO);
	t = w;
	t.memlimit = (uint64_t)1 << 40;
	assert_int_equal(vault_unlock(&t, pass, strlen(pass), &u), ERR_CRYPTO);
	t = w;
	t.kind = VAULT_WRAP_KEYFILE;
	assert_int_equal(vault_unlock(&t, pass, strlen(pass), &u), ERR_INVAL);
	assert_null(u);

	assert_int_equal(vault_unlock(&w, pass, strlen(pass), &u), ERR_OK);
	assert_non_null(u);
	assert_int_equal(vault_version(u), 1);
	/* Same master key: same backup subkey; root subkeys need the root. */
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_BACKUP, a), ERR_OK);
	assert_int_equal(vault_subkey(u, VAULT_SUB_BACKUP, b), ERR_OK);
	assert_true(vault_memeq(a->k, b->k, VAULT_KEYBYTES));
	assert_int_equal(vault_subkey(u, VAULT_SUB_AUDIT, b), ERR_INVAL);
	{
		struct vault_wrap rw;

		assert_int_equal(vault_root_wrap(f->v, &rw), ERR_OK);
		rw.blob[5] ^= 1;
		assert_int_equal(vault_root_load(u, &rw), ERR_CRYPTO);
		rw.blob[5] ^= 1;
		rw.master_version = 2;
		assert_int_equal(vault_root_load(u, &rw), ERR_INVAL);
		rw.master_version = 1;
		assert_int_equal(vault_root_load(u, &rw), ERR_OK);
	}
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_AUDIT, a), ERR_OK);
	assert_int_equal(vault_subkey(u, VAULT_SUB_AUDIT, b), ERR_OK);
	assert_true(vault_memeq(a->k, b->k, VAULT_KEYBYTES));
	vault_free(u);
	vault_key_free(a);
	vault_key_free(b);
}

static void keyfile_wrap_unlock(void **state)
{
	struct fix *f = *state;
	unsigned char key[VAULT_KEYBYTES];
	struct vault_wrap w;
	struct vault *u = NULL;
	struct vault_key *dk = vault_key_new();

	assert_non_null(dk);
	vault_random(key, sizeof key);
	assert_int_equal(vault_wrap_keyfile(f->v, key, &w), ERR_OK);
	assert_int_equal(w.kind, VAULT_WRAP_KEYFILE);
	assert_int_equal(vault_unlock(&w, key, sizeof key - 1, &u), ERR_INVAL);
	key[3] ^= 0x80;
	assert_int_equal(vault_unlock(&w, key, sizeof key, &u), ERR_CRYPTO);
	assert_null(u);
	key[3] ^= 0x80;
	assert_int_equal(vault_unlock(&w, key, sizeof key, &u), ERR_OK);
	/* The unlocked key unwraps data keys wrapped by the original. */
	assert_int_equal(vault_datakey_unwrap(u, 7, 1, 1, f->wrapped, dk), ERR_OK);
	assert_memory_equal(dk->k, f->dk->k, VAULT_KEYBYTES);
	vault_free(u);
	vault_key_free(dk);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void keyfile_create_read(void **state)
{
	const char *dir = unit_tmpdir();
	char path[512];
	unsigned char key[VAULT_KEYBYTES], back[VAULT_KEYBYTES], keep[VAULT_KEYBYTES];
	char text[80];
	struct stat st;
	FILE *fp;
	size_t i, n;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/master.key", dir);
	assert_int_equal(vault_keyfile_create(path, key), ERR_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof text, fp);
	fclose(fp);
	assert_int_equal(n, 65);
	assert_int_equal(text[64], '\n');
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", text[i]));
	assert_int_equal(vault_keyfile_read(path, back), ERR_OK);
	assert_memory_equal(key, back, sizeof key);

	/* Never overwrites; the key out-parameter is left alone. */
	memcpy(keep, key, sizeof key);
	assert_int_equal(vault_keyfile_create(path, key), ERR_CONFLICT);
	assert_memory_equal(key, keep, sizeof key);
	assert_int_equal(vault_keyfile_read(path, back), ERR_OK);
	assert_memory_equal(back, keep, sizeof key);

	/* Readable by others: refused. */
	assert_int_equal(chmod(path, 0644), 0);
	memset(back, 0, sizeof back);
	assert_int_equal(vault_keyfile_read(path, back), ERR_DENIED);
	assert_int_equal(back[0] | back[31], 0);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(vault_keyfile_read(path, back), ERR_DENIED);
	assert_int_equal(chmod(path, 0600), 0);

	/* Not a regular file: refused. */
	assert_int_equal(vault_keyfile_read(dir, back), ERR_DENIED);
	/* Missing: an I/O error. */
	snprintf(path, sizeof path, "%s/missing.key", dir);
	assert_int_equal(vault_keyfile_read(path, back), ERR_IO);

	/* Bad content: uppercase, short, long, no newline. */
	{
		static const char *const bad[] = {
		        "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n",
		        "0123456789abcdef\n",
		        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\n",
		        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefx",
		        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n",
		};

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			int fd;

			snprintf(path, sizeof path, "%s/bad%zu.key", dir, i);
			fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
			assert_true(fd >= 0);
			assert_int_equal(write(fd, bad[i], strlen(bad[i])),
			                 (ssize_t)strlen(bad[i]));
			close(fd);
			assert_int_equal(vault_keyfile_read(path, back), ERR_INVAL);
		}
	}
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void datakey_owner_bound(void **state)
{
	struct fix *f = *state;
	struct vault_key *k = vault_key_new();
	unsigned char w[VAULT_WRAPPEDBYTES];

	assert_non_null(k);
	assert_int_equal(vault_datakey_unwrap(f->v, 7, 1, 1, f->wrapped, k), ERR_OK);
	assert_memory_equal(k->k, f->dk->k, VAULT_KEYBYTES);
	assert_int_equal(k->owner, 7);
	assert_int_equal(k->version, 1);
	assert_int_equal(f->dk->owner, 7);
	memset(k, 0, sizeof *k);
	assert_int_equal(vault_datakey_unwrap(f->v, 8, 1, 1, f->wrapped, k), ERR_CRYPTO);
	assert_int_equal(vault_datakey_unwrap(f->v, 7, 2, 1, f->wrapped, k), ERR_CRYPTO);
	assert_int_equal(vault_datakey_unwrap(f->v, 7, 1, 2, f->wrapped, k), ERR_CRYPTO);
	memcpy(w, f->wrapped, sizeof w);
	w[sizeof w - 1] ^= 1;
	assert_int_equal(vault_datakey_unwrap(f->v, 7, 1, 1, w, k), ERR_CRYPTO);
	/* Out-parameter untouched on failure. */
	assert_int_equal(k->owner, 0);
	vault_key_free(k);
}

static void rotation(void **state)
{
	struct fix *f = *state;
	struct vault *next = NULL, *running = NULL;
	struct vault_wrap link, kw, pw;
	unsigned char rewrapped[VAULT_WRAPPEDBYTES], key[VAULT_KEYBYTES];
	struct vault_key *k = vault_key_new(), *a = vault_key_new(), *b = vault_key_new();

	assert_non_null(k);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(vault_new(2, &next), ERR_OK);
	assert_int_equal(vault_datakey_rewrap(f->v, next, 7, 1, f->wrapped, rewrapped), ERR_OK);
	/* The successor unwraps the rewrapped key... */
	assert_int_equal(vault_datakey_unwrap(next, 7, 1, 2, rewrapped, k), ERR_OK);
	assert_memory_equal(k->k, f->dk->k, VAULT_KEYBYTES);
	/* ...and the old master no longer does, whatever version it claims. */
	assert_int_equal(vault_datakey_unwrap(f->v, 7, 1, 1, rewrapped, k), ERR_CRYPTO);
	assert_int_equal(vault_datakey_unwrap(f->v, 7, 1, 2, rewrapped, k), ERR_CRYPTO);
	/* Rewrap for another owner fails. */
	assert_int_equal(vault_datakey_rewrap(f->v, next, 8, 1, f->wrapped, rewrapped), ERR_CRYPTO);

	/* Successor adopt: a server holding version 1 moves to version 2. */
	assert_int_equal(vault_wrap_successor(f->v, next, &link), ERR_OK);
	assert_int_equal(link.kind, VAULT_WRAP_SUCCESSOR);
	assert_int_equal(link.master_version, 2);
	assert_int_equal(vault_wrap_successor(next, f->v, &kw), ERR_INVAL);
	assert_int_equal(vault_unlock(&link, "x", 1, &running), ERR_INVAL);
	vault_random(key, sizeof key);
	assert_int_equal(vault_wrap_keyfile(f->v, key, &kw), ERR_OK);
	assert_int_equal(vault_unlock(&kw, key, sizeof key, &running), ERR_OK);
	assert_int_equal(vault_adopt(running, &kw), ERR_INVAL);
	pw = link;
	pw.blob[10] ^= 1;
	assert_int_equal(vault_adopt(running, &pw), ERR_CRYPTO);
	assert_int_equal(vault_version(running), 1);
	assert_int_equal(vault_adopt(running, &link), ERR_OK);
	assert_int_equal(vault_version(running), 2);
	/* The root key survives rotation: copied into next, kept on adopt. */
	vault_root_copy(running, f->v);
	vault_root_copy(next, f->v);
	assert_int_equal(vault_subkey(running, VAULT_SUB_SEARCH, a), ERR_OK);
	assert_int_equal(vault_subkey(next, VAULT_SUB_SEARCH, b), ERR_OK);
	assert_true(vault_memeq(a->k, b->k, VAULT_KEYBYTES));
	/* Adopting the same link again would be a rollback/no-op: refused. */
	assert_int_equal(vault_adopt(running, &link), ERR_CRYPTO);
	/* A link wrapped under another key does not adopt. */
	{
		struct vault *other = NULL, *third = NULL;

		assert_int_equal(vault_new(2, &other), ERR_OK);
		assert_int_equal(vault_new(3, &third), ERR_OK);
		assert_int_equal(vault_wrap_successor(other, third, &pw), ERR_OK);
		assert_int_equal(vault_adopt(running, &pw), ERR_CRYPTO);
		assert_int_equal(vault_version(running), 2);
		vault_free(other);
		vault_free(third);
	}
	vault_free(running);
	vault_free(next);
	vault_key_free(k);
	vault_key_free(a);
	vault_key_free(b);
}

static void subkeys(void **state)
{
	struct fix *f = *state;
	struct vault_key *k[4], *again = vault_key_new();
	struct vault *other = NULL;
	int i, j;

	assert_non_null(again);
	for (i = 0; i < 4; i++) {
		k[i] = vault_key_new();
		assert_non_null(k[i]);
		assert_int_equal(vault_subkey(f->v, (enum vault_purpose)(i + 1), k[i]), ERR_OK);
		assert_int_equal(k[i]->version, 0);
		assert_int_equal(k[i]->owner, 0);
	}
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			assert_false(vault_memeq(k[i]->k, k[j]->k, VAULT_KEYBYTES));
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_BACKUP, again), ERR_OK);
	assert_true(vault_memeq(again->k, k[0]->k, VAULT_KEYBYTES));
	assert_int_equal(vault_subkey(f->v, (enum vault_purpose)99, again), ERR_INVAL);
	assert_int_equal(vault_new(1, &other), ERR_OK);
	assert_int_equal(vault_subkey(other, VAULT_SUB_BACKUP, again), ERR_OK);
	assert_false(vault_memeq(again->k, k[0]->k, VAULT_KEYBYTES));
	vault_free(other);
	for (i = 0; i < 4; i++)
		vault_key_free(k[i]);
	vault_key_free(again);
}

static void blind_index(void **state)
{
	struct fix *f = *state;
	struct vault_key *s = vault_key_new(), *a = vault_key_new();
	unsigned char h1[VAULT_INDEXBYTES], h2[VAULT_INDEXBYTES], h3[VAULT_INDEXBYTES];

	assert_non_null(s);
	assert_non_null(a);
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_SEARCH, s), ERR_OK);
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_AUDIT, a), ERR_OK);
	vault_blind_index(h1, s, "jane", 4);
	vault_blind_index(h2, s, "jane", 4);
	assert_memory_equal(h1, h2, sizeof h1);
	vault_blind_index(h2, s, "jana", 4);
	assert_memory_not_equal(h1, h2, sizeof h1);
	vault_blind_index(h3, a, "jane", 4);
	assert_memory_not_equal(h1, h3, sizeof h1);
	vault_mac(h2, s, "jane", 4);
	assert_memory_equal(h1, h2, sizeof h1);
	vault_key_free(s);
	vault_key_free(a);
}

static void stream_round_trip(void **state)
{
	struct fix *f = *state;
	struct vault_stream *p = NULL, *q = NULL;
	unsigned char hdr[VAULT_STREAM_HEADERBYTES];
	unsigned char c1[3 + VAULT_STREAM_ABYTES], c2[2 + VAULT_STREAM_ABYTES], m[3];
	int fin = -1;

	assert_int_equal(vault_stream_push_new(f->dk, hdr, &p), ERR_OK);
	assert_int_equal(vault_stream_push(p, c1, sizeof c1, "abc", 3, "h", 1, 0), ERR_OK);
	assert_int_equal(vault_stream_push(p, c2, sizeof c2, "de", 2, NULL, 0, 1), ERR_OK);
	assert_int_equal(vault_stream_push(p, c2, sizeof c2, "de", 2, NULL, 0, 1), ERR_INVAL);
	/* Wrong associated data, then a dead stream. */
	assert_int_equal(vault_stream_pull_new(f->dk, hdr, &q), ERR_OK);
	assert_int_equal(vault_stream_pull(q, m, sizeof m, c1, sizeof c1, "x", 1, &fin),
	                 ERR_CRYPTO);
	assert_int_equal(vault_stream_pull(q, m, sizeof m, c1, sizeof c1, "h", 1, &fin),
	                 ERR_CRYPTO);
	vault_stream_free(q);
	/* Out of order. */
	assert_int_equal(vault_stream_pull_new(f->dk, hdr, &q), ERR_OK);
	assert_int_equal(vault_stream_pull(q, m, sizeof m, c2, sizeof c2, NULL, 0, &fin),
	                 ERR_CRYPTO);
	vault_stream_free(q);
	/* In order. */
	assert_int_equal(vault_stream_pull_new(f->dk, hdr, &q), ERR_OK);
	assert_int_equal(vault_stream_pull(q, m, sizeof m, c1, sizeof c1, "h", 1, &fin), ERR_OK);
	assert_int_equal(fin, 0);
	assert_memory_equal(m, "abc", 3);
	assert_int_equal(vault_stream_pull(q, m, sizeof m, c2, sizeof c2, NULL, 0, &fin), ERR_OK);
	assert_int_equal(fin, 1);
	assert_memory_equal(m, "de", 2);
	vault_stream_free(q);
	vault_stream_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(seal_open_round_trip, setup, teardown),
	        cmocka_unit_test_setup_teardown(open_elsewhere_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(flipped_byte_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(wrong_key_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(passphrase_wrap_unlock, setup, teardown),
	        cmocka_unit_test_setup_teardown(keyfile_wrap_unlock, setup, teardown),
	        cmocka_unit_test(keyfile_create_read),
	        cmocka_unit_test_setup_teardown(datakey_owner_bound, setup, teardown),
	        cmocka_unit_test_setup_teardown(rotation, setup, teardown),
	        cmocka_unit_test_setup_teardown(subkeys, setup, teardown),
	        cmocka_unit_test_setup_teardown(blind_index, setup, teardown),
	        cmocka_unit_test_setup_teardown(stream_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests_name("vault", tests, NULL, NULL);
}
