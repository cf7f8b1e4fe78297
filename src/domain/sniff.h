/*
 * sniff.h - what a file really is, from its bytes: the content types a
 * chart accepts, told apart by their signatures (magic bytes), and a
 * streaming check that text is UTF-8.
 *
 * Responsible for: deciding a file's type from its content alone, so a
 * name or a declared Content-Type cannot make an executable pass for a
 * PDF. Never: trusts a file name or a declared type; allocates; keeps any
 * of the bytes it looks at.
 */
#ifndef CONFIDANT_DOMAIN_SNIFF_H
#define CONFIDANT_DOMAIN_SNIFF_H

#include <stddef.h>

/* The content types a chart accepts. */
enum sniff_type {
	SNIFF_UNKNOWN = 0, /* none of the below */
	SNIFF_PDF,         /* application/pdf: "%PDF-" */
	SNIFF_PNG,         /* image/png: 89 "PNG" 0D 0A 1A 0A */
	SNIFF_JPEG,        /* image/jpeg: FF D8 FF */
	SNIFF_WEBP,        /* image/webp: "RIFF" size "WEBP" */
	SNIFF_GIF,         /* image/gif: "GIF87a" or "GIF89a" */
	SNIFF_TEXT,        /* text/plain: no signature; must pass the UTF-8 check */
};

#define SNIFF_HEAD_MIN 12 /* bytes sniff_head needs, unless the file is shorter */

/* sniff_head - the type the first n bytes of a file show: a binary type if
 * its signature is there, else SNIFF_TEXT (which only means "maybe text":
 * the whole file must still pass sniff_utf8_*). */
enum sniff_type sniff_head(const unsigned char *p, size_t n);

/* sniff_declared - the type a Content-Type value names ("image/png",
 * "text/plain; charset=utf-8", any case; "image/jpg" is JPEG); SNIFF_UNKNOWN
 * for any other type, or text with a charset other than UTF-8 or US-ASCII. */
enum sniff_type sniff_declared(const char *content_type);

/* sniff_mime - the canonical Content-Type of t ("text/plain;
 * charset=utf-8" for text); "application/octet-stream" for unknown. */
const char *sniff_mime(enum sniff_type t);

/* sniff_ext - the usual file name extension of t, with its dot (".pdf"). */
const char *sniff_ext(enum sniff_type t);

/* sniff_of_mime - the type whose sniff_mime is s; SNIFF_UNKNOWN if none. */
enum sniff_type sniff_of_mime(const char *s);

/* A UTF-8 check over a text that arrives in pieces. Start zeroed. */
struct sniff_utf8 {
	unsigned need;    /* continuation bytes still expected */
	unsigned char lo; /* smallest byte the next continuation may be */
	unsigned char hi; /* largest byte the next continuation may be */
	int bad;          /* non-zero once the text failed */
};

/* sniff_utf8_feed - check the next n bytes: well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing past U+10FFFF) and no control characters
 * but tab, line feed, vertical tab, form feed and carriage return (NUL in
 * particular). Returns non-zero while the text is still good. */
int sniff_utf8_feed(struct sniff_utf8 *u, const unsigned char *p, size_t n);

/* sniff_utf8_end - non-zero if everything fed was good text and did not
 * stop inside a character. */
int sniff_utf8_end(const struct sniff_utf8 *u);

#endif
