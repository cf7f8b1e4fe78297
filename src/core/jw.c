/*
 * jw.c - the streaming JSON writer (see core/jw.h and docs/internals/jw.md).
 * Every piece asks for room once and is written straight into the buffer.
 * Strings are escaped in chunks of at most JW_CHUNK bytes: room for a
 * chunk's worst case (6 output bytes per input byte, and the quotes) is
 * reserved once, then plain text is copied eight bytes at a time where a
 * word-at-a-time test finds nothing to escape.
 * Never: writes past the room buf_reserve granted, or a byte inside a
 * string below 0x20 or above 0x7f (DEL goes out as is, as jansson writes it).
 */
#include "core/jw.h"

#include <string.h>
#include <time.h>

#include "core/mem.h"

/* Bytes of a string escaped per reservation: a chunk needs at most 6x its
 * size, so a long text never asks for 6x its whole length at once. */
#define JW_CHUNK 4096
/* Unix seconds of 10000-01-01T00:00:00Z: below it (and from 0) the date
 * is computed here; outside, gmtime_r and strftime give the same text. */
#define JW_TIME_FAST_MAX 253402300800LL

/* plain[c] - byte c stands for itself inside a JSON string: printable
 * ASCII other than '"' and '\\' (DEL too, as jansson writes it). */
/* clang-format off */
static const unsigned char plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),                                 /* 0x00-0x1f: control */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f: '"' */
	R16(1), R16(1),                                 /* 0x30-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50-0x5f: '\\' */
	R16(1), R16(1),                                 /* 0x60-0x7f */
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), /* non-ASCII */
#undef R16
};
/* clang-format on */

static const char hex[] = "0123456789ABCDEF";

static void fail(struct jw *w, enum err e)
{
	if (w->err == ERR_OK)
		w->err = e;
}

/* room - space for n more bytes at the end of the output, or NULL (and
 * the error recorded). Within the capacity already there this is two
 * comparisons: the buffer's cap never exceeds its max + 1, so what fits in
 * the capacity fits under the maximum too. */
static inline char *room(struct jw *w, size_t n)
{
	struct buf *b = w->out;
	enum err e;

	if (w->err != ERR_OK)
		return NULL;
	if (b->data == NULL || b->cap - b->len <= n) {
		e = buf_reserve(b, n);
		if (e != ERR_OK) {
			fail(w, e);
			return NULL;
		}
	}
	return b->data + b->len;
}

/* commit - the output now ends at end (inside the room granted). */
static inline void commit(struct jw *w, char *end)
{
	struct buf *b = w->out;

	b->len = (size_t)(end - b->data);
	b->data[b->len] = '\0';
}

static void put(struct jw *w, const char *p, size_t n)
{
	char *d = room(w, n);

	if (d == NULL)
		return;
	memcpy(d, p, n);
	commit(w, d + n);
}

static inline void put_c(struct jw *w, char c)
{
	char *d = room(w, 1);

	if (d == NULL)
		return;
	*d = c;
	commit(w, d + 1);
}

/* ---- strings ------------------------------------------------------------- */

/* utf8_next - decode one non-ASCII character at s (n bytes left) into *cp;
 * its length, or 0 if it is not well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t v, min;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0; /* a continuation byte, 0xc0, 0xc1 or 0xf5-0xff */
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* put_u - "\uXXXX" at d; the end. */
static char *put_u(char *d, uint32_t u)
{
	d[0] = '\\';
	d[1] = 'u';
	d[2] = hex[(u >> 12) & 15];
	d[3] = hex[(u >> 8) & 15];
	d[4] = hex[(u >> 4) & 15];
	d[5] = hex[u & 15];
	return d + 6;
}

/* plain8 - non-zero if all 8 bytes of x stand for themselves (no byte
 * below 0x20, '"', '\\' or above 0x7f). Word-at-a-time tests for a zero
 * byte: a byte below k shows in (x - k * ones) & ~x & high; a false
 * positive (a borrow) only sends the block down the byte-by-byte path. */
static inline int plain8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
	uint64_t t = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs) | x;

	return (t & high) == 0;
}

/* escaped_len - the bytes escape_chunk writes for the n bytes at s (an
 * invalid sequence counts 0: escape_chunk stops there). */
static size_t escaped_len(const unsigned char *s, size_t n)
{
	size_t i = 0, out = 0, len;
	uint32_t cp;

	while (i < n) {
		unsigned char c = s[i];

		if (plain[c]) {
			out++, i++;
		} else if (c < 0x80) {
			out += strchr("\"\\\b\f\n\r\t", c) != NULL && c != 0 ? 2 : 6;
			i++;
		} else {
			len = utf8_next(s + i, n - i, &cp);
			if (len == 0)
				break;
			out += cp < 0x10000 ? 6 : 12;
			i += len;
		}
	}
	return out;
}

