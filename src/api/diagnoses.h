/*
 * diagnoses.h - handlers for diagnoses and the ICD-10-CM code list
 * (api/diagnoses.c). Kept out of api.h so the routes table can take them
 * in one include:
 *   GET   /api/v1/icd10?q=...&limit=N         the code list (not PHI)
 *   GET   /api/v1/clients/{id}/diagnoses      a client's diagnoses
 *   POST  /api/v1/clients/{id}/diagnoses      add one
 *   PATCH /api/v1/diagnoses/{id}              resolve, reopen, primary, onset
 */
#ifndef CONFIDANT_API_DIAGNOSES_H
#define CONFIDANT_API_DIAGNOSES_H

#include "api/api.h"

enum err api_icd10_search(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_diagnosis_list(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_diagnosis_add(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_diagnosis_update(struct app *app, const struct http_request *rq,
                              struct http_response *rs);

#endif
