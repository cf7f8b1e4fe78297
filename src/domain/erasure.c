/*
 * erasure.c - erasure requests under retention rules and legal holds,
 * crypto-shredding, the scheduled run and the ledger's re-application, and
 * setting or lifting a restriction (see domain/erasure.h).
 *
 * An erasure is one write transaction: the store destroys the client's
 * wrapped keys and deletes their rows; the ledger file gets its line (and
 * is synced) before that transaction commits, so a crash in between leaves
 * a ledger entry whose client is still present, which the next
 * re-application shreds. Never: erases while an obligation applies, deletes
 * audit events, or puts anything but ids, counts and dates in events.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/dates.h"
#include "domain/erasure.h"
#include "domain/identity.h"
#include "domain/ledger.h"
#include "domain/retention.h"

static char ledger_path[PATH_MAX];

void domain_erasure_ledger_path_set(const char *path)
{
	snprintf(ledger_path, sizeof ledger_path, "%s", path);
}

/* rights_staff - the owner and the privacy officer act on clients' rights;
 * the CLI acts as the practice. */
static int rights_staff(const struct domain_ctx *ctx)
{
	return ctx->role == ROLE_OWNER || ctx->role == ROLE_AUDITOR ||
	       (ctx->role == 0 && ctx->actor_id == 0);
}

/* ---- retention ------------------------------------------------------------ */

/* add_years - t moved by years calendar years (UTC; 29 February becomes
 * 1 March when the target year has none). */
static int64_t add_years(int64_t t, int64_t years)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		return t;
	tm.tm_year += (int)years;
	return (int64_t)timegm(&tm);
}

