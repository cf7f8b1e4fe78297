/*
 * api.h - the JSON API: thin handlers (decode -> domain -> encode), the
 * routes table and the application state they share.
 *
 * Responsible for: turning request bodies into domain records (rejecting
 * malformed JSON, unknown fields, wrong types and excessive nesting) and
 * domain records into JSON.
 * Never: runs SQL, touches keys, or decides access; never echoes input back
 * in an error message.
 */
#ifndef CONFIDANT_API_H
#define CONFIDANT_API_H

#include <pthread.h>
#include <stddef.h>

#include "core/err.h"
#include "domain/domain.h"
#include "http/http.h"
#include "store/store.h"
#include "vault/vault.h"

#define API_JSON_DEPTH_MAX 16 /* deepest nesting accepted in a body */
#define API_PAGE_DEFAULT 50   /* list page size when none is asked */

/* Roles, as bits for the routes table. The identity work assigns them to
 * users; until then only `serve --insecure-dev` reaches non-public routes. */
#define ROLE_OWNER 1u
#define ROLE_CLINICIAN 2u
#define ROLE_SUPERVISOR 4u
#define ROLE_BILLER 8u
#define ROLE_SCHEDULER 16u
#define ROLE_CLIENT 32u
#define ROLE_ALL_STAFF                                                                             \
	(ROLE_OWNER | ROLE_CLINICIAN | ROLE_SUPERVISOR | ROLE_BILLER | ROLE_SCHEDULER)

/* What every handler serves. */
struct app {
	struct store_pool *pool;     /* database connections */
	struct vault *vault;         /* the unlocked master key */
	pthread_rwlock_t vault_lock; /* read: a request uses vault; write: adopt a rotated key */
	const char *version;         /* Confidant version string */
};

/* The routes table, for http_server_start and for tests. */
extern const struct route api_routes[];
extern const size_t api_route_count;

/* app_init / app_cleanup - set up the lock; vault and pool are the caller's. */
enum err app_init(struct app *app, struct store_pool *pool, struct vault *vault);
void app_cleanup(struct app *app);

/* api_begin - take a connection and the vault (read lock) for a request,
 * adopting a rotated master key first if the database has moved on. */
enum err api_begin(struct app *app, const struct http_request *rq, struct domain_ctx *ctx);
/* api_end - give back what api_begin took. */
void api_end(struct app *app, struct domain_ctx *ctx);

/* JSON helpers (api/json.c). */
/* api_json_init - make jansson wipe its memory on free. Call once, first. */
void api_json_init(void);
struct json_t;
/* api_json_parse - parse rq's body as one JSON object, checking depth,
 * duplicate keys and that every key is in allowed (NULL-terminated). On
 * failure rs->message says why (never quoting the input). */
enum err api_json_object(const struct http_request *rq, struct http_response *rs,
                         const char *const *allowed, void **out);
/* api_json_send - serialise a jansson value into rs->body (steals v). */
enum err api_json_send(struct http_response *rs, void *v);

/* Handlers. */
enum err api_health(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_client_create(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_client_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_client_update(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_client_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_client_search(struct app *app, const struct http_request *rq,
                           struct http_response *rs);

#endif
