/*
 * retention.c - retention rules per jurisdiction (see domain/retention.h).
 * The practice's owner writes them; the owner and the privacy officer read
 * them; erasure (domain/erasure.c) and the privacy page ask which applies
 * to a client. Never: audits or returns a client's jurisdiction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/dates.h"
#include "domain/retention.h"

int domain_retention_code_valid(const char *code)
{
	size_t n, i;

	if (code == NULL)
		return 0;
	n = strlen(code);
	if (n != 2 && (n < 4 || n > RETENTION_CODE_MAX))
		return 0;
	if (code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z')
		return 0;
	if (n == 2)
		return 1;
	if (code[2] != '-')
		return 0;
	for (i = 3; i < n; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9')))
			return 0;
	return 1;
}

/* default_code - the default rule's code from meta ("" when unset). */
static void default_code_of(struct domain_ctx *ctx, char out[RETENTION_CODE_MAX + 1])
{
	char *v = NULL;

	out[0] = '\0';
	if (store_meta_get(ctx->store, RETENTION_DEFAULT_KEY, &v) == ERR_OK && v != NULL &&
	    strlen(v) <= RETENTION_CODE_MAX)
		snprintf(out, RETENTION_CODE_MAX + 1, "%s", v);
	free(v);
}

enum err domain_retention_rules(struct domain_ctx *ctx, struct retention_rule *out, size_t max,
                                size_t *n, char default_code[RETENTION_CODE_MAX + 1])
{
	char detail[32];
	enum err e;

	if (ctx->role != ROLE_OWNER && ctx->role != ROLE_AUDITOR) {
		domain_audit_refusal(ctx, AUDIT_RETENTION_READ, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_retention_rule_list(ctx->store, out, max, n);
	if (e == ERR_OK) {
		default_code_of(ctx, default_code);
		snprintf(detail, sizeof detail, "count=%zu", *n);
		e = domain_emit(ctx, AUDIT_RETENTION_READ, 0, "retention_rule", "", detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* rule_valid - every field of r in range, else ERR_INVAL naming it. */
static enum err rule_valid(struct domain_ctx *ctx, const struct retention_rule *r)
{
	if (!domain_retention_code_valid(r->code))
		ctx->message = "code must be an ISO 3166 code such as GB, DE or US-WA";
	else if (r->adult_years < 0 || r->adult_years > 100)
		ctx->message = "adult_years must be a whole number from 0 to 100";
	else if (r->majority_age < 14 || r->majority_age > 25)
		ctx->message = "majority_age must be a whole number from 14 to 25";
	else if (r->minor_years < 0 || r->minor_years > 100)
		ctx->message = "minor_years must be a whole number from 0 to 100";
	else if (strlen(r->note) > RETENTION_NOTE_MAX || !domain_text_clean(r->note, 0))
		ctx->message = "note must be one line of text, at most 500 characters";
	else
		return ERR_OK;
	return ERR_INVAL;
}

enum err domain_retention_rule_put(struct domain_ctx *ctx, struct retention_rule *r,
                                   int make_default, int *created, int *is_default)
{
	char detail[96], dflt[RETENTION_CODE_MAX + 1];
	enum err e;

	if (ctx->role != ROLE_OWNER && !(ctx->role == 0 && ctx->actor_id == 0)) {
		domain_audit_refusal(ctx, AUDIT_RETENTION_SET, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = rule_valid(ctx, r);
	if (e != ERR_OK)
		return e;
	r->updated_at = ctx->now;
	ctx->purpose = "operations";
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_retention_rule_put(ctx->store, r, created);
	if (e == ERR_OK && make_default)
		e = store_meta_set(ctx->store, RETENTION_DEFAULT_KEY, r->code);
	if (e == ERR_OK) {
		default_code_of(ctx, dflt);
		*is_default = strcmp(dflt, r->code) == 0;
	}
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail,
		         "code=%s,adult=%lld,majority=%lld,minor=%lld,default=%d", r->code,
		         (long long)r->adult_years, (long long)r->majority_age,
		         (long long)r->minor_years, make_default ? 1 : 0);
		e = domain_emit(ctx, AUDIT_RETENTION_SET, 0, "retention_rule", r->code, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_retention_rule_delete(struct domain_ctx *ctx, const char *code)
{
	char dflt[RETENTION_CODE_MAX + 1];
	struct retention_rule r;
	int64_t users = 0;
	enum err e;

	if (ctx->role != ROLE_OWNER && !(ctx->role == 0 && ctx->actor_id == 0)) {
		domain_audit_refusal(ctx, AUDIT_RETENTION_DELETE, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	if (!domain_retention_code_valid(code))
		return ERR_NOTFOUND;
	ctx->purpose = "operations";
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_retention_rule_get(ctx->store, code, &r);
	if (e == ERR_OK) {
		default_code_of(ctx, dflt);
		if (strcmp(dflt, code) == 0) {
			ctx->message = "this is the practice's default rule: make another rule the "
			               "default first";
			e = ERR_CONFLICT;
		}
	}
	if (e == ERR_OK)
		e = store_retention_rule_users(ctx->store, ctx->vault, code, &users);
	if (e == ERR_OK && users > 0) {
		ctx->message =
		        "clients' jurisdiction is this rule: change their jurisdiction first";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_retention_rule_delete(ctx->store, code);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_RETENTION_DELETE, 0, "retention_rule", code, "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_retention_rule_for(struct domain_ctx *ctx, const char *jurisdiction,
                                   struct retention_rule *out)
{
	char dflt[RETENTION_CODE_MAX + 1];
	enum err e = ERR_NOTFOUND;

	if (jurisdiction != NULL && jurisdiction[0] != '\0')
		e = store_retention_rule_get(ctx->store, jurisdiction, out);
	if (e == ERR_NOTFOUND) {
		default_code_of(ctx, dflt);
		e = dflt[0] != '\0' ? store_retention_rule_get(ctx->store, dflt, out)
		                    : ERR_NOTFOUND;
	}
	if (e == ERR_NOTFOUND) { /* no rules at all: the law most places set */
		memset(out, 0, sizeof *out);
		out->adult_years = 7;
		out->majority_age = 18;
		out->minor_years = 7;
		e = ERR_OK;
	}
	return e;
}

enum err domain_retention_jurisdiction_check(struct domain_ctx *ctx, const char *j)
{
	struct retention_rule r;
	enum err e;

	if (j == NULL || j[0] == '\0')
		return ERR_OK;
	e = domain_retention_code_valid(j) ? store_retention_rule_get(ctx->store, j, &r)
	                                   : ERR_NOTFOUND;
	if (e == ERR_NOTFOUND) {
		ctx->message = "jurisdiction must be the code of one of the practice's retention "
		               "rules (GET /api/v1/retention-rules), or null";
		e = ERR_INVAL;
	}
	return e;
}
