/*
 * client.c - the client record: validation and audited operations.
 * Each operation is one transaction: the change (or read) and its audit
 * event commit together or not at all.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/chart.h"
#include "domain/dates.h"
#include "domain/domain.h"
#include "domain/retention.h"
#include "store/erasure.h"

static int has_controls(const char *s, int allow_newline)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' && allow_newline)
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	}
	return 0;
}

enum err domain_client_validate(struct domain_ctx *ctx, const struct client *c)
{
	unsigned i;

	if (c->legal_name == NULL || c->legal_name[0] == '\0') {
		ctx->message = "legal_name is required";
		return ERR_INVAL;
	}
	if ((unsigned)c->status > CLIENT_DISCHARGED) {
		ctx->message = "status must be prospective, active or discharged";
		return ERR_INVAL;
	}
	for (i = 0; i < client_field_count; i++) {
		const struct client_field *f = &client_fields[i];
		char *const *p = client_field_ptr((struct client *)(uintptr_t)c, f);

		if (*p == NULL)
			continue;
		if (strlen(*p) > f->max) {
			ctx->message = f->too_long;
			return ERR_INVAL;
		}
		if (has_controls(*p, f->kind == CLIENT_FIELD_LINES)) {
			ctx->message = f->invalid;
			return ERR_INVAL;
		}
		if ((f->kind == CLIENT_FIELD_DATE && !domain_date_valid(*p)) ||
		    (f->kind == CLIENT_FIELD_FLAG && strcmp(*p, "0") != 0 &&
		     strcmp(*p, "1") != 0)) {
			ctx->message = f->invalid;
			return ERR_INVAL;
		}
		if (f->kind == CLIENT_FIELD_EMAIL && (*p)[0] != '\0' && strchr(*p, '@') == NULL) {
			ctx->message = f->offset == offsetof(struct client, email)
			                       ? "email must contain @"
			                       : "alt_email must contain @";
			return ERR_INVAL;
		}
	}
	return ERR_OK;
}

/* write_client - validate c, then run op and its audit event in one
 * transaction. */
static enum err write_client(struct domain_ctx *ctx, struct client *c,
                             enum err (*op)(struct store *, const struct vault *, struct client *,
                                            int64_t),
                             enum audit_event ev)
{
	struct client old;
	int have_old = 0;
	enum err e;

	e = domain_client_validate(ctx, c);
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	if (ev == AUDIT_CLIENT_UPDATE) {
		e = store_client_id_of(ctx->store, c->public_id, &c->id);
		if (e == ERR_OK)
			e = domain_client_access(ctx, c->id, ACCESS_WRITE);
		if (e == ERR_OK)
			e = store_client_get(ctx->store, ctx->vault, c->public_id, &old);
		have_old = e == ERR_OK;
		if (e != ERR_OK) {
			store_rollback(ctx->store);
			return e;
		}
	}
	/* What the practice collects, and the history (domain/chart.c). */
	e = domain_chart_check(ctx, have_old ? &old : NULL, c);
	if (e == ERR_OK) /* a jurisdiction names one of the practice's retention rules */
		e = domain_retention_jurisdiction_check(ctx, c->jurisdiction);
	if (e == ERR_OK)
		e = op(ctx->store, ctx->vault, c, ctx->now);
	/* A clinician who registers a client joins the client's care team. */
	if (e == ERR_OK && ev == AUDIT_CLIENT_CREATE && ctx->role == ROLE_CLINICIAN)
		e = store_care_team_add(ctx->store, c->id, ctx->actor_id, ctx->now);
	if (e == ERR_OK)
		e = domain_chart_record(ctx, have_old ? &old : NULL, c);
	if (have_old)
		client_cleanup(&old);
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, c->id, "client", c->public_id, "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_client_create(struct domain_ctx *ctx, struct client *c)
{
	return write_client(ctx, c, store_client_create, AUDIT_CLIENT_CREATE);
}

enum err domain_client_get(struct domain_ctx *ctx, const char *public_id, struct client *out)
{
	struct client c;
	int64_t id = 0;
	enum err e;

	/* Read in a snapshot, then append the event in a batch shared with
	 * other reads: no write lock or commit of its own (docs/bench.md). */
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, public_id, &id);
	if (e == ERR_OK)
		e = domain_client_access(ctx, id, ACCESS_READ);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	e = store_client_get(ctx->store, ctx->vault, public_id, &c);
	if (e == ERR_OK) { /* shown on the chart (owner, auditor, the client) */
		char basis[16] = "";

		e = store_restriction_get(ctx->store, id, basis);
		c.restricted = basis[0] != '\0';
		if (e != ERR_OK)
			client_cleanup(&c);
	}
	store_rollback(ctx->store); /* ends the snapshot; it wrote nothing */
	if (e == ERR_OK) {
		e = domain_emit_read(ctx, AUDIT_CLIENT_READ, c.id, "client", c.public_id, "");
		if (e != ERR_OK) {
			client_cleanup(&c);
			return e;
		}
		*out = c;
		return ERR_OK;
	}
	if (e == ERR_CRYPTO) /* tampering is itself an event worth keeping */
		domain_audit_refusal(ctx, AUDIT_CLIENT_READ, id, e);
	return e;
}

