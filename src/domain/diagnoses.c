/*
 * diagnoses.c - a client's diagnoses (see diagnoses.h for who may do
 * what). Codes are checked against the compiled-in ICD-10-CM list and
 * stored in its spelling. Never: puts a code or a date in an audit event
 * or a message.
 */
#include "domain/diagnoses.h"

#include <stdio.h>
#include <string.h>

#include "domain/dates.h"
#include "domain/icd10.h"

/* may - may the actor read (write = 0) or change (write = 1) this
 * client's diagnoses? Anything else is a 404 and an audited refusal. */
static enum err may(struct domain_ctx *ctx, int64_t client_id, int write, enum audit_event ev)
{
	int yes = 0;
	enum err e = ERR_OK;

	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR) {
		e = domain_reaches_client(ctx, client_id, &yes);
	} else if (ctx->role == ROLE_BILLER && !write) {
		yes = 1;
		ctx->purpose = "payment";
		e = domain_restriction_check(ctx, client_id, 0); /* GDPR Art. 18 */
		if (e != ERR_OK)
			return e;
	}
	if (e != ERR_OK)
		return e;
	if (yes)
		return ERR_OK;
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* date_ok - s is a real calendar date YYYY-MM-DD, not in the future. The
 * server knows no time zone, so "today" is tomorrow in UTC: a practice east
 * of Greenwich can record its own today. */
static int date_ok(const struct domain_ctx *ctx, const char *s)
{
	char today[11];

	domain_date_today(ctx->now + 86400, today);
	return domain_date_valid(s) && strcmp(s, today) <= 0;
}

const char *domain_diagnosis_title(const char *code)
{
	struct icd10_code c;

	return icd10_find(code, &c) == ERR_OK ? c.title : "";
}

