/*
 * reminders.c - sending a reminder now, an appointment's reminder attempts
 * and the integration secrets, over HTTP (rules in domain/reminders.h).
 * Never: returns an address, a number, a message or a secret.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/remind.h"
#include "domain/reminders.h"

/* send_now - POST .../reminders/email or /sms: the body is {} . */
static enum err send_now(struct app *app, const struct http_request *rq, struct http_response *rs,
                         int channel)
{
	static const char *const allowed[] = {NULL};
	struct reminder_result r;
	struct domain_ctx ctx;
	void *root = NULL;
	enum err e;

	memset(&r, 0, sizeof r);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (rq->body_len > 0) {
		e = api_json_object(rq, rs, allowed, &root);
		if (e != ERR_OK)
			return e;
		json_decref(root);
	}
	API_CALL(app, rq, rs, ctx,
	         domain_reminder_send_now(&ctx, app->reminders, rq->param[0], channel, &r));
	if (e != ERR_OK)
		return e;
	return api_json_send(
	        rs, json_pack("{s:s,s:s,s:I,s:I,s:o}", "appointment", rq->param[0], "channel",
	                      domain_reminder_channel_name(channel), "sent", (json_int_t)r.sent,
	                      "failed", (json_int_t)r.failed, "error_class",
	                      r.error_class[0] ? json_string(r.error_class) : json_null()));
}

enum err api_reminder_email(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	return send_now(app, rq, rs, REMINDER_EMAIL);
}

enum err api_reminder_sms(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return send_now(app, rq, rs, REMINDER_SMS);
}

enum err api_reminder_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const outcomes[] = {"sent", "failed", "skipped"};
	struct reminder_attempt a[REMINDER_ATTEMPTS_SHOWN];
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx,
	         domain_reminder_attempts(&ctx, rq->param[0], a, REMINDER_ATTEMPTS_SHOWN, &n));
	if (e != ERR_OK)
		return e;
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(
		        arr, json_pack("{s:s,s:s,s:i,s:o,s:s,s:o}", "client", a[i].client_public_id,
		                       "channel", domain_reminder_channel_name(a[i].channel),
		                       "attempt", a[i].attempt, "at", api_time_json(a[i].at),
		                       "outcome", outcomes[a[i].outcome % 3], "error_class",
		                       a[i].error_class[0] ? json_string(a[i].error_class)
		                                           : json_null()));
	return api_json_send(rs, json_pack("{s:o}", "attempts", arr));
}

enum err api_integration_secret(struct app *app, const struct http_request *rq,
                                struct http_response *rs)
{
	static const char *const allowed[] = {"value", NULL};
	struct domain_ctx ctx;
	const char *value = NULL;
	void *root = NULL;
	enum err e;

	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	e = api_str_member(root, "value", 0, &value, rs, "value must be text (\"\" forgets it)");
	if (e == ERR_OK && value == NULL) {
		rs->message = "value must be text (\"\" forgets it)";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx,
		         domain_integration_secret_set(&ctx, rq->param[0], value));
	if (e == ERR_OK)
		e = api_json_send(
		        rs, json_pack("{s:s,s:b}", "name", rq->param[0], "set", value[0] != '\0'));
	json_decref(root);
	return e;
}
