/*
 * plans.c - treatment plans (see plans.h for who may do what): checking a
 * plan document, rendering the text a client signs, versions and
 * signatures. Every read and write is one transaction with its audit
 * event, which carries the plan id, the version number and flags only.
 * Never: puts plan content, a date or the typed name in an event or a
 * message.
 */
#include "domain/dates.h"
#include "domain/plans.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"

/* ---- shared checks ------------------------------------------------------ */

int domain_text_ok(const char *s, size_t max, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; p[n] != '\0'; n++) {
		unsigned char c = p[n];

		if (n >= max)
			return 0;
		if ((c < 0x20 && !(lines && (c == '\n' || c == '\t'))) || c == 0x7f)
			return 0;
		/* C1 controls (U+0080-U+009F) */
		if (c == 0xc2 && p[n + 1] >= 0x80 && p[n + 1] <= 0x9f)
			return 0;
		/* U+2028/2029 (line breaks) and U+202A-202E, U+2066-2069 (direction
		 * overrides): they could make a rendering read other than it is. */
		if (c == 0xe2 && p[n + 1] == 0x80 && p[n + 2] >= 0xa8 && p[n + 2] <= 0xae)
			return 0;
		if (c == 0xe2 && p[n + 1] == 0x81 && p[n + 2] >= 0xa6 && p[n + 2] <= 0xa9)
			return 0;
	}
	return 1;
}

/* blank - s is empty or only spaces. */
static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ')
			return 0;
	return 1;
}

/* ---- the document ------------------------------------------------------- */

/* req - a required one-line text of at most max bytes. */
static int req(const char *s, size_t max)
{
	return s != NULL && !blank(s) && domain_text_ok(s, max, 0);
}

/* opt - an optional one-line text. */
static int opt(const char *s, size_t max)
{
	return s == NULL || domain_text_ok(s, max, 0);
}

/* opt_date - an optional date. */
static int opt_date(const char *s)
{
	return s == NULL || domain_date_valid(s);
}

static enum err bad(struct domain_ctx *ctx, const char *message)
{
	ctx->message = message;
	return ERR_INVAL;
}

static enum err check_goal(struct domain_ctx *ctx, const struct plan_goal *g)
{
	size_t i;

	if (!req(g->goal, PLAN_LONG_MAX))
		return bad(ctx, "problems[].goals[].goal is required: one line of at most 2000 "
		                "bytes, no control characters");
	if (!opt_date(g->target_date))
		return bad(ctx, "problems[].goals[].target_date must be a date (YYYY-MM-DD)");
	if (g->nobjectives == 0 || g->nobjectives > PLAN_OBJECTIVES_MAX)
		return bad(ctx, "problems[].goals[].objectives needs 1 to 6 objectives");
	for (i = 0; i < g->nobjectives; i++) {
		const struct plan_objective *o = &g->objectives[i];

		if (!req(o->what, PLAN_LONG_MAX))
			return bad(ctx,
			           "problems[].goals[].objectives[].what is required: one line "
			           "of at most 2000 bytes");
		if (!req(o->measure, PLAN_SHORT_MAX))
			return bad(ctx, "problems[].goals[].objectives[].measure (how it is "
			                "measured) is required: at most 200 bytes");
		if (!req(o->target, PLAN_SHORT_MAX))
			return bad(ctx, "problems[].goals[].objectives[].target (the level that "
			                "counts as met) is required: at most 200 bytes");
		if (!opt_date(o->target_date))
			return bad(ctx,
			           "problems[].goals[].objectives[].target_date must be a date "
			           "(YYYY-MM-DD)");
	}
	if (g->ninterventions > PLAN_INTERVENTIONS_MAX)
		return bad(ctx, "problems[].goals[].interventions has at most 6 interventions");
	for (i = 0; i < g->ninterventions; i++) {
		if (!req(g->interventions[i].what, PLAN_LONG_MAX))
			return bad(ctx, "problems[].goals[].interventions[].what is required: one "
			                "line of at most 2000 bytes");
		if (!opt(g->interventions[i].frequency, PLAN_SHORT_MAX))
			return bad(ctx,
			           "problems[].goals[].interventions[].frequency is one line of "
			           "at most 200 bytes");
	}
	return ERR_OK;
}

enum err domain_plan_check(struct domain_ctx *ctx, const struct plan_doc *d)
{
	size_t i, j;
	enum err e;

