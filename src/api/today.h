/*
 * today.h - the handler behind a clinician's today view (api/today.c):
 *   GET /api/v1/me/notes?status=draft            my unsigned drafts
 *   GET /api/v1/me/notes?status=awaiting_cosign  notes I am to co-sign
 * Kept out of api.h so the routes table takes it in one include.
 */
#ifndef CONFIDANT_API_TODAY_H
#define CONFIDANT_API_TODAY_H

#include "api/api.h"

/* api_me_notes - the notes of one kind on the actor's desk, no text. */
enum err api_me_notes(struct app *app, const struct http_request *rq, struct http_response *rs);

#endif
