/*
 * settings.c - GET and PATCH /api/v1/settings (owner): MFA policy, session
 * timeouts, break-glass length. PATCH needs a recent re-authentication.
 * GET /api/v1/settings/chart tells every signed-in user which optional
 * chart fields the practice collects (the forms show only those).
 * Never: answers anything but the collect_* settings to a non-owner.
 */
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "domain/settings.h"

enum err api_settings_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	int64_t values[16];
	json_t *o;
	size_t i;
	enum err e;

	if (settings_count > 16)
		return ERR_INTERNAL;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_settings_get(&ctx, values);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	o = json_object();
	for (i = 0; i < settings_count; i++)
		json_object_set_new(o, settings[i].key, json_integer(values[i]));
	return api_json_send(rs, o);
}

enum err api_settings_update(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	const char *allowed[17], *keys[16];
	int64_t values[16];
	struct domain_ctx ctx;
	void *root = NULL;
	const char *key;
	json_t *val;
	size_t i, n = 0;
	enum err e;

	if (settings_count > 16)
		return ERR_INTERNAL;
	for (i = 0; i < settings_count; i++)
		allowed[i] = settings[i].key;
	allowed[i] = NULL;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	json_object_foreach((json_t *)root, key, val)
	{
		if (!json_is_integer(val)) {
			json_decref(root);
			rs->message = "settings are whole numbers";
			return ERR_INVAL;
		}
		keys[n] = key;
		values[n++] = json_integer_value(val);
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_settings_set(&ctx, keys, values, n);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	return e == ERR_OK ? api_settings_get(app, rq, rs) : e;
}

enum err api_settings_chart(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	static const char prefix[] = "collect_";
	struct domain_ctx ctx;
	int64_t values[16];
	json_t *o;
	size_t i;
	enum err e;

	if (settings_count > 16)
		return ERR_INTERNAL;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_settings_get(&ctx, values);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	o = json_object();
	for (i = 0; o != NULL && i < settings_count; i++)
		if (strncmp(settings[i].key, prefix, sizeof prefix - 1) == 0)
			json_object_set_new(o, settings[i].key, json_integer(values[i]));
	return o != NULL ? api_json_send(rs, o) : ERR_NOMEM;
}
