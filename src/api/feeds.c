/*
 * feeds.c - calendar feeds over HTTP (rules in domain/feeds.h): make or
 * rotate, see and revoke a clinician's feed, and the public .ics URL whose
 * token is the credential. Never: returns a token except once, when made.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/remind.h"
#include "core/mem.h"
#include "domain/feeds.h"

#define FEED_PATH "/api/v1/feeds/"

enum err api_feed_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	char token[FEED_TOKEN_HEX + 1], url[160];
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_feed_create(&ctx, rq->param[0], token));
	if (e != ERR_OK)
		return e;
	snprintf(url, sizeof url, FEED_PATH "%s.ics", token);
	rs->status = 201;
	e = api_json_send(rs, json_pack("{s:s,s:s}", "path", url, "token", token));
	mem_wipe(token, sizeof token);
	mem_wipe(url, sizeof url);
	return e;
}

enum err api_feed_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	int64_t at = 0;
	int active = 0;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_feed_status(&ctx, rq->param[0], &active, &at));
	if (e != ERR_OK)
		return e;
	return api_json_send(rs, json_pack("{s:b,s:o}", "active", active, "created_at",
	                                   active ? api_time_json(at) : json_null()));
}

enum err api_feed_revoke(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_feed_revoke(&ctx, rq->param[0]));
	if (e != ERR_OK)
		return e;
	return api_json_send(rs, json_pack("{s:b}", "active", 0));
}

enum err api_feed_fetch(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	char token[FEED_TOKEN_HEX + 1], who[33];
	const char *file = rq->param[0];
	struct domain_ctx ctx;
	size_t i;
	enum err e;

	/* {file} is TOKEN.ics: 64 lowercase hex digits and the suffix */
	if (strlen(file) != FEED_TOKEN_HEX + 4 || strcmp(file + FEED_TOKEN_HEX, ".ics") != 0)
		return ERR_NOTFOUND;
	for (i = 0; i < FEED_TOKEN_HEX; i++) {
		char c = file[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return ERR_NOTFOUND;
		token[i] = c;
	}
	token[FEED_TOKEN_HEX] = '\0';
	API_CALL(app, rq, rs, ctx, domain_feed_render(&ctx, token, who, &rs->body));
	mem_wipe(token, sizeof token);
	if (e != ERR_OK) {
		buf_reset(&rs->body);
		return e;
	}
	rs->content_type = "text/calendar; charset=utf-8";
	return ERR_OK;
}
