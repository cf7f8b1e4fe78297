/*
 * app.c - per-request set-up shared by every handler: a database
 * connection, the vault under a read lock, the actor and the clock; and
 * adopting a rotated master key without a restart.
 *
 * Rotation (confidant keys rotate) re-wraps client keys under a new master
 * key and leaves a successor link (the new key wrapped by the old one). A
 * running server notices the new version in meta and follows the links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/identity.h"

enum err app_init(struct app *app, struct store_pool *pool, struct vault *vault)
{
	app->pool = pool;
	app->vault = vault;
	app->reminders = NULL;
	if (pthread_rwlock_init(&app->vault_lock, NULL) != 0)
		return ERR_NOMEM;
	return ERR_OK;
}

void app_cleanup(struct app *app)
{
	pthread_rwlock_destroy(&app->vault_lock);
}

/* db_master_version - the master version the database is on. */
static uint32_t db_master_version(struct store *s)
{
	char *v = NULL;
	uint32_t n = 0;

	if (store_meta_get(s, "master_version", &v) == ERR_OK)
		n = (uint32_t)strtoul(v, NULL, 10);
	free(v);
	return n;
}

/* adopt - follow successor links up to version want. Caller holds the
 * write lock. */
static enum err adopt(struct app *app, struct store *s, uint32_t want)
{
	struct vault_wrap w[STORE_KEYRING_MAX];
	size_t n = 0, i;
	enum err e;
	int moved;

	e = store_keyring_load(s, w, STORE_KEYRING_MAX, &n);
	if (e != ERR_OK)
		return e;
	do {
		moved = 0;
		for (i = 0; i < n; i++) {
			if (w[i].kind != VAULT_WRAP_SUCCESSOR ||
			    w[i].master_version != vault_version(app->vault) + 1)
				continue;
			e = vault_adopt(app->vault, &w[i]);
			if (e != ERR_OK)
				return e;
			log_info("vault adopted master_version=%u", vault_version(app->vault));
			moved = 1;
		}
	} while (moved && vault_version(app->vault) < want);
	return vault_version(app->vault) == want ? ERR_OK : ERR_CRYPTO;
}

/* The connection a request's gate took and holds for its handler: the
 * handler's first api_begin gets it (with the gate's read snapshot, when
 * one is still open), its api_end gives it back to the pool, and
 * api_release gives it back if no api_begin came. Per thread: a request's
 * gate, handler and release run on one thread, one call after the other;
 * rq tells this request from a context a handler makes up itself. */
struct hold {
	const struct http_request *rq; /* the request it is held for, or NULL */
	struct store *store;           /* the connection, or NULL */
	int lent;                      /* a handler's api_begin has it now */
	uint32_t version;              /* the vault's master version when the gate ended */
};
static _Thread_local struct hold held;

/* hold_drop - give the held connection (if any) back to the pool. */
static void hold_drop(struct app *app)
{
	if (held.store != NULL)
		store_pool_give(app->pool, held.store);
	memset(&held, 0, sizeof held);
}

/* begin_on - the vault (read lock) for a request on connection s, adopting
 * a rotated master key first if the database has moved on. seen non-zero:
 * s still reads in the snapshot where the gate found the vault at version
 * seen, so the version is not read again; unless the vault has followed a
 * rotation since, when that snapshot may hold keys wrapped under a master
 * key the vault no longer has: it is ended, and the version read anew. */
static enum err begin_on(struct app *app, const struct http_request *rq, struct store *s,
                         uint32_t seen, struct domain_ctx *ctx)
{
	uint32_t want = 0;
	enum err e = ERR_OK;

	if (seen == 0)
		want = db_master_version(s);
	pthread_rwlock_rdlock(&app->vault_lock);
	if (seen != 0 && vault_version(app->vault) != seen) {
		pthread_rwlock_unlock(&app->vault_lock);
		store_snapshot_end(s);
		want = db_master_version(s);
		pthread_rwlock_rdlock(&app->vault_lock);
	}
	if (want > vault_version(app->vault)) {
		pthread_rwlock_unlock(&app->vault_lock);
		pthread_rwlock_wrlock(&app->vault_lock);
		if (want > vault_version(app->vault))
			e = adopt(app, s, want);
		pthread_rwlock_unlock(&app->vault_lock);
		if (e != ERR_OK) {
			log_error("vault cannot follow rotation err=%s", err_name(e));
			return e;
		}
		pthread_rwlock_rdlock(&app->vault_lock);
	}
	domain_ctx_system(ctx, s, app->vault);
	ctx->actor = "anonymous";
	ctx->role_name = "anonymous";
	ctx->actor_id = -1; /* never the system's 0 */
	ctx->request_id = rq->request_id;
	ctx->source = rq->remote_addr != NULL ? rq->remote_addr : "";
	ctx->purpose = "";
	if (rq->principal != NULL)
		domain_ctx_from(ctx, rq->principal);
	return ERR_OK;
}

