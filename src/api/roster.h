/*
 * roster.h - the handler behind the calendar's clinician list
 * (api/roster.c):
 *   GET /api/v1/clinicians   active clinicians and supervisors: id, name, role
 * Kept out of api.h so the routes table takes it in one include.
 */
#ifndef CONFIDANT_API_ROSTER_H
#define CONFIDANT_API_ROSTER_H

#include "api/api.h"

/* api_roster_list - {"clinicians":[{id,name,role}]}. */
enum err api_roster_list(struct app *app, const struct http_request *rq, struct http_response *rs);

#endif
