/*
 * notes.c - progress notes over HTTP:
 *   POST /api/v1/clients/{id}/notes    {"template", "date", "fields": {...}} -> draft
 *   GET  /api/v1/clients/{id}/notes    list (no text), newest first, ?before= cursor
 *   GET  /api/v1/notes/{id}            one note with its fields and addenda
 *   PATCH /api/v1/notes/{id}           {"version", "date"?, "fields"} (drafts only)
 *   POST /api/v1/notes/{id}/sign | /cosign | /addenda {"text"}
 *   GET  /api/v1/note-templates        the templates and their fields
 * The fields of a template (built-in or the practice's, api/note_templates.c) become one canonical
 * JSON document (sorted keys, compact): what is sealed, and what the signature hash covers.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/plans.h"
#include "core/mem.h"
#include "api/records.h"
#include "domain/note_templates.h"
#include "domain/notes.h"
#include "domain/risk.h"

#define NOTES_PAGE 50
#define ADDENDA_MAX 100

static const char *status_name(int s)
{
	return s == NOTE_DRAFT ? "draft" : s == NOTE_COSIGN ? "awaiting_cosign" : "signed";
}

static json_t *hex_json(const unsigned char h[32])
{
	static const char digits[] = "0123456789abcdef";
	char s[65];
	unsigned i;

	for (i = 0; i < 32; i++) {
		s[2 * i] = digits[h[i] >> 4];
		s[2 * i + 1] = digits[h[i] & 15];
	}
	s[64] = '\0';
	return json_string(s);
}

/* note_json - a note; its fields when it has text. */
static json_t *note_json(const struct note *n)
{
	json_t *o =
	        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:o,s:o}", "id", n->public_id, "client",
	                  n->client_public_id, "template", n->template_name, "date", n->date,
	                  "status", status_name(n->status), "author", n->author_public_id,
	                  "version", (json_int_t)n->version, "created_at",
	                  api_time_json(n->created_at), "updated_at", api_time_json(n->updated_at));

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "author_name", json_string(n->author_name));
	if (n->signed_at) {
		json_object_set_new(o, "signed_at", api_time_json(n->signed_at));
		json_object_set_new(o, "content_hash", hex_json(n->content_hash));
	}
	if (n->cosigned_at)
		json_object_set_new(o, "cosigned_at", api_time_json(n->cosigned_at));
	if (n->content != NULL) {
		json_t *fields = json_loads(n->content, JSON_REJECT_DUPLICATES, NULL);

		json_object_set_new(o, "fields", fields ? fields : json_object());
	}
	return o;
}

static enum err send_note(struct http_response *rs, const struct note *n, unsigned status)
{
	json_t *o = note_json(n);

	if (o == NULL)
		return ERR_NOMEM;
	rs->status = status;
	return api_json_send(rs, o);
}

/* put_str - s as a JSON string into b: quotes, backslashes and control
 * characters escaped; other bytes as they are (text that reached here was
 * valid UTF-8 when it was decoded). */
static void put_str(struct buf *b, const char *s, enum err *e)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};
	char two[2] = {'\\', 0};

	if (*e == ERR_OK)
		*e = buf_append(b, "\"", 1);
	for (; *e == ERR_OK && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		*e = buf_append(b, run, (size_t)(s - run));
		if (*e != ERR_OK)
			break;
		if (c == '"' || c == '\\') {
			two[1] = (char)c;
			*e = buf_append(b, two, sizeof two);
		} else {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			*e = buf_append(b, esc, sizeof esc);
		}
		run = s + 1;
	}
	if (*e == ERR_OK)
		*e = buf_append(b, run, (size_t)(s - run));
	if (*e == ERR_OK)
		*e = buf_append(b, "\"", 1);
}

/* send_draft - the response to a new draft, written straight into the
 * body: the same members note_json gives it, but its fields are the
 * canonical JSON text just sealed (api_note_fields made it), copied as
 * they are instead of parsed into a tree and dumped again (that was a
 * fifth of a save's instructions). */
static enum err send_draft(struct http_response *rs, const struct note *n)
{
	char t[32], v[24];
	struct tm tm;
	time_t tt = (time_t)n->created_at;
	enum err e = ERR_OK;

