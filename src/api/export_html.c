/*
 * export_html.c - the right-of-access export as one readable HTML document
 * (see api/export.h): every value escaped, styles inline, no script, no
 * link, image or font from anywhere (the document must read the same
 * offline, printed or years later), print-friendly.
 * Never: renders anything the domain did not gather.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/documents.h"
#include "api/export.h"
#include "core/mem.h"
#include "domain/diagnoses.h"
#include "domain/notes.h"

static const char style[] =
        "body{font:15px/1.5 Georgia,'Times New Roman',serif;color:#111;max-width:46rem;"
        "margin:2rem auto;padding:0 1rem}"
        "h1{font-size:1.6rem;margin:0}h2{font-size:1.2rem;border-bottom:1px solid #999;"
        "margin-top:2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}"
        "p.meta,.muted{color:#555;font-size:.9rem}"
        "table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;"
        "padding:.2rem .5rem .2rem 0;border-bottom:1px solid #ddd}"
        ".text{white-space:pre-wrap}.item{break-inside:avoid;margin-bottom:1rem}"
        "@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}}";

/* esc - s as HTML text. */
static enum err esc(struct buf *o, const char *s)
{
	enum err e = ERR_OK;
	size_t start = 0, i;

	for (i = 0; s != NULL && e == ERR_OK && s[i]; i++) {
		const char *rep = s[i] == '&'    ? "&amp;"
		                  : s[i] == '<'  ? "&lt;"
		                  : s[i] == '>'  ? "&gt;"
		                  : s[i] == '"'  ? "&quot;"
		                  : s[i] == '\'' ? "&#39;"
		                                 : NULL;

		if (rep == NULL)
			continue;
		e = buf_append(o, s + start, i - start);
		if (e == ERR_OK)
			e = buf_puts(o, rep);
		start = i + 1;
	}
	if (e == ERR_OK && s != NULL)
		e = buf_append(o, s + start, i - start);
	return e;
}

/* The writer: the buffer and a sticky error, so a section is a run of
 * calls checked once. */
struct hw {
	struct buf *o; /* the document */
	enum err e;    /* the first failure */
};

static void raw(struct hw *w, const char *s)
{
	if (w->e == ERR_OK)
		w->e = buf_puts(w->o, s);
}

static void text(struct hw *w, const char *s)
{
	if (w->e == ERR_OK)
		w->e = esc(w->o, s);
}

/* row - a table row: label and escaped value, skipped when empty. */
static void row(struct hw *w, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	raw(w, "<tr><th>");
	text(w, label);
	raw(w, "</th><td class=\"text\">");
	text(w, value);
	raw(w, "</td></tr>\n");
}

static const char *when(int64_t t, char out[24])
{
	return api_document_time(t, out);
}

/* name_of - a person's display name, or their id. */
static const char *name_of(const struct export_record *r, int64_t id, const char *public_id)
{
	const struct export_person *p =
	        id ? export_person_find(r, id) : export_person_find_public(r, public_id);

	if (p != NULL && strcmp(p->role, "client") == 0)
		return "the client";
	return p != NULL ? p->name : public_id && public_id[0] ? public_id : "";
}

static void chart(struct hw *w, const struct export_record *r)
{
	const struct client *c = &r->client;
	const char *label[DOCUMENT_CHART_FIELDS], *value[DOCUMENT_CHART_FIELDS];
	size_t i;

	raw(w, "<h2>About you</h2>\n<table>\n");
	api_document_chart(c, label, value);
	for (i = 0; i < DOCUMENT_CHART_FIELDS; i++)
		row(w, label[i], value[i]);
	raw(w, "</table>\n");
	if (r->nguardians) {
		raw(w, "<h2>Guardians</h2>\n");
		for (i = 0; i < r->nguardians; i++) {
			raw(w, "<table class=\"item\">\n");
			row(w, "Name", r->guardians[i].name);
			row(w, "Relationship", r->guardians[i].relationship);
			row(w, "Phone", r->guardians[i].phone);
			row(w, "Email", r->guardians[i].email);
			raw(w, "</table>\n");
		}
	}
	if (r->nteam) {
		raw(w, "<h2>Care team</h2>\n<ul>\n");
		for (i = 0; i < r->nteam; i++) {
			raw(w, "<li>");
			text(w, r->team[i].name);
			raw(w, " <span class=\"muted\">(");
			text(w, r->team[i].role);
			raw(w, ")</span></li>\n");
		}
		raw(w, "</ul>\n");
	}
}