/* escape_chunk - the n bytes at s, escaped, at the end of the output;
 * between quotes when quoted. */
static void escape_chunk(struct jw *w, const unsigned char *s, size_t n, int quoted)
{
	struct buf *b = w->out;
	size_t i = 0, q = quoted ? 2 : 0;
	char *d;

	if (w->err != ERR_OK)
		return;
	if (b->data == NULL || b->cap - b->len <= 6 * n + q) {
		enum err e = buf_reserve(b, 6 * n + q);

		if (e == ERR_TOOBIG) /* near the maximum: exactly */
			e = buf_reserve(b, escaped_len(s, n) + q);
		if (e != ERR_OK) {
			fail(w, e);
			return;
		}
	}
	d = b->data + b->len;
	if (quoted)
		*d++ = '"';
	while (i < n) {
		size_t len;
		uint32_t cp;
		unsigned char c;

		if (n - i >= 8) {
			uint64_t x;

			memcpy(&x, s + i, 8);
			if (plain8(x)) {
				memcpy(d, &x, 8); /* the room holds 6 bytes per input byte */
				d += 8;
				i += 8;
				continue;
			}
		}
		c = s[i];
		if (plain[c]) {
			*d++ = (char)c;
			i++;
			continue;
		}
		if (c < 0x80) {
			*d++ = '\\';
			switch (c) {
			case '"': *d++ = '"'; break;
			case '\\': *d++ = '\\'; break;
			case '\b': *d++ = 'b'; break;
			case '\f': *d++ = 'f'; break;
			case '\n': *d++ = 'n'; break;
			case '\r': *d++ = 'r'; break;
			case '\t': *d++ = 't'; break;
			default: d = put_u(d - 1, c); break;
			}
			i++;
			continue;
		}
		len = utf8_next(s + i, n - i, &cp);
		if (len == 0) {
			fail(w, ERR_INTERNAL); /* not UTF-8: see jw.h */
			return;
		}
		if (cp < 0x10000) {
			d = put_u(d, cp);
		} else {
			cp -= 0x10000;
			d = put_u(d, 0xd800 | (cp >> 10));
			d = put_u(d, 0xdc00 | (cp & 0x3ff));
		}
		i += len;
	}
	if (quoted)
		*d++ = '"';
	commit(w, d);
}

/* chunk_end - where to cut s (more than JW_CHUNK bytes) so no character is
 * split: back over at most three continuation bytes. */
static size_t chunk_end(const unsigned char *s)
{
	size_t end = JW_CHUNK;
	unsigned k;

	for (k = 0; k < 3 && (s[end] & 0xc0) == 0x80; k++)
		end--;
	return end;
}

static void put_string(struct jw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	if (n <= JW_CHUNK) {
		escape_chunk(w, s, n, 1); /* one reservation, quotes included */
		return;
	}
	put_c(w, '"');
	while (n > 0 && w->err == ERR_OK) {
		size_t k = n <= JW_CHUNK ? n : chunk_end(s);

		escape_chunk(w, s, k, 0);
		s += k;
		n -= k;
	}
	put_c(w, '"');
}

/* ---- structure ----------------------------------------------------------- */

/* value_begin - place a value: 0 (and an error) if none may come here. */
static int value_begin(struct jw *w)
{
	if (w->err != ERR_OK)
		return 0;
	if (w->done) {
		fail(w, ERR_INTERNAL); /* a second value at the top */
		return 0;
	}
	if (w->depth == 0)
		return 1;
	if (w->objects & (1ull << (w->depth - 1))) {
		if (!w->keyed) {
			fail(w, ERR_INTERNAL); /* a member without a name */
			return 0;
		}
		w->keyed = 0;
		return 1;
	}
	if (!w->first)
		put_c(w, ',');
	w->first = 0;
	return w->err == ERR_OK;
}

/* value_end - a scalar is complete. */
static void value_end(struct jw *w)
{
	if (w->depth == 0)
		w->done = 1;
}

static void container_open(struct jw *w, int object)
{
	if (w->err == ERR_OK && w->depth >= JW_DEPTH_MAX) {
		fail(w, ERR_INTERNAL);
		return;
	}
	if (!value_begin(w))
		return;
	put_c(w, object ? '{' : '[');
	if (object)
		w->objects |= 1ull << w->depth;
	else
		w->objects &= ~(1ull << w->depth);
	w->depth++;
	w->first = 1;
}

static void container_close(struct jw *w, int object)
{
	if (w->err != ERR_OK)
		return;
	if (w->depth == 0 || w->keyed || !(w->objects & (1ull << (w->depth - 1))) != !object) {
		fail(w, ERR_INTERNAL);
		return;
	}
	put_c(w, object ? '}' : ']');
	w->depth--;
	w->first = 0; /* the parent now has this member */
	value_end(w);
}

