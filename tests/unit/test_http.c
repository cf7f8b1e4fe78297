/* test_http.c - the routes table (matching, captures, 404 versus 405, the
 * registration check), the error-to-status mapping, and the real server
 * over loopback TLS driven by curl and openssl. */
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "http/http.h"

/* ---- handlers ---------------------------------------------------------- */

/* test_authorize - a stand-in session gate: routes open to role bit 1 pass,
 * others are refused. */
static enum err test_authorize(struct app *app, struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rs;
	return (rq->route->roles & 1u) ? ERR_OK : ERR_DENIED;
}

static enum err h_ok(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rq;
	(void)rs;
	return ERR_OK;
}

static enum err h_ping(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rq;
	return buf_puts(&rs->body, "{\"pong\":true}");
}

static enum err h_echo(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	rs->status = 201;
	return buf_append(&rs->body, rq->body, rq->body_len);
}

static enum err h_len(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	size_t i;

	(void)app;
	/* the body arrives whole: every byte is the one sent */
	for (i = 0; i < rq->body_len; i++) {
		if (rq->body[i] != 'x')
			return ERR_INVAL;
	}
	return buf_printf(&rs->body, "{\"len\":%zu}", rq->body_len);
}

static enum err h_item(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	if (rq->nparam != 1)
		return ERR_INTERNAL;
	return buf_printf(&rs->body, "{\"id\":\"%s\"}", rq->param[0]);
}

static enum err h_fail(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rq;
	/* written, then discarded by the server */
	buf_puts(&rs->body, "{\"secret\":\"must not leak\"}");
	rs->message = "Consent \"quoted\" needed";
	return ERR_CONSENT;
}

static enum err h_query(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *q = http_request_query(rq, "q");
	const char *h = http_request_header(rq, "X-Test");

	(void)app;
	return buf_printf(&rs->body, "{\"q\":\"%s\",\"h\":\"%s\"}", q ? q : "-", h ? h : "-");
}

/* ---- streamed bodies (ROUTE_STREAM) and streamed responses --------------- */

static unsigned stream_closes; /* CLOSE calls so far (read after curl returns) */

/* What h_stream keeps from OPEN to CLOSE. */
struct stream_state {
	size_t len;    /* bytes seen */
	size_t pieces; /* DATA calls */
};

/* h_stream - counts a streamed body of 'x' bytes; a 'y' is refused (415),
 * an X-Refuse header is refused at OPEN (403). */
static enum err h_stream(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct stream_state *st = rq->state != NULL ? *rq->state : NULL;
	size_t i;

	(void)app;
	switch (rq->phase) {
	case HTTP_PHASE_OPEN:
		if (http_request_header(rq, "X-Refuse") != NULL) {
			rs->message = "refused at open";
			return ERR_DENIED;
		}
		st = calloc(1, sizeof *st);
		if (st == NULL)
			return ERR_NOMEM;
		*rq->state = st;
		return ERR_OK;
	case HTTP_PHASE_DATA:
		for (i = 0; i < rq->body_len; i++) {
			if (rq->body[i] != 'x') {
				rs->message = "only x here";
				return ERR_MEDIA;
			}
		}
		st->len += rq->body_len;
		st->pieces++;
		return ERR_OK;
	case HTTP_PHASE_END:
		return buf_printf(&rs->body, "{\"len\":%zu,\"many\":%d}", st->len, st->pieces > 1);
	case HTTP_PHASE_CLOSE:
		free(st);
		*rq->state = NULL;
		stream_closes++;
		return ERR_OK;
	case HTTP_PHASE_ALL: break;
	}
	return ERR_INTERNAL;
}

#define DOWNLOAD_SIZE 300000u /* bytes h_download streams */

static enum err pattern_read(void *state, uint64_t pos, char *out, size_t max, size_t *n)
{
	size_t i;

	(void)state;
	for (i = 0; i < max; i++)
		out[i] = (char)('a' + (pos + i) % 26);
	*n = max;
	return ERR_OK;
}

static void pattern_done(void *state)
{
	free(state);
}

/* h_download - DOWNLOAD_SIZE bytes of a-z, never held in memory whole. */
static enum err h_download(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rq;
	rs->content_type = "text/plain; charset=utf-8";
	snprintf(rs->disposition, sizeof rs->disposition, "attachment; filename=\"p.txt\"");
	rs->sandbox = 1;
	rs->stream.size = DOWNLOAD_SIZE;
	rs->stream.read = pattern_read;
	rs->stream.done = pattern_done;
	rs->stream.state = malloc(16);
	return rs->stream.state != NULL ? ERR_OK : ERR_NOMEM;
}

/* ---- router ------------------------------------------------------------ */

