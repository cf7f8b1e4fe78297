/*
 * ws.c - WebSocket connections (RFC 6455 over libmicrohttpd's upgrade and
 * libwslay) and the hub that relays messages between the connections of
 * one channel (a telehealth room).
 *
 * Responsible for: the handshake check and answer; one hub thread per
 * server that owns every upgraded socket (poll, read, write, close), so no
 * wslay context is ever touched by two threads; the caps (message size,
 * messages per second, connections per channel, bytes queued for a slow
 * peer, seconds to join); closing a channel's or a tag's connections when
 * asked from another thread; closing everything at server stop.
 * Never: logs or keeps a message body; decides who may join (the route's
 * ops do); relays anything before the ops let a connection in; relays to
 * another channel. The hub lives in one process's memory: the connections
 * of one room must reach the same node (docs/decisions.md).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "http/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <wslay/wslay.h>

#include "core/log.h"
#include "core/mem.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" /* RFC 6455, 1.3 */
#define WS_QUEUED_MAX (1024 * 1024) /* bytes waiting for a slow reader before it is closed */
#define WS_JOIN_MS 10000            /* a connection must be let in (or wait) within this */
#define WS_CLOSE_MS 2000            /* a close not answered within this drops the socket */
#define WS_POLL_MS 1000             /* the hub looks at its timers this often */
#define WS_NOTE_MAX 160             /* bytes of a message the hub writes itself */

/* Where a connection is. */
enum ws_stage {
	WS_NEW = 0, /* upgraded, not yet joined */
	WS_WAITING, /* joined, but not relayed to or from (a waiting room) */
	WS_IN,      /* relayed to and from its channel */
};

/* One upgraded connection; owned by the hub thread once adopted. */
struct ws_conn {
	struct ws_conn *next;                  /* the hub's list */
	struct http_ws_hub *hub;               /* its hub */
	int fd;                                /* the upgraded socket (plaintext side) */
	struct MHD_UpgradeResponseHandle *urh; /* closes it, through libmicrohttpd */
	wslay_event_context_ptr ctx;           /* framing state */
	const struct http_ws_ops *ops;         /* the route's join and check rules */
	void *state;                           /* their state (ops->free) */
	struct http_ws_entry entry;            /* channel, self, tags (set at join) */
	enum ws_stage stage;                   /* where it is */
	int dead;                              /* socket failed or closed: reap it */
	int closing;                           /* a close frame is queued */
	long long closing_ms;                  /* since when (a peer that never answers goes) */
	uint16_t close_code;                   /* the close to queue once messages are out */
	char close_reason[24];                 /* its reason, or "" when none is pending */
	long long opened_ms;                   /* when it was adopted */
	long long window_ms;                   /* start of the current rate window */
	unsigned window_n;                     /* messages in that window */
	char *extra;                           /* bytes libmicrohttpd read past the headers */
	size_t extra_len;                      /* how many */
	size_t extra_off;                      /* how many of them were handed to wslay */
};

/* A request to the hub thread from another thread. */
struct ws_cmd {
	struct ws_cmd *next;        /* the queue */
	enum http_ws_by by;         /* what key names */
	char key[HTTP_WS_KEY_MAX];  /* a channel or a tag */
	char self[HTTP_WS_KEY_MAX]; /* notify: the connection's self key */
	char text[WS_NOTE_MAX];     /* the message to send */
	int close;                  /* 1: close those connections after text */
};

struct http_ws_hub {
	pthread_t thread;         /* the hub thread */
	pthread_mutex_t mu;       /* guards incoming, cmds and stop */
	int efd;                  /* eventfd that wakes the thread */
	int stop;                 /* 1: close everything and end */
	struct ws_conn *incoming; /* adopted, not yet seen by the thread (mu) */
	struct ws_cmd *cmds;      /* commands, newest first (mu) */
	struct ws_conn *conns;    /* the thread's connections (thread only) */
};

/* What a route asked for, between its handler and the upgrade. */
struct http_ws_pending {
	const struct http_ws_ops *ops; /* the route's rules */
	void *state;                   /* their state */
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000LL + t.tv_nsec / 1000000L;
}

