/*
 * export.c - gathering a client's designated record set for the right of
 * access (see export.h): one read snapshot for everything, then one short
 * write transaction for the audit event (and the access request it
 * fulfils). Reads are bulk: one statement per kind of item, notes and
 * addenda each in one pass, each sealed value opened once, the client's
 * key unwrapped once (cached by the connection).
 * Never: reads psychotherapy notes (no include, no statement, no call
 * leads there); puts anything but ids and counts in the event.
 */
#include "domain/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/amendments.h"
#include "domain/attachments.h"
#include "domain/chart.h"
#include "domain/consent.h"
#include "domain/diagnoses.h"
#include "domain/plans.h"

/* ---- the record ----------------------------------------------------- */

void export_record_cleanup(struct export_record *r)
{
	size_t i;

	client_cleanup(&r->client);
	for (i = 0; i < r->nguardians; i++)
		guardian_cleanup(&r->guardians[i]);
	for (i = 0; i < r->ndx; i++)
		diagnosis_cleanup(&r->dx[i]);
	for (i = 0; i < r->nnotes; i++)
		note_cleanup(&r->notes[i]);
	for (i = 0; i < r->nadds; i++)
		addendum_cleanup(&r->adds[i].a);
	for (i = 0; i < r->nplans; i++)
		plan_version_cleanup(&r->plans[i]);
	for (i = 0; i < r->nconsents; i++)
		consent_cleanup(&r->consents[i]);
	for (i = 0; i < r->nfiles; i++) {
		if (r->files[i].content != NULL) {
			mem_wipe(r->files[i].content, (size_t)r->files[i].a.size);
			free(r->files[i].content);
		}
		attachment_cleanup(&r->files[i].a);
	}
	for (i = 0; i < r->namendments; i++)
		amendment_cleanup(&r->amendments[i]);
	free(r->guardians);
	free(r->team);
	free(r->dx);
	free(r->notes);
	free(r->adds);
	free(r->plans);
	free(r->consents);
	free(r->files);
	free(r->amendments);
	free(r->appts);
	free(r->people);
	mem_wipe(r, sizeof *r);
}

const struct export_person *export_person_find(const struct export_record *r, int64_t id)
{
	size_t i;

	for (i = 0; id != 0 && i < r->npeople; i++)
		if (r->people[i].id == id)
			return &r->people[i];
	return NULL;
}

const struct export_person *export_person_find_public(const struct export_record *r,
                                                      const char *public_id)
{
	size_t i;

	for (i = 0; public_id != NULL && public_id[0] && i < r->npeople; i++)
		if (strcmp(r->people[i].public_id, public_id) == 0)
			return &r->people[i];
	return NULL;
}

/* grow - make room for one more element in *arr (n used, *cap allocated). */
static enum err grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t next;
	void *p;

	if (n < *cap)
		return ERR_OK;
	next = *cap ? *cap * 2 : 64;
	p = mem_calloc_array(next, size);
	if (p == NULL)
		return ERR_NOMEM;
	if (n)
		memcpy(p, *arr, n * size);
	free(*arr);
	*arr = p;
	*cap = next;
	return ERR_OK;
}

/* What a read pass needs: the context and the record with its capacities. */
struct gather {
	struct domain_ctx *ctx;  /* who reads */
	struct export_record *r; /* what is filled */
	size_t cap_notes;        /* allocated notes */
	size_t cap_adds;         /* allocated addenda */
	size_t cap_appts;        /* allocated appointments */
	size_t inline_total;     /* attachment bytes carried so far */
};

/* person - note the user with row id (or public id) among the people. */
static enum err person(struct gather *g, int64_t id, const char *public_id)
{
	struct export_record *r = g->r;
	struct export_person *p;
	struct user_auth u;
	enum err e;

	if ((id == 0 && (public_id == NULL || public_id[0] == '\0')) ||
	    (id != 0 ? export_person_find(r, id) : export_person_find_public(r, public_id)) != NULL)
		return ERR_OK;
	if (r->npeople >= EXPORT_PEOPLE_MAX)
		return ERR_OK; /* the record still names them by id */
	e = id != 0 ? store_user_auth_by_id(g->ctx->store, id, &u)
	            : store_user_auth_by_public(g->ctx->store, public_id, &u);
	if (e == ERR_NOTFOUND)
		return ERR_OK;
	if (e != ERR_OK)
		return e;
	p = &r->people[r->npeople++];
	p->id = u.id;
	snprintf(p->public_id, sizeof p->public_id, "%s", u.public_id);
	snprintf(p->name, sizeof p->name, "%s", u.display_name);
	snprintf(p->role, sizeof p->role, "%s", u.role);
	mem_wipe(&u, sizeof u);
	return ERR_OK;
}

