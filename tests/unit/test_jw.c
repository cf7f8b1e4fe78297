/* test_jw.c - the streaming JSON writer (core/jw.c): its output is what
 * jansson's compact, ASCII-only dump gives for the same values, every
 * control character, quote and backslash is escaped, non-ASCII becomes
 * \uXXXX (surrogate pairs above the BMP), invalid UTF-8 and calls out of
 * order fail the whole answer and leave the buffer as it was, nesting
 * stops at JW_DEPTH_MAX, and everything it writes parses back. */
#include "unit.h"

#include <jansson.h>
#include <time.h>

#include "api/api.h"
#include "core/jw.h"

#define OUT_MAX (1u << 20)

/* dump - jansson's text for v (stolen), the reference output. */
static char *dump(json_t *v)
{
	char *s;

	assert_non_null(v);
	s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
	json_decref(v);
	assert_non_null(s);
	return s;
}

/* one_string - the writer's text for the n bytes at s as one string. */
static enum err one_string(struct buf *b, const char *s, size_t n)
{
	struct jw w;

	buf_init(b, OUT_MAX, 1);
	jw_init(&w, b);
	jw_string_n(&w, s, n);
	return jw_finish(&w);
}

/* same_as_jansson - the writer's string equals jansson's for s. */
static void same_as_jansson(const char *s, size_t n)
{
	struct buf b;
	char *want = dump(json_stringn(s, n));

	assert_int_equal(one_string(&b, s, n), ERR_OK);
	assert_string_equal(b.data, want);
	free(want);
	buf_cleanup(&b);
}

static void expect_text(const char *s, size_t n, const char *want)
{
	struct buf b;

	assert_int_equal(one_string(&b, s, n), ERR_OK);
	assert_string_equal(b.data, want);
	buf_cleanup(&b);
	same_as_jansson(s, n);
}

/* ---- escaping -------------------------------------------------------------- */

static void every_control_character_escaped(void **state)
{
	static const char *const named[] = {[8] = "\"\\b\"",
	                                    [9] = "\"\\t\"",
	                                    [10] = "\"\\n\"",
	                                    [12] = "\"\\f\"",
	                                    [13] = "\"\\r\""};
	unsigned c;

	(void)state;
	for (c = 0; c < 0x20; c++) {
		char in = (char)c, want[16];

		if (c < sizeof named / sizeof named[0] && named[c] != NULL)
			snprintf(want, sizeof want, "%s", named[c]);
		else
			snprintf(want, sizeof want, "\"\\u%04X\"", c);
		expect_text(&in, 1, want);
	}
}

static void quotes_backslash_and_plain_ascii(void **state)
{
	char all[0x60];
	unsigned c;

	(void)state;
	expect_text("\"", 1, "\"\\\"\"");
	expect_text("\\", 1, "\"\\\\\"");
	expect_text("a/b", 3, "\"a/b\"");   /* '/' is not escaped */
	expect_text("\x7f", 1, "\"\x7f\""); /* DEL: as jansson writes it */
	expect_text("", 0, "\"\"");
	expect_text("say \"hi\"\\\n", 10, "\"say \\\"hi\\\"\\\\\\n\"");
	for (c = 0x20; c < 0x80; c++)
		all[c - 0x20] = (char)c;
	same_as_jansson(all, sizeof all);
}

static void bmp_characters_as_u_escapes(void **state)
{
	(void)state;
	expect_text("\xc2\x80", 2, "\"\\u0080\"");                        /* first 2-byte */
	expect_text("\xc3\xa9", 2, "\"\\u00E9\"");                        /* e acute */
	expect_text("\xdf\xbf", 2, "\"\\u07FF\"");                        /* last 2-byte */
	expect_text("\xe0\xa0\x80", 3, "\"\\u0800\"");                    /* first 3-byte */
	expect_text("\xe2\x82\xac", 3, "\"\\u20AC\"");                    /* euro sign */
	expect_text("\xed\x9f\xbf", 3, "\"\\uD7FF\"");                    /* before surrogates */
	expect_text("\xee\x80\x80", 3, "\"\\uE000\"");                    /* after surrogates */
	expect_text("\xef\xbb\xbf", 3, "\"\\uFEFF\"");                    /* BOM */
	expect_text("\xef\xbf\xbf", 3, "\"\\uFFFF\"");                    /* last BMP */
	expect_text("Zo\xc3\xab", 4, "\"Zo\\u00EB\"");                    /* mixed */
	expect_text("\xe6\x97\xa5\xe6\x9c\xac", 6, "\"\\u65E5\\u672C\""); /* CJK */
}

