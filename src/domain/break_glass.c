/*
 * break_glass.c - emergency access to a client outside the care team.
 * A clinician states a reason; the access lasts a short while (setting
 * break_glass_minutes, default 60), every event it allows carries the
 * purpose "break-glass", and the grant shows in a review list for the
 * owner and the client's own clinicians. Never: opens a record silently.
 */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "domain/domain.h"
#include "domain/identity.h"

#define BREAK_GLASS_MINUTES 60
#define BREAK_GLASS_REVIEW_DAYS 30
#define BREAK_GLASS_REASON_MIN 10
#define BREAK_GLASS_REASON_MAX 500

enum err domain_break_glass_open(struct domain_ctx *ctx, const char *client_public_id,
                                 const char *reason, int64_t *expires_at)
{
	int64_t cid = 0, until;
	int yes = 0;
	size_t n = strlen(reason);
	char detail[32];
	enum err e;

	if (ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR)
		return ERR_DENIED;
	if (n < BREAK_GLASS_REASON_MIN || n > BREAK_GLASS_REASON_MAX) {
		ctx->message = "reason must say why, in 10 to 500 characters";
		return ERR_INVAL;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	until = ctx->now + 60 * domain_setting_int(ctx, "break_glass_minutes", BREAK_GLASS_MINUTES);
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK) /* a restricted record is not opened, even in an emergency */
		e = domain_restriction_check(ctx, cid, 2);
	if (e == ERR_OK)
		e = store_care_team_reaches(ctx->store, cid, ctx->actor_id, &yes);
	if (e == ERR_OK && yes) {
		ctx->message = "you already have access to this client";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_break_glass_create(ctx->store, ctx->vault, ctx->actor_id, cid, reason,
		                             ctx->now, until);
	ctx->purpose = "break-glass";
	snprintf(detail, sizeof detail, "minutes=%lld", (long long)((until - ctx->now) / 60));
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_BREAK_GLASS, cid, "client", client_public_id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	*expires_at = until;
	return ERR_OK;
}

enum err domain_break_glass_list(struct domain_ctx *ctx, struct break_glass *out, size_t max,
                                 size_t *n)
{
	int64_t team = 0;
	char detail[32];
	size_t i;
	enum err e;

	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR)
		team = ctx->actor_id;
	else if (ctx->role != ROLE_OWNER && ctx->role != ROLE_AUDITOR)
		return ERR_DENIED;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_break_glass_list(ctx->store, ctx->vault,
	                           ctx->now - BREAK_GLASS_REVIEW_DAYS * 86400, team, out, max, n);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", *n);
		e = domain_emit(ctx, AUDIT_BREAK_GLASS, 0, "client", "", detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		for (i = 0; i < *n; i++)
			mem_free_wiped_str(out[i].reason);
	}
	return e;
}
