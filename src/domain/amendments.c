/*
 * amendments.c - amendment requests (see amendments.h for who may do
 * what). Each step is one transaction with its audit event, which carries
 * the request id, the kind of item and flags only. Never: puts a request's
 * text, or the item it names, in an event or a message.
 */
#include "domain/amendments.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "domain/plans.h"
#include "store/diagnoses.h"
#include "store/plans.h"

#define DAY 86400

static const char *const bases[] = {"accurate_complete", "not_created_here", "not_in_record_set",
                                    "not_available_for_access", NULL};

const char *domain_amendment_status_name(int status)
{
	return status == AMENDMENT_ACCEPTED ? "accepted"
	       : status == AMENDMENT_DENIED ? "denied"
	                                    : "pending";
}

static enum err bad(struct domain_ctx *ctx, const char *message)
{
	ctx->message = message;
	return ERR_INVAL;
}

/* text_ok - required free text of at most AMENDMENT_TEXT_MAX bytes (lines
 * and tabs allowed, no other control characters). */
static int text_ok(const char *s)
{
	size_t i;

	if (s == NULL || !domain_text_ok(s, AMENDMENT_TEXT_MAX, 1))
		return 0;
	for (i = 0; s[i]; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
			return 1;
	return 0; /* blank */
}

/* chart_field_ok - name is a field of the chart. */
static int chart_field_ok(const char *name)
{
	unsigned i;

	if (strcmp(name, "status") == 0)
		return 1;
	for (i = 0; i < client_field_count; i++)
		if (strcmp(client_fields[i].name, name) == 0)
			return 1;
	return 0;
}

/* resolve - find in's item in client cid's record: a->target_*. */
static enum err resolve(struct domain_ctx *ctx, int64_t cid, const struct amendment_input *in,
                        struct amendment *a)
{
	const char *t = in->target_type;
	int64_t owner = 0, latest = 0;
	enum err e = ERR_OK;

	if (strcmp(t, "chart") == 0) {
		if (in->target_id != NULL)
			return bad(ctx, "target_id is for a note, plan or diagnosis; a chart field "
			                "is named by field");
		if (in->field == NULL || !chart_field_ok(in->field))
			return bad(ctx, "field must name a field of the chart (legal_name, "
			                "date_of_birth, address, ...)");
		snprintf(a->target_field, sizeof a->target_field, "%s", in->field);
		return ERR_OK;
	}
	if (in->field != NULL)
		return bad(ctx, "field is for a chart field only");
	if (in->target_id == NULL)
		return bad(ctx, "target_id (the note's, plan's or diagnosis's id) is required");
	if (strcmp(t, "note") == 0) {
		struct note n;

		e = store_note_get(ctx->store, ctx->vault, in->target_id, 0, &n);
		if (e == ERR_OK) {
			a->target_id = n.id;
			owner = n.client_id;
			note_cleanup(&n);
		}
	} else if (strcmp(t, "plan") == 0) {
		e = store_plan_head(ctx->store, in->target_id, &a->target_id, &owner, &latest);
	} else {
		struct diagnosis d;

		e = store_diagnosis_get(ctx->store, ctx->vault, in->target_id, 0, &d);
		if (e == ERR_OK) {
			a->target_id = d.id;
			owner = d.client_id;
			diagnosis_cleanup(&d);
		}
	}
	if (e == ERR_NOTFOUND || (e == ERR_OK && owner != cid))
		return bad(ctx, "target_id is not an item of this client's record");
	if (e == ERR_OK)
		snprintf(a->target_public_id, sizeof a->target_public_id, "%s", in->target_id);
	return e;
}

static enum err check_input(struct domain_ctx *ctx, const struct amendment_input *in)
{
	const char *t = in->target_type;

	if (t == NULL || (strcmp(t, "note") != 0 && strcmp(t, "plan") != 0 &&
	                  strcmp(t, "diagnosis") != 0 && strcmp(t, "chart") != 0))
		return bad(ctx, "target_type must be note, plan, diagnosis or chart");
	if (!text_ok(in->change))
		return bad(ctx,
		           "change (the correction asked for) is required: at most 4000 bytes");
	if (!text_ok(in->reason))
		return bad(ctx, "reason is required: at most 4000 bytes");
	return ERR_OK;
}

/* reopen - read request a back, opened, into out (after a step). */
static enum err reopen(struct domain_ctx *ctx, const char *public_id, struct amendment *out)
{
	enum err e = store_amendment_get(ctx->store, ctx->vault, public_id, 1, out);

	if (e == ERR_OK)
		out->overdue = out->status == AMENDMENT_PENDING && ctx->now > out->due_at;
	return e;
}

/* done - emit and commit a step on request pid, then hand out *a (read
 * back inside the transaction), or clean up. */
static enum err done(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t client_id,
                     const char *pid, const char *detail, struct amendment *out)
{
	struct amendment a;

	memset(&a, 0, sizeof a);
	if (e == ERR_OK)
		e = reopen(ctx, pid, &a);
	e = domain_emit_commit(ctx, e, ev, client_id, "amendment", pid, detail);
	if (e != ERR_OK) {
		amendment_cleanup(&a);
		return e;
	}
	*out = a;
	mem_wipe(&a, sizeof a);
	return ERR_OK;
}

enum err domain_amendment_request(struct domain_ctx *ctx, const char *client_public_id,
                                  const struct amendment_input *in, struct amendment *out)
{
	struct amendment a;
	char detail[64];
	size_t count = 0;
	int self = 0;
	enum err e;

	memset(&a, 0, sizeof a);
	e = check_input(ctx, in);
	if (e == ERR_OK)
		e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &a.client_id);
	if (e == ERR_OK)
		e = domain_record_reach(ctx, a.client_id, 1, AUDIT_AMENDMENT_REQUEST, &self);
	if (e == ERR_OK)
		e = store_amendment_count(ctx->store, a.client_id, &count);
	if (e == ERR_OK && count >= AMENDMENTS_PER_CLIENT_MAX) {
		ctx->message = "this record has the most amendment requests it may hold";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK) {
		snprintf(a.target_type, sizeof a.target_type, "%s", in->target_type);
		e = resolve(ctx, a.client_id, in, &a);
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	a.requested_by = ctx->actor_id;
	snprintf(a.requested_via, sizeof a.requested_via, "%s", self ? "portal" : "staff");
	a.received_at = ctx->now;
	a.due_at = ctx->now + (int64_t)AMENDMENT_DUE_DAYS * DAY;
	a.change = (char *)(uintptr_t)in->change; /* borrowed for the insert only */
	a.reason = (char *)(uintptr_t)in->reason;
	e = store_amendment_add(ctx->store, ctx->vault, &a);
	a.change = a.reason = NULL;
	snprintf(detail, sizeof detail, "target=%s,via=%s", a.target_type, a.requested_via);
	return done(ctx, e, AUDIT_AMENDMENT_REQUEST, a.client_id, a.public_id, detail, out);
}

/* load - a request's clear columns by public id, after the access check. */
static enum err load(struct domain_ctx *ctx, const char *public_id, int self_ok,
                     enum audit_event ev, struct amendment *a)
{
	enum err e = store_amendment_get(ctx->store, ctx->vault, public_id, 0, a);

	if (e == ERR_OK)
		e = domain_record_reach(ctx, a->client_id, self_ok, ev, NULL);
	return e;
}

enum err domain_amendment_get(struct domain_ctx *ctx, const char *public_id, struct amendment *out)
{
	struct amendment a;
	enum err e;

	memset(&a, 0, sizeof a);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load(ctx, public_id, 1, AUDIT_AMENDMENT_READ, &a);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	e = done(ctx, ERR_OK, AUDIT_AMENDMENT_READ, a.client_id, public_id, "", out);
	if (e == ERR_CRYPTO)
		domain_audit_refusal(ctx, AUDIT_AMENDMENT_READ, a.client_id, e);
	return e;
}

/* list_done - overdue flags, the event and the commit for a listing. */
static enum err list_done(struct domain_ctx *ctx, enum err e, int64_t cid, const char *type,
                          const char *id, struct amendment *out, size_t *n)
{
	char detail[32];
	size_t i;

	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_AMENDMENT_READ, cid, e);
		return e;
	}
	for (i = 0; i < *n; i++)
		out[i].overdue = out[i].status == AMENDMENT_PENDING && ctx->now > out[i].due_at;
	snprintf(detail, sizeof detail, "count=%zu", *n);
	e = domain_emit_commit(ctx, ERR_OK, AUDIT_AMENDMENT_READ, cid, type, id, detail);
	if (e != ERR_OK)
		for (i = 0; i < *n; i++)
			amendment_cleanup(&out[i]);
	return e;
}

