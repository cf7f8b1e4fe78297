/*
 * retention.h - handlers for retention rules per jurisdiction
 * (api/retention.c):
 *   GET    /api/v1/retention-rules          every rule and the default (owner, auditor)
 *   PUT    /api/v1/retention-rules/{code}   create or replace one (owner)
 *   DELETE /api/v1/retention-rules/{code}   delete one (owner; 409 if default or in use)
 * Never: decides anything (domain/retention.h does).
 */
#ifndef CONFIDANT_API_RETENTION_H
#define CONFIDANT_API_RETENTION_H

#include "api/api.h"

enum err api_retention_list(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_retention_put(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_retention_delete(struct app *app, const struct http_request *rq,
                              struct http_response *rs);

#endif
