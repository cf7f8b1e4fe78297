/* test_backup_image.c - the pinned database image `confidant backup`
 * streams (store_image_*): written to while it is read, with checkpoints
 * tried meanwhile, the image read is still the database as it was at the
 * pin: integrity_check passes on it and its rows are exactly the rows of
 * that moment, while the live database has moved on. */
#include "unit.h"

#include <sqlite3.h>

#include "store/store.h"

struct fx {
	char dir[256];   /* private directory */
	char path[300];  /* live database */
	char ref[300];   /* VACUUM INTO copy taken at the pin */
	char image[300]; /* the image as read */
	struct store *a; /* the backup's connection */
	sqlite3 *w;      /* another writer (the server) */
};

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static int64_t one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *dir = unit_tmpdir();

	assert_non_null(f);
	assert_non_null(dir);
	snprintf(f->dir, sizeof f->dir, "%s", dir);
	snprintf(f->path, sizeof f->path, "%s/live.db", dir);
	snprintf(f->ref, sizeof f->ref, "%s/ref.db", dir);
	snprintf(f->image, sizeof f->image, "%s/image.db", dir);
	assert_int_equal(vault_lib_init(), ERR_OK);
	assert_int_equal(store_open(f->path, STORE_CREATE | STORE_MIGRATE, &f->a), ERR_OK);
	assert_int_equal(sqlite3_open(f->path, &f->w), SQLITE_OK);
	exec_ok(f->w,
	        "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON;"
	        "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL);"
	        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
	        " INSERT INTO t SELECT i, randomblob(1500) FROM n;");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[400];

	store_close(f->a);
	sqlite3_close(f->w);
	snprintf(p, sizeof p, "rm -rf '%s'", f->dir);
	assert_int_equal(system(p), 0);
	free(f);
	return 0;
}

/* read_image - bytes [from, to) of the image appended to the image file. */
static void read_image(struct fx *f, struct store_image *im, uint64_t from, uint64_t to)
{
	static unsigned char buf[65536];
	FILE *out = fopen(f->image, "ab");

	assert_non_null(out);
	while (from < to) {
		size_t n = to - from < sizeof buf ? (size_t)(to - from) : sizeof buf;

		assert_int_equal(store_image_read(im, buf, n, from), ERR_OK);
		assert_int_equal(fwrite(buf, 1, n, out), n);
		from += n;
	}
	assert_int_equal(fclose(out), 0);
}

static void image_is_the_pinned_snapshot(void **state)
{
	struct fx *f = *state;
	struct store_image *im = NULL;
	sqlite3 *img;
	uint64_t size, half;
	int log = -1, ckpt = -1;
	char sql[700];

	/* The WAL holds the table's frames: the pin checkpoints them first. */
	assert_int_equal(store_image_begin(f->a, &im), ERR_OK);
	size = store_image_size(im);
	assert_true(size > 3000 * 1500);
	assert_int_equal(size % 4096, 0);
	/* The state at the pin, kept aside to compare with. */
	snprintf(sql, sizeof sql, "VACUUM INTO '%s'", f->ref);
	exec_ok(f->w, sql);
	half = size / 4096 / 2 * 4096;
	read_image(f, im, 0, half);

	/* The server keeps writing: every row changes, a third go, more come
	 * (thousands of pages: automatic checkpoints run), then it tries to
	 * checkpoint outright. No checkpoint may write the database file. */
	exec_ok(f->w, "UPDATE t SET v = randomblob(1500);"
	              "DELETE FROM t WHERE id % 3 = 0;"
	              "WITH RECURSIVE n(i) AS (SELECT 3001 UNION ALL SELECT i + 1 FROM n"
	              " WHERE i < 5000) INSERT INTO t SELECT i, randomblob(1500) FROM n;");
	assert_int_equal(
	        sqlite3_wal_checkpoint_v2(f->w, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &ckpt),
	        SQLITE_OK);
	assert_true(log > 1000);
	assert_int_equal(ckpt, 0); /* nothing could be copied into the file */
	assert_int_equal(
	        sqlite3_wal_checkpoint_v2(f->w, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL),
	        SQLITE_BUSY);
	read_image(f, im, half, size);
	assert_int_equal(store_image_read(im, sql, 1, size), ERR_INVAL); /* past the end */
	store_image_end(im);

	/* The image opens, is intact, and holds exactly the pinned rows. */
	assert_int_equal(sqlite3_open(f->image, &img), SQLITE_OK);
	{
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_prepare_v2(img, "PRAGMA integrity_check", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof sql, "ATTACH '%s' AS ref", f->ref);
	exec_ok(img, sql);
	assert_int_equal(one(img, "SELECT count(*) FROM t"), 3000);
	assert_int_equal(one(img, "SELECT count(*) FROM (SELECT * FROM t EXCEPT "
	                          "SELECT * FROM ref.t)"),
	                 0);
	assert_int_equal(one(img, "SELECT count(*) FROM (SELECT * FROM ref.t EXCEPT "
	                          "SELECT * FROM t)"),
	                 0);
	sqlite3_close(img);
	/* The live database did move on, and checkpoints work again. */
	assert_int_equal(one(f->w, "SELECT count(*) FROM t"), 4000);
	assert_int_equal(
	        sqlite3_wal_checkpoint_v2(f->w, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL),
	        SQLITE_OK);
}

static void refused_inside_a_transaction(void **state)
{
	struct fx *f = *state;
	struct store_image *im = NULL;

	assert_int_equal(store_begin(f->a), ERR_OK);
	assert_int_equal(store_image_begin(f->a, &im), ERR_CONFLICT);
	assert_null(im);
	store_rollback(f->a);
	/* A writer holding the lock throughout: the checkpoint cannot run. */
	exec_ok(f->w, "BEGIN IMMEDIATE; INSERT INTO t VALUES (9999, x'00')");
	assert_int_equal(store_image_begin(f->a, &im), ERR_CONFLICT);
	assert_null(im);
	exec_ok(f->w, "COMMIT");
	assert_int_equal(store_image_begin(f->a, &im), ERR_OK);
	store_image_end(im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(image_is_the_pinned_snapshot, setup, teardown),
	        cmocka_unit_test_setup_teardown(refused_inside_a_transaction, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
