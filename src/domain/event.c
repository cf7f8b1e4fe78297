/*
 * event.c - the domain's one way to write audit events: every field of the
 * actor, session and source comes from the context, so no operation can
 * forget one. Never: puts PHI in an event (ids, counts and names of fields
 * only).
 */
#include "domain/domain.h"

#include "core/log.h"
#include "domain/consent.h"

enum err domain_emit(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                     const char *object_type, const char *object_id, const char *detail)
{
	return domain_emit_outcome(ctx, ev, client_id, object_type, object_id, detail, ERR_OK);
}

/* emit - the event from the context, through the consent gate; batched
 * (a read's own transaction) or in the caller's transaction. */
static enum err emit(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                     const char *object_type, const char *object_id, const char *detail,
                     enum err outcome, int batched)
{
	int purpose = domain_consent_event_purpose(ev);
	struct audit_entry a = {
	        .event = ev,
	        .actor = ctx->actor,
	        .client_id = client_id,
	        .outcome = outcome,
	        .request_id = ctx->request_id,
	        .detail = detail,
	        .at = ctx->now,
	        .actor_role = ctx->role_name,
	        .session = ctx->session,
	        .source = ctx->source,
	        .object_type = object_type,
	        .object_id = object_id,
	        .purpose = ctx->purpose,
	};

	/* The consent gate, enforced where no disclosure can skip it: an event
	 * that records a disclosure is only written after the gate passed. */
	if (purpose >= 0 && outcome == ERR_OK &&
	    (!(ctx->consented & (1u << purpose)) || ctx->consented_client != client_id)) {
		log_error("consent gate not asked before event=%s", audit_event_name(ev));
		return ERR_INTERNAL;
	}
	if (batched)
		return audit_emit_batched(ctx->store, ctx->vault, &a);
	return audit_emit(ctx->store, ctx->vault, &a);
}

enum err domain_emit_outcome(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                             const char *object_type, const char *object_id, const char *detail,
                             enum err outcome)
{
	return emit(ctx, ev, client_id, object_type, object_id, detail, outcome, 0);
}

enum err domain_emit_read(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                          const char *object_type, const char *object_id, const char *detail)
{
	return emit(ctx, ev, client_id, object_type, object_id, detail, ERR_OK, 1);
}

void domain_audit_refusal(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                          enum err why)
{
	domain_audit_refusal_detail(ctx, ev, client_id, why, "");
}

void domain_audit_refusal_detail(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                                 enum err why, const char *detail)
{
	struct audit_entry a = {
	        .event = ev,
	        .actor = ctx->actor,
	        .client_id = client_id,
	        .outcome = why,
	        .request_id = ctx->request_id,
	        .detail = detail,
	        .at = ctx->now,
	        .actor_role = ctx->role_name,
	        .session = ctx->session,
	        .source = ctx->source,
	        .object_type = client_id ? "client" : "",
	        .object_id = "",
	        .purpose = ctx->purpose,
	};

	store_rollback(ctx->store);
	if (store_begin(ctx->store) != ERR_OK)
		return;
	if (audit_emit(ctx->store, ctx->vault, &a) != ERR_OK || store_commit(ctx->store) != ERR_OK)
		store_rollback(ctx->store);
}
