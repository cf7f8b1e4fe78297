/*
 * attachments.h - handlers for files in a client's chart
 * (api/attachments.c). Kept out of api.h so the routes table can take them
 * in one include:
 *   POST /api/v1/clients/{id}/attachments    upload (a streamed raw body)
 *   GET  /api/v1/clients/{id}/attachments    the chart's files, newest first
 *   GET  /api/v1/attachments/{id}            one file's details
 *   GET  /api/v1/attachments/{id}/content    download (a streamed body)
 */
#ifndef CONFIDANT_API_ATTACHMENTS_H
#define CONFIDANT_API_ATTACHMENTS_H

#include "api/api.h"
#include "domain/attachments.h"

/* api_attachment_upload - a ROUTE_STREAM handler: the body is the file
 * itself, its Content-Type the declared type, its name in the
 * Confidant-Filename header and an optional Confidant-Description header
 * (both percent-encoded UTF-8). */
enum err api_attachment_upload(struct app *app, const struct http_request *rq,
                               struct http_response *rs);
enum err api_attachment_list(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_attachment_get(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
/* api_attachment_content - the file, streamed, as an attachment download
 * with its sniffed type, a safe file name and a sandboxing policy. */
enum err api_attachment_content(struct app *app, const struct http_request *rq,
                                struct http_response *rs);

#endif