	if (n->content == NULL || n->status != NOTE_DRAFT || n->updated_at != n->created_at)
		return send_note(rs, n, 201);
	gmtime_r(&tt, &tm);
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(v, sizeof v, "%lld", (long long)n->version);
	e = buf_puts(&rs->body, "{\"id\":");
	put_str(&rs->body, n->public_id, &e);
	if (e == ERR_OK)
		e = buf_puts(&rs->body, ",\"client\":");
	put_str(&rs->body, n->client_public_id, &e);
	if (e == ERR_OK)
		e = buf_puts(&rs->body, ",\"template\":");
	put_str(&rs->body, n->template_name, &e);
	if (e == ERR_OK)
		e = buf_puts(&rs->body, ",\"date\":");
	put_str(&rs->body, n->date, &e);
	if (e == ERR_OK)
		e = buf_puts(&rs->body, ",\"status\":\"draft\",\"author\":");
	put_str(&rs->body, n->author_public_id, &e);
	if (e == ERR_OK)
		e = buf_printf(&rs->body,
		               ",\"version\":%s,\"created_at\":\"%s\",\"updated_at\":\"%s\","
		               "\"author_name\":",
		               v, t, t);
	put_str(&rs->body, n->author_name, &e);
	if (e == ERR_OK)
		e = buf_puts(&rs->body, ",\"fields\":");
	if (e == ERR_OK)
		e = buf_puts(&rs->body, n->content);
	if (e == ERR_OK)
		e = buf_puts(&rs->body, "}");
	if (e == ERR_OK)
		rs->status = 201;
	return e;
}

static enum err str_member(json_t *o, const char *name, const char **out)
{
	json_t *v = json_object_get(o, name);

	*out = json_is_string(v) ? json_string_value(v) : NULL;
	return v == NULL || json_is_string(v) ? ERR_OK : ERR_INVAL;
}

enum err api_note_create(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"template", "date", "fields", NULL};
	struct note_template_def t;
	struct note_risk risk;
	struct domain_ctx ctx;
	const char *tmpl = NULL, *date = NULL;
	struct note n;
	void *root = NULL;
	enum err e;

	memset(&n, 0, sizeof n);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	if (str_member(root, "template", &tmpl) != ERR_OK || tmpl == NULL ||
	    strlen(tmpl) >= sizeof n.template_name) {
		rs->message = api_note_template_unknown;
		e = ERR_INVAL;
		goto out;
	}
	if (str_member(root, "date", &date) != ERR_OK || date == NULL || strlen(date) != 10) {
		rs->message = "date must be YYYY-MM-DD";
		e = ERR_INVAL;
		goto out;
	}
	memcpy(n.template_name, tmpl, strlen(tmpl) + 1);
	memcpy(n.date, date, 11);
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		goto out;
	/* Built-in or the practice's: the fields, labels and limits it has. */
	e = domain_note_template_find(&ctx, tmpl, &t);
	if (e == ERR_NOTFOUND) {
		rs->message = api_note_template_unknown;
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = api_note_fields(json_object_get(root, "fields"), &t, rs, &n.content, &risk);
	if (e == ERR_OK) {
		n.risk = &risk;
		e = domain_note_create(&ctx, rq->param[0], &n);
		if (e == ERR_INVAL)
			rs->message = ctx.message;
	}
	api_end(app, &ctx);
	if (e == ERR_OK) {
		memcpy(n.client_public_id, rq->param[0], 33);
		snprintf(rs->location, sizeof rs->location, "/api/v1/notes/%s", n.public_id);
		e = send_draft(rs, &n);
	}
out:
	json_decref(root);
	note_cleanup(&n);
	return e;
}

enum err api_note_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct note *ns;
	const char *b = http_request_query(rq, "before");
	long long before = 0;
	size_t n = 0, i;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (b != NULL) {
		char *end;

		before = strtoll(b, &end, 10);
		if (*end != '\0' || before <= 0) {
			rs->message = "before must be a cursor from a previous page";
			return ERR_INVAL;
		}
	}
	ns = calloc(NOTES_PAGE, sizeof *ns);
	if (ns == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_list(&ctx, rq->param[0], before, ns, NOTES_PAGE, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK)
		e = api_note_page_send(rs, ns, n, NOTES_PAGE); /* api/note_page.c */
	for (i = 0; i < n; i++)
		note_cleanup(&ns[i]);
	free(ns);
	return e;
}

enum err api_note_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct addendum *adds;
	struct domain_ctx ctx;
	struct note n;
	size_t na = 0, i;
	json_t *o, *arr;
	void *linked = NULL; /* amendment requests about the note: they travel with it */
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	adds = calloc(ADDENDA_MAX, sizeof *adds);
	if (adds == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_get(&ctx, rq->param[0], &n, adds, ADDENDA_MAX, &na);
		if (e == ERR_OK) {
			e = api_amendments_linked(&ctx, "note", rq->param[0], &linked);
			if (e != ERR_OK)
				note_cleanup(&n);
		}
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		o = note_json(&n);
		arr = json_array();
		for (i = 0; i < na; i++)
			json_array_append_new(
			        arr, json_pack("{s:s,s:s,s:s,s:o,s:o}", "author",
			                       adds[i].author_public_id, "author_name",
			                       adds[i].author_name, "text", adds[i].text,
			                       "signed_at", api_time_json(adds[i].created_at),
			                       "content_hash", hex_json(adds[i].hash)));
		json_object_set_new(o, "addenda", arr);
		json_object_set_new(o, "amendments", (json_t *)linked);
		e = api_json_send(rs, o);
		note_cleanup(&n);
	}
	for (i = 0; i < na; i++)
		addendum_cleanup(&adds[i]);
	free(adds);
	return e;
}