static void astral_characters_as_surrogate_pairs(void **state)
{
	(void)state;
	expect_text("\xf0\x90\x80\x80", 4, "\"\\uD800\\uDC00\"");     /* U+10000 */
	expect_text("\xf0\x9f\x98\x80", 4, "\"\\uD83D\\uDE00\"");     /* U+1F600 */
	expect_text("\xf4\x8f\xbf\xbf", 4, "\"\\uDBFF\\uDFFF\"");     /* U+10FFFF */
	expect_text("a\xf0\x9f\x92\x99z", 6, "\"a\\uD83D\\uDC99z\""); /* U+1F499 */
}

static void nul_bytes_escaped(void **state)
{
	struct buf b;
	json_t *v;

	(void)state;
	expect_text("a\0b", 3, "\"a\\u0000b\"");
	/* jansson reads it back only when asked to allow NUL */
	assert_int_equal(one_string(&b, "a\0b", 3), ERR_OK);
	v = json_loads(b.data, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	assert_non_null(v);
	assert_int_equal(json_string_length(v), 3);
	assert_memory_equal(json_string_value(v), "a\0b", 3);
	json_decref(v);
	buf_cleanup(&b);
}

/* Long strings are escaped in chunks: characters straddling every chunk
 * boundary position come out whole. */
static void long_strings_across_chunks(void **state)
{
	static const char *const chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\n"};
	size_t n = 3 * 4096 + 100, lead, k;
	char *s = malloc(n);

	(void)state;
	assert_non_null(s);
	for (k = 0; k < 4; k++) {
		size_t clen = strlen(chars[k]);

		for (lead = 0; lead < 5; lead++) {
			size_t i = 0;

			memset(s, 'x', lead);
			for (i = lead; i + clen <= n; i += clen)
				memcpy(s + i, chars[k], clen);
			same_as_jansson(s, i);
		}
	}
	free(s);
}

/* Plain text is copied eight bytes at a time: every byte value at every
 * position of a block is still escaped (or, alone above 0x7f, refused). */
static void every_byte_at_every_position(void **state)
{
	unsigned c, pos;

	(void)state;
	for (c = 0; c < 256; c++)
		for (pos = 0; pos < 20; pos++) {
			char s[24];
			struct buf b;

			memset(s, 'a', sizeof s);
			s[pos] = (char)c;
			if (c < 0x80) {
				same_as_jansson(s, sizeof s);
			} else {
				assert_int_equal(one_string(&b, s, sizeof s), ERR_INTERNAL);
				buf_cleanup(&b);
			}
		}
}

/* ---- invalid UTF-8 ---------------------------------------------------------- */

static void invalid_utf8_refused(void **state)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	        {"\x80", 1},             /* a lone continuation byte */
	        {"a\xbf", 2},            /* another, after ASCII */
	        {"\xc0\xaf", 2},         /* overlong '/' */
	        {"\xc1\xbf", 2},         /* overlong DEL */
	        {"\xe0\x80\xaf", 3},     /* overlong, 3 bytes */
	        {"\xe0\x9f\xbf", 3},     /* overlong U+07FF */
	        {"\xf0\x8f\xbf\xbf", 4}, /* overlong U+FFFF */
	        {"\xed\xa0\x80", 3},     /* U+D800, a surrogate */
	        {"\xed\xbf\xbf", 3},     /* U+DFFF */
	        {"\xf4\x90\x80\x80", 4}, /* U+110000 */
	        {"\xf5\x80\x80\x80", 4}, /* lead byte past F4 */
	        {"\xfe", 1},             /* never in UTF-8 */
	        {"\xff", 1},             /* never in UTF-8 */
	        {"\xc3", 1},             /* truncated at the end */
	        {"\xe2\x82", 2},         /* truncated 3-byte */
	        {"\xf0\x9f\x98", 3},     /* truncated 4-byte */
	        {"\xc3"
	         "A",
	         2},                           /* a lead byte then ASCII */
	        {"\xe2\x28\xa1", 3},           /* bad second byte */
	        {"ok \xc3\xa9 then \x80", 13}, /* good, then bad */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct buf b;
		struct jw w;
		json_t *j;

		/* jansson agrees the input is not UTF-8 */
		j = json_stringn(bad[i].s, bad[i].n);
		assert_null(j);
		buf_init(&b, OUT_MAX, 1);
		assert_int_equal(buf_puts(&b, "kept"), ERR_OK);
		jw_init(&w, &b);
		jw_object_begin(&w);
		jw_kstring(&w, "name", "fine");
		jw_key(&w, "bad");
		jw_string_n(&w, bad[i].s, bad[i].n);
		jw_knull(&w, "after");
		jw_object_end(&w);
		assert_int_equal(jw_error(&w), ERR_INTERNAL);
		assert_int_equal(jw_finish(&w), ERR_INTERNAL);
		/* the buffer is as it was before the writer began */
		assert_int_equal(b.len, 4);
		assert_string_equal(b.data, "kept");
		buf_cleanup(&b);
	}
}

