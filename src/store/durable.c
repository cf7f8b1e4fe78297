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
 * Batches (store_batch_run) go one step further for small writes that
 * need no transaction of their own (the audit events of reads): callers
 * queue an item; the first caller that finds no batch being written leads,
 * takes every item queued so far, applies them in one write transaction
 * (on a connection kept for batches, whose page cache stays warm),
 * commits, lets the next leader start, then waits for the group sync and
 * hands each item its outcome. So N reads cost one BEGIN/COMMIT, one
 * write-lock turn and at most one fsync, not N of each. Each item after
 * the first runs in a savepoint of its own (the first in the transaction
 * itself), so one that fails part-way leaves nothing behind and the others
 * are not re-run. While a batch holds the write lock the audit chain's
 * tail and newest checkpoint are remembered from one event to the next
 * (store_audit.c), not read back per event.
 * Never: acknowledges a commit whose sync failed (ERR_IO), syncs a file
 * other than this database's WAL, or reports an item done before the
 * transaction holding it is durable.
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
	pthread_mutex_t lock;            /* guards everything below */
	pthread_cond_t done;             /* broadcast when a sync finishes */
	char wal[4096];                  /* path of the WAL file */
	int fd;                          /* the WAL, opened on first use; -1 before */
	uint64_t committed;              /* tickets handed out (commits finished in SQLite) */
	uint64_t synced;                 /* every ticket <= this is durable */
	int syncing;                     /* non-zero while a leader is in fdatasync */
	int failed;                      /* a sync failed: refuse from now on (fail closed) */
	uint64_t syncs;                  /* fdatasync calls made (for benchmarks) */
	pthread_mutex_t writer;          /* one write transaction at a time, queued here rather
	                                    than in SQLite's sleeping busy handler */
	pthread_mutex_t qlock;           /* guards the batch queue below and item states */
	struct store_batch_item *qhead;  /* items waiting for the next batch, FIFO */
	struct store_batch_item **qtail; /* where the next item is linked */
	int qleading;                    /* non-zero while a leader writes a batch */
	uint64_t batches;                /* batches committed (for benchmarks) */
	uint64_t batched;                /* items in them */
	struct store *bs;                /* the connection every batch is written on (NULL:
	                                    the leader's own); only the leader touches it */
	pthread_mutex_t idlock;          /* guards ids */
	int64_t ids[STORE_ID__COUNT];    /* highest row id claimed, per table (0: none yet) */
};

/* Item states (struct store_batch_item.state). */
enum { ITEM_QUEUED = 0, ITEM_TAKEN, ITEM_DONE };

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
	pthread_mutex_init(&y->qlock, NULL);
	pthread_mutex_init(&y->idlock, NULL);
	y->qtail = &y->qhead;
	y->fd = -1;
	/* Batches are written on one connection of their own: its page cache
	 * then survives from batch to batch (no other connection commits in
	 * between under a read load), where a leader's pooled connection had
	 * to read the chain's pages again after every other batch. Without
	 * it (it failed to open) each leader writes on its own connection. */
	if (store_open(db_path, 0, &y->bs) != ERR_OK || store_use_sync(y->bs, y) != ERR_OK) {
		store_close(y->bs);
		y->bs = NULL;
	}
	*out = y;
	return ERR_OK;
}

