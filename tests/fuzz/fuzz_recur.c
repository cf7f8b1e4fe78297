/* fuzz_recur.c - libFuzzer target: RRULE values, zone names and local
 * times as clients send them. The input is split at its first two
 * newlines into a rule, a zone and a start; each is checked and, when all
 * pass, expanded to a bounded horizon. Any input gives ERR_OK or
 * ERR_INVAL, never a crash, a leak or an endless expansion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/recur.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int64_t out[RECUR_EXPAND_MAX];
	char *buf = malloc(size + 1), *zone, *start;
	struct recur_local l;
	size_t n = 0;
	int more = 0;
	enum err e;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	zone = strchr(buf, '\n');
	start = zone != NULL ? strchr(zone + 1, '\n') : NULL;
	if (zone != NULL)
		*zone++ = '\0';
	if (start != NULL)
		*start++ = '\0';
	e = recur_rule_check(buf);
	if (e != ERR_OK && e != ERR_INVAL)
		abort();
	if (e == ERR_OK && zone != NULL && start != NULL && recur_zone_ok(zone) &&
	    recur_local_parse(start, &l) == ERR_OK) {
		e = recur_expand(zone, &l, buf, (int64_t)4102444800 /* 2100 */, out,
		                 RECUR_EXPAND_MAX, &n, &more);
		if ((e != ERR_OK && e != ERR_INVAL) || n > RECUR_EXPAND_MAX)
			abort();
	}
	free(buf);
	return 0;
}