/* A refused key fails the same way. */
static void invalid_utf8_key_refused(void **state)
{
	struct buf b;
	struct jw w;

	(void)state;
	buf_init(&b, OUT_MAX, 1);
	jw_init(&w, &b);
	jw_object_begin(&w);
	jw_kint(&w, "\xc0\x80", 1);
	jw_object_end(&w);
	assert_int_equal(jw_finish(&w), ERR_INTERNAL);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
}

/* ---- structure -------------------------------------------------------------- */

static void nested_structure_compact(void **state)
{
	struct buf b;
	struct jw w;

	(void)state;
	buf_init(&b, OUT_MAX, 1);
	jw_init(&w, &b);
	jw_object_begin(&w);
	jw_kstring(&w, "id", "abc");
	jw_kstring(&w, "none", NULL);
	jw_kint(&w, "n", -42);
	jw_kbool(&w, "t", 1);
	jw_kbool(&w, "f", 0);
	jw_knull(&w, "z");
	jw_karray_begin(&w, "a");
	jw_int(&w, 1);
	jw_object_begin(&w);
	jw_object_end(&w);
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_string(&w, "s");
	jw_array_end(&w);
	jw_kobject_begin(&w, "o");
	jw_karray_begin(&w, "e");
	jw_array_end(&w);
	jw_object_end(&w);
	jw_ktime(&w, "at", 0);
	jw_object_end(&w);
	assert_int_equal(jw_finish(&w), ERR_OK);
	assert_string_equal(b.data,
	                    "{\"id\":\"abc\",\"none\":null,\"n\":-42,\"t\":true,\"f\":false,"
	                    "\"z\":null,\"a\":[1,{},[],\"s\"],\"o\":{\"e\":[]},"
	                    "\"at\":\"1970-01-01T00:00:00Z\"}");
	buf_cleanup(&b);
}

static void scalars_at_the_top(void **state)
{
	static const char *const want[] = {"null", "true", "-9223372036854775808", "\"x\""};
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct buf b;
		struct jw w;

		buf_init(&b, OUT_MAX, 0);
		jw_init(&w, &b);
		if (i == 0)
			jw_null(&w);
		else if (i == 1)
			jw_bool(&w, 7);
		else if (i == 2)
			jw_int(&w, INT64_MIN);
		else
			jw_string(&w, "x");
		assert_int_equal(jw_finish(&w), ERR_OK);
		assert_string_equal(b.data, want[i]);
		buf_cleanup(&b);
	}
}

static void integers_as_jansson(void **state)
{
	static const int64_t v[] = {0,          1,          -1,         9,         10,
	                            -10,        99,         100,        123456789, -987654321,
	                            INT32_MAX,  INT32_MIN,  INT64_MAX,  INT64_MIN, INT64_MIN + 1,
	                            1000000000, 4294967296, -4294967296};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct buf b;
		struct jw w;
		char *want = dump(json_integer(v[i]));

		buf_init(&b, OUT_MAX, 0);
		jw_init(&w, &b);
		jw_int(&w, v[i]);
		assert_int_equal(jw_finish(&w), ERR_OK);
		assert_string_equal(b.data, want);
		free(want);
		buf_cleanup(&b);
	}
}

/* depth_run - open `depth` arrays, then close them; the writer's result. */
static enum err depth_run(unsigned depth)
{
	struct buf b;
	struct jw w;
	unsigned i;
	enum err e;

