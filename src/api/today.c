/*
 * today.c - GET /api/v1/me/notes?status=draft|awaiting_cosign: the notes a
 * clinician has to finish or co-sign, across clients, without their text
 * (ids, client ids, templates, dates, authors). Never: returns note text or
 * a client's name; the page opens those through their own audited routes.
 */
#include "api/today.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/today.h"

static json_t *row_json(const struct note *n)
{
	json_t *o =
	        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:o}", "id", n->public_id, "client",
	                  n->client_public_id, "template", n->template_name, "date", n->date,
	                  "status", n->status == NOTE_DRAFT ? "draft" : "awaiting_cosign", "author",
	                  n->author_public_id, "author_name", n->author_name, "version",
	                  (json_int_t)n->version, "updated_at", api_time_json(n->updated_at));

	if (o != NULL && n->signed_at)
		json_object_set_new(o, "signed_at", api_time_json(n->signed_at));
	return o;
}

enum err api_me_notes(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *st = http_request_query(rq, "status");
	struct domain_ctx ctx;
	enum today_kind kind;
	struct note *ns;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (st != NULL && strcmp(st, "draft") == 0) {
		kind = TODAY_DRAFTS;
	} else if (st != NULL && strcmp(st, "awaiting_cosign") == 0) {
		kind = TODAY_COSIGN;
	} else {
		rs->message = "status must be draft or awaiting_cosign";
		return ERR_INVAL;
	}
	ns = calloc(TODAY_NOTES_MAX, sizeof *ns);
	if (ns == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_today_notes(&ctx, kind, ns, TODAY_NOTES_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; i < n && arr != NULL; i++)
			json_array_append_new(arr, row_json(&ns[i]));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "notes", arr)) : ERR_NOMEM;
	}
	mem_wipe(ns, TODAY_NOTES_MAX * sizeof *ns);
	free(ns);
	return e;
}
