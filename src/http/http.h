/*
 * http.h - the HTTPS server's view of one request and one response, and the
 * server's life cycle (libmicrohttpd + GnuTLS).
 *
 * Responsible for: TLS (1.2 and 1.3 only), hard limits on headers, bodies
 * and connections, security headers on every response, the routes table
 * walk (method, path, flags, body limit) before any handler runs, mapping
 * enum err to an HTTP status in exactly one place, JSON error bodies, static
 * files from web/, and the request id.
 * Never: logs URLs with query strings, bodies or headers; puts internal text
 * in a response; runs a handler for a route that is not in the table.
 */
#ifndef CONFIDANT_HTTP_H
#define CONFIDANT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define HTTP_PARAMS_MAX 4           /* path captures per route */
#define HTTP_HEADER_MAX (16 * 1024) /* all request headers together */
#define HTTP_BODY_MAX_DEFAULT (64 * 1024)
#define HTTP_RESPONSE_MAX (64u * 1024 * 1024)
#define HTTP_REQUEST_ID_LEN 16 /* hex digits */

#define HTTP_DISPOSITION_MAX 1024 /* bytes of a Content-Disposition value, with NUL */
/* The policy added for sandboxed responses (http_response.sandbox): no
 * script, no plugins, no same-origin rights; images and styles inline. */
#define HTTP_SANDBOX_CSP                                                                           \
	"sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
#define HTTP_STREAM_BLOCK (64 * 1024) /* bytes a streamed response asks for at once */

enum http_method {
	HTTP_GET = 1,
	HTTP_POST = 2,
	HTTP_PUT = 4,
	HTTP_PATCH = 8,
	HTTP_DELETE = 16,
};

/* The calls a handler gets. A route without ROUTE_STREAM sees one call,
 * HTTP_PHASE_ALL, with the whole body buffered. A ROUTE_STREAM route (a
 * large upload) sees its body piece by piece, never held whole:
 *   OPEN  - once, after the session gate, before any body byte is read:
 *           check the headers and set *rq->state. An error refuses the
 *           request at once (the body is never read).
 *   DATA  - once per piece, in order: rq->body and rq->body_len are the
 *           piece (NOT NUL-terminated). An error refuses the request; the
 *           rest of the body is read and thrown away (libmicrohttpd cannot
 *           answer mid-upload) and the error is sent when it ends.
 *   END   - the body is complete (never called after an error): answer
 *           as any handler does.
 *   CLOSE - exactly once after a successful OPEN, as soon as the outcome is
 *           known (after END, right after a refusal, or when the peer went
 *           away): free *rq->state and undo whatever was not finished. Its
 *           return value and anything written to rs are ignored. */
enum http_phase {
	HTTP_PHASE_ALL = 0, /* the whole request at once (every other route) */
	HTTP_PHASE_OPEN,    /* headers only */
	HTTP_PHASE_DATA,    /* one piece of the body */
	HTTP_PHASE_END,     /* the body is complete: answer */
	HTTP_PHASE_CLOSE,   /* release the state */
};

/* One request, as a handler sees it. Everything is borrowed from the server
 * and valid only during the handler call. */
struct http_request {
	enum http_method method;                  /* the request method */
	const char *path;                         /* URL path, percent-decoded, no query */
	const char *param[HTTP_PARAMS_MAX];       /* captures of {name} segments, in order */
	unsigned nparam;                          /* number of captures */
	const char *body;                         /* request body, NUL-terminated; "" if none */
	size_t body_len;                          /* body length in bytes */
	char request_id[HTTP_REQUEST_ID_LEN + 1]; /* random id echoed in errors and logs */
	const char *remote_addr;                  /* peer address as text */
	void *conn;                               /* the server's connection (for lookups) */
	const struct route *route;                /* the route being served */
	void *principal;                          /* who is asking: set by the authorize hook,
	                                             opaque to the server */
	enum http_phase phase;                    /* ROUTE_STREAM: which call this is */
	void **state;                             /* ROUTE_STREAM: the handler's own state,
	                                             kept from OPEN to CLOSE; NULL otherwise */
	struct http_server *server;               /* the server (for http_ws_close) */
};

/* http_request_header - a request header's value, or NULL. */
const char *http_request_header(const struct http_request *rq, const char *name);

/* http_request_cookie - a cookie's value, or NULL. */
const char *http_request_cookie(const struct http_request *rq, const char *name);

/* http_request_query - a query-string argument's value, or NULL. Query
 * strings must never carry PHI; search terms travel in POST bodies. */
const char *http_request_query(const struct http_request *rq, const char *name);