enum err domain_amendment_list(struct domain_ctx *ctx, const char *client_public_id,
                               struct amendment *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = domain_record_reach(ctx, cid, 1, AUDIT_AMENDMENT_READ, NULL);
	if (e == ERR_OK)
		e = store_amendment_list(ctx->store, ctx->vault, cid, NULL, 0, out, max, n);
	return list_done(ctx, e, cid, "client", client_public_id, out, n);
}

enum err domain_amendment_linked(struct domain_ctx *ctx, const char *target_type,
                                 const char *target_public_id, struct amendment *out, size_t max,
                                 size_t *n)
{
	int64_t cid = 0, tid = 0, latest = 0;
	int is_note = strcmp(target_type, "note") == 0;
	enum err e;

	if (!is_note && strcmp(target_type, "plan") != 0)
		return ERR_INVAL;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	if (is_note) {
		struct note nt;

		e = store_note_get(ctx->store, ctx->vault, target_public_id, 0, &nt);
		if (e == ERR_OK) {
			tid = nt.id;
			cid = nt.client_id;
			note_cleanup(&nt);
		}
	} else {
		e = store_plan_head(ctx->store, target_public_id, &tid, &cid, &latest);
	}
	if (e == ERR_OK)
		e = domain_record_reach(ctx, cid, !is_note, AUDIT_AMENDMENT_READ, NULL);
	if (e == ERR_OK)
		e = store_amendment_list(ctx->store, ctx->vault, cid, target_type, tid, out, max,
		                         n);
	return list_done(ctx, e, cid, target_type, target_public_id, out, n);
}

