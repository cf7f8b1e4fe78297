/*
 * pnotes.c - psychotherapy notes and author keys (see pnotes.h and
 * docs/design/psychotherapy-notes.md). Argon2id runs outside any
 * transaction and under the password-hash cap, like sign-in's.
 * Never: writes note text or a key into an event, a message or a log;
 * answers anyone but the author (or a supervisor the note is shared with)
 * with anything but "not found".
 */
#include "domain/pnotes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session_keys.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/identity.h"
#include "vault/author.h"

static const char need_reauth[] =
        "Re-authenticate to open psychotherapy notes (POST /api/v1/auth/reauth; after a "
        "password reset, with a recovery code).";

/* is_author_role - clinicians and supervisors write psychotherapy notes. */
static int is_author_role(const char *role)
{
	return strcmp(role, "clinician") == 0 || strcmp(role, "supervisor") == 0;
}

/* password_kek - Argon2id under the hash cap. */
static enum err password_kek(struct vault_key *kek, const char *pw, const struct author_key_row *r)
{
	enum err e = auth_hash_slot_take(IDENTITY_HASH_WAIT_MS);

	if (e != ERR_OK)
		return ERR_BUSY;
	e = vault_author_kek_password(kek, pw, strlen(pw), r->salt, r->opslimit, r->memlimit);
	auth_hash_slot_give();
	return e;
}

/* wrap_password - r's password wrap becomes ak under pw (a fresh salt). */
static enum err wrap_password(struct author_key_row *r, const struct vault_key *ak,
                              struct vault_key *kek, const char *pw)
{
	enum err e;

	vault_random(r->salt, sizeof r->salt);
	r->opslimit = VAULT_AUTHOR_OPSLIMIT;
	r->memlimit = VAULT_AUTHOR_MEMLIMIT;
	e = password_kek(kek, pw, r);
	if (e == ERR_OK)
		e = vault_author_wrap(r->pw_wrap, ak, kek, r->user_id, VAULT_AUTHOR_PASSWORD);
	return e;
}

/* read_row - u's author key row in a short read transaction. */
static enum err read_row(struct domain_ctx *ctx, int64_t user_id, struct author_key_row *r)
{
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_author_key_get(ctx->store, user_id, r);
	store_end_read(ctx->store);
	return e;
}

/* write_row - store r (create: a new row) and, when hash is not NULL,
 * forget that code's wrap; one transaction. */
static enum err write_row(struct domain_ctx *ctx, const struct author_key_row *r, int create,
                          const unsigned char *hash)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_author_key_put(ctx->store, r, create, ctx->now);
	if (e == ERR_OK && hash != NULL)
		e = store_author_recovery_delete(ctx->store, r->user_id, hash);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}

