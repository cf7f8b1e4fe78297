/*
 * export.c - the right-of-access routes (see api/export.h): the export in
 * FHIR or HTML, and access requests with their due dates. Handlers stay
 * thin: parse, one domain call, render after the connection is given back.
 * Never: decides who may (domain/export.c does), echoes input in an error,
 * or puts anything but ids in a query string.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/documents.h"
#include "api/export.h"
#include "core/mem.h"

/* call - run the domain call in a context for this request, carrying its
 * message to the response on failure. */
#define CALL(app, rq, rs, ctx, e, expr)                                                            \
	do {                                                                                       \
		(e) = api_begin((app), (rq), &(ctx));                                              \
		if ((e) == ERR_OK) {                                                               \
			(e) = (expr);                                                              \
			if ((e) != ERR_OK && (ctx).message != NULL)                                \
				(rs)->message = (ctx).message;                                     \
			api_end((app), &(ctx));                                                    \
		}                                                                                  \
	} while (0)

enum err api_export_get(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	const char *format = http_request_query(rq, "format");
	const char *request = http_request_query(rq, "request");
	struct export_record *r;
	struct domain_ctx ctx;
	int html, pdf;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	html = format != NULL && strcmp(format, "html") == 0;
	pdf = format != NULL && strcmp(format, "pdf") == 0;
	if (format != NULL && !html && !pdf && strcmp(format, "fhir") != 0) {
		rs->message = "format must be fhir, html or pdf";
		return ERR_INVAL;
	}
	if (request != NULL && !api_public_id_ok(request)) {
		rs->message = "request must be the id of an access request of this client";
		return ERR_INVAL;
	}
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return ERR_NOMEM;
	CALL(app, rq, rs, ctx, e,
	     domain_export_collect(&ctx, rq->param[0], request,
	                           pdf    ? "pdf"
	                           : html ? "html"
	                                  : "fhir",
	                           r));
	if (e == ERR_OK && pdf) {
		e = api_export_pdf(r, &rs->body);
		rs->content_type = "application/pdf";
		snprintf(rs->disposition, sizeof rs->disposition,
		         "attachment; filename=\"record-%s.pdf\"", rq->param[0]);
		export_record_cleanup(r);
	} else if (e == ERR_OK) {
		e = html ? api_export_html(r, &rs->body) : api_export_fhir(r, &rs->body);
		if (html) {
			rs->content_type = "text/html; charset=utf-8";
			rs->sandbox = 1; /* a document to read and print, never a page that runs */
		} else {
			rs->content_type = "application/fhir+json";
			snprintf(rs->disposition, sizeof rs->disposition,
			         "attachment; filename=\"record-%s.fhir.json\"", rq->param[0]);
		}
		export_record_cleanup(r);
	}
	free(r);
	return e;
}

/* ---- access requests ------------------------------------------------ */

static json_t *opt_str(const char *s)
{
	return s != NULL && s[0] ? json_string(s) : json_null();
}

static json_t *opt_time(int64_t t)
{
	return t ? api_time_json(t) : json_null();
}

static json_t *request_json(const struct access_request *r)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:o}", "id", r->public_id,
	                      "client", r->client_public_id, "kind", r->kind, "jurisdiction",
	                      r->jurisdiction, "requested_by", r->requested_by_public_id,
	                      "requested_via", r->requested_via, "received_on", r->received_on,
	                      "due_on", r->due_on, "status",
	                      r->fulfilled_at  ? "fulfilled"
	                      : r->extended_at ? "extended"
	                                       : "open",
	                      "overdue", r->overdue, "created_at", api_time_json(r->created_at));

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "extended_at", opt_time(r->extended_at));
	json_object_set_new(o, "extended_by", opt_str(r->extended_by_public_id));
	json_object_set_new(o, "extension_reason", opt_str(r->extension_reason));
	json_object_set_new(o, "fulfilled_at", opt_time(r->fulfilled_at));
	json_object_set_new(o, "fulfilled_by", opt_str(r->fulfilled_by_public_id));
	json_object_set_new(o, "export", opt_str(r->export_id));
	return o;
}

