/*
 * clock.c - the one place Confidant reads the time of day, so tests can fix
 * it (CONFIDANT_FAKE_NOW: a fixed time; CONFIDANT_CLOCK_FILE: a file holding
 * the time, re-read on every call, so a test can move a running server's
 * clock without sleeping) and every event of an operation shares one time.
 * Whoever sets a process's environment controls it already; these are
 * documented in docs/decisions.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/domain.h"

/* read_clock_file - the first number in path, or 0. */
static int64_t read_clock_file(const char *path)
{
	char buf[32];
	size_t n;
	FILE *f = fopen(path, "r");
	long long v;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	v = strtoll(buf, NULL, 10);
	return v > 0 ? v : 0;
}

int64_t domain_now(void)
{
	const char *fake = getenv("CONFIDANT_FAKE_NOW");
	const char *file = getenv("CONFIDANT_CLOCK_FILE");
	char *end;
	long long v;

	/* Tests move a running server's clock by rewriting this file. */
	if (file != NULL && *file) {
		int64_t t = read_clock_file(file);

		if (t > 0)
			return t;
	}
	if (fake != NULL && *fake) {
		v = strtoll(fake, &end, 10);
		if (*end == '\0' && v > 0)
			return v;
	}
	return (int64_t)time(NULL);
}