static void wake(struct http_ws_hub *h)
{
	uint64_t one = 1;
	ssize_t n;

	do {
		n = write(h->efd, &one, sizeof one);
	} while (n < 0 && errno == EINTR);
}

/* ---- the handshake ----------------------------------------------------- */

/* base64 - standard base64 of n bytes into out (NUL-terminated). */
static void base64(const unsigned char *in, size_t n, char *out)
{
	static const char tab[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* has_token - the comma-separated header value v lists token t (any case). */
static int has_token(const char *v, const char *t)
{
	size_t n = strlen(t), len;
	const char *p = v, *q;

	if (v == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (q = p; *q != '\0' && *q != ','; q++)
			;
		len = (size_t)(q - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(p, t, n) == 0)
			return 1;
		p = q;
	}
	return 0;
}

enum err http_ws_accept(struct MHD_Connection *conn, char accept[29])
{
	const char *key, *ver, *up, *co;
	unsigned char digest[20];
	char joined[64];
	int n;

	up = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_UPGRADE);
	co = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONNECTION);
	ver = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Version");
	key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Key");
	if (!has_token(up, "websocket") || !has_token(co, "upgrade") || ver == NULL ||
	    strcmp(ver, "13") != 0 || key == NULL || strlen(key) != 24)
		return ERR_INVAL;
	n = snprintf(joined, sizeof joined, "%s%s", key, WS_GUID);
	if (n < 0 || (size_t)n >= sizeof joined)
		return ERR_INVAL;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, joined, (size_t)n, digest) != 0)
		return ERR_CRYPTO;
	base64(digest, sizeof digest, accept);
	return ERR_OK;
}

struct http_ws_pending *http_ws_pending_new(const struct http_ws_ops *ops, void *state)
{
	struct http_ws_pending *p = calloc(1, sizeof *p);

	if (p == NULL) {
		if (ops != NULL && ops->free != NULL)
			ops->free(state);
		return NULL;
	}
	p->ops = ops;
	p->state = state;
	return p;
}

enum err http_ws_upgrade(const struct http_request *rq, struct http_response *rs,
                         const struct http_ws_ops *ops, void *state)
{
	char accept[29];

	if (rq->method != HTTP_GET || http_ws_accept(rq->conn, accept) != ERR_OK) {
		if (ops != NULL && ops->free != NULL)
			ops->free(state);
		rs->message = "This address only answers a WebSocket handshake.";
		return ERR_INVAL;
	}
	rs->ws.ops = ops;
	rs->ws.state = state;
	return ERR_OK;
}

void http_ws_pending_free(struct http_ws_pending *p)
{
	if (p == NULL)
		return;
	if (p->ops != NULL && p->ops->free != NULL)
		p->ops->free(p->state);
	free(p);
}

/* ---- one connection ---------------------------------------------------- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
	struct ws_conn *c = user;
	ssize_t n;

	(void)flags;
	if (c->extra_off < c->extra_len) {
		n = (ssize_t)(c->extra_len - c->extra_off < len ? c->extra_len - c->extra_off
		                                                : len);
		memcpy(buf, c->extra + c->extra_off, (size_t)n);
		c->extra_off += (size_t)n;
		return n;
	}
	do {
		n = recv(c->fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	if (n <= 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return n;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
	struct ws_conn *c = user;
	int f = MSG_NOSIGNAL;
	ssize_t n;

	/* more of the frame follows: let the kernel fill the segment */
	if ((flags & WSLAY_MSG_MORE) != 0)
		f |= MSG_MORE;
	do {
		n = send(c->fd, data, len, f);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	if (n < 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return n;
}

/* queue_text - queue a text message on c; a reader too slow to keep up
 * (more than WS_QUEUED_MAX queued) is closed instead. */
static void queue_text(struct ws_conn *c, const char *text, size_t len)
{
	struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)text, len};

	if (c->dead || c->closing)
		return;
	if (wslay_event_get_queued_msg_length(c->ctx) + len > WS_QUEUED_MAX) {
		c->closing = 1;
		c->closing_ms = now_ms();
		wslay_event_queue_close(c->ctx, WSLAY_CODE_POLICY_VIOLATION,
		                        (const uint8_t *)"too slow", 8);
		return;
	}
	if (wslay_event_queue_msg(c->ctx, &m) != 0)
		c->dead = 1;
}

