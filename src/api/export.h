/*
 * export.h - the right of access over HTTP and for the CLI:
 *   GET  /api/v1/clients/{id}/export[?format=fhir|html|pdf][&request=ID]
 *        the client's designated record set: a FHIR R4 collection Bundle
 *        (application/fhir+json), or a readable, self-contained HTML
 *        document of the same record (no script, no external resource,
 *        print-friendly), or the same as a PDF (api/documents.h). With
 *        request=ID the export fulfils that access
 *        request of the client.
 *   POST /api/v1/clients/{id}/access-requests   {kind, jurisdiction,
 *        received_on?} -> 201 the request with its due date
 *   GET  /api/v1/clients/{id}/access-requests   the client's requests
 *   GET  /api/v1/access-requests                every open request of the
 *        practice, soonest due first (owner, auditor)
 *   POST /api/v1/access-requests/{id}/extend    {reason} -> the request
 *
 * The FHIR mapping: Patient (demographics, contact, emergency contact as
 * Patient.contact, chart fields FHIR has no element for as extensions),
 * RelatedPerson (guardians), Practitioner (staff named in the record),
 * Condition (diagnoses, ICD-10-CM), Encounter + DocumentReference (each
 * signed note, its text as text/plain), DocumentReference (addenda,
 * relatesTo appends; attachments, content inline as base64 up to the
 * limits in domain/export.h, else a link to their download; amendment
 * requests, statements of disagreement and rebuttals), CarePlan + Goal
 * (the newest version of each plan), Consent, Provenance (who signed what
 * and when, with the hash that was signed), Appointment.
 * Never: renders anything the domain did not gather (so never a
 * psychotherapy note); echoes input in an error.
 */
#ifndef CONFIDANT_API_EXPORT_H
#define CONFIDANT_API_EXPORT_H

#include "api/api.h"
#include "core/buf.h"
#include "domain/export.h"

#define EXPORT_OUT_MAX HTTP_RESPONSE_MAX /* bytes of one rendered export */

/* api_export_fhir - r as a FHIR R4 Bundle (JSON) appended to out. */
enum err api_export_fhir(const struct export_record *r, struct buf *out);
/* api_export_html - r as one self-contained HTML document appended to out. */
enum err api_export_html(const struct export_record *r, struct buf *out);

/* api_export_note_text - a note's fields as plain text ("Field:\ntext"
 * blocks in the template's order; the stored text itself if it is not a
 * template document). */
enum err api_export_note_text(const struct note *n, struct buf *out);
/* api_export_amendment_text - an amendment request as plain text. */
enum err api_export_amendment_text(const struct amendment *a, struct buf *out);
/* api_export_appt_status - the FHIR Appointment status of a stored one. */
const char *api_export_appt_status(int status);

/* Handlers. */
enum err api_export_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_access_request_create(struct app *app, const struct http_request *rq,
                                   struct http_response *rs);
enum err api_access_request_list(struct app *app, const struct http_request *rq,
                                 struct http_response *rs);
enum err api_access_request_open(struct app *app, const struct http_request *rq,
                                 struct http_response *rs);
enum err api_access_request_extend(struct app *app, const struct http_request *rq,
                                   struct http_response *rs);

#endif
