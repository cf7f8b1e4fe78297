/*
 * sniff.c - content types from magic bytes, and a streaming UTF-8 check
 * (see sniff.h). Never: looks at a file name.
 */
#include "domain/sniff.h"

#include <string.h>
#include <strings.h>

static const struct {
	enum sniff_type type; /* the type */
	const char *mime;     /* its canonical Content-Type */
	const char *ext;      /* its usual extension */
} types[] = {
        {SNIFF_PDF, "application/pdf", ".pdf"}, {SNIFF_PNG, "image/png", ".png"},
        {SNIFF_JPEG, "image/jpeg", ".jpg"},     {SNIFF_WEBP, "image/webp", ".webp"},
        {SNIFF_GIF, "image/gif", ".gif"},       {SNIFF_TEXT, "text/plain; charset=utf-8", ".txt"},
};

static int starts(const unsigned char *p, size_t n, const char *sig, size_t len)
{
	return n >= len && memcmp(p, sig, len) == 0;
}

enum sniff_type sniff_head(const unsigned char *p, size_t n)
{
	if (starts(p, n, "%PDF-", 5))
		return SNIFF_PDF;
	if (starts(p, n, "\x89PNG\r\n\x1a\n", 8))
		return SNIFF_PNG;
	if (starts(p, n, "\xff\xd8\xff", 3))
		return SNIFF_JPEG;
	if (starts(p, n, "RIFF", 4) && n >= 12 && memcmp(p + 8, "WEBP", 4) == 0)
		return SNIFF_WEBP;
	if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6))
		return SNIFF_GIF;
	return SNIFF_TEXT;
}

/* token_is - s (up to a ';', spaces around it ignored) equals want, any case. */
static int token_is(const char *s, size_t len, const char *want)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == strlen(want) && strncasecmp(s, want, len) == 0;
}

/* text_params_ok - the parameters after "text/plain": none, or a charset
 * of utf-8 or us-ascii (quoted or not). */
static int text_params_ok(const char *p)
{
	const char *v;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 1;
	if (*p != ';')
		return 0;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 1;
	if (strncasecmp(p, "charset=", 8) != 0)
		return 0;
	v = p + 8;
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	return token_is(v, len, "utf-8") || token_is(v, len, "utf8") ||
	       token_is(v, len, "us-ascii");
}

enum sniff_type sniff_declared(const char *ct)
{
	static const struct {
		const char *name;     /* the declared type */
		enum sniff_type type; /* what it names */
	} names[] = {{"application/pdf", SNIFF_PDF}, {"image/png", SNIFF_PNG},
	             {"image/jpeg", SNIFF_JPEG},     {"image/jpg", SNIFF_JPEG},
	             {"image/webp", SNIFF_WEBP},     {"image/gif", SNIFF_GIF},
	             {"text/plain", SNIFF_TEXT}};
	const char *semi;
	size_t len, i;

	if (ct == NULL)
		return SNIFF_UNKNOWN;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	semi = strchr(ct, ';');
	len = semi != NULL ? (size_t)(semi - ct) : strlen(ct);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!token_is(ct, len, names[i].name))
			continue;
		if (names[i].type == SNIFF_TEXT)
			return text_params_ok(ct + len) ? SNIFF_TEXT : SNIFF_UNKNOWN;
		return names[i].type;
	}
	return SNIFF_UNKNOWN;
}

/* entry - the index of t's row in types, or -1. */
static int entry(enum sniff_type t)
{
	int i;

	for (i = 0; i < (int)(sizeof types / sizeof types[0]); i++)
		if (types[i].type == t)
			return i;
	return -1;
}

const char *sniff_mime(enum sniff_type t)
{
	int i = entry(t);

	return i >= 0 ? types[i].mime : "application/octet-stream";
}

const char *sniff_ext(enum sniff_type t)
{
	int i = entry(t);

	return i >= 0 ? types[i].ext : ".bin";
}

enum sniff_type sniff_of_mime(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i].mime, s) == 0)
			return types[i].type;
	return SNIFF_UNKNOWN;
}

/* lead - set up u for the lead byte c; 0 if c cannot start a character. */
static int lead(struct sniff_utf8 *u, unsigned char c)
{
	u->lo = 0x80;
	u->hi = 0xbf;
	if (c < 0x80) {
		/* controls other than HT, LF, VT, FF, CR have no place in a text */
		return c >= 0x20 || (c >= 0x09 && c <= 0x0d);
	}
	if (c >= 0xc2 && c <= 0xdf)
		u->need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		u->need = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		u->need = 3;
	else
		return 0; /* a continuation byte, an overlong lead, or past U+10FFFF */
	if (c == 0xe0)
		u->lo = 0xa0; /* overlong */
	else if (c == 0xed)
		u->hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		u->lo = 0x90; /* overlong */
	else if (c == 0xf4)
		u->hi = 0x8f; /* past U+10FFFF */
	return 1;
}

int sniff_utf8_feed(struct sniff_utf8 *u, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && !u->bad; i++) {
		if (u->need == 0) {
			if (!lead(u, p[i]))
				u->bad = 1;
		} else if (p[i] < u->lo || p[i] > u->hi) {
			u->bad = 1;
		} else {
			u->need--;
			u->lo = 0x80;
			u->hi = 0xbf;
		}
	}
	return !u->bad;
}

int sniff_utf8_end(const struct sniff_utf8 *u)
{
	return !u->bad && u->need == 0;
}
