/*
 * research.c - the de-identified research export over HTTP (see
 * domain/research.h). POST /api/v1/research-exports takes {} and answers
 * 200 with {id, generated_on, cohort, left_out: {not_in_force, restricted},
 * rows: [{pid, age_band, status, diagnoses: [{code, onset_year,
 * resolved}], sessions_by_year: {"2025": 12}}]}. Never: decides who is in
 * the export (the domain's consent gate does) or adds anything to a row.
 */
#include <jansson.h>
#include <stdio.h>

#include "api/consent.h"
#include "domain/research.h"

static json_t *row_json(const struct research_row *r)
{
	json_t *dx = json_array(), *years = json_object();
	char y[16];
	size_t i;

	for (i = 0; dx != NULL && i < r->ndx; i++)
		json_array_append_new(
		        dx, json_pack("{s:s,s:o,s:b}", "code", r->dx[i].code, "onset_year",
		                      r->dx[i].onset_year > 0 ? json_integer(r->dx[i].onset_year)
		                                              : json_null(),
		                      "resolved", r->dx[i].resolved));
	for (i = 0; years != NULL && i < r->nyears; i++) {
		snprintf(y, sizeof y, "%d", r->years[i].year);
		json_object_set_new(years, y, json_integer((json_int_t)r->years[i].sessions));
	}
	if (dx == NULL || years == NULL) {
		json_decref(dx);
		json_decref(years);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "pid", r->pid, "age_band", r->age_band, "status",
	                 r->status, "diagnoses", dx, "sessions_by_year", years);
}

enum err api_research_export(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	static const char *const allowed[] = {NULL};
	struct research_export x = {0};
	struct domain_ctx ctx;
	void *body = NULL;
	json_t *rows;
	size_t i;
	enum err e = api_json_object(rq, rs, allowed, &body);

	if (e != ERR_OK)
		return e;
	json_decref(body);
	API_CALL(app, rq, rs, ctx, domain_research_export(&ctx, &x));
	if (e != ERR_OK)
		return e;
	rows = json_array();
	for (i = 0; rows != NULL && i < x.nrows; i++)
		json_array_append_new(rows, row_json(&x.rows[i]));
	e = rows == NULL
	            ? ERR_NOMEM
	            : api_json_send(rs, json_pack("{s:s,s:s,s:I,s:{s:I,s:I},s:o}", "id", x.id,
	                                          "generated_on", x.generated_on, "cohort",
	                                          (json_int_t)x.nrows, "left_out", "not_in_force",
	                                          (json_int_t)x.not_in_force, "restricted",
	                                          (json_int_t)x.restricted, "rows", rows));
	research_export_cleanup(&x);
	return e;
}
