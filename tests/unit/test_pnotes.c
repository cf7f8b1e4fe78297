/* test_pnotes.c - psychotherapy notes need their author's secret: with the
 * whole database and every key the vault holds (master, root, subkeys,
 * client data keys) a note still does not open; the author's password (or
 * a recovery code) and the right note row do. Shares open only for their
 * supervisor and their note; author keys held for sessions expire with
 * them. Mirrors src/vault/author.c, src/store/store_pnotes.c and
 * src/auth/session_keys.c. */
#include "unit_store.h"

#include <sqlite3.h>

#include "auth/auth.h"
#include "auth/session_keys.h"
#include "store/pnotes.h"
#include "store/store.h"
#include "vault/author.h"

static const char secret_text[] = "PNOTE-PLAINTEXT the dream about the lighthouse";
static const char password[] = "correct horse battery staple";

struct fx {
	char path[300];             /* database file */
	struct store *s;            /* open connection */
	struct vault *v;            /* master (and root) key */
	struct client c;            /* the client */
	int64_t author, sup, other; /* user row ids */
	struct vault_key *ak;       /* the author's key */
	struct vault_key *sak;      /* the supervisor's key */
};

static int64_t make_user(struct fx *f, const char *email, const char *role)
{
	struct user u;

	memset(&u, 0, sizeof u);
	u.email = (char *)(uintptr_t)email;
	u.display_name = (char *)(uintptr_t) "Someone";
	u.role = (char *)(uintptr_t)role;
	assert_int_equal(store_user_create(f->s, &u, NULL, 0, 1000), ERR_OK);
	return u.id;
}

/* author_row - a key row for user with ak wrapped under pw, as sign-in
 * makes it. */
static void author_row(struct fx *f, int64_t user, const struct vault_key *ak, const char *pw)
{
	struct vault_key *kek = vault_key_new();
	struct author_key_row r;

	assert_non_null(kek);
	memset(&r, 0, sizeof r);
	r.user_id = user;
	vault_random(r.salt, sizeof r.salt);
	r.opslimit = VAULT_AUTHOR_OPSLIMIT;
	r.memlimit = VAULT_AUTHOR_MEMLIMIT;
	assert_int_equal(
	        vault_author_kek_password(kek, pw, strlen(pw), r.salt, r.opslimit, r.memlimit),
	        ERR_OK);
	assert_int_equal(vault_author_wrap(r.pw_wrap, ak, kek, user, VAULT_AUTHOR_PASSWORD),
	                 ERR_OK);
	assert_int_equal(vault_author_box_new(r.box_public, r.box_sealed, ak, user), ERR_OK);
	assert_int_equal(store_author_key_put(f->s, &r, 1, 1000), ERR_OK);
	assert_int_equal(store_author_key_put(f->s, &r, 1, 1000), ERR_CONFLICT);
	vault_key_free(kek);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	unit_store_new("t.db", f->path, sizeof f->path, &f->s);
	assert_int_equal(vault_new(1, &f->v), ERR_OK);
	f->ak = vault_key_new();
	f->sak = vault_key_new();
	assert_non_null(f->ak);
	assert_non_null(f->sak);
	vault_author_key_new(f->ak);
	vault_author_key_new(f->sak);
	assert_int_equal(store_begin(f->s), ERR_OK);
	f->c.status = CLIENT_ACTIVE;
	f->c.legal_name = strdup("Pat Example");
	assert_int_equal(store_client_create(f->s, f->v, &f->c, 1000), ERR_OK);
	f->author = make_user(f, "author@example.org", "clinician");
	f->sup = make_user(f, "sup@example.org", "supervisor");
	f->other = make_user(f, "other@example.org", "supervisor");
	author_row(f, f->author, f->ak, password);
	author_row(f, f->sup, f->sak, "the supervisor's own password");
	assert_int_equal(store_commit(f->s), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	client_cleanup(&f->c);
	vault_key_free(f->ak);
	vault_key_free(f->sak);
	store_close(f->s);
	vault_free(f->v);
	free(f);
	return 0;
}

/* write_note - a note with text by the author; its row (clear columns). */
static void write_note(struct fx *f, const char *text, struct pnote *out)
{
	struct pnote n;

	memset(&n, 0, sizeof n);
	n.client_id = f->c.id;
	n.author_id = f->author;
	n.body = strdup(text);
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(store_pnote_create(f->s, f->v, f->ak, &n, 2000), ERR_OK);
	assert_int_equal(store_commit(f->s), ERR_OK);
	assert_int_equal(store_pnote_get(f->s, n.public_id, out), ERR_OK);
	pnote_cleanup(&n);
}

/* has_in - does file path (if it exists) hold needle? */
static int has_in(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;
	int hit;

	if (fp == NULL)
		return 0;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	hit = memmem(buf, (size_t)n, needle, strlen(needle)) != NULL;
	free(buf);
	return hit;
}

/* file_has - does the database or its WAL hold needle? */
static int file_has(struct fx *f, const char *needle)
{
	char wal[320];

	snprintf(wal, sizeof wal, "%s-wal", f->path);
	return has_in(f->path, needle) || has_in(wal, needle);
}

/* sql - run statements on a second connection, as someone holding the
 * file would. */
static void sql(struct fx *f, const char *text)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* client_key - the client's data key, unwrapped with the master key from
 * the database, as the owner with the passphrase could. */
static void client_key(struct fx *f, struct vault_key *out)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT master_version, wrapped FROM client_keys WHERE "
	                                    "client_id = ?1 AND key_version = 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, f->c.id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 1), VAULT_WRAPPEDBYTES);
	assert_int_equal(vault_datakey_unwrap(f->v, f->c.id, 1,
	                                      (uint32_t)sqlite3_column_int64(st, 0),
	                                      sqlite3_column_blob(st, 1), out),
	                 ERR_OK);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void author_opens_own_note(void **state)
{
	struct fx *f = *state;
	struct pnote n;

	write_note(f, secret_text, &n);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->author, f->ak), ERR_OK);
	assert_string_equal(n.body, secret_text);
	pnote_cleanup(&n);
}