	buf_init(&b, OUT_MAX, 1);
	jw_init(&w, &b);
	for (i = 0; i < depth; i++)
		jw_array_begin(&w);
	for (i = 0; i < depth; i++)
		jw_array_end(&w);
	e = jw_finish(&w);
	if (e == ERR_OK) {
		json_t *v = json_loads(b.data, 0, NULL);

		assert_non_null(v);
		json_decref(v);
	} else {
		assert_int_equal(b.len, 0);
	}
	buf_cleanup(&b);
	return e;
}

static void nesting_limit(void **state)
{
	struct buf b;
	struct jw w;
	unsigned i;
	char *want;

	(void)state;
	assert_int_equal(depth_run(1), ERR_OK);
	assert_int_equal(depth_run(JW_DEPTH_MAX), ERR_OK);
	assert_int_equal(depth_run(JW_DEPTH_MAX + 1), ERR_INTERNAL);
	assert_int_equal(depth_run(1000), ERR_INTERNAL);
	/* objects and arrays interleaved at the limit */
	buf_init(&b, OUT_MAX, 1);
	jw_init(&w, &b);
	for (i = 0; i < JW_DEPTH_MAX; i++) {
		if (i % 2 == 0) {
			jw_array_begin(&w);
			jw_int(&w, i);
		} else {
			jw_object_begin(&w);
			jw_key(&w, "k");
		}
	}
	jw_null(&w); /* the innermost object's (JW_DEPTH_MAX is even) value */
	for (i = JW_DEPTH_MAX; i > 0; i--) {
		if ((i - 1) % 2 == 0)
			jw_array_end(&w);
		else
			jw_object_end(&w);
	}
	assert_int_equal(jw_finish(&w), ERR_OK);
	want = dump(json_loads(b.data, 0, NULL));
	assert_string_equal(b.data, want);
	free(want);
	buf_cleanup(&b);
}

/* misuse - a writer driven by script `s`; every script is out of order. */
static void misuse(int s)
{
	struct buf b;
	struct jw w;

	buf_init(&b, OUT_MAX, 1);
	assert_int_equal(buf_puts(&b, "[1,"), ERR_OK);
	jw_init(&w, &b);
	switch (s) {
	case 0: jw_key(&w, "k"); break;                                       /* key at the top */
	case 1: jw_array_begin(&w), jw_key(&w, "k"); break;                   /* key in an array */
	case 2: jw_object_begin(&w), jw_int(&w, 1); break;                    /* value, no key */
	case 3: jw_object_begin(&w), jw_key(&w, "a"), jw_key(&w, "b"); break; /* two keys */
	case 4: jw_object_begin(&w), jw_key(&w, "a"), jw_object_end(&w); break; /* key, no value */
	case 5: jw_object_begin(&w), jw_array_end(&w); break;                   /* wrong kind */
	case 6: jw_array_begin(&w), jw_object_end(&w); break;                   /* wrong kind */
	case 7: jw_array_end(&w); break;                                        /* nothing open */
	case 8: jw_int(&w, 1), jw_int(&w, 2); break;                            /* two values */
	case 9: jw_null(&w), jw_array_begin(&w); break;                         /* two values */
	case 10: jw_array_begin(&w); break;                                     /* left open */
	case 11: break;                                                         /* nothing */
	case 12: jw_object_begin(&w), jw_object_end(&w), jw_object_end(&w); break;
	default: fail();
	}
	jw_object_end(&w); /* ignored after an error */
	assert_int_equal(jw_finish(&w), ERR_INTERNAL);
	assert_string_equal(b.data, "[1,");
	assert_int_equal(b.len, 3);
	/* wiped past the cut */
	assert_int_equal(b.data[3], '\0');
	buf_cleanup(&b);
}

static void calls_out_of_order_fail(void **state)
{
	int s;

	(void)state;
	for (s = 0; s <= 12; s++)
		misuse(s);
}

/* ---- errors ----------------------------------------------------------------- */

