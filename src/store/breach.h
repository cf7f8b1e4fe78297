/*
 * breach.h - breach records in the store (store_breach.c): the incident as
 * the practice describes it, the audit-trail filter that finds who was
 * affected, and its deadlines' starting point (discovery).
 *
 * Responsible for: inserting and reading breaches. The texts describe the
 * incident and the practice's response, never a client (docs/api.md), so
 * they are stored as written. Never: decides who may read them (domain/).
 */
#ifndef CONFIDANT_STORE_BREACH_H
#define CONFIDANT_STORE_BREACH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define BREACH_TEXT_MAX 2001  /* bytes of a long text field, with NUL */
#define BREACH_SHORT_MAX 501  /* bytes of info types and contact, with NUL */
#define BREACH_FILTER_MAX 201 /* bytes of an actor, session or source filter, with NUL */

/* One breach record. */
struct breach {
	int64_t id;                         /* row id */
	char public_id[33];                 /* opaque id */
	int64_t discovered_at;              /* unix seconds: the deadlines run from here */
	char description[BREACH_TEXT_MAX];  /* what happened */
	char info_types[BREACH_SHORT_MAX];  /* kinds of information involved */
	char steps[BREACH_TEXT_MAX];        /* what individuals should do */
	char actions[BREACH_TEXT_MAX];      /* what the practice is doing */
	char contact[BREACH_SHORT_MAX];     /* how to reach the practice */
	char consequences[BREACH_TEXT_MAX]; /* likely consequences (GDPR 33(3)(c), 34(2)) */
	char actor[BREACH_FILTER_MAX];      /* filter: user public id, or "" */
	char session[BREACH_FILTER_MAX];    /* filter: session public id, or "" */
	char source[BREACH_FILTER_MAX];     /* filter: peer address, or "" */
	int64_t window_from;                /* filter: from (0: open) */
	int64_t window_to;                  /* filter: to (0: open) */
	int64_t affected;                   /* clients found when it was recorded */
	char created_by[33];                /* user public id */
	int64_t created_at;                 /* unix seconds */
};

/* store_breach_insert - insert b (created_by is the user row id); sets
 * b->id and b->public_id. */
enum err store_breach_insert(struct store *s, struct breach *b, int64_t created_by);
/* store_breach_get - by public id; ERR_NOTFOUND. */
enum err store_breach_get(struct store *s, const char *public_id, struct breach *out);
/* store_breach_list - newest discovery first, at most max. */
enum err store_breach_list(struct store *s, struct breach *out, size_t max, size_t *n);

#endif