/* step - the shared start of a step on a request: check text, begin, load
 * with access (self_ok), then the caller's state checks. */
static enum err step_begin(struct domain_ctx *ctx, const char *public_id, int self_ok,
                           enum audit_event ev, struct amendment *a)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = load(ctx, public_id, self_ok, ev, a);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_amendment_extend(struct domain_ctx *ctx, const char *public_id, const char *reason,
                                 struct amendment *out)
{
	struct amendment a;
	enum err e;

	memset(&a, 0, sizeof a);
	if (!text_ok(reason))
		return bad(ctx, "reason (why more time is needed) is required: at most 4000 bytes");
	e = step_begin(ctx, public_id, 0, AUDIT_AMENDMENT_EXTEND, &a);
	if (e != ERR_OK)
		return e;
	if (a.status != AMENDMENT_PENDING) {
		ctx->message = "this request was decided already";
		e = ERR_CONFLICT;
	} else if (a.extended_at != 0) {
		ctx->message = "the deadline was extended already (once is allowed)";
		e = ERR_CONFLICT;
	} else if (ctx->now > a.due_at) {
		ctx->message = "the deadline has passed: an extension must come before it";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_amendment_extend(ctx->store, ctx->vault, &a, ctx->actor_id, reason,
		                           a.due_at + (int64_t)AMENDMENT_EXTENSION_DAYS * DAY,
		                           ctx->now);
	return done(ctx, e, AUDIT_AMENDMENT_EXTEND, a.client_id, public_id, "", out);
}

/* decided - ERR_CONFLICT (with a message) unless a is pending. */
static enum err pending(struct domain_ctx *ctx, const struct amendment *a)
{
	if (a->status == AMENDMENT_PENDING)
		return ERR_OK;
	ctx->message = "this request was decided already";
	return ERR_CONFLICT;
}

/* amend_note - the signed addendum an accepted request about a note adds. */
static enum err amend_note(struct domain_ctx *ctx, const struct amendment *a, const char *text,
                           int64_t *addendum_id)
{
	unsigned char h[32];
	struct buf body;
	struct note n;
	enum err e;

	memset(&n, 0, sizeof n);
	e = store_note_get(ctx->store, ctx->vault, a->target_public_id, 0, &n);
	if (e == ERR_OK && n.status == NOTE_DRAFT) {
		ctx->message = "the note is still a draft: its author edits it instead";
		e = ERR_CONFLICT;
	}
	if (e != ERR_OK) {
		note_cleanup(&n);
		return e;
	}
	buf_init(&body, AMENDMENT_TEXT_MAX + 128, 1);
	e = buf_printf(&body, "Amendment accepted (request %s):\n%s", a->public_id, text);
	if (e == ERR_OK) {
		vault_hash(h, body.data, body.len);
		e = store_amendment_note_addendum(ctx->store, ctx->vault, &n, ctx->actor_id,
		                                  body.data, h, ctx->now, addendum_id);
	}
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_NOTE_ADDENDUM, n.client_id, "note", n.public_id,
		                "amendment=accepted");
	buf_cleanup(&body);
	note_cleanup(&n);
	return e;
}

