/*
 * export_pdf.c - the right-of-access export as one readable PDF (see
 * api/documents.h): the same sections as the HTML export (about the
 * client, guardians, care team, diagnoses, plans, signed notes with their
 * addenda, consents, documents, amendment requests, appointments), every
 * page footed as confidential.
 * Never: renders anything the domain did not gather (so never a
 * psychotherapy note: domain/export.c has no path to them); names the
 * client in the PDF's metadata.
 */
#include <stdio.h>
#include <string.h>

#include "api/documents.h"
#include "api/export.h"
#include "domain/notes.h"
#include "pdf/pdf.h"

/* name_of - a person's display name, or their id. */
static const char *name_of(const struct export_record *r, int64_t id)
{
	const struct export_person *p = export_person_find(r, id);

	if (p != NULL && strcmp(p->role, "client") == 0)
		return "the client";
	return p != NULL ? p->name : "";
}

static void chart(struct pdf_doc *d, const struct export_record *r)
{
	const struct client *c = &r->client;
	const char *label[DOCUMENT_CHART_FIELDS], *value[DOCUMENT_CHART_FIELDS];
	size_t i;

	api_document_chart(c, label, value);
	pdf_heading(d, "About you");
	for (i = 0; i < DOCUMENT_CHART_FIELDS; i++)
		pdf_row(d, label[i], value[i]);
	if (r->nguardians)
		pdf_heading(d, "Guardians");
	for (i = 0; i < r->nguardians; i++) {
		pdf_subheading(d, r->guardians[i].name);
		pdf_row(d, "Relationship", r->guardians[i].relationship);
		pdf_row(d, "Phone", r->guardians[i].phone);
		pdf_row(d, "Email", r->guardians[i].email);
	}
	if (r->nteam)
		pdf_heading(d, "Care team");
	for (i = 0; i < r->nteam; i++) {
		pdf_paragraphf(d, "%s (%s)", r->team[i].name, r->team[i].role);
	}
}

static void plans(struct pdf_doc *d, const struct export_record *r)
{
	char t[24], t2[24];
	size_t i;

	if (r->nplans)
		pdf_heading(d, "Treatment plans");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_version *p = &r->plans[i];

		pdf_subheadingf(d, "Version %lld, saved %s", (long long)p->version,
		                api_document_time(p->created_at, t));
		if (p->signed_at)
			pdf_linef(d, "Signed %s%s%s", api_document_time(p->signed_at, t2),
			          p->signer_name ? " by " : "",
			          p->signer_name ? p->signer_name : "");
		pdf_paragraph(d, p->text);
	}
}

static enum err notes(struct pdf_doc *d, const struct export_record *r)
{
	struct buf body;
	char t[24], t2[24];
	enum err e = ERR_OK;
	size_t i, k;

	if (r->nnotes)
		pdf_heading(d, "Progress notes");
	buf_init(&body, NOTE_TEXT_MAX * 2, 1);
	for (i = 0; e == ERR_OK && i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		const struct note_template *tp = domain_note_template(n->template_name);

		buf_reset(&body);
		e = api_export_note_text(n, &body);
		pdf_subheadingf(d, "%s \xe2\x80\x93 %s", n->date,
		                tp ? tp->title : n->template_name);
		pdf_linef(
		        d, "Written by %s, signed %s%s%s%s%s", n->author_name,
		        api_document_time(n->signed_at, t), n->cosigned_at ? ", co-signed by " : "",
		        n->cosigned_at ? name_of(r, n->cosigned_by) : "", n->cosigned_at ? " " : "",
		        n->cosigned_at ? api_document_time(n->cosigned_at, t2) : "");
		pdf_paragraph(d, body.data);
		for (k = 0; k < r->nadds; k++) {
			const struct export_addendum *x = &r->adds[k];

			if (strcmp(x->note_public_id, n->public_id) != 0)
				continue;
			pdf_linef(d, "Addendum, %s by %s", api_document_time(x->a.created_at, t),
			          x->a.author_name);
			pdf_paragraph(d, x->a.text);
		}
	}
	buf_cleanup(&body);
	return e;
}

