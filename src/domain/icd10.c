/*
 * icd10.c - lookup and search over the compiled-in ICD-10-CM list (see
 * icd10.h). The list is sorted by code, so a lookup is a bisection; a
 * search walks the list (a few hundred entries). Never: allocates or
 * writes anything but its out-parameters.
 */
#include "domain/icd10.h"

#include <string.h>

#include "icd10_list.h"

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* canonical - code in the list's spelling: upper case, the dot after the
 * third character when there are more. ERR_NOTFOUND if it cannot be one. */
static enum err canonical(const char *code, char out[ICD10_CODE_MAX + 1])
{
	char raw[ICD10_X12_MAX + 1];
	size_t i, k = 0, dots = 0;

	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] == '.' && i == 3 && dots == 0) {
			dots++;
			continue;
		}
		if (!alnum(code[i]) || k == ICD10_X12_MAX)
			return ERR_NOTFOUND;
		raw[k++] = upper(code[i]);
	}
	if (k < 3 || (dots == 1 && k == 3))
		return ERR_NOTFOUND;
	memcpy(out, raw, 3);
	if (k > 3) {
		out[3] = '.';
		memcpy(out + 4, raw + 3, k - 3);
		out[k + 1] = '\0';
	} else {
		out[3] = '\0';
	}
	return ERR_OK;
}

size_t icd10_count(void)
{
	return icd10_list_count;
}

enum err icd10_find(const char *code, struct icd10_code *out)
{
	char want[ICD10_CODE_MAX + 1];
	size_t lo = 0, hi = icd10_list_count;

	if (code == NULL || canonical(code, want) != ERR_OK)
		return ERR_NOTFOUND;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(want, icd10_list[mid].code);

		if (c == 0) {
			out->code = icd10_list[mid].code;
			out->title = icd10_list[mid].title;
			return ERR_OK;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ERR_NOTFOUND;
}

enum err icd10_x12(const char *code, char out[ICD10_X12_MAX + 1])
{
	struct icd10_code c;
	size_t i, k = 0;
	enum err e = icd10_find(code, &c);

	if (e != ERR_OK)
		return e;
	for (i = 0; c.code[i] != '\0' && k < ICD10_X12_MAX; i++)
		if (c.code[i] != '.')
			out[k++] = c.code[i];
	out[k] = '\0';
	return ERR_OK;
}

/* contains - does hay hold needle (n bytes), ignoring ASCII case? */
static int contains(const char *hay, const char *needle, size_t n)
{
	size_t i, j;

	for (i = 0; hay[i] != '\0'; i++) {
		for (j = 0; j < n && hay[i + j] != '\0'; j++)
			if (upper(hay[i + j]) != upper(needle[j]))
				break;
		if (j == n)
			return 1;
	}
	return 0;
}

/* A query's words: slices of the query, not copies. */
struct words {
	const char *w[ICD10_QUERY_WORDS]; /* start of each word */
	size_t len[ICD10_QUERY_WORDS];    /* its length */
	size_t n;                         /* how many */
};

/* split - the query's words, separated by spaces and punctuation other
 * than the characters titles use inside words (- / ' .). */
static enum err split(const char *q, struct words *out)
{
	size_t i = 0;

	out->n = 0;
	while (q[i] != '\0') {
		size_t start;

		while (q[i] != '\0' && !alnum(q[i]) && strchr("-/'.", q[i]) == NULL)
			i++;
		if (q[i] == '\0')
			break;
		start = i;
		while (q[i] != '\0' && (alnum(q[i]) || strchr("-/'.", q[i]) != NULL))
			i++;
		if (out->n == ICD10_QUERY_WORDS)
			return ERR_INVAL;
		out->w[out->n] = q + start;
		out->len[out->n] = i - start;
		out->n++;
	}
	return out->n > 0 ? ERR_OK : ERR_INVAL;
}

/* code_prefix - if q looks like the start of a code (a letter, a digit,
 * then letters, digits and at most one dot after the third character),
 * its canonical spelling without the dot into out; else 0. */
static int code_prefix(const char *q, char out[ICD10_X12_MAX + 1])
{
	size_t i, k = 0;

	if (!((q[0] >= 'A' && q[0] <= 'Z') || (q[0] >= 'a' && q[0] <= 'z')) || q[1] < '0' ||
	    q[1] > '9')
		return 0;
	for (i = 0; q[i] != '\0'; i++) {
		if (q[i] == '.' && i == 3)
			continue;
		if (!alnum(q[i]) || k == ICD10_X12_MAX)
			return 0;
		out[k++] = upper(q[i]);
	}
	out[k] = '\0';
	return 1;
}

/* starts_with_x12 - does code (with its dot) start with prefix (without)? */
static int starts_with_x12(const char *code, const char *prefix)
{
	size_t i = 0, k = 0;

	while (prefix[k] != '\0') {
		if (code[i] == '.') {
			i++;
			continue;
		}
		if (code[i] == '\0' || code[i] != prefix[k])
			return 0;
		i++;
		k++;
	}
	return 1;
}

enum err icd10_search(const char *query, struct icd10_code *out, size_t max, size_t *n)
{
	char prefix[ICD10_X12_MAX + 1];
	struct words w = {0};
	size_t len, i, j, k = 0;
	int by_code;
	enum err e = ERR_OK;

	if (query == NULL || max == 0 || max > ICD10_RESULTS_MAX)
		return ERR_INVAL;
	len = strlen(query);
	if (len == 0 || len > ICD10_QUERY_MAX)
		return ERR_INVAL;
	by_code = code_prefix(query, prefix);
	if (!by_code)
		e = split(query, &w);
	if (e != ERR_OK)
		return e;
	for (i = 0; i < icd10_list_count && k < max; i++) {
		const struct icd10_entry *c = &icd10_list[i];
		int hit = 1;

		if (by_code) {
			hit = starts_with_x12(c->code, prefix);
		} else {
			for (j = 0; j < w.n && hit; j++)
				hit = contains(c->title, w.w[j], w.len[j]);
		}
		if (hit) {
			out[k].code = c->code;
			out[k].title = c->title;
			k++;
		}
	}
	*n = k;
	return ERR_OK;
}
