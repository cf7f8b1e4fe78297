/*
 * json.c - strict JSON decoding for request bodies (jansson). jansson
 * already refuses invalid UTF-8, "\u0000" in strings (with our flags) and
 * duplicate keys (JSON_REJECT_DUPLICATES); here we add a nesting limit,
 * checked on the raw bytes before parsing, and the allowed-keys check.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/jw.h"
#include "core/mem.h"

/* jansson holds decoded PHI in its own allocations: wipe them on free. */
static void *json_mem_alloc(size_t n)
{
	return malloc(n);
}

static void json_mem_free(void *p)
{
	if (p != NULL)
		mem_wipe(p, malloc_usable_size(p));
	free(p);
}

void api_json_init(void)
{
	json_set_alloc_funcs(json_mem_alloc, json_mem_free);
}

/* depth_ok - the deepest [ or { nesting outside strings is <= max. */
static int depth_ok(const char *p, size_t n, unsigned max)
{
	unsigned depth = 0;
	int in_str = 0, esc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > max)
				return 0;
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return 1;
}

enum err api_json_object(const struct http_request *rq, struct http_response *rs,
                         const char *const *allowed, void **out)
{
	json_error_t jerr;
	json_t *root;
	const char *key;
	json_t *val;

	if (!depth_ok(rq->body, rq->body_len, API_JSON_DEPTH_MAX)) {
		rs->message = "JSON is nested too deeply";
		return ERR_INVAL;
	}
	root = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		rs->message = "body is not valid JSON";
		return ERR_INVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		rs->message = "body must be a JSON object";
		return ERR_INVAL;
	}
	json_object_foreach(root, key, val)
	{
		const char *const *a;
		int ok = 0;

		(void)val;
		for (a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = 1;
		if (!ok) {
			json_decref(root);
			rs->message = "body has a field this request does not accept";
			return ERR_INVAL;
		}
	}
	*out = root;
	return ERR_OK;
}

/* Where json_dump_callback writes: the response body, and the first error. */
struct sink {
	struct buf *b; /* the body */
	enum err e;    /* ERR_OK until an append fails */
};

static int sink_put(const char *p, size_t n, void *arg)
{
	struct sink *k = arg;

	k->e = buf_append(k->b, p, n);
	return k->e == ERR_OK ? 0 : -1;
}

enum err api_json_send(struct http_response *rs, void *v)
{
	struct sink k = {.b = &rs->body, .e = ERR_OK};
	int rc;

	/* Straight into the body: no intermediate text to grow, copy and wipe
	 * (json_dumps built one, then buf_puts copied it). */
	rc = json_dump_callback((json_t *)v, sink_put, &k, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref((json_t *)v);
	if (rc != 0)
		return k.e != ERR_OK ? k.e : ERR_NOMEM;
	return ERR_OK;
}

void api_jw_json(struct jw *w, const void *value)
{
	const json_t *v = value;
	const char *key;
	json_t *m;
	size_t i;

	if (jw_error(w) != ERR_OK)
		return; /* also bounds the recursion: jw stops at its depth limit */
	if (v == NULL) {
		jw_fail(w, ERR_NOMEM); /* a jansson value that could not be made */
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_object_begin(w);
		json_object_foreach((json_t *)(uintptr_t)v, key, m)
		{
			jw_key(w, key);
			api_jw_json(w, m);
		}
		jw_object_end(w);
		break;
	case JSON_ARRAY:
		jw_array_begin(w);
		for (i = 0; i < json_array_size(v); i++)
			api_jw_json(w, json_array_get(v, i));
		jw_array_end(w);
		break;
	case JSON_STRING: jw_string_n(w, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: jw_int(w, json_integer_value(v)); break;
	case JSON_TRUE: jw_bool(w, 1); break;
	case JSON_FALSE: jw_bool(w, 0); break;
	case JSON_NULL: jw_null(w); break;
	default:
		/* reals: no answer written with jw carries one (jansson's own
		 * number format would have to be matched first) */
		jw_fail(w, ERR_INTERNAL);
		break;
	}
}

json_t *api_time_json(int64_t t)
{
	char s[32];
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(s);
}

int api_public_id_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

enum err api_str_member(void *o, const char *name, int required, const char **out,
                        struct http_response *rs, const char *message)
{
	json_t *v = json_object_get(o, name);

	*out = json_is_string(v) ? json_string_value(v) : NULL;
	if ((v != NULL && !json_is_string(v) && !json_is_null(v)) ||
	    (required && (*out == NULL || (*out)[0] == '\0'))) {
		*out = NULL;
		rs->message = message;
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* ---- bodies whose unknown fields are named back ------------------------- */

enum err api_json_body(const struct http_request *rq, struct http_response *rs, void **out)
{
	json_t *root;

	if (!depth_ok(rq->body, rq->body_len, API_JSON_DEPTH_MAX)) {
		rs->message = "JSON is nested too deeply";
		return ERR_INVAL;
	}
	root = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, NULL);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		rs->message = "body must be a JSON object";
		return ERR_INVAL;
	}
	*out = root;
	return ERR_OK;
}

/* name_ok - s looks like a field name (so naming it back echoes no data). */
static int name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 40 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		                 (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0;
}

enum err api_json_keys(void *object, const char *where, const char *const *allowed,
                       struct http_response *rs)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)object, key, val)
	{
		const char *const *a;
		int ok = 0;

		(void)val;
		for (a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = 1;
		if (ok)
			continue;
		if (name_ok(key))
			snprintf(rs->message_buf, sizeof rs->message_buf,
			         "%s has a field it does not accept: %s", where, key);
		else
			snprintf(rs->message_buf, sizeof rs->message_buf,
			         "%s has a field it does not accept", where);
		rs->message = rs->message_buf;
		return ERR_INVAL;
	}
	return ERR_OK;
}
