/*
 * internal.h - what the files of src/http/ share with each other and with
 * nobody else: the per-request state, the response builders, the static file
 * resolver, the TLS loader and the constants that tune libmicrohttpd.
 *
 * Responsible for: keeping http.h (the contract other modules see) free of
 * libmicrohttpd types.
 * Never: is included from outside src/http/.
 */
#ifndef CONFIDANT_HTTP_INTERNAL_H
#define CONFIDANT_HTTP_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "core/buf.h"
#include "core/err.h"
#include "http/http.h"

#define HTTP_PATH_MAX 1024         /* longest URL path accepted (bytes) */
#define HTTP_CONN_MAX 4096u        /* connections open at once, all peers */
#define HTTP_CONN_PER_IP_MAX 256u  /* connections open at once, one peer */
#define HTTP_CONN_TIMEOUT_S 30u    /* idle seconds before a connection closes */
#define HTTP_THREADS_MAX 256u      /* upper bound on the worker thread pool */
#define HTTP_PEM_MAX (1024 * 1024) /* largest certificate or key file read */

/* Room libmicrohttpd needs per connection besides the request headers: the
 * response header block, the read buffer for body chunks and the pool's own
 * bookkeeping. The access handler refuses header blocks past
 * HTTP_HEADER_MAX exactly (431, with our headers); blocks so large that they
 * do not fit the pool at all are refused by libmicrohttpd itself (431, or a
 * closed connection when only the response no longer fits). */
#define HTTP_CONN_MEMORY_SLACK (4 * 1024)

/* GnuTLS priorities: TLS 1.3 and 1.2 only, AEAD ciphers only, ECDHE key
 * exchange only (forward secrecy), no SHA-1 or MD5 signatures, the server's
 * order wins. */
#define HTTP_TLS_PRIORITIES                                                                        \
	"NONE:+VERS-TLS1.3:+VERS-TLS1.2:"                                                          \
	"+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:+AEAD:"                                      \
	"+ECDHE-ECDSA:+ECDHE-RSA:"                                                                 \
	"+SIGN-ALL:-SIGN-RSA-MD5:-SIGN-RSA-SHA1:-SIGN-DSA-SHA1:"                                   \
	"-SIGN-ECDSA-SHA1:"                                                                        \
	"+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:"                                         \
	"+CTYPE-X509:+COMP-NULL:%SERVER_PRECEDENCE"

/* ---- router.c ---------------------------------------------------------- */

/* http_path_valid - non-zero if path may be routed at all: starts with '/',
 * at most HTTP_PATH_MAX bytes, no "..", no '%' (an escape that was not
 * decoded, such as %00), no control bytes. */
int http_path_valid(const char *path);

/* http_path_is_api - non-zero for "/api" and everything under "/api/". */
int http_path_is_api(const char *path);

/* http_route_allowed - the methods (enum http_method bits) that routes
 * offer for path; 0 if none. */
unsigned http_route_allowed(const struct route *routes, size_t n, const char *path);

/* http_method_parse - the enum http_method for a method token; 0 if it is
 * not one Confidant routes (HEAD, OPTIONS, anything else). */
enum http_method http_method_parse(const char *method);

/* http_method_name - the token for a method; "other" for 0 or unknown. */
const char *http_method_name(enum http_method m);

/* http_allow_format - write the Allow header value for a method mask into
 * out (e.g. "GET, POST"). out must hold 64 bytes. */
void http_allow_format(unsigned mask, char *out, size_t outlen);

/* ---- response.c -------------------------------------------------------- */

/* http_headers_add - add the security headers every response carries, and
 * X-Request-Id when request_id is non-NULL. ERR_NOMEM if one was refused. */
enum err http_headers_add(struct MHD_Response *r, const char *request_id);

/* http_error_body - write the JSON error body {"error", "message",
 * "request_id"} for code into out (NUL-terminated). message NULL gives the
 * generic text for e. Returns the length; never fails (falls back to the
 * generic text and then to a fixed body). */
size_t http_error_body(char *out, size_t outlen, const char *code, enum err e, const char *message,
                       const char *request_id);

/* http_error_generic - the generic, PHI-free text for an error. */
const char *http_error_generic(enum err e);

