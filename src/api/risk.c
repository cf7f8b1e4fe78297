/*
 * risk.c - the risk report over HTTP (see api/records.h, domain/risk.h):
 *   GET /api/v1/reports/risk?since=YYYY-MM-DD
 *       {"since", "clients": [{"client", "client_name", "note", "date",
 *         "risk_suicidal", "risk_homicidal", "safety_plan": bool}]}
 * The date is not a client's data, so it may travel in the URL. The answer
 * holds names and levels (PHI): bodies are wiped when freed.
 * Never: decides who may, or what is listed (domain/risk.c does).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/records.h"
#include "core/mem.h"
#include "domain/risk.h"

enum err api_risk_report(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *since = http_request_query(rq, "since");
	struct risk_entry *es;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (since == NULL) {
		rs->message = "since (a date, YYYY-MM-DD) is required";
		return ERR_INVAL;
	}
	es = mem_calloc_array(RISK_REPORT_MAX, sizeof *es);
	if (es == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_risk_report(&ctx, since, api_risk_from_text, es, RISK_REPORT_MAX, &n);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(
			        arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "client",
			                       es[i].client_public_id, "client_name",
			                       es[i].client_name, "note", es[i].note_public_id,
			                       "date", es[i].date, "risk_suicidal",
			                       domain_risk_level_name(es[i].risk.suicidal),
			                       "risk_homicidal",
			                       domain_risk_level_name(es[i].risk.homicidal),
			                       "safety_plan", es[i].risk.safety_plan));
		e = arr != NULL ? api_json_send(rs, json_pack("{s:s,s:o}", "since", since,
		                                              "clients", arr))
		                : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		risk_entry_cleanup(&es[i]);
	free(es);
	return e;
}
