/*
 * argon2_limit.c - the limit sign-in is measured against: libsodium's
 * Argon2id at the parameters Confidant uses (OWASP: m = 19 MiB, t = 2,
 * one lane), verifying a stored hash as a sign-in does.
 *
 *   argon2_limit THREADS SECONDS
 *
 * Prints one JSON object:
 *   verify_ms          median time of one verification on one thread
 *   per_s_at_threads   verifications per second with THREADS threads at
 *                      once (THREADS = the server's hash cap = CPUs)
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMLIMIT (19u << 20)
#define OPSLIMIT 2u
#define SAMPLES 15

static char stored[crypto_pwhash_STRBYTES];
static double seconds;
static long done[64];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void *worker(void *arg)
{
	long *n = arg;
	double t0 = now();

	while (now() - t0 < seconds) {
		if (crypto_pwhash_str_verify(stored, "correct horse battery", 21) != 0)
			abort();
		(*n)++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	double ms[SAMPLES], t0, t;
	long threads, total = 0, i;

	if (argc != 3 || sodium_init() < 0 || (threads = strtol(argv[1], NULL, 10)) < 1 || threads > 64 ||
	    (seconds = strtod(argv[2], NULL)) <= 0) {
		fprintf(stderr, "usage: argon2_limit THREADS SECONDS\n");
		return 2;
	}
	if (crypto_pwhash_str_alg(stored, "correct horse battery", 21, OPSLIMIT, MEMLIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return 1;
	for (i = 0; i < SAMPLES; i++) {
		t0 = now();
		if (crypto_pwhash_str_verify(stored, "correct horse battery", 21) != 0)
			return 1;
		ms[i] = (now() - t0) * 1e3;
	}
	qsort(ms, SAMPLES, sizeof ms[0], cmp);
	t0 = now();
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, &done[i]);
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		total += done[i];
	}
	t = now() - t0;
	printf("{\"verify_ms\": %.1f, \"threads\": %ld, \"per_s_at_threads\": %.1f}\n",
	       ms[SAMPLES / 2], threads, (double)total / t);
	return 0;
}
