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

struct reminder_transport; /* domain/reminders.h */

/* What every handler serves. */
struct app {
	struct store_pool *pool;     /* database connections */
	struct vault *vault;         /* the unlocked master key */
	pthread_rwlock_t vault_lock; /* read: a request uses vault; write: adopt a rotated key */
	const char *version;         /* Confidant version string */
	const struct reminder_transport
	        *reminders; /* how reminders leave (cli wires it), or NULL */
};

#define API_COOKIE "__Host-confidant" /* session cookie: Secure, Path=/, no Domain */

/* The routes table, for http_server_start and for tests. */
extern const struct route api_routes[];
extern const size_t api_route_count;

/* app_init / app_cleanup - set up the lock; vault and pool are the caller's. */
enum err app_init(struct app *app, struct store_pool *pool, struct vault *vault);
void app_cleanup(struct app *app);

/* api_authorize / api_release - the http authorize hook: session, CSRF,
 * role, pending-enrolment and re-authentication checks for every
 * non-public route; the principal lives until api_release. */
enum err api_authorize(struct app *app, struct http_request *rq, struct http_response *rs);
void api_release(struct app *app, struct http_request *rq);

/* api_begin - take a connection and the vault (read lock) for a request,
 * adopting a rotated master key first if the database has moved on. */
enum err api_begin(struct app *app, const struct http_request *rq, struct domain_ctx *ctx);
/* api_end - give back what api_begin took. */
void api_end(struct app *app, struct domain_ctx *ctx);

/* API_CALL - set e to the result of the domain call `call`, made in a
 * context ctx that api_begin opened for this request and api_end closes;
 * on failure the domain's message (if any) goes to the response. */
#define API_CALL(app, rq, rs, ctx, call)                                                           \
	do {                                                                                       \
		e = api_begin((app), (rq), &(ctx));                                                \
		if (e == ERR_OK) {                                                                 \
			e = (call);                                                                \
			if (e != ERR_OK && (ctx).message != NULL)                                  \
				(rs)->message = (ctx).message;                                     \
			api_end((app), &(ctx));                                                    \
		}                                                                                  \
	} while (0)

/* JSON helpers (api/json.c). */
/* api_json_init - make jansson wipe its memory on free. Call once, first. */
void api_json_init(void);
struct json_t;
/* api_json_parse - parse rq's body as one JSON object, checking depth,
 * duplicate keys and that every key is in allowed (NULL-terminated). On
 * failure rs->message says why (never quoting the input). */
enum err api_json_object(const struct http_request *rq, struct http_response *rs,
                         const char *const *allowed, void **out);
/* api_json_body - rq's body as one JSON object (depth and duplicate keys
 * checked) without a key check: the caller checks keys with
 * api_json_keys, level by level. */
enum err api_json_body(const struct http_request *rq, struct http_response *rs, void **out);
/* api_json_keys - ERR_INVAL unless every key of the JSON object is in
 * allowed (NULL-terminated); rs->message then says where (e.g. "body",
 * "problems[].goals[]") and names the first unknown key when it looks like
 * a field name (letters, digits, _; at most 40), never otherwise. */
enum err api_json_keys(void *object, const char *where, const char *const *allowed,
                       struct http_response *rs);
/* api_jw_json - write a jansson value (borrowed; NULL: ERR_NOMEM) with
 * writer w, for a part of a streamed answer still built as a tree (e.g.
 * amendment requests). Reals are refused (ERR_INTERNAL): none is written
 * this way, and jansson's number format is not reproduced. */
struct jw;
void api_jw_json(struct jw *w, const void *value);
/* api_time_json - unix seconds as an ISO 8601 UTC string value. */
struct json_t *api_time_json(int64_t t);

/* api_public_id_ok - non-zero if s is 32 lowercase hex digits (checked
 * before any lookup by id). */
int api_public_id_ok(const char *s);

/* api_str_member - the string member `name` of object o (borrowed) into
 * *out: NULL when absent or null. ERR_INVAL with rs->message = message
 * when it is another type, or absent/empty and required. */
enum err api_str_member(void *o, const char *name, int required, const char **out,
                        struct http_response *rs, const char *message);

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
enum err api_client_care_team(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_break_glass_open(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_break_glass_list(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_settings_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_settings_update(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
/* api_settings_chart - GET /api/v1/settings/chart: the collect_* settings
 * only (0 or 1 each), for every signed-in role, so forms show only the
 * optional chart fields the practice collects. */
enum err api_settings_chart(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_note_create(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_note_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_note_get(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_note_update(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_note_sign(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_note_cosign(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_note_addendum(struct app *app, const struct http_request *rq,
                           struct http_response *rs);
enum err api_note_templates(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_login(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_logout(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_session(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_password(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_mfa_enrol(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_mfa_confirm(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_reauth(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_user_list(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_user_create(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_user_update(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_user_supervisee(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_user_reset_mfa(struct app *app, const struct http_request *rq,
                            struct http_response *rs);

/* Audit trail (api/audit.c): search, a client's access report, and the
 * breach-impact report (JSON, or CSV with ?format=csv). */
enum err api_audit_search(struct app *app, const struct http_request *rq, struct http_response *rs);
enum err api_audit_access_report(struct app *app, const struct http_request *rq,
                                 struct http_response *rs);
enum err api_audit_breach_report(struct app *app, const struct http_request *rq,
                                 struct http_response *rs);

#endif