	if (!req(d->title, PLAN_SHORT_MAX))
		return bad(ctx, "title is required: one line of at most 200 bytes");
	if (!opt_date(d->start_date))
		return bad(ctx, "start_date must be a date (YYYY-MM-DD)");
	if (d->review_date == NULL || !domain_date_valid(d->review_date))
		return bad(ctx, "review_date (YYYY-MM-DD) is required");
	if (d->start_date != NULL && strcmp(d->review_date, d->start_date) < 0)
		return bad(ctx, "review_date is before start_date");
	if (d->nproblems == 0 || d->nproblems > PLAN_PROBLEMS_MAX)
		return bad(ctx, "problems needs 1 to 10 problems");
	for (i = 0; i < d->nproblems; i++) {
		const struct plan_problem *p = &d->problems[i];

		if (!req(p->problem, PLAN_LONG_MAX))
			return bad(ctx, "problems[].problem is required: one line of at most 2000 "
			                "bytes, no control characters");
		if (p->ngoals == 0 || p->ngoals > PLAN_GOALS_MAX)
			return bad(ctx, "problems[].goals needs 1 to 6 goals");
		for (j = 0; j < p->ngoals; j++) {
			e = check_goal(ctx, &p->goals[j]);
			if (e != ERR_OK)
				return e;
		}
	}
	return ERR_OK;
}

enum err domain_plan_render(const struct plan_doc *d, const char *plan_public_id, int64_t version,
                            struct buf *out)
{
	enum err e;
	size_t i, j, k;

	e = buf_printf(out, "TREATMENT PLAN\nPlan: %s, version %lld\nTitle: %s\n", plan_public_id,
	               (long long)version, d->title);
	if (e == ERR_OK && d->start_date != NULL)
		e = buf_printf(out, "Starts: %s\n", d->start_date);
	if (e == ERR_OK)
		e = buf_printf(out, "Review by: %s\n", d->review_date);
	for (i = 0; e == ERR_OK && i < d->nproblems; i++) {
		const struct plan_problem *p = &d->problems[i];

		e = buf_printf(out, "\nProblem %zu: %s\n", i + 1, p->problem);
		for (j = 0; e == ERR_OK && j < p->ngoals; j++) {
			const struct plan_goal *g = &p->goals[j];

			e = buf_printf(out, "  Goal %zu.%zu: %s\n", i + 1, j + 1, g->goal);
			if (e == ERR_OK && g->target_date != NULL)
				e = buf_printf(out, "    Target date: %s\n", g->target_date);
			for (k = 0; e == ERR_OK && k < g->nobjectives; k++) {
				const struct plan_objective *o = &g->objectives[k];

				e = buf_printf(out,
				               "    Objective %zu.%zu.%zu: %s\n      Measured by: "
				               "%s\n      Target: %s\n",
				               i + 1, j + 1, k + 1, o->what, o->measure, o->target);
				if (e == ERR_OK && o->target_date != NULL)
					e = buf_printf(out, "      Target date: %s\n",
					               o->target_date);
			}
			for (k = 0; e == ERR_OK && k < g->ninterventions; k++) {
				const struct plan_intervention *iv = &g->interventions[k];

				e = buf_printf(out, "    Intervention %zu.%zu.%zu: %s\n", i + 1,
				               j + 1, k + 1, iv->what);
				if (e == ERR_OK && iv->frequency != NULL)
					e = buf_printf(out, "      Frequency: %s\n", iv->frequency);
			}
		}
	}
	return e;
}

/* ---- access ------------------------------------------------------------- */

enum err domain_record_reach(struct domain_ctx *ctx, int64_t client_id, int self_ok,
                             enum audit_event ev, int *self)
{
	int yes = 0, me = 0;
	enum err e = ERR_OK;

	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR) {
		e = domain_reaches_client(ctx, client_id, &yes);
	} else if (ctx->role == ROLE_CLIENT && self_ok && ctx->client_self != 0 &&
	           ctx->client_self == client_id) {
		yes = me = 1;
		ctx->purpose = "individual-access";
	}
	if (e != ERR_OK)
		return e;
	if (yes) {
		if (self != NULL)
			*self = me;
		return ERR_OK;
	}
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* ---- operations --------------------------------------------------------- */

