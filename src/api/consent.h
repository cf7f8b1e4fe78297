/*
 * consent.h - handlers for consent templates, consents and disclosures
 * (api/consent.c), kept out of api.h so the routes table takes them in one
 * include.
 */
#ifndef CONFIDANT_API_CONSENT_H
#define CONFIDANT_API_CONSENT_H

#include "api/api.h"

enum err api_consent_template_list(struct app *app, const struct http_request *rq,
                                   struct http_response *rs);
enum err api_consent_template_get(struct app *app, const struct http_request *rq,
                                  struct http_response *rs);
enum err api_consent_template_add(struct app *app, const struct http_request *rq,
                                  struct http_response *rs);
enum err api_consent_preview(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_consent_give(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_consent_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_consent_withdraw(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_disclosure_make(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_disclosure_list(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
/* api_research_export - the de-identified research export (api/research.c). */
enum err api_research_export(struct app *app, const struct http_request *rq,
                             struct http_response *rs);

#endif
