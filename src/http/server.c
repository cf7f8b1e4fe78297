/*
 * server.c - the libmicrohttpd daemon: start-up (routes check, TLS, limits,
 * bind), the access handler that walks every request through the routes
 * table before a handler runs, body accumulation (or, for ROUTE_STREAM
 * routes, handing the body to the handler piece by piece), dispatch,
 * streamed responses, and the one log line per request.
 *
 * Responsible for: refusing early (400 bad path, 404, 405, 413, 415) before
 * any body byte is read where the headers already say so; a bounded,
 * wiped body buffer per request; discarding what a failing handler wrote;
 * security headers on every response it builds.
 * Never: logs a URL, query string, header, body or unmatched path; runs a
 * handler for a path or method that is not in the table; keeps the private
 * key in memory after the daemon has loaded it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "http/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define TEXT_TYPE "text/plain; charset=utf-8"
#define ERRBODY_MAX 1024
/* Bytes of a refused chunked body read and thrown away before the
 * connection is simply closed instead. */
#define DRAIN_MAX (1024 * 1024)

struct http_server {
	struct MHD_Daemon *daemon; /* the running libmicrohttpd daemon */
	struct route *routes;      /* the routes served; owned copy of the entries */
	size_t nroutes;            /* entries in routes */
	struct app *app;           /* passed to every handler */
	enum err (*authorize)(struct app *, struct http_request *,
	                      struct http_response *);        /* session/role gate (config) */
	void (*release)(struct app *, struct http_request *); /* after the handler */
	int web_fd;                                           /* web root directory, or -1 */
	struct http_gzip *gzip;  /* gzip copies of the web root's text files */
	struct http_ws_hub *hub; /* the WebSocket connections (ws.c) */
};

/* One request from its headers to its completion. */
struct rq {
	struct http_server *srv;         /* the server it arrived at */
	const struct route *route;       /* matched route, or NULL */
	struct http_request req;         /* what the handler sees */
	struct http_response rs;         /* what the handler fills in */
	struct buf body;                 /* request body (wiping) */
	struct timespec t0;              /* monotonic arrival time */
	enum http_method method;         /* parsed method; 0 if not routed */
	enum err err;                    /* handler error, ERR_OK if none */
	unsigned reject;                 /* status decided before dispatch, 0 if none */
	const char *reject_code;         /* its "error" code for API paths */
	unsigned allow;                  /* methods for a 405's Allow header */
	unsigned status;                 /* status queued; 0 if none was */
	size_t drained;                  /* bytes of a refused body thrown away */
	int is_api;                      /* path is /api or under /api/ */
	int is_static;                   /* GET/HEAD outside /api/: a web file */
	int has_body;                    /* headers announce a body */
	int head;                        /* method is HEAD: a web file without body */
	int streaming;                   /* a ROUTE_STREAM route past the headers check */
	int opened;                      /* its handler's OPEN succeeded; CLOSE not yet run */
	enum err stream_err;             /* the refusal decided mid-stream, ERR_OK if none */
	uint64_t streamed;               /* body bytes handed to the handler so far */
	void *state;                     /* a streaming handler's own state */
	char scratch[HTTP_PATH_MAX + 1]; /* path copy cut into captures */
	char addr[INET6_ADDRSTRLEN];     /* peer address text */
	char errbody[ERRBODY_MAX];       /* JSON error body, when sent */
	struct http_ws_pending *ws;      /* an upgrade answered, until the socket is handed over */
};

/* ---- small helpers ----------------------------------------------------- */

/* REQUEST_ID_POOL - random bytes fetched per getrandom call for request
 * ids (a system call per request was 3% of a chart read's): ids are not
 * secrets, only unpredictable labels echoed in errors and logs. */
#define REQUEST_ID_POOL 256

