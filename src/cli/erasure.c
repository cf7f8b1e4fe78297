/*
 * erasure.c - `confidant erasure run-due`, the erasure timer inside
 * `confidant serve`, and re-applying the erasure ledger (after a restore
 * and at start-up).
 *
 * Responsible for: carrying out scheduled erasures once their date passes
 * (the domain clock decides; tests move it) and making sure a restored
 * backup never brings back an erased client. Never: prints or logs PHI
 * (counts only).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/log.h"
#include "domain/erasure.h"
#include "domain/ledger.h"

#define ERASURE_TICK_SECONDS 1 /* how often serve looks for due erasures */

static const char run_due_usage[] =
        "usage: confidant erasure run-due --data DIR [--keyfile FILE]\n"
        "\n"
        "Carry out every scheduled erasure whose retention date has passed and\n"
        "that no legal hold blocks, and re-apply the erasure ledger (DIR/\n"
        "erasure-ledger). `confidant serve` does this by itself every second.\n";

enum err cli_erasure_ledger_setup(const char *dir)
{
	char path[PATH_MAX];
	enum err e = cli_path(path, sizeof path, dir, LEDGER_FILE_NAME);

	if (e == ERR_OK)
		domain_erasure_ledger_path_set(path);
	return e;
}

enum err cli_erasure_reapply(const char *cmd, struct store *s, const struct vault *v)
{
	struct domain_ctx ctx;
	int64_t n = 0;
	enum err e;

	domain_ctx_system(&ctx, s, v);
	e = domain_erasure_ledger_apply(&ctx, &n);
	if (e == ERR_CRYPTO)
		cli_fail(cmd, "the erasure ledger was altered or belongs to another practice; "
		              "restore it from a copy (see docs/data-directory.md)");
	else if (e != ERR_OK)
		cli_fail(cmd, "cannot apply the erasure ledger (%s)", err_name(e));
	else if (n > 0)
		log_info("erasure ledger re-applied clients=%lld", (long long)n);
	return e;
}

int cli_erasure_run_due(int argc, char **argv)
{
	struct cli_opt o[] = {{"data", 1, 0}, {"keyfile", 1, 0}, {0, 0, 0}};
	struct domain_ctx ctx;
	struct store *s = NULL;
	struct vault *v = NULL;
	int64_t done = 0, waiting = 0;
	const char *dir;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, run_due_usage);
	if (rc >= 0)
		return rc;
	dir = cli_get(o, "data");
	if (dir == NULL)
		return cli_fail("erasure run-due", "--data DIR is required (see --help)");
	if (cli_erasure_ledger_setup(dir) != ERR_OK)
		return cli_fail("erasure run-due", "--data path is too long");
	if (cli_practice_open("erasure run-due", dir, cli_get(o, "keyfile"), &s, &v) != ERR_OK)
		return 1;
	rc = 1;
	if (cli_erasure_reapply("erasure run-due", s, v) != ERR_OK)
		goto out;
	domain_ctx_system(&ctx, s, v);
	e = domain_erasure_run_due(&ctx, &done, &waiting);
	if (e != ERR_OK) {
		cli_fail("erasure run-due", "an erasure failed (%s); run it again", err_name(e));
		goto out;
	}
	printf("erasure run-due: %lld carried out, %lld waiting\n", (long long)done,
	       (long long)waiting);
	rc = 0;
out:
	vault_free(v);
	store_close(s);
	return rc;
}

/* ---- the timer inside serve ------------------------------------------------- */

struct erasure_timer {
	struct app *app;      /* pool and vault of the server */
	pthread_t thread;     /* the timer thread */
	pthread_mutex_t lock; /* guards stop */
	pthread_cond_t wake;  /* signalled to stop */
	int stop;             /* non-zero: end the thread */
};

/* tick - one pass, as the system, with a connection and the vault. */
static void tick(struct app *app)
{
	struct http_request rq;
	struct domain_ctx ctx;
	int64_t done = 0, waiting = 0;
	enum err e;

	memset(&rq, 0, sizeof rq);
	if (api_begin(app, &rq, &ctx) != ERR_OK)
		return;
	domain_ctx_system(&ctx, ctx.store, ctx.vault);
	e = domain_erasure_run_due(&ctx, &done, &waiting);
	if (e != ERR_OK)
		log_error("erasure timer err=%s", err_name(e));
	else if (done > 0)
		log_info("erasure timer carried_out=%lld waiting=%lld", (long long)done,
		         (long long)waiting);
	api_end(app, &ctx);
}

static void *timer_main(void *arg)
{
	struct erasure_timer *t = arg;
	struct timespec until;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		pthread_mutex_unlock(&t->lock);
		tick(t->app);
		pthread_mutex_lock(&t->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += ERASURE_TICK_SECONDS;
		while (!t->stop && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

enum err cli_erasure_timer_start(struct app *app, struct erasure_timer **out)
{
	struct erasure_timer *t = calloc(1, sizeof *t);

	if (t == NULL)
		return ERR_NOMEM;
	t->app = app;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	if (pthread_create(&t->thread, NULL, timer_main, t) != 0) {
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return ERR_NOMEM;
	}
	*out = t;
	return ERR_OK;
}

void cli_erasure_timer_stop(struct erasure_timer *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = 1;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
