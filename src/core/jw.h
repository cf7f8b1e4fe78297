/*
 * jw.h - a streaming JSON writer that appends straight into a bounded
 * buffer (core/buf.h): no tree, no intermediate text.
 *
 * Responsible for: valid, compact, ASCII-only JSON whatever the caller's
 * strings hold. The writer places the commas and colons, tracks nesting
 * (at most JW_DEPTH_MAX open containers), and checks that calls come in a
 * valid order (a key only inside an object and before its value; one value
 * at the top). The output is byte for byte what jansson's json_dump with
 * JSON_COMPACT | JSON_ENSURE_ASCII gives for the same values in the same
 * order: the same escapes (\" \\ \b \f \n \r \t, \u00XX for other control
 * characters, \uXXXX in upper-case hex for every non-ASCII character and a
 * surrogate pair above U+FFFF; '/' and DEL are not escaped).
 * Invalid UTF-8 in a string (a stray continuation byte, an overlong form, a
 * surrogate, a code point above U+10FFFF, a truncated sequence) is refused,
 * not repaired: the writer's error becomes ERR_INTERNAL, so the answer is
 * dropped by jw_finish (a 500). Every text Confidant stores came through jansson's
 * UTF-8 check, so such a byte means corruption or a bug, which an answer
 * must not hide by guessing (jansson itself silently dropped the member).
 *
 * Errors are sticky: the first failure (ERR_NOMEM or ERR_TOOBIG from the
 * buffer, ERR_INTERNAL for a call out of order, nesting past the limit or
 * invalid UTF-8) is kept, every later call does nothing, and jw_finish
 * returns it. A caller builds the whole answer and checks once, at the end.
 * Never: writes a value that is not JSON, or leaves a half value behind
 * after jw_finish has failed (it cuts the buffer back to where it began,
 * wiping if the buffer wipes).
 */
#ifndef CONFIDANT_CORE_JW_H
#define CONFIDANT_CORE_JW_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define JW_DEPTH_MAX 32 /* deepest nesting of objects and arrays the writer opens */

/* A writer; all fields are the writer's own (read the error with jw_error). */
struct jw {
	struct buf *out;  /* where the text goes (borrowed) */
	size_t start;     /* out->len when the writer began: jw_finish cuts back to it */
	enum err err;     /* the first failure; ERR_OK until then */
	unsigned depth;   /* open containers */
	uint64_t objects; /* bit d set: the container at depth d + 1 is an object */
	int first;        /* non-zero: the innermost container has no member yet */
	int keyed;        /* non-zero: a key was written; its value comes next */
	int done;         /* non-zero: the top-level value is complete */
};

/* jw_init - begin one JSON value at the end of out (which keeps what it
 * already holds). The writer borrows out until jw_finish. */
void jw_init(struct jw *w, struct buf *out);

/* jw_finish - ERR_OK if exactly one complete value was written; otherwise
 * the first error (ERR_INTERNAL if containers are still open or nothing
 * was written), and out is cut back to its length at jw_init (the cut-off
 * bytes wiped when out is a wiping buffer). */
enum err jw_finish(struct jw *w) __attribute__((warn_unused_result));

/* jw_error - the first error so far (ERR_OK if none). */
enum err jw_error(const struct jw *w);

/* jw_reserve - make room now for about n more bytes (at most up to the
 * buffer's maximum), so a long answer is not copied each time the buffer
 * doubles; a failure is recorded like any other. */
void jw_reserve(struct jw *w, size_t n);

/* jw_fail - record the caller's own failure e (e.g. a value it could not
 * make) as the writer's error, unless one is recorded already. */
void jw_fail(struct jw *w, enum err e);

/* jw_object_begin / jw_object_end, jw_array_begin / jw_array_end - open
 * and close a container (as a value: after a key, in an array, or at the
 * top). Closing the wrong kind, or an object whose last key has no value,
 * is ERR_INTERNAL. */
void jw_object_begin(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w);
void jw_array_end(struct jw *w);

/* jw_key - the next member's name (a NUL-terminated UTF-8 string, escaped
 * like a value); only inside an object, and not twice in a row. The
 * writer does not check for duplicate names: callers write fixed keys. */
void jw_key(struct jw *w, const char *k);

/* jw_string - a string value; NULL writes null. jw_string_n - n bytes
 * (may hold NUL, written as \u0000). Invalid UTF-8: ERR_INTERNAL. */
void jw_string(struct jw *w, const char *s);
void jw_string_n(struct jw *w, const char *s, size_t n);

/* jw_int, jw_bool (0 false, anything else true), jw_null - scalars. */
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);

/* jw_time - unix seconds as the string "YYYY-MM-DDTHH:MM:SSZ" (UTC), the
 * format api_time_json gives. A time gmtime cannot represent:
 * ERR_INTERNAL. */
void jw_time(struct jw *w, int64_t t);

/* Members in one call: jw_key(w, k) and then the value. */
void jw_kstring(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kbool(struct jw *w, const char *k, int v);
void jw_knull(struct jw *w, const char *k);
void jw_ktime(struct jw *w, const char *k, int64_t t);
void jw_kobject_begin(struct jw *w, const char *k);
void jw_karray_begin(struct jw *w, const char *k);

#endif