void jw_init(struct jw *w, struct buf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->start = out->len;
}

void jw_reserve(struct jw *w, size_t n)
{
	struct buf *b = w->out;
	size_t left = b->max - b->len;

	/* only a hint: never past the maximum, which the text itself may fit */
	(void)room(w, n < left ? n : left);
}

void jw_fail(struct jw *w, enum err e)
{
	fail(w, e == ERR_OK ? ERR_INTERNAL : e);
}

enum err jw_error(const struct jw *w)
{
	return w->err;
}

enum err jw_finish(struct jw *w)
{
	struct buf *b = w->out;

	if (w->err == ERR_OK && (!w->done || w->depth != 0))
		w->err = ERR_INTERNAL;
	if (w->err != ERR_OK && b->data != NULL) {
		/* the half value (and anything escaped past len) goes */
		if (b->wipe)
			mem_wipe(b->data + w->start, b->cap - w->start);
		b->len = w->start;
		b->data[b->len] = '\0';
	}
	return w->err;
}

void jw_object_begin(struct jw *w)
{
	container_open(w, 1);
}

void jw_object_end(struct jw *w)
{
	container_close(w, 1);
}

void jw_array_begin(struct jw *w)
{
	container_open(w, 0);
}

void jw_array_end(struct jw *w)
{
	container_close(w, 0);
}

void jw_key(struct jw *w, const char *k)
{
	if (w->err != ERR_OK)
		return;
	if (w->depth == 0 || !(w->objects & (1ull << (w->depth - 1))) || w->keyed) {
		fail(w, ERR_INTERNAL);
		return;
	}
	if (!w->first)
		put_c(w, ',');
	w->first = 0;
	put_string(w, k, strlen(k));
	put_c(w, ':');
	w->keyed = 1;
}

/* ---- values -------------------------------------------------------------- */

void jw_string_n(struct jw *w, const char *s, size_t n)
{
	if (!value_begin(w))
		return;
	put_string(w, s, n);
	value_end(w);
}

void jw_string(struct jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		jw_string_n(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
	char t[24], *p = t + sizeof t;
	/* in unsigned arithmetic, so INT64_MIN negates without overflow */
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	if (!value_begin(w))
		return;
	put(w, p, (size_t)(t + sizeof t - p));
	value_end(w);
}

void jw_bool(struct jw *w, int v)
{
	if (!value_begin(w))
		return;
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
	value_end(w);
}

void jw_null(struct jw *w)
{
	if (!value_begin(w))
		return;
	put(w, "null", 4);
	value_end(w);
}

/* two - n (0-99) as two digits at d. */
static void two(char *d, unsigned n)
{
	d[0] = (char)('0' + n / 10);
	d[1] = (char)('0' + n % 10);
}

/* civil - the proleptic Gregorian date of day `days` since 1970-01-01
 * (days >= 0), counting in 400-year eras that begin on 0000-03-01 so the
 * leap day ends each year of the count. */
static void civil(int64_t days, unsigned *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468; /* days since 0000-03-01 */
	int64_t era = z / 146097;  /* 146097 days per 400 years */
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* from March 1 */
	int64_t mp = (5 * doy + 2) / 153;                      /* month from March, 0-11 */

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

void jw_time(struct jw *w, int64_t t)
{
	char s[64];
	size_t n;

	if (t >= 0 && t < JW_TIME_FAST_MAX) {
		unsigned y, mo, d, sec = (unsigned)(t % 86400);

		civil(t / 86400, &y, &mo, &d);
		two(s, y / 100);
		two(s + 2, y % 100);
		s[4] = '-';
		two(s + 5, mo);
		s[7] = '-';
		two(s + 8, d);
		s[10] = 'T';
		two(s + 11, sec / 3600);
		s[13] = ':';
		two(s + 14, sec / 60 % 60);
		s[16] = ':';
		two(s + 17, sec % 60);
		s[19] = 'Z';
		n = 20;
	} else {
		struct tm tm;
		time_t tt = (time_t)t;

		if (gmtime_r(&tt, &tm) == NULL) {
			fail(w, ERR_INTERNAL);
			return;
		}
		n = strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	jw_string_n(w, s, n);
}

/* ---- members ------------------------------------------------------------- */

void jw_kstring(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_string(w, s);
}

void jw_kint(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}

void jw_ktime(struct jw *w, const char *k, int64_t t)
{
	jw_key(w, k);
	jw_time(w, t);
}

void jw_kobject_begin(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_object_begin(w);
}

void jw_karray_begin(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_array_begin(w);
}