static enum err request_id_new(char out[HTTP_REQUEST_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	static _Thread_local unsigned char pool[REQUEST_ID_POOL];
	static _Thread_local size_t left; /* unused bytes at the end of pool */
	const unsigned char *raw;
	ssize_t n;
	size_t i;

	if (left < HTTP_REQUEST_ID_LEN / 2) {
		do {
			n = getrandom(pool, sizeof pool, 0);
		} while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof pool)
			return ERR_IO;
		left = sizeof pool;
	}
	raw = pool + sizeof pool - left;
	for (i = 0; i < HTTP_REQUEST_ID_LEN / 2; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0x0f];
	}
	memset(pool + sizeof pool - left, 0, HTTP_REQUEST_ID_LEN / 2); /* used once */
	left -= HTTP_REQUEST_ID_LEN / 2;
	out[HTTP_REQUEST_ID_LEN] = '\0';
	return ERR_OK;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* unescape - percent-decoding for the path and query arguments, except
 * that %00 is left as it is: a NUL would silently cut the string short.
 * The path rules then refuse the '%' that remains (400). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		if (r[0] == '%' && hexval(r[1]) >= 0 && hexval(r[2]) >= 0) {
			int v = hexval(r[1]) * 16 + hexval(r[2]);

			if (v != 0) {
				*w++ = (char)v;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* mhd_log - libmicrohttpd's own messages, one log line each, control bytes
 * replaced; a message with a '/' in it (it may quote a URL) is logged as
 * its bare format text. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t i;

	(void)cls;
	if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
		return;
	if (strchr(msg, '/') != NULL) {
		size_t n = strlen(fmt);

		if (n >= sizeof msg)
			n = sizeof msg - 1;
		memcpy(msg, fmt, n);
		msg[n] = '\0';
	}
	for (i = 0; msg[i] != '\0'; i++) {
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = ' ';
	}
	log_warn("http mhd msg=\"%s\"", msg);
}

/* content_length - parse a Content-Length value; 0 if it is not digits
 * or overflows. */
static int content_length(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 1;
}

/* is_json_type - "application/json", any case, optionally followed by
 * parameters. */
static int is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	char next;

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, sizeof want - 1) != 0)
		return 0;
	next = ct[sizeof want - 1];
	return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static long long elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000000LL +
	       (long long)(t1.tv_nsec - t0->tv_nsec) / 1000LL;
}

static void reject(struct rq *q, unsigned status, const char *code)
{
	if (q->reject != 0)
		return;
	q->reject = status;
	q->reject_code = code;
}

/* ---- building responses ------------------------------------------------ */

static const char *text_of(unsigned status)
{
	switch (status) {
	case 400: return "Bad request\n";
	case 404: return "Not found\n";
	case 405: return "Method not allowed\n";
	case 413: return "Request too large\n";
	case 415: return "Unsupported media type\n";
	case 431: return "Request headers too large\n";
	case 503: return "Busy, please try again\n";
	default: return "Internal error\n";
	}
}

/* error_response - a refusal: JSON for API paths, plain text otherwise.
 * The JSON body lives in q, which outlives the response. */
static struct MHD_Response *error_response(struct rq *q, unsigned status, const char *code,
                                           enum err e, const char *message)
{
	struct MHD_Response *r;
	const char *body, *type;
	size_t len;

	if (q->is_api) {
		len = http_error_body(q->errbody, sizeof q->errbody, code, e, message,
		                      q->req.request_id);
		body = q->errbody;
		type = JSON_TYPE;
	} else {
		body = text_of(status);
		len = strlen(body);
		type = TEXT_TYPE;
	}
	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return NULL;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

/* reject_response - the response for q->reject. */
static struct MHD_Response *reject_response(struct rq *q)
{
	static const struct {
		unsigned status; /* HTTP status */
		enum err e;      /* error whose generic text is sent */
	} map[] = {{400, ERR_INVAL},
	           {404, ERR_NOTFOUND},
	           {413, ERR_TOOBIG},
	           {431, ERR_TOOBIG},
	           {503, ERR_BUSY}};
	struct MHD_Response *r;
	const char *message = NULL;
	enum err e = ERR_INVAL;
	char allow[64];
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].status == q->reject)
			e = map[i].e;
	}
	if (q->reject == 405)
		message = "This method is not allowed here.";
	else if (q->reject == 415)
		message = "The body must be application/json.";
	r = error_response(q, q->reject, q->reject_code, e, message);
	if (r == NULL || q->reject != 405)
		return r;
	if (q->is_api)
		http_allow_format(q->allow, allow, sizeof allow);
	else
		memcpy(allow, "GET, HEAD", sizeof "GET, HEAD");
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow) != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

