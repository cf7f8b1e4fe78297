/*
 * risk.c - risk levels, the sealed risk summary of a note, and the risk
 * report (see risk.h). Never: writes a level into an event, a message or a
 * log.
 */
#include "domain/risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/dates.h"
#include "domain/erasure.h"
#include "store/note_templates.h"

#define CLIENT_PAGE 100

static const char *const levels[] = {"denies", "passive", "active_no_plan", "plan", "intent"};
#define NLEVELS (sizeof levels / sizeof levels[0])

int domain_risk_level_parse(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return RISK_NOT_ASSESSED;
	for (i = 0; i < NLEVELS; i++)
		if (strcmp(levels[i], s) == 0)
			return (int)i;
	return -2;
}

const char *domain_risk_level_name(int level)
{
	if (level >= 0 && (size_t)level < NLEVELS)
		return levels[level];
	return level == RISK_UNSTRUCTURED ? "unstructured" : "not_assessed";
}

void domain_risk_format(const struct note_risk *r, char out[RISK_SUMMARY_MAX])
{
	snprintf(out, RISK_SUMMARY_MAX, "v1 s=%d h=%d p=%d", r->suicidal, r->homicidal,
	         r->safety_plan != 0);
}

/* level_ok - a level a summary may hold. */
static int level_ok(long v)
{
	return v >= RISK_NOT_ASSESSED && v <= RISK_UNSTRUCTURED;
}

enum err domain_risk_parse(const char *s, struct note_risk *out)
{
	struct note_risk r;
	const char *p;
	char *end;
	long v;

	if (s == NULL || strncmp(s, "v1 s=", 5) != 0)
		return ERR_CRYPTO;
	v = strtol(s + 5, &end, 10);
	if (!level_ok(v) || strncmp(end, " h=", 3) != 0)
		return ERR_CRYPTO;
	r.suicidal = (int)v;
	p = end + 3;
	v = strtol(p, &end, 10);
	if (end == p || !level_ok(v) || strncmp(end, " p=", 3) != 0)
		return ERR_CRYPTO;
	r.homicidal = (int)v;
	if ((end[3] != '0' && end[3] != '1') || end[4] != '\0')
		return ERR_CRYPTO;
	r.safety_plan = end[3] == '1';
	*out = r;
	return ERR_OK;
}

int domain_risk_flagged(const struct note_risk *r)
{
	return r->suicidal > RISK_DENIES || r->homicidal > RISK_DENIES;
}

enum err domain_note_risk_seal(struct domain_ctx *ctx, int64_t note_id, int64_t client_id,
                               const struct note_risk *r)
{
	char text[RISK_SUMMARY_MAX];
	enum err e;

	domain_risk_format(r, text);
	e = store_note_risk_put(ctx->store, ctx->vault, note_id, client_id, text);
	mem_wipe(text, sizeof text);
	return e;
}

void risk_entry_cleanup(struct risk_entry *e)
{
	mem_free_wiped_str(e->client_name);
	mem_free_wiped_str(e->content);
	mem_wipe(e, sizeof *e);
}

/* one - the client c's latest signed note since `since`: *listed set if it
 * is flagged (and *out filled). */
static enum err one(struct domain_ctx *ctx, const struct client *c, const char *since,
                    risk_from_text parse, struct risk_entry *out, int *read, int *listed)
{
	struct note_risk_row row;
	struct note_risk r;
	const char *name;
	enum err e;

	*read = *listed = 0;
	e = store_note_risk_latest(ctx->store, ctx->vault, c->id, since, &row);
	if (e == ERR_NOTFOUND)
		return ERR_OK;
	if (e != ERR_OK)
		return e;
	*read = 1;
	if (row.summary != NULL)
		e = domain_risk_parse(row.summary, &r);
	else if (!parse(row.content, &r))
		e = ERR_CRYPTO;
	if (e == ERR_OK && domain_risk_flagged(&r)) {
		memset(out, 0, sizeof *out);
		memcpy(out->client_public_id, c->public_id, sizeof out->client_public_id);
		name = c->preferred_name != NULL && c->preferred_name[0] != '\0' ? c->preferred_name
		                                                                 : c->legal_name;
		out->client_name = mem_strdup(name != NULL ? name : "");
		memcpy(out->note_public_id, row.note_public_id, sizeof out->note_public_id);
		memcpy(out->date, row.date, sizeof out->date);
		out->risk = r;
		if (out->client_name == NULL)
			e = ERR_NOMEM;
		else
			e = domain_emit(ctx, AUDIT_REPORT_RISK, c->id, "note", row.note_public_id,
			                "listed");
		if (e == ERR_OK)
			*listed = 1;
		else
			risk_entry_cleanup(out);
	}
	note_risk_row_cleanup(&row);
	mem_wipe(&r, sizeof r);
	return e;
}

enum err domain_risk_report(struct domain_ctx *ctx, const char *since, risk_from_text parse,
                            struct risk_entry *out, size_t max, size_t *n)
{
	struct client *cs;
	size_t got = 0, k = 0, i, reached = 0, notes = 0;
	int64_t after = 0;
	char detail[80];
	enum err e;

	if (ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR) {
		domain_audit_refusal(ctx, AUDIT_REPORT_RISK, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	if (since == NULL || !domain_date_valid(since)) {
		ctx->message = "since must be a date, YYYY-MM-DD";
		return ERR_INVAL;
	}
	cs = mem_calloc_array(CLIENT_PAGE, sizeof *cs);
	if (cs == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e != ERR_OK) {
		free(cs);
		return e;
	}
	ctx->purpose = "treatment";
	do {
		e = store_client_list(ctx->store, ctx->vault, ctx->actor_id, after, CLIENT_PAGE, cs,
		                      &got);
		for (i = 0; e == ERR_OK && i < got; i++) {
			int read = 0, listed = 0, restricted = 0;

			/* Art. 18: a restricted record is not read for a report. */
			e = domain_restricted(ctx, cs[i].id, &restricted);
			if (e != ERR_OK || restricted)
				continue;
			reached++;
			if (k < max)
				e = one(ctx, &cs[i], since, parse, &out[k], &read, &listed);
			notes += (size_t)read;
			k += (size_t)listed;
		}
		if (got > 0)
			after = cs[got - 1].id;
		for (i = 0; i < got; i++)
			client_cleanup(&cs[i]);
	} while (e == ERR_OK && got == CLIENT_PAGE && k < max);
	free(cs);
	snprintf(detail, sizeof detail, "since=%s,clients=%zu,notes=%zu,listed=%zu", since, reached,
	         notes, k);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_REPORT_RISK, 0, "report", "risk", detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		for (i = 0; i < k; i++)
			risk_entry_cleanup(&out[i]);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_REPORT_RISK, 0, e);
		return e;
	}
	*n = k;
	return ERR_OK;
}
