/*
 * sqlite_limit.c - the storage limit Confidant's durable writes are measured
 * against: raw SQLite in WAL mode with synchronous=FULL on the same
 * filesystem, no encryption, no audit, no HTTP.
 *
 *   sqlite_limit DIR SECONDS
 *
 * Prints one JSON object:
 *   single_row_per_s   one 400-byte row per transaction (one WAL fsync each):
 *                      the one-fsync-per-commit limit
 *   batched_rows_per_s 1,000 rows per transaction (one fsync per 1,000 rows)
 *   fdatasync_per_s    4 KiB appended to a file then fdatasync: the device's
 *                      raw durable-write rate (fdatasync_us is its mean)
 * Each runs for SECONDS and is bounded by it. Files live in DIR and are
 * removed at the end.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROW_BYTES 400   /* about a sealed client row */
#define BATCH_ROWS 1000 /* rows per transaction in the batched run */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite_limit: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(db, sql);
}

/* run - insert rows, `per` to a transaction, for `secs`; rows per second. */
static double run(sqlite3 *db, sqlite3_stmt *ins, int per, double secs)
{
	unsigned char row[ROW_BYTES];
	long rows = 0;
	double t0 = now(), t;
	int i;

	for (i = 0; i < ROW_BYTES; i++)
		row[i] = (unsigned char)(rand() & 0xff);
	do {
		exec(db, "BEGIN IMMEDIATE");
		for (i = 0; i < per; i++) {
			row[rows % ROW_BYTES] ^= 1; /* not the same bytes every time */
			sqlite3_bind_blob(ins, 1, row, ROW_BYTES, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				die(db, "insert");
			sqlite3_reset(ins);
			rows++;
		}
		exec(db, "COMMIT");
		t = now();
	} while (t - t0 < secs);
	return (double)rows / (t - t0);
}

static double fsync_rate(const char *path, double secs, double *mean_us)
{
	char page[4096];
	long n = 0;
	double t0, t;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	memset(page, 'x', sizeof page);
	t0 = now();
	do {
		if (write(fd, page, sizeof page) != (ssize_t)sizeof page || fdatasync(fd) != 0) {
			perror(path);
			exit(1);
		}
		n++;
		t = now();
	} while (t - t0 < secs);
	close(fd);
	unlink(path);
	*mean_us = (t - t0) / (double)n * 1e6;
	return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
	char path[4096], suffix[4200];
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	double secs, single, batched, fs, fs_us;

	if (argc != 3 || (secs = strtod(argv[2], NULL)) <= 0) {
		fprintf(stderr, "usage: sqlite_limit DIR SECONDS\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/sqlite-limit-%ld.db", argv[1], (long)getpid());
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(db, "open");
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
	exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
	if (sqlite3_prepare_v2(db, "INSERT INTO t(payload) VALUES (?1)", -1, &ins, NULL) != SQLITE_OK)
		die(db, "prepare");
	single = run(db, ins, 1, secs);
	batched = run(db, ins, BATCH_ROWS, secs);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	unlink(path);
	snprintf(suffix, sizeof suffix, "%s-wal", path);
	unlink(suffix);
	snprintf(suffix, sizeof suffix, "%s-shm", path);
	unlink(suffix);
	snprintf(suffix, sizeof suffix, "%s/fsync-limit-%ld", argv[1], (long)getpid());
	fs = fsync_rate(suffix, secs, &fs_us);
	printf("{\"single_row_per_s\": %.0f, \"batched_rows_per_s\": %.0f, \"batch_rows\": %d, "
	       "\"fdatasync_per_s\": %.0f, \"fdatasync_us\": %.1f}\n",
	       single, batched, BATCH_ROWS, fs, fs_us);
	return 0;
}
