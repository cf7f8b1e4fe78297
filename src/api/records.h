/*
 * records.h - handlers and helpers of the records work that came after the
 * chart: practice-defined note templates (api/note_templates.c), the risk
 * report (api/risk.c), and the amendment requests shown with diagnoses
 * and the client record (api/record_amendments.c). Kept in one header so
 * the routes table takes them in one include:
 *   GET  /api/v1/note-templates                built-in and practice templates
 *   POST /api/v1/note-templates                define one (owner, re-auth)
 *   POST /api/v1/note-templates/{name}/retire  offer it no more for new notes
 *   GET  /api/v1/reports/risk?since=YYYY-MM-DD clients whose latest signed
 *                                              note records risk above "denies"
 */
#ifndef CONFIDANT_API_RECORDS_H
#define CONFIDANT_API_RECORDS_H

#include "api/api.h"

enum err api_note_template_list(struct app *app, const struct http_request *rq,
                                struct http_response *rs);
enum err api_note_template_create(struct app *app, const struct http_request *rq,
                                  struct http_response *rs);
enum err api_note_template_retire(struct app *app, const struct http_request *rq,
                                  struct http_response *rs);
enum err api_risk_report(struct app *app, const struct http_request *rq, struct http_response *rs);

struct note_template_def;
struct note_risk;

/* api_note_template_unknown - the message for a template that is neither
 * built-in nor the practice's. */
extern const char api_note_template_unknown[];

/* api_note_fields - validate a note's "fields" object against template t
 * (known names; strings within each field's max_length; risk_suicidal and
 * risk_homicidal one of the levels of domain/risk.h or ""), then build
 * the canonical text (sorted keys, compact: what is sealed and signed;
 * caller frees it wiped) and the risk summary. ERR_INVAL with rs->message
 * naming the field. */
enum err api_note_fields(void *fields, const struct note_template_def *t, struct http_response *rs,
                         char **out, struct note_risk *risk);

/* api_risk_from_text - a note's canonical text to its risk summary, for
 * notes written before summaries (free text counts as "unstructured").
 * 0 if it is not a JSON object. */
int api_risk_from_text(const char *content, struct note_risk *out);

/* api_amendments_about - the client's amendment requests about items of
 * one kind ("diagnosis" or "chart") as a JSON array (a json_t *, caller
 * owns) in *out, read with ctx in its own audited transaction; *out is
 * NULL when the actor's role is not shown requests (then nothing was read
 * or audited). */
enum err api_amendments_about(struct domain_ctx *ctx, const char *client_public_id,
                              const char *type, void **out);

/* api_amendments_pick - a new JSON array of the members of list (from
 * api_amendments_about) whose target id is target_public_id. */
void *api_amendments_pick(void *list, const char *target_public_id);

/* api_note_page_send - the notes list page {"notes": [...], "next":
 * cursor or null} for the n notes at ns (next is the last row's id when
 * the page is full: n == page), written into rs->body (api/note_page.c). */
struct note;
enum err api_note_page_send(struct http_response *rs, const struct note *ns, size_t n, size_t page);

#endif
