/*
 * telehealth_signal.c - the signaling WebSocket of a video session:
 *   GET /api/v1/telehealth/{room}/signal   (WebSocket upgrade)
 * then, as messages (JSON text frames):
 *   -> {"type":"join","token":"..."}     first; the token never goes in the URL
 *   <- {"type":"waiting"} | {"type":"joined","self","peers"} | {"type":"error"}
 *   -> {"type":"offer"|"answer","sdp":"...","to"?}  relayed with "from" added
 *   -> {"type":"ice","candidate":{...}|null,"to"?}  relayed likewise
 *   -> {"type":"bye"}                               relayed likewise
 *   <- {"type":"admitted"}   a host admitted you: send the join again
 *   <- {"type":"closed","reason":"ended"|"consent"} then the close frame
 * and the hooks that close connections when a room ends or a client's
 * telehealth consent is withdrawn.
 * Responsible for: the session (checked at the upgrade), the origin, the
 * join through domain_telehealth_signal, and a strict shape for what is
 * relayed. Never: logs or stores a message; relays an unknown type or
 * field; keeps the token after the join answered.
 */
#include "api/telehealth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/identity.h"
#include "domain/telehealth.h"

#define SIGNAL_SDP_MAX (60 * 1024) /* bytes of a session description */

/* One signaling connection's state (owned by the hub). */
struct signal_state {
	struct app *app;                          /* the application */
	struct principal who;                     /* the session, as checked at the upgrade */
	char room[33];                            /* the room of the URL */
	char self[33];                            /* the participant id, once joined */
	char request_id[HTTP_REQUEST_ID_LEN + 1]; /* the upgrade's request id */
	char addr[64];                            /* the peer's address */
};

static void state_free(void *arg)
{
	struct signal_state *st = arg;

	if (st == NULL)
		return;
	mem_wipe(st, sizeof *st);
	free(st);
}

