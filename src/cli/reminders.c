/*
 * reminders.c - the reminder sender outside HTTP: `confidant reminders
 * run` (one pass, then exit) and the background sender of `confidant
 * serve` (a pass every few seconds on the domain clock), both through the
 * transport that wires domain/reminders.h to src/notify/ (SMTP and the SMS
 * gateway). Never: prints an address, a number or a message.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/log.h"
#include "domain/reminders.h"
#include "notify/notify.h"

/* send - the transport: email through SMTP, SMS through the gateway. */
static enum err send(void *self, const struct reminder_outbound *m, const char **cls)
{
	(void)self;
	if (m->channel == REMINDER_SMS) {
		struct notify_sms s = {m->sms_url, m->sms_token, m->to, m->text};

		return notify_sms_send(&s, cls);
	} else {
		struct notify_mail e = {m->smtp_host, m->smtp_port,     m->smtp_security,
		                        m->smtp_from, m->smtp_username, m->smtp_password,
		                        m->to,        m->subject,       m->text,
		                        m->now};

		return notify_smtp_send(&e, cls);
	}
}

static const struct reminder_transport transport = {send, NULL};

const struct reminder_transport *cli_reminder_transport(void)
{
	return &transport;
}

static const char usage[] =
        "usage: confidant reminders run --data DIR [--keyfile FILE]\n"
        "\n"
        "Send the appointment reminders that are due now (one pass), by email\n"
        "and SMS as the practice's settings configure them, and exit. `confidant\n"
        "serve` does the same in the background. Prints counts only.\n";

int cli_reminders_run(int argc, char **argv)
{
	struct cli_opt o[] = {{"data", 1, 0}, {"keyfile", 1, 0}, {0, 0, 0}};
	struct reminder_stats st;
	struct domain_ctx ctx;
	struct store *s = NULL;
	struct vault *v = NULL;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, usage);
	if (rc >= 0)
		return rc;
	if (cli_get(o, "data") == NULL)
		return cli_fail("reminders run", "--data DIR is required (see --help)");
	if (cli_practice_open("reminders run", cli_get(o, "data"), cli_get(o, "keyfile"), &s, &v) !=
	    ERR_OK)
		return 1;
	domain_ctx_system(&ctx, s, v);
	e = domain_reminders_run(&ctx, &transport, &st);
	vault_free(v);
	store_close(s);
	if (e != ERR_OK)
		return cli_fail("reminders run", "the pass stopped (%s); what was sent is recorded",
		                err_name(e));
	printf("reminders: considered %zu, sent %zu, failed %zu, skipped %zu\n", st.considered,
	       st.sent, st.failed, st.skipped);
	return 0;
}

/* ---- the background sender ----------------------------------------------- */

struct cli_sender {
	struct app *app;      /* the server's pool and vault */
	unsigned every;       /* seconds between passes */
	pthread_t thread;     /* the sender */
	pthread_mutex_t lock; /* guards stop */
	pthread_cond_t wake;  /* signalled to stop */
	int stop;             /* non-zero: finish */
};

static void pass(struct app *app)
{
	struct reminder_stats st;
	struct domain_ctx ctx;
	struct store *s = store_pool_take(app->pool);
	enum err e;

	pthread_rwlock_rdlock(&app->vault_lock);
	domain_ctx_system(&ctx, s, app->vault);
	e = domain_reminders_run(&ctx, &transport, &st);
	pthread_rwlock_unlock(&app->vault_lock);
	store_pool_give(app->pool, s);
	if (e != ERR_OK)
		log_error("reminders pass failed err=%s", err_name(e));
	else if (st.sent + st.failed + st.skipped > 0)
		log_info("reminders sent=%zu failed=%zu skipped=%zu", st.sent, st.failed,
		         st.skipped);
}

static void *run(void *arg)
{
	struct cli_sender *c = arg;
	struct timespec until;
	int stop;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += c->every;
		while (!c->stop && pthread_cond_timedwait(&c->wake, &c->lock, &until) == 0)
			;
		stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;
		pass(c->app);
	}
	return NULL;
}

enum err cli_sender_start(struct app *app, unsigned every, struct cli_sender **out)
{
	struct cli_sender *c = calloc(1, sizeof *c);

	if (c == NULL)
		return ERR_NOMEM;
	c->app = app;
	c->every = every;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (pthread_create(&c->thread, NULL, run, c) != 0) {
		pthread_cond_destroy(&c->wake);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return ERR_NOMEM;
	}
	*out = c;
	return ERR_OK;
}

void cli_sender_stop(struct cli_sender *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
