/*
 * notes.c - progress notes (see notes.h). Clinical text is for the
 * treating team only: clinicians and supervisors who reach the client
 * (care team, supervision, or break-glass). Every read and write is one
 * transaction with its audit event.
 */
#include "domain/notes.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "domain/dates.h"
#include "domain/chart.h"
#include "domain/note_templates.h"
#include "domain/risk.h"

#define RISK "risk_suicidal", "risk_homicidal", "safety_plan"

static const struct note_template templates[] = {
        {"soap", "SOAP", {"subjective", "objective", "assessment", "plan", RISK, NULL}},
        {"dap", "DAP", {"data", "assessment", "plan", RISK, NULL}},
        {"birp", "BIRP", {"behavior", "intervention", "response", "plan", RISK, NULL}},
        {"intake",
         "Intake assessment",
         {"presenting_problem", "history", "mental_status", "diagnostic_impression", "plan", RISK,
          NULL}},
        {"discharge",
         "Discharge summary",
         {"reason", "summary", "progress", "recommendations", RISK, NULL}},
};

const struct note_template *domain_note_template(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	return NULL;
}

const struct note_template *domain_note_templates(size_t *n)
{
	*n = sizeof templates / sizeof templates[0];
	return templates;
}

/* clinical - may the actor read (or write) this client's notes? Only the
 * treating team: anything else is a 404 and an audited refusal. */
static enum err clinical(struct domain_ctx *ctx, int64_t client_id, enum audit_event ev)
{
	int yes = 0;
	enum err e = ERR_OK;

	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR)
		e = domain_reaches_client(ctx, client_id, &yes);
	if (e != ERR_OK)
		return e;
	if (yes)
		return ERR_OK;
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

enum err domain_note_team_access(struct domain_ctx *ctx, int64_t client_id, enum audit_event ev)
{
	return clinical(ctx, client_id, ev);
}

static enum err check(struct domain_ctx *ctx, const struct note *n, int for_new)
{
	struct note_template_def t;
	enum err e = domain_note_template_find(ctx, n->template_name, &t);