enum err domain_emit_commit(struct domain_ctx *ctx, enum err e, enum audit_event ev,
                            int64_t client_id, const char *object_type, const char *object_id,
                            const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, client_id, object_type, object_id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* save_version - render d as p->version of p's plan and store it with
 * json (p: plan_id, plan_public_id, client_id, version set). */
static enum err save_version(struct domain_ctx *ctx, const struct plan_doc *d, const char *json,
                             struct plan_version *p)
{
	struct buf text;
	enum err e;

	buf_init(&text, PLAN_TEXT_MAX, 1);
	e = domain_plan_render(d, p->plan_public_id, p->version, &text);
	if (e == ERR_OK) {
		vault_sha256(p->text_hash, text.data, text.len);
		p->text = buf_steal(&text);
		p->body = mem_strdup(json);
		if (p->text == NULL || p->body == NULL)
			e = ERR_NOMEM;
	}
	buf_cleanup(&text);
	if (e != ERR_OK)
		return e;
	p->author_id = ctx->actor_id;
	snprintf(p->author_public_id, sizeof p->author_public_id, "%s", ctx->actor);
	return store_plan_version_add(ctx->store, ctx->vault, p, ctx->now);
}

/* check_json - the canonical JSON api/ made of the document. */
static enum err check_json(struct domain_ctx *ctx, const char *json)
{
	if (json == NULL || strlen(json) > PLAN_TEXT_MAX)
		return bad(ctx, "the plan is too long");
	return ERR_OK;
}

/* done_version - commit a saved version and hand it out, or clean up.
 * The event's detail is the version number, and method when not NULL. */
static enum err done_version(struct domain_ctx *ctx, enum err e, enum audit_event ev,
                             struct plan_version *p, struct plan_version *out, const char *method)
{
	char detail[48];

	snprintf(detail, sizeof detail, "version=%lld%s%s", (long long)p->version,
	         method ? ",method=" : "", method ? method : "");
	e = domain_emit_commit(ctx, e, ev, p->client_id, "plan", p->plan_public_id, detail);
	if (e != ERR_OK) {
		plan_version_cleanup(p);
		return e;
	}
	*out = *p;
	mem_wipe(p, sizeof *p);
	return ERR_OK;
}

enum err domain_plan_create(struct domain_ctx *ctx, const char *client_public_id,
                            const struct plan_doc *d, const char *json, struct plan_version *out)
{
	struct plan_version p;
	size_t count = 0;
	enum err e;

	memset(&p, 0, sizeof p);
	e = domain_plan_check(ctx, d);
	if (e == ERR_OK)
		e = check_json(ctx, json);
	if (e == ERR_OK)
		e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &p.client_id);
	if (e == ERR_OK)
		e = domain_record_reach(ctx, p.client_id, 0, AUDIT_PLAN_CREATE, NULL);
	if (e == ERR_OK)
		e = store_plan_count(ctx->store, p.client_id, &count);
	if (e == ERR_OK && count >= PLANS_PER_CLIENT_MAX) {
		ctx->message = "this client has the most treatment plans a record may hold";
		e = ERR_CONFLICT;
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	snprintf(p.client_public_id, sizeof p.client_public_id, "%s", client_public_id);
	e = store_plan_create(ctx->store, p.client_id, ctx->actor_id, ctx->now, &p.plan_id,
	                      p.plan_public_id);
	p.version = 1;
	p.plan_created_at = ctx->now;
	if (e == ERR_OK)
		e = save_version(ctx, d, json, &p);
	return done_version(ctx, e, AUDIT_PLAN_CREATE, &p, out, NULL);
}

/* head - a plan's head by public id, after the access check. */
static enum err head(struct domain_ctx *ctx, const char *plan_public_id, int self_ok,
                     enum audit_event ev, struct plan_version *p, int *self)
{
	enum err e;

	e = store_plan_head(ctx->store, plan_public_id, &p->plan_id, &p->client_id, &p->latest);
	if (e == ERR_OK)
		e = domain_record_reach(ctx, p->client_id, self_ok, ev, self);
	return e;
}

enum err domain_plan_update(struct domain_ctx *ctx, const char *plan_public_id, int64_t based_on,
                            const struct plan_doc *d, const char *json, struct plan_version *out)
{
	struct plan_version cur, p;
	enum err e;

	memset(&p, 0, sizeof p);
	memset(&cur, 0, sizeof cur);
	e = domain_plan_check(ctx, d);
	if (e == ERR_OK)
		e = check_json(ctx, json);
	if (e == ERR_OK)
		e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = head(ctx, plan_public_id, 0, AUDIT_PLAN_UPDATE, &p, NULL);
	if (e == ERR_OK)
		e = store_plan_version_get(ctx->store, ctx->vault, p.plan_id, 0, 0, &cur);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (based_on != p.latest) {
		ctx->message = "the plan changed since it was read; reload it";
		e = ERR_CONFLICT;
	}
	memcpy(p.plan_public_id, cur.plan_public_id, sizeof p.plan_public_id);
	memcpy(p.client_public_id, cur.client_public_id, sizeof p.client_public_id);
	p.plan_created_at = cur.plan_created_at;
	p.version = p.latest + 1;
	plan_version_cleanup(&cur);
	if (e == ERR_OK) {
		e = save_version(ctx, d, json, &p);
		if (e == ERR_CONFLICT)
			ctx->message = "the plan changed since it was read; reload it";
	}
	return done_version(ctx, e, AUDIT_PLAN_UPDATE, &p, out, NULL);
}

enum err domain_plan_get(struct domain_ctx *ctx, const char *plan_public_id, int64_t version,
                         struct plan_version *out)
{
	struct plan_version p;
	enum err e;

	memset(&p, 0, sizeof p);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = head(ctx, plan_public_id, 1, AUDIT_PLAN_READ, &p, NULL);
	if (e == ERR_OK)
		e = store_plan_version_get(ctx->store, ctx->vault, p.plan_id, version, 1, &p);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_PLAN_READ, p.client_id, e);
		return e;
	}
	return done_version(ctx, ERR_OK, AUDIT_PLAN_READ, &p, out, NULL);
}

