/*
 * throttle.c - slowing down password guessing: the delay after failed
 * sign-ins, and the cap on Argon2id computations running at once.
 *
 * Responsible for: the back-off schedule (a pure function) and a counting
 * semaphore of hash slots, so a flood of sign-ins is refused quickly
 * rather than queued until memory runs out.
 * Never: counts failures or remembers who failed (store/ and domain/ do),
 * or waits longer than the caller allows.
 */
#include "auth/auth.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define THROTTLE_FREE 3    /* failures allowed without delay */
#define THROTTLE_MAX 900   /* seconds: 15 minutes */
#define HASH_CAP_MAX 1024u /* more slots than this is a mistake */

int64_t auth_throttle_delay(unsigned failures)
{
	unsigned doublings;

	if (failures <= THROTTLE_FREE)
		return 0;
	doublings = failures - THROTTLE_FREE - 1;
	/* 1, 2, 4, ... 512, then 1024 and beyond are past the cap. */
	if (doublings >= 10)
		return THROTTLE_MAX;
	return (int64_t)1 << doublings;
}

/* The hash-slot semaphore. cap_lock guards every field below it. */
static pthread_once_t cap_once = PTHREAD_ONCE_INIT; /* runs cap_start once */
static pthread_mutex_t cap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cap_freed; /* signalled when a slot is given back */
static int cap_ready;            /* non-zero once cap_freed uses CLOCK_MONOTONIC */
static unsigned cap_limit;       /* slots allowed at once */
static unsigned cap_used;        /* slots taken now */

static unsigned cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > (long)HASH_CAP_MAX ? HASH_CAP_MAX : (unsigned)n;
}

/* cap_start - the condition variable times out on the monotonic clock, so
 * changing the wall clock cannot stretch or cut a wait. */
static void cap_start(void)
{
	pthread_condattr_t attr;

	cap_limit = cpus();
	if (pthread_condattr_init(&attr) != 0)
		return;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&cap_freed, &attr) == 0)
		cap_ready = 1;
	pthread_condattr_destroy(&attr);
}

void auth_hash_cap_init(unsigned n)
{
	pthread_once(&cap_once, cap_start);
	pthread_mutex_lock(&cap_lock);
	cap_limit = n == 0 ? cpus() : n > HASH_CAP_MAX ? HASH_CAP_MAX : n;
	if (cap_ready)
		pthread_cond_broadcast(&cap_freed);
	pthread_mutex_unlock(&cap_lock);
}

enum err auth_hash_slot_take(unsigned wait_ms)
{
	struct timespec until;
	enum err rc = ERR_BUSY;

	pthread_once(&cap_once, cap_start);
	if (!cap_ready)
		return ERR_INTERNAL;
	if (clock_gettime(CLOCK_MONOTONIC, &until) != 0)
		return ERR_INTERNAL;
	until.tv_sec += (time_t)(wait_ms / 1000);
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cap_lock);
	while (cap_used >= cap_limit && wait_ms > 0) {
		int r = pthread_cond_timedwait(&cap_freed, &cap_lock, &until);

		if (r == ETIMEDOUT)
			break;
	}
	if (cap_used < cap_limit) {
		cap_used++;
		rc = ERR_OK;
	}
	pthread_mutex_unlock(&cap_lock);
	return rc;
}

void auth_hash_slot_give(void)
{
	pthread_mutex_lock(&cap_lock);
	if (cap_used > 0)
		cap_used--;
	if (cap_ready)
		pthread_cond_signal(&cap_freed);
	pthread_mutex_unlock(&cap_lock);
}