static void diagnoses(struct hw *w, const struct export_record *r)
{
	size_t i;

	if (r->ndx == 0)
		return;
	raw(w, "<h2>Diagnoses</h2>\n<table>\n<tr><th>Code</th><th>Diagnosis</th><th>Since</th>"
	       "<th>Status</th></tr>\n");
	for (i = 0; i < r->ndx; i++) {
		const struct diagnosis *d = &r->dx[i];

		raw(w, "<tr><td>");
		text(w, d->code);
		raw(w, "</td><td>");
		text(w, domain_diagnosis_title(d->code));
		raw(w, "</td><td>");
		text(w, d->onset);
		raw(w, "</td><td>");
		text(w, d->resolved ? "resolved " : d->is_primary ? "primary" : "active");
		text(w, d->resolved_on);
		raw(w, "</td></tr>\n");
	}
	raw(w, "</table>\n");
}

static void plans(struct hw *w, const struct export_record *r)
{
	char t[24];
	size_t i;

	if (r->nplans == 0)
		return;
	raw(w, "<h2>Treatment plans</h2>\n");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_version *p = &r->plans[i];
		char v[64];

		snprintf(v, sizeof v, "Version %lld, saved %s", (long long)p->version,
		         when(p->created_at, t));
		raw(w, "<div class=\"item\"><p class=\"meta\">");
		text(w, v);
		if (p->signed_at) {
			text(w, "; signed ");
			text(w, when(p->signed_at, t));
			text(w, p->signer_name ? " by " : "");
			text(w, p->signer_name);
		}
		raw(w, "</p><div class=\"text\">");
		text(w, p->text);
		raw(w, "</div></div>\n");
	}
}

/* note_addenda - the addenda of note id (they are grouped by note). */
static void note_addenda(struct hw *w, const struct export_record *r, const char *id)
{
	char t[24];
	size_t i;

	for (i = 0; i < r->nadds; i++) {
		const struct export_addendum *x = &r->adds[i];

		if (strcmp(x->note_public_id, id) != 0)
			continue;
		raw(w, "<h3>Addendum</h3><p class=\"meta\">");
		text(w, when(x->a.created_at, t));
		text(w, " by ");
		text(w, x->a.author_name);
		raw(w, "</p><div class=\"text\">");
		text(w, x->a.text);
		raw(w, "</div>\n");
	}
}

static void notes(struct hw *w, const struct export_record *r)
{
	struct buf body;
	char t[24];
	size_t i;

	if (r->nnotes == 0)
		return;
	buf_init(&body, NOTE_TEXT_MAX * 2, 1);
	raw(w, "<h2>Progress notes</h2>\n");
	for (i = 0; w->e == ERR_OK && i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		const struct note_template *tp = domain_note_template(n->template_name);

		buf_reset(&body);
		if (w->e == ERR_OK)
			w->e = api_export_note_text(n, &body);
		raw(w, "<div class=\"item\"><h3>");
		text(w, n->date);
		text(w, " - ");
		text(w, tp ? tp->title : n->template_name);
		raw(w, "</h3><p class=\"meta\">Written by ");
		text(w, n->author_name);
		text(w, ", signed ");
		text(w, when(n->signed_at, t));
		if (n->cosigned_at) {
			text(w, ", co-signed by ");
			text(w, name_of(r, n->cosigned_by, NULL));
			text(w, " ");
			text(w, when(n->cosigned_at, t));
		}
		raw(w, "</p><div class=\"text\">");
		text(w, body.data);
		raw(w, "</div>\n");
		note_addenda(w, r, n->public_id);
		raw(w, "</div>\n");
	}
	buf_cleanup(&body);
}

static void consents(struct hw *w, const struct export_record *r)
{
	char t[24], v[64];
	size_t i;

	if (r->nconsents == 0)
		return;
	raw(w, "<h2>Consents</h2>\n");
	for (i = 0; i < r->nconsents; i++) {
		const struct consent *c = &r->consents[i];

		raw(w, "<table class=\"item\">\n");
		snprintf(v, sizeof v, "%s (document version %lld)", c->purpose,
		         (long long)c->template_version);
		row(w, "Consent", v);
		row(w, "Signed", when(c->signed_at, t));
		row(w, "Signed by", c->signed_name);
		row(w, "Signer", c->signer_role);
		row(w, "Withdrawn", c->withdrawn_at ? when(c->withdrawn_at, t) : NULL);
		row(w, "Recipient", c->recipient);
		row(w, "Information", c->description);
		row(w, "Purpose", c->release_purpose);
		row(w, "Expires", c->expires_on);
		row(w, "Ends with", c->expiry_event);
		raw(w, "</table>\n");
	}
}

