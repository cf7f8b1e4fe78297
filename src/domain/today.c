/*
 * today.c - the notes on a clinician's desk (see today.h). The store finds
 * the candidates; this file drops any whose client the actor no longer
 * reaches, so a list never shows more than opening each note would.
 * Never: reads a note's sealed text.
 */
#include "domain/today.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "store/erasure.h"
#include "store/today.h"

enum err domain_today_notes(struct domain_ctx *ctx, enum today_kind kind, struct note *out,
                            size_t max, size_t *n)
{
	const char *purpose = ctx->purpose;
	char detail[48];
	size_t found = 0, k = 0, i;
	enum err e;

	if (ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR) {
		domain_audit_refusal(ctx, AUDIT_NOTE_LIST, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = kind == TODAY_DRAFTS ? store_today_drafts(ctx->store, ctx->actor_id, out, max, &found)
	                         : store_today_cosign(ctx->store, ctx->actor_id, out, max, &found);
	for (i = 0; e == ERR_OK && i < found; i++) {
		char restricted[16] = "";
		int yes = 0;

		/* A restricted record is not worked on: leave it off the list. */
		e = store_restriction_get(ctx->store, out[i].client_id, restricted);
		if (e == ERR_OK && restricted[0] == '\0')
			e = domain_reaches_client(ctx, out[i].client_id, &yes);
		if (e == ERR_OK && yes && k != i)
			out[k] = out[i];
		if (e == ERR_OK && yes)
			k++;
	}
	ctx->purpose = purpose; /* reaching one client must not label the list */
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "mine=%s count=%zu",
		         kind == TODAY_DRAFTS ? "draft" : "cosign", k);
		e = domain_emit(ctx, AUDIT_NOTE_LIST, 0, "note", "", detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		mem_wipe(out, found * sizeof *out);
		return e;
	}
	if (k < found)
		mem_wipe(&out[k], (found - k) * sizeof *out);
	*n = k;
	return ERR_OK;
}