/* finish - emit ev for the diagnosis and commit, or roll back. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t client_id,
                       const char *object_id, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, client_id, object_id ? "diagnosis" : "client",
		                object_id ? object_id : "", detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_diagnosis_add(struct domain_ctx *ctx, const char *client_public_id,
                              struct diagnosis *d)
{
	struct icd10_code code;
	char detail[32];
	size_t count = 0;
	enum err e;

	if (icd10_find(d->code, &code) != ERR_OK) {
		ctx->message = "code must be an ICD-10-CM code from the list (GET /api/v1/icd10)";
		return ERR_INVAL;
	}
	if (d->onset[0] != '\0' && !date_ok(ctx, d->onset)) {
		ctx->message = "onset must be a date (YYYY-MM-DD), not in the future";
		return ERR_INVAL;
	}
	snprintf(d->code, sizeof d->code, "%s", code.code);
	d->resolved_on[0] = '\0';
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &d->client_id);
	if (e == ERR_OK)
		e = may(ctx, d->client_id, 1, AUDIT_DIAGNOSIS_ADD);
	if (e == ERR_OK)
		e = store_diagnosis_count(ctx->store, d->client_id, &count);
	if (e == ERR_OK && count >= DIAGNOSES_PER_CLIENT_MAX) {
		ctx->message = "this client has the most diagnoses a record may hold";
		e = ERR_CONFLICT;
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	d->created_by = ctx->actor_id;
	snprintf(d->client_public_id, sizeof d->client_public_id, "%s", client_public_id);
	snprintf(d->created_by_public_id, sizeof d->created_by_public_id, "%s", ctx->actor);
	e = store_diagnosis_add(ctx->store, ctx->vault, d, ctx->now);
	snprintf(detail, sizeof detail, "primary=%d", d->is_primary ? 1 : 0);
	return finish(ctx, e, AUDIT_DIAGNOSIS_ADD, d->client_id, d->public_id, detail);
}

enum err domain_diagnosis_list(struct domain_ctx *ctx, const char *client_public_id,
                               struct diagnosis *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	char detail[32];
	size_t i;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = may(ctx, cid, 0, AUDIT_DIAGNOSIS_READ);
	if (e == ERR_OK)
		e = store_diagnosis_list(ctx->store, ctx->vault, cid, out, max, n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_DIAGNOSIS_READ, cid, e);
		return e;
	}
	snprintf(detail, sizeof detail, "count=%zu", *n);
	e = finish(ctx, ERR_OK, AUDIT_DIAGNOSIS_READ, cid, NULL, detail);
	if (e != ERR_OK)
		for (i = 0; i < *n; i++)
			diagnosis_cleanup(&out[i]);
	return e;
}

/* apply - c applied to d (the stored row), checked. */
static enum err apply(struct domain_ctx *ctx, const struct diagnosis_change *c, struct diagnosis *d)
{
	if (c->onset != NULL) {
		if (c->onset[0] != '\0' && !date_ok(ctx, c->onset)) {
			ctx->message = "onset must be a date (YYYY-MM-DD), not in the future";
			return ERR_INVAL;
		}
		snprintf(d->onset, sizeof d->onset, "%s", c->onset);
	}
	if (c->resolved_on != NULL && !date_ok(ctx, c->resolved_on)) {
		ctx->message = "resolved_on must be a date (YYYY-MM-DD), not in the future";
		return ERR_INVAL;
	}
	if (c->resolved == 1 || (c->resolved == -1 && c->resolved_on != NULL)) {
		if (c->resolved_on == NULL) {
			ctx->message = "resolving a diagnosis needs resolved_on (YYYY-MM-DD)";
			return ERR_INVAL;
		}
		if (c->resolved == -1 && !d->resolved) {
			ctx->message = "resolved_on needs resolved: true";
			return ERR_INVAL;
		}
		d->resolved = 1;
		d->is_primary = 0; /* a resolved diagnosis is not the primary one */
		snprintf(d->resolved_on, sizeof d->resolved_on, "%s", c->resolved_on);
	} else if (c->resolved == 0) {
		if (c->resolved_on != NULL) {
			ctx->message = "a reopened diagnosis has no resolved_on";
			return ERR_INVAL;
		}
		d->resolved = 0;
		d->resolved_on[0] = '\0';
	}
	if (d->resolved && d->onset[0] != '\0' && strcmp(d->resolved_on, d->onset) < 0) {
		ctx->message = "resolved_on is before onset";
		return ERR_INVAL;
	}
	if (c->primary == 1 && d->resolved) {
		ctx->message = "a resolved diagnosis cannot be primary";
		return ERR_CONFLICT;
	}
	if (c->primary == 0 || c->primary == 1)
		d->is_primary = c->primary;
	return ERR_OK;
}

enum err domain_diagnosis_update(struct domain_ctx *ctx, const struct diagnosis_change *c,
                                 struct diagnosis *out)
{
	struct diagnosis d;
	char detail[48];
	enum err e;

	memset(&d, 0, sizeof d);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_diagnosis_get(ctx->store, ctx->vault, c->public_id, 0, &d);
	if (e == ERR_OK)
		e = may(ctx, d.client_id, 1, AUDIT_DIAGNOSIS_UPDATE);
	if (e == ERR_OK)
		e = store_diagnosis_get(ctx->store, ctx->vault, c->public_id, 1, &d);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		diagnosis_cleanup(&d);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_DIAGNOSIS_UPDATE, 0, e);
		return e;
	}
	if (c->version != d.version) {
		ctx->message = "the diagnosis changed since it was read; reload it";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = apply(ctx, c, &d);
	if (e == ERR_OK) {
		e = store_diagnosis_update(ctx->store, ctx->vault, &d, ctx->now);
		if (e == ERR_CONFLICT)
			ctx->message = "the diagnosis changed since it was read; reload it";
	}
	snprintf(detail, sizeof detail, "primary=%d,resolved=%d", d.is_primary, d.resolved);
	e = finish(ctx, e, AUDIT_DIAGNOSIS_UPDATE, d.client_id, d.public_id, detail);
	if (e == ERR_OK)
		*out = d;
	diagnosis_cleanup(&d);
	return e;
}