static void first_error_wins_and_the_cut_is_wiped(void **state)
{
	struct buf b;
	struct jw w;
	size_t i;

	(void)state;
	buf_init(&b, 64, 1);
	jw_init(&w, &b);
	jw_array_begin(&w);
	jw_string(&w, "0123456789012345678901234567890123456789");
	jw_string(&w, "0123456789012345678901234567890123456789"); /* past 64 */
	assert_int_equal(jw_error(&w), ERR_TOOBIG);
	jw_key(&w, "k"); /* would be ERR_INTERNAL: the first error stays */
	jw_fail(&w, ERR_NOMEM);
	jw_array_end(&w);
	assert_int_equal(jw_finish(&w), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	for (i = 0; i < b.cap; i++)
		assert_int_equal(b.data[i], 0);
	buf_cleanup(&b);
}

/* An answer that fits the buffer's maximum exactly is written, although
 * escaping reserves room for the worst case first. */
static void fits_the_maximum_exactly(void **state)
{
	const char *s = "\xc3\xa9\xc3\xa9\xc3\xa9 \"quoted\" \xf0\x9f\x98\x80";
	char *want = dump(json_pack("[s,i]", s, 7));
	struct buf b;
	struct jw w;

	(void)state;
	buf_init(&b, strlen(want), 1);
	jw_init(&w, &b);
	jw_array_begin(&w);
	jw_string(&w, s);
	jw_int(&w, 7);
	jw_array_end(&w);
	assert_int_equal(jw_finish(&w), ERR_OK);
	assert_string_equal(b.data, want);
	buf_cleanup(&b);
	/* one byte less: refused, and nothing is left */
	buf_init(&b, strlen(want) - 1, 1);
	jw_init(&w, &b);
	jw_array_begin(&w);
	jw_string(&w, s);
	jw_int(&w, 7);
	jw_array_end(&w);
	assert_int_equal(jw_finish(&w), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	free(want);
}

/* jw_reserve is a hint: past the maximum it takes what there is, and the
 * answer is written as without it. */
static void reserve_is_only_a_hint(void **state)
{
	struct buf b;
	struct jw w;

	(void)state;
	buf_init(&b, 32, 1);
	jw_init(&w, &b);
	jw_reserve(&w, 1u << 30);
	assert_int_equal(jw_error(&w), ERR_OK);
	assert_true(b.cap >= 33);
	jw_array_begin(&w);
	jw_string(&w, "0123456789012345678901234567");
	jw_array_end(&w);
	assert_int_equal(jw_finish(&w), ERR_OK);
	assert_int_equal(b.len, 32);
	buf_cleanup(&b);
}

/* ---- times -------------------------------------------------------------------- */

static void times_as_api_time_json(void **state)
{
	static const int64_t fixed[] = {
	        0,         1,          59,          86399,        86400,        951782400,
	        951868800, 1700000000, 4102444800,  4107542400,   253402300799, 253402300800,
	        -1,        -86400,     -2208988800, -62135596800, 2147483647,   2147483648LL};
	uint64_t x = 88172645463325252ull;
	int i;

	(void)state;
	for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]) + 20000; i++) {
		int64_t t;
		struct buf b;
		struct jw w;
		char *want;

		if (i < (int)(sizeof fixed / sizeof fixed[0])) {
			t = fixed[i];
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift */
			t = (int64_t)(x % 300000000000ull) - 20000000000LL;
		}
		want = dump(api_time_json(t));
		buf_init(&b, OUT_MAX, 0);
		jw_init(&w, &b);
		jw_time(&w, t);
		assert_int_equal(jw_finish(&w), ERR_OK);
		assert_string_equal(b.data, want);
		free(want);
		buf_cleanup(&b);
	}
}

/* ---- round trips -------------------------------------------------------------- */

/* random_utf8 - n characters of valid UTF-8 drawn from every length class
 * (controls, quotes and backslashes included) into s; its length. */