static enum err take_note(void *arg, struct note *n)
{
	struct gather *g = arg;
	enum err e = grow((void **)&g->r->notes, &g->cap_notes, g->r->nnotes, sizeof *n);

	if (e == ERR_OK)
		e = person(g, n->author_id, NULL);
	if (e == ERR_OK)
		e = person(g, n->signed_by, NULL);
	if (e == ERR_OK)
		e = person(g, n->cosigned_by, NULL);
	if (e != ERR_OK) {
		note_cleanup(n);
		return e;
	}
	g->r->notes[g->r->nnotes++] = *n;
	return ERR_OK;
}

static enum err take_addendum(void *arg, const char *note, struct addendum *a)
{
	struct gather *g = arg;
	struct export_addendum *x;
	enum err e = grow((void **)&g->r->adds, &g->cap_adds, g->r->nadds, sizeof *x);

	if (e == ERR_OK)
		e = person(g, 0, a->author_public_id);
	if (e != ERR_OK) {
		addendum_cleanup(a);
		return e;
	}
	x = &g->r->adds[g->r->nadds++];
	snprintf(x->note_public_id, sizeof x->note_public_id, "%s", note);
	x->a = *a;
	return ERR_OK;
}

static enum err take_appt(void *arg, const struct appointment_row *a)
{
	struct gather *g = arg;
	enum err e = grow((void **)&g->r->appts, &g->cap_appts, g->r->nappts, sizeof *a);

	if (e == ERR_OK)
		e = person(g, a->clinician_id, NULL);
	if (e == ERR_OK)
		g->r->appts[g->r->nappts++] = *a;
	return e;
}

/* file_content - every chunk of f, opened, into a new buffer, when it fits
 * the budget; otherwise f stays linked (content NULL). */
static enum err file_content(struct gather *g, struct export_file *f)
{
	const struct attachment *a = &f->a;
	int64_t c = STORE_ATTACHMENT_CHUNK, i;
	unsigned char *buf;
	size_t n, at = 0;
	enum err e = ERR_OK;

	if (a->size <= 0 || a->size > EXPORT_INLINE_FILE_MAX ||
	    g->inline_total + (size_t)a->size > EXPORT_INLINE_TOTAL_MAX ||
	    a->chunks != (a->size + c - 1) / c)
		return ERR_OK;
	buf = malloc((size_t)(a->chunks * c));
	if (buf == NULL)
		return ERR_NOMEM;
	for (i = 0; e == ERR_OK && i < a->chunks; i++) {
		n = 0;
		e = store_attachment_chunk_open(g->ctx->store, g->ctx->vault, a, i, buf + at, &n);
		at += n;
		if (e == ERR_OK && (i < a->chunks - 1 ? n != (size_t)c : at != (size_t)a->size))
			e = ERR_CRYPTO; /* a chunk of the wrong length: not what was stored */
	}
	if (e != ERR_OK) {
		mem_wipe(buf, (size_t)(a->chunks * c));
		free(buf);
		return e;
	}
	f->content = buf;
	g->inline_total += (size_t)a->size;
	return ERR_OK;
}

/* files - every finished attachment, newest first, content inline when
 * it fits. */
static enum err files(struct gather *g, int64_t cid)
{
	struct export_record *r = g->r;
	struct attachment *page = mem_calloc_array(ATTACHMENTS_LIST_MAX, sizeof *page);
	size_t cap = 0, n = 0, i;
	int64_t before = 0;
	enum err e = page ? ERR_OK : ERR_NOMEM;

	while (e == ERR_OK) {
		e = store_attachment_list(g->ctx->store, g->ctx->vault, cid, before, page,
		                          ATTACHMENTS_LIST_MAX, &n);
		for (i = 0; i < n; i++) {
			if (e == ERR_OK)
				e = grow((void **)&r->files, &cap, r->nfiles, sizeof *r->files);
			if (e == ERR_OK)
				e = person(g, page[i].created_by, NULL);
			if (e != ERR_OK) {
				attachment_cleanup(&page[i]);
				continue;
			}
			r->files[r->nfiles].a = page[i];
			r->files[r->nfiles].content = NULL;
			before = page[i].id;
			e = file_content(g, &r->files[r->nfiles++]);
		}
		if (n < ATTACHMENTS_LIST_MAX)
			break;
	}
	free(page);
	return e;
}