enum err api_access_request_create(struct app *app, const struct http_request *rq,
                                   struct http_response *rs)
{
	static const char *const allowed[] = {"kind", "jurisdiction", "received_on", NULL};
	const char *kind = NULL, *jur = NULL, *received = NULL;
	struct access_request r;
	struct domain_ctx ctx;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	memset(&r, 0, sizeof r);
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = api_str_member(root, "kind", 1, &kind, rs,
		                   "kind (access or portability) is required");
	if (e == ERR_OK)
		e = api_str_member(root, "jurisdiction", 1, &jur, rs,
		                   "jurisdiction (hipaa or gdpr) is required");
	if (e == ERR_OK)
		e = api_str_member(root, "received_on", 0, &received, rs,
		                   "received_on must be a date (YYYY-MM-DD)");
	if (e == ERR_OK &&
	    (strlen(kind) >= sizeof r.kind || strlen(jur) >= sizeof r.jurisdiction)) {
		rs->message = strlen(kind) >= sizeof r.kind ? "kind must be access or portability"
		                                            : "jurisdiction must be hipaa or gdpr";
		e = ERR_INVAL;
	}
	if (e == ERR_OK && received != NULL && strlen(received) != 10) {
		rs->message = "received_on must be a date (YYYY-MM-DD), not in the future";
		e = ERR_INVAL;
	}
	if (e == ERR_OK) {
		snprintf(r.kind, sizeof r.kind, "%s", kind);
		snprintf(r.jurisdiction, sizeof r.jurisdiction, "%s", jur);
		snprintf(r.received_on, sizeof r.received_on, "%s", received ? received : "");
		CALL(app, rq, rs, ctx, e, domain_access_request_add(&ctx, rq->param[0], &r));
	}
	if (e == ERR_OK) {
		rs->status = 201;
		e = api_json_send(rs, request_json(&r));
	}
	access_request_cleanup(&r);
	json_decref(root);
	return e;
}

/* list - a client's requests, or the practice's open ones (id NULL). */
static enum err list(struct app *app, const struct http_request *rq, struct http_response *rs,
                     const char *id)
{
	struct access_request *rs_ = mem_calloc_array(ACCESS_REQUESTS_MAX, sizeof *rs_);
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (rs_ == NULL)
		return ERR_NOMEM;
	CALL(app, rq, rs, ctx, e,
	     domain_access_request_list(&ctx, id, rs_, ACCESS_REQUESTS_MAX, &n));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, request_json(&rs_[i]));
		e = arr ? api_json_send(rs, json_pack("{s:o}", "requests", arr)) : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		access_request_cleanup(&rs_[i]);
	free(rs_);
	return e;
}

enum err api_access_request_list(struct app *app, const struct http_request *rq,
                                 struct http_response *rs)
{
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	return list(app, rq, rs, rq->param[0]);
}

enum err api_access_request_open(struct app *app, const struct http_request *rq,
                                 struct http_response *rs)
{
	return list(app, rq, rs, NULL);
}

enum err api_access_request_extend(struct app *app, const struct http_request *rq,
                                   struct http_response *rs)
{
	static const char *const allowed[] = {"reason", NULL};
	struct access_request r;
	struct domain_ctx ctx;
	const char *reason = NULL;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	memset(&r, 0, sizeof r);
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = api_str_member(
		        root, "reason", 1, &reason, rs,
		        "reason (the written reason the requester is given) is required");
	if (e == ERR_OK)
		CALL(app, rq, rs, ctx, e,
		     domain_access_request_extend(&ctx, rq->param[0], reason, &r));
	if (e == ERR_OK)
		e = api_json_send(rs, request_json(&r));
	access_request_cleanup(&r);
	json_decref(root);
	return e;
}