void store_sync_free(struct store_sync *y)
{
	if (y == NULL)
		return;
	store_close(y->bs);
	log_info("store group commit commits=%llu syncs=%llu batches=%llu batched=%llu",
	         (unsigned long long)y->committed, (unsigned long long)y->syncs,
	         (unsigned long long)y->batches, (unsigned long long)y->batched);
	if (y->fd >= 0)
		close(y->fd);
	pthread_mutex_destroy(&y->idlock);
	pthread_mutex_destroy(&y->qlock);
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

int64_t store_sync_id_claim(struct store_sync *y, unsigned slot, int64_t seen)
{
	int64_t id;

	if (y == NULL || slot >= STORE_ID__COUNT)
		return seen + 1;
	pthread_mutex_lock(&y->idlock);
	id = (y->ids[slot] > seen ? y->ids[slot] : seen) + 1;
	y->ids[slot] = id;
	pthread_mutex_unlock(&y->idlock);
	return id;
}

/* ---- batches ---------------------------------------------------------- */

/* memo - turn the audit tail and checkpoint memo on (inside the batch's
 * write transaction) or off, forgetting what it held either way. */
static void memo(struct store *s, int on)
{
	store_audit_memo_forget(s);
	s->audit_memo = on;
}

/* apply_all - BEGIN IMMEDIATE and apply every item of *ok: the first one
 * bare, every later one inside a savepoint of its own. An item that fails
 * has its own writes undone (whatever it wrote before failing), keeps its
 * error in result and moves to *failed, while the others' writes stay in
 * the transaction; when the first fails the whole transaction is rolled
 * back (it held nothing else) and the rest start again in a new one. That
 * spares a batch of one (the usual case at low load) its SAVEPOINT and
 * RELEASE. Returns with the transaction open (ERR_OK; none open if *ok
 * ended empty) or closed (an error of BEGIN or of a savepoint, which is
 * every remaining item's; nothing of the batch is written then). */
static enum err apply_all(struct store *s, struct store_batch_item **ok,
                          struct store_batch_item **failed)
{
	struct store_batch_item **pp, *bad;
	enum err e, u;

again:
	if (*ok == NULL)
		return ERR_OK;
	e = store_begin(s);
	if (e != ERR_OK)
		return e;
	memo(s, 1);
	e = (*ok)->apply(s, (*ok)->arg);
	if (e != ERR_OK) {
		memo(s, 0);
		store_rollback(s);
		bad = *ok;
		*ok = bad->next;
		bad->result = e;
		bad->next = *failed;
		*failed = bad;
		goto again;
	}
	pp = &(*ok)->next;
	while (*pp != NULL) {
		e = store_item_begin(s);
		if (e != ERR_OK)
			goto broken;
		e = (*pp)->apply(s, (*pp)->arg);
		u = store_item_end(s, e == ERR_OK);
		if (e != ERR_OK)
			store_audit_memo_forget(s); /* its writes were undone */
		if (u != ERR_OK) {
			e = u;
			goto broken;
		}
		if (e == ERR_OK) {
			pp = &(*pp)->next;
			continue;
		}
		bad = *pp;
		*pp = bad->next;
		bad->result = e;
		bad->next = *failed;
		*failed = bad;
	}
	memo(s, 0);
	return ERR_OK;
broken:
	memo(s, 0);
	store_rollback(s);
	return e;
}

/* finish - mark every item of list done (with outcome e unless keep, when
 * each keeps its own) and wake each caller alone: one condition variable
 * per waiting caller, so a batch of N wakes N threads, not every waiter. */
static void finish(struct store_sync *y, struct store_batch_item *list, enum err e, int keep)
{
	struct store_batch_item *it, *next;

	pthread_mutex_lock(&y->qlock);
	for (it = list; it != NULL; it = next) {
		next = it->next; /* read first: the caller may return once woken */
		if (!keep)
			it->result = e;
		it->state = ITEM_DONE;
		pthread_cond_signal(it->wake);
	}
	pthread_mutex_unlock(&y->qlock);
}

/* lead - write one batch (items linked through next, all ITEM_TAKEN) on
 * s, wait for its sync, hand the lead to the first item queued meanwhile,
 * and report. */
static void lead(struct store *s, struct store_sync *y, struct store_batch_item *batch)
{
	struct store_batch_item *ok = batch, *failed = NULL, *it;
	enum err e;

	e = apply_all(s, &ok, &failed);
	if (e == ERR_OK && ok != NULL)
		e = store_commit_nosync(s);
	if (e == ERR_OK && ok != NULL)
		e = store_sync_wait(y);
	/* The next batch starts only now: what queued during this one's write
	 * and sync goes into it whole (pipelining them made batches of one). */
	pthread_mutex_lock(&y->qlock);
	y->qleading = 0;
	if (e == ERR_OK && ok != NULL) {
		y->batches++;
		for (it = ok; it != NULL; it = it->next)
			y->batched++;
	}
	if (y->qhead != NULL)
		pthread_cond_signal(y->qhead->wake);
	pthread_mutex_unlock(&y->qlock);
	finish(y, failed, ERR_OK, 1);
	finish(y, ok, e, 0);
}

enum err store_batch_run(struct store *s, struct store_batch_item *it)
{
	struct store_sync *y = s->sync;
	struct store_batch_item *batch, *b;
	pthread_cond_t wake;
	enum err e;

	if (y == NULL) {
		/* No pool: a transaction of its own (the COMMIT syncs: FULL). */
		e = store_begin(s);
		if (e != ERR_OK)
			return e;
		e = it->apply(s, it->arg);
		if (e == ERR_OK)
			return store_commit(s);
		store_rollback(s);
		return e;
	}
	pthread_cond_init(&wake, NULL);
	it->next = NULL;
	it->result = ERR_OK;
	it->state = ITEM_QUEUED;
	it->wake = &wake;
	pthread_mutex_lock(&y->qlock);
	*y->qtail = it;
	y->qtail = &it->next;
	while (it->state != ITEM_DONE) {
		if (it->state == ITEM_QUEUED && !y->qleading) {
			y->qleading = 1;
			batch = y->qhead;
			y->qhead = NULL;
			y->qtail = &y->qhead;
			for (b = batch; b != NULL; b = b->next)
				b->state = ITEM_TAKEN;
			pthread_mutex_unlock(&y->qlock);
			lead(y->bs != NULL ? y->bs : s, y, batch);
			pthread_mutex_lock(&y->qlock);
			continue;
		}
		pthread_cond_wait(&wake, &y->qlock);
	}
	e = it->result;
	pthread_mutex_unlock(&y->qlock);
	pthread_cond_destroy(&wake);
	return e;
}