/* The database, the master key, the root key and every subkey and client
 * data key they give, without the author's password: nothing opens. */
static void vault_and_database_are_not_enough(void **state)
{
	struct fx *f = *state;
	static const enum vault_purpose subs[] = {VAULT_SUB_BACKUP, VAULT_SUB_SEARCH,
	                                          VAULT_SUB_SECRETS, VAULT_SUB_AUDIT};
	struct vault_key *guess = vault_key_new(), *kek = vault_key_new();
	struct author_key_row r;
	struct pnote n;
	unsigned i;

	assert_non_null(guess);
	assert_non_null(kek);
	write_note(f, secret_text, &n);
	assert_true(file_has(f, "Pat Example") == 0); /* the client's name is sealed too */
	assert_false(file_has(f, "PNOTE-PLAINTEXT"));
	assert_false(file_has(f, "lighthouse"));
	/* every key the vault holds or derives, tried as the author key */
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		assert_int_equal(vault_subkey(f->v, subs[i], guess), ERR_OK);
		assert_int_equal(store_pnote_open(f->s, f->v, &n, f->author, guess), ERR_CRYPTO);
		assert_null(n.body);
	}
	client_key(f, guess);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->author, guess), ERR_CRYPTO);
	memset(guess->k, 0, sizeof guess->k);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->author, guess), ERR_CRYPTO);
	vault_author_key_new(guess);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->author, guess), ERR_CRYPTO);
	assert_null(n.body);
	/* the stored wrap of the author key: wrong password, and the master key
	 * itself used as the key-encryption key, both refused */
	assert_int_equal(store_author_key_get(f->s, f->author, &r), ERR_OK);
	assert_int_equal(vault_author_kek_password(kek, "not the password", 16, r.salt, r.opslimit,
	                                           r.memlimit),
	                 ERR_OK);
	assert_int_equal(
	        vault_author_unwrap(guess, r.pw_wrap, kek, f->author, VAULT_AUTHOR_PASSWORD),
	        ERR_CRYPTO);
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_SECRETS, kek), ERR_OK);
	assert_int_equal(
	        vault_author_unwrap(guess, r.pw_wrap, kek, f->author, VAULT_AUTHOR_PASSWORD),
	        ERR_CRYPTO);
	/* control: the author's password opens it all */
	assert_int_equal(vault_author_kek_password(kek, password, strlen(password), r.salt,
	                                           r.opslimit, r.memlimit),
	                 ERR_OK);
	assert_int_equal(
	        vault_author_unwrap(guess, r.pw_wrap, kek, f->author, VAULT_AUTHOR_PASSWORD),
	        ERR_OK);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->author, guess), ERR_OK);
	assert_string_equal(n.body, secret_text);
	pnote_cleanup(&n);
	vault_key_free(guess);
	vault_key_free(kek);
}