/* response_begin - the handler's response, reset to its defaults. */
static void response_begin(struct rq *q)
{
	struct http_response *rs = &q->rs;

	rs->status = 200;
	rs->content_type = NULL;
	rs->message = NULL;
	rs->location[0] = '\0';

	rs->set_cookie[0] = '\0';
	rs->retry_after = 0;
	rs->disposition[0] = '\0';
	rs->sandbox = 0;
	memset(&rs->stream, 0, sizeof rs->stream);
	memset(&rs->ws, 0, sizeof rs->ws);
	q->req.route = q->route;
	q->req.principal = NULL;
}

/* gate - the session gate of a non-public route. Deny by default: no
 * authorize hook, no private route. */
static enum err gate(struct rq *q)
{
	if ((q->route->flags & ROUTE_PUBLIC) != 0)
		return ERR_OK;
	return q->srv->authorize != NULL ? q->srv->authorize(q->srv->app, &q->req, &q->rs)
	                                 : ERR_AUTH;
}

static void release(struct rq *q)
{
	if (q->srv->release != NULL && q->req.principal != NULL)
		q->srv->release(q->srv->app, &q->req);
}

/* stream_drop - drop a streamed body the handler set up but that will not
 * be sent. */
static void stream_drop(struct http_response *rs)
{
	if (rs->stream.done != NULL)
		rs->stream.done(rs->stream.state);
	memset(&rs->stream, 0, sizeof rs->stream);
}

/* A streamed body on its way out: what libmicrohttpd's callbacks need,
 * owned by the response (it may outlive the request state). */
struct outstream {
	enum err (*read)(void *state, uint64_t pos, char *out, size_t max, size_t *n); /* reader */
	void (*done)(void *state); /* frees state */
	void *state;               /* the handler's reader state */
	uint64_t size;             /* bytes announced */
};

static ssize_t outstream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct outstream *o = cls;
	size_t n = 0;

	if (pos >= o->size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > o->size - pos)
		max = (size_t)(o->size - pos);
	if (max > SSIZE_MAX)
		max = SSIZE_MAX;
	if (o->read(o->state, pos, buf, max, &n) != ERR_OK || n == 0 || n > max) {
		log_warn("http stream ended early at=%llu", (unsigned long long)pos);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	return (ssize_t)n;
}

static void outstream_free(void *cls)
{
	struct outstream *o = cls;

	if (o->done != NULL)
		o->done(o->state);
	free(o);
}

/* body_response - the response object for what the handler wrote. */
static struct MHD_Response *body_response(struct http_response *rs)
{
	struct MHD_Response *r;
	struct outstream *o;

	if (rs->stream.read == NULL)
		return MHD_create_response_from_buffer(rs->body.len,
		                                       rs->body.data != NULL ? rs->body.data : "",
		                                       MHD_RESPMEM_PERSISTENT);
	if (rs->body.len != 0)
		return NULL;
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return NULL;
	o->read = rs->stream.read;
	o->done = rs->stream.done;
	o->state = rs->stream.state;
	o->size = rs->stream.size;
	r = MHD_create_response_from_callback(o->size, HTTP_STREAM_BLOCK, outstream_read, o,
	                                      outstream_free);
	if (r == NULL) {
		free(o);
		return NULL;
	}
	/* from here on the response owns the reader state */
	memset(&rs->stream, 0, sizeof rs->stream);
	return r;
}

/* respond - turn a handler's answer (e and what it wrote) into a response.
 * A handler error discards whatever it wrote. */
static struct MHD_Response *respond(struct rq *q, enum err e, unsigned *status)
{
	struct http_response *rs = &q->rs;
	struct MHD_Response *r = NULL;