static void files(struct hw *w, const struct export_record *r)
{
	char t[24], size[32];
	size_t i;

	if (r->nfiles == 0)
		return;
	raw(w, "<h2>Documents</h2>\n<table>\n<tr><th>File</th><th>Type</th><th>Size</th>"
	       "<th>Added</th></tr>\n");
	for (i = 0; i < r->nfiles; i++) {
		const struct export_file *f = &r->files[i];

		snprintf(size, sizeof size, "%lld bytes", (long long)f->a.size);
		raw(w, "<tr><td>");
		text(w, f->a.filename);
		if (f->a.description) {
			raw(w, "<br><span class=\"muted\">");
			text(w, f->a.description);
			raw(w, "</span>");
		}
		raw(w, "</td><td>");
		text(w, f->a.content_type);
		raw(w, "</td><td>");
		text(w, size);
		raw(w, "</td><td>");
		text(w, when(f->a.created_at, t));
		raw(w, "</td></tr>\n");
	}
	raw(w, "</table>\n<p class=\"muted\">The files themselves are in the FHIR export of this "
	       "record, or can be downloaded one by one.</p>\n");
}

static void amendments(struct hw *w, const struct export_record *r)
{
	struct buf t;
	char at[24];
	size_t i;

	if (r->namendments == 0)
		return;
	buf_init(&t, 64 * 1024, 1);
	raw(w, "<h2>Amendment requests</h2>\n");
	for (i = 0; w->e == ERR_OK && i < r->namendments; i++) {
		const struct amendment *a = &r->amendments[i];

		buf_reset(&t);
		w->e = api_export_amendment_text(a, &t);
		raw(w, "<div class=\"item\"><p class=\"meta\">Received ");
		text(w, when(a->received_at, at));
		raw(w, "</p><div class=\"text\">");
		text(w, t.data);
		raw(w, "</div>");
		if (a->disagreement) {
			raw(w, "<h3>Statement of disagreement</h3><div class=\"text\">");
			text(w, a->disagreement);
			raw(w, "</div>");
		}
		if (a->rebuttal) {
			raw(w, "<h3>Rebuttal</h3><div class=\"text\">");
			text(w, a->rebuttal);
			raw(w, "</div>");
		}
		raw(w, "</div>\n");
	}
	buf_cleanup(&t);
}

static void appointments(struct hw *w, const struct export_record *r)
{
	char t[24];
	size_t i;

	if (r->nappts == 0)
		return;
	raw(w, "<h2>Appointments</h2>\n<table>\n<tr><th>When</th><th>With</th><th>Status</th>"
	       "</tr>\n");
	for (i = 0; i < r->nappts; i++) {
		const struct appointment_row *a = &r->appts[i];

		raw(w, "<tr><td>");
		text(w, when(a->starts_at, t));
		raw(w, "</td><td>");
		text(w, name_of(r, a->clinician_id, NULL));
		raw(w, "</td><td>");
		text(w, api_export_appt_status(a->status));
		raw(w, "</td></tr>\n");
	}
	raw(w, "</table>\n");
}

enum err api_export_html(const struct export_record *r, struct buf *out)
{
	struct hw w = {out, ERR_OK};
	const struct client *c = &r->client;
	char t[24];

	raw(&w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	        "<title>Health record of ");
	text(&w, c->legal_name ? c->legal_name : c->public_id);
	raw(&w, "</title><style>");
	raw(&w, style);
	raw(&w, "</style></head><body>\n<h1>Health record of ");
	text(&w, c->legal_name ? c->legal_name : c->public_id);
	raw(&w, "</h1>\n<p class=\"meta\">Prepared ");
	text(&w, when(r->generated_at, t));
	text(&w, " (export ");
	text(&w, r->export_id);
	text(&w, "). This is your designated record set. Psychotherapy notes are not part of it: "
	         "the law keeps them outside the right of access.");
	raw(&w, "</p>\n");
	chart(&w, r);
	diagnoses(&w, r);
	plans(&w, r);
	notes(&w, r);
	consents(&w, r);
	files(&w, r);
	amendments(&w, r);
	appointments(&w, r);
	raw(&w, "</body></html>\n");
	return w.e;
}
