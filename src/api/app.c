/*
 * app.c - per-request set-up shared by every handler: a database
 * connection, the vault under a read lock, the actor and the clock; and
 * adopting a rotated master key without a restart.
 *
 * Rotation (confidant keys rotate) re-wraps client keys under a new master
 * key and leaves a successor link (the new key wrapped by the old one). A
 * running server notices the new version in meta and follows the links.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"

enum err app_init(struct app *app, struct store_pool *pool, struct vault *vault)
{
	app->pool = pool;
	app->vault = vault;
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

enum err api_begin(struct app *app, const struct http_request *rq, struct domain_ctx *ctx)
{
	struct store *s = store_pool_take(app->pool);
	uint32_t want;
	enum err e = ERR_OK;

	want = db_master_version(s);
	pthread_rwlock_rdlock(&app->vault_lock);
	if (want > vault_version(app->vault)) {
		pthread_rwlock_unlock(&app->vault_lock);
		pthread_rwlock_wrlock(&app->vault_lock);
		if (want > vault_version(app->vault))
			e = adopt(app, s, want);
		pthread_rwlock_unlock(&app->vault_lock);
		if (e != ERR_OK) {
			log_error("vault cannot follow rotation err=%s", err_name(e));
			store_pool_give(app->pool, s);
			return e;
		}
		pthread_rwlock_rdlock(&app->vault_lock);
	}
	memset(ctx, 0, sizeof *ctx);
	ctx->store = s;
	ctx->vault = app->vault;
	ctx->actor = "dev"; /* the identity work replaces this with the session's user */
	ctx->request_id = rq->request_id;
	ctx->now = domain_now();
	return ERR_OK;
}

void api_end(struct app *app, struct domain_ctx *ctx)
{
	pthread_rwlock_unlock(&app->vault_lock);
	store_pool_give(app->pool, ctx->store);
	ctx->store = NULL;
	ctx->vault = NULL;
}
