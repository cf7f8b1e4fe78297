/*
 * notify.h - messages that leave the practice: email through the
 * practice's SMTP server and SMS through an HTTP gateway (libcurl).
 *
 * Responsible for: the wire formats (an RFC 5322 message over SMTP with
 * STARTTLS or implicit TLS; a JSON POST with a bearer token) and turning a
 * failure into a short, PHI-free error class. Callers (the reminder
 * sender, through cli/) decided whether and where to send.
 * Never: logs or returns an address, a number, a message or a secret;
 * follows a redirect; uses a protocol other than the one configured.
 */
#ifndef CONFIDANT_NOTIFY_H
#define CONFIDANT_NOTIFY_H

#include <stdint.h>

#include "core/err.h"

#define NOTIFY_CONNECT_TIMEOUT_S 10 /* seconds to reach a server */
#define NOTIFY_TIMEOUT_S 30         /* seconds for a whole send */

/* One email. Borrowed for the call. */
struct notify_mail {
	const char *host;     /* SMTP server host name or address */
	int port;             /* its port */
	int security;         /* 0 none, 1 STARTTLS required, 2 TLS from the start (smtps) */
	const char *from;     /* envelope and header From address */
	const char *username; /* sign-in name, or "" */
	const char *password; /* password, or "" */
	const char *to;       /* the one recipient */
	const char *subject;  /* one line */
	const char *text;     /* body, CRLF line ends */
	int64_t date;         /* unix seconds, for the Date header */
};

/* notify_smtp_send - send m. ERR_OK when the server accepted it; else
 * ERR_INVAL (a header value with a line break; class "config") or ERR_IO
 * with *error_class "connect", "tls", "auth", "timeout" or "rejected". */
enum err notify_smtp_send(const struct notify_mail *m, const char **error_class);

/* One text message. */
struct notify_sms {
	const char *url;   /* the gateway's URL (http or https) */
	const char *token; /* bearer token, or "" */
	const char *to;    /* the number */
	const char *text;  /* the message */
};

/* notify_sms_send - POST {"to": ..., "text": ...} as JSON to the gateway.
 * ERR_OK on a 2xx answer; else ERR_IO with *error_class "connect", "tls",
 * "timeout", "auth" (401/403), "rejected" (other 4xx) or "server" (5xx). */
enum err notify_sms_send(const struct notify_sms *m, const char **error_class);

#endif
