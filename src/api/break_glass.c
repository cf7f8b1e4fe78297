/*
 * break_glass.c - POST /api/v1/clients/{id}/break-glass (open a client in
 * an emergency, with a reason) and GET /api/v1/break-glass (the review
 * list). The reason is shown to reviewers only.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/mem.h"

#define BG_PAGE 200

enum err api_break_glass_open(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	static const char *const allowed[] = {"reason", NULL};
	struct domain_ctx ctx;
	void *root = NULL;
	int64_t until = 0;
	json_t *reason;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	reason = json_object_get(root, "reason");
	if (!json_is_string(reason)) {
		json_decref(root);
		rs->message = "reason (why you need this record now) is required";
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_break_glass_open(&ctx, rq->param[0], json_string_value(reason), &until);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e != ERR_OK)
		return e;
	rs->status = 201;
	return api_json_send(rs, json_pack("{s:o}", "expires_at", api_time_json(until)));
}

enum err api_break_glass_list(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	struct domain_ctx ctx;
	struct break_glass *bs;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	bs = calloc(BG_PAGE, sizeof *bs);
	if (bs == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_break_glass_list(&ctx, bs, BG_PAGE, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(
			        arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o}", "id",
			                       (json_int_t)bs[i].id, "user_id",
			                       bs[i].user_public_id, "user_name", bs[i].user_name,
			                       "client_id", bs[i].client_public_id, "reason",
			                       bs[i].reason ? bs[i].reason : "", "started_at",
			                       api_time_json(bs[i].started_at), "expires_at",
			                       api_time_json(bs[i].expires_at)));
		e = api_json_send(rs, json_pack("{s:o}", "grants", arr));
	}
	for (i = 0; i < n; i++)
		mem_free_wiped_str(bs[i].reason);
	free(bs);
	return e;
}