enum err domain_author_key_unlock(struct domain_ctx *ctx, const struct user_auth *u,
                                  const char *session, int64_t expires_at, const char *password,
                                  const char *code)
{
	struct vault_key *ak = vault_key_new(), *kek = vault_key_new();
	unsigned char wrap[VAULT_WRAPPEDBYTES];
	struct recovery_secret rs;
	struct author_key_row r;
	enum err e;

	memset(&r, 0, sizeof r);
	if (ak == NULL || kek == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	if (!is_author_role(u->role)) {
		e = ERR_OK;
		goto out;
	}
	e = read_row(ctx, u->id, &r);
	if (e == ERR_NOTFOUND) {
		/* The first sign-in since psychotherapy notes exist: a new key. */
		r.user_id = u->id;
		vault_author_key_new(ak);
		e = vault_author_box_new(r.box_public, r.box_sealed, ak, u->id);
		if (e == ERR_OK)
			e = wrap_password(&r, ak, kek, password);
		if (e == ERR_OK)
			e = write_row(ctx, &r, 1, NULL);
		goto hold;
	}
	if (e != ERR_OK)
		goto out;
	e = password_kek(kek, password, &r);
	if (e == ERR_OK)
		e = vault_author_unwrap(ak, r.pw_wrap, kek, u->id, VAULT_AUTHOR_PASSWORD);
	memset(&rs, 0, sizeof rs);
	if (e == ERR_CRYPTO && domain_recovery_derive(ctx, u->id, code, &rs) == ERR_OK) {
		/* The password changed without the key (an owner's reset): the
		 * recovery code just used opens it, then the password wraps it
		 * again and that code's wrap goes, as the code has. */
		e = store_begin_read(ctx->store);
		if (e == ERR_OK) {
			e = store_author_recovery_find(ctx->store, u->id, rs.hash, wrap);
			store_end_read(ctx->store);
		}
		vault_author_kek_code(kek, u->id, (const char *)rs.secret, rs.len);
		if (e == ERR_OK)
			e = vault_author_unwrap(ak, wrap, kek, u->id, VAULT_AUTHOR_RECOVERY);
		if (e == ERR_OK)
			e = wrap_password(&r, ak, kek, password);
		if (e == ERR_OK)
			e = write_row(ctx, &r, 0, rs.hash);
		if (e == ERR_OK)
			log_info("author key recovered with a recovery code user=%s", u->public_id);
	}
hold:
	if (e == ERR_OK)
		e = auth_session_key_put(session, u->id, expires_at, ctx->now, ak);
	if (e != ERR_OK)
		log_warn("author key not opened user=%s err=%s", u->public_id, err_name(e));
out:
	mem_wipe(&rs, sizeof rs);
	mem_wipe(&r, sizeof r);
	vault_key_free(ak);
	vault_key_free(kek);
	return e;
}

void domain_author_key_rewrap_prepare(struct domain_ctx *ctx, int64_t user_id, const char *session,
                                      int64_t expires_at, const char *current, const char *next,
                                      struct author_rewrap *out)
{
	struct vault_key *ak = vault_key_new(), *kek = vault_key_new();
	enum err e;

	memset(out, 0, sizeof *out);
	if (ak == NULL || kek == NULL)
		goto out;
	if (read_row(ctx, user_id, &out->row) != ERR_OK)
		goto out;
	e = auth_session_key_get(session, user_id, ctx->now, ak);
	if (e != ERR_OK) {
		e = password_kek(kek, current, &out->row);
		if (e == ERR_OK)
			e = vault_author_unwrap(ak, out->row.pw_wrap, kek, user_id,
			                        VAULT_AUTHOR_PASSWORD);
	}
	if (e == ERR_OK)
		e = wrap_password(&out->row, ak, kek, next);
	if (e == ERR_OK)
		e = auth_session_key_put(session, user_id, expires_at, ctx->now, ak);
	if (e == ERR_OK)
		out->ready = 1;
	else
		log_warn("author key not re-wrapped at password change err=%s", err_name(e));
out:
	vault_key_free(ak);
	vault_key_free(kek);
}

enum err domain_author_key_rewrap_store(struct domain_ctx *ctx, struct author_rewrap *rw)
{
	enum err e = ERR_OK;

	if (rw->ready)
		e = store_author_key_put(ctx->store, &rw->row, 0, ctx->now);
	mem_wipe(rw, sizeof *rw);
	return e;
}

enum err domain_author_recovery_set(struct domain_ctx *ctx, int64_t user_id, const char *session,
                                    const struct recovery_secret *codes, size_t n)
{
	unsigned char(*wraps)[VAULT_WRAPPEDBYTES] = NULL;
	unsigned char(*hashes)[32] = NULL;
	struct vault_key *ak = vault_key_new(), *kek = vault_key_new();
	struct author_key_row r;
	size_t i, k = 0;
	enum err e;

	if (ak == NULL || kek == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	e = store_author_key_get(ctx->store, user_id, &r);
	if (e == ERR_NOTFOUND) {
		e = ERR_OK; /* not an author: nothing to wrap */
		goto out;
	}
	if (e != ERR_OK)
		goto out;
	if (auth_session_key_get(session, user_id, ctx->now, ak) == ERR_OK) {
		wraps = mem_calloc_array(n, sizeof *wraps);
		hashes = mem_calloc_array(n, sizeof *hashes);
		if (wraps == NULL || hashes == NULL) {
			e = ERR_NOMEM;
			goto out;
		}
		for (i = 0; e == ERR_OK && i < n; i++) {
			memcpy(hashes[i], codes[i].hash, sizeof hashes[i]);
			vault_author_kek_code(kek, user_id, (const char *)codes[i].secret,
			                      codes[i].len);
			e = vault_author_wrap(wraps[i], ak, kek, user_id, VAULT_AUTHOR_RECOVERY);
		}
		k = n;
	} else {
		log_warn("recovery codes made without the author key held user_id=%lld",
		         (long long)user_id);
	}
	if (e == ERR_OK)
		e = store_author_recovery_replace(
		        ctx->store, user_id, (const unsigned char(*)[32])hashes,
		        (const unsigned char(*)[VAULT_WRAPPEDBYTES])wraps, k);
out:
	free(hashes);
	if (wraps != NULL) {
		mem_wipe(wraps, n * sizeof *wraps);
		free(wraps);
	}
	vault_key_free(ak);
	vault_key_free(kek);
	return e;
}

/* ---- notes ------------------------------------------------------------------ */

/* refuse - the audited "not found" everyone but the author gets. */
static enum err refuse(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id)
{
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* reaches - is the actor a clinician or supervisor who reaches the client? */
static enum err reaches(struct domain_ctx *ctx, int64_t client_id, int *yes)
{
	*yes = 0;
	if (ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR)
		return ERR_OK;
	return domain_reaches_client(ctx, client_id, yes);
}

/* author_key - the actor's author key held for this session. */
static enum err author_key(struct domain_ctx *ctx, struct vault_key *ak)
{
	if (auth_session_key_get(ctx->session, ctx->actor_id, ctx->now, ak) == ERR_OK)
		return ERR_OK;
	ctx->message = need_reauth;
	return ERR_DENIED;
}

/* body_ok - text present, not too long. */
static enum err body_ok(struct domain_ctx *ctx, const char *body)
{
	size_t n = body != NULL ? strlen(body) : 0;

	if (n == 0 || n > PNOTE_BODY_MAX) {
		ctx->message = "body is required: the note's text, at most 65536 bytes";
		return n == 0 ? ERR_INVAL : ERR_TOOBIG;
	}
	return ERR_OK;
}

/* finish - emit ev and commit, or roll back; a refusal that got this far
 * (no key, a seal that does not open) is audited on its own. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t client_id,
                       const char *object_id, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, client_id, object_id ? "psychotherapy_note" : "client",
		                object_id ? object_id : "", detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_DENIED || e == ERR_CRYPTO)
			domain_audit_refusal(ctx, ev, client_id, e);
	}
	return e;
}

enum err domain_pnote_create(struct domain_ctx *ctx, const char *client_public_id, const char *body,
                             struct pnote *out)
{
	struct vault_key *ak = vault_key_new();
	struct pnote n;
	int64_t cid = 0;
	int yes = 0;
	enum err e;

	memset(&n, 0, sizeof n);
	if (ak == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		goto out;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = reaches(ctx, cid, &yes);
	if (e == ERR_NOTFOUND || (e == ERR_OK && !yes)) {
		store_rollback(ctx->store);
		e = refuse(ctx, AUDIT_PNOTE_CREATE, cid);
		goto out;
	}
	if (e == ERR_OK)
		e = body_ok(ctx, body);
	if (e == ERR_OK)
		e = author_key(ctx, ak);
	if (e == ERR_OK) {
		n.client_id = cid;
		n.author_id = ctx->actor_id;
		n.body = mem_strdup(body);
		e = n.body != NULL ? ERR_OK : ERR_NOMEM;
	}
	if (e == ERR_OK)
		e = store_pnote_create(ctx->store, ctx->vault, ak, &n, ctx->now);
	if (e == ERR_OK) {
		snprintf(n.client_public_id, sizeof n.client_public_id, "%s", client_public_id);
		snprintf(n.author_public_id, sizeof n.author_public_id, "%s", ctx->actor);
	}
	e = finish(ctx, e, AUDIT_PNOTE_CREATE, cid, e == ERR_OK ? n.public_id : NULL, "");
	if (e == ERR_OK) {
		*out = n;
		memset(&n, 0, sizeof n);
	}
out:
	pnote_cleanup(&n);
	vault_key_free(ak);
	return e;
}

enum err domain_pnote_list(struct domain_ctx *ctx, const char *client_public_id, struct pnote *out,
                           size_t max, size_t *n)
{
	char detail[32];
	int64_t cid = 0;
	size_t k = 0, i;
	int yes = 0;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = reaches(ctx, cid, &yes);
	if (e == ERR_NOTFOUND || (e == ERR_OK && !yes)) {
		store_rollback(ctx->store);
		return refuse(ctx, AUDIT_PNOTE_LIST, cid);
	}
	if (e == ERR_OK)
		e = store_pnote_list(ctx->store, cid, ctx->actor_id, out, max, &k);
	snprintf(detail, sizeof detail, "count=%zu", k);
	e = finish(ctx, e, AUDIT_PNOTE_LIST, cid, NULL, detail);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			pnote_cleanup(&out[i]);
		return e;
	}
	*n = k;
	return ERR_OK;
}

/* load - begin the operation's transaction and read note public_id for
 * ev, if the actor may read it (write: only the author). On any failure the
 * transaction is rolled back; a refusal is audited and answers
 * ERR_NOTFOUND. */
static enum err load(struct domain_ctx *ctx, const char *public_id, int write, enum audit_event ev,
                     struct pnote *n)
{
	int yes = 0, shared = 0, supervises = 0;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_pnote_get(ctx->store, public_id, n);
	if (e == ERR_NOTFOUND) {
		store_rollback(ctx->store);
		return refuse(ctx, ev, 0);
	}
	if (e == ERR_OK)
		e = reaches(ctx, n->client_id, &yes);
	if (e == ERR_OK && yes && n->author_id != ctx->actor_id) {
		yes = 0;
		if (!write && ctx->role == ROLE_SUPERVISOR) {
			e = store_pnote_shared(ctx->store, n->id, ctx->actor_id, &shared);
			if (e == ERR_OK && shared)
				e = store_supervises(ctx->store, ctx->actor_id, n->author_id,
				                     &supervises);
			yes = shared && supervises;
		}
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (!yes) {
		store_rollback(ctx->store);
		return refuse(ctx, ev, n->client_id);
	}
	return ERR_OK;
}

enum err domain_pnote_get(struct domain_ctx *ctx, const char *public_id, struct pnote *out,
                          char (*shares)[33], size_t max_shares, size_t *nshares)
{
	struct vault_key *ak = vault_key_new();
	struct pnote n;
	size_t ns = 0;
	enum err e;

	memset(&n, 0, sizeof n);
	if (ak == NULL)
		return ERR_NOMEM;
	e = load(ctx, public_id, 0, AUDIT_PNOTE_READ, &n);
	if (e != ERR_OK)
		goto out;
	e = author_key(ctx, ak);
	if (e == ERR_OK)
		e = store_pnote_open(ctx->store, ctx->vault, &n, ctx->actor_id, ak);
	if (e == ERR_NOTFOUND)
		e = ERR_CRYPTO; /* a share that vanished mid-way, or a shredded client */
	if (e == ERR_OK && n.author_id == ctx->actor_id)
		e = store_pnote_shares(ctx->store, n.id, shares, max_shares, &ns);
	e = finish(ctx, e, AUDIT_PNOTE_READ, n.client_id, n.public_id,
	           n.author_id == ctx->actor_id ? "author" : "shared");
	if (e == ERR_OK) {
		*out = n;
		*nshares = ns;
		memset(&n, 0, sizeof n);
	}
out:
	pnote_cleanup(&n);
	vault_key_free(ak);
	return e;
}

enum err domain_pnote_update(struct domain_ctx *ctx, const char *public_id, int64_t version,
                             const char *body, struct pnote *out)
{
	struct vault_key *ak = vault_key_new();
	struct pnote n;
	enum err e;

	memset(&n, 0, sizeof n);
	if (ak == NULL)
		return ERR_NOMEM;
	e = load(ctx, public_id, 1, AUDIT_PNOTE_UPDATE, &n);
	if (e != ERR_OK)
		goto out;
	e = body_ok(ctx, body);
	if (e == ERR_OK && version != n.version) {
		ctx->message = "the note changed since it was read; reload it";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = author_key(ctx, ak);
	if (e == ERR_OK)
		e = store_pnote_update(ctx->store, ctx->vault, ak, &n, body, ctx->now);
	if (e == ERR_CONFLICT && ctx->message == NULL)
		ctx->message = "the note changed since it was read; reload it";
	if (e == ERR_OK) {
		n.body = mem_strdup(body);
		if (n.body == NULL)
			e = ERR_NOMEM;
	}
	e = finish(ctx, e, AUDIT_PNOTE_UPDATE, n.client_id, n.public_id, "");
	if (e == ERR_OK) {
		*out = n;
		memset(&n, 0, sizeof n);
	}
out:
	pnote_cleanup(&n);
	vault_key_free(ak);
	return e;
}

enum err domain_pnote_share(struct domain_ctx *ctx, const char *public_id,
                            const char *user_public_id, int on)
{
	enum audit_event ev = on ? AUDIT_PNOTE_SHARE : AUDIT_PNOTE_UNSHARE;
	struct vault_key *ak = vault_key_new();
	struct user_auth sup;
	char detail[48];
	struct pnote n;
	int supervises = 0, no_key = 0;
	enum err e;

	memset(&n, 0, sizeof n);
	memset(&sup, 0, sizeof sup);
	if (ak == NULL)
		return ERR_NOMEM;
	e = load(ctx, public_id, 1, ev, &n);
	if (e != ERR_OK)
		goto out;
	e = store_user_auth_by_public(ctx->store, user_public_id, &sup);
	if (e == ERR_OK && on && strcmp(sup.role, "supervisor") == 0)
		e = store_supervises(ctx->store, sup.id, ctx->actor_id, &supervises);
	/* Unsharing needs no supervision: it may have ended since. */
	if ((e == ERR_OK && on && !supervises) || e == ERR_NOTFOUND) {
		ctx->message = "user_id must be a supervisor who supervises you";
		e = ERR_INVAL;
	}
	if (e == ERR_OK && on)
		e = author_key(ctx, ak);
	if (e == ERR_OK && on) {
		e = store_pnote_share_add(ctx->store, ctx->vault, ak, &n, sup.id, ctx->now,
		                          &no_key);
		if (e == ERR_CONFLICT)
			ctx->message =
			        no_key ? "that supervisor has not signed in since "
			                 "psychotherapy notes were set up; ask them to"
			               : "this note is shared with as many people as it may be";
	} else if (e == ERR_OK) {
		e = store_pnote_share_delete(ctx->store, n.id, sup.id);
		if (e == ERR_NOTFOUND)
			ctx->message = "the note is not shared with that user";
	}
	snprintf(detail, sizeof detail, "user=%s", sup.public_id);
	e = finish(ctx, e, ev, n.client_id, n.public_id, detail);
out:
	mem_wipe(&sup, sizeof sup);
	pnote_cleanup(&n);
	vault_key_free(ak);
	return e;
}
