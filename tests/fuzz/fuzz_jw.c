/* fuzz_jw.c - libFuzzer target: the input is a script of JSON writer calls
 * (core/jw.h) in any order, with any bytes as strings and keys. Whatever
 * the script, jw_finish either succeeds with text that jansson parses,
 * that holds only bytes 0x20-0x7f, and that jansson writes back byte for
 * byte, or fails and leaves the buffer as it was. A string jansson refuses as UTF-8
 * fails the writer; one it accepts never does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* take - the next n bytes of the script (fewer at its end). */
static const uint8_t *take(const uint8_t **p, const uint8_t *end, size_t *n)
{
	const uint8_t *s = *p;

	if ((size_t)(end - s) < *n)
		*n = (size_t)(end - s);
	*p += *n;
	return s;
}

static int64_t take_int(const uint8_t **p, const uint8_t *end)
{
	size_t n = 8;
	const uint8_t *s = take(p, end, &n);
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | s[n];
	return (int64_t)v;
}

/* take_string - a length byte then that many bytes. */
static const char *take_string(const uint8_t **p, const uint8_t *end, size_t *n)
{
	size_t len = *p < end ? **p : 0;
	const uint8_t *s;

	if (*p < end)
		(*p)++;
	s = take(p, end, &len);
	*n = len;
	return (const char *)s;
}

/* check - set *bad when jansson refuses the n bytes at s as UTF-8. */
static void check(const char *s, size_t n, int *bad)
{
	json_t *j = json_stringn(s, n);

	if (j == NULL)
		*bad = 1;
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct buf b;
	struct jw w;
	int bad = 0;
	size_t n, i;
	enum err e;

	buf_init(&b, 1u << 20, 1);
	if (buf_puts(&b, "prefix") != ERR_OK)
		abort();
	jw_init(&w, &b);
	while (p < end) {
		uint8_t op = *p++;
		const char *s;
		char key[257];

		switch (op % 13) {
		case 0: jw_object_begin(&w); break;
		case 1: jw_object_end(&w); break;
		case 2: jw_array_begin(&w); break;
		case 3: jw_array_end(&w); break;
		case 4:
		case 10:
			/* keys are C strings: cut at the first NUL */
			s = take_string(&p, end, &n);
			memcpy(key, s, n);
			key[n] = '\0';
			check(key, strlen(key), &bad);
			if (op % 13 == 4)
				jw_key(&w, key);
			else
				jw_kint(&w, key, take_int(&p, end));
			break;
		case 5:
			s = take_string(&p, end, &n);
			check(s, n, &bad);
			jw_string_n(&w, s, n);
			break;
		case 6: jw_int(&w, take_int(&p, end)); break;
		case 7: jw_bool(&w, op & 0x80); break;
		case 8: jw_null(&w); break;
		case 9: jw_time(&w, take_int(&p, end) % 400000000000LL); break;
		case 11: jw_string(&w, NULL); break;
		case 12: jw_kbool(&w, "k", 1); break;
		}
	}
	e = jw_finish(&w);
	if (e == ERR_OK) {
		const char *text = b.data + 6;
		json_t *v;
		char *again;

		if (bad)
			abort(); /* jansson refused a string the writer took */
		for (i = 6; i < b.len; i++)
			if ((unsigned char)b.data[i] < 0x20 || (unsigned char)b.data[i] > 0x7f)
				abort(); /* not ASCII-only */
		v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (v == NULL)
			abort(); /* not JSON */
		/* without duplicate keys, jansson writes the same text back */
		again = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
		if (again == NULL)
			abort();
		if (strcmp(again, text) != 0 &&
		    json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES,
		               NULL) != NULL)
			abort();
		free(again);
		json_decref(v);
	} else if (b.len != 6 || strcmp(b.data, "prefix") != 0) {
		abort(); /* a failed answer left something behind */
	}
	buf_cleanup(&b);
	return 0;
}