	if (e == ERR_OK && (rs->status < 100 || rs->status > 599))
		e = ERR_INTERNAL;
	if (e == ERR_OK && (memchr(rs->location, '\0', sizeof rs->location) == NULL ||
	                    memchr(rs->set_cookie, '\0', sizeof rs->set_cookie) == NULL))
		e = ERR_INTERNAL;
	if (e == ERR_OK && memchr(rs->disposition, '\0', sizeof rs->disposition) == NULL)
		e = ERR_INTERNAL;
	if (e != ERR_OK)
		goto fail;

	r = body_response(rs);
	if (r == NULL) {
		e = ERR_NOMEM;
		goto fail;
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                            rs->content_type != NULL ? rs->content_type : JSON_TYPE) !=
	            MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES ||
	    (rs->location[0] != '\0' &&
	     MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rs->location) != MHD_YES) ||
	    (rs->set_cookie[0] != '\0' &&
	     MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rs->set_cookie) != MHD_YES) ||
	    (rs->disposition[0] != '\0' &&
	     MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rs->disposition) !=
	             MHD_YES) ||
	    (rs->sandbox && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY,
	                                            HTTP_SANDBOX_CSP) != MHD_YES)) {
		/* a header with CR or LF in it, or no memory */
		MHD_destroy_response(r);
		r = NULL;
		e = ERR_INTERNAL;
		goto fail;
	}
	*status = rs->status;
	return r;
fail:
	q->err = e;
	stream_drop(rs);
	buf_cleanup(&rs->body);
	*status = http_status_of(e);
	r = error_response(q, *status, err_name(e), e, e == ERR_INTERNAL ? NULL : rs->message);
	if (r != NULL && rs->set_cookie[0] != '\0' &&
	    memchr(rs->set_cookie, '\0', sizeof rs->set_cookie) != NULL &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rs->set_cookie) != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	if (r != NULL && rs->retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof ra, "%u", rs->retry_after);
		if (MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra) != MHD_YES) {
			MHD_destroy_response(r);
			return NULL;
		}
	}
	return r;
}

/* on_upgrade - libmicrohttpd sent the 101: the hub takes the socket. */
static void on_upgrade(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra,
                       size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct http_server *srv = cls;
	struct rq *q = con_cls;
	struct http_ws_pending *p = q != NULL ? q->ws : NULL;

	if (p == NULL) {
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		return;
	}
	q->ws = NULL;
	http_ws_adopt(srv->hub, p, conn, extra, extra_len, sock, urh);
}

/* upgrade - the 101 answer for a handler that asked for a WebSocket. */
static struct MHD_Response *upgrade(struct rq *q, unsigned *status)
{
	struct MHD_Response *r;
	char accept[29];

	q->ws = http_ws_pending_new(q->rs.ws.ops, q->rs.ws.state);
	memset(&q->rs.ws, 0, sizeof q->rs.ws);
	if (q->ws == NULL || http_ws_accept(q->req.conn, accept) != ERR_OK)
		return respond(q, q->ws == NULL ? ERR_NOMEM : ERR_INVAL, status);
	r = MHD_create_response_for_upgrade(on_upgrade, q->srv);
	if (r == NULL)
		return respond(q, ERR_NOMEM, status);
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_UPGRADE, "websocket") != MHD_YES ||
	    MHD_add_response_header(r, "Sec-WebSocket-Accept", accept) != MHD_YES) {
		MHD_destroy_response(r);
		return respond(q, ERR_NOMEM, status);
	}
	*status = MHD_HTTP_SWITCHING_PROTOCOLS;
	return r;
}

/* dispatch - run the route's handler on the buffered request and turn its
 * answer into a response. */
static struct MHD_Response *dispatch(struct rq *q, unsigned *status)
{
	enum err e;

	q->req.body = q->body.data != NULL ? q->body.data : "";
	q->req.body_len = q->body.len;
	response_begin(q);
	e = gate(q);
	if (e == ERR_OK)
		e = q->route->handler(q->srv->app, &q->req, &q->rs);
	release(q);
	if (q->rs.ws.ops != NULL && e == ERR_OK)
		return upgrade(q, status);
	if (q->rs.ws.ops != NULL && q->rs.ws.ops->free != NULL)
		q->rs.ws.ops->free(q->rs.ws.state);
	memset(&q->rs.ws, 0, sizeof q->rs.ws);
	return respond(q, e, status);
}