static void queue_str(struct ws_conn *c, const char *text)
{
	queue_text(c, text, strlen(text));
}

/* close_later - queue the pending close once every message is out (wslay
 * sends control frames before queued messages). */
static void close_later(struct ws_conn *c)
{
	if (c->close_reason[0] == '\0' || wslay_event_get_queued_msg_count(c->ctx) != 0)
		return;
	wslay_event_queue_close(c->ctx, c->close_code, (const uint8_t *)c->close_reason,
	                        strlen(c->close_reason));
	c->close_reason[0] = '\0';
}

/* close_with - queue text (if any), then a close frame after it. */
static void close_with(struct ws_conn *c, const char *text, uint16_t code, const char *reason)
{
	if (text != NULL)
		queue_str(c, text);
	if (c->dead || c->closing)
		return;
	c->closing = 1;
	c->closing_ms = now_ms();
	c->close_code = code;
	snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
	close_later(c);
}

/* peers_in - the connections of c's channel that are in, other than c;
 * counts every joined one (waiting too) in *joined. */
static size_t peers_in(struct ws_conn *c, size_t *joined)
{
	struct ws_conn *o;
	size_t n = 0;

	*joined = 0;
	for (o = c->hub->conns; o != NULL; o = o->next) {
		if (o == c || o->dead || o->closing || o->stage == WS_NEW ||
		    strcmp(o->entry.channel, c->entry.channel) != 0)
			continue;
		(*joined)++;
		if (o->stage == WS_IN)
			n++;
	}
	return n;
}

/* announce - tell c's channel (those in) about c: "peer" or "leave". */
static void announce(struct ws_conn *c, const char *type)
{
	char note[WS_NOTE_MAX];
	struct ws_conn *o;

	snprintf(note, sizeof note, "{\"type\":\"%s\",\"from\":\"%s\"}", type, c->entry.self);
	for (o = c->hub->conns; o != NULL; o = o->next)
		if (o != c && o->stage == WS_IN && strcmp(o->entry.channel, c->entry.channel) == 0)
			queue_str(o, note);
}

/* joined - c's join was accepted with entry e. */
static void joined(struct ws_conn *c, const struct http_ws_entry *e)
{
	struct ws_conn *o;
	struct buf b;
	size_t njoined = 0;
	int first = 1;

	if (c->stage != WS_NEW && strcmp(c->entry.channel, e->channel) != 0) {
		close_with(c, "{\"type\":\"error\",\"error\":\"invalid\"}", 1008, "invalid");
		return;
	}
	c->entry = *e;
	if (c->stage == WS_NEW)
		c->stage = WS_WAITING; /* counted from now on */
	(void)peers_in(c, &njoined);
	if (njoined + 1 > HTTP_WS_CHANNEL_MAX) {
		c->stage = WS_NEW;
		close_with(c, "{\"type\":\"error\",\"error\":\"room_full\"}", 1008, "full");
		return;
	}
	if (e->waiting) {
		c->stage = WS_WAITING;
		queue_str(c, "{\"type\":\"waiting\"}");
		return;
	}
	if (c->stage == WS_IN)
		return;
	c->stage = WS_IN;
	buf_init(&b, 4096, 0);
	(void)buf_printf(&b, "{\"type\":\"joined\",\"self\":\"%s\",\"peers\":[", e->self);
	for (o = c->hub->conns; o != NULL; o = o->next) {
		if (o == c || o->stage != WS_IN || strcmp(o->entry.channel, e->channel) != 0)
			continue;
		(void)buf_printf(&b, "%s\"%s\"", first ? "" : ",", o->entry.self);
		first = 0;
	}
	if (buf_puts(&b, "]}") == ERR_OK)
		queue_text(c, b.data, b.len);
	buf_cleanup(&b);
	announce(c, "peer");
}