static const struct route table[] = {
        {HTTP_GET, "/api/v1/clients", 1, 0, 0, 0, h_ok},
        {HTTP_POST, "/api/v1/clients", 1, 0, 1024, 0, h_ok},
        {HTTP_GET, "/api/v1/clients/{id}", 1, 0, 0, 0, h_ok},
        {HTTP_GET, "/api/v1/clients/search", 1, 0, 0, 0, h_ok},
        {HTTP_DELETE, "/api/v1/clients/{id}/notes/{note}", 1, 0, 0, 0, h_ok},
        {HTTP_GET, "/api/v1/health", 0, 0, 0, ROUTE_PUBLIC, h_ok},
};
#define NTABLE (sizeof table / sizeof table[0])

static const struct route *m(enum http_method meth, const char *path, char *scratch,
                             const char **param, unsigned *np, int *ok)
{
	return http_route_match(table, NTABLE, meth, path, scratch, param, np, ok);
}

static void router_matches_literals_and_captures(void **state)
{
	char scratch[256];
	const char *param[HTTP_PARAMS_MAX];
	unsigned np;
	int ok;
	const struct route *r;

	(void)state;
	r = m(HTTP_GET, "/api/v1/clients", scratch, param, &np, &ok);
	assert_ptr_equal(r, &table[0]);
	assert_int_equal(np, 0);
	assert_int_equal(ok, 1);

	r = m(HTTP_POST, "/api/v1/clients", scratch, param, &np, &ok);
	assert_ptr_equal(r, &table[1]);

	r = m(HTTP_GET, "/api/v1/clients/c-42", scratch, param, &np, &ok);
	assert_ptr_equal(r, &table[2]);
	assert_int_equal(np, 1);
	assert_string_equal(param[0], "c-42");

	/* a literal segment wins over a capture in the same place */
	r = m(HTTP_GET, "/api/v1/clients/search", scratch, param, &np, &ok);
	assert_ptr_equal(r, &table[3]);
	assert_int_equal(np, 0);

	r = m(HTTP_DELETE, "/api/v1/clients/7/notes/n9", scratch, param, &np, &ok);
	assert_ptr_equal(r, &table[4]);
	assert_int_equal(np, 2);
	assert_string_equal(param[0], "7");
	assert_string_equal(param[1], "n9");
}

static void router_404_versus_405(void **state)
{
	char scratch[256];
	const char *param[HTTP_PARAMS_MAX];
	unsigned np;
	int ok;

	(void)state;
	/* unknown path: 404 */
	assert_null(m(HTTP_GET, "/api/v1/nothing", scratch, param, &np, &ok));
	assert_int_equal(ok, 1);
	/* empty capture, trailing slash, extra segment, prefix only: 404 */
	assert_null(m(HTTP_GET, "/api/v1/clients/", scratch, param, &np, &ok));
	assert_int_equal(ok, 1);
	assert_null(m(HTTP_GET, "/api/v1/clients/1/x", scratch, param, &np, &ok));
	assert_int_equal(ok, 1);
	assert_null(m(HTTP_GET, "/api/v1/client", scratch, param, &np, &ok));
	assert_int_equal(ok, 1);
	assert_null(m(HTTP_GET, "/api/v1/clientsx", scratch, param, &np, &ok));
	assert_int_equal(ok, 1);
	/* known path, other method: 405 */
	assert_null(m(HTTP_DELETE, "/api/v1/clients", scratch, param, &np, &ok));
	assert_int_equal(ok, 0);
	assert_null(m(HTTP_PUT, "/api/v1/clients/3", scratch, param, &np, &ok));
	assert_int_equal(ok, 0);
	/* a method the table does not know (HEAD, OPTIONS) */
	assert_null(m(0, "/api/v1/health", scratch, param, &np, &ok));
	assert_int_equal(ok, 0);
}

static void routes_check_accepts_table(void **state)
{
	(void)state;
	assert_int_equal(http_routes_check(table, NTABLE), ERR_OK);
	assert_int_equal(http_routes_check(NULL, 0), ERR_OK);
}

