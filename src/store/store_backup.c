/*
 * store_backup.c - a consistent image of the live database file, read in
 * place for `confidant backup` (no staged copy).
 *
 * Responsible for: pinning one read transaction whose view of the database
 * is exactly the bytes of the main database file, and reading those bytes
 * through SQLite's own file handle while the pin holds.
 * Why it is consistent (docs/internals/backup.md, "The database image"):
 *   1. A TRUNCATE checkpoint copies every WAL frame into the main file and
 *      truncates the WAL to zero bytes.
 *   2. A read transaction is opened; if the WAL file is still empty once
 *      it is open, no frame existed when it started, so SQLite read nothing
 *      from the WAL and took read mark 0 ("the database file only"). (Frames
 *      reach the WAL file before the WAL index counts them, and the WAL is
 *      truncated only when no reader uses marks 1-4, so an empty file seen
 *      while the transaction is open proves there was none at its start.)
 *   3. While a reader holds mark 0, no checkpoint can copy any frame into
 *      the main file (backfill needs read mark 0 exclusively) and writers
 *      only append to the WAL: the main file's first page_count pages stay
 *      the snapshot until the transaction ends.
 * Never: opens and closes a descriptor of its own on the database file (a
 * close would drop every POSIX lock this process holds on it, the pin
 * included), writes to the database, or returns bytes read without the pin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/internal.h"

/* How long the checkpoint may wait for readers and writers (it holds back
 * new writers meanwhile, so keep it short and wait once: the caller falls
 * back to a staged copy if it cannot finish). */
#define IMAGE_CKPT_BUSY_MS 500
/* Checkpoint-and-pin attempts before giving up when writes keep landing
 * between the checkpoint and the pin. */
#define IMAGE_TRIES 8
/* The connection's usual busy timeout (store_open). */
#define IMAGE_BUSY_MS_DEFAULT 10000

struct store_image {
	struct store *s; /* the connection holding the pin */
	sqlite3_file *f; /* SQLite's handle on the main database file */
	uint64_t size;   /* page_count * page_size at the pin */
	int open;        /* the read transaction is open */
};

/* one_int - the single integer row of sql on db. */
static int one_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* wal_mode - non-zero when the connection's database is in WAL mode. */
static int wal_mode(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int wal = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(st, 0);

		wal = m != NULL && strcmp((const char *)m, "wal") == 0;
	}
	sqlite3_finalize(st);
	return wal;
}

/* try_pin - one checkpoint, then a read transaction; *pinned when the WAL
 * was empty with it open (step 2 above), else the transaction is ended.
 * ERR_CONFLICT when the checkpoint timed out: not tried again, since each
 * wait holds back the server's writers. */
static enum err try_pin(struct store_image *im, int *pinned)
{
	sqlite3 *db = im->s->db;
	const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
	int64_t pages = 0, page_size = 0;
	struct stat st;
	int rc;

	*pinned = 0;
	sqlite3_busy_timeout(db, IMAGE_CKPT_BUSY_MS);
	rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(db, IMAGE_BUSY_MS_DEFAULT);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_CONFLICT; /* a reader or writer outlasted the wait */
	if (rc != SQLITE_OK)
		return db_err(im->s, rc);
	rc = sqlite3_exec(db, "BEGIN DEFERRED", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_err(im->s, rc);
	im->open = 1;
	/* page_count starts the read transaction (and fixes the size). */
	rc = one_int(db, "PRAGMA page_count", &pages);
	if (rc == SQLITE_OK)
		rc = one_int(db, "PRAGMA page_size", &page_size);
	if (rc != SQLITE_OK)
		return db_err(im->s, rc);
	if (wal == NULL || stat(wal, &st) != 0)
		return ERR_IO;
	if (st.st_size != 0) {
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		im->open = 0;
		return ERR_OK;
	}
	if (pages < 0 || page_size <= 0 || (uint64_t)pages > UINT64_MAX / (uint64_t)page_size)
		return ERR_DB;
	im->size = (uint64_t)pages * (uint64_t)page_size;
	*pinned = 1;
	return ERR_OK;
}

enum err store_image_begin(struct store *s, struct store_image **out)
{
	struct store_image *im;
	sqlite3_int64 fsize = 0;
	enum err e = ERR_CONFLICT;
	int i, pinned = 0;

	if (s == NULL || s->snap || !sqlite3_get_autocommit(s->db) || !wal_mode(s->db))
		return ERR_CONFLICT;
	im = calloc(1, sizeof *im);
	if (im == NULL)
		return ERR_NOMEM;
	im->s = s;
	for (i = 0; i < IMAGE_TRIES && !pinned; i++) {
		e = try_pin(im, &pinned);
		if (e != ERR_OK)
			goto fail;
	}
	if (!pinned) {
		e = ERR_CONFLICT;
		goto fail;
	}
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_FILE_POINTER, &im->f) != SQLITE_OK ||
	    im->f == NULL || im->f->pMethods == NULL ||
	    im->f->pMethods->xFileSize(im->f, &fsize) != SQLITE_OK || fsize < 0 ||
	    (uint64_t)fsize < im->size) {
		e = ERR_IO;
		goto fail;
	}
	*out = im;
	return ERR_OK;
fail:
	store_image_end(im);
	return e;
}

uint64_t store_image_size(const struct store_image *im)
{
	return im->size;
}

enum err store_image_read(struct store_image *im, void *buf, size_t n, uint64_t off)
{
	if (n == 0)
		return ERR_OK;
	if (!im->open || n > (size_t)INT32_MAX || off > im->size || n > im->size - off)
		return ERR_INVAL;
	if (im->f->pMethods->xRead(im->f, buf, (int)n, (sqlite3_int64)off) != SQLITE_OK)
		return ERR_IO; /* a short read too: the file was pinned at this size */
	return ERR_OK;
}

void store_image_end(struct store_image *im)
{
	if (im == NULL)
		return;
	if (im->open)
		sqlite3_exec(im->s->db, "COMMIT", NULL, NULL, NULL);
	free(im);
}
