/*
 * buf.h - a bounded, always-terminated growable byte buffer.
 *
 * Responsible for: everything that grows with input. Every buffer has a
 * maximum; growing past it fails with ERR_TOOBIG and leaves the buffer as it
 * was. The content is always followed by a NUL byte (not counted in len), so
 * a buffer of text can be handed to C string functions.
 * Never: grows without bound, or leaves a half-appended value behind.
 */
#ifndef CONFIDANT_CORE_BUF_H
#define CONFIDANT_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct buf {
	char *data; /* content, NUL-terminated; NULL until the first append */
	size_t len; /* bytes of content, excluding the terminator */
	size_t cap; /* bytes allocated at data */
	size_t max; /* the most content this buffer may ever hold */
	int wipe;   /* non-zero: zero memory before freeing or moving it */
};

/* buf_init - an empty buffer that will hold at most max bytes. If wipe is
 * non-zero the memory is zeroed whenever it is released (use for secrets and
 * plaintext PHI). */
void buf_init(struct buf *b, size_t max, int wipe);

/* buf_cleanup - release the memory (wiping it if asked); b is empty after. */
void buf_cleanup(struct buf *b);

/* buf_reset - make the buffer empty, keeping its memory (wiped if asked). */
void buf_reset(struct buf *b);

/* buf_append - add n bytes. ERR_TOOBIG past max, ERR_NOMEM; unchanged on error. */
enum err buf_append(struct buf *b, const void *p, size_t n);

/* buf_reserve - make room for n more bytes after the content (so a caller
 * may write them at data + len and then set len and the terminator itself).
 * ERR_TOOBIG past max, ERR_NOMEM; content unchanged either way. */
enum err buf_reserve(struct buf *b, size_t n);

/* buf_puts - add a NUL-terminated string. */
enum err buf_puts(struct buf *b, const char *s);

/* buf_printf - add formatted text. Unchanged on error. */
enum err buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

/* buf_steal - hand the content to the caller (free with free(), or wipe and
 * free if the buffer was a wiping one); the buffer becomes empty. Returns an
 * allocated empty string for an empty buffer; NULL only when out of memory. */
char *buf_steal(struct buf *b);

#endif