/* alloc_list - allocate max elements of size into *arr for a fixed-size
 * store list. */
static enum err alloc_list(void **arr, size_t max, size_t size)
{
	*arr = mem_calloc_array(max, size);
	return *arr ? ERR_OK : ERR_NOMEM;
}

/* gather_all - read the whole record set of client cid into g->r. */
static enum err gather_all(struct gather *g, int64_t cid, const char *client_public_id)
{
	struct domain_ctx *ctx = g->ctx;
	struct export_record *r = g->r;
	struct store *s = ctx->store;
	const struct vault *v = ctx->vault;
	size_t i;
	enum err e;

	e = store_client_get(s, v, client_public_id, &r->client);
	if (e == ERR_OK)
		e = alloc_list((void **)&r->people, EXPORT_PEOPLE_MAX, sizeof *r->people);
	if (e == ERR_OK)
		e = alloc_list((void **)&r->guardians, GUARDIANS_PER_CLIENT_MAX,
		               sizeof *r->guardians);
	if (e == ERR_OK)
		e = store_guardian_list(s, v, cid, r->guardians, GUARDIANS_PER_CLIENT_MAX,
		                        &r->nguardians);
	if (e == ERR_OK)
		e = alloc_list((void **)&r->team, CARE_TEAM_SHOWN_MAX, sizeof *r->team);
	if (e == ERR_OK)
		e = store_care_team_list(s, cid, r->team, CARE_TEAM_SHOWN_MAX, &r->nteam);
	for (i = 0; e == ERR_OK && i < r->nteam; i++)
		e = person(g, 0, r->team[i].public_id);
	if (e == ERR_OK)
		e = alloc_list((void **)&r->dx, DIAGNOSES_PER_CLIENT_MAX, sizeof *r->dx);
	if (e == ERR_OK)
		e = store_diagnosis_list(s, v, cid, r->dx, DIAGNOSES_PER_CLIENT_MAX, &r->ndx);
	for (i = 0; e == ERR_OK && i < r->ndx; i++)
		e = person(g, r->dx[i].created_by, NULL);
	if (e == ERR_OK)
		e = store_note_each(s, v, cid, take_note, g);
	if (e == ERR_OK)
		e = store_addendum_each(s, v, cid, take_addendum, g);
	if (e == ERR_OK)
		e = alloc_list((void **)&r->plans, PLANS_PER_CLIENT_MAX, sizeof *r->plans);
	if (e == ERR_OK)
		e = store_plan_list(s, v, cid, r->plans, PLANS_PER_CLIENT_MAX, &r->nplans);
	for (i = 0; e == ERR_OK && i < r->nplans; i++) {
		e = person(g, r->plans[i].author_id, NULL);
		if (e == ERR_OK)
			e = person(g, 0, r->plans[i].signed_by_public_id);
	}
	if (e == ERR_OK)
		e = alloc_list((void **)&r->consents, CONSENTS_PER_CLIENT_MAX, sizeof *r->consents);
	if (e == ERR_OK)
		e = store_consent_list(s, v, cid, r->consents, CONSENTS_PER_CLIENT_MAX,
		                       &r->nconsents);
	for (i = 0; e == ERR_OK && i < r->nconsents; i++) {
		e = person(g, r->consents[i].recorded_by, NULL);
		if (e == ERR_OK)
			e = person(g, 0, r->consents[i].withdrawn_by_public_id);
	}
	if (e == ERR_OK)
		e = files(g, cid);
	if (e == ERR_OK)
		e = alloc_list((void **)&r->amendments, AMENDMENTS_PER_CLIENT_MAX,
		               sizeof *r->amendments);
	if (e == ERR_OK)
		e = store_amendment_list(s, v, cid, NULL, 0, r->amendments,
		                         AMENDMENTS_PER_CLIENT_MAX, &r->namendments);
	for (i = 0; e == ERR_OK && i < r->namendments; i++) {
		const struct amendment *a = &r->amendments[i];

		e = person(g, a->requested_by, NULL);
		if (e == ERR_OK)
			e = person(g, 0, a->decided_by_public_id);
		if (e == ERR_OK)
			e = person(g, 0, a->disagreement_by_public_id);
		if (e == ERR_OK)
			e = person(g, 0, a->rebuttal_by_public_id);
	}
	if (e == ERR_OK)
		e = store_appointment_each(s, cid, take_appt, g);
	return e;
}

