/* fuzz_search.c - libFuzzer target: the blind-index tokeniser must accept
 * any bytes (names typed by people, queries from the network) without
 * reading out of bounds, and every token it makes is valid UTF-8 when its
 * input was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search_tokens t;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	search_tokens_init(&t);
	(void)search_tokens_index(&t, s, s, s);
	search_tokens_cleanup(&t);
	search_tokens_init(&t);
	(void)search_tokens_query(&t, s, 8);
	search_tokens_cleanup(&t);
	free(s);
	return 0;
}
