/*
 * schedule.h - handlers for the calendar (api/schedule.c), kept out of
 * api.h so the routes table takes them in one include:
 *   GET/POST /api/v1/services, GET/POST /api/v1/rooms
 *   GET/PUT  /api/v1/clinicians/{id}/working-hours
 *   POST     /api/v1/clinicians/{id}/time-off
 *   GET      /api/v1/clinicians/{id}/free-slots
 *   POST     /api/v1/appointments
 *   GET/PATCH /api/v1/appointments/{id}, POST /api/v1/appointments/{id}/status
 *   GET      /api/v1/schedule (day, week, month views)
 * Who may call which is in api/routes.c; what each may see in
 * domain/schedule.h.
 */
#ifndef CONFIDANT_API_SCHEDULE_H
#define CONFIDANT_API_SCHEDULE_H

#include "api/api.h"

enum err api_service_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_service_add(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_room_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_room_add(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_hours_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_hours_set(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_time_off_add(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_free_slots(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_appt_create(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_appt_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_appt_update(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_appt_status(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_schedule_view(struct app *app, const struct http_request *rq,
                           struct http_response *rs);

/* api_sched_local_json - instant t as a local time in tz,
 * "YYYY-MM-DDTHH:MM:SS" (JSON null if tz cannot say). Caller owns it. */
struct json_t;
struct json_t *api_sched_local_json(const char *tz, int64_t t);

#endif
