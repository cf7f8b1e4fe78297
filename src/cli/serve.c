/*
 * serve.c - `confidant serve`: unlock the practice and serve HTTPS until
 * SIGINT or SIGTERM. The first line on stdout says where it listens (tests
 * and scripts read it; use --listen 127.0.0.1:0 for a free port).
 */
#include <arpa/inet.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/log.h"
#include "domain/attachments.h"
#include "http/http.h"

#ifndef CONFIDANT_WEB_DIR
#define CONFIDANT_WEB_DIR "web"
#endif

static const char usage[] =
        "usage: confidant serve --data DIR [options]\n"
        "\n"
        "Serve the practice in DIR over HTTPS until interrupted (Ctrl-C or\n"
        "SIGTERM). The master key is unlocked with --keyfile, or the passphrase\n"
        "in CONFIDANT_PASSPHRASE, or one typed at the terminal.\n"
        "\n"
        "options:\n"
        "  --data DIR          the practice's data directory (required)\n"
        "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8443; port 0\n"
        "                      picks a free one; [::1]:8443 for IPv6)\n"
        "  --keyfile FILE      unlock with this key file\n"
        "  --threads N         worker threads (default: 4 per CPU, at least 8)\n"
        "  --web DIR           the browser app's files (default " CONFIDANT_WEB_DIR ")\n"
        "  --reminders-every S send due reminders every S seconds (default 60; 0: never)\n"
        "\n"
        "Every route that touches records needs a signed-in session: sign in with\n"
        "POST /api/v1/auth/login (see docs/api.md) or the web app.\n";

/* parse_listen - "ADDR:PORT" or "[V6]:PORT" into addr (static) and port. */
static enum err parse_listen(const char *s, char *addr, size_t size, uint16_t *port)
{
	const char *colon;
	size_t n;
	unsigned long p;
	char *end;
	unsigned char tmp[16];

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return ERR_INVAL;
		n = (size_t)(close - s - 1);
		if (n >= size)
			return ERR_INVAL;
		memcpy(addr, s + 1, n);
		addr[n] = '\0';
		colon = close + 1;
		if (inet_pton(AF_INET6, addr, tmp) != 1)
			return ERR_INVAL;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return ERR_INVAL;
		n = (size_t)(colon - s);
		if (n >= size)
			return ERR_INVAL;
		memcpy(addr, s, n);
		addr[n] = '\0';
		if (strcmp(addr, "localhost") == 0)
			memcpy(addr, "127.0.0.1", 10);
		if (inet_pton(AF_INET, addr, tmp) != 1)
			return ERR_INVAL;
	}
	p = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || p > 65535)
		return ERR_INVAL;
	*port = (uint16_t)p;
	return ERR_OK;
}

/* serve_sweep_uploads - delete the rows of uploads a crash interrupted
 * (no request runs yet, so every pending upload is dead). */
static void serve_sweep_uploads(struct store *s, const struct vault *v)
{
	struct domain_ctx ctx;
	int64_t n = 0;

	domain_ctx_system(&ctx, s, v);
	if (domain_attachment_sweep(&ctx, &n) == ERR_OK && n > 0)
		log_info("serve removed unfinished uploads count=%lld", (long long)n);
}