	if (e == ERR_NOTFOUND) {
		ctx->message = "template must be soap, dap, birp, intake, discharge or one of the "
		               "practice's (GET /api/v1/note-templates)";
		return ERR_INVAL;
	}
	if (e != ERR_OK)
		return e;
	if (for_new && t.retired) {
		ctx->message = "that template is retired: choose another for new notes";
		return ERR_INVAL;
	}
	if (!domain_date_valid(n->date)) {
		ctx->message = "date must be YYYY-MM-DD";
		return ERR_INVAL;
	}
	if (n->content == NULL || strlen(n->content) > NOTE_TEXT_MAX) {
		ctx->message = "the note is too long";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* finish - emit ev for the note and commit, or roll back. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev,
                       const struct note *n, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, n->client_id, "note", n->public_id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* A note save as one member of a write transaction shared with other
 * requests' work (store_batch_run): it runs on whichever connection leads
 * the batch, inside a savepoint of its own. */
struct save {
	struct domain_ctx *ctx;  /* the saving request's (its thread waits meanwhile) */
	struct note *n;          /* the draft; id, public_id and times set on success */
	const char *risk;        /* its formatted risk summary, or NULL */
	struct note_prepared *p; /* sealed before the write lock */
	int refused;             /* access was refused inside: audit it afterwards */
	int restricted;          /* ... because the record is restricted */
};

/* save_apply - the member's writes: access checked again under the write
 * lock (without writing a refusal, which would roll back the others'
 * work: it is audited after the batch), the rows, and the audit event in
 * the same transaction. */
static enum err save_apply(struct store *s, void *arg)
{
	struct save *m = arg;
	struct domain_ctx c = *m->ctx;
	int yes = 0;
	enum err e = ERR_OK;

	c.store = s;
	if (c.role == ROLE_CLINICIAN || c.role == ROLE_SUPERVISOR)
		e = domain_reaches_client_quiet(&c, m->n->client_id, &yes, &m->restricted);
	if (e != ERR_OK)
		return e;
	if (!yes) {
		m->refused = 1;
		return ERR_NOTFOUND;
	}
	e = store_note_insert_prepared(s, c.vault, m->n, m->risk, m->p, c.actor_id, c.now);
	if (e == ERR_OK)
		e = domain_emit(&c, AUDIT_NOTE_CREATE, m->n->client_id, "note", m->n->public_id,
		                m->n->template_name);
	return e;
}

enum err domain_note_create(struct domain_ctx *ctx, const char *client_public_id, struct note *n)
{
	char risk[RISK_SUMMARY_MAX];
	struct note_prepared p;
	struct save m;
	struct store_batch_item it;
	enum err e = check(ctx, n, 1);

	if (e != ERR_OK)
		return e;
	memset(&p, 0, sizeof p);
	risk[0] = '\0';
	/* Outside the write lock, in one read snapshot: the access check (a
	 * refusal is audited on its own, as before), the row ids, the client
	 * key and the three seals. */
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &n->client_id);
	if (e == ERR_OK)
		e = clinical(ctx, n->client_id, AUDIT_NOTE_CREATE);
	if (e == ERR_OK) {
		n->author_id = ctx->actor_id;
		if (n->risk != NULL) /* for the risk report (domain/risk.h) */
			domain_risk_format(n->risk, risk);
		e = store_note_prepare(ctx->store, ctx->vault, n, n->risk != NULL ? risk : NULL,
		                       &p);
	}
	store_end_read(ctx->store);
	if (e != ERR_OK)
		goto out;
	/* Under the lock: the rows, the first kept version (every saved
	 * version is kept, domain/chart.c) and the event, committed with
	 * whatever other writes are queued, answered once durable. */
	memset(&m, 0, sizeof m);
	m.ctx = ctx;
	m.n = n;
	m.risk = n->risk != NULL ? risk : NULL;
	m.p = &p;
	memset(&it, 0, sizeof it);
	it.apply = save_apply;
	it.arg = &m;
	e = store_batch_run(ctx->store, &it);
	if (m.refused && m.restricted) {
		domain_audit_refusal_detail(ctx, AUDIT_RESTRICT_REFUSE, n->client_id, ERR_RESTRICT,
		                            "need=treatment");
		e = ERR_RESTRICT;
	} else if (m.refused) {
		domain_audit_refusal(ctx, AUDIT_NOTE_CREATE, n->client_id, ERR_DENIED);
		e = ERR_NOTFOUND;
	}
out:
	mem_wipe(risk, sizeof risk);
	note_prepared_cleanup(&p);
	return e;
}

/* load - a note by public id (with text if asked) after the access check. */
static enum err load(struct domain_ctx *ctx, const char *public_id, int with_content,
                     enum audit_event ev, struct note *out)
{
	struct note head;
	enum err e;

	memset(&head, 0, sizeof head);
	e = store_note_get(ctx->store, ctx->vault, public_id, 0, &head);
	if (e == ERR_OK)
		e = clinical(ctx, head.client_id, ev);
	note_cleanup(&head);
	if (e == ERR_OK)
		e = store_note_get(ctx->store, ctx->vault, public_id, with_content, out);
	return e;
}

enum err domain_note_get(struct domain_ctx *ctx, const char *public_id, struct note *out,
                         struct addendum *adds, size_t max, size_t *nadds)
{
	struct note n;
	size_t i;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load(ctx, public_id, 1, AUDIT_NOTE_READ, &n);
	if (e == ERR_OK && adds != NULL)
		e = store_addenda(ctx->store, ctx->vault, &n, adds, max, nadds);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_NOTE_READ, 0, e);
		return e;
	}
	e = finish(ctx, ERR_OK, AUDIT_NOTE_READ, &n, "");
	if (e != ERR_OK) {
		note_cleanup(&n);
		for (i = 0; adds != NULL && i < *nadds; i++)
			addendum_cleanup(&adds[i]);
		return e;
	}
	*out = n;
	return ERR_OK;
}

