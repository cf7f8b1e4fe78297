/*
 * record_amendments.c - amendment requests about diagnoses and chart
 * fields, read for showing with them (see record_amendments.h). One
 * read snapshot, then one amendment.read event carrying the kind and the
 * count, appended in a batch shared with other reads (it rides along with
 * every chart read, so it must not take the write lock). Never: audits a refusal for a role that
 * simply is not shown requests; puts request text in an event.
 */
#include "domain/record_amendments.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "domain/plans.h"

/* shows - does the actor's role see amendment requests on this record?
 * The treating team (its reach is checked, and audited, afterwards), and
 * a client on their own record. */
static int shows(const struct domain_ctx *ctx, int64_t client_id)
{
	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR)
		return 1;
	return ctx->role == ROLE_CLIENT && ctx->client_self != 0 && ctx->client_self == client_id;
}

int domain_amendment_role_shown(const struct domain_ctx *ctx)
{
	return ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR ||
	       ctx->role == ROLE_CLIENT;
}

enum err domain_amendment_about(struct domain_ctx *ctx, const char *client_public_id,
                                const char *target_type, struct amendment *out, size_t max,
                                size_t *n, int *shown)
{
	char detail[48];
	int64_t cid = 0;
	size_t all = 0, k = 0, i;
	enum err e;

	if (strcmp(target_type, "diagnosis") != 0 && strcmp(target_type, "chart") != 0)
		return ERR_INVAL;
	if (ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR &&
	    ctx->role != ROLE_CLIENT) {
		/* not shown to this role: nothing to read, nothing to audit */
		*n = 0;
		*shown = 0;
		return ERR_OK;
	}
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK && !shows(ctx, cid)) {
		store_rollback(ctx->store);
		*n = 0;
		*shown = 0;
		return ERR_OK;
	}
	if (e == ERR_OK)
		e = domain_record_reach(ctx, cid, 1, AUDIT_AMENDMENT_READ, NULL);
	if (e == ERR_OK)
		e = store_amendment_list(ctx->store, ctx->vault, cid, NULL, 0, out, max, &all);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_AMENDMENT_READ, cid, e);
		return e;
	}
	/* Keep the requests of this kind, in order, at the front. */
	for (i = 0; i < all; i++) {
		if (strcmp(out[i].target_type, target_type) != 0) {
			amendment_cleanup(&out[i]);
			continue;
		}
		if (k != i) {
			out[k] = out[i];
			mem_wipe(&out[i], sizeof out[i]);
		}
		out[k].overdue = out[k].status == AMENDMENT_PENDING && ctx->now > out[k].due_at;
		k++;
	}
	store_rollback(ctx->store); /* ends the read snapshot; it wrote nothing */
	snprintf(detail, sizeof detail, "about=%s,count=%zu", target_type, k);
	e = domain_emit_read(ctx, AUDIT_AMENDMENT_READ, cid, "client", client_public_id, detail);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			amendment_cleanup(&out[i]);
		return e;
	}
	*n = k;
	*shown = 1;
	return ERR_OK;
}