enum err domain_plan_versions(struct domain_ctx *ctx, const char *plan_public_id,
                              struct plan_version *out, size_t max, size_t *n)
{
	struct plan_version p;
	char detail[32];
	enum err e;

	memset(&p, 0, sizeof p);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = head(ctx, plan_public_id, 1, AUDIT_PLAN_LIST, &p, NULL);
	if (e == ERR_OK)
		e = store_plan_versions(ctx->store, p.plan_id, out, max, n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	snprintf(detail, sizeof detail, "versions=%zu", *n);
	return domain_emit_commit(ctx, ERR_OK, AUDIT_PLAN_LIST, p.client_id, "plan", plan_public_id,
	                          detail);
}

enum err domain_plan_list(struct domain_ctx *ctx, const char *client_public_id,
                          struct plan_version *out, size_t max, size_t *n)
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
		e = domain_record_reach(ctx, cid, 1, AUDIT_PLAN_LIST, NULL);
	if (e == ERR_OK)
		e = store_plan_list(ctx->store, ctx->vault, cid, out, max, n);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_PLAN_LIST, cid, e);
		return e;
	}
	snprintf(detail, sizeof detail, "count=%zu", *n);
	e = domain_emit_commit(ctx, ERR_OK, AUDIT_PLAN_LIST, cid, "client", client_public_id,
	                       detail);
	if (e != ERR_OK)
		for (i = 0; i < *n; i++)
			plan_version_cleanup(&out[i]);
	return e;
}

/* sign_checks - may this version be signed with name, as seen? */
static enum err sign_checks(struct domain_ctx *ctx, const struct plan_version *p,
                            const unsigned char *seen)
{
	unsigned char h[32];

	if (p->signed_at != 0) {
		ctx->message = "this version is signed already; a change makes a new version";
		return ERR_CONFLICT;
	}
	if (p->version != p->latest) {
		ctx->message = "a newer version of this plan exists: sign that one";
		return ERR_CONFLICT;
	}
	vault_sha256(h, p->text, strlen(p->text));
	if (!vault_memeq(h, p->text_hash, sizeof h))
		return ERR_CRYPTO; /* the stored hash does not match the stored text */
	if (seen != NULL && !vault_memeq(seen, h, sizeof h)) {
		ctx->message = "text_sha256 is not the hash of this version's text: reload it";
		return ERR_CONFLICT;
	}
	return ERR_OK;
}

enum err domain_plan_sign(struct domain_ctx *ctx, const char *plan_public_id, int64_t version,
                          const char *name, const unsigned char *seen, struct plan_version *out)
{
	struct plan_version p;
	const char *method;
	int self = 0;
	enum err e;

	memset(&p, 0, sizeof p);
	if (!req(name, PLAN_NAME_MAX))
		return bad(ctx, "name (the signer's typed name) is required: one line of at most "
		                "200 bytes");
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = head(ctx, plan_public_id, 1, AUDIT_PLAN_SIGN, &p, &self);
	if (e == ERR_OK)
		e = store_plan_version_get(ctx->store, ctx->vault, p.plan_id, version, 1, &p);
	if (e == ERR_OK)
		e = sign_checks(ctx, &p, seen);
	method = self ? PLAN_SIGNED_PORTAL : PLAN_SIGNED_IN_PERSON;
	if (e == ERR_OK)
		e = store_plan_sign(ctx->store, ctx->vault, &p, name, ctx->actor_id, method,
		                    p.text_hash, ctx->now);
	if (e == ERR_OK) {
		p.signed_at = ctx->now;
		snprintf(p.signed_by_public_id, sizeof p.signed_by_public_id, "%s", ctx->actor);
		snprintf(p.signed_method, sizeof p.signed_method, "%s", method);
		memcpy(p.signed_hash, p.text_hash, sizeof p.signed_hash);
		p.signer_name = mem_strdup(name);
		if (p.signer_name == NULL)
			e = ERR_NOMEM;
	}
	if (e == ERR_OK)
		return done_version(ctx, e, AUDIT_PLAN_SIGN, &p, out, method);
	store_rollback(ctx->store);
	if (e == ERR_CRYPTO)
		domain_audit_refusal(ctx, AUDIT_PLAN_SIGN, p.client_id, e);
	plan_version_cleanup(&p);
	return e;
}