static void routes_check_refuses(void **state)
{
	struct route r[2];

	(void)state;
	/* no roles and not public: deny by default */
	r[0] = (struct route){HTTP_GET, "/api/v1/x", 0, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	/* no roles but "pending allowed" is still no access rule */
	r[0] = (struct route){HTTP_GET, "/api/v1/x", 0, 0, 0, ROUTE_PENDING, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	/* no handler */
	r[0] = (struct route){HTTP_GET, "/api/v1/x", 1, 0, 0, 0, NULL};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	/* outside /api/ */
	r[0] = (struct route){HTTP_GET, "/v1/x", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	r[0] = (struct route){HTTP_GET, "/api/", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	/* bad patterns */
	r[0] = (struct route){HTTP_GET, "/api/v1//x", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	r[0] = (struct route){HTTP_GET, "/api/v1/../x", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	r[0] = (struct route){HTTP_GET, "/api/v1/{}", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	r[0] = (struct route){HTTP_GET, "/api/v1/x/", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	/* two methods in one route */
	r[0] = (struct route){HTTP_GET | HTTP_POST, "/api/v1/x", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	/* too many captures */
	r[0] = (struct route){HTTP_GET, "/api/{a}/{b}/{c}/{d}/{e}", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_INVAL);
	r[0] = (struct route){HTTP_GET, "/api/{a}/{b}/{c}/{d}", 1, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 1), ERR_OK);
	/* duplicates, also when only the capture names differ */
	r[0] = (struct route){HTTP_GET, "/api/v1/x/{id}", 1, 0, 0, 0, h_ok};
	r[1] = (struct route){HTTP_GET, "/api/v1/x/{id}", 2, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 2), ERR_INVAL);
	r[1] = (struct route){HTTP_GET, "/api/v1/x/{other}", 2, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 2), ERR_INVAL);
	/* same pattern, other method: fine */
	r[1] = (struct route){HTTP_PUT, "/api/v1/x/{id}", 2, 0, 0, 0, h_ok};
	assert_int_equal(http_routes_check(r, 2), ERR_OK);
}

static void status_mapping(void **state)
{
	(void)state;
	assert_int_equal(http_status_of(ERR_OK), 200);
	assert_int_equal(http_status_of(ERR_INVAL), 400);
	assert_int_equal(http_status_of(ERR_TOOBIG), 413);
	assert_int_equal(http_status_of(ERR_NOTFOUND), 404);
	assert_int_equal(http_status_of(ERR_CONFLICT), 409);
	assert_int_equal(http_status_of(ERR_DENIED), 403);
	assert_int_equal(http_status_of(ERR_CONSENT), 403);
	assert_int_equal(http_status_of(ERR_AUTH), 401);
	assert_int_equal(http_status_of(ERR_CRYPTO), 500);
	assert_int_equal(http_status_of(ERR_DB), 500);
	assert_int_equal(http_status_of(ERR_IO), 500);
	assert_int_equal(http_status_of(ERR_BUSY), 503);
	assert_int_equal(http_status_of(ERR_NOMEM), 503);
	assert_int_equal(http_status_of(ERR_INTERNAL), 500);
	assert_int_equal(http_status_of((enum err)999), 500);
}

/* ---- the real server --------------------------------------------------- */

/* Shared by the end-to-end tests: one certificate, one running server. */
struct e2e {
	char dir[256];           /* temporary directory */
	char cert[300];          /* certificate path */
	char key[300];           /* key path */
	char web[300];           /* web root */
	struct http_server *srv; /* the running server */
	uint16_t port;           /* its port */
};

static struct e2e E;

static const struct route live[] = {
        {HTTP_GET, "/api/v1/ping", 0, 0, 0, ROUTE_PUBLIC, h_ping},
        {HTTP_POST, "/api/v1/echo", 0, 0, 16, ROUTE_PUBLIC, h_echo},
        {HTTP_GET, "/api/v1/items/{id}", 1, 0, 0, 0, h_item},
        {HTTP_GET, "/api/v1/fail", 1, 0, 0, 0, h_fail},
        {HTTP_GET, "/api/v1/query", 1, 0, 0, 0, h_query},
        {HTTP_GET, "/api/v1/guarded", 2, 0, 0, 0, h_ping},
        {HTTP_PUT, "/api/v1/big", 1, 0, 1024 * 1024, 0, h_len},
        {HTTP_PUT, "/api/v1/stream", 1, 0, 200000, ROUTE_STREAM, h_stream},
        {HTTP_PUT, "/api/v1/stream-guarded", 2, 0, 200000, ROUTE_STREAM, h_stream},
        {HTTP_GET, "/api/v1/download", 1, 0, 0, 0, h_download},
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int e2e_setup(void **state)
{
	struct http_config cfg;
	const char *d = unit_tmpdir();
	char p[400];
	struct stat st;

	(void)state;
	if (d == NULL)
		return -1;
	snprintf(E.dir, sizeof E.dir, "%s", d);
	snprintf(E.cert, sizeof E.cert, "%s/cert.pem", E.dir);
	snprintf(E.key, sizeof E.key, "%s/key.pem", E.dir);
	snprintf(E.web, sizeof E.web, "%s/web", E.dir);
	if (tls_selfsigned_create(E.cert, E.key) != ERR_OK)
		return -1;
	if (stat(E.key, &st) != 0 || (st.st_mode & 0777) != 0600)
		return -1;
	if (stat(E.cert, &st) != 0 || (st.st_mode & 0777) != 0600)
		return -1;
	if (mkdir(E.web, 0700) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/index.html", E.web);
	write_file(p, "<!doctype html><title>Confidant</title>\n");
	snprintf(p, sizeof p, "%s/app.js", E.web);
	write_file(p, "export const x = 1;\n");
	snprintf(p, sizeof p, "%s/.secret", E.web);
	write_file(p, "hidden\n");
	snprintf(p, sizeof p, "%s/leak", E.web);
	if (symlink(E.key, p) != 0)
		return -1;

	memset(&cfg, 0, sizeof cfg);
	cfg.listen_addr = "127.0.0.1";
	cfg.port = 0;
	cfg.cert_path = E.cert;
	cfg.key_path = E.key;
	cfg.web_root = E.web;
	cfg.threads = 2;
	cfg.authorize = test_authorize;
	cfg.routes = live;
	cfg.nroutes = sizeof live / sizeof live[0];
	if (http_server_start(&cfg, &E.srv) != ERR_OK)
		return -1;
	E.port = http_server_port(E.srv);
	return E.port != 0 ? 0 : -1;
}

static int e2e_teardown(void **state)
{
	char cmd[400];

	(void)state;
	http_server_stop(E.srv);
	E.srv = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", E.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The answer to one curl call: status, raw header block, body. */
struct reply {
	unsigned status; /* HTTP status, 0 if none */
	char head[8192]; /* response headers as received */
	char body[8192]; /* response body */
};

/* curl - run curl with args against https://127.0.0.1:PORT<path>; the
 * headers go to a file, the body to stdout. */
static void curl(struct reply *r, const char *args, const char *path)
{
	char cmd[4096], hfile[320];
	FILE *p;
	size_t n;

	memset(r, 0, sizeof *r);
	snprintf(hfile, sizeof hfile, "%s/headers.txt", E.dir);
	snprintf(cmd, sizeof cmd,
	         "curl -sk --max-time 20 --path-as-is -D '%s' %s "
	         "'https://127.0.0.1:%u%s'",
	         hfile, args, (unsigned)E.port, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(r->body, 1, sizeof r->body - 1, p);
	r->body[n] = '\0';
	pclose(p);
	p = fopen(hfile, "r");
	if (p == NULL)
		return;
	n = fread(r->head, 1, sizeof r->head - 1, p);
	r->head[n] = '\0';
	fclose(p);
	unlink(hfile);
	if (strncmp(r->head, "HTTP/", 5) == 0) {
		const char *sp = strchr(r->head, ' ');

		if (sp != NULL)
			r->status = (unsigned)strtoul(sp + 1, NULL, 10);
	}
}

/* has_header - the exact "Name: value" line is in the header block. */
static int has_header(const struct reply *r, const char *name, const char *value)
{
	char line[1024];

	snprintf(line, sizeof line, "\n%s: %s\r\n", name, value);
	return strcasestr(r->head, line) != NULL;
}

static void assert_security_headers(const struct reply *r)
{
	assert_true(
	        has_header(r, "Strict-Transport-Security", "max-age=63072000; includeSubDomains"));
	assert_true(has_header(r, "Content-Security-Policy",
	                       "default-src 'self'; base-uri 'none'; form-action 'self'; "
	                       "frame-ancestors 'none'; object-src 'none'"));
	assert_true(has_header(r, "X-Content-Type-Options", "nosniff"));
	assert_true(has_header(r, "Referrer-Policy", "no-referrer"));
	assert_true(has_header(r, "X-Frame-Options", "DENY"));
	assert_true(has_header(r, "Cross-Origin-Opener-Policy", "same-origin"));
	assert_true(has_header(r, "Cross-Origin-Resource-Policy", "same-origin"));
	assert_true(has_header(r, "Permissions-Policy",
	                       "camera=(self), microphone=(self), geolocation=(), "
	                       "interest-cohort=()"));
	assert_null(strcasestr(r->head, "\nServer:"));
}

static void assert_request_id(const struct reply *r)
{
	const char *p = strcasestr(r->head, "\nX-Request-Id: ");
	size_t i;

	assert_non_null(p);
	p += strlen("\nX-Request-Id: ");
	for (i = 0; i < HTTP_REQUEST_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", p[i]));
	assert_int_equal(p[HTTP_REQUEST_ID_LEN], '\r');
}

static void assert_api_error(const struct reply *r, unsigned status, const char *code)
{
	char want[128];

	assert_int_equal(r->status, status);
	assert_security_headers(r);
	assert_request_id(r);
	assert_true(has_header(r, "Content-Type", "application/json; charset=utf-8"));
	assert_true(has_header(r, "Cache-Control", "no-store"));
	snprintf(want, sizeof want, "{\"error\":\"%s\",\"message\":\"", code);
	assert_non_null(strstr(r->body, want));
	assert_non_null(strstr(r->body, "\"request_id\":\""));
}

static void e2e_ping(void **state)
{
	struct reply r;

	(void)state;
	curl(&r, "", "/api/v1/ping");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"pong\":true}");
	assert_security_headers(&r);
	assert_request_id(&r);
	assert_true(has_header(&r, "Content-Type", "application/json; charset=utf-8"));
	assert_true(has_header(&r, "Cache-Control", "no-store"));
}

/* Two requests on one connection: the second must not reconnect. */
static void e2e_keepalive(void **state)
{
	char cmd[512], out[128];
	FILE *p;
	size_t n;

	(void)state;
	snprintf(cmd, sizeof cmd,
	         "curl -sk --max-time 20 -o /dev/null -o /dev/null "
	         "-w '%%{http_code}:%%{num_connects} ' "
	         "'https://127.0.0.1:%u/api/v1/ping' 'https://127.0.0.1:%u/api/v1/nope'",
	         (unsigned)E.port, (unsigned)E.port);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	assert_string_equal(out, "200:1 404:0 ");
}

static void e2e_body_limits(void **state)
{
	struct reply r;
	char big[200];

	(void)state;
	curl(&r, "-H 'Content-Type: application/json' --data-binary '{\"a\":1}'", "/api/v1/echo");
	assert_int_equal(r.status, 201);
	assert_string_equal(r.body, "{\"a\":1}");

	/* exactly the limit */
	curl(&r, "-H 'Content-Type: application/json' --data-binary '\"0123456789abcd\"'",
	     "/api/v1/echo");
	assert_int_equal(r.status, 201);

	/* one past it, announced by Content-Length: refused unread */
	curl(&r, "-H 'Content-Type: application/json' --data-binary '\"0123456789abcde\"'",
	     "/api/v1/echo");
	assert_api_error(&r, 413, "too_big");

	/* chunked, no length announced: refused once it grows past */
	snprintf(big, sizeof big,
	         "-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' "
	         "--data-binary '\"%s\"'",
	         "0123456789012345678901234567890123456789");
	curl(&r, big, "/api/v1/echo");
	assert_api_error(&r, 413, "too_big");

	/* two framings at once */
	curl(&r,
	     "-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' "
	     "-H 'Content-Length: 2' --data-binary '{}'",
	     "/api/v1/echo");
	assert_api_error(&r, 400, "invalid");

	/* wrong media type */
	curl(&r, "-H 'Content-Type: text/plain' --data-binary '{}'", "/api/v1/echo");
	assert_api_error(&r, 415, "unsupported_media_type");
	curl(&r, "--data-binary '{}'", "/api/v1/echo");
	assert_api_error(&r, 415, "unsupported_media_type");
	curl(&r, "-H 'Content-Type: application/jsonx' --data-binary '{}'", "/api/v1/echo");
	assert_api_error(&r, 415, "unsupported_media_type");
	curl(&r, "-H 'Content-Type: Application/JSON; charset=utf-8' --data-binary '{}'",
	     "/api/v1/echo");
	assert_int_equal(r.status, 201);

	/* a large body arrives in many chunks and is put back together */
	{
		char path[320], arg[512];
		FILE *f;
		int i;

		snprintf(path, sizeof path, "%s/big.json", E.dir);
		f = fopen(path, "w");
		assert_non_null(f);
		for (i = 0; i < 300000; i++)
			fputc('x', f);
		fclose(f);
		snprintf(arg, sizeof arg,
		         "-X PUT -H 'Content-Type: application/json' --data-binary @'%s'", path);
		curl(&r, arg, "/api/v1/big");
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body, "{\"len\":300000}");
		snprintf(arg, sizeof arg,
		         "-X PUT -H 'Content-Type: application/json' "
		         "-H 'Transfer-Encoding: chunked' --data-binary @'%s'",
		         path);
		curl(&r, arg, "/api/v1/big");
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body, "{\"len\":300000}");
		unlink(path);
	}

	/* a body on a route that takes none */
	curl(&r, "-X GET -H 'Content-Type: application/json' --data-binary '{}'", "/api/v1/ping");
	assert_api_error(&r, 413, "too_big");
}

/* put_file - a file of n bytes of c (and one y at the end if bad). */
static void put_file(const char *path, size_t n, int bad)
{
	FILE *f = fopen(path, "w");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < n; i++)
		fputc(bad && i == n - 1 ? 'y' : 'x', f);
	fclose(f);
}

static void e2e_stream(void **state)
{
	char path[320], arg[640];
	struct reply r;
	unsigned closes;
	FILE *p;
	char cmd[1024], out[64];
	size_t n;

	(void)state;
	snprintf(path, sizeof path, "%s/stream.bin", E.dir);
	/* any Content-Type reaches a streaming handler; the body comes in pieces */
	put_file(path, 150000, 0);
	closes = stream_closes;
	snprintf(arg, sizeof arg,
	         "-X PUT -H 'Content-Type: application/octet-stream' --data-binary @'%s'", path);
	curl(&r, arg, "/api/v1/stream");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"len\":150000,\"many\":1}");
	assert_int_equal(stream_closes, closes + 1);
	/* chunked, up to the limit */
	put_file(path, 200000, 0);
	snprintf(arg, sizeof arg, "-X PUT -H 'Transfer-Encoding: chunked' --data-binary @'%s'",
	         path);
	curl(&r, arg, "/api/v1/stream");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"len\":200000,\"many\":1}");
	/* refused mid-body: the handler's error and message, sent when the body ends */
	put_file(path, 150000, 1);
	closes = stream_closes;
	snprintf(arg, sizeof arg, "-X PUT --data-binary @'%s'", path);
	curl(&r, arg, "/api/v1/stream");
	assert_api_error(&r, 415, "unsupported_media_type");
	assert_non_null(strstr(r.body, "only x here"));
	assert_int_equal(stream_closes, closes + 1);
	/* past the limit without a length: 413, and the handler was closed */
	put_file(path, 200001, 0);
	closes = stream_closes;
	snprintf(arg, sizeof arg, "-X PUT -H 'Transfer-Encoding: chunked' --data-binary @'%s'",
	         path);
	curl(&r, arg, "/api/v1/stream");
	assert_api_error(&r, 413, "too_big");
	assert_int_equal(stream_closes, closes + 1);
	/* past the limit by Content-Length: refused before OPEN */
	closes = stream_closes;
	snprintf(arg, sizeof arg, "-X PUT --data-binary @'%s'", path);
	curl(&r, arg, "/api/v1/stream");
	assert_api_error(&r, 413, "too_big");
	assert_int_equal(stream_closes, closes);
	/* the gate and OPEN run before the body: refusals, and no CLOSE */
	curl(&r, "-X PUT -H 'X-Refuse: 1' --data-binary 'xxx'", "/api/v1/stream");
	assert_api_error(&r, 403, "denied");
	assert_non_null(strstr(r.body, "refused at open"));
	curl(&r, "-X PUT --data-binary 'xxx'", "/api/v1/stream-guarded");
	assert_api_error(&r, 403, "denied");
	assert_int_equal(stream_closes, closes);
	/* an empty body still ends */
	curl(&r, "-X PUT --data-binary ''", "/api/v1/stream");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"len\":0,\"many\":0}");
	unlink(path);

	/* a streamed response: announced length, every byte, the extra headers */
	curl(&r, "-o /dev/null", "/api/v1/download");
	assert_int_equal(r.status, 200);
	assert_security_headers(&r);
	assert_true(has_header(&r, "Content-Length", "300000"));
	assert_true(has_header(&r, "Content-Disposition", "attachment; filename=\"p.txt\""));
	assert_true(has_header(&r, "Content-Security-Policy", HTTP_SANDBOX_CSP));
	assert_true(has_header(&r, "Cache-Control", "no-store"));
	snprintf(cmd, sizeof cmd,
	         "curl -sk --max-time 20 https://127.0.0.1:%u/api/v1/download | "
	         "LC_ALL=C awk 'BEGIN{RS=\"\"} {print length($0), substr($0, 299975, 26)}'",
	         (unsigned)E.port);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	/* byte i is 'a' + i % 26: 299974 % 26 = 12 */
	assert_string_equal(out, "300000 mnopqrstuvwxyzabcdefghijkl\n");
}

static void e2e_routing_errors(void **state)
{
	struct reply r;

	(void)state;
	curl(&r, "", "/api/v1/nope");
	assert_api_error(&r, 404, "not_found");

	curl(&r, "-X DELETE", "/api/v1/ping");
	assert_api_error(&r, 405, "method_not_allowed");
	assert_true(has_header(&r, "Allow", "GET"));

	curl(&r, "-X PUT -H 'Content-Type: application/json' --data-binary '{}'", "/api/v1/echo");
	assert_api_error(&r, 405, "method_not_allowed");
	assert_true(has_header(&r, "Allow", "POST"));

	/* the authorize hook refuses a private route before its handler runs */
	curl(&r, "", "/api/v1/guarded");
	assert_api_error(&r, 403, "denied");

	/* bad paths */
	curl(&r, "", "/api/v1/../v1/ping");
	assert_api_error(&r, 400, "invalid");
	curl(&r, "", "/api/v1/items/a%00b");
	assert_api_error(&r, 400, "invalid");
	curl(&r, "", "/api/v1/items/a%01b");
	assert_api_error(&r, 400, "invalid");
}

static void e2e_handlers(void **state)
{
	struct reply r;

	(void)state;
	curl(&r, "", "/api/v1/items/c-42");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"id\":\"c-42\"}");

	/* percent-decoded capture */
	curl(&r, "", "/api/v1/items/a%20b");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"id\":\"a b\"}");

	/* a handler error: its output is discarded, its message escaped */
	curl(&r, "", "/api/v1/fail");
	assert_api_error(&r, 403, "consent_required");
	assert_null(strstr(r.body, "must not leak"));
	assert_non_null(strstr(r.body, "\"message\":\"Consent \\\"quoted\\\" needed\""));

	curl(&r, "-H 'X-Test: yes'", "/api/v1/query?q=abc");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"q\":\"abc\",\"h\":\"yes\"}");
}

static void e2e_static(void **state)
{
	struct reply r;

	(void)state;
	curl(&r, "", "/");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<title>Confidant</title>"));
	assert_true(has_header(&r, "Content-Type", "text/html; charset=utf-8"));
	assert_true(has_header(&r, "Cache-Control", "no-cache"));
	assert_security_headers(&r);

	curl(&r, "", "/app.js");
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type", "text/javascript; charset=utf-8"));

	curl(&r, "-I", "/app.js");
	assert_int_equal(r.status, 200);

	/* a symlink (to the private key!), a dot file, a missing file */
	curl(&r, "", "/leak");
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "PRIVATE"));
	assert_security_headers(&r);
	assert_true(has_header(&r, "Content-Type", "text/plain; charset=utf-8"));
	curl(&r, "", "/.secret");
	assert_int_equal(r.status, 404);
	curl(&r, "", "/missing.js");
	assert_int_equal(r.status, 404);
	curl(&r, "", "/../etc/passwd");
	assert_int_equal(r.status, 400);

	curl(&r, "-X POST -H 'Content-Type: application/json' --data-binary '{}'", "/");
	assert_int_equal(r.status, 405);
	assert_true(has_header(&r, "Allow", "GET, HEAD"));
	assert_security_headers(&r);
}

