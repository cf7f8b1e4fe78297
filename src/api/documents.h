/*
 * documents.h - readable PDF documents built from what the domain released
 * or gathered (src/pdf/ renders them):
 *  - the release-of-information packet: a cover page with the
 *    authorization's HIPAA 164.508(c) elements and its signature, then
 *    exactly the categories the disclosure released;
 *  - the right-of-access export as PDF: the same record as the HTML export.
 * Never: adds anything the domain did not hand over (so never a
 * psychotherapy note, never a category outside the authorization's
 * scope); puts PHI in the PDF's metadata (the title is generic); writes a
 * file (the caller sends or saves the buffer).
 */
#ifndef CONFIDANT_API_DOCUMENTS_H
#define CONFIDANT_API_DOCUMENTS_H

#include "core/buf.h"
#include "domain/consent.h"
#include "domain/export.h"

/* api_disclosure_pdf - the packet of disclosure p (of client
 * client_public_id) as one PDF appended to out. ERR_TOOBIG past out's
 * maximum (out unchanged), ERR_NOMEM, ERR_INTERNAL (fonts, cairo). */
enum err api_disclosure_pdf(const char *client_public_id, const struct disclosure_packet *p,
                            struct buf *out);

/* api_export_pdf - the right-of-access record r as one PDF appended to
 * out; errors as api_disclosure_pdf. */
enum err api_export_pdf(const struct export_record *r, struct buf *out);

/* api_document_time - t as "YYYY-MM-DD HH:MM UTC" ("" for 0); returns out. */
const char *api_document_time(int64_t t, char out[24]);

struct pdf_doc;

/* api_pdf_diagnosis_rows - a "heading" section of one row per diagnosis
 * (code; title, status, onset), or a line saying there are none. */
void api_pdf_diagnosis_rows(struct pdf_doc *d, const char *heading, const struct diagnosis *dx,
                            size_t n);

#define DOCUMENT_CHART_FIELDS 20 /* rows api_document_chart gives at most */

/* api_document_chart - the chart of c as label/value rows in reading order,
 * for the readable exports (HTML and PDF show the same fields). Values are
 * borrowed from c (flags as "yes"/"no"), NULL when not recorded. */
void api_document_chart(const struct client *c, const char *label[DOCUMENT_CHART_FIELDS],
                        const char *value[DOCUMENT_CHART_FIELDS]);

#endif
