/*
 * time_off.c - thin handlers for a clinician's time off: the list of a
 * date range (UTC and local times in the zone asked for) and removal.
 * Decode the query or path, call domain/time_off.h, encode JSON. Never:
 * decides who may (the routes table and the domain do).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/schedule.h"
#include "api/time_off.h"
#include "core/mem.h"
#include "domain/time_off.h"

enum err api_time_off_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct time_off_range r;
	struct time_off *rows;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	rows = mem_calloc_array(TIME_OFF_SHOWN_MAX + 1, sizeof *rows);
	if (rows == NULL)
		return ERR_NOMEM;
	API_CALL(app, rq, rs, ctx,
	         domain_time_off_list(&ctx, rq->param[0], http_request_query(rq, "from"),
	                              http_request_query(rq, "to"), http_request_query(rq, "tz"),
	                              rows, TIME_OFF_SHOWN_MAX, &n, &r));
	if (e != ERR_OK) {
		free(rows);
		return e;
	}
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(
		        arr, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "id", rows[i].public_id,
		                       "start", api_time_json(rows[i].starts_at), "end",
		                       api_time_json(rows[i].ends_at), "local_start",
		                       api_sched_local_json(r.tz, rows[i].starts_at), "local_end",
		                       api_sched_local_json(r.tz, rows[i].ends_at), "created_at",
		                       api_time_json(rows[i].created_at)));
	free(rows);
	if (arr == NULL)
		return ERR_NOMEM;
	return api_json_send(rs, json_pack("{s:s,s:o,s:o,s:o,s:b}", "tz", r.tz, "from",
	                                   api_sched_local_json(r.tz, r.from), "to",
	                                   api_sched_local_json(r.tz, r.to), "time_off", arr,
	                                   "truncated", r.truncated));
}

enum err api_time_off_delete(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_time_off_remove(&ctx, rq->param[0]));
	if (e != ERR_OK)
		return e;
	return api_json_send(rs, json_pack("{s:s,s:b}", "id", rq->param[0], "removed", 1));
}