enum err domain_client_update(struct domain_ctx *ctx, struct client *c)
{
	return write_client(ctx, c, store_client_update, AUDIT_CLIENT_UPDATE);
}

/* team_of - the user whose care teams limit a list, or 0 for no limit. */
static int64_t team_of(const struct domain_ctx *ctx)
{
	return ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR ? ctx->actor_id : 0;
}

/* sees_restricted - the owner and the privacy officer (legal claims) see
 * restricted clients in lists, flagged; a client sees their own record. */
static int sees_restricted(const struct domain_ctx *ctx)
{
	return ctx->role == ROLE_OWNER || ctx->role == ROLE_AUDITOR || ctx->role == ROLE_CLIENT;
}

/* restricted_filter - flag the restricted clients among out[0..*n) and,
 * unless the actor sees them, drop them (GDPR Art. 18: a restricted record
 * is not processed, and a list or a search is processing); *n is what is
 * left, packed at the front. */
static enum err restricted_filter(struct domain_ctx *ctx, struct client *out, size_t *n)
{
	size_t i, k = 0;
	enum err e = ERR_OK;

	for (i = 0; i < *n; i++) {
		char basis[16] = "";

		if (e == ERR_OK)
			e = store_restriction_get(ctx->store, out[i].id, basis);
		out[i].restricted = basis[0] != '\0';
		if (e != ERR_OK || (out[i].restricted && !sees_restricted(ctx))) {
			client_cleanup(&out[i]);
			continue;
		}
		if (k != i) {
			out[k] = out[i];
			memset(&out[i], 0, sizeof out[i]);
		}
		k++;
	}
	*n = k;
	return e;
}

/* finish_many - end a multi-client read's snapshot and audit it with its
 * count (batched with other reads); wipes what was read if that fails. */
static enum err finish_many(struct domain_ctx *ctx, enum audit_event ev, enum err e,
                            struct client *out, size_t n)
{
	char detail[32];
	size_t i;

	store_rollback(ctx->store); /* ends the read snapshot */
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", n);
		e = domain_emit_read(ctx, ev, 0, "client", "", detail);
	}
	if (e != ERR_OK) {
		for (i = 0; i < n; i++)
			client_cleanup(&out[i]);
	}
	return e;
}

enum err domain_client_list(struct domain_ctx *ctx, int64_t after, size_t limit, struct client *out,
                            size_t *n)
{
	size_t k = 0;
	enum err e;

	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	if (ctx->role == ROLE_CLIENT) {
		/* A client's list is their own record. */
		e = ERR_OK;
		if (after == 0 && limit > 0 && ctx->client_self != 0) {
			char pid[33];

			e = store_client_public_of(ctx->store, ctx->client_self, pid);
			if (e == ERR_OK)
				e = store_client_get(ctx->store, ctx->vault, pid, &out[0]);
			k = e == ERR_OK ? 1 : 0;
			if (e == ERR_OK) /* flagged; the client keeps their own record */
				e = restricted_filter(ctx, out, &k);
		}
	} else {
		int64_t cur = after;
		size_t want, got;

		/* Fill the page past restricted clients the actor does not see. */
		do {
			want = limit - k;
			got = 0;
			e = store_client_list(ctx->store, ctx->vault, team_of(ctx), cur, want,
			                      out + k, &got);
			if (e == ERR_OK && got > 0)
				cur = out[k + got - 1].id;
			if (e == ERR_OK) {
				size_t fetched = got;

				e = restricted_filter(ctx, out + k, &got);
				k += got;
				if (fetched < want)
					break;
			}
		} while (e == ERR_OK && k < limit);
	}
	e = finish_many(ctx, AUDIT_CLIENT_LIST, e, out, k);
	if (e == ERR_OK)
		*n = k;
	return e;
}

enum err domain_client_search(struct domain_ctx *ctx, const char *query, size_t limit,
                              struct client *out, size_t *n)
{
	size_t k = 0;
	enum err e;

	if (strlen(query) > 200 || has_controls(query, 0)) {
		ctx->message = "query must be at most 200 characters of text";
		return ERR_INVAL;
	}
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_search(ctx->store, ctx->vault, team_of(ctx), query, limit, out, &k);
	if (e == ERR_INVAL)
		ctx->message = "query has too many words";
	if (e == ERR_OK)
		e = restricted_filter(ctx, out, &k);
	e = finish_many(ctx, AUDIT_CLIENT_SEARCH, e, out, k);
	if (e == ERR_OK)
		*n = k;
	return e;
}