/* pad_header - write "X-Pad: aaa..." of n value bytes to a file for
 * curl -H @file, and return the curl argument. */
static const char *pad_header(size_t n)
{
	static char arg[400];
	char path[320];
	FILE *f;
	size_t i;

	snprintf(path, sizeof path, "%s/pad.txt", E.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("X-Pad: ", f);
	for (i = 0; i < n; i++)
		fputc('a', f);
	fputc('\n', f);
	fclose(f);
	snprintf(arg, sizeof arg, "-H @'%s'", path);
	return arg;
}

static void e2e_header_limit(void **state)
{
	struct reply r;

	(void)state;
	/* well within the limit */
	curl(&r, pad_header(8 * 1024), "/api/v1/ping");
	assert_int_equal(r.status, 200);

	/* just past HTTP_HEADER_MAX: refused by the server, with its headers */
	curl(&r, pad_header(HTTP_HEADER_MAX), "/api/v1/ping");
	assert_api_error(&r, 431, "too_big");

	/* far past it: libmicrohttpd's pool is full and it refuses itself */
	curl(&r, pad_header(2 * HTTP_HEADER_MAX), "/api/v1/ping");
	assert_true(r.status == 431 || r.status == 413);
}

/* run - the exit status of a shell command. */
static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void e2e_tls_versions(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof cmd,
	         "openssl s_client -connect 127.0.0.1:%u -tls1_1 </dev/null >/dev/null 2>&1",
	         (unsigned)E.port);
	assert_int_not_equal(run(cmd), 0);
	snprintf(cmd, sizeof cmd,
	         "openssl s_client -connect 127.0.0.1:%u -tls1 </dev/null >/dev/null 2>&1",
	         (unsigned)E.port);
	assert_int_not_equal(run(cmd), 0);
	snprintf(cmd, sizeof cmd,
	         "openssl s_client -connect 127.0.0.1:%u -tls1_2 </dev/null >/dev/null 2>&1",
	         (unsigned)E.port);
	assert_int_equal(run(cmd), 0);
	snprintf(cmd, sizeof cmd,
	         "openssl s_client -connect 127.0.0.1:%u -tls1_3 </dev/null >/dev/null 2>&1",
	         (unsigned)E.port);
	assert_int_equal(run(cmd), 0);
	/* a CBC suite is never agreed */
	snprintf(cmd, sizeof cmd,
	         "openssl s_client -connect 127.0.0.1:%u -tls1_2 "
	         "-cipher ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA "
	         "</dev/null >/dev/null 2>&1",
	         (unsigned)E.port);
	assert_int_not_equal(run(cmd), 0);
	/* the certificate names localhost and both loopback addresses */
	snprintf(cmd, sizeof cmd,
	         "openssl x509 -in '%s' -noout -text | grep -q "
	         "'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'",
	         E.cert);
	assert_int_equal(run(cmd), 0);
}

