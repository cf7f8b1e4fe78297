/*
 * settings.c - GET and PATCH /api/v1/settings (owner): MFA policy, session
 * timeouts, break-glass length, what the chart collects (whole numbers),
 * and the practice's name, server location, privacy contact, retention
 * statement and integration endpoints (text). PATCH needs a recent
 * re-authentication. GET /api/v1/settings/chart tells every signed-in user
 * which optional chart fields the practice collects (the forms show only
 * those). Never: answers anything but the collect_* settings to a non-owner.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <stdlib.h>

#include "api/api.h"
#include "domain/settings.h"

enum err api_settings_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	int64_t values[SETTINGS_MAX];
	char *texts[SETTINGS_MAX];
	json_t *o;
	size_t i;
	enum err e;

	if (settings_count > SETTINGS_MAX || text_settings_count > SETTINGS_MAX)
		return ERR_INTERNAL;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_settings_get(&ctx, values, texts);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	o = json_object();
	for (i = 0; o != NULL && i < settings_count; i++)
		json_object_set_new(o, settings[i].key, json_integer(values[i]));
	for (i = 0; i < text_settings_count; i++) {
		if (o != NULL)
			json_object_set_new(o, text_settings[i].key, json_string(texts[i]));
		free(texts[i]);
	}
	return o ? api_json_send(rs, o) : ERR_NOMEM;
}

enum err api_settings_update(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	const char *allowed[2 * SETTINGS_MAX + 1];
	struct setting_change changes[2 * SETTINGS_MAX];
	struct domain_ctx ctx;
	void *root = NULL;
	const char *key;
	json_t *val;
	size_t i, k = 0, n = 0;
	enum err e;

	if (settings_count > SETTINGS_MAX || text_settings_count > SETTINGS_MAX)
		return ERR_INTERNAL;
	for (i = 0; i < settings_count; i++)
		allowed[k++] = settings[i].key;
	for (i = 0; i < text_settings_count; i++)
		allowed[k++] = text_settings[i].key;
	allowed[k] = NULL;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	json_object_foreach((json_t *)root, key, val)
	{
		int text = domain_text_setting_find(key) != NULL;

		if (text ? !json_is_string(val) : !json_is_integer(val)) {
			snprintf(rs->message_buf, sizeof rs->message_buf, "%s must be %s", key,
			         text ? "text" : "a whole number");
			json_decref(root);
			rs->message = rs->message_buf;
			return ERR_INVAL;
		}
		changes[n].key = key;
		changes[n].value = text ? 0 : json_integer_value(val);
		changes[n].text = text ? json_string_value(val) : NULL;
		if (domain_setting_explain(&changes[n], rs->message_buf, sizeof rs->message_buf) !=
		    0) {
			json_decref(root);
			rs->message = rs->message_buf; /* names the setting, never the value */
			return ERR_INVAL;
		}
		n++;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_settings_set(&ctx, changes, n);
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
	int64_t values[SETTINGS_MAX];
	char *texts[SETTINGS_MAX];
	json_t *o;
	size_t i;
	enum err e;

	if (settings_count > SETTINGS_MAX || text_settings_count > SETTINGS_MAX)
		return ERR_INTERNAL;
	API_CALL(app, rq, rs, ctx, domain_settings_get(&ctx, values, texts));
	if (e != ERR_OK)
		return e;
	for (i = 0; i < text_settings_count; i++)
		free(texts[i]);
	o = json_object();
	for (i = 0; o != NULL && i < settings_count; i++)
		if (strncmp(settings[i].key, prefix, sizeof prefix - 1) == 0)
			json_object_set_new(o, settings[i].key, json_integer(values[i]));
	return o != NULL ? api_json_send(rs, o) : ERR_NOMEM;
}
