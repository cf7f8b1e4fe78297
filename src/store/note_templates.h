/*
 * note_templates.h - practice-defined note templates and notes' sealed risk
 * summaries in the store (store_note_templates.c, store_risk.c).
 *
 * Responsible for: note_templates rows (not PHI: names, titles, field
 * labels; the fields are domain-formatted text the store does not read)
 * and the notes.risk_sealed column, sealed under the client's key and
 * bound to the note's row. Never: changes a template's fields (the schema
 * refuses too) or returns a summary that failed to open.
 */
#ifndef CONFIDANT_STORE_NOTE_TEMPLATES_H
#define CONFIDANT_STORE_NOTE_TEMPLATES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* A stored template. */
struct note_template_row {
	int64_t id;         /* row id */
	char name[16];      /* unique, [a-z][a-z0-9_]* */
	char title[81];     /* shown to people */
	char *fields;       /* domain-formatted field list (heap; free()) */
	int64_t created_at; /* unix seconds */
	int64_t retired_at; /* 0 while offered for new notes */
	int64_t notes;      /* how many notes use it */
};
void note_template_row_cleanup(struct note_template_row *r);

/* store_note_template_add - insert r (name, title, fields); ERR_CONFLICT
 * if the name is taken. Sets r->id. */
enum err store_note_template_add(struct store *s, struct note_template_row *r, int64_t by,
                                 int64_t now);
/* store_note_template_get - by name; ERR_NOTFOUND. */
enum err store_note_template_get(struct store *s, const char *name, struct note_template_row *out);
/* store_note_template_list - every stored template in creation order, at
 * most max; *n set. On error nothing is left in out. */
enum err store_note_template_list(struct store *s, struct note_template_row *out, size_t max,
                                  size_t *n);
/* store_note_template_retire - mark retired; ERR_CONFLICT if it already
 * is, ERR_NOTFOUND if there is no such template. */
enum err store_note_template_retire(struct store *s, const char *name, int64_t now);

/* store_note_risk_put - seal summary (domain-formatted) into note id's
 * risk_sealed, under client_id's current key. */
enum err store_note_risk_put(struct store *s, const struct vault *v, int64_t note_id,
                             int64_t client_id, const char *summary);

/* The latest signed note of a client for the risk report. */
struct note_risk_row {
	int64_t note_id;         /* row id */
	char note_public_id[33]; /* its public id */
	char date[11];           /* date of service */
	char *summary;           /* opened risk summary, or NULL if the note has none */
	char *content;           /* the note's text, opened only when summary is NULL */
};
void note_risk_row_cleanup(struct note_risk_row *r);

/* store_note_risk_latest - client_id's latest signed (or awaiting
 * co-signature) note dated on or after since (YYYY-MM-DD): its summary, or
 * its text when it predates summaries. ERR_NOTFOUND if none; ERR_CRYPTO
 * if a sealed value fails to open. */
enum err store_note_risk_latest(struct store *s, const struct vault *v, int64_t client_id,
                                const char *since, struct note_risk_row *out);

#endif