/* ---- streamed request bodies (ROUTE_STREAM) ----------------------------- */

/* stream_call - one call of the streaming handler. */
static enum err stream_call(struct rq *q, enum http_phase phase, const char *data, size_t n)
{
	q->req.phase = phase;
	q->req.state = &q->state;
	q->req.body = data;
	q->req.body_len = n;
	return q->route->handler(q->srv->app, &q->req, &q->rs);
}

/* stream_close - CLOSE once, then drop the principal. */
static void stream_close(struct rq *q)
{
	const char *message = q->rs.message;

	if (q->opened) {
		q->opened = 0;
		(void)stream_call(q, HTTP_PHASE_CLOSE, "", 0);
		q->rs.message = message; /* CLOSE writes nothing that is sent */
	}
	release(q);
}

/* stream_fail - the request is refused mid-stream: undo now, so the
 * refusal is only sent once nothing is left of the request. */
static void stream_fail(struct rq *q, enum err e)
{
	if (q->stream_err != ERR_OK)
		return;
	q->stream_err = e;
	stream_close(q);
}

/* stream_open - the session gate and the handler's OPEN, right after the
 * headers check. */
static void stream_open(struct rq *q)
{
	enum err e;

	q->streaming = 1;
	response_begin(q);
	e = gate(q);
	if (e == ERR_OK)
		e = stream_call(q, HTTP_PHASE_OPEN, "", 0);
	if (e == ERR_OK)
		q->opened = 1;
	else
		stream_fail(q, e);
}

/* stream_data - one piece of a streamed body. */
static void stream_data(struct rq *q, const char *data, size_t n)
{
	enum err e;

	if (q->stream_err != ERR_OK)
		return;
	if (n > q->route->body_max || q->streamed > q->route->body_max - n) {
		stream_fail(q, ERR_TOOBIG);
		return;
	}
	q->streamed += n;
	e = stream_call(q, HTTP_PHASE_DATA, data, n);
	if (e != ERR_OK)
		stream_fail(q, e);
}

/* stream_end - END (or the refusal decided earlier) as a response. */
static struct MHD_Response *stream_end(struct rq *q, unsigned *status)
{
	enum err e = q->stream_err;

	if (e == ERR_OK)
		e = stream_call(q, HTTP_PHASE_END, "", 0);
	stream_close(q);
	return respond(q, e, status);
}

/* answer - build and queue the response for q. */
static enum MHD_Result answer(struct rq *q, struct MHD_Connection *conn)
{
	struct MHD_Response *r;
	unsigned status;
	enum MHD_Result ret;

	if (q->reject != 0) {
		status = q->reject;
		r = reject_response(q);
	} else if (q->is_static) {
		struct http_static_ask ask = {
		        .path = q->req.path,
		        .accept_encoding = MHD_lookup_connection_value(
		                conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING),
		        .if_none_match = MHD_lookup_connection_value(
		                conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH)};

		r = http_static_open(q->srv->web_fd, q->srv->gzip, &ask, &status);
		if (r == NULL)
			r = error_response(q, status, "not_found", ERR_NOTFOUND, NULL);
	} else if (q->streaming) {
		r = stream_end(q, &status);
	} else {
		r = dispatch(q, &status);
	}
	if (r == NULL)
		return MHD_NO;
	if (http_headers_add(r, q->req.request_id) != ERR_OK) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES)
		q->status = status;
	return ret;
}

/* ---- request life cycle ------------------------------------------------ */

static void peer_address(struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	out[0] = '\0';
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          out, (socklen_t)outlen);
}

/* add_len - a header iterator summing "key: value\r\n" sizes. */
static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	size_t *sum = cls;

	(void)kind;
	*sum += (key != NULL ? strlen(key) : 0) + (value != NULL ? strlen(value) : 0) + 4;
	return *sum > HTTP_HEADER_MAX ? MHD_NO : MHD_YES;
}

