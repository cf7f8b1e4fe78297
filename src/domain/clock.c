/*
 * clock.c - the one place Confidant reads the time of day, so tests can fix
 * it (CONFIDANT_FAKE_NOW) and every event of an operation shares one time.
 */
#include <stdlib.h>
#include <time.h>

#include "domain/domain.h"

int64_t domain_now(void)
{
	const char *fake = getenv("CONFIDANT_FAKE_NOW");
	char *end;
	long long v;

	if (fake != NULL && *fake) {
		v = strtoll(fake, &end, 10);
		if (*end == '\0' && v > 0)
			return v;
	}
	return (int64_t)time(NULL);
}
