/* test_sniff.c - content types from magic bytes (every accepted type, the
 * usual impostors: an EXE, a ZIP, a truncated header), declared types
 * (parameters, case, charsets, aliases), and the streaming UTF-8 check
 * (overlong forms, surrogates, past U+10FFFF, controls, characters cut
 * across pieces). */
#include "unit.h"

#include "domain/sniff.h"

#define SNIFF(lit) sniff_head((const unsigned char *)(lit), sizeof(lit) - 1)

static void magic_bytes(void **state)
{
	(void)state;
	assert_int_equal(SNIFF("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), SNIFF_PDF);
	assert_int_equal(SNIFF("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), SNIFF_PNG);
	assert_int_equal(SNIFF("\xff\xd8\xff\xe0\0\x10JFIF"), SNIFF_JPEG);
	assert_int_equal(SNIFF("RIFF\x24\0\0\0WEBPVP8 "), SNIFF_WEBP);
	assert_int_equal(SNIFF("GIF89a\x01\0\x01\0"), SNIFF_GIF);
	assert_int_equal(SNIFF("GIF87a\x01\0\x01\0"), SNIFF_GIF);
	assert_int_equal(SNIFF("plain words\n"), SNIFF_TEXT);
	/* impostors: none is a binary type, so only the UTF-8 check remains */
	assert_int_equal(SNIFF("MZ\x90\0\x03\0\0\0"), SNIFF_TEXT); /* a Windows executable */
	assert_int_equal(SNIFF("PK\x03\x04\x14\0"), SNIFF_TEXT);   /* a ZIP (or DOCX) */
	assert_int_equal(SNIFF("\x7f"
	                       "ELF\x02\x01"),
	                 SNIFF_TEXT);                                  /* a Linux executable */
	assert_int_equal(SNIFF("RIFF\x24\0\0\0WAVEfmt "), SNIFF_TEXT); /* RIFF, but audio */
	assert_int_equal(SNIFF("%PDF"), SNIFF_TEXT);                   /* a cut-off header */
	assert_int_equal(SNIFF("\x89PNG\r\n"), SNIFF_TEXT);
	assert_int_equal(SNIFF(" %PDF-1.7"), SNIFF_TEXT); /* the signature must come first */
	assert_int_equal(sniff_head((const unsigned char *)"", 0), SNIFF_TEXT);
}

static void declared_types(void **state)
{
	(void)state;
	assert_int_equal(sniff_declared("application/pdf"), SNIFF_PDF);
	assert_int_equal(sniff_declared("Application/PDF"), SNIFF_PDF);
	assert_int_equal(sniff_declared("image/png"), SNIFF_PNG);
	assert_int_equal(sniff_declared("image/jpeg"), SNIFF_JPEG);
	assert_int_equal(sniff_declared("image/jpg"), SNIFF_JPEG);
	assert_int_equal(sniff_declared("image/webp"), SNIFF_WEBP);
	assert_int_equal(sniff_declared("image/gif"), SNIFF_GIF);
	assert_int_equal(sniff_declared("text/plain"), SNIFF_TEXT);
	assert_int_equal(sniff_declared("text/plain; charset=utf-8"), SNIFF_TEXT);
	assert_int_equal(sniff_declared("text/plain;charset=\"UTF-8\""), SNIFF_TEXT);
	assert_int_equal(sniff_declared("text/plain; charset=us-ascii"), SNIFF_TEXT);
	assert_int_equal(sniff_declared("text/plain; charset=iso-8859-1"), SNIFF_UNKNOWN);
	assert_int_equal(sniff_declared("text/plain; format=flowed"), SNIFF_UNKNOWN);
	assert_int_equal(sniff_declared("text/html"), SNIFF_UNKNOWN);
	assert_int_equal(sniff_declared("image/svg+xml"), SNIFF_UNKNOWN); /* may carry script */
	assert_int_equal(sniff_declared("application/octet-stream"), SNIFF_UNKNOWN);
	assert_int_equal(sniff_declared("application/pdfx"), SNIFF_UNKNOWN);
	assert_int_equal(sniff_declared(""), SNIFF_UNKNOWN);
	assert_int_equal(sniff_declared(NULL), SNIFF_UNKNOWN);
	assert_string_equal(sniff_mime(SNIFF_TEXT), "text/plain; charset=utf-8");
	assert_int_equal(sniff_of_mime(sniff_mime(SNIFF_WEBP)), SNIFF_WEBP);
	assert_int_equal(sniff_of_mime("image/svg+xml"), SNIFF_UNKNOWN);
	assert_string_equal(sniff_ext(SNIFF_JPEG), ".jpg");
}

/* utf8 - the check over s given whole, and byte by byte. */
static int utf8(const char *s, size_t n)
{
	struct sniff_utf8 whole, bytes;
	size_t i;

	memset(&whole, 0, sizeof whole);
	memset(&bytes, 0, sizeof bytes);
	sniff_utf8_feed(&whole, (const unsigned char *)s, n);
	for (i = 0; i < n; i++)
		sniff_utf8_feed(&bytes, (const unsigned char *)s + i, 1);
	assert_int_equal(sniff_utf8_end(&whole), sniff_utf8_end(&bytes));
	return sniff_utf8_end(&whole);
}

#define UTF8(lit) utf8((lit), sizeof(lit) - 1)

static void utf8_text(void **state)
{
	(void)state;
	assert_true(UTF8(""));
	assert_true(UTF8("plain ASCII\twith tabs\r\nand lines\f\v"));
	assert_true(UTF8("S\xc3\xa9"
	                 "ance \xe2\x9c\x93 \xf0\x9f\x99\x82")); /* é ✓ 🙂 */
	assert_true(UTF8("\xef\xbb\xbf"
	                 "BOM first"));
	assert_true(UTF8("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
	assert_false(UTF8("nul\0inside"));
	assert_false(UTF8("escape \x1b[31m"));
	assert_false(UTF8("caf\xe9"));          /* Latin-1 */
	assert_false(UTF8("\xc0\xaf"));         /* overlong '/' */
	assert_false(UTF8("\xe0\x80\xaf"));     /* overlong, three bytes */
	assert_false(UTF8("\xf0\x80\x80\xaf")); /* overlong, four bytes */
	assert_false(UTF8("\xed\xa0\x80"));     /* a UTF-16 surrogate */
	assert_false(UTF8("\xf4\x90\x80\x80")); /* past U+10FFFF */
	assert_false(UTF8("\xf5\x80\x80\x80"));
	assert_false(UTF8("\x80 lone continuation"));
	assert_false(UTF8("cut short \xe2\x9c")); /* ends inside a character */
	assert_false(UTF8("\xe2\x9c"
	                  "A")); /* continuation missing */
}

static void utf8_stays_bad(void **state)
{
	struct sniff_utf8 u;

	(void)state;
	memset(&u, 0, sizeof u);
	assert_true(sniff_utf8_feed(&u, (const unsigned char *)"ok", 2));
	assert_false(sniff_utf8_feed(&u, (const unsigned char *)"\xff", 1));
	assert_false(sniff_utf8_feed(&u, (const unsigned char *)"ok again", 8));
	assert_false(sniff_utf8_end(&u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(magic_bytes),
	        cmocka_unit_test(declared_types),
	        cmocka_unit_test(utf8_text),
	        cmocka_unit_test(utf8_stays_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
