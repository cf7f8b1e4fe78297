/*
 * icd10.h - the ICD-10-CM code list shipped with Confidant (data/icd10cm.tsv,
 * compiled in by scripts/embed-icd10.sh): lookup by code and search by code
 * prefix or words.
 *
 * Responsible for: one spelling of every code (upper case, with the dot:
 * "F41.1") and its X12 form for claims ("F411"). The list is public
 * reference data, not PHI: searching it is not audited. Never: allocates,
 * reads files, or knows about clients.
 */
#ifndef CONFIDANT_DOMAIN_ICD10_H
#define CONFIDANT_DOMAIN_ICD10_H

#include <stddef.h>

#include "core/err.h"

#define ICD10_CODE_MAX 9      /* bytes of the longest code with its dot, "T14.91XA" */
#define ICD10_X12_MAX 8       /* bytes of the longest code without the dot */
#define ICD10_QUERY_MAX 100   /* bytes of a search query */
#define ICD10_QUERY_WORDS 8   /* words of a search query */
#define ICD10_RESULTS_MAX 100 /* results one search may ask for */

/* One code of the list (borrowed: static storage, never freed). */
struct icd10_code {
	const char *code;  /* "F41.1" */
	const char *title; /* "Generalized anxiety disorder" */
};

/* icd10_count - how many codes the list has. */
size_t icd10_count(void);

/* icd10_find - the entry for code, matched without regard to case and
 * with or without the dot ("f411", "F41.1" and "f41.1" all find F41.1).
 * ERR_NOTFOUND if it is not in the list (or is malformed); *out is
 * written only on success. */
enum err icd10_find(const char *code, struct icd10_code *out);

/* icd10_search - up to max codes (max <= ICD10_RESULTS_MAX) matching
 * query, in list order, into out; *n set to how many. A query that looks
 * like a code ("F43", "f43.1") matches codes starting with it; otherwise
 * every word of the query must appear in the title (case-insensitive,
 * anywhere in it: "depress recur" finds F33.x). ERR_INVAL for an empty
 * query, one longer than ICD10_QUERY_MAX or with more than
 * ICD10_QUERY_WORDS words, or max 0 or too large. */
enum err icd10_search(const char *query, struct icd10_code *out, size_t max, size_t *n);

/* icd10_x12 - the X12 (claim) form of a listed code: its canonical
 * spelling without the dot ("F41.1" -> "F411"), into out (at least
 * ICD10_X12_MAX + 1 bytes). ERR_NOTFOUND if the code is not in the list. */
enum err icd10_x12(const char *code, char out[ICD10_X12_MAX + 1]);

#endif
