/*
 * telehealth.h - handlers for video sessions (api/telehealth.c; bodies and
 * answers in docs/api.md, "Telehealth"; rules in domain/telehealth.h).
 */
#ifndef CONFIDANT_API_TELEHEALTH_H
#define CONFIDANT_API_TELEHEALTH_H

#include "api/api.h"

enum err api_telehealth_join(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_telehealth_get(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_telehealth_admit(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_telehealth_end(struct app *app, const struct http_request *rq,
                            struct http_response *rs);

#endif
