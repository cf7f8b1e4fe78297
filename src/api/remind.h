/*
 * remind.h - handlers for the waitlist, booking requests, reminders and
 * calendar feeds (api/booking.c, api/reminders.c, api/feeds.c; bodies and
 * answers in docs/api.md, "Waitlist, booking requests, reminders, feeds").
 */
#ifndef CONFIDANT_API_REMIND_H
#define CONFIDANT_API_REMIND_H

#include "api/api.h"

enum err api_waitlist_add(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_waitlist_list(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_waitlist_remove(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_booking_create(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_booking_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_booking_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_booking_approve(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_booking_decline(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_reminder_email(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_reminder_sms(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_reminder_list(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_integration_secret(struct app *app, const struct http_request *rq,
                                struct http_response *rs);
enum err api_feed_create(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_feed_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_feed_revoke(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_feed_fetch(struct app *app, const struct http_request *rq, struct http_response *rs);

#endif
