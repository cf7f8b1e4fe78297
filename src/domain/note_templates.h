/*
 * note_templates.h - note templates: the built-in ones (SOAP, DAP, BIRP,
 * intake, discharge; domain/notes.c) and those the practice defines.
 *
 * Responsible for: looking a template up by name with its fields, labels
 * and length limits; letting the owner define a template (the risk fields
 * risk_suicidal, risk_homicidal and safety_plan are always added) and
 * retire one. A template never changes once made: the practice makes a
 * new one and retires the old; a retired template is not offered for new
 * notes but still describes the notes written with it.
 * Never: holds PHI (templates are practice configuration), lets anyone but
 * the owner define or retire one.
 */
#ifndef CONFIDANT_DOMAIN_NOTE_TEMPLATES_H
#define CONFIDANT_DOMAIN_NOTE_TEMPLATES_H

#include "domain/domain.h"
#include "domain/notes.h"

#define NOTE_TEMPLATE_NAME_MAX 15  /* bytes of a template's name */
#define NOTE_TEMPLATE_TITLE_MAX 80 /* bytes of its title */
#define NOTE_FIELD_NAME_MAX 32     /* bytes of a field's name */
#define NOTE_FIELD_LABEL_MAX 80    /* bytes of a field's label */
#define NOTE_TEMPLATES_MAX 200     /* practice templates, retired ones included */
#define NOTE_RISK_FIELDS 3         /* risk_suicidal, risk_homicidal, safety_plan */

/* One field of a template. */
struct note_field_def {
	char name[NOTE_FIELD_NAME_MAX + 1];   /* key in the note's fields */
	char label[NOTE_FIELD_LABEL_MAX + 1]; /* shown to people */
	size_t max_length;                    /* bytes; NOTE_FIELD_MAX unless smaller */
};

/* A template as notes use it. */
struct note_template_def {
	char name[NOTE_TEMPLATE_NAME_MAX + 1];   /* "soap", or the practice's name */
	char title[NOTE_TEMPLATE_TITLE_MAX + 1]; /* shown to people */
	int builtin;                             /* one of the five in the code */
	int retired;                             /* not offered for new notes */
	int64_t notes;                           /* notes using it (practice templates) */
	int64_t created_at;                      /* unix seconds, 0 for built-in */
	size_t nfields;                          /* fields in order, risk fields last */
	struct note_field_def fields[NOTE_FIELDS_MAX];
};

/* domain_note_template_find - the template called name, built-in first.
 * ERR_NOTFOUND if there is none. Reads the store (inside or outside the
 * caller's transaction). */
enum err domain_note_template_find(struct domain_ctx *ctx, const char *name,
                                   struct note_template_def *out);

/* domain_note_template_field - the field called name of t, or NULL. */
const struct note_field_def *domain_note_template_field(const struct note_template_def *t,
                                                        const char *name);

/* domain_note_template_all - built-in templates, then the practice's in
 * the order made (retired ones included, flagged), at most max; *n set. */
enum err domain_note_template_all(struct domain_ctx *ctx, struct note_template_def *out, size_t max,
                                  size_t *n);

/* domain_note_template_create - the owner defines t (name, title, and its
 * own fields: name, label, max_length 0 for the default); the risk fields
 * are appended. ERR_INVAL (ctx->message naming the field) for a bad name,
 * title, label, length, a duplicate or reserved field name, too many
 * fields; ERR_CONFLICT if the name is taken (built-in names included).
 * *t gets the stored template. Audited as note_template.create. */
enum err domain_note_template_create(struct domain_ctx *ctx, struct note_template_def *t);

/* domain_note_template_retire - the owner stops offering a practice
 * template for new notes. ERR_NOTFOUND for no such practice template
 * (built-in ones cannot be retired: ERR_INVAL), ERR_CONFLICT if retired
 * already. Audited as note_template.retire. */
enum err domain_note_template_retire(struct domain_ctx *ctx, const char *name);

#endif
