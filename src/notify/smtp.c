/*
 * smtp.c - email through the practice's SMTP server with libcurl: an
 * RFC 5322 plain-text message, STARTTLS required (or implicit TLS, or none
 * for a relay on this machine, which the caller checks), certificate
 * verification on. Never: logs the message, the recipient or the password.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "notify/notify.h"

#define MAIL_MAX (64 * 1024) /* largest message */

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* one_line - s has no CR or LF (a header value cannot inject headers). */
static int one_line(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

/* Upload state: the message, read in pieces. */
struct upload {
	const char *data; /* the message */
	size_t len;       /* its length */
	size_t at;        /* bytes given so far */
};

static size_t reader(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nmemb, n = u->len - u->at;

	if (n > room)
		n = room;
	memcpy(ptr, u->data + u->at, n);
	u->at += n;
	return n;
}

/* error_class - a short class for a libcurl result. */
static const char *error_class(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING: return "connect";
	case CURLE_OPERATION_TIMEDOUT: return "timeout";
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE: return "tls";
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR: return "auth";
	default: return "rejected";
	}
}

/* compose - the message: headers and body. */
static enum err compose(const struct notify_mail *m, struct buf *b)
{
	char date[64], id[40];
	unsigned char r[12];
	time_t t = (time_t)m->date;
	struct tm tm;
	FILE *f;
	size_t i;

	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	f = fopen("/dev/urandom", "rb");
	if (f == NULL || fread(r, 1, sizeof r, f) != sizeof r) {
		if (f != NULL)
			fclose(f);
		return ERR_IO;
	}
	fclose(f);
	for (i = 0; i < sizeof r; i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
	return buf_printf(b,
	                  "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
	                  "Message-ID: <%s@confidant>\r\nMIME-Version: 1.0\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n"
	                  "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
	                  date, m->from, m->to, m->subject, id, m->text);
}

enum err notify_smtp_send(const struct notify_mail *m, const char **cls)
{
	struct curl_slist *rcpt = NULL;
	struct upload u;
	struct buf msg;
	char url[512], from[300], to[300];
	CURL *c = NULL;
	CURLcode rc;
	enum err e;

	*cls = "config";
	if (!one_line(m->host) || !one_line(m->from) || !one_line(m->to) || !one_line(m->subject) ||
	    m->host[0] == '\0' || m->port <= 0 || m->port > 65535 || strchr(m->to, '>') ||
	    strchr(m->from, '>'))
		return ERR_INVAL;
	pthread_once(&once, global_init);
	buf_init(&msg, MAIL_MAX, 1);
	e = compose(m, &msg);
	if (e == ERR_OK &&
	    (strchr(m->host, ':') && m->host[0] != '['
	             ? snprintf(url, sizeof url, "%s://[%s]:%d",
	                        m->security == 2 ? "smtps" : "smtp", m->host, m->port)
	             : snprintf(url, sizeof url, "%s://%s:%d", m->security == 2 ? "smtps" : "smtp",
	                        m->host, m->port)) >= (int)sizeof url)
		e = ERR_INVAL;
	snprintf(from, sizeof from, "<%s>", m->from);
	snprintf(to, sizeof to, "<%s>", m->to);
	if (e == ERR_OK) {
		c = curl_easy_init();
		rcpt = curl_slist_append(NULL, to);
		if (c == NULL || rcpt == NULL)
			e = ERR_NOMEM;
	}
	if (e == ERR_OK) {
		u.data = msg.data;
		u.len = msg.len;
		u.at = 0;
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_CONNECT_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)NOTIFY_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_USE_SSL,
		                 m->security == 1 ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		if (m->username != NULL && m->username[0]) {
			curl_easy_setopt(c, CURLOPT_USERNAME, m->username);
			curl_easy_setopt(c, CURLOPT_PASSWORD, m->password ? m->password : "");
		}
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, reader);
		curl_easy_setopt(c, CURLOPT_READDATA, &u);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		rc = curl_easy_perform(c);
		if (rc != CURLE_OK) {
			*cls = error_class(rc);
			e = ERR_IO;
		}
	}
	curl_slist_free_all(rcpt);
	if (c != NULL)
		curl_easy_cleanup(c);
	buf_cleanup(&msg);
	return e;
}
