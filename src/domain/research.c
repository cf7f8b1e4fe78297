/*
 * research.c - the de-identified research export (see research.h). One
 * write transaction: the candidates, the gate for each, their rows and
 * one audit event each, then the export's own event.
 * Never: copies a name, contact, free text or exact date into a row, reads
 * notes or psychotherapy notes, or includes a client the gate refused.
 */
#include "domain/research.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/consent.h"
#include "domain/dates.h"
#include "store/erasure.h"

void research_export_cleanup(struct research_export *x)
{
	size_t i;

	for (i = 0; x->rows != NULL && i < x->nrows; i++) {
		free(x->rows[i].dx);
		free(x->rows[i].years);
	}
	free(x->rows);
	memset(x, 0, sizeof *x);
}

const char *domain_research_age_band(int age)
{
	static const struct {
		int below; /* ages below this ... */
		const char *band;
	} bands[] = {{0, "unknown"}, {13, "0-12"},  {18, "13-17"}, {25, "18-24"}, {35, "25-34"},
	             {45, "35-44"},  {55, "45-54"}, {65, "55-64"}, {75, "65-74"}, {90, "75-89"}};
	size_t i;

	for (i = 0; i < sizeof bands / sizeof bands[0]; i++)
		if (age < bands[i].below)
			return bands[i].band;
	return "90+";
}

/* digits - the number in s[0..n), or -1 unless all n are digits. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* age_on - whole years from a YYYY-MM-DD birth date to today, -1 unknown. */
static int age_on(const char *dob, const char *today)
{
	int age;

	if (dob == NULL || !domain_date_valid(dob))
		return -1;
	age = digits(today, 4) - digits(dob, 4);
	if (strcmp(today + 5, dob + 5) < 0)
		age--;
	return age;
}

static int by_pid(const void *a, const void *b)
{
	return strcmp(((const struct research_row *)a)->pid, ((const struct research_row *)b)->pid);
}

/* row_of - the de-identified row of one client (whose gate passed). */
static enum err row_of(struct domain_ctx *ctx, const struct research_candidate *c,
                       const char *today, struct research_row *row)
{
	struct client cl;
	struct diagnosis *dx = NULL;
	struct research_year years[RESEARCH_YEARS_MAX];
	size_t ndx = 0, nyears = 0, i;
	enum err e;

	memset(row, 0, sizeof *row);
	e = store_client_get(ctx->store, ctx->vault, c->public_id, &cl);
	if (e != ERR_OK)
		return e;
	row->age_band = domain_research_age_band(age_on(cl.date_of_birth, today));
	row->status = client_status_name(cl.status);
	client_cleanup(&cl);
	domain_random_hex(row->pid, 8);

	dx = mem_calloc_array(RESEARCH_DX_MAX, sizeof *dx);
	if (dx == NULL)
		return ERR_NOMEM;
	e = store_diagnosis_list(ctx->store, ctx->vault, c->id, dx, RESEARCH_DX_MAX, &ndx);
	if (e == ERR_OK && ndx > 0) {
		row->dx = mem_calloc_array(ndx, sizeof *row->dx);
		if (row->dx == NULL)
			e = ERR_NOMEM;
	}
	for (i = 0; e == ERR_OK && i < ndx; i++) {
		struct research_dx *d = &row->dx[row->ndx++];

		memcpy(d->code, dx[i].code, sizeof d->code);
		d->onset_year = dx[i].onset[0] ? digits(dx[i].onset, 4) : 0;
		d->resolved = dx[i].resolved;
	}
	for (i = 0; i < ndx; i++)
		diagnosis_cleanup(&dx[i]);
	free(dx);
	if (e == ERR_OK)
		e = store_research_sessions(ctx->store, c->id, years, RESEARCH_YEARS_MAX, &nyears);
	if (e == ERR_OK && nyears > 0) {
		row->years = mem_calloc_array(nyears, sizeof *row->years);
		if (row->years == NULL)
			e = ERR_NOMEM;
		else
			memcpy(row->years, years, nyears * sizeof *years);
		row->nyears = row->years != NULL ? nyears : 0;
	}
	if (e != ERR_OK) {
		free(row->dx);
		free(row->years);
		memset(row, 0, sizeof *row);
	}
	return e;
}

/* include - gate, restriction, row and event for one candidate; *taken
 * says whether the client went in (0: not in force, 1: in, 2: restricted). */
static enum err include(struct domain_ctx *ctx, const struct research_candidate *c,
                        struct research_export *x, const char *today, int *taken)
{
	char basis[16];
	int yes = 0;
	enum err e;

	*taken = 0;
	e = domain_consent_permits(ctx, c->id, CONSENT_RESEARCH, &yes);
	if (e != ERR_OK || !yes)
		return e;
	e = store_restriction_get(ctx->store, c->id, basis);
	if (e != ERR_OK)
		return e;
	if (basis[0] != '\0') {
		*taken = 2;
		return ERR_OK;
	}
	e = row_of(ctx, c, today, &x->rows[x->nrows]);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_RESEARCH_INCLUDE, c->id, "research_export", x->id, NULL);
	if (e == ERR_OK) {
		x->nrows++;
		*taken = 1;
	}
	return e;
}

enum err domain_research_export(struct domain_ctx *ctx, struct research_export *out)
{
	struct research_export x;
	struct research_candidate *cand = NULL;
	char detail[64];
	size_t n = 0, i;
	int taken;
	enum err e;

	memset(&x, 0, sizeof x);
	if (ctx->role != ROLE_OWNER) {
		domain_audit_refusal(ctx, AUDIT_RESEARCH_EXPORT, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	domain_random_hex(x.id, 16);
	domain_date_today(ctx->now, x.generated_on);
	cand = mem_calloc_array(RESEARCH_CLIENTS_MAX, sizeof *cand);
	if (cand == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e != ERR_OK) {
		free(cand);
		return e;
	}
	ctx->purpose = "research";
	e = store_research_candidates(ctx->store, cand, RESEARCH_CLIENTS_MAX, &n);
	if (e == ERR_OK && n > 0) {
		x.rows = mem_calloc_array(n, sizeof *x.rows);
		if (x.rows == NULL)
			e = ERR_NOMEM;
	}
	for (i = 0; e == ERR_OK && i < n; i++) {
		e = include(ctx, &cand[i], &x, x.generated_on, &taken);
		if (taken == 0)
			x.not_in_force++;
		else if (taken == 2)
			x.restricted++;
	}
	free(cand);
	if (e == ERR_OK && x.nrows < RESEARCH_MIN_COHORT) {
		store_rollback(ctx->store);
		snprintf(detail, sizeof detail, "cohort=%zu min=%d", x.nrows, RESEARCH_MIN_COHORT);
		research_export_cleanup(&x);
		domain_audit_refusal_detail(ctx, AUDIT_RESEARCH_EXPORT, 0, ERR_CONFLICT, detail);
		ctx->message = "fewer than 5 clients have consented to research use: nothing was "
		               "exported (a cohort that small could identify them)";
		return ERR_CONFLICT;
	}
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "cohort=%zu", x.nrows);
		e = domain_emit(ctx, AUDIT_RESEARCH_EXPORT, 0, "research_export", x.id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		research_export_cleanup(&x);
		return e;
	}
	qsort(x.rows, x.nrows, sizeof *x.rows, by_pid);
	*out = x;
	return ERR_OK;
}
