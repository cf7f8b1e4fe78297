/*
 * roster.c - the calendar's list of clinicians (see roster.h). Reads the
 * user table page by page and keeps the active clinicians and supervisors.
 * Never: copies anything of an account but its id, name and role.
 */
#include "domain/roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define ROSTER_PAGE 200 /* users read from the store at a time */

enum err domain_roster_list(struct domain_ctx *ctx, struct roster_entry *out, size_t max, size_t *n)
{
	struct user_auth *page;
	int64_t after = 0;
	size_t got = 0, k = 0, i;
	enum err e;

	page = calloc(ROSTER_PAGE, sizeof *page);
	if (page == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	while (e == ERR_OK) {
		e = store_user_list(ctx->store, after, page, ROSTER_PAGE, &got);
		for (i = 0; e == ERR_OK && i < got && k < max; i++) {
			const struct user_auth *u = &page[i];

			if (u->disabled || (strcmp(u->role, "clinician") != 0 &&
			                    strcmp(u->role, "supervisor") != 0))
				continue;
			memcpy(out[k].public_id, u->public_id, sizeof out[k].public_id);
			snprintf(out[k].name, sizeof out[k].name, "%s", u->display_name);
			snprintf(out[k].role, sizeof out[k].role, "%s", u->role);
			k++;
		}
		if (e != ERR_OK || got < ROSTER_PAGE || k >= max)
			break;
		after = page[got - 1].id;
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	mem_wipe(page, ROSTER_PAGE * sizeof *page);
	free(page);
	if (e != ERR_OK)
		return e;
	*n = k;
	return ERR_OK;
}
