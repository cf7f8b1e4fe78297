/*
 * mem.c - allocation helpers. mem_wipe uses explicit_bzero (glibc), which
 * the compiler may not elide; core/ depends on no library of ours.
 */
#define _DEFAULT_SOURCE
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

void *mem_calloc_array(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

void *mem_malloc_array(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return malloc(n && size ? n * size : 1);
}

int mem_add_ok(size_t a, size_t b, size_t *out)
{
	if (a > SIZE_MAX - b)
		return 0;
	*out = a + b;
	return 1;
}

void mem_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void mem_free_wiped_str(char *s)
{
	if (s == NULL)
		return;
	mem_wipe(s, strlen(s));
	free(s);
}

char *mem_strdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}
