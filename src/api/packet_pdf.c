/*
 * packet_pdf.c - the release-of-information packet as PDF (see
 * api/documents.h): a cover page carrying the authorization it was
 * released under (recipient, description, purpose, expiry, the right to
 * revoke, the signature with its time and the hash of the text signed),
 * then the released categories, and on every page the footer naming the
 * authorization.
 * Never: renders a category the domain did not release (it reads only the
 * packet's has_ flags and what they cover); names the client in the PDF's
 * metadata; identifies the client by name when demographics are outside
 * the scope (the record's opaque id only, as in the FHIR Bundle).
 */
#include <stdio.h>
#include <string.h>

#include "api/documents.h"
#include "domain/diagnoses.h"
#include "pdf/pdf.h"

/* cover - the disclosure and the authorization's 164.508(c) elements. */
static void cover(struct pdf_doc *d, const char *client, const struct disclosure_packet *p)
{
	const struct consent *a = &p->auth;
	char t[24], hash[65];
	size_t i;

	pdf_title(d, "Release of information");
	pdf_linef(d, "Disclosure %s, released %s", p->d.public_id,
	          api_document_time(p->d.disclosed_at, t));
	pdf_linef(d, "Client record %s", client);
	pdf_heading(d, "Authorization (HIPAA 45 CFR 164.508(c))");
	pdf_row(d, "Authorization", a->public_id);
	pdf_row(d, "Recipient", a->recipient);
	pdf_row(d, "Information to be released", a->description);
	pdf_row(d, "Categories released", p->d.scope);
	pdf_row(d, "Purpose", a->release_purpose);
	pdf_rowf(d, "Expires", "%s%s%s", a->expires_on,
	         a->expires_on[0] && a->expiry_event ? ", or " : "",
	         a->expiry_event ? a->expiry_event : "");
	pdf_row(d, "Right to revoke",
	        "The client may revoke this authorization at any time, in writing or in the "
	        "portal, except to the extent that the practice has already acted on it. "
	        "Treatment does not depend on signing it.");
	pdf_row(d, "Re-disclosure",
	        "Information released may be re-disclosed by the recipient and no longer be "
	        "protected by federal privacy rules.");
	pdf_row(d, "Signed by", a->signed_name);
	pdf_row(d, "Signer", a->signer_role);
	pdf_row(d, "Signed at", api_document_time(a->signed_at, t));
	for (i = 0; i < sizeof a->text_hash; i++)
		snprintf(hash + 2 * i, 3, "%02x", a->text_hash[i]);
	pdf_row(d, "Text signed (BLAKE2b-256)", hash);
	pdf_rowf(d, "Authorization document", "%s, version %lld", a->template_public_id,
	         (long long)a->template_version);
	pdf_paragraph(d, "This packet holds exactly the categories listed above and nothing else. "
	                 "It never holds psychotherapy notes.");
}

static void demographics(struct pdf_doc *d, const struct client *c)
{
	pdf_heading(d, "Demographics");
	pdf_row(d, "Legal name", c->legal_name);
	pdf_row(d, "Preferred name", c->preferred_name);
	pdf_row(d, "Date of birth", c->date_of_birth);
	pdf_row(d, "Phone", c->phone);
	pdf_row(d, "Email", c->email);
	pdf_row(d, "Address", c->address);
}

void api_pdf_diagnosis_rows(struct pdf_doc *d, const char *heading, const struct diagnosis *dx,
                            size_t n)
{
	size_t i;

	pdf_heading(d, heading);
	if (n == 0)
		pdf_paragraph(d, "No diagnoses are on record.");
	for (i = 0; i < n; i++)
		pdf_rowf(d, dx[i].code, "%s\n%s%s%s%s", domain_diagnosis_title(dx[i].code),
		         dx[i].resolved     ? "resolved "
		         : dx[i].is_primary ? "primary"
		                            : "active",
		         dx[i].resolved_on, dx[i].onset[0] ? ", since " : "", dx[i].onset);
}

enum err api_disclosure_pdf(const char *client_public_id, const struct disclosure_packet *p,
                            struct buf *out)
{
	char footer[160];
	struct pdf_meta meta = {"Release of information packet", footer, p->d.disclosed_at};
	struct pdf_doc *d = NULL;
	unsigned pages = 0;
	enum err e;

	snprintf(footer, sizeof footer,
	         "Confidential health information \xe2\x80\x93 disclosed under authorization #%s",
	         p->d.consent_public_id);
	e = pdf_doc_new(&meta, &d);
	if (e != ERR_OK)
		return e;
	cover(d, client_public_id, p);
	pdf_page_break(d);
	if (p->has_demographics)
		demographics(d, &p->client);
	if (p->has_diagnoses)
		api_pdf_diagnosis_rows(d, "Diagnoses (ICD-10-CM)", p->dx, p->ndx);
	e = pdf_doc_render(d, out, &pages);
	pdf_doc_free(d);
	return e;
}
