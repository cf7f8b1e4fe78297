/*
 * notes.h - progress notes: templates, drafts, sign-and-lock, addenda and
 * supervisor co-signature, with clinical access rules.
 *
 * Responsible for: who may write, read, sign and co-sign a note; that a
 * signed note never changes; the hash of exactly what was signed. The
 * note's text is an opaque, already-validated JSON document here (api/
 * builds it from the template's fields). Never: lets the owner, billing,
 * the front desk or the client read note text.
 */
#ifndef CONFIDANT_DOMAIN_NOTES_H
#define CONFIDANT_DOMAIN_NOTES_H

#include "domain/domain.h"

#define NOTE_TEXT_MAX (200 * 1024) /* bytes of a note's JSON text */
#define NOTE_FIELD_MAX (20 * 1024) /* bytes of one field */
#define ADDENDUM_MAX (20 * 1024)   /* bytes of an addendum */
#define NOTE_FIELDS_MAX 12         /* fields in one template, with the risk fields */

/* A note template: its name and the fields a note of it may have. */
struct note_template {
	const char *name;                        /* "soap", "dap", ... */
	const char *title;                       /* shown to people */
	const char *fields[NOTE_FIELDS_MAX + 1]; /* field names, NULL-terminated */
};

/* domain_note_template - the template called name, or NULL. */
const struct note_template *domain_note_template(const char *name);
/* domain_note_templates - all templates, *n set. */
const struct note_template *domain_note_templates(size_t *n);

/* domain_note_team_access - may the actor read this client's clinical
 * text (the treating team)? ERR_NOTFOUND after an audited refusal (event
 * ev) if not. Inside the caller's transaction. */
enum err domain_note_team_access(struct domain_ctx *ctx, int64_t client_id, enum audit_event ev);

/* domain_note_create - a draft by the actor (a clinician or supervisor who
 * reaches the client). n: client_public_id, template_name, date, content. */
enum err domain_note_create(struct domain_ctx *ctx, const char *client_public_id, struct note *n);
/* domain_note_get - a note with its text (and its addenda if adds != NULL). */
enum err domain_note_get(struct domain_ctx *ctx, const char *public_id, struct note *out,
                         struct addendum *adds, size_t max, size_t *nadds);
/* domain_note_list - a client's notes without text, newest first. */
enum err domain_note_list(struct domain_ctx *ctx, const char *client_public_id, int64_t before,
                          struct note *out, size_t max, size_t *n);
/* domain_note_update - replace a draft's date and text (author only; the
 * version must match). ERR_CONFLICT for a signed note. */
enum err domain_note_update(struct domain_ctx *ctx, struct note *n);
/* domain_note_sign - sign and lock (author only): awaiting co-signature if
 * the author is supervised. */
enum err domain_note_sign(struct domain_ctx *ctx, const char *public_id, struct note *out);
/* domain_note_cosign - the author's supervisor co-signs. */
enum err domain_note_cosign(struct domain_ctx *ctx, const char *public_id);
/* domain_note_addendum - a signed addendum to a signed note. */
enum err domain_note_addendum(struct domain_ctx *ctx, const char *public_id, const char *text);

#endif