/* ---- start-up refusals ------------------------------------------------- */

static void start_refuses_missing_cert(void **state)
{
	struct http_config cfg;
	struct http_server *srv = NULL;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.listen_addr = "127.0.0.1";
	cfg.cert_path = "/nonexistent/cert.pem";
	cfg.key_path = E.key;
	cfg.routes = live;
	cfg.nroutes = sizeof live / sizeof live[0];
	assert_int_equal(http_server_start(&cfg, &srv), ERR_IO);
	assert_null(srv);

	/* a web root that is not there */
	cfg.cert_path = E.cert;
	cfg.web_root = "/nonexistent/web";
	assert_int_equal(http_server_start(&cfg, &srv), ERR_IO);
	assert_null(srv);
	cfg.web_root = NULL;

	/* a key that is not the certificate's */
	cfg.cert_path = E.cert;
	cfg.key_path = E.cert;
	assert_int_equal(http_server_start(&cfg, &srv), ERR_CRYPTO);
	assert_null(srv);
}

static void private_routes_need_the_gate(void **state)
{
	struct http_config cfg;
	struct http_server *srv = NULL;
	char cmd[512];

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.listen_addr = "127.0.0.1";
	cfg.cert_path = E.cert;
	cfg.key_path = E.key;
	cfg.threads = 1;
	cfg.routes = live; /* no authorize hook: deny by default */
	cfg.nroutes = sizeof live / sizeof live[0];
	assert_int_equal(http_server_start(&cfg, &srv), ERR_OK);
	snprintf(cmd, sizeof cmd,
	         "curl -sk --max-time 10 -o /dev/null -w '%%{http_code}' "
	         "'https://127.0.0.1:%u/api/v1/items/1' | grep -q 401",
	         (unsigned)http_server_port(srv));
	assert_int_equal(run(cmd), 0);
	http_server_stop(srv);
}