/* relay - a checked message from c to one peer (to) or all peers. */
static void relay(struct ws_conn *c, const char *text, size_t len, const char *to)
{
	struct ws_conn *o;

	for (o = c->hub->conns; o != NULL; o = o->next) {
		if (o == c || o->stage != WS_IN || strcmp(o->entry.channel, c->entry.channel) != 0)
			continue;
		if (to[0] != '\0' && strcmp(o->entry.self, to) != 0)
			continue;
		queue_text(o, text, len);
	}
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                   void *user)
{
	struct ws_conn *c = user;
	struct http_ws_entry e;
	char to[HTTP_WS_KEY_MAX] = "";
	char note[WS_NOTE_MAX];
	long long t = now_ms();
	struct buf out;
	enum err rc;

	(void)ctx;
	if (arg->opcode != WSLAY_TEXT_FRAME || c->closing || c->dead)
		return; /* pings and pongs are wslay's; binary is never relayed */
	if (t - c->window_ms >= 1000) {
		c->window_ms = t;
		c->window_n = 0;
	}
	if (++c->window_n > HTTP_WS_RATE_MAX) {
		close_with(c, "{\"type\":\"error\",\"error\":\"too_many\"}", 1008, "rate");
		return;
	}
	if (c->stage != WS_IN) {
		memset(&e, 0, sizeof e);
		rc = c->ops->join(c->state, (const char *)arg->msg, arg->msg_length, &e);
		if (rc == ERR_OK && (e.channel[0] == '\0' || e.self[0] == '\0'))
			rc = ERR_INTERNAL;
		if (rc != ERR_OK) {
			snprintf(note, sizeof note, "{\"type\":\"error\",\"error\":\"%s\"}",
			         err_name(rc));
			close_with(c, note, 1008, "refused");
			return;
		}
		joined(c, &e);
		return;
	}
	buf_init(&out, HTTP_WS_MSG_MAX + WS_NOTE_MAX, 0);
	rc = c->ops->check(c->state, (const char *)arg->msg, arg->msg_length, &out, to);
	if (rc == ERR_OK)
		relay(c, out.data, out.len, to);
	else
		queue_str(c, "{\"type\":\"error\",\"error\":\"invalid\"}");
	buf_cleanup(&out);
}

/* conn_free - close the socket through libmicrohttpd and free c. */
static void conn_free(struct ws_conn *c)
{
	if (c->ctx != NULL)
		wslay_event_context_free(c->ctx);
	if (c->urh != NULL && MHD_upgrade_action(c->urh, MHD_UPGRADE_ACTION_CLOSE) != MHD_YES)
		log_warn("http ws close refused");
	if (c->ops != NULL && c->ops->free != NULL)
		c->ops->free(c->state);
	free(c->extra);
	free(c);
}

void http_ws_adopt(struct http_ws_hub *h, struct http_ws_pending *p, struct MHD_Connection *conn,
                   const char *extra, size_t extra_len, int sock,
                   struct MHD_UpgradeResponseHandle *urh)
{
	static const struct wslay_event_callbacks cbs = {on_recv, on_send, NULL,  NULL,
	                                                 NULL,    NULL,    on_msg};
	const union MHD_ConnectionInfo *ci;
	struct ws_conn *c = calloc(1, sizeof *c);
	int one = 1, fl, stop;

	if (c == NULL) {
		http_ws_pending_free(p);
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		return;
	}
	c->hub = h;
	c->fd = sock;
	c->urh = urh;
	c->ops = p->ops;
	c->state = p->state;
	p->ops = NULL;
	http_ws_pending_free(p);
	c->opened_ms = now_ms();
	c->window_ms = c->opened_ms;
	if (extra_len > 0) {
		c->extra = malloc(extra_len);
		if (c->extra != NULL) {
			memcpy(c->extra, extra, extra_len);
			c->extra_len = extra_len;
		}
	}
	fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		(void)fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	/* frames are small and interactive: no Nagle delay on the TCP socket
	 * (under TLS, sock is libmicrohttpd's socketpair end, not TCP) */
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL)
		(void)setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CORK_OFF);
	if (wslay_event_context_server_init(&c->ctx, &cbs, c) != 0 ||
	    (extra_len > 0 && c->extra == NULL)) {
		conn_free(c);
		return;
	}
	wslay_event_config_set_max_recv_msg_length(c->ctx, HTTP_WS_MSG_MAX);
	pthread_mutex_lock(&h->mu);
	stop = h->stop;
	if (!stop) {
		c->next = h->incoming;
		h->incoming = c;
	}
	pthread_mutex_unlock(&h->mu);
	if (stop) {
		conn_free(c);
		return;
	}
	wake(h);
}