/* ---- static.c ---------------------------------------------------------- */

struct http_gzip; /* gzip copies of static files, shared by the workers (gzip.c) */

/* What a static-file request asks for. */
struct http_static_ask {
	const char *path;            /* URL path, starting with '/' */
	const char *accept_encoding; /* Accept-Encoding header, or NULL */
	const char *if_none_match;   /* If-None-Match header, or NULL */
};

/* http_static_open - the response for a static file under the directory
 * root_fd, or NULL with *status set (404 when the file is absent or may not
 * be served, 500 when a response could not be built). A 304 (empty) when
 * If-None-Match names the file's current ETag; text files go gzip-encoded
 * (through gzip, which may be NULL) when Accept-Encoding allows it. No
 * symlink is ever followed; dot files are never served. */
struct MHD_Response *http_static_open(int root_fd, struct http_gzip *gzip,
                                      const struct http_static_ask *ask, unsigned *status);

/* ---- gzip.c ------------------------------------------------------------ */

struct stat;

/* http_gzip_new / http_gzip_free - the empty table of gzip copies. */
enum err http_gzip_new(struct http_gzip **out);
void http_gzip_free(struct http_gzip *g);

/* http_gzip_accepted - 1 when an Accept-Encoding value allows gzip (by name
 * or "*", with a q-value other than 0); 0 for NULL. */
int http_gzip_accepted(const char *accept_encoding);

/* http_gzip_response - a response holding the gzip copy of the regular file
 * fd (whose fstat is st), compressed now or taken from g; NULL when the file
 * is too small or large to be worth it, does not shrink, or memory ran out:
 * the caller then sends the file as it is. fd is not closed. */
struct MHD_Response *http_gzip_response(struct http_gzip *g, int fd, const struct stat *st);

/* ---- tls.c ------------------------------------------------------------- */

/* http_tls_load - read the PEM certificate chain and key into buffers
 * (key is a wiping buffer) and check that they parse and belong together.
 * ERR_IO if a file cannot be read, ERR_CRYPTO if GnuTLS refuses them or
 * one is larger than HTTP_PEM_MAX. Buffers are initialised by the caller;
 * on error their content is undefined but owned by the caller. */
enum err http_tls_load(const char *cert_path, const char *key_path, struct buf *cert,
                       struct buf *key);

/* http_tls_priorities_check - ERR_CRYPTO if this GnuTLS refuses
 * HTTP_TLS_PRIORITIES. */
enum err http_tls_priorities_check(void);

/* ---- ws.c -------------------------------------------------------------- */

struct http_ws_hub;     /* the WebSocket connections of one server */
struct http_ws_pending; /* a route's upgrade, until libmicrohttpd hands the socket over */

/* http_ws_hub_new - start the hub thread.
 * http_ws_hub_stop - close every connection and end the thread (before the
 * daemon stops: libmicrohttpd wants upgraded sockets closed first); later
 * upgrades are closed at once.
 * http_ws_hub_free - stop if not yet, then free (after the daemon stopped). */
enum err http_ws_hub_new(struct http_ws_hub **out);
void http_ws_hub_stop(struct http_ws_hub *h);
void http_ws_hub_free(struct http_ws_hub *h);

/* http_server_hub - the hub of a server (server.c). */
struct http_ws_hub *http_server_hub(struct http_server *srv);

/* http_ws_accept - check the handshake headers of conn and write the
 * Sec-WebSocket-Accept value. ERR_INVAL if it is not a version 13
 * WebSocket handshake. */
enum err http_ws_accept(struct MHD_Connection *conn, char accept[29]);

/* http_ws_pending_new / _free - hold ops and state until the upgrade (on
 * failure of _new the state is freed). */
struct http_ws_pending *http_ws_pending_new(const struct http_ws_ops *ops, void *state);
void http_ws_pending_free(struct http_ws_pending *p);

/* http_ws_adopt - libmicrohttpd upgraded conn: the hub takes the socket
 * (closed through urh), p and the bytes read past the headers. */
void http_ws_adopt(struct http_ws_hub *h, struct http_ws_pending *p, struct MHD_Connection *conn,
                   const char *extra, size_t extra_len, int sock,
                   struct MHD_UpgradeResponseHandle *urh);

#endif