/* dob_time - midnight UTC of a YYYY-MM-DD date, or 0 if s is not one. */
static int64_t dob_time(const char *s)
{
	struct tm tm;

	if (s == NULL || !domain_date_valid(s))
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year =
	        (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	return (int64_t)timegm(&tm);
}

enum err domain_retention_of(struct domain_ctx *ctx, int64_t client_id, struct retention *out)
{
	struct retention_facts f;
	struct retention_rule rule;
	struct client c;
	char pub[33];
	int64_t dob = 0;
	enum err e;

	e = store_retention_facts(ctx->store, client_id, ctx->now, &f);
	if (e == ERR_OK)
		e = store_client_public_of(ctx->store, client_id, pub);
	if (e == ERR_OK)
		e = store_client_get(ctx->store, ctx->vault, pub, &c);
	if (e != ERR_OK)
		return e;
	dob = dob_time(c.date_of_birth);
	/* The client's jurisdiction's rule, else the practice's default. */
	e = domain_retention_rule_for(ctx, c.jurisdiction, &rule);
	client_cleanup(&c);
	if (e != ERR_OK)
		return e;
	memset(out, 0, sizeof *out);
	memcpy(out->jurisdiction, rule.code, sizeof out->jurisdiction);
	out->adult_years = rule.adult_years;
	out->majority_age = rule.majority_age;
	out->minor_years = rule.minor_years;
	out->last_contact = f.last_contact;
	out->retain_until = add_years(f.last_contact, rule.adult_years);
	out->rule = "adult";
	if (dob != 0) {
		int64_t majority = add_years(dob, rule.majority_age);

		if (f.last_contact < majority) {
			int64_t m = add_years(majority, rule.minor_years);

			out->rule = "minor";
			if (m > out->retain_until)
				out->retain_until = m;
		}
	}
	return store_legal_hold_active(ctx->store, client_id, &out->holds);
}

/* blocked - why an erasure must wait, as stored ("" when it need not). */
static void blocked(const struct domain_ctx *ctx, const struct retention *r,
                    char out[ERASURE_BLOCKED_MAX])
{
	int ret = r->retain_until > ctx->now;

	snprintf(out, ERASURE_BLOCKED_MAX, "%s%s%s", ret ? "retention" : "",
	         ret && r->holds > 0 ? "," : "", r->holds > 0 ? "legal_hold" : "");
}

/* ---- carrying it out --------------------------------------------------------- */

/* erase_now - shred the client, ledger line first, in one transaction with
 * the erasure.done event; then move the WAL out of the way. ERR_NOTFOUND
 * if the client is gone already (the request is marked done). */
static enum err erase_now(struct domain_ctx *ctx, int64_t client_id, const char *client_pub,
                          const char *request_pub)
{
	struct ledger_entry le;
	char detail[64];
	int64_t rows = 0, present = 0;
	int complete = 0;
	enum err e;

	if (ledger_path[0] == '\0') {
		log_error("erasure has no ledger path; refusing to erase");
		return ERR_INTERNAL;
	}
	memset(&le, 0, sizeof le);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_find_exact(ctx->store, client_id, client_pub, &present);
	if (e == ERR_OK && present == 0) {
		e = store_erasure_request_done(ctx->store, client_id, ctx->now);
		if (e == ERR_OK)
			e = store_commit(ctx->store);
		if (e != ERR_OK)
			store_rollback(ctx->store);
		return e == ERR_OK ? ERR_NOTFOUND : e;
	}
	if (e == ERR_OK)
		e = store_client_shred(ctx->store, client_id, ctx->now, le.key_ids, &rows);
	if (e == ERR_OK) {
		snprintf(le.client_public_id, sizeof le.client_public_id, "%s", client_pub);
		snprintf(le.request_public_id, sizeof le.request_public_id, "%s", request_pub);
		le.client_id = client_id;
		le.erased_at = ctx->now;
		/* Outside the backups, synced, before the erasure commits. */
		e = ledger_append(ctx->vault, ledger_path, &le);
		if (e != ERR_OK)
			log_error("erasure cannot write the ledger err=%s", err_name(e));
	}
	if (e == ERR_OK)
		e = store_ledger_add(ctx->store, &le);
	if (e == ERR_OK)
		e = store_erasure_request_done(ctx->store, client_id, ctx->now);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "rows=%lld", (long long)rows);
		e = domain_emit(ctx, AUDIT_ERASURE_DONE, client_id, "erasure", request_pub, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (store_wal_checkpoint(ctx->store, &complete) != ERR_OK || !complete)
		log_info("erasure checkpoint incomplete; the next one moves the WAL");
	return ERR_OK;
}

static int basis_ok(const char *b)
{
	return b != NULL &&
	       (strcmp(b, "gdpr-17") == 0 || strcmp(b, "mhmda") == 0 || strcmp(b, "other") == 0);
}

enum err domain_erasure_request(struct domain_ctx *ctx, const char *client, const char *basis,
                                struct erasure_request *out, struct retention *ret)
{
	struct erasure_request r;
	int64_t id = 0;
	char detail[64];
	int may;
	enum err e;

	if (!basis_ok(basis)) {
		ctx->message = "basis must be gdpr-17, mhmda or other";
		return ERR_INVAL;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client, &id);
	may = rights_staff(ctx) ||
	      (ctx->role == ROLE_CLIENT && ctx->client_self != 0 && ctx->client_self == id);
	if (e == ERR_OK && !may)
		e = ERR_DENIED;
	if (e != ERR_OK) {
		if (e == ERR_NOTFOUND || e == ERR_DENIED) {
			domain_audit_refusal(ctx, AUDIT_ERASURE_REQUEST, e == ERR_DENIED ? id : 0,
			                     ERR_DENIED);
			e = ERR_NOTFOUND;
		}
		store_rollback(ctx->store);
		return e;
	}
	ctx->purpose = "individual-rights";
	memset(&r, 0, sizeof r);
	e = domain_retention_of(ctx, id, ret);
	if (e == ERR_OK && store_erasure_request_pending(ctx->store, id, &r) == ERR_OK) {
		/* One request at a time: the scheduled one stands. */
		e = domain_emit(ctx, AUDIT_ERASURE_REQUEST, id, "erasure", r.public_id,
		                "existing=1");
		if (e == ERR_OK)
			e = store_commit(ctx->store);
		if (e != ERR_OK)
			store_rollback(ctx->store);
		if (e == ERR_OK)
			*out = r;
		return e;
	}
	if (e == ERR_OK) {
		r.client_id = id;
		snprintf(r.client_public_id, sizeof r.client_public_id, "%s", client);
		snprintf(r.basis, sizeof r.basis, "%s", basis);
		snprintf(r.requested_by, sizeof r.requested_by, "%s", ctx->actor);
		snprintf(r.requested_via, sizeof r.requested_via, "%s",
		         ctx->role == ROLE_CLIENT ? "portal"
		         : ctx->role == 0         ? "cli"
		                                  : "staff");
		r.requested_at = ctx->now;
		snprintf(r.status, sizeof r.status, "scheduled");
		r.not_before = ret->retain_until;
		blocked(ctx, ret, r.blocked_by);
		e = store_erasure_request_insert(ctx->store, &r);
	}
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "basis=%s,blocked=%s", basis,
		         r.blocked_by[0] ? r.blocked_by : "none");
		e = domain_emit(ctx, AUDIT_ERASURE_REQUEST, id, "erasure", r.public_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (r.blocked_by[0] == '\0') {
		e = erase_now(ctx, id, client, r.public_id);
		if (e == ERR_OK || e == ERR_NOTFOUND) {
			snprintf(r.status, sizeof r.status, "done");
			r.done_at = ctx->now;
			e = ERR_OK;
		}
	}
	if (e == ERR_OK)
		*out = r;
	return e;
}

enum err domain_erasure_get(struct domain_ctx *ctx, const char *public_id,
                            struct erasure_request *out)
{
	enum err e;

	if (!rights_staff(ctx)) {
		domain_audit_refusal(ctx, AUDIT_ERASURE_READ, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_erasure_request_get(ctx->store, public_id, out);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_ERASURE_READ, out->client_id, "erasure", out->public_id,
		                "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_erasure_list(struct domain_ctx *ctx, int64_t before, struct erasure_request *out,
                             size_t max, size_t *n)
{
	char detail[32];
	enum err e;

	if (!rights_staff(ctx)) {
		domain_audit_refusal(ctx, AUDIT_ERASURE_READ, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_erasure_request_list(ctx->store, before, out, max, n);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", *n);
		e = domain_emit(ctx, AUDIT_ERASURE_READ, 0, "erasure", "", detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

#define DUE_BATCH 32 /* requests one pass looks at */

enum err domain_erasure_run_due(struct domain_ctx *ctx, int64_t *done, int64_t *waiting)
{
	struct erasure_request *due;
	size_t n = 0, i;
	enum err e;

	*done = *waiting = 0;
	if (ctx->role != 0 || ctx->actor_id != 0)
		return ERR_DENIED;
	due = calloc(DUE_BATCH, sizeof *due);
	if (due == NULL)
		return ERR_NOMEM;
	e = store_begin_read(ctx->store);
	if (e == ERR_OK) {
		e = store_erasure_request_due(ctx->store, ctx->now, due, DUE_BATCH, &n);
		store_end_read(ctx->store);
	}
	for (i = 0; e == ERR_OK && i < n; i++) {
		struct retention ret;
		char why[ERASURE_BLOCKED_MAX];
		int64_t present = 0;

		e = store_begin(ctx->store);
		if (e != ERR_OK)
			break;
		e = store_client_find_exact(ctx->store, due[i].client_id, due[i].client_public_id,
		                            &present);
		if (e == ERR_OK && present)
			e = domain_retention_of(ctx, due[i].client_id, &ret);
		if (e == ERR_OK && present) {
			blocked(ctx, &ret, why);
			if (why[0] != '\0') {
				/* New contact or a hold: wait (and say why). */
				if (strcmp(why, due[i].blocked_by) != 0 ||
				    ret.retain_until != due[i].not_before)
					e = store_erasure_request_block(ctx->store, due[i].id,
					                                ret.retain_until, why);
				if (e == ERR_OK)
					e = store_commit(ctx->store);
				if (e != ERR_OK)
					store_rollback(ctx->store);
				(*waiting)++;
				continue;
			}
		}
		store_rollback(ctx->store);
		if (e != ERR_OK)
			break;
		e = erase_now(ctx, due[i].client_id, due[i].client_public_id, due[i].public_id);
		if (e == ERR_NOTFOUND)
			e = ERR_OK;
		else if (e == ERR_OK)
			(*done)++;
	}
	free(due);
	return e;
}

/* ---- the ledger -------------------------------------------------------------- */

/* The ledger file's entries, collected before the database is touched. */
struct entries {
	struct ledger_entry *v; /* entries (heap) */
	size_t n;               /* how many */
	size_t cap;             /* allocated */
};

static enum err collect(void *arg, const struct ledger_entry *le)
{
	struct entries *es = arg;

	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 16;
		struct ledger_entry *p = reallocarray(es->v, cap, sizeof *p);

		if (p == NULL)
			return ERR_NOMEM;
		es->v = p;
		es->cap = cap;
	}
	es->v[es->n++] = *le;
	return ERR_OK;
}

/* reshred - shred again a client the ledger names, if a restore brought
 * them back (same row id and public id); record the entry in the database
 * and keep new clients' ids above it. */
static enum err reshred(struct domain_ctx *ctx, const struct ledger_entry *le, int64_t *count)
{
	char keys[ERASURE_KEY_IDS_MAX], detail[64];
	int64_t present = 0, rows = 0;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_ledger_add(ctx->store, le);
	if (e == ERR_OK)
		e = store_clients_sequence_floor(ctx->store, le->client_id);
	if (e == ERR_OK)
		e = store_client_find_exact(ctx->store, le->client_id, le->client_public_id,
		                            &present);
	if (e == ERR_OK && present) {
		e = store_client_shred(ctx->store, le->client_id, ctx->now, keys, &rows);
		if (e == ERR_OK)
			e = store_erasure_request_done(ctx->store, le->client_id, ctx->now);
		if (e == ERR_OK) {
			snprintf(detail, sizeof detail, "reapplied=1,rows=%lld", (long long)rows);
			e = domain_emit(ctx, AUDIT_ERASURE_DONE, le->client_id, "erasure",
			                le->request_public_id, detail);
		}
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	else if (present)
		(*count)++;
	return e;
}

/* The database's entries that the file lacks are appended to it. */
struct missing {
	const struct entries *file; /* what the file holds */
	const struct vault *vault;  /* the ledger key's source */
	struct entries add;         /* database entries to append */
};

static enum err not_in_file(void *arg, const struct ledger_entry *le)
{
	struct missing *m = arg;
	size_t i;

	for (i = 0; i < m->file->n; i++)
		if (strcmp(m->file->v[i].client_public_id, le->client_public_id) == 0)
			return ERR_OK;
	return collect(&m->add, le);
}

enum err domain_erasure_ledger_apply(struct domain_ctx *ctx, int64_t *reapplied)
{
	struct entries file = {NULL, 0, 0};
	struct missing m;
	size_t i;
	int complete = 0;
	enum err e;

	*reapplied = 0;
	if (ctx->role != 0 || ctx->actor_id != 0)
		return ERR_DENIED;
	if (ledger_path[0] == '\0')
		return ERR_INTERNAL;
	e = ledger_read(ctx->vault, ledger_path, collect, &file);
	if (e == ERR_NOTFOUND)
		e = ERR_OK;
	for (i = 0; e == ERR_OK && i < file.n; i++)
		e = reshred(ctx, &file.v[i], reapplied);
	memset(&m, 0, sizeof m);
	m.file = &file;
	m.vault = ctx->vault;
	if (e == ERR_OK) {
		e = store_begin_read(ctx->store);
		if (e == ERR_OK) {
			e = store_ledger_each(ctx->store, not_in_file, &m);
			store_end_read(ctx->store);
		}
	}
	for (i = 0; e == ERR_OK && i < m.add.n; i++) {
		e = ledger_append(ctx->vault, ledger_path, &m.add.v[i]);
		if (e == ERR_OK) /* and shred if present: the same rule */
			e = reshred(ctx, &m.add.v[i], reapplied);
	}
	if (e == ERR_OK)
		e = ledger_create(ledger_path);
	if (e == ERR_OK && *reapplied > 0 &&
	    (store_wal_checkpoint(ctx->store, &complete) != ERR_OK || !complete))
		log_info("erasure checkpoint incomplete; the next one moves the WAL");
	free(file.v);
	free(m.add.v);
	return e;
}

/* ---- legal holds ----------------------------------------------------------- */

/* staff_client - begin, resolve the client, and check the actor is the
 * owner or the auditor; a refusal is audited under ev and answers 404. */
static enum err staff_client(struct domain_ctx *ctx, const char *client, enum audit_event ev,
                             int64_t *id)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client, id);
	if (e == ERR_OK && !rights_staff(ctx))
		e = ERR_DENIED;
	if (e == ERR_NOTFOUND || e == ERR_DENIED) {
		domain_audit_refusal(ctx, ev, e == ERR_DENIED ? *id : 0, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	if (e != ERR_OK)
		store_rollback(ctx->store);
	ctx->purpose = "legal-obligation";
	return e;
}

/* finish - emit and commit, or roll back. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t client_id,
                       const char *type, const char *object, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, client_id, type, object, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

static int reason_ok(struct domain_ctx *ctx, const char *reason)
{
	if (reason == NULL || reason[0] == '\0' || strlen(reason) > HOLD_REASON_MAX ||
	    !domain_text_clean(reason, 1)) {
		ctx->message = "reason is required: 1 to 2000 characters of text";
		return 0;
	}
	return 1;
}

enum err domain_hold_set(struct domain_ctx *ctx, const char *client, const char *reason,
                         char out[33])
{
	int64_t id = 0;
	enum err e;

	if (!reason_ok(ctx, reason))
		return ERR_INVAL;
	e = staff_client(ctx, client, AUDIT_HOLD_SET, &id);
	if (e != ERR_OK)
		return e;
	e = store_legal_hold_create(ctx->store, ctx->vault, id, ctx->actor_id, reason, ctx->now,
	                            out);
	return finish(ctx, e, AUDIT_HOLD_SET, id, "legal_hold", out, "");
}

enum err domain_hold_release(struct domain_ctx *ctx, const char *hold, const char *reason)
{
	struct legal_hold h;
	enum err e;

	if (!reason_ok(ctx, reason))
		return ERR_INVAL;
	if (!rights_staff(ctx)) {
		domain_audit_refusal(ctx, AUDIT_HOLD_RELEASE, 0, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_legal_hold_get(ctx->store, ctx->vault, hold, &h);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	ctx->purpose = "legal-obligation";
	e = store_legal_hold_release(ctx->store, ctx->vault, h.id, h.client_id, ctx->actor_id,
	                             reason, ctx->now);
	e = finish(ctx, e, AUDIT_HOLD_RELEASE, h.client_id, "legal_hold", h.public_id, "");
	legal_hold_cleanup(&h);
	return e;
}

enum err domain_hold_list(struct domain_ctx *ctx, const char *client, struct legal_hold *out,
                          size_t max, size_t *n)
{
	char detail[32];
	int64_t id = 0;
	size_t i;
	enum err e = staff_client(ctx, client, AUDIT_HOLD_READ, &id);

	if (e != ERR_OK)
		return e;
	e = store_legal_hold_list(ctx->store, ctx->vault, id, out, max, n);
	snprintf(detail, sizeof detail, "count=%zu", e == ERR_OK ? *n : (size_t)0);
	if (e == ERR_OK) {
		e = finish(ctx, e, AUDIT_HOLD_READ, id, "client", client, detail);
		if (e != ERR_OK)
			for (i = 0; i < *n; i++)
				legal_hold_cleanup(&out[i]);
	} else {
		store_rollback(ctx->store);
	}
	return e;
}

/* ---- restriction -------------------------------------------------------------- */

static int restriction_basis_ok(const char *b)
{
	static const char *const ok[] = {"accuracy", "unlawful", "legal-claims", "objection"};
	size_t i;

	for (i = 0; b != NULL && i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(ok[i], b) == 0)
			return 1;
	return 0;
}

enum err domain_restriction_set(struct domain_ctx *ctx, const char *client, const char *basis)
{
	char detail[32];
	int64_t id = 0;
	enum err e;

	if (!restriction_basis_ok(basis)) {
		ctx->message = "basis must be accuracy, unlawful, legal-claims or objection";
		return ERR_INVAL;
	}
	e = staff_client(ctx, client, AUDIT_RESTRICT_SET, &id);
	if (e != ERR_OK)
		return e;
	e = store_restriction_set(ctx->store, id, basis, ctx->actor_id, ctx->now);
	if (e == ERR_CONFLICT)
		ctx->message = "the record is restricted already";
	snprintf(detail, sizeof detail, "basis=%s", basis);
	return finish(ctx, e, AUDIT_RESTRICT_SET, id, "client", client, detail);
}

enum err domain_restricted(struct domain_ctx *ctx, int64_t client_id, int *yes)
{
	char basis[16] = "";
	enum err e = store_restriction_get(ctx->store, client_id, basis);

	*yes = e == ERR_OK && basis[0] != '\0';
	return e;
}

enum err domain_restriction_lift(struct domain_ctx *ctx, const char *client)
{
	int64_t id = 0;
	enum err e = staff_client(ctx, client, AUDIT_RESTRICT_LIFT, &id);

	if (e != ERR_OK)
		return e;
	e = store_restriction_clear(ctx->store, id);
	if (e == ERR_NOTFOUND) {
		ctx->message = "the record is not restricted";
		e = ERR_CONFLICT;
	}
	return finish(ctx, e, AUDIT_RESTRICT_LIFT, id, "client", client, "");
}