/* ---- who may -------------------------------------------------------- */

/* may_export - the rule in export.h. Break-glass does not count: only the
 * care team itself (or supervision of it) reaches. */
static enum err may_export(struct domain_ctx *ctx, int64_t cid, int *yes)
{
	*yes = 0;
	switch (ctx->role) {
	case 0: *yes = ctx->actor_id == 0; return ERR_OK;
	case ROLE_OWNER: *yes = 1; return ERR_OK;
	case ROLE_CLINICIAN: return store_care_team_reaches(ctx->store, cid, ctx->actor_id, yes);
	case ROLE_CLIENT: *yes = ctx->client_self != 0 && ctx->client_self == cid; return ERR_OK;
	default: return ERR_OK;
	}
}

/* ---- the operation -------------------------------------------------- */

/* new_id - 32 random hex digits, like every public id. */
/* counts - the event's detail: the format, how many of each, the request. */
static void counts(char *out, size_t size, const struct export_record *r, const char *format)
{
	size_t i, inl = 0;

	for (i = 0; i < r->nfiles; i++)
		inl += r->files[i].content != NULL;
	snprintf(out, size,
	         "%s notes=%zu addenda=%zu diagnoses=%zu plans=%zu consents=%zu files=%zu "
	         "inline=%zu amendments=%zu appointments=%zu guardians=%zu%s%s",
	         format, r->nnotes, r->nadds, r->ndx, r->nplans, r->nconsents, r->nfiles, inl,
	         r->namendments, r->nappts, r->nguardians, r->request_id[0] ? " request=" : "",
	         r->request_id);
}

enum err domain_export_collect(struct domain_ctx *ctx, const char *client_public_id,
                               const char *request, const char *format, struct export_record *out)
{
	struct export_record *r = out;
	struct access_request ar;
	struct gather g;
	char detail[320];
	int64_t cid = 0;
	int yes = 0;
	enum err e;

	memset(r, 0, sizeof *r);
	memset(&ar, 0, sizeof ar);
	memset(&g, 0, sizeof g);
	g.ctx = ctx;
	g.r = r;
	ctx->purpose = "right-of-access";
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = may_export(ctx, cid, &yes);
	if (e == ERR_OK && !yes) {
		store_end_read(ctx->store);
		domain_audit_refusal(ctx, AUDIT_EXPORT, cid, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	if (e == ERR_OK && request != NULL) {
		e = store_access_request_get(ctx->store, ctx->vault, request, 0, &ar);
		if (e == ERR_OK && ar.client_id != cid)
			e = ERR_NOTFOUND;
		if (e == ERR_NOTFOUND)
			ctx->message = "request is not an access request of this client";
		if (e == ERR_OK && ar.fulfilled_at != 0) {
			ctx->message = "that access request is fulfilled already";
			e = ERR_CONFLICT;
		}
		if (e != ERR_OK && e != ERR_CONFLICT && e != ERR_NOTFOUND)
			ctx->message = NULL;
		if (e == ERR_NOTFOUND)
			e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = gather_all(&g, cid, client_public_id);
	store_end_read(ctx->store);
	if (e == ERR_OK)
		e = store_begin(ctx->store);
	if (e == ERR_OK) {
		domain_random_hex(r->export_id, 16);
		r->generated_at = ctx->now;
		if (request != NULL)
			snprintf(r->request_id, sizeof r->request_id, "%s", ar.public_id);
		counts(detail, sizeof detail, r, format);
		if (request != NULL)
			e = store_access_request_fulfil(ctx->store, ar.id, ctx->actor_id,
			                                r->export_id, ctx->now);
		if (e == ERR_OK)
			e = domain_emit(ctx, AUDIT_EXPORT, cid, "export", r->export_id, detail);
		if (e == ERR_OK && request != NULL)
			e = domain_emit(ctx, AUDIT_ACCESS_REQ_FULFIL, cid, "access_request",
			                ar.public_id, r->export_id);
		if (e == ERR_OK)
			e = store_commit(ctx->store);
		else
			store_rollback(ctx->store);
	}
	access_request_cleanup(&ar);
	if (e != ERR_OK) {
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_EXPORT, cid, e);
		export_record_cleanup(r);
		return e;
	}
	return ERR_OK;
}
