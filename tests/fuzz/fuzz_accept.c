/* fuzz_accept.c - libFuzzer target: any Accept-Encoding header value is
 * read by http_gzip_accepted without reading past its end, and the answer
 * is stable (the same value always gives the same answer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = malloc(size + 1);
	int a, b;

	if (value == NULL)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	a = http_gzip_accepted(value);
	b = http_gzip_accepted(value);
	if (a != b || (a != 0 && a != 1))
		abort();
	free(value);
	return 0;
}
