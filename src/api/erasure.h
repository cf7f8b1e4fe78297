/*
 * erasure.h - handlers for erasure, legal holds, restriction (api/erasure.c)
 * and breach records and letters (api/breach.c):
 *   POST /api/v1/clients/{id}/erasure-requests   {"basis"?} -> 201 done or scheduled
 *   GET  /api/v1/erasure-requests                 every request, newest first
 *   GET  /api/v1/erasure-requests/{id}            one request
 *   POST /api/v1/clients/{id}/legal-holds         {"reason"} -> 201
 *   GET  /api/v1/clients/{id}/legal-holds         a client's holds
 *   POST /api/v1/legal-holds/{id}/release         {"reason"}
 *   POST /api/v1/clients/{id}/restriction         {"basis"} restrict (GDPR Art. 18)
 *   POST /api/v1/clients/{id}/restriction/lift    lift it
 *   POST /api/v1/breaches                         record a breach -> 201 with deadlines
 *   GET  /api/v1/breaches                         breaches with their deadlines
 *   GET  /api/v1/breaches/{id}/letters[?format=html]  notification letters
 * Kept out of api.h so the routes table takes them in one include.
 */
#ifndef CONFIDANT_API_ERASURE_H
#define CONFIDANT_API_ERASURE_H

#include "api/api.h"

enum err api_erasure_request(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_erasure_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_erasure_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_hold_set(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_hold_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_hold_release(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_restriction_set(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_restriction_lift(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_breach_record(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_breach_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_breach_letters(struct app *app, const struct http_request *rq,
                            struct http_response *rs);

#endif