enum err domain_amendment_accept(struct domain_ctx *ctx, const char *public_id, const char *text,
                                 struct amendment *out)
{
	struct amendment a;
	int64_t addendum = 0;
	char detail[48];
	enum err e;

	memset(&a, 0, sizeof a);
	if (!text_ok(text))
		return bad(ctx, "text (the amended text) is required: at most 4000 bytes");
	e = step_begin(ctx, public_id, 0, AUDIT_AMENDMENT_ACCEPT, &a);
	if (e != ERR_OK)
		return e;
	e = pending(ctx, &a);
	if (e == ERR_OK && strcmp(a.target_type, "note") == 0)
		e = amend_note(ctx, &a, text, &addendum);
	if (e == ERR_OK)
		e = store_amendment_decide(ctx->store, ctx->vault, &a, AMENDMENT_ACCEPTED,
		                           ctx->actor_id, "", text, addendum, ctx->now);
	snprintf(detail, sizeof detail, "target=%s,addendum=%d", a.target_type, addendum != 0);
	return done(ctx, e, AUDIT_AMENDMENT_ACCEPT, a.client_id, public_id, detail, out);
}

enum err domain_amendment_deny(struct domain_ctx *ctx, const char *public_id, const char *basis,
                               const char *reason, struct amendment *out)
{
	struct amendment a;
	char detail[48];
	size_t i;
	int known = basis == NULL;
	enum err e;

	memset(&a, 0, sizeof a);
	for (i = 0; basis != NULL && bases[i] != NULL; i++)
		if (strcmp(bases[i], basis) == 0)
			known = 1;
	if (!known)
		return bad(ctx, "basis must be accurate_complete, not_created_here, "
		                "not_in_record_set or not_available_for_access");
	if (!text_ok(reason))
		return bad(ctx,
		           "reason (why the request is denied) is required: at most 4000 bytes");
	e = step_begin(ctx, public_id, 0, AUDIT_AMENDMENT_DENY, &a);
	if (e != ERR_OK)
		return e;
	e = pending(ctx, &a);
	if (e == ERR_OK)
		e = store_amendment_decide(ctx->store, ctx->vault, &a, AMENDMENT_DENIED,
		                           ctx->actor_id, basis, reason, 0, ctx->now);
	snprintf(detail, sizeof detail, "basis=%s", basis != NULL ? basis : "");
	return done(ctx, e, AUDIT_AMENDMENT_DENY, a.client_id, public_id, detail, out);
}

enum err domain_amendment_disagree(struct domain_ctx *ctx, const char *public_id, const char *text,
                                   struct amendment *out)
{
	struct amendment a;
	enum err e;

	memset(&a, 0, sizeof a);
	if (!text_ok(text))
		return bad(ctx, "text (the statement of disagreement) is required: at most 4000 "
		                "bytes");
	e = step_begin(ctx, public_id, 1, AUDIT_AMENDMENT_DISAGREE, &a);
	if (e != ERR_OK)
		return e;
	if (a.status != AMENDMENT_DENIED) {
		ctx->message = "a statement of disagreement can only follow a denial";
		e = ERR_CONFLICT;
	} else if (a.disagreement_at != 0) {
		ctx->message = "a statement of disagreement was filed already";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_amendment_disagree(ctx->store, ctx->vault, &a, ctx->actor_id, text,
		                             ctx->now);
	return done(ctx, e, AUDIT_AMENDMENT_DISAGREE, a.client_id, public_id,
	            ctx->role == ROLE_CLIENT ? "via=portal" : "via=staff", out);
}

enum err domain_amendment_rebut(struct domain_ctx *ctx, const char *public_id, const char *text,
                                struct amendment *out)
{
	struct amendment a;
	enum err e;

	memset(&a, 0, sizeof a);
	if (!text_ok(text))
		return bad(ctx, "text (the rebuttal) is required: at most 4000 bytes");
	e = step_begin(ctx, public_id, 0, AUDIT_AMENDMENT_REBUT, &a);
	if (e != ERR_OK)
		return e;
	if (a.disagreement_at == 0) {
		ctx->message = "a rebuttal can only answer a statement of disagreement";
		e = ERR_CONFLICT;
	} else if (a.rebuttal_at != 0) {
		ctx->message = "a rebuttal was written already";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_amendment_rebut(ctx->store, ctx->vault, &a, ctx->actor_id, text,
		                          ctx->now);
	return done(ctx, e, AUDIT_AMENDMENT_REBUT, a.client_id, public_id, "", out);
}
