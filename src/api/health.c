/*
 * health.c - GET /api/v1/health for load balancers: the database answers.
 * Says nothing about the practice.
 */
#include <jansson.h>

#include "api/api.h"

enum err api_health(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct store *s = store_pool_take(app->pool);
	int64_t n = 0;
	enum err e;

	(void)rq;
	e = store_user_count(s, &n);
	store_pool_give(app->pool, s);
	if (e != ERR_OK)
		return ERR_BUSY;
	return api_json_send(rs, json_pack("{s:s}", "status", "ok"));
}