enum err api_note_update(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = {"version", "date", "fields", "template", NULL};
	struct note_template_def t;
	struct note_risk risk;
	struct domain_ctx ctx;
	struct note cur, n;
	const char *date = NULL, *tmpl = NULL;
	void *root = NULL;
	json_t *ver;
	enum err e;

	memset(&n, 0, sizeof n);
	memset(&cur, 0, sizeof cur);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	ver = json_object_get(root, "version");
	if (!json_is_integer(ver) || str_member(root, "date", &date) != ERR_OK ||
	    str_member(root, "template", &tmpl) != ERR_OK) {
		rs->message = "version (an integer) is required; date and template are strings";
		e = ERR_INVAL;
		goto out;
	}
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		goto out;
	/* The current note tells the template and the date to keep. */
	e = domain_note_get(&ctx, rq->param[0], &cur, NULL, 0, NULL);
	if (e == ERR_OK) {
		enum err te = domain_note_template_find(&ctx, cur.template_name, &t);

		if (tmpl != NULL && strcmp(tmpl, cur.template_name) != 0) {
			rs->message = "a note's template cannot change";
			e = ERR_INVAL;
		} else if (te != ERR_OK) {
			e = ERR_INTERNAL;
		} else {
			memcpy(n.public_id, cur.public_id, 33);
			memcpy(n.template_name, cur.template_name, sizeof n.template_name);
			snprintf(n.date, sizeof n.date, "%s", date ? date : cur.date);
			if (date != NULL && strlen(date) != 10) {
				rs->message = "date must be YYYY-MM-DD";
				e = ERR_INVAL;
			}
			if (e == ERR_OK)
				e = api_note_fields(json_object_get(root, "fields"), &t, rs,
				                    &n.content, &risk);
			n.risk = &risk;
			n.version = json_integer_value(ver);
		}
	}
	if (e == ERR_OK) {
		e = domain_note_update(&ctx, &n);
		if (e != ERR_OK)
			rs->message = ctx.message;
	}
	api_end(app, &ctx);
	if (e == ERR_OK) {
		n.client_id = cur.client_id;
		memcpy(n.client_public_id, cur.client_public_id, 33);
		memcpy(n.author_public_id, cur.author_public_id, 33);
		memcpy(n.author_name, cur.author_name, sizeof n.author_name);
		n.created_at = cur.created_at;
		e = send_note(rs, &n, 200);
	}
out:
	json_decref(root);
	note_cleanup(&cur);
	note_cleanup(&n);
	return e;
}

enum err api_note_sign(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct domain_ctx ctx;
	struct note n;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_note_sign(&ctx, rq->param[0], &n);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		e = send_note(rs, &n, 200);
		note_cleanup(&n);
	}
	return e;
}

/* simple_post - a POST whose body is {} or {"text"} and whose answer is {}. */
static enum err simple_post(struct app *app, const struct http_request *rq,
                            struct http_response *rs, int with_text)
{
	static const char *const none[] = {NULL};
	static const char *const text_only[] = {"text", NULL};
	struct domain_ctx ctx;
	const char *text = NULL;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (with_text || rq->body_len > 0) {
		e = api_json_object(rq, rs, with_text ? text_only : none, &root);
		if (e != ERR_OK)
			return e;
	}
	if (with_text && (str_member(root, "text", &text) != ERR_OK || text == NULL)) {
		json_decref(root);
		rs->message = "text is required";
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = with_text ? domain_note_addendum(&ctx, rq->param[0], text)
		              : domain_note_cosign(&ctx, rq->param[0]);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	json_decref(root);
	if (e == ERR_OK && with_text)
		rs->status = 201;
	return e == ERR_OK ? api_json_send(rs, json_object()) : e;
}

enum err api_note_cosign(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return simple_post(app, rq, rs, 0);
}

enum err api_note_addendum(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	return simple_post(app, rq, rs, 1);
}

enum err api_note_templates(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	/* Built-in and practice-defined (api/note_templates.c). */
	return api_note_template_list(app, rq, rs);
}