static size_t random_utf8(uint64_t *x, char *s, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++) {
		uint32_t cp;
		unsigned k;

		*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
		k = (unsigned)(*x % 5);
		cp = (uint32_t)(*x >> 8);
		cp = k == 0   ? 1 + cp % 0x7f
		     : k == 1 ? 0x80 + cp % 0x780
		     : k == 2 ? 0x800 + cp % 0xf800
		     : k == 3 ? 0x10000 + cp % 0x100000
		              : (uint32_t) "\"\\\n\t/\x01"[cp % 6];
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		if (cp < 0x80) {
			s[len++] = (char)cp;
		} else if (cp < 0x800) {
			s[len++] = (char)(0xc0 | cp >> 6);
			s[len++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			s[len++] = (char)(0xe0 | cp >> 12);
			s[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			s[len++] = (char)(0x80 | (cp & 0x3f));
		} else {
			s[len++] = (char)(0xf0 | cp >> 18);
			s[len++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			s[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			s[len++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	return len;
}

static void round_trips_through_jansson(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		json_t *tree = json_object(), *arr = json_array(), *back;
		struct buf b;
		struct jw w;
		char s[64 * 4], key[16];
		char *want;
		size_t n;
		int i;

		buf_init(&b, OUT_MAX, 1);
		jw_init(&w, &b);
		jw_object_begin(&w);
		for (i = 0; i < 8; i++) {
			snprintf(key, sizeof key, "k%d", i);
			n = random_utf8(&x, s, (size_t)(i * 7 + round % 13));
			jw_key(&w, key);
			jw_string_n(&w, s, n);
			json_object_set_new(tree, key, json_stringn(s, n));
		}
		jw_karray_begin(&w, "list");
		for (i = 0; i < 5; i++) {
			n = random_utf8(&x, s, 10);
			jw_string_n(&w, s, n);
			json_array_append_new(arr, json_stringn(s, n));
			jw_int(&w, (int64_t)x);
			json_array_append_new(arr, json_integer((json_int_t)x));
		}
		jw_array_end(&w);
		json_object_set_new(tree, "list", arr);
		jw_object_end(&w);
		assert_int_equal(jw_finish(&w), ERR_OK);
		/* it parses, to the same values ... */
		back = json_loads(b.data, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(back);
		assert_true(json_equal(back, tree));
		json_decref(back);
		/* ... and is byte for byte what jansson writes */
		want = dump(tree);
		assert_string_equal(b.data, want);
		free(want);
		buf_cleanup(&b);
	}
}

/* api_jw_json writes a jansson tree as jansson itself would. */
static void jansson_values_embedded(void **state)
{
	json_t *v = json_pack("{s:s,s:[i,b,n,{s:s}],s:{},s:[]}", "a", "\xc3\xa9\n", "b", -5, 1, "c",
	                      "\xf0\x9f\x98\x80", "d", "e");
	char *want;
	struct buf b;
	struct jw w;

	(void)state;
	assert_non_null(v);
	buf_init(&b, OUT_MAX, 1);
	jw_init(&w, &b);
	jw_array_begin(&w);
	api_jw_json(&w, v);
	jw_array_end(&w);
	assert_int_equal(jw_finish(&w), ERR_OK);
	want = dump(json_pack("[O]", v));
	assert_string_equal(b.data, want);
	free(want);
	buf_cleanup(&b);
	json_decref(v);
	/* a real is refused; so is a value that could not be made */
	buf_init(&b, OUT_MAX, 1);
	jw_init(&w, &b);
	v = json_real(1.5);
	api_jw_json(&w, v);
	assert_int_equal(jw_finish(&w), ERR_INTERNAL);
	json_decref(v);
	jw_init(&w, &b);
	api_jw_json(&w, NULL);
	assert_int_equal(jw_finish(&w), ERR_NOMEM);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_control_character_escaped),
	        cmocka_unit_test(quotes_backslash_and_plain_ascii),
	        cmocka_unit_test(bmp_characters_as_u_escapes),
	        cmocka_unit_test(astral_characters_as_surrogate_pairs),
	        cmocka_unit_test(nul_bytes_escaped),
	        cmocka_unit_test(long_strings_across_chunks),
	        cmocka_unit_test(every_byte_at_every_position),
	        cmocka_unit_test(invalid_utf8_refused),
	        cmocka_unit_test(invalid_utf8_key_refused),
	        cmocka_unit_test(nested_structure_compact),
	        cmocka_unit_test(scalars_at_the_top),
	        cmocka_unit_test(integers_as_jansson),
	        cmocka_unit_test(nesting_limit),
	        cmocka_unit_test(calls_out_of_order_fail),
	        cmocka_unit_test(first_error_wins_and_the_cut_is_wiped),
	        cmocka_unit_test(fits_the_maximum_exactly),
	        cmocka_unit_test(reserve_is_only_a_hint),
	        cmocka_unit_test(times_as_api_time_json),
	        cmocka_unit_test(round_trips_through_jansson),
	        cmocka_unit_test(jansson_values_embedded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