static void consents(struct pdf_doc *d, const struct export_record *r)
{
	char t[24];
	size_t i;

	if (r->nconsents)
		pdf_heading(d, "Consents");
	for (i = 0; i < r->nconsents; i++) {
		const struct consent *c = &r->consents[i];

		pdf_subheadingf(d, "%s (document version %lld)", c->purpose,
		                (long long)c->template_version);
		pdf_row(d, "Signed", api_document_time(c->signed_at, t));
		pdf_row(d, "Signed by", c->signed_name);
		pdf_row(d, "Signer", c->signer_role);
		pdf_row(d, "Withdrawn",
		        c->withdrawn_at ? api_document_time(c->withdrawn_at, t) : NULL);
		pdf_row(d, "Recipient", c->recipient);
		pdf_row(d, "Information", c->description);
		pdf_row(d, "Purpose", c->release_purpose);
		pdf_row(d, "Expires", c->expires_on);
		pdf_row(d, "Ends with", c->expiry_event);
	}
}

static void files(struct pdf_doc *d, const struct export_record *r)
{
	char t[24];
	size_t i;

	if (r->nfiles == 0)
		return;
	pdf_heading(d, "Documents");
	for (i = 0; i < r->nfiles; i++) {
		const struct export_file *f = &r->files[i];

		pdf_subheading(d, f->a.filename);
		pdf_paragraph(d, f->a.description);
		pdf_linef(d, "%s, %lld bytes, added %s", f->a.content_type, (long long)f->a.size,
		          api_document_time(f->a.created_at, t));
	}
	pdf_paragraph(d, "The files themselves are in the FHIR export of this record, or can be "
	                 "downloaded one by one.");
}

static enum err amendments(struct pdf_doc *d, const struct export_record *r)
{
	struct buf t;
	char at[24];
	enum err e = ERR_OK;
	size_t i;

	if (r->namendments)
		pdf_heading(d, "Amendment requests");
	buf_init(&t, 64 * 1024, 1);
	for (i = 0; e == ERR_OK && i < r->namendments; i++) {
		const struct amendment *a = &r->amendments[i];

		buf_reset(&t);
		e = api_export_amendment_text(a, &t);
		pdf_subheadingf(d, "Received %s", api_document_time(a->received_at, at));
		pdf_paragraph(d, t.data);
		if (a->disagreement) {
			pdf_line(d, "Statement of disagreement");
			pdf_paragraph(d, a->disagreement);
		}
		if (a->rebuttal) {
			pdf_line(d, "Rebuttal");
			pdf_paragraph(d, a->rebuttal);
		}
	}
	buf_cleanup(&t);
	return e;
}

static void appointments(struct pdf_doc *d, const struct export_record *r)
{
	char t[24];
	size_t i;

	if (r->nappts)
		pdf_heading(d, "Appointments");
	for (i = 0; i < r->nappts; i++) {
		const struct appointment_row *a = &r->appts[i];

		pdf_rowf(d, api_document_time(a->starts_at, t), "with %s: %s",
		         name_of(r, a->clinician_id), api_export_appt_status(a->status));
	}
}

enum err api_export_pdf(const struct export_record *r, struct buf *out)
{
	const struct client *c = &r->client;
	char footer[160], t[24];
	struct pdf_meta meta = {"Health record (right of access)", footer, r->generated_at};
	struct pdf_doc *d = NULL;
	unsigned pages = 0;
	enum err e;

	snprintf(footer, sizeof footer,
	         "Confidential health information \xe2\x80\x93 right-of-access copy, export %s",
	         r->export_id);
	e = pdf_doc_new(&meta, &d);
	if (e != ERR_OK)
		return e;
	pdf_titlef(d, "Health record of %s", c->legal_name ? c->legal_name : c->public_id);
	pdf_linef(d, "Prepared %s (export %s)", api_document_time(r->generated_at, t),
	          r->export_id);
	pdf_line(d, "This is your designated record set. Psychotherapy notes are not part of it: "
	            "the law keeps them outside the right of access.");
	chart(d, r);
	if (r->ndx)
		api_pdf_diagnosis_rows(d, "Diagnoses", r->dx, r->ndx);
	plans(d, r);
	e = notes(d, r);
	consents(d, r);
	files(d, r);
	if (e == ERR_OK)
		e = amendments(d, r);
	appointments(d, r);
	if (e == ERR_OK)
		e = pdf_doc_render(d, out, &pages);
	pdf_doc_free(d);
	return e;
}
