/*
 * chart.h - handlers for the chart beyond demographics (api/chart.c). Kept
 * out of api.h so the routes table can take them in one include:
 *   GET    /api/v1/clients/{id}/history     every change to the chart
 *   GET    /api/v1/notes/{id}/history       every saved version of a note
 *   GET    /api/v1/clients/{id}/guardians   a client's guardians
 *   POST   /api/v1/clients/{id}/guardians   add one
 *   PATCH  /api/v1/guardians/{id}           change one
 *   DELETE /api/v1/guardians/{id}           remove one
 *   GET    /api/v1/clients/{id}/care-team   the clinicians assigned, and the primary
 * and the JSON of a client's contact routes (api/clients.c shows them).
 */
#ifndef CONFIDANT_API_CHART_H
#define CONFIDANT_API_CHART_H

#include "api/api.h"

enum err api_client_history(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_note_history(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_guardian_list(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_guardian_add(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_guardian_update(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_guardian_remove(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_care_team_get(struct app *app, const struct http_request *rq,
                           struct http_response *rs);

/* api_contact_routes_write - {"email": {allowed, to, confidential,
 * reason}, "sms": ..., "voice": ..., "post": ...} for client c, as the
 * next value of writer w (core/jw.h). */
struct jw;
void api_contact_routes_write(struct jw *w, const struct client *c);

#endif