/* ---- the hub thread ---------------------------------------------------- */

/* run_cmd - a command from another thread. */
static void run_cmd(struct http_ws_hub *h, const struct ws_cmd *m)
{
	struct ws_conn *c;
	size_t i;
	int hit;

	for (c = h->conns; c != NULL; c = c->next) {
		if (c->stage == WS_NEW)
			continue;
		hit = 0;
		if (m->by == HTTP_WS_BY_CHANNEL)
			hit = strcmp(c->entry.channel, m->key) == 0 &&
			      (m->self[0] == '\0' || strcmp(c->entry.self, m->self) == 0);
		for (i = 0; m->by == HTTP_WS_BY_TAG && i < c->entry.ntags; i++)
			hit |= strcmp(c->entry.tags[i], m->key) == 0;
		if (!hit)
			continue;
		if (m->close)
			close_with(c, m->text[0] ? m->text : NULL, 1000, "closed");
		else if (m->text[0] != '\0')
			queue_str(c, m->text);
	}
}

/* reap - drop the connections that are done; tell their peers. */
static void reap(struct http_ws_hub *h, long long t)
{
	struct ws_conn **pp = &h->conns, *c;

	for (c = h->conns; c != NULL; c = c->next)
		if (!c->dead && c->stage == WS_NEW && !c->closing && t - c->opened_ms > WS_JOIN_MS)
			close_with(c, "{\"type\":\"error\",\"error\":\"join_first\"}", 1008,
			           "join");
		else if (c->closing && t - c->closing_ms > WS_CLOSE_MS)
			c->dead = 1; /* the peer never answered the close */
	while ((c = *pp) != NULL) {
		if (!c->dead && (wslay_event_want_read(c->ctx) || wslay_event_want_write(c->ctx))) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		if (c->stage == WS_IN)
			announce(c, "leave");
		conn_free(c);
	}
}

/* pump - read and write what the socket allows. */
static void pump(struct ws_conn *c, short revents)
{
	if (c->dead)
		return;
	if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && wslay_event_recv(c->ctx) != 0)
		c->dead = 1;
	if (!c->dead && wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx) != 0)
		c->dead = 1;
	if (!c->dead && c->close_reason[0] != '\0') {
		close_later(c);
		if (wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx) != 0)
			c->dead = 1;
	}
}

static void *hub_main(void *arg)
{
	struct http_ws_hub *h = arg;
	struct pollfd *fds = NULL, *grown;
	struct ws_conn *c, *in, *next, **slot = NULL, **grown2;
	struct ws_cmd *cmds, *m, *rev;
	size_t cap = 0, n, i;
	uint64_t v;
	int stop;

	for (;;) {
		pthread_mutex_lock(&h->mu);
		in = h->incoming;
		h->incoming = NULL;
		cmds = h->cmds;
		h->cmds = NULL;
		stop = h->stop;
		pthread_mutex_unlock(&h->mu);
		for (; in != NULL; in = next) {
			next = in->next;
			in->next = h->conns;
			h->conns = in;
		}
		for (rev = NULL; cmds != NULL; cmds = m) { /* oldest first */
			m = cmds->next;
			cmds->next = rev;
			rev = cmds;
		}
		for (; rev != NULL; rev = m) {
			m = rev->next;
			if (!stop)
				run_cmd(h, rev);
			free(rev);
		}
		if (stop)
			break;
		for (c = h->conns; c != NULL; c = c->next)
			pump(c, 0); /* relayed messages go out now */
		reap(h, now_ms());
		for (n = 1, c = h->conns; c != NULL; c = c->next)
			n++;
		if (n > cap) {
			grown = realloc(fds, n * sizeof *fds);
			if (grown != NULL)
				fds = grown;
			grown2 = realloc(slot, n * sizeof *slot);
			if (grown2 != NULL)
				slot = grown2;
			if (grown == NULL || grown2 == NULL) {
				log_error("http ws hub out of memory");
				break;
			}
			cap = n;
		}
		fds[0].fd = h->efd;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		for (i = 1, c = h->conns; c != NULL; c = c->next, i++) {
			fds[i].fd = c->fd;
			fds[i].events = (short)((wslay_event_want_read(c->ctx) ? POLLIN : 0) |
			                        (wslay_event_want_write(c->ctx) ? POLLOUT : 0));
			fds[i].revents = 0;
			slot[i] = c;
		}
		if (poll(fds, n, WS_POLL_MS) < 0 && errno != EINTR) {
			log_error("http ws hub poll failed");
			break;
		}
		/* drain the wake-up counter; a short or failed read only means
		 * another wake-up is pending, which the next poll sees */
		if ((fds[0].revents & POLLIN) != 0 && read(h->efd, &v, sizeof v) < 0 &&
		    errno != EAGAIN)
			log_error("http ws hub wake-up read failed");
		for (i = 1; i < n; i++)
			if (fds[i].revents != 0)
				pump(slot[i], fds[i].revents);
	}
	/* server stop: say goodbye where the socket allows, then close */
	while ((c = h->conns) != NULL) {
		h->conns = c->next;
		close_with(c, NULL, 1001, "server stopping");
		pump(c, 0);
		conn_free(c);
	}
	free(fds);
	free(slot);
	return NULL;
}

