/*
 * plans.h - handlers for treatment plans and amendment requests
 * (api/plans.c, api/amendments.c). Kept out of api.h so the routes table
 * takes them in one include:
 *   GET  /api/v1/clients/{id}/plans        a client's plans (newest versions)
 *   POST /api/v1/clients/{id}/plans        start a plan (version 1)
 *   GET  /api/v1/plans/{id}[?version=N]    one version (the newest by default)
 *   PUT  /api/v1/plans/{id}                save a new version
 *   GET  /api/v1/plans/{id}/versions       every version, newest first
 *   POST /api/v1/plans/{id}/sign           sign a version
 *   GET  /api/v1/clients/{id}/amendments   a client's amendment requests
 *   POST /api/v1/clients/{id}/amendments   file one
 *   GET  /api/v1/amendments/{id}           one request
 *   POST /api/v1/amendments/{id}/extend | accept | deny | disagreement | rebuttal
 */
#ifndef CONFIDANT_API_PLANS_H
#define CONFIDANT_API_PLANS_H

#include "api/api.h"

enum err api_plan_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_plan_create(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_plan_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_plan_update(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_plan_versions(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_plan_sign(struct app *app, const struct http_request *rq, struct http_response *rs);

enum err api_amendment_list(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_amendment_create(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_amendment_get(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_amendment_extend(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_amendment_accept(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_amendment_deny(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_amendment_disagree(struct app *app, const struct http_request *rq,
                                struct http_response *rs);
enum err api_amendment_rebut(struct app *app, const struct http_request *rq,
                             struct http_response *rs);

/* api_amendments_linked - the amendment requests about one item ("note" or
 * "plan", by public id) as a JSON array (a json_t *, caller owns) in
 * *out, read with ctx (its own audited transaction): what travels with
 * the item when it is read. */
enum err api_amendments_linked(struct domain_ctx *ctx, const char *type, const char *public_id,
                               void **out);

/* api_amendment_to_json - one request as the API shows it (a json_t *,
 * caller owns; NULL if out of memory). */
struct amendment;
void *api_amendment_to_json(const struct amendment *a);

#endif