/* Ciphertext moved to another note's row does not open there. */
static void moved_ciphertext_fails(void **state)
{
	struct fx *f = *state;
	struct pnote n1, n2;
	char text[512];

	write_note(f, "first note", &n1);
	write_note(f, "second note", &n2);
	snprintf(
	        text, sizeof text,
	        "UPDATE psychotherapy_notes SET nk_wrap = (SELECT nk_wrap FROM psychotherapy_notes "
	        "WHERE id = %lld), body_sealed = (SELECT body_sealed FROM psychotherapy_notes "
	        "WHERE id = %lld) WHERE id = %lld",
	        (long long)n1.id, (long long)n1.id, (long long)n2.id);
	sql(f, text);
	assert_int_equal(store_pnote_open(f->s, f->v, &n2, f->author, f->ak), ERR_CRYPTO);
	assert_null(n2.body);
	assert_int_equal(store_pnote_open(f->s, f->v, &n1, f->author, f->ak), ERR_OK);
	pnote_cleanup(&n1);
	pnote_cleanup(&n2);
}

/* A share opens for its supervisor only, and only on its own note. */
static void shares(void **state)
{
	struct fx *f = *state;
	struct pnote n, m;
	char text[256];
	int no_key = 1;

	write_note(f, secret_text, &n);
	write_note(f, "another", &m);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->sup, f->sak), ERR_NOTFOUND);
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(store_pnote_share_add(f->s, f->v, f->ak, &n, f->sup, 3000, &no_key),
	                 ERR_OK);
	assert_int_equal(no_key, 0);
	assert_int_equal(store_pnote_share_add(f->s, f->v, f->ak, &n, f->other, 3000, &no_key),
	                 ERR_CONFLICT);
	assert_int_equal(no_key, 1); /* never signed in: no key pair */
	assert_int_equal(store_commit(f->s), ERR_OK);
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->sup, f->sak), ERR_OK);
	assert_string_equal(n.body, secret_text);
	/* the supervisor's share needs the supervisor's own key */
	assert_int_equal(store_pnote_open(f->s, f->v, &n, f->sup, f->ak), ERR_CRYPTO);
	/* moved onto another note, the share does not open it */
	snprintf(text, sizeof text,
	         "UPDATE psychotherapy_note_shares SET note_id = %lld WHERE note_id = %lld",
	         (long long)m.id, (long long)n.id);
	sql(f, text);
	assert_int_equal(store_pnote_open(f->s, f->v, &m, f->sup, f->sak), ERR_CRYPTO);
	assert_null(m.body);
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(store_pnote_share_delete(f->s, m.id, f->sup), ERR_OK);
	assert_int_equal(store_pnote_share_delete(f->s, m.id, f->sup), ERR_NOTFOUND);
	assert_int_equal(store_commit(f->s), ERR_OK);
	assert_int_equal(store_pnote_open(f->s, f->v, &m, f->sup, f->sak), ERR_NOTFOUND);
	pnote_cleanup(&n);
	pnote_cleanup(&m);
}

/* The note key's wrap needs the author key and the client key both. */
static void both_keys_needed(void **state)
{
	struct fx *f = *state;
	struct vault_key *nk = vault_key_new(), *ck = vault_key_new(), *other = vault_key_new(),
	                 *got = vault_key_new();
	unsigned char wrap[VAULT_WRAPPEDBYTES];

	assert_non_null(nk);
	assert_non_null(ck);
	assert_non_null(other);
	assert_non_null(got);
	vault_author_key_new(nk);
	vault_author_key_new(ck);
	vault_author_key_new(other);
	ck->version = other->version = 1;
	assert_int_equal(vault_pnote_key_wrap(wrap, nk, f->ak, ck, 5), ERR_OK);
	assert_int_equal(vault_pnote_key_unwrap(got, wrap, f->ak, ck, 5), ERR_OK);
	assert_memory_equal(got->k, nk->k, sizeof nk->k);
	assert_int_equal(vault_pnote_key_unwrap(got, wrap, f->ak, other, 5), ERR_CRYPTO);
	assert_int_equal(vault_pnote_key_unwrap(got, wrap, other, ck, 5), ERR_CRYPTO);
	assert_int_equal(vault_pnote_key_unwrap(got, wrap, f->ak, ck, 6), ERR_CRYPTO);
	vault_key_free(nk);
	vault_key_free(ck);
	vault_key_free(other);
	vault_key_free(got);
}

