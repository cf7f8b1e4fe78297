/*
 * roster.c - GET /api/v1/clinicians: who can hold appointments, for the
 * calendar's filter and booking form (staff who may see the calendar).
 * Never: answers with e-mail addresses or account state.
 */
#include <jansson.h>
#include <stdlib.h>

#include "api/roster.h"
#include "core/mem.h"
#include "domain/roster.h"

enum err api_roster_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct roster_entry *rows;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	rows = calloc(ROSTER_MAX, sizeof *rows);
	if (rows == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_roster_list(&ctx, rows, ROSTER_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "id",
			                                     rows[i].public_id, "name",
			                                     rows[i].name, "role", rows[i].role));
		e = arr == NULL ? ERR_NOMEM
		                : api_json_send(rs, json_pack("{s:o}", "clinicians", arr));
	}
	mem_wipe(rows, ROSTER_MAX * sizeof *rows);
	free(rows);
	return e;
}
