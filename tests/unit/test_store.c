/* test_store.c - the store seals what it stores, opens only what is intact,
 * finds clients by blind index, rotates keys without losing data, and the
 * audit chain catches an altered event. */
#include "unit_store.h"

#include <sqlite3.h>

#include "audit/audit.h"
#include "store/search.h"
#include "store/store.h"

struct fx {
	char path[300];  /* database file */
	struct store *s; /* open connection */
	struct vault *v; /* master key */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	unit_store_new("t.db", f->path, sizeof f->path, &f->s);
	assert_int_equal(vault_new(1, &f->v), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	vault_free(f->v);
	free(f);
	return 0;
}

static void make_client(struct fx *f, const char *name, const char *dob, struct client *c)
{
	memset(c, 0, sizeof *c);
	c->status = CLIENT_ACTIVE;
	c->legal_name = strdup(name);
	c->date_of_birth = dob ? strdup(dob) : NULL;
	c->email = strdup("someone@example.org");
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(store_client_create(f->s, f->v, c, 1000), ERR_OK);
	assert_int_equal(store_commit(f->s), ERR_OK);
}

static void create_get_roundtrip(void **state)
{
	struct fx *f = *state;
	struct client c, got;

	make_client(f, "Zoë Ñúñez-李", "1990-04-12", &c);
	assert_int_equal(strlen(c.public_id), 32);
	assert_int_equal(store_client_get(f->s, f->v, c.public_id, &got), ERR_OK);
	assert_string_equal(got.legal_name, "Zoë Ñúñez-李");
	assert_string_equal(got.date_of_birth, "1990-04-12");
	assert_null(got.phone);
	assert_int_equal(got.version, 1);
	client_cleanup(&got);
	assert_int_equal(store_client_get(f->s, f->v, "00000000000000000000000000000000", &got),
	                 ERR_NOTFOUND);
	client_cleanup(&c);
}

static void nothing_in_plaintext(void **state)
{
	struct fx *f = *state;
	struct client c;
	sqlite3 *db;
	sqlite3_stmt *st;
	int hits = 0;

	make_client(f, "Plaintextcanary Quux", NULL, &c);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(
	                db,
	                "SELECT count(*) FROM clients WHERE instr(CAST(legal_name_sealed AS TEXT), "
	                "'Plaintextcanary') > 0 OR instr(CAST(email_sealed AS TEXT), 'someone') > "
	                "0",
	                -1, &st, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	hits = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(hits, 0);
	client_cleanup(&c);
}

/* flip_byte - change one byte of a sealed column of the client with the
 * given row rank (1 = first) directly in the database file's rows. */
static void flip_byte(const char *path, const char *column, int64_t id, int at)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char q[200];
	unsigned char buf[1024];
	int n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(q, sizeof q, "SELECT %s FROM clients WHERE id = %lld", column, (long long)id);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_bytes(st, 0);
	assert_true(n > at && n <= (int)sizeof buf);
	memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	buf[at] ^= 0x01;
	snprintf(q, sizeof q, "UPDATE clients SET %s = ?1 WHERE id = %lld", column, (long long)id);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, buf, n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void moved_or_flipped_ciphertext_fails(void **state)
{
	struct fx *f = *state;
	struct client a, b, got;
	sqlite3 *db;
	char q[200];

	make_client(f, "Alice Able", NULL, &a);
	make_client(f, "Bob Baker", NULL, &b);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	/* Copy b's email into a's row: it must not open there. */
	snprintf(q, sizeof q,
	         "UPDATE clients SET email_sealed = (SELECT email_sealed "
	         "FROM clients WHERE id = %lld) WHERE id = %lld",
	         (long long)b.id, (long long)a.id);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* Flip one byte in the middle of b's sealed legal name. */
	flip_byte(f->path, "legal_name_sealed", b.id, 30);
	assert_int_equal(store_client_get(f->s, f->v, a.public_id, &got), ERR_CRYPTO);
	assert_int_equal(store_client_get(f->s, f->v, b.public_id, &got), ERR_CRYPTO);
	client_cleanup(&a);
	client_cleanup(&b);
}

static void search_by_prefix_words_and_date(void **state)
{
	struct fx *f = *state;
	struct client c1, c2, out[10];
	size_t n = 0, i;

	make_client(f, "Maria Santos", "1985-01-02", &c1);
	make_client(f, "Mario Santana", "1990-03-04", &c2);
	assert_int_equal(store_client_search(f->s, f->v, 0, "sant", 10, out, &n), ERR_OK);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		client_cleanup(&out[i]);
	assert_int_equal(store_client_search(f->s, f->v, 0, "MARIA sa", 10, out, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].legal_name, "Maria Santos");
	client_cleanup(&out[0]);
	assert_int_equal(store_client_search(f->s, f->v, 0, "1990-03-04", 10, out, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].legal_name, "Mario Santana");
	client_cleanup(&out[0]);
	assert_int_equal(store_client_search(f->s, f->v, 0, "mar 1990-03-04", 10, out, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].legal_name, "Mario Santana");
	client_cleanup(&out[0]);
	assert_int_equal(store_client_search(f->s, f->v, 0, "nobody", 10, out, &n), ERR_OK);
	assert_int_equal(n, 0);
	client_cleanup(&c1);
	client_cleanup(&c2);
}

static void update_checks_version(void **state)
{
	struct fx *f = *state;
	struct client c, got;

	make_client(f, "Old Name", NULL, &c);
	free(c.legal_name);
	c.legal_name = strdup("New Name");
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(store_client_update(f->s, f->v, &c, 2000), ERR_OK);
	assert_int_equal(store_commit(f->s), ERR_OK);
	assert_int_equal(c.version, 2);
	c.version = 1; /* stale */
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(store_client_update(f->s, f->v, &c, 3000), ERR_CONFLICT);
	store_rollback(f->s);
	assert_int_equal(store_client_get(f->s, f->v, c.public_id, &got), ERR_OK);
	assert_string_equal(got.legal_name, "New Name");
	assert_int_equal(got.version, 2);
	client_cleanup(&got);
	client_cleanup(&c);
}

static void rotation_keeps_data(void **state)
{
	struct fx *f = *state;
	struct client c, got, out[4];
	struct vault *next = NULL;
	struct vault_wrap w;
	uint64_t count = 0;
	size_t n = 0;
	unsigned char key[VAULT_KEYBYTES];

	make_client(f, "Rotating Rita", NULL, &c);
	assert_int_equal(vault_new(2, &next), ERR_OK);
	vault_root_copy(next, f->v);
	vault_random(key, sizeof key);
	assert_int_equal(vault_wrap_keyfile(next, key, &w), ERR_OK);
	assert_int_equal(store_keys_rotate(f->s, f->v, next, &w, 1, &count), ERR_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_client_get(f->s, next, c.public_id, &got), ERR_OK);
	assert_string_equal(got.legal_name, "Rotating Rita");
	client_cleanup(&got);
	/* The old master key no longer opens anything. */
	assert_int_not_equal(store_client_get(f->s, f->v, c.public_id, &got), ERR_OK);
	/* Search still works: its key survives rotation. */
	assert_int_equal(store_client_search(f->s, next, 0, "rita", 4, out, &n), ERR_OK);
	assert_int_equal(n, 1);
	client_cleanup(&out[0]);
	vault_free(next);
	client_cleanup(&c);
}

static void audit_chain_detects_change(void **state)
{
	struct fx *f = *state;
	struct audit_entry a = {.event = AUDIT_CLIENT_READ,
	                        .actor = "dev",
	                        .outcome = ERR_OK,
	                        .request_id = "r1",
	                        .detail = "",
	                        .at = 5};
	uint64_t count = 0;
	int64_t bad = 0;
	sqlite3 *db;
	int i;

	for (i = 0; i < 5; i++) {
		assert_int_equal(store_begin(f->s), ERR_OK);
		assert_int_equal(audit_emit(f->s, f->v, &a), ERR_OK);
		assert_int_equal(store_commit(f->s), ERR_OK);
	}
	assert_int_equal(audit_verify(f->s, f->v, &count, &bad), ERR_OK);
	assert_int_equal(count, 5);
	/* SQL refuses to change an event... */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(
	        sqlite3_exec(db, "UPDATE audit_events SET actor='x' WHERE seq=3", NULL, NULL, NULL),
	        SQLITE_OK);
	/* ...and someone who drops the trigger is caught by the chain. */
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TRIGGER audit_events_no_update; "
	                              "UPDATE audit_events SET actor='x' WHERE seq=3",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(audit_verify(f->s, f->v, &count, &bad), ERR_CRYPTO);
	assert_int_equal(bad, 3);
}

static void search_tokens_are_prefixes(void **state)
{
	struct search_tokens t;
	size_t i;
	int has_jo = 0, has_full = 0;

	(void)state;
	search_tokens_init(&t);
	assert_int_equal(search_tokens_index(&t, "Jo-Anne O'Neil", NULL, "2001-02-03"), ERR_OK);
	for (i = 0; i < t.n; i++) {
		if (strcmp(t.tok[i], "n:jo") == 0)
			has_jo = 1;
		if (strcmp(t.tok[i], "d:2001-02-03") == 0)
			has_full = 1;
	}
	assert_true(has_jo);
	assert_true(has_full);
	search_tokens_cleanup(&t);
	search_tokens_init(&t);
	assert_int_equal(search_tokens_query(&t, "a b c d e f g h i", 8), ERR_OK);
	assert_int_equal(t.n, 0); /* one-letter words are ignored */
	search_tokens_cleanup(&t);
	search_tokens_init(&t);
	assert_int_equal(search_tokens_query(&t, "aa bb cc dd ee ff gg hh ii", 8), ERR_INVAL);
	search_tokens_cleanup(&t);
}

static void migrations_are_idempotent(void **state)
{
	struct fx *f = *state;
	struct store *again = NULL;

	assert_int_equal(store_open(f->path, STORE_MIGRATE, &again), ERR_OK);
	assert_int_equal(store_schema_version(again), store_schema_version(f->s));
	store_close(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(create_get_roundtrip, setup, teardown),
	        cmocka_unit_test_setup_teardown(nothing_in_plaintext, setup, teardown),
	        cmocka_unit_test_setup_teardown(moved_or_flipped_ciphertext_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(search_by_prefix_words_and_date, setup, teardown),
	        cmocka_unit_test_setup_teardown(update_checks_version, setup, teardown),
	        cmocka_unit_test_setup_teardown(rotation_keeps_data, setup, teardown),
	        cmocka_unit_test_setup_teardown(audit_chain_detects_change, setup, teardown),
	        cmocka_unit_test(search_tokens_are_prefixes),
	        cmocka_unit_test_setup_teardown(migrations_are_idempotent, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
