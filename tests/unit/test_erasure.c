/* test_erasure.c - the erasure ledger file detects any edit, another
 * practice's key, a torn line; the shredder refuses a schema with client
 * data it does not know, and shreds a client's key and rows. */
#include "unit.h"

#include <sqlite3.h>

#include "domain/ledger.h"
#include "store/erasure.h"
#include "store/store.h"

struct fx {
	char dir[256];   /* private temporary directory */
	char path[300];  /* the ledger file */
	char db[300];    /* database file */
	struct vault *v; /* master key (with its root) */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *dir = unit_tmpdir();

	assert_non_null(f);
	assert_non_null(dir);
	snprintf(f->dir, sizeof f->dir, "%s", dir);
	snprintf(f->path, sizeof f->path, "%s/erasure-ledger", dir);
	snprintf(f->db, sizeof f->db, "%s/t.db", dir);
	assert_int_equal(vault_lib_init(), ERR_OK);
	assert_int_equal(vault_new(1, &f->v), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vault_free(f->v);
	free(f);
	return 0;
}

static void entry(struct ledger_entry *le, int64_t id, char c)
{
	memset(le, 0, sizeof *le);
	memset(le->client_public_id, c, 32);
	memset(le->request_public_id, 'f', 32);
	le->client_id = id;
	le->erased_at = 1900000000 + id;
	snprintf(le->key_ids, sizeof le->key_ids, "1:%032d", (int)id);
}

static int64_t seen[8];
static size_t nseen;

static enum err count(void *arg, const struct ledger_entry *le)
{
	(void)arg;
	if (nseen < 8)
		seen[nseen] = le->client_id;
	nseen++;
	return ERR_OK;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 65536);

	assert_non_null(fp);
	*n = fread(buf, 1, 65535, fp);
	fclose(fp);
	return buf;
}

static void spit(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static void ledger_roundtrip_and_tamper(void **state)
{
	struct fx *f = *state;
	struct ledger_entry le;
	struct vault *other = NULL;
	char *orig, *copy, *second;
	size_t n;

	assert_int_equal(ledger_read(f->v, f->path, count, NULL), ERR_NOTFOUND);
	for (int i = 1; i <= 3; i++) {
		entry(&le, i, (char)('a' + i));
		assert_int_equal(ledger_append(f->v, f->path, &le), ERR_OK);
	}
	nseen = 0;
	assert_int_equal(ledger_read(f->v, f->path, count, NULL), ERR_OK);
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[2], 3);

	orig = slurp(f->path, &n);
	copy = malloc(n);
	/* A changed id in the middle line. */
	memcpy(copy, orig, n);
	second = strchr(strchr(copy, '\n') + 1, '\n') + 1;
	second[0] = second[0] == 'c' ? 'd' : 'c';
	spit(f->path, copy, n);
	assert_int_equal(ledger_read(f->v, f->path, count, NULL), ERR_CRYPTO);
	/* The middle line removed. */
	{
		char *l2 = strchr(strchr(orig, '\n') + 1, '\n') + 1;
		char *l3 = strchr(l2, '\n') + 1;
		size_t head = (size_t)(l2 - orig);

		memcpy(copy, orig, head);
		memcpy(copy + head, l3, n - (size_t)(l3 - orig));
		spit(f->path, copy, head + n - (size_t)(l3 - orig));
		assert_int_equal(ledger_read(f->v, f->path, count, NULL), ERR_CRYPTO);
	}
	/* A torn last line. */
	spit(f->path, orig, n - 5);
	assert_int_equal(ledger_read(f->v, f->path, count, NULL), ERR_CRYPTO);
	assert_int_equal(ledger_append(f->v, f->path, &le), ERR_CRYPTO);
	/* Intact again, but read with another practice's key. */
	spit(f->path, orig, n);
	assert_int_equal(ledger_read(f->v, f->path, count, NULL), ERR_OK);
	assert_int_equal(vault_new(1, &other), ERR_OK);
	assert_int_equal(ledger_read(other, f->path, count, NULL), ERR_CRYPTO);
	vault_free(other);
	free(orig);
	free(copy);
}

static void exec_sql(const char *db, const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void shred_and_coverage(void **state)
{
	struct fx *f = *state;
	struct store *s = NULL;
	struct client c, got;
	char keys[ERASURE_KEY_IDS_MAX], unknown[64] = "";
	int64_t rows = 0;

	assert_int_equal(store_open(f->db, STORE_CREATE | STORE_MIGRATE, &s), ERR_OK);
	assert_int_equal(store_meta_set(s, "master_version", "1"), ERR_OK);
	assert_int_equal(store_shred_coverage(s, unknown), ERR_OK);
	memset(&c, 0, sizeof c);
	c.status = CLIENT_ACTIVE;
	c.legal_name = strdup("Shred Me");
	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(store_client_create(s, f->v, &c, 1000), ERR_OK);
	assert_int_equal(store_commit(s), ERR_OK);

	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(store_client_shred(s, c.id, 2000, keys, &rows), ERR_OK);
	assert_int_equal(store_commit(s), ERR_OK);
	assert_true(rows >= 3); /* key, search tokens, the client row */
	assert_int_equal(strncmp(keys, "1:", 2), 0);
	assert_int_equal(store_client_get(s, f->v, c.public_id, &got), ERR_NOTFOUND);
	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(store_client_shred(s, c.id, 2000, keys, &rows), ERR_NOTFOUND);
	store_rollback(s);
	store_close(s);

	/* A restored database that never had a client: new ids still pass the
	 * erased ones. */
	{
		char db2[320];
		struct client d;

		snprintf(db2, sizeof db2, "%s/fresh.db", f->dir);
		assert_int_equal(store_open(db2, STORE_CREATE | STORE_MIGRATE, &s), ERR_OK);
		assert_int_equal(store_meta_set(s, "master_version", "1"), ERR_OK);
		assert_int_equal(store_begin(s), ERR_OK);
		assert_int_equal(store_clients_sequence_floor(s, 41), ERR_OK);
		assert_int_equal(store_commit(s), ERR_OK);
		memset(&d, 0, sizeof d);
		d.status = CLIENT_ACTIVE;
		d.legal_name = strdup("After");
		assert_int_equal(store_begin(s), ERR_OK);
		assert_int_equal(store_client_create(s, f->v, &d, 1000), ERR_OK);
		assert_int_equal(store_commit(s), ERR_OK);
		assert_int_equal(d.id, 42);
		client_cleanup(&d);
		store_close(s);
	}

	/* A table of client data the shredder does not know: refused. */
	exec_sql(f->db, "CREATE TABLE session_recordings (id INTEGER PRIMARY KEY, "
	                "note_id INTEGER REFERENCES notes(id))");
	assert_int_equal(store_open(f->db, STORE_MIGRATE, &s), ERR_OK);
	assert_int_equal(store_shred_coverage(s, unknown), ERR_INTERNAL);
	assert_string_equal(unknown, "session_recordings");
	store_close(s);
	client_cleanup(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(ledger_roundtrip_and_tamper, setup, teardown),
	        cmocka_unit_test_setup_teardown(shred_and_coverage, setup, teardown),
	};
	return cmocka_run_group_tests_name("erasure", tests, NULL, NULL);
}