static void start_refuses_bad_routes(void **state)
{
	static const struct route bad[] = {
	        {HTTP_GET, "/api/v1/open", 0, 0, 0, 0, h_ok},
	};
	struct http_config cfg;
	struct http_server *srv = NULL;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.listen_addr = "127.0.0.1";
	cfg.cert_path = E.cert;
	cfg.key_path = E.key;
	cfg.routes = bad;
	cfg.nroutes = 1;
	assert_int_equal(http_server_start(&cfg, &srv), ERR_INVAL);
	assert_null(srv);
	cfg.routes = live;
	cfg.nroutes = sizeof live / sizeof live[0];
	cfg.listen_addr = "not-an-address";
	assert_int_equal(http_server_start(&cfg, &srv), ERR_INVAL);
	assert_null(srv);
}

static void selfsigned_never_overwrites(void **state)
{
	(void)state;
	assert_int_equal(tls_selfsigned_create(E.cert, E.key), ERR_CONFLICT);
}

static void ipv6_loopback(void **state)
{
	struct http_config cfg;
	struct http_server *srv = NULL;
	char cmd[512];

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.listen_addr = "::1";
	cfg.cert_path = E.cert;
	cfg.key_path = E.key;
	cfg.threads = 1;
	cfg.routes = live;
	cfg.nroutes = sizeof live / sizeof live[0];
	if (http_server_start(&cfg, &srv) != ERR_OK)
		skip(); /* no IPv6 in this environment */
	snprintf(cmd, sizeof cmd,
	         "curl -sk --max-time 10 -o /dev/null -w '%%{http_code}' "
	         "'https://[::1]:%u/api/v1/ping' | grep -q 200",
	         (unsigned)http_server_port(srv));
	assert_int_equal(run(cmd), 0);
	http_server_stop(srv);
}

