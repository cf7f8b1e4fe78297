/*
 * search.c - blind-index tokens. Case folding is ASCII only: non-ASCII
 * bytes are kept as they are, and prefixes are cut at UTF-8 character
 * boundaries so a token is always valid UTF-8.
 */
#include "store/search.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define WORD_MAX 64 /* longer words are cut (at a character boundary) */

void search_tokens_init(struct search_tokens *t)
{
	memset(t, 0, sizeof *t);
}

void search_tokens_cleanup(struct search_tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		mem_free_wiped_str(t->tok[i]);
	t->n = 0;
}

static enum err add(struct search_tokens *t, const char *tag, const char *w, size_t n)
{
	size_t i;
	char *p;

	if (t->n == SEARCH_TOKENS_MAX)
		return ERR_TOOBIG;
	p = malloc(n + 3);
	if (p == NULL)
		return ERR_NOMEM;
	p[0] = tag[0];
	p[1] = ':';
	memcpy(p + 2, w, n);
	p[n + 2] = '\0';
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->tok[i], p) == 0) {
			mem_free_wiped_str(p);
			return ERR_OK;
		}
	}
	t->tok[t->n++] = p;
	return ERR_OK;
}

static int is_sep(unsigned char c)
{
	return c <= ' ' || c == ',' || c == '.' || c == '-' || c == '\'' || c == '"' || c == '(' ||
	       c == ')' || c == '/' || c == ';';
}

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* next_word - copy the next word from *s, lower-cased, into w (WORD_MAX+1);
 * returns its length, 0 at the end. */
static size_t next_word(const char **s, char *w)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = 0;

	while (*p && is_sep(*p))
		p++;
	while (*p && !is_sep(*p)) {
		if (n < WORD_MAX) {
			unsigned char c = *p;
			w[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		}
		p++;
	}
	/* Never end inside a UTF-8 sequence. */
	while (n > 0 && (is_cont((unsigned char)w[n - 1]) || (unsigned char)w[n - 1] >= 0xC0)) {
		size_t k = n;

		while (k > 0 && is_cont((unsigned char)w[k - 1]))
			k--;
		if (k == 0)
			break;
		/* w[k-1] is the lead byte; keep the sequence if complete. */
		{
			unsigned char lead = (unsigned char)w[k - 1];
			size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
			if (n - (k - 1) == want)
				break;
			n = k - 1;
		}
	}
	w[n] = '\0';
	*s = (const char *)p;
	return n;
}

/* prefix_len - the largest character boundary <= want within w[0..n). */
static size_t prefix_len(const char *w, size_t n, size_t want)
{
	if (want >= n)
		return n;
	while (want > 0 && is_cont((unsigned char)w[want]))
		want--;
	return want;
}

static enum err index_name(struct search_tokens *t, const char *name)
{
	char w[WORD_MAX + 1];
	size_t n, k, last;
	enum err e = ERR_OK;

	if (name == NULL)
		return ERR_OK;
	while (e == ERR_OK && (n = next_word(&name, w)) > 0) {
		last = 0;
		for (k = 2; k <= SEARCH_PREFIX_MAX && e == ERR_OK; k++) {
			size_t p = prefix_len(w, n, k);

			if (p < 2 || p == last)
				continue;
			e = add(t, "n", w, p);
			last = p;
			if (p == n)
				break;
		}
	}
	mem_wipe(w, sizeof w);
	return e;
}

static int is_date(const char *s, size_t n)
{
	size_t i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

enum err search_tokens_index(struct search_tokens *t, const char *legal_name,
                             const char *preferred_name, const char *dob)
{
	enum err e = index_name(t, legal_name);

	if (e == ERR_OK)
		e = index_name(t, preferred_name);
	if (e == ERR_OK && dob != NULL && is_date(dob, strlen(dob)))
		e = add(t, "d", dob, 10);
	return e;
}

enum err search_tokens_query(struct search_tokens *t, const char *query, size_t max)
{
	char chunk[WORD_MAX * 4 + 1];
	size_t n, words = 0;
	enum err e = ERR_OK;

	/* Space-separated chunks: a chunk that is a date looks up the date;
	 * any other chunk is split into name words like the index was. */
	while (e == ERR_OK && *query) {
		const char *p;
		size_t len;

		query += strspn(query, " \t");
		len = strcspn(query, " \t");
		if (len == 0)
			break;
		if (is_date(query, len)) {
			if (++words > max)
				return ERR_INVAL;
			e = add(t, "d", query, 10);
			query += len;
			continue;
		}
		if (len >= sizeof chunk)
			len = sizeof chunk - 1;
		memcpy(chunk, query, len);
		chunk[len] = '\0';
		query += strcspn(query, " \t");
		p = chunk;
		while (e == ERR_OK) {
			char w[WORD_MAX + 1];

			n = next_word(&p, w);
			if (n == 0)
				break;
			if (n >= 2) {
				if (++words > max) {
					mem_wipe(w, sizeof w);
					e = ERR_INVAL;
					break;
				}
				e = add(t, "n", w, prefix_len(w, n, SEARCH_PREFIX_MAX));
			}
			mem_wipe(w, sizeof w);
		}
		mem_wipe(chunk, sizeof chunk);
	}
	return e;
}
