/*
 * pool.c - a fixed set of store connections shared by server threads.
 * A connection is used by one thread at a time; take() waits while all are
 * busy, so the number of connections bounds database concurrency.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

struct store_pool {
	pthread_mutex_t lock;     /* guards free_list and nfree */
	pthread_cond_t ready;     /* signalled when a connection is given back */
	struct store **all;       /* every connection, for freeing */
	struct store **free_list; /* connections not in use */
	unsigned n;               /* connections in all */
	unsigned nfree;           /* entries in free_list */
	struct store_sync *sync;  /* group commit shared by all, or NULL */
};

/* group_commit_off - CONFIDANT_GROUP_COMMIT=off, for benchmarks that
 * compare against one fsync per commit. */
static int group_commit_off(void)
{
	const char *v = getenv("CONFIDANT_GROUP_COMMIT");

	return v != NULL && strcmp(v, "off") == 0;
}

uint64_t store_pool_syncs(struct store_pool *p)
{
	return p->sync != NULL ? store_sync_count(p->sync) : 0;
}

unsigned store_pool_idle(struct store_pool *p)
{
	unsigned n;

	pthread_mutex_lock(&p->lock);
	n = p->nfree;
	pthread_mutex_unlock(&p->lock);
	return n;
}

enum err store_pool_new(const char *path, unsigned n, struct store_pool **out)
{
	struct store_pool *p;
	unsigned i;
	enum err e = ERR_OK;

	if (n == 0)
		return ERR_INVAL;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return ERR_NOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ready, NULL);
	p->all = calloc(n, sizeof *p->all);
	p->free_list = calloc(n, sizeof *p->free_list);
	if (p->all == NULL || p->free_list == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	if (!group_commit_off()) {
		e = store_sync_new(path, &p->sync);
		if (e != ERR_OK)
			goto out;
	}
	for (i = 0; i < n; i++) {
		e = store_open(path, 0, &p->all[i]);
		if (e != ERR_OK)
			goto out;
		e = store_use_sync(p->all[i], p->sync);
		if (e != ERR_OK) {
			p->n++;
			goto out;
		}
		p->free_list[p->nfree++] = p->all[i];
		p->n++;
	}
	*out = p;
	p = NULL;
out:
	store_pool_free(p);
	return e;
}

struct store *store_pool_take(struct store_pool *p)
{
	struct store *s;

	pthread_mutex_lock(&p->lock);
	while (p->nfree == 0)
		pthread_cond_wait(&p->ready, &p->lock);
	s = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->lock);
	return s;
}

void store_pool_give(struct store_pool *p, struct store *s)
{
	store_rollback(s); /* never hand on an open transaction */
	pthread_mutex_lock(&p->lock);
	p->free_list[p->nfree++] = s;
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->lock);
}

void store_pool_free(struct store_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		store_close(p->all[i]);
	free(p->all);
	free(p->free_list);
	store_sync_free(p->sync);
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