/* What a handler fills in. body starts empty with max HTTP_RESPONSE_MAX. */
struct http_response {
	unsigned status;          /* HTTP status; default 200 */
	struct buf body;          /* response body */
	const char *content_type; /* default "application/json" */
	const char *message;      /* on error: a short, PHI-free, static text for
	                             people (e.g. "date_of_birth must be
	                             YYYY-MM-DD"); NULL gives a generic text */
	char location[128];       /* if non-empty, sent as Location */
	char set_cookie[192];     /* if non-empty, sent as Set-Cookie (on success and on
	                             401, so an ended session's cookie is cleared) */
	unsigned retry_after;     /* if non-zero, sent as Retry-After (seconds) */
	char disposition[HTTP_DISPOSITION_MAX]; /* if non-empty, sent as Content-Disposition */
	int sandbox;                            /* non-zero: also send Content-Security-Policy
	                                           HTTP_SANDBOX_CSP, so a served file cannot
	                                           run script as the origin */
	struct {
		uint64_t size; /* bytes in all, sent as Content-Length */
		/* read - the next bytes at offset pos into out (at most max);
		 * *n > 0 until size bytes were given. An error ends the
		 * response early: the peer sees fewer bytes than announced. */
		enum err (*read)(void *state, uint64_t pos, char *out, size_t max, size_t *n);
		/* done - called exactly once, when the response ends or is
		 * dropped (also if it was never sent); frees state. */
		void (*done)(void *state);
		void *state;   /* the handler's reader state */
	} stream;              /* a streamed body instead of body (read non-NULL; body must stay
	                          empty): large files are never held whole in memory */
	char message_buf[160]; /* room for a message that names a field the request
	                          got wrong (a field's name, never a value); message
	                          may point here */
	struct {
		const struct http_ws_ops *ops; /* non-NULL: answer by upgrading to a WebSocket */
		void *state;                   /* the ops' state; the server frees it (ops->free) */
	} ws;                                  /* set by http_ws_upgrade */
};

struct app; /* the application a handler serves (api/api.h) */

/* Route flags. */
#define ROUTE_PUBLIC 1u /* no session needed (health, sign-in) */
#define ROUTE_PENDING                                                                              \
	2u /* also for sessions that must first change the password or                             \
	      enrol MFA (sign-out, enrolment, password change) */
#define ROUTE_REAUTH                                                                               \
	4u /* needs a recent re-authentication (user management,                                   \
	      key operations, exports) */
#define ROUTE_STREAM                                                                               \
	8u /* the body is streamed to the handler (enum http_phase); body_max                      \
	      still caps it, and any Content-Type reaches the handler */

/* One entry of the routes table (api/routes.c). A route whose roles is 0 and
 * that is not ROUTE_PUBLIC is refused at registration: deny by default. */
struct route {
	enum http_method method; /* one method */
	const char *path;        /* pattern: literal segments and {name} captures */
	unsigned roles;          /* roles allowed (api/api.h ROLE_*); 0 only if public */
	int audit_event;         /* audit event recorded for the call (audit/audit.h) */
	size_t body_max;         /* largest body accepted; 0 means no body allowed */
	unsigned flags;          /* ROUTE_* */
	enum err (*handler)(struct app *app, const struct http_request *rq,
	                    struct http_response *rs); /* parse, call domain, encode */
};

/* Server settings. */
struct http_config {
	const char *listen_addr;    /* e.g. "127.0.0.1" or "0.0.0.0" or "::" */
	uint16_t port;              /* 0 picks a free port (see http_server_port) */
	const char *cert_path;      /* PEM certificate chain */
	const char *key_path;       /* PEM private key */
	const char *web_root;       /* directory of static files, or NULL */
	unsigned threads;           /* worker threads; 0 = number of CPUs */
	const struct route *routes; /* the routes table */
	size_t nroutes;             /* entries in routes */
	struct app *app;            /* passed to every handler */
	/* authorize - run before the handler of every non-public route: checks
	 * the session, CSRF, the route's roles and flags, and sets
	 * rq->principal. An error refuses the request (its status from
	 * http_status_of); it may set rs->set_cookie and rs->message. */
	enum err (*authorize)(struct app *app, struct http_request *rq, struct http_response *rs);
	/* release - after the handler: frees what authorize set up. */
	void (*release)(struct app *app, struct http_request *rq);
};

struct http_server; /* opaque */

/* http_server_start - validate the routes table (ERR_INVAL naming nothing
 * secret, if a route has no access rule or a bad pattern), load the TLS
 * certificate and key (ERR_IO / ERR_CRYPTO), bind and start serving. */
enum err http_server_start(const struct http_config *cfg, struct http_server **out);

