/*
 * sms_http.c - the SMS gateway over HTTP(S) with libcurl: one JSON POST
 * {"to": NUMBER, "text": MESSAGE} with "Authorization: Bearer TOKEN" to the
 * configured URL. Gateways that want another shape sit behind a small
 * adapter of the practice's; the interface stays this one. Never: follows
 * redirects, logs the number, the text or the token.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/mem.h"
#include "notify/notify.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* sink - the gateway's answer is not kept. */
static size_t sink(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

enum err notify_sms_send(const struct notify_sms *m, const char **cls)
{
	struct curl_slist *h = NULL, *h2;
	char auth[600], body[4096];
	size_t blen = 0;
	json_t *o;
	CURL *c = NULL;
	CURLcode rc;
	long status = 0;
	enum err e = ERR_OK;

	*cls = "config";
	if (m->url == NULL || m->to == NULL || m->text == NULL || strpbrk(m->token, "\r\n") ||
	    strlen(m->token) > 500)
		return ERR_INVAL;
	pthread_once(&once, global_init);
	o = json_pack("{s:s, s:s}", "to", m->to, "text", m->text);
	if (o != NULL)
		blen = json_dumpb(o, body, sizeof body - 1, JSON_COMPACT);
	json_decref(o);
	if (o == NULL || blen == 0 || blen >= sizeof body)
		return ERR_INVAL;
	body[blen] = '\0';
	c = curl_easy_init();
	h = curl_slist_append(NULL, "Content-Type: application/json");
	if (c == NULL || h == NULL)
		e = ERR_NOMEM;
	if (e == ERR_OK && m->token[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", m->token);
		h2 = curl_slist_append(h, auth);
		mem_wipe(auth, sizeof auth);
		if (h2 == NULL)
			e = ERR_NOMEM;
		else
			h = h2;
	}
	if (e == ERR_OK) {
		curl_easy_setopt(c, CURLOPT_URL, m->url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_CONNECT_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)NOTIFY_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		rc = curl_easy_perform(c);
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (rc == CURLE_OPERATION_TIMEDOUT) {
			*cls = "timeout";
			e = ERR_IO;
		} else if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION) {
			*cls = "tls";
			e = ERR_IO;
		} else if (rc != CURLE_OK) {
			*cls = "connect";
			e = ERR_IO;
		} else if (status < 200 || status > 299) {
			*cls = status == 401 || status == 403 ? "auth"
			       : status >= 500                ? "server"
			                                      : "rejected";
			e = ERR_IO;
		}
	}
	curl_slist_free_all(h);
	if (c != NULL)
		curl_easy_cleanup(c);
	mem_wipe(body, sizeof body);
	return e;
}
