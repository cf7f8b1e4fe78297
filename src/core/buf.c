/*
 * buf.c - bounded buffer. Growth doubles capacity, capped at max + 1 so the
 * terminator always fits. Wiping buffers never realloc(): the old block is
 * copied and zeroed by hand so no plaintext lingers in freed memory.
 */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

void buf_init(struct buf *b, size_t max, int wipe)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->wipe = wipe;
}

void buf_cleanup(struct buf *b)
{
	if (b->data != NULL && b->wipe)
		mem_wipe(b->data, b->cap);
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_reset(struct buf *b)
{
	if (b->data != NULL) {
		if (b->wipe)
			mem_wipe(b->data, b->cap);
		b->data[0] = '\0';
	}
	b->len = 0;
}

static enum err grow(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need <= b->cap)
		return ERR_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	if (cap > b->max + 1)
		cap = b->max + 1;
	if (b->wipe) {
		p = malloc(cap);
		if (p == NULL)
			return ERR_NOMEM;
		if (b->data != NULL) {
			memcpy(p, b->data, b->len + 1);
			mem_wipe(b->data, b->cap);
			free(b->data);
		}
	} else {
		p = realloc(b->data, cap);
		if (p == NULL)
			return ERR_NOMEM;
	}
	b->data = p;
	b->cap = cap;
	return ERR_OK;
}

enum err buf_append(struct buf *b, const void *p, size_t n)
{
	enum err rc;

	if (n > b->max || b->len > b->max - n)
		return ERR_TOOBIG;
	rc = grow(b, b->len + n + 1);
	if (rc != ERR_OK)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ERR_OK;
}

enum err buf_reserve(struct buf *b, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return ERR_TOOBIG;
	return grow(b, b->len + n + 1);
}

enum err buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	enum err rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ERR_INVAL;
	if ((size_t)n > b->max || b->len > b->max - (size_t)n)
		return ERR_TOOBIG;
	rc = grow(b, b->len + (size_t)n + 1);
	if (rc != ERR_OK)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return ERR_OK;
}

enum err buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum err rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_steal(struct buf *b)
{
	char *p;

	if (b->data == NULL) {
		p = malloc(1);
		if (p != NULL)
			p[0] = '\0';
		return p;
	}
	p = b->data;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
