/*
 * note_templates.c - built-in and practice-defined note templates (see
 * note_templates.h). A practice template's fields are stored as one line
 * per field, "name<TAB>max_length<TAB>label", which the checks here make
 * unambiguous (names are [a-z0-9_], labels have no control characters).
 * Never: stores or audits anything but names, titles, labels and counts.
 */
#include "domain/note_templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "domain/plans.h"
#include "store/note_templates.h"

static const struct note_field_def risk_fields[NOTE_RISK_FIELDS] = {
        {"risk_suicidal", "Suicidal ideation", 64},
        {"risk_homicidal", "Homicidal ideation", 64},
        {"safety_plan", "Safety plan", NOTE_FIELD_MAX},
};

static int is_risk(const char *name)
{
	size_t i;

	for (i = 0; i < NOTE_RISK_FIELDS; i++)
		if (strcmp(risk_fields[i].name, name) == 0)
			return 1;
	return 0;
}

/* name_ok - [a-z][a-z0-9_]* of 1..max bytes. */
static int name_ok(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* label_of - a built-in field's label: its name with a capital and spaces. */
static void label_of(const char *name, char out[NOTE_FIELD_LABEL_MAX + 1])
{
	size_t i;

	snprintf(out, NOTE_FIELD_LABEL_MAX + 1, "%s", name);
	for (i = 0; out[i]; i++)
		if (out[i] == '_')
			out[i] = ' ';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* from_builtin - t as a definition. */
static void from_builtin(const struct note_template *t, struct note_template_def *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", t->name);
	snprintf(out->title, sizeof out->title, "%s", t->title);
	out->builtin = 1;
	for (i = 0; t->fields[i] != NULL && i < NOTE_FIELDS_MAX; i++) {
		struct note_field_def *f = &out->fields[i];
		size_t k;

		snprintf(f->name, sizeof f->name, "%s", t->fields[i]);
		label_of(f->name, f->label);
		f->max_length = NOTE_FIELD_MAX;
		for (k = 0; k < NOTE_RISK_FIELDS; k++)
			if (strcmp(risk_fields[k].name, f->name) == 0)
				*f = risk_fields[k];
	}
	out->nfields = i;
}

/* from_row - a stored template as a definition; ERR_DB if its field list
 * is malformed (it was written by format_fields). */
static enum err from_row(const struct note_template_row *r, struct note_template_def *out)
{
	const char *p = r->fields;

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", r->name);
	snprintf(out->title, sizeof out->title, "%s", r->title);
	out->retired = r->retired_at != 0;
	out->notes = r->notes;
	out->created_at = r->created_at;
	while (*p != '\0') {
		struct note_field_def *f;
		const char *t1 = strchr(p, '\t'), *t2, *nl;
		char *end;

		if (out->nfields == NOTE_FIELDS_MAX || t1 == NULL ||
		    (t2 = strchr(t1 + 1, '\t')) == NULL || (nl = strchr(t2 + 1, '\n')) == NULL ||
		    (size_t)(t1 - p) > NOTE_FIELD_NAME_MAX ||
		    (size_t)(nl - t2 - 1) > NOTE_FIELD_LABEL_MAX)
			return ERR_DB;
		f = &out->fields[out->nfields++];
		memcpy(f->name, p, (size_t)(t1 - p));
		f->max_length = strtoul(t1 + 1, &end, 10);
		if (end != t2 || f->max_length == 0 || f->max_length > NOTE_FIELD_MAX)
			return ERR_DB;
		memcpy(f->label, t2 + 1, (size_t)(nl - t2 - 1));
		p = nl + 1;
	}
	return out->nfields > 0 ? ERR_OK : ERR_DB;
}

/* format_fields - t's fields as stored. */
static enum err format_fields(const struct note_template_def *t, struct buf *out)
{
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; e == ERR_OK && i < t->nfields; i++)
		e = buf_printf(out, "%s\t%zu\t%s\n", t->fields[i].name, t->fields[i].max_length,
		               t->fields[i].label);
	return e;
}

enum err domain_note_template_find(struct domain_ctx *ctx, const char *name,
                                   struct note_template_def *out)
{
	const struct note_template *b = domain_note_template(name);
	struct note_template_row r;
	enum err e;

	if (b != NULL) {
		from_builtin(b, out);
		return ERR_OK;
	}
	if (!name_ok(name, NOTE_TEMPLATE_NAME_MAX))
		return ERR_NOTFOUND;
	e = store_note_template_get(ctx->store, name, &r);
	if (e == ERR_OK) {
		e = from_row(&r, out);
		note_template_row_cleanup(&r);
	}
	return e;
}

const struct note_field_def *domain_note_template_field(const struct note_template_def *t,
                                                        const char *name)
{
	size_t i;

	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

enum err domain_note_template_all(struct domain_ctx *ctx, struct note_template_def *out, size_t max,
                                  size_t *n)
{
	const struct note_template *b = domain_note_templates(n);
	struct note_template_row *rows;
	size_t nb = *n, nr = 0, i, k = 0;
	enum err e;

	for (i = 0; i < nb && k < max; i++)
		from_builtin(&b[i], &out[k++]);
	rows = mem_calloc_array(NOTE_TEMPLATES_MAX, sizeof *rows);
	if (rows == NULL)
		return ERR_NOMEM;
	e = store_begin_read(ctx->store);
	if (e == ERR_OK) {
		e = store_note_template_list(ctx->store, rows, NOTE_TEMPLATES_MAX, &nr);
		store_end_read(ctx->store);
	}
	for (i = 0; e == ERR_OK && i < nr && k < max; i++)
		e = from_row(&rows[i], &out[k++]);
	for (i = 0; i < nr; i++)
		note_template_row_cleanup(&rows[i]);
	free(rows);
	if (e == ERR_OK)
		*n = k;
	return e;
}

static enum err bad(struct domain_ctx *ctx, const char *message)
{
	ctx->message = message;
	return ERR_INVAL;
}

/* check_new - validate a new template's own fields (risk fields not yet
 * added). */
static enum err check_new(struct domain_ctx *ctx, const struct note_template_def *t)
{
	size_t i, j;

	if (!name_ok(t->name, NOTE_TEMPLATE_NAME_MAX))
		return bad(ctx, "name must be 1-15 characters: a lowercase letter, then lowercase "
		                "letters, digits or _");
	if (t->title[0] == '\0' || !domain_text_ok(t->title, NOTE_TEMPLATE_TITLE_MAX, 0))
		return bad(ctx, "title is required: at most 80 characters, no control characters");
	if (t->nfields == 0 || t->nfields > NOTE_FIELDS_MAX - NOTE_RISK_FIELDS)
		return bad(ctx, "fields must list 1 to 9 fields (the risk fields are added)");
	for (i = 0; i < t->nfields; i++) {
		const struct note_field_def *f = &t->fields[i];

		if (!name_ok(f->name, NOTE_FIELD_NAME_MAX))
			return bad(ctx,
			           "fields[].name must be 1-32 characters: a lowercase letter, "
			           "then lowercase letters, digits or _");
		if (is_risk(f->name))
			return bad(ctx, "fields[].name may not be risk_suicidal, risk_homicidal or "
			                "safety_plan: they are always added");
		for (j = 0; j < i; j++)
			if (strcmp(t->fields[j].name, f->name) == 0)
				return bad(ctx, "fields[].name must be unique");
		if (f->label[0] == '\0' || !domain_text_ok(f->label, NOTE_FIELD_LABEL_MAX, 0))
			return bad(ctx, "fields[].label is required: at most 80 characters, no "
			                "control characters");
		if (f->max_length > NOTE_FIELD_MAX)
			return bad(ctx, "fields[].max_length must be 1 to 20480");
	}
	return ERR_OK;
}

static enum err owner_only(struct domain_ctx *ctx, enum audit_event ev)
{
	if (ctx->role == ROLE_OWNER)
		return ERR_OK;
	domain_audit_refusal(ctx, ev, 0, ERR_DENIED);
	return ERR_DENIED;
}

enum err domain_note_template_create(struct domain_ctx *ctx, struct note_template_def *t)
{
	struct note_template_row r;
	struct note_template_def probe;
	struct buf fields;
	char detail[32];
	size_t i;
	enum err e;

	e = owner_only(ctx, AUDIT_NOTE_TEMPLATE_CREATE);
	if (e == ERR_OK)
		e = check_new(ctx, t);
	if (e != ERR_OK)
		return e;
	for (i = 0; i < t->nfields; i++)
		if (t->fields[i].max_length == 0)
			t->fields[i].max_length = NOTE_FIELD_MAX;
	for (i = 0; i < NOTE_RISK_FIELDS; i++)
		t->fields[t->nfields++] = risk_fields[i];
	t->builtin = t->retired = 0;
	t->notes = 0;
	if (domain_note_template(t->name) != NULL) {
		ctx->message = "a built-in template has that name";
		return ERR_CONFLICT;
	}
	memset(&r, 0, sizeof r);
	buf_init(&fields, 4096, 0);
	e = format_fields(t, &fields);
	if (e == ERR_OK)
		e = store_begin(ctx->store);
	if (e != ERR_OK) {
		buf_cleanup(&fields);
		return e;
	}
	e = domain_note_template_find(ctx, t->name, &probe);
	if (e == ERR_OK) {
		ctx->message = "a template with that name exists: templates never change, choose a "
		               "new name";
		e = ERR_CONFLICT;
	} else if (e == ERR_NOTFOUND) {
		snprintf(r.name, sizeof r.name, "%s", t->name);
		snprintf(r.title, sizeof r.title, "%s", t->title);
		r.fields = fields.data;
		e = store_note_template_add(ctx->store, &r, ctx->actor_id, ctx->now);
		r.fields = NULL;
	}
	buf_cleanup(&fields);
	t->created_at = ctx->now;
	snprintf(detail, sizeof detail, "fields=%zu", t->nfields);
	return domain_emit_commit(ctx, e, AUDIT_NOTE_TEMPLATE_CREATE, 0, "note_template", t->name,
	                          detail);
}

enum err domain_note_template_retire(struct domain_ctx *ctx, const char *name)
{
	enum err e = owner_only(ctx, AUDIT_NOTE_TEMPLATE_RETIRE);

	if (e != ERR_OK)
		return e;
	if (domain_note_template(name) != NULL)
		return bad(ctx, "built-in templates cannot be retired");
	if (!name_ok(name, NOTE_TEMPLATE_NAME_MAX))
		return ERR_NOTFOUND;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_note_template_retire(ctx->store, name, ctx->now);
	if (e == ERR_CONFLICT) {
		struct note_template_def probe;

		e = domain_note_template_find(ctx, name, &probe);
		if (e == ERR_OK) {
			ctx->message = "the template is retired already";
			e = ERR_CONFLICT;
		}
	}
	return domain_emit_commit(ctx, e, AUDIT_NOTE_TEMPLATE_RETIRE, 0, "note_template", name, "");
}