int cli_serve(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0}, {"listen", 1, 0},          {"keyfile", 1, 0}, {"threads", 1, 0},
	        {"web", 1, 0},  {"reminders-every", 1, 0}, {0, 0, 0},
	};
	char addr[64], db[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
	struct store *s = NULL;
	struct vault *v = NULL;
	struct store_pool *pool = NULL;
	struct http_server *srv = NULL;
	struct erasure_timer *timer = NULL;
	struct cli_sender *sender = NULL;
	unsigned long every = 60;
	struct http_config cfg;
	struct app app;
	int app_ready = 0, rc = 1, sig;
	const char *dir, *listen, *web;
	unsigned threads = 0;
	uint16_t port = 8443;
	sigset_t set;
	enum err e;

	rc = cli_start(argc, argv, o, usage);
	if (rc >= 0)
		return rc;
	dir = cli_get(o, "data");
	if (dir == NULL)
		return cli_fail("serve", "--data DIR is required (see --help)");
	listen = cli_get(o, "listen") ? cli_get(o, "listen") : "127.0.0.1:8443";
	if (parse_listen(listen, addr, sizeof addr, &port) != ERR_OK)
		return cli_fail("serve", "--listen must be ADDR:PORT with an IP address, "
		                         "e.g. 127.0.0.1:8443 or [::1]:8443");
	if (cli_get(o, "threads")) {
		char *end;
		unsigned long t = strtoul(cli_get(o, "threads"), &end, 10);

		if (*end != '\0' || t == 0 || t > 256)
			return cli_fail("serve", "--threads must be between 1 and 256");
		threads = (unsigned)t;
	}
	web = cli_get(o, "web") ? cli_get(o, "web") : CONFIDANT_WEB_DIR;
	if (cli_get(o, "reminders-every")) {
		char *end;

		every = strtoul(cli_get(o, "reminders-every"), &end, 10);
		if (*end != '\0' || every > 86400)
			return cli_fail("serve", "--reminders-every must be between 0 and 86400");
	}
	umask(077);
	if (cli_practice_open("serve", dir, cli_get(o, "keyfile"), &s, &v) != ERR_OK)
		return 1;
	serve_sweep_uploads(s, v);
	/* An erased client never comes back: not with a restored backup, not
	 * after a crash between the ledger line and the erasure's commit. */
	rc = 1; /* the exit status of every failure from here on */
	if (cli_erasure_ledger_setup(dir) != ERR_OK ||
	    cli_erasure_reapply("serve", s, v) != ERR_OK) {
		store_close(s);
		goto out;
	}
	store_close(s);
	s = NULL;
	if (cli_path(db, sizeof db, dir, STORE_DB_NAME) != ERR_OK ||
	    cli_path(cert, sizeof cert, dir, "tls/cert.pem") != ERR_OK ||
	    cli_path(key, sizeof key, dir, "tls/key.pem") != ERR_OK) {
		cli_fail("serve", "--data path is too long");
		goto out;
	}
	if (threads == 0) {
		/* Handlers block on the database and on group commit, so more
		 * threads than CPUs keep the CPUs busy and let commits batch. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n * 4 : 8;
		if (threads < 8)
			threads = 8;
	}
	e = store_pool_new(db, threads * 2, &pool);
	if (e != ERR_OK) {
		cli_fail("serve", "cannot open the database (%s)", err_name(e));
		goto out;
	}
	api_json_init();
	{
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		/* At most one Argon2id per CPU: a sign-in flood cannot starve others. */
		auth_hash_cap_init(n > 0 ? (unsigned)n : 2);
	}
	if (app_init(&app, pool, v) != ERR_OK)
		goto out;
	app_ready = 1;
	app.reminders = cli_reminder_transport();
	/* Handle signals on this thread only: block them before threads start. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	memset(&cfg, 0, sizeof cfg);
	cfg.listen_addr = addr;
	cfg.port = port;
	cfg.cert_path = cert;
	cfg.key_path = key;
	cfg.web_root = web;
	cfg.threads = threads;
	cfg.authorize = api_authorize;
	cfg.release = api_release;
	cfg.routes = api_routes;
	cfg.nroutes = api_route_count;
	cfg.app = &app;
	e = http_server_start(&cfg, &srv);
	if (e != ERR_OK) {
		if (e == ERR_IO)
			cli_fail("serve",
			         "cannot listen on %s or read the TLS files in %s/tls "
			         "(port in use? permissions?)",
			         listen, dir);
		else
			cli_fail("serve", "cannot start the server (%s)", err_name(e));
		goto out;
	}
	if (cli_erasure_timer_start(&app, &timer) != ERR_OK) {
		cli_fail("serve", "cannot start the erasure timer");
		goto out;
	}
	printf("confidant: serving https://%s%s%s:%u/ (practice %s)\n",
	       strchr(addr, ':') ? "[" : "", strcmp(addr, "127.0.0.1") == 0 ? "localhost" : addr,
	       strchr(addr, ':') ? "]" : "", http_server_port(srv), dir);
	fflush(stdout);
	if (every > 0 && cli_sender_start(&app, (unsigned)every, &sender) != ERR_OK)
		log_error("serve cannot start the reminder sender");
	sigwait(&set, &sig);
	log_info("serve stopping signal=%d", sig);
	rc = 0;
out:
	cli_erasure_timer_stop(timer);
	cli_sender_stop(sender);
	http_server_stop(srv);
	if (app_ready)
		app_cleanup(&app);
	store_pool_free(pool);
	vault_free(v);
	return rc;
}
