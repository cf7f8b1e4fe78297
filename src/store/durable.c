/*
 * durable.c - group commit: many transactions share one fsync.
 *
 * A server's connections commit with synchronous=NORMAL, which in WAL mode
 * writes the transaction to the WAL without syncing it. store_commit then
 * waits in store_sync_wait until the WAL has been fdatasync'd past that
 * commit. The first waiter becomes the leader and syncs for everyone who
 * committed before it started; the others wait for its result. So N
 * concurrent commits cost one or two fsyncs, not N, and no commit is
 * acknowledged before it is on stable storage (fsync acts on the file, not
 * the descriptor, so our descriptor flushes what SQLite wrote through its
 * own).
 * Never: acknowledges a commit whose sync failed (ERR_IO), or syncs a file
 * other than this database's WAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/log.h"
#include "store/internal.h"

struct store_sync {
	pthread_mutex_t lock;   /* guards everything below */
	pthread_cond_t done;    /* broadcast when a sync finishes */
	char wal[4096];         /* path of the WAL file */
	int fd;                 /* the WAL, opened on first use; -1 before */
	uint64_t committed;     /* tickets handed out (commits finished in SQLite) */
	uint64_t synced;        /* every ticket <= this is durable */
	int syncing;            /* non-zero while a leader is in fdatasync */
	int failed;             /* a sync failed: refuse from now on (fail closed) */
	uint64_t syncs;         /* fdatasync calls made (for benchmarks) */
	pthread_mutex_t writer; /* one write transaction at a time, queued here rather
	                           than in SQLite's sleeping busy handler */
};

void store_sync_writer_lock(struct store_sync *y)
{
	pthread_mutex_lock(&y->writer);
}

void store_sync_writer_unlock(struct store_sync *y)
{
	pthread_mutex_unlock(&y->writer);
}

enum err store_sync_new(const char *db_path, struct store_sync **out)
{
	struct store_sync *y = calloc(1, sizeof *y);
	int n;

	if (y == NULL)
		return ERR_NOMEM;
	n = snprintf(y->wal, sizeof y->wal, "%s-wal", db_path);
	if (n < 0 || (size_t)n >= sizeof y->wal) {
		free(y);
		return ERR_TOOBIG;
	}
	pthread_mutex_init(&y->lock, NULL);
	pthread_mutex_init(&y->writer, NULL);
	pthread_cond_init(&y->done, NULL);
	y->fd = -1;
	*out = y;
	return ERR_OK;
}

void store_sync_free(struct store_sync *y)
{
	if (y == NULL)
		return;
	log_info("store group commit commits=%llu syncs=%llu", (unsigned long long)y->committed,
	         (unsigned long long)y->syncs);
	if (y->fd >= 0)
		close(y->fd);
	pthread_cond_destroy(&y->done);
	pthread_mutex_destroy(&y->writer);
	pthread_mutex_destroy(&y->lock);
	free(y);
}

uint64_t store_sync_count(struct store_sync *y)
{
	uint64_t n;

	pthread_mutex_lock(&y->lock);
	n = y->syncs;
	pthread_mutex_unlock(&y->lock);
	return n;
}

/* sync_wal - fdatasync the WAL (opening it the first time). Called by the
 * leader without the lock held. */
static int sync_wal(struct store_sync *y)
{
	if (y->fd < 0) {
		y->fd = open(y->wal, O_RDONLY | O_CLOEXEC);
		if (y->fd < 0)
			return -1;
	}
	return fdatasync(y->fd);
}

enum err store_sync_wait(struct store_sync *y)
{
	uint64_t ticket, target;
	int rc;

	pthread_mutex_lock(&y->lock);
	ticket = ++y->committed;
	while (y->synced < ticket && !y->failed) {
		if (y->syncing) {
			pthread_cond_wait(&y->done, &y->lock);
			continue;
		}
		/* Lead: sync for every commit made so far, ours included. */
		y->syncing = 1;
		target = y->committed;
		pthread_mutex_unlock(&y->lock);
		rc = sync_wal(y);
		pthread_mutex_lock(&y->lock);
		y->syncing = 0;
		y->syncs++;
		if (rc != 0) {
			y->failed = 1;
			log_error("store group commit: fdatasync of the WAL failed errno=%d",
			          errno);
		} else if (target > y->synced) {
			y->synced = target;
		}
		pthread_cond_broadcast(&y->done);
	}
	rc = y->failed;
	pthread_mutex_unlock(&y->lock);
	return rc ? ERR_IO : ERR_OK;
}