/* header_bytes - roughly the size of the request line and headers as they
 * arrived; the query arguments count too. */
static size_t header_bytes(struct MHD_Connection *conn, const char *method, const char *url,
                           const char *version)
{
	size_t sum = 0;

	sum += (method != NULL ? strlen(method) : 0) + (url != NULL ? strlen(url) : 0) +
	       (version != NULL ? strlen(version) : 0) + 4;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_len, &sum);
	if (sum <= HTTP_HEADER_MAX)
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_len, &sum);
	return sum;
}

/* headers_check - everything decided from the request line and headers
 * alone; sets q->reject when the request is refused. */
static void headers_check(struct rq *q, struct MHD_Connection *conn, const char *method,
                          const char *url, const char *version)
{
	struct http_server *srv = q->srv;
	const char *cl, *te;
	uint64_t declared = 0;
	size_t body_max = 0;
	int method_ok = 1;

	q->is_api = url != NULL && url[0] == '/' && http_path_is_api(url);
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	/* both framings at once is how requests are smuggled past proxies */
	if ((cl != NULL && !content_length(cl, &declared)) || (cl != NULL && te != NULL)) {
		q->has_body = 1;
		reject(q, 400, "invalid");
		return;
	}
	q->has_body = te != NULL || declared > 0;
	/* libmicrohttpd refuses what does not fit its memory pool; this is
	 * the exact limit, answered with our headers */
	if (header_bytes(conn, method, url, version) > HTTP_HEADER_MAX) {
		reject(q, 431, "too_big");
		return;
	}

	if (!http_path_valid(url)) {
		reject(q, 400, "invalid");
		return;
	}
	q->req.path = url;
	if (q->is_api) {
		q->route = http_route_match(srv->routes, srv->nroutes, q->method, url, q->scratch,
		                            q->req.param, &q->req.nparam, &method_ok);
		if (q->route == NULL && method_ok) {
			reject(q, 404, "not_found");
			return;
		}
		if (q->route == NULL) {
			q->allow = http_route_allowed(srv->routes, srv->nroutes, url);
			reject(q, 405, "method_not_allowed");
			return;
		}
		body_max = q->route->body_max;
	} else {
		if (q->method != HTTP_GET && !q->head) {
			reject(q, 405, "method_not_allowed");
			return;
		}
		q->is_static = 1;
	}
	if (declared > (uint64_t)body_max || (te != NULL && body_max == 0)) {
		reject(q, 413, "too_big");
		return;
	}
	if (q->route != NULL && (q->route->flags & ROUTE_STREAM) != 0)
		return; /* the handler judges the type; nothing is buffered */
	if (q->is_api && q->has_body &&
	    (q->method == HTTP_POST || q->method == HTTP_PUT || q->method == HTTP_PATCH) &&
	    !is_json_type(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                              MHD_HTTP_HEADER_CONTENT_TYPE))) {
		reject(q, 415, "unsupported_media_type");
		return;
	}
	buf_init(&q->body, body_max, 1);
}

static struct rq *rq_new(struct http_server *srv, struct MHD_Connection *conn, const char *method)
{
	struct rq *q;

	q = calloc(1, sizeof *q);
	if (q == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &q->t0);
	if (request_id_new(q->req.request_id) != ERR_OK) {
		free(q);
		return NULL;
	}
	q->srv = srv;
	q->method = http_method_parse(method);
	q->head = method != NULL && strcmp(method, "HEAD") == 0;
	q->err = ERR_OK;
	buf_init(&q->body, 0, 1);
	buf_init(&q->rs.body, HTTP_RESPONSE_MAX, 1);
	peer_address(conn, q->addr, sizeof q->addr);
	q->req.method = q->method;
	q->req.path = "";
	q->req.body = "";
	q->req.remote_addr = q->addr;
	q->req.conn = conn;
	q->req.server = srv;
	return q;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct rq *q = *con_cls;
	enum err rc;

