/*
 * pnotes.h - handlers for psychotherapy notes (api/pnotes.c), kept out of
 * api.h so the routes table takes them in one include:
 *   GET  /api/v1/clients/{id}/psychotherapy-notes     the actor's own and shared
 *   POST /api/v1/clients/{id}/psychotherapy-notes     write one
 *   GET  /api/v1/psychotherapy-notes/{id}             read one (author, shared supervisor)
 *   PUT  /api/v1/psychotherapy-notes/{id}             replace its text (author)
 *   POST /api/v1/psychotherapy-notes/{id}/share       share with a supervisor (author)
 *   POST /api/v1/psychotherapy-notes/{id}/unshare     take the share back (author)
 *   POST /api/v1/users/{id}/reset-password            an owner resets a password
 */
#ifndef CONFIDANT_API_PNOTES_H
#define CONFIDANT_API_PNOTES_H

#include "api/api.h"

enum err api_pnote_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_pnote_create(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_pnote_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_pnote_update(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_pnote_share(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_pnote_unshare(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_user_reset_password(struct app *app, const struct http_request *rq,
                                 struct http_response *rs);

#endif