enum err http_ws_hub_new(struct http_ws_hub **out)
{
	struct http_ws_hub *h = calloc(1, sizeof *h);

	if (h == NULL)
		return ERR_NOMEM;
	h->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->efd < 0) {
		free(h);
		return ERR_IO;
	}
	if (pthread_mutex_init(&h->mu, NULL) != 0) {
		close(h->efd);
		free(h);
		return ERR_NOMEM;
	}
	if (pthread_create(&h->thread, NULL, hub_main, h) != 0) {
		pthread_mutex_destroy(&h->mu);
		close(h->efd);
		free(h);
		return ERR_NOMEM;
	}
	*out = h;
	return ERR_OK;
}

void http_ws_hub_stop(struct http_ws_hub *h)
{
	int was;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	was = h->stop;
	h->stop = 1;
	pthread_mutex_unlock(&h->mu);
	if (was)
		return;
	wake(h);
	pthread_join(h->thread, NULL);
}

void http_ws_hub_free(struct http_ws_hub *h)
{
	struct ws_conn *c;
	struct ws_cmd *m;

	if (h == NULL)
		return;
	http_ws_hub_stop(h);
	/* nothing is added after stop; whatever arrived before the thread saw it */
	while ((c = h->incoming) != NULL) {
		h->incoming = c->next;
		conn_free(c);
	}
	while ((m = h->cmds) != NULL) {
		h->cmds = m->next;
		free(m);
	}
	pthread_mutex_destroy(&h->mu);
	close(h->efd);
	free(h);
}

/* ---- commands from handlers -------------------------------------------- */

/* command - queue m for the hub thread (copied). */
static void command(struct http_ws_hub *h, enum http_ws_by by, const char *key, const char *self,
                    const char *text, int close)
{
	struct ws_cmd *m;

	if (h == NULL || key == NULL || strlen(key) >= HTTP_WS_KEY_MAX)
		return;
	m = calloc(1, sizeof *m);
	if (m == NULL) {
		log_error("http ws command dropped: out of memory");
		return;
	}
	m->by = by;
	m->close = close;
	memcpy(m->key, key, strlen(key) + 1);
	if (self != NULL && strlen(self) < sizeof m->self)
		memcpy(m->self, self, strlen(self) + 1);
	if (text != NULL && strlen(text) < sizeof m->text)
		memcpy(m->text, text, strlen(text) + 1);
	pthread_mutex_lock(&h->mu);
	if (h->stop) {
		free(m);
		m = NULL;
	} else {
		m->next = h->cmds;
		h->cmds = m;
	}
	pthread_mutex_unlock(&h->mu);
	if (m != NULL)
		wake(h);
}

void http_ws_close(const struct http_request *rq, enum http_ws_by by, const char *key,
                   const char *text)
{
	if (rq != NULL && rq->server != NULL)
		command(http_server_hub(rq->server), by, key, NULL, text, 1);
}

void http_ws_notify(const struct http_request *rq, const char *channel, const char *self,
                    const char *text)
{
	if (rq != NULL && rq->server != NULL && self != NULL)
		command(http_server_hub(rq->server), HTTP_WS_BY_CHANNEL, channel, self, text, 0);
}