/* A recovery code's key is not its stored hash, and is bound to the user. */
static void recovery_codes(void **state)
{
	struct fx *f = *state;
	struct vault_key *kek = vault_key_new(), *got = vault_key_new();
	unsigned char wrap[VAULT_WRAPPEDBYTES], h[AUTH_HASH_BYTES];
	const char code[] = "abcd2345efgh";

	assert_non_null(kek);
	assert_non_null(got);
	vault_author_kek_code(kek, f->author, code, strlen(code));
	auth_token_hash(code, strlen(code), h);
	assert_int_not_equal(memcmp(kek->k, h, sizeof h), 0);
	assert_int_equal(vault_author_wrap(wrap, f->ak, kek, f->author, VAULT_AUTHOR_RECOVERY),
	                 ERR_OK);
	assert_int_equal(vault_author_unwrap(got, wrap, kek, f->author, VAULT_AUTHOR_RECOVERY),
	                 ERR_OK);
	assert_memory_equal(got->k, f->ak->k, sizeof got->k);
	/* as a password wrap, or for another user: refused */
	assert_int_equal(vault_author_unwrap(got, wrap, kek, f->author, VAULT_AUTHOR_PASSWORD),
	                 ERR_CRYPTO);
	assert_int_equal(vault_author_unwrap(got, wrap, kek, f->sup, VAULT_AUTHOR_RECOVERY),
	                 ERR_CRYPTO);
	vault_author_kek_code(kek, f->author, "abcd2345efgi", 12);
	assert_int_equal(vault_author_unwrap(got, wrap, kek, f->author, VAULT_AUTHOR_RECOVERY),
	                 ERR_CRYPTO);
	vault_key_free(kek);
	vault_key_free(got);
}

/* Author keys held for sessions: copies out, gone at logout, idle timeout,
 * absolute expiry and when the user's sessions end. */
static void session_keys(void **state)
{
	struct fx *f = *state;
	struct vault_key *k = vault_key_new();
	const char *s1 = "11111111111111111111111111111111";
	const char *s2 = "22222222222222222222222222222222";
	const char *s3 = "33333333333333333333333333333333";

	assert_non_null(k);
	assert_int_equal(auth_session_key_put(s1, 7, 10000, 100, f->ak), ERR_OK);
	assert_int_equal(auth_session_key_put(s2, 8, 10000, 100, f->sak), ERR_OK);
	assert_int_equal(auth_session_key_put(s3, 7, 10000, 100, f->ak), ERR_OK);
	assert_int_equal(auth_session_key_put("short", 7, 10000, 100, f->ak), ERR_INVAL);
	assert_int_equal(auth_session_key_count(), 3);
	assert_int_equal(auth_session_key_get(s1, 7, 200, k), ERR_OK);
	assert_memory_equal(k->k, f->ak->k, sizeof k->k);
	assert_int_equal(auth_session_key_get(s1, 8, 200, k), ERR_NOTFOUND); /* another user */
	auth_session_key_drop(s1);
	assert_int_equal(auth_session_key_get(s1, 7, 200, k), ERR_NOTFOUND);
	/* s2 is used at 500; s3 is not, and idles out (idle 900) */
	auth_session_key_touch(s2, 500, 900);
	auth_session_key_touch(s2, 1100, 900);
	assert_int_equal(auth_session_key_get(s3, 7, 1100, k), ERR_NOTFOUND);
	assert_int_equal(auth_session_key_get(s2, 8, 1100, k), ERR_OK);
	/* absolute expiry */
	assert_int_equal(auth_session_key_get(s2, 8, 10000, k), ERR_NOTFOUND);
	assert_int_equal(auth_session_key_count(), 0);
	assert_int_equal(auth_session_key_put(s1, 9, 10000, 100, f->ak), ERR_OK);
	assert_int_equal(auth_session_key_put(s2, 9, 10000, 100, f->ak), ERR_OK);
	auth_session_key_drop_user(9);
	assert_int_equal(auth_session_key_count(), 0);
	vault_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(author_opens_own_note, setup, teardown),
	        cmocka_unit_test_setup_teardown(vault_and_database_are_not_enough, setup, teardown),
	        cmocka_unit_test_setup_teardown(moved_ciphertext_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(shares, setup, teardown),
	        cmocka_unit_test_setup_teardown(both_keys_needed, setup, teardown),
	        cmocka_unit_test_setup_teardown(recovery_codes, setup, teardown),
	        cmocka_unit_test_setup_teardown(session_keys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