enum err api_begin(struct app *app, const struct http_request *rq, struct domain_ctx *ctx)
{
	struct store *s;
	uint32_t seen = 0;
	enum err e;

	if (held.store != NULL && held.rq == rq && !held.lent) {
		s = held.store;
		held.lent = 1;
		/* Still in the gate's snapshot: the version checked there holds. */
		if (store_snapshot_open(s))
			seen = held.version;
	} else {
		s = store_pool_take(app->pool);
	}
	e = begin_on(app, rq, s, seen, ctx);
	if (e != ERR_OK) {
		if (held.lent && held.store == s)
			hold_drop(app);
		else
			store_pool_give(app->pool, s);
	}
	return e;
}

void api_end(struct app *app, struct domain_ctx *ctx)
{
	pthread_rwlock_unlock(&app->vault_lock);
	if (held.lent && held.store == ctx->store)
		hold_drop(app); /* the handler is done with the database */
	else
		store_pool_give(app->pool, ctx->store);
	ctx->store = NULL;
	ctx->vault = NULL;
}

/* ---- the session gate ------------------------------------------------------ */

enum err api_authorize(struct app *app, struct http_request *rq, struct http_response *rs)
{
	const struct route *r = rq->route;
	struct principal *p;
	struct domain_ctx ctx;
	struct store *s;
	int hold;
	enum err e;

	if (held.store != NULL) { /* never: a request not released */
		log_error("api: a held connection was not released");
		hold_drop(app);
	}
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return ERR_NOMEM;
	/* One connection for the gate and the handler; a GET reads the master
	 * version, its session and its data in one snapshot. Streamed request
	 * bodies keep the principal across calls: they take their own. */
	hold = (r->flags & ROUTE_STREAM) == 0;
	s = store_pool_take(app->pool);
	if (hold && rq->method == HTTP_GET)
		(void)store_snapshot_begin(s); /* failing that, reads open their own */
	e = begin_on(app, rq, s, 0, &ctx);
	if (e != ERR_OK) {
		store_pool_give(app->pool, s);
		free(p);
		return e;
	}
	e = domain_session_check(&ctx, http_request_cookie(rq, API_COOKIE), rq->method != HTTP_GET,
	                         http_request_header(rq, "X-CSRF-Token"), p);
	if (e == ERR_AUTH) {
		rs->message = "Sign in first (the session is missing, ended or timed out).";
		snprintf(rs->set_cookie, sizeof rs->set_cookie,
		         "%s=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0", API_COOKIE);
	} else if (e == ERR_DENIED) {
		rs->message = "The X-CSRF-Token header is missing or wrong.";
	} else if (e == ERR_OK && (p->role & r->roles) == 0) {
		rs->message = "Your role does not allow this.";
		e = ERR_DENIED;
	} else if (e == ERR_OK && p->pending && (r->flags & ROUTE_PENDING) == 0) {
		rs->message = p->must_change ? "Change your one-time password first."
		                             : "Set up two-step sign-in first.";
		e = ERR_DENIED;
	} else if (e == ERR_OK && (r->flags & ROUTE_REAUTH) != 0) {
		domain_ctx_from(&ctx, p);
		e = domain_recent_auth(&ctx, p);
		if (e != ERR_OK)
			rs->message = ctx.message;
	}
	if (e == ERR_DENIED && p->user.id != 0) {
		domain_ctx_from(&ctx, p);
		domain_audit_refusal(&ctx, (enum audit_event)r->audit_event, 0, ERR_DENIED);
	}
	if (e == ERR_OK && hold) {
		held.rq = rq;
		held.store = s;
		held.lent = 0;
		held.version = vault_version(app->vault); /* under the read lock */
	}
	pthread_rwlock_unlock(&app->vault_lock);
	if (e != ERR_OK || !hold)
		store_pool_give(app->pool, s);
	if (e != ERR_OK) {
		mem_wipe(p, sizeof *p);
		free(p);
		return e;
	}
	rq->principal = p;
	return ERR_OK;
}

void api_release(struct app *app, struct http_request *rq)
{
	if (held.rq == rq)
		hold_drop(app); /* the handler never took it, or failed first */
	if (rq->principal != NULL) {
		mem_wipe(rq->principal, sizeof(struct principal));
		free(rq->principal);
		rq->principal = NULL;
	}
}