	if (q == NULL) {
		q = rq_new(srv, conn, method);
		if (q == NULL)
			return MHD_NO;
		*con_cls = q;
		headers_check(q, conn, method, url, version);
		if (q->reject == 0 && q->route != NULL && (q->route->flags & ROUTE_STREAM) != 0)
			stream_open(q);
		/* a refused body is never read: answer now, and libmicrohttpd
		 * closes the connection after the response */
		if ((q->reject != 0 || q->stream_err != ERR_OK) && q->has_body)
			return answer(q, conn);
		return MHD_YES;
	}
	if (*upload_size != 0 && q->streaming) {
		stream_data(q, upload, *upload_size);
		if (q->stream_err != ERR_OK) {
			/* read what the route's limit allows and throw it away,
			 * so the refusal can be sent; past that, just close */
			if (*upload_size > q->route->body_max + DRAIN_MAX - q->drained)
				return MHD_NO;
			q->drained += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		if (q->reject == 0) {
			rc = buf_append(&q->body, upload, *upload_size);
			if (rc == ERR_TOOBIG)
				reject(q, 413, "too_big");
			else if (rc != ERR_OK)
				reject(q, 503, "busy");
		}
		if (q->reject != 0) {
			/* a chunked body grew past its limit: stop reading
			 * it after a while and just close */
			if (*upload_size > DRAIN_MAX - q->drained)
				return MHD_NO;
			q->drained += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return answer(q, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct rq *q = *con_cls;
	const char *route;

	(void)cls;
	(void)conn;
	if (q == NULL)
		return;
	if (q->streaming) {
		if (q->opened && q->err == ERR_OK && q->status == 0)
			q->err = ERR_IO; /* the peer went away mid-upload */
		stream_close(q);
	}
	if (q->route != NULL)
		route = q->route->path;
	else if (q->is_static && q->status == 200)
		route = "static";
	else
		route = "unmatched";
	log_info("http request id=%s method=%s route=%s status=%u us=%lld%s%s%s", q->req.request_id,
	         q->head ? "HEAD" : http_method_name(q->method), route, q->status,
	         elapsed_us(&q->t0), q->err != ERR_OK ? " error=" : "",
	         q->err != ERR_OK ? err_name(q->err) : "",
	         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " end=closed");
	http_ws_pending_free(q->ws);
	buf_cleanup(&q->body);
	buf_cleanup(&q->rs.body);
	mem_wipe(q->errbody, sizeof q->errbody);
	free(q);
	*con_cls = NULL;
}

/* ---- start and stop ---------------------------------------------------- */

static unsigned thread_count(unsigned asked)
{
	long n;

	if (asked == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		asked = n > 0 ? (unsigned)n : 1u;
	}
	return asked > HTTP_THREADS_MAX ? HTTP_THREADS_MAX : asked;
}

/* bind_address - the socket address for addr:port; *v6 set for IPv6. */
static enum err bind_address(const char *addr, uint16_t port, struct sockaddr_storage *ss, int *v6)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (addr == NULL)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*v6 = 0;
		return ERR_OK;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*v6 = 1;
		return ERR_OK;
	}
	return ERR_INVAL;
}

/* routes_copy - the routes this server serves. */
static enum err routes_copy(struct http_server *srv, const struct http_config *cfg)
{
	size_t i;

	srv->routes = mem_calloc_array(cfg->nroutes > 0 ? cfg->nroutes : 1, sizeof *srv->routes);
	if (srv->routes == NULL)
		return ERR_NOMEM;
	srv->nroutes = 0;
	for (i = 0; i < cfg->nroutes; i++) {
		srv->routes[srv->nroutes++] = cfg->routes[i];
	}
	return ERR_OK;
}

enum err http_server_start(const struct http_config *cfg, struct http_server **out)
{
	struct http_server *srv = NULL;
	struct sockaddr_storage ss;
	struct buf cert, key;
	unsigned flags;
	int v6 = 0;
	enum err rc;

	buf_init(&cert, HTTP_PEM_MAX, 0);
	buf_init(&key, HTTP_PEM_MAX, 1);
	if (cfg == NULL || out == NULL) {
		rc = ERR_INVAL;
		goto out;
	}
	rc = http_routes_check(cfg->routes, cfg->nroutes);
	if (rc != ERR_OK) {
		log_error("http start refused: routes table invalid");
		goto out;
	}
	rc = bind_address(cfg->listen_addr, cfg->port, &ss, &v6);
	if (rc != ERR_OK)
		goto out;
	rc = http_tls_priorities_check();
	if (rc != ERR_OK)
		goto out;
	rc = http_tls_load(cfg->cert_path, cfg->key_path, &cert, &key);
	if (rc != ERR_OK) {
		log_error("http start refused: certificate or key error=%s", err_name(rc));
		goto out;
	}

	srv = calloc(1, sizeof *srv);
	if (srv == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	srv->web_fd = -1;
	srv->app = cfg->app;
	srv->authorize = cfg->authorize;
	srv->release = cfg->release;
	rc = routes_copy(srv, cfg);
	if (rc != ERR_OK)
		goto out;
	if (cfg->web_root != NULL) {
		srv->web_fd = open(cfg->web_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (srv->web_fd < 0) {
			rc = ERR_IO;
			log_error("http start refused: web root cannot be opened");
			goto out;
		}
		rc = http_gzip_new(&srv->gzip);
		if (rc != ERR_OK)
			goto out;
	}

	rc = http_ws_hub_new(&srv->hub);
	if (rc != ERR_OK)
		goto out;

	/* workers write to sockets a peer may have closed */
	signal(SIGPIPE, SIG_IGN);
	flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	flags |= MHD_ALLOW_UPGRADE; /* the signaling WebSocket (ws.c) */
	/* "::" also accepts IPv4 (mapped), as listening sockets usually do */
	if (v6)
		flags |= MHD_USE_DUAL_STACK;
	srv->daemon = MHD_start_daemon(
	        flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
	        NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_HTTPS_MEM_CERT,
	        (const char *)cert.data, MHD_OPTION_HTTPS_MEM_KEY, (const char *)key.data,
	        MHD_OPTION_HTTPS_PRIORITIES, HTTP_TLS_PRIORITIES, MHD_OPTION_THREAD_POOL_SIZE,
	        thread_count(cfg->threads), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)(HTTP_HEADER_MAX + HTTP_CONN_MEMORY_SLACK), MHD_OPTION_CONNECTION_TIMEOUT,
	        HTTP_CONN_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, HTTP_CONN_MAX,
	        MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_CONN_PER_IP_MAX,
	        MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (srv->daemon == NULL) {
		rc = ERR_IO;
		log_error("http start failed: cannot listen port=%u", (unsigned)cfg->port);
		goto out;
	}
	log_info("http listening port=%u threads=%u routes=%zu", (unsigned)http_server_port(srv),
	         thread_count(cfg->threads), srv->nroutes);
	*out = srv;
	srv = NULL;
	rc = ERR_OK;
out:
	/* the daemon has loaded the key into GnuTLS; this copy goes now */
	buf_cleanup(&key);
	buf_cleanup(&cert);
	if (srv != NULL)
		http_server_stop(srv);
	return rc;
}

uint16_t http_server_port(const struct http_server *srv)
{
	const union MHD_DaemonInfo *di;

	if (srv == NULL || srv->daemon == NULL)
		return 0;
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di == NULL)
		return 0;
	return di->port;
}

void http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/* upgraded sockets are closed by their owner before the daemon stops */
	http_ws_hub_stop(srv->hub);
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	http_ws_hub_free(srv->hub);
	if (srv->web_fd >= 0)
		close(srv->web_fd);
	http_gzip_free(srv->gzip);
	free(srv->routes);
	free(srv);
}

/* ---- lookups for handlers ---------------------------------------------- */

struct http_ws_hub *http_server_hub(struct http_server *srv)
{
	return srv->hub;
}

const char *http_request_header(const struct http_request *rq, const char *name)
{
	if (rq == NULL || rq->conn == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *http_request_query(const struct http_request *rq, const char *name)
{
	if (rq == NULL || rq->conn == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_request_cookie(const struct http_request *rq, const char *name)
{
	if (rq == NULL || rq->conn == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}