int main(void)
{
	const struct CMUnitTest unit[] = {
	        cmocka_unit_test(router_matches_literals_and_captures),
	        cmocka_unit_test(router_404_versus_405),
	        cmocka_unit_test(routes_check_accepts_table),
	        cmocka_unit_test(routes_check_refuses),
	        cmocka_unit_test(status_mapping),
	};
	const struct CMUnitTest e2e[] = {
	        cmocka_unit_test(e2e_ping),
	        cmocka_unit_test(e2e_keepalive),
	        cmocka_unit_test(e2e_body_limits),
	        cmocka_unit_test(e2e_routing_errors),
	        cmocka_unit_test(e2e_handlers),
	        cmocka_unit_test(e2e_static),
	        cmocka_unit_test(e2e_stream),
	        cmocka_unit_test(e2e_header_limit),
	        cmocka_unit_test(e2e_tls_versions),
	        cmocka_unit_test(start_refuses_missing_cert),
	        cmocka_unit_test(start_refuses_bad_routes),
	        cmocka_unit_test(private_routes_need_the_gate),
	        cmocka_unit_test(selfsigned_never_overwrites),
	        cmocka_unit_test(ipv6_loopback),
	};
	int failed;

	failed = cmocka_run_group_tests_name("http", unit, NULL, NULL);
	failed += cmocka_run_group_tests_name("http_e2e", e2e, e2e_setup, e2e_teardown);
	return failed;
}
