/*
 * search.h - turning names and birth dates into blind-index tokens.
 *
 * Responsible for: normalising text (ASCII case folded, split on spaces and
 * punctuation) and producing the tokens the store hashes with the search
 * subkey: "n:" + each prefix (2..SEARCH_PREFIX_MAX bytes) of each name word,
 * and "d:" + a full YYYY-MM-DD birth date. A query produces the tokens to
 * look up: each word's "n:" prefix, or "d:" for a date.
 * Never: stores or logs a token; tokens are PHI and are wiped on cleanup.
 */
#ifndef CONFIDANT_STORE_SEARCH_H
#define CONFIDANT_STORE_SEARCH_H

#include <stddef.h>

#include "core/err.h"

#define SEARCH_PREFIX_MAX 16  /* longest indexed prefix, in bytes */
#define SEARCH_TOKENS_MAX 512 /* most tokens one client produces */

struct search_tokens {
	char *tok[SEARCH_TOKENS_MAX]; /* heap strings, each wiped on cleanup */
	size_t n;                     /* tokens in tok */
};

void search_tokens_init(struct search_tokens *t);
void search_tokens_cleanup(struct search_tokens *t);

/* search_tokens_index - the tokens of a client (any argument may be NULL). */
enum err search_tokens_index(struct search_tokens *t, const char *legal_name,
                             const char *preferred_name, const char *dob);

/* search_tokens_query - the tokens of a query; ERR_INVAL if it has more
 * than max words. Words shorter than 2 bytes are ignored. */
enum err search_tokens_query(struct search_tokens *t, const char *query, size_t max);

#endif