/* parse - msg as one JSON object (duplicate keys refused), or NULL. */
static json_t *parse(const char *msg, size_t len)
{
	json_t *o = json_loadb(msg, len, JSON_REJECT_DUPLICATES, NULL);

	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* only_keys - every key of o is in allowed (NULL-terminated). */
static int only_keys(json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	size_t i;
	int ok;

	json_object_foreach(o, k, v)
	{
		(void)v;
		for (ok = 0, i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(k, allowed[i]) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

static enum err signal_join(void *arg, const char *msg, size_t len, struct http_ws_entry *out)
{
	static const char *const allowed[] = {"type", "token", NULL};
	struct signal_state *st = arg;
	struct http_request rq;
	struct domain_ctx ctx;
	struct th_signal sg;
	const char *type, *token;
	json_t *o = parse(msg, len);
	size_t i;
	enum err e = ERR_INVAL;

	type = json_string_value(json_object_get(o, "type"));
	token = json_string_value(json_object_get(o, "token"));
	if (o == NULL || !only_keys(o, allowed) || type == NULL || strcmp(type, "join") != 0 ||
	    token == NULL)
		goto out;
	memset(&rq, 0, sizeof rq);
	rq.principal = &st->who;
	memcpy(rq.request_id, st->request_id, sizeof rq.request_id);
	rq.remote_addr = st->addr;
	e = api_begin(st->app, &rq, &ctx);
	if (e != ERR_OK)
		goto out;
	e = domain_telehealth_signal(&ctx, token, strlen(token), &sg);
	api_end(st->app, &ctx);
	if (e == ERR_OK && strcmp(sg.room, st->room) != 0)
		e = ERR_NOTFOUND; /* a token of another room */
	if (e != ERR_OK)
		goto out;
	memcpy(st->self, sg.participant, sizeof st->self);
	memcpy(out->channel, sg.room, sizeof out->channel);
	memcpy(out->self, sg.participant, sizeof out->self);
	for (i = 0; i < sg.nclients && i < HTTP_WS_TAGS_MAX; i++)
		snprintf(out->tags[i], sizeof out->tags[i], "c%lld", (long long)sg.clients[i]);
	out->ntags = i;
	out->waiting = !sg.admitted;
out:
	json_decref(o); /* jansson wipes what it frees (api_json_init) */
	return e;
}

/* peer_id - s is a participant id (32 lowercase hex digits). */
static int peer_id(json_t *v)
{
	return json_is_string(v) && api_public_id_ok(json_string_value(v));
}

enum err api_telehealth_relay(const char *self, const char *msg, size_t len, struct buf *out,
                              char to[HTTP_WS_KEY_MAX])
{
	static const char *const sdp_keys[] = {"type", "sdp", "to", NULL};
	static const char *const ice_keys[] = {"type", "candidate", "to", NULL};
	static const char *const bye_keys[] = {"type", "to", NULL};
	json_t *o = parse(msg, len), *v, *t;
	const char *type;
	char *text = NULL;
	enum err e = ERR_INVAL;

	type = json_string_value(json_object_get(o, "type"));
	if (o == NULL || type == NULL)
		goto out;
	t = json_object_get(o, "to");
	if (t != NULL && !peer_id(t))
		goto out;
	if (strcmp(type, "offer") == 0 || strcmp(type, "answer") == 0) {
		v = json_object_get(o, "sdp");
		if (!only_keys(o, sdp_keys) || !json_is_string(v) ||
		    json_string_length(v) > SIGNAL_SDP_MAX)
			goto out;
	} else if (strcmp(type, "ice") == 0) {
		v = json_object_get(o, "candidate");
		if (!only_keys(o, ice_keys) || !(json_is_object(v) || json_is_null(v)))
			goto out;
	} else if (strcmp(type, "bye") == 0) {
		if (!only_keys(o, bye_keys))
			goto out;
	} else {
		goto out;
	}
	to[0] = '\0';
	if (t != NULL) {
		memcpy(to, json_string_value(t), 33);
		json_object_del(o, "to");
	}
	if (json_object_set_new(o, "from", json_string(self)) != 0) {
		e = ERR_NOMEM;
		goto out;
	}
	text = json_dumps(o, JSON_COMPACT);
	e = text == NULL ? ERR_NOMEM : buf_puts(out, text);
out:
	if (text != NULL)
		mem_free_wiped_str(text);
	json_decref(o);
	return e;
}

static enum err signal_check(void *arg, const char *msg, size_t len, struct buf *out,
                             char to[HTTP_WS_KEY_MAX])
{
	const struct signal_state *st = arg;

	return api_telehealth_relay(st->self, msg, len, out, to);
}

static const struct http_ws_ops signal_ops = {signal_join, signal_check, state_free};

/* same_origin - a browser's Origin (when sent) must be this server. */
static int same_origin(const struct http_request *rq)
{
	const char *origin = http_request_header(rq, "Origin");
	const char *host = http_request_header(rq, "Host");

	if (origin == NULL)
		return 1; /* not a browser: the session cookie and the token still decide */
	return host != NULL && strncmp(origin, "https://", 8) == 0 && strcmp(origin + 8, host) == 0;
}

enum err api_telehealth_signal(struct app *app, const struct http_request *rq,
                               struct http_response *rs)
{
	struct signal_state *st;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (http_request_query(rq, "token") != NULL) {
		rs->message = "The join token goes in the first message, never in the URL.";
		return ERR_INVAL;
	}
	if (!same_origin(rq)) {
		rs->message = "The signaling socket answers this site's pages only.";
		return ERR_DENIED;
	}
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return ERR_NOMEM;
	st->app = app;
	memcpy(&st->who, rq->principal, sizeof st->who);
	memcpy(st->room, rq->param[0], sizeof st->room);
	memcpy(st->request_id, rq->request_id, sizeof st->request_id);
	snprintf(st->addr, sizeof st->addr, "%s", rq->remote_addr != NULL ? rq->remote_addr : "");
	return http_ws_upgrade(rq, rs, &signal_ops, st);
}

void api_telehealth_signal_ended(const struct http_request *rq, const char *room)
{
	http_ws_close(rq, HTTP_WS_BY_CHANNEL, room, "{\"type\":\"closed\",\"reason\":\"ended\"}");
}

void api_telehealth_signal_admitted(const struct http_request *rq, const char *room,
                                    const char *participant)
{
	http_ws_notify(rq, room, participant, "{\"type\":\"admitted\"}");
}

void api_telehealth_signal_withdrawn(struct app *app, const struct http_request *rq,
                                     const char *consent_id)
{
	struct domain_ctx ctx;
	int64_t client_id = 0;
	int telehealth = 0;
	char tag[HTTP_WS_KEY_MAX];
	enum err e;

	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return;
	e = domain_telehealth_consent_client(&ctx, consent_id, &client_id, &telehealth);
	api_end(app, &ctx);
	if (e != ERR_OK || !telehealth)
		return;
	snprintf(tag, sizeof tag, "c%lld", (long long)client_id);
	http_ws_close(rq, HTTP_WS_BY_TAG, tag, "{\"type\":\"closed\",\"reason\":\"consent\"}");
}
