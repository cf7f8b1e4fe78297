/*
 * time_off.h - handlers for reading and removing time off (api/time_off.c):
 *   GET    /api/v1/clinicians/{id}/time-off?from=&to=&tz=
 *   DELETE /api/v1/time-off/{id}
 * Adding is POST /api/v1/clinicians/{id}/time-off (api/schedule.h). Who
 * may call which is in api/routes.c; the rules in domain/time_off.h.
 */
#ifndef CONFIDANT_API_TIME_OFF_H
#define CONFIDANT_API_TIME_OFF_H

#include "api/api.h"

enum err api_time_off_list(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_time_off_delete(struct app *app, const struct http_request *rq,
                             struct http_response *rs);

#endif
