/*
 * transparency.h - handlers for the privacy page, the record of
 * processing and the public privacy notice (api/transparency.c).
 */
#ifndef CONFIDANT_API_TRANSPARENCY_H
#define CONFIDANT_API_TRANSPARENCY_H

#include "api/api.h"

enum err api_privacy_page(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_processing_record(struct app *app, const struct http_request *rq,
                               struct http_response *rs);
enum err api_privacy_notice(struct app *app, const struct http_request *rq,
                            struct http_response *rs);

#endif