enum err domain_note_list(struct domain_ctx *ctx, const char *client_public_id, int64_t before,
                          struct note *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	char detail[32];
	struct note who;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = clinical(ctx, cid, AUDIT_NOTE_LIST);
	if (e == ERR_OK)
		e = store_note_list(ctx->store, cid, before, out, max, n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	memset(&who, 0, sizeof who);
	who.client_id = cid;
	snprintf(detail, sizeof detail, "count=%zu", *n);
	return finish(ctx, ERR_OK, AUDIT_NOTE_LIST, &who, detail);
}

enum err domain_note_update(struct domain_ctx *ctx, struct note *n)
{
	struct note cur;
	enum err e = check(ctx, n, 0);

	memset(&cur, 0, sizeof cur);
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load(ctx, n->public_id, 0, AUDIT_NOTE_UPDATE, &cur);
	if (e == ERR_OK && cur.author_id != ctx->actor_id) {
		ctx->message = "only the note's author may edit a draft";
		e = ERR_DENIED;
	}
	if (e == ERR_OK && cur.status != NOTE_DRAFT) {
		ctx->message = "a signed note cannot change: add an addendum";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK) {
		n->id = cur.id;
		n->client_id = cur.client_id;
		e = domain_note_keep(ctx, &cur, 1); /* a draft from before the history */
		if (e == ERR_OK)
			e = store_note_update_draft(ctx->store, ctx->vault, n, ctx->now);
		if (e == ERR_OK && n->risk != NULL)
			e = domain_note_risk_seal(ctx, n->id, n->client_id, n->risk);
		if (e == ERR_CONFLICT)
			ctx->message = "the draft changed since it was read; reload it";
		if (e == ERR_OK)
			e = domain_note_keep(ctx, n, 0);
	}
	note_cleanup(&cur);
	return finish(ctx, e, AUDIT_NOTE_UPDATE, n, "");
}

enum err domain_note_sign(struct domain_ctx *ctx, const char *public_id, struct note *out)
{
	unsigned char h[32];
	struct note n;
	int supervised = 0;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load(ctx, public_id, 1, AUDIT_NOTE_SIGN, &n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (n.author_id != ctx->actor_id) {
		ctx->message = "only the note's author signs it";
		e = ERR_DENIED;
	} else if (n.status != NOTE_DRAFT) {
		ctx->message = "the note is already signed";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_has_supervisor(ctx->store, ctx->actor_id, &supervised);
	if (e == ERR_OK) {
		vault_hash(h, n.content, strlen(n.content));
		e = store_note_sign(ctx->store, n.id, supervised ? NOTE_COSIGN : NOTE_SIGNED,
		                    ctx->actor_id, ctx->now, h);
	}
	e = finish(ctx, e, AUDIT_NOTE_SIGN, &n, supervised ? "awaiting=cosign" : "");
	if (e == ERR_OK) {
		n.status = supervised ? NOTE_COSIGN : NOTE_SIGNED;
		n.signed_at = ctx->now;
		n.signed_by = ctx->actor_id;
		memcpy(n.content_hash, h, sizeof h);
		*out = n;
		return ERR_OK;
	}
	note_cleanup(&n);
	return e;
}

enum err domain_note_cosign(struct domain_ctx *ctx, const char *public_id)
{
	struct note n;
	int yes = 0;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load(ctx, public_id, 0, AUDIT_NOTE_COSIGN, &n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (ctx->role != ROLE_SUPERVISOR)
		e = ERR_DENIED;
	if (e == ERR_OK)
		e = store_supervises(ctx->store, ctx->actor_id, n.author_id, &yes);
	if (e == ERR_OK && !yes) {
		ctx->message = "only the author's supervisor co-signs";
		e = ERR_DENIED;
	}
	if (e == ERR_OK) {
		e = store_note_cosign(ctx->store, n.id, ctx->actor_id, ctx->now);
		if (e == ERR_CONFLICT)
			ctx->message = "this note is not awaiting co-signature";
	}
	e = finish(ctx, e, AUDIT_NOTE_COSIGN, &n, "");
	note_cleanup(&n);
	return e;
}

enum err domain_note_addendum(struct domain_ctx *ctx, const char *public_id, const char *text)
{
	unsigned char h[32];
	struct note n;
	size_t len = strlen(text);
	enum err e;

	if (len == 0 || len > ADDENDUM_MAX) {
		ctx->message = "an addendum needs text (at most 20 KB)";
		return ERR_INVAL;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load(ctx, public_id, 0, AUDIT_NOTE_ADDENDUM, &n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (n.status == NOTE_DRAFT) {
		ctx->message = "a draft can still be edited: addenda are for signed notes";
		e = ERR_CONFLICT;
	}
	vault_hash(h, text, len);
	if (e == ERR_OK)
		e = store_addendum_add(ctx->store, ctx->vault, &n, ctx->actor_id, text, h,
		                       ctx->now);
	e = finish(ctx, e, AUDIT_NOTE_ADDENDUM, &n, "");
	note_cleanup(&n);
	return e;
}
