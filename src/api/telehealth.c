/*
 * telehealth.c - video sessions over HTTP:
 *   POST /api/v1/appointments/{id}/telehealth  {} -> {room, token, ice_servers...}
 *   GET  /api/v1/telehealth/{room}             -> {room, open, participants}
 *   POST /api/v1/telehealth/{room}/admit       {"participant"} -> the participant
 *   POST /api/v1/telehealth/{room}/end         {} -> {room, ended: true}
 * Never: echoes a token anywhere but the joiner's own answer; returns the
 * TURN shared secret (only a credential minted from it).
 */
#include "api/telehealth.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/telehealth.h"

/* ice_json - the ICE servers: the relay with its credential, or none. */
static json_t *ice_json(const struct th_ice *ice)
{
	json_t *arr = json_array(), *urls;
	size_t i;

	if (arr == NULL || ice->nurls == 0)
		return arr;
	urls = json_array();
	for (i = 0; urls != NULL && i < ice->nurls; i++)
		json_array_append_new(urls, json_string(ice->urls[i]));
	json_array_append_new(arr, json_pack("{s:o,s:s,s:s}", "urls", urls, "username",
	                                     ice->username, "credential", ice->credential));
	return arr;
}

static json_t *participant_json(const struct th_participant *p)
{
	return json_pack("{s:s,s:s,s:o,s:b,s:b,s:o}", "id", p->public_id, "user", p->user_public_id,
	                 "client",
	                 p->client_public_id[0] ? json_string(p->client_public_id) : json_null(),
	                 "host", p->host, "admitted", p->admitted_at != 0, "joined_at",
	                 api_time_json(p->joined_at));
}

/* empty_body - the body must be an empty JSON object. */
static enum err empty_body(const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {NULL};
	void *root = NULL;
	enum err e = api_json_object(rq, rs, allowed, &root);

	json_decref(root);
	return e;
}

enum err api_telehealth_join(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct domain_ctx ctx;
	struct th_join j;
	json_t *o;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = empty_body(rq, rs);
	if (e != ERR_OK)
		return e;
	API_CALL(app, rq, rs, ctx, domain_telehealth_join(&ctx, rq->param[0], &j));
	if (e != ERR_OK)
		return e;
	o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:b,s:o,s:o}", "room", j.room, "appointment",
	              j.appointment, "participant", j.participant, "token", j.token,
	              "token_expires_at", api_time_json(j.token_expires_at), "role",
	              j.host ? "host" : "guest", "admitted", j.admitted, "ice_servers",
	              ice_json(&j.ice), "ice_expires_at",
	              j.ice.nurls ? api_time_json(j.ice.expires_at) : json_null());
	mem_wipe(&j, sizeof j);
	if (o == NULL)
		return ERR_NOMEM;
	return api_json_send(rs, o);
}

enum err api_telehealth_get(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct domain_ctx ctx;
	struct th_state *st;
	json_t *arr, *o;
	size_t i;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	st = mem_calloc_array(1, sizeof *st);
	if (st == NULL)
		return ERR_NOMEM;
	API_CALL(app, rq, rs, ctx, domain_telehealth_get(&ctx, rq->param[0], st));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < st->n; i++)
			json_array_append_new(arr, participant_json(&st->p[i]));
		o = json_pack("{s:s,s:s,s:b,s:s,s:o,s:o,s:o}", "room", st->room.public_id,
		              "appointment", st->appointment, "open", st->room.ended_at == 0,
		              "role", st->host ? "host" : "guest", "expires_at",
		              api_time_json(st->room.expires_at), "ended_at",
		              st->room.ended_at ? api_time_json(st->room.ended_at) : json_null(),
		              "participants", arr);
		e = o == NULL ? ERR_NOMEM : api_json_send(rs, o);
	}
	free(st);
	return e;
}

enum err api_telehealth_admit(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	static const char *const allowed[] = {"participant", NULL};
	struct th_participant p;
	struct domain_ctx ctx;
	const char *who = NULL;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = api_str_member(root, "participant", 1, &who, rs,
		                   "participant must be a participant id");
	if (e == ERR_OK && !api_public_id_ok(who)) {
		rs->message = "participant must be a participant id";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx, domain_telehealth_admit(&ctx, rq->param[0], who, &p));
	json_decref(root);
	if (e != ERR_OK)
		return e;
	api_telehealth_signal_admitted(rq, rq->param[0], p.public_id);
	return api_json_send(rs, participant_json(&p));
}

enum err api_telehealth_end(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = empty_body(rq, rs);
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx, domain_telehealth_end(&ctx, rq->param[0]));
	if (e != ERR_OK)
		return e;
	api_telehealth_signal_ended(rq, rq->param[0]);
	return api_json_send(rs, json_pack("{s:s,s:b}", "room", rq->param[0], "ended", 1));
}