/* http_server_port - the port actually bound (useful with port 0). */
uint16_t http_server_port(const struct http_server *srv);

/* http_server_stop - stop accepting, finish in-flight requests, free. */
void http_server_stop(struct http_server *srv);

/* http_status_of - the HTTP status for an error (the one mapping). */
unsigned http_status_of(enum err e);

/* http_routes_check - the registration check alone (used by tests). */
enum err http_routes_check(const struct route *routes, size_t n);

/* http_route_match - find the route for method and path; fills captures
 * (pointers into scratch, which must hold strlen(path)+1 bytes). Returns
 * NULL if no route has that path (404); sets *method_ok = 0 when the path
 * exists but not for this method (405). */
const struct route *http_route_match(const struct route *routes, size_t n, enum http_method method,
                                     const char *path, char *scratch, const char **param,
                                     unsigned *nparam, int *method_ok);

/* tls_selfsigned_create - write a new ECDSA P-256 key and a self-signed
 * certificate for localhost/127.0.0.1/::1, valid 397 days, both 0600. */
enum err tls_selfsigned_create(const char *cert_path, const char *key_path);

/* ---- WebSocket (ws.c) ---------------------------------------------------
 * A route answers a GET by upgrading (http_ws_upgrade); the server's hub
 * then owns the connection. Its first messages go to ops->join until the
 * connection is in; after that every message goes to ops->check and what
 * check writes is relayed to the other connections in of the same channel.
 * The hub writes these messages itself (JSON, ids only):
 *   {"type":"waiting"}                         joined, not yet let in
 *   {"type":"joined","self":id,"peers":[ids]}  let in; who is already in
 *   {"type":"peer","from":id} / {"type":"leave","from":id}   to those in
 *   {"type":"error","error":code}              then, for a refusal, a close
 * The hub lives in this process's memory (one node). */
#define HTTP_WS_MSG_MAX (64 * 1024) /* largest message received; larger closes (1009) */
#define HTTP_WS_RATE_MAX 50u        /* messages per second per connection; more closes */
#define HTTP_WS_CHANNEL_MAX 16u     /* connections joined to one channel at most */
#define HTTP_WS_KEY_MAX 33          /* channel, self and tag keys: at most 32 chars */
#define HTTP_WS_TAGS_MAX 17         /* tags of one connection */

/* What a join decided. */
struct http_ws_entry {
	char channel[HTTP_WS_KEY_MAX];                /* relayed only within this */
	char self[HTTP_WS_KEY_MAX];                   /* this connection, as peers see it */
	char tags[HTTP_WS_TAGS_MAX][HTTP_WS_KEY_MAX]; /* closed together by http_ws_close */
	size_t ntags;                                 /* how many tags */
	int waiting;                                  /* 1: joined but not let in yet */
};

/* A route's rules for its WebSocket. Called on the hub thread only. */
struct http_ws_ops {
	/* join - msg (len bytes, not NUL-terminated) from a connection not yet
	 * in: fill *out (a waiting connection may join again later). An error
	 * is sent as {"type":"error"} and closes the connection. */
	enum err (*join)(void *state, const char *msg, size_t len, struct http_ws_entry *out);
	/* check - msg from a connection that is in: write what is relayed to
	 * out and, to address one peer, its self key to `to` ("" for all).
	 * An error answers {"type":"error","error":"invalid"}; nothing is
	 * relayed. */
	enum err (*check)(void *state, const char *msg, size_t len, struct buf *out,
	                  char to[HTTP_WS_KEY_MAX]);
	/* free - the state, when the connection ends (or never started). */
	void (*free)(void *state);
};

/* http_ws_upgrade - answer rq by upgrading to a WebSocket run by ops with
 * state (owned by the server from here on, even on error). ERR_INVAL
 * when the request is not a WebSocket handshake. */
enum err http_ws_upgrade(const struct http_request *rq, struct http_response *rs,
                         const struct http_ws_ops *ops, void *state);

/* Which connections http_ws_close and http_ws_notify mean. */
enum http_ws_by {
	HTTP_WS_BY_CHANNEL = 1, /* key is a channel */
	HTTP_WS_BY_TAG,         /* key is a tag */
};

/* http_ws_close - send text (if not NULL) to the connections of rq's
 * server that key names, then close them. Returns at once: the hub
 * thread does it. */
void http_ws_close(const struct http_request *rq, enum http_ws_by by, const char *key,
                   const char *text);

/* http_ws_notify - send text to the connection self of channel (joined,
 * in or waiting). Returns at once. */
void http_ws_notify(const struct http_request *rq, const char *channel, const char *self,
                    const char *text);

#endif
