/*
 * today.h - the notes on a clinician's desk, across clients
 * (store_today.c): their own drafts, and notes waiting for their
 * co-signature.
 *
 * Responsible for: the two cross-client queries, newest first, returning
 * struct note rows without text. Callers (domain/) check that the actor
 * still reaches each client. Never: opens a note's sealed text.
 */
#ifndef CONFIDANT_STORE_TODAY_H
#define CONFIDANT_STORE_TODAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* store_today_drafts - drafts written by author_id, last changed first; at
 * most max into out (no content), *n set. */
enum err store_today_drafts(struct store *s, int64_t author_id, struct note *out, size_t max,
                            size_t *n);
/* store_today_cosign - notes awaiting co-signature whose authors
 * supervisor_id supervises, oldest signature first; at most max, *n set. */
enum err store_today_cosign(struct store *s, int64_t supervisor_id, struct note *out, size_t max,
                            size_t *n);

#endif
