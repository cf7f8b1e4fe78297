/*
 * consent.c - consents and disclosures over HTTP:
 *   GET  /api/v1/consent-templates             {"templates": [...]}
 *   POST /api/v1/consent-templates             {"purpose","title","body","effective_from",
 *                                               "requires_reconsent"} -> 201 (owner)
 *   GET  /api/v1/consent-templates/{id}        one version
 *   POST /api/v1/clients/{id}/consents/preview {request} -> {"text","text_hash"}
 *   POST /api/v1/clients/{id}/consents         {request, "text_hash"} -> 201
 *   GET  /api/v1/clients/{id}/consents         {"consents": [...]} (history, newest first)
 *   POST /api/v1/consents/{id}/withdraw        {} -> the consent, withdrawn
 *   POST /api/v1/clients/{id}/disclosures      {"authorization"} -> the disclosure and a
 *                                              FHIR R4 Bundle of what was released
 *                                              ("format": "pdf": the packet as one PDF
 *                                              instead; "both": the JSON with "pdf" too)
 *   GET  /api/v1/clients/{id}/disclosures      the accounting of the last six years
 * A request: {"template", "signer"?, "signed_name", and for a release
 * "recipient", "description", "release_purpose", "expires_on" and/or
 * "expiry_event", "scope"}. Names, recipients and texts are PHI: bodies
 * are wiped when freed (api_json_init).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/consent.h"
#include "api/documents.h"
#include "api/fhir.h"
#include "api/telehealth.h"
#include "core/mem.h"
#include "domain/consent.h"

static json_t *str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *hex_json(const unsigned char *p, size_t n)
{
	char hex[65];
	size_t i;

	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	hex[2 * i] = '\0';
	return json_string(hex);
}

static json_t *template_json(const struct consent_template *t, int with_body)
{
	json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:s,s:b,s:s,s:o}", "id", t->public_id, "purpose",
	                      t->purpose, "version", (json_int_t)t->version, "title", t->title,
	                      "effective_from", t->effective_from, "requires_reconsent",
	                      t->requires_reconsent, "created_by", t->created_by_public_id,
	                      "created_at", api_time_json(t->created_at));

	if (o != NULL && with_body)
		json_object_set_new(o, "body", json_string(t->body));
	return o;
}

static json_t *consent_json(const struct consent *c)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:s,s:o,s:s,s:s,s:o,s:o,s:s}", "id", c->public_id,
	                      "client", c->client_public_id, "template", c->template_public_id,
	                      "template_version", (json_int_t)c->template_version, "purpose",
	                      c->purpose, "signed_name", str_or_null(c->signed_name), "signer",
	                      c->signer_role, "recorded_by", c->recorded_by_public_id, "signed_at",
	                      api_time_json(c->signed_at), "text_hash",
	                      hex_json(c->text_hash, sizeof c->text_hash), "status",
	                      c->withdrawn_at ? "withdrawn" : "given");

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "source", str_or_null(c->source));
	json_object_set_new(o, "withdrawn_at",
	                    c->withdrawn_at ? api_time_json(c->withdrawn_at) : json_null());
	json_object_set_new(o, "withdrawn_by", str_or_null(c->withdrawn_by_public_id));
	if (strcmp(c->purpose, "release") == 0) {
		json_object_set_new(o, "recipient", str_or_null(c->recipient));
		json_object_set_new(o, "description", str_or_null(c->description));
		json_object_set_new(o, "release_purpose", str_or_null(c->release_purpose));
		json_object_set_new(o, "expires_on", str_or_null(c->expires_on));
		json_object_set_new(o, "expiry_event", str_or_null(c->expiry_event));
		json_object_set_new(o, "scope", str_or_null(c->scope));
	}
	return o;
}

/* ---- templates ------------------------------------------------------ */

#define TEMPLATES_MAX 200

enum err api_consent_template_list(struct app *app, const struct http_request *rq,
                                   struct http_response *rs)
{
	struct consent_template *ts = mem_calloc_array(TEMPLATES_MAX, sizeof *ts);
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (ts == NULL)
		return ERR_NOMEM;
	API_CALL(app, rq, rs, ctx, domain_consent_template_list(&ctx, ts, TEMPLATES_MAX, &n));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, template_json(&ts[i], 0));
		e = arr ? api_json_send(rs, json_pack("{s:o}", "templates", arr)) : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		consent_template_cleanup(&ts[i]);
	free(ts);
	return e;
}

enum err api_consent_template_get(struct app *app, const struct http_request *rq,
                                  struct http_response *rs)
{
	struct consent_template t;
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	memset(&t, 0, sizeof t);
	API_CALL(app, rq, rs, ctx, domain_consent_template_get(&ctx, rq->param[0], &t));
	if (e == ERR_OK)
		e = api_json_send(rs, template_json(&t, 1));
	consent_template_cleanup(&t);
	return e;
}

enum err api_consent_template_add(struct app *app, const struct http_request *rq,
                                  struct http_response *rs)
{
	static const char *const allowed[] = {
	        "purpose", "title", "body", "effective_from", "requires_reconsent", NULL};
	const char *purpose = NULL, *title = NULL, *body = NULL, *from = NULL;
	struct consent_template t;
	struct domain_ctx ctx;
	void *root = NULL;
	json_t *rc;
	enum err e;

	memset(&t, 0, sizeof t);
	e = api_json_object(rq, rs, allowed, &root);
	if (e != ERR_OK)
		return e;
	rc = json_object_get(root, "requires_reconsent");
	e = api_str_member(root, "purpose", 1, &purpose, rs, "purpose is required");
	if (e == ERR_OK)
		e = api_str_member(root, "title", 1, &title, rs, "title is required");
	if (e == ERR_OK)
		e = api_str_member(root, "body", 1, &body, rs, "body is required");
	if (e == ERR_OK)
		e = api_str_member(root, "effective_from", 1, &from, rs,
		                   "effective_from (YYYY-MM-DD) is required");
	if (e == ERR_OK && rc != NULL && !json_is_boolean(rc)) {
		rs->message = "requires_reconsent must be true or false";
		e = ERR_INVAL;
	}
	if (e == ERR_OK && (strlen(purpose) >= sizeof t.purpose || strlen(from) != 10)) {
		rs->message = strlen(from) != 10 ? "effective_from must be a date (YYYY-MM-DD)"
		                                 : "purpose is not a consent purpose";
		e = ERR_INVAL;
	}
	if (e == ERR_OK) {
		snprintf(t.purpose, sizeof t.purpose, "%s", purpose);
		snprintf(t.effective_from, sizeof t.effective_from, "%s", from);
		t.title = mem_strdup(title);
		t.body = mem_strdup(body);
		t.requires_reconsent = json_is_true(rc);
		e = t.title && t.body ? ERR_OK : ERR_NOMEM;
	}
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx, domain_consent_template_add(&ctx, &t));
	if (e == ERR_OK) {
		rs->status = 201;
		snprintf(rs->location, sizeof rs->location, "/api/v1/consent-templates/%s",
		         t.public_id);
		e = api_json_send(rs, template_json(&t, 1));
	}
	consent_template_cleanup(&t);
	json_decref(root);
	return e;
}

/* ---- consents ------------------------------------------------------- */

static const char *const request_fields[] = {
        "template",   "signer",       "signed_name", "recipient", "description", "release_purpose",
        "expires_on", "expiry_event", "scope",       "text_hash", NULL};

/* decode_request - the members of a consent request (borrowed from root). */
static enum err decode_request(json_t *root, struct consent_request *r, struct http_response *rs)
{
	static const struct {
		const char *name;
		size_t offset;
	} members[] = {
	        {"template", offsetof(struct consent_request, template_id)},
	        {"signer", offsetof(struct consent_request, signer)},
	        {"signed_name", offsetof(struct consent_request, signed_name)},
	        {"recipient", offsetof(struct consent_request, recipient)},
	        {"description", offsetof(struct consent_request, description)},
	        {"release_purpose", offsetof(struct consent_request, release_purpose)},
	        {"expires_on", offsetof(struct consent_request, expires_on)},
	        {"expiry_event", offsetof(struct consent_request, expiry_event)},
	        {"scope", offsetof(struct consent_request, scope)},
	};
	size_t i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < sizeof members / sizeof members[0]; i++) {
		const char **slot = (const char **)(void *)((char *)r + members[i].offset);
		enum err e = api_str_member(root, members[i].name, 0, slot, rs,
		                            "consent request fields must be strings");

		if (e != ERR_OK)
			return e;
	}
	if (r->template_id != NULL && !api_public_id_ok(r->template_id)) {
		rs->message = "template is not a consent template of this practice";
		return ERR_INVAL;
	}
	return ERR_OK;
}

enum err api_consent_preview(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct consent_request r;
	struct domain_ctx ctx;
	unsigned char hash[32];
	char *text = NULL;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, request_fields, &root);
	if (e == ERR_OK)
		e = decode_request(root, &r, rs);
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx,
		         domain_consent_text(&ctx, rq->param[0], &r, &text, hash));
	if (e == ERR_OK)
		e = api_json_send(rs, json_pack("{s:s,s:o}", "text", text, "text_hash",
		                                hex_json(hash, sizeof hash)));
	mem_free_wiped_str(text);
	json_decref(root);
	return e;
}

static int nibble(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int unhex(const char *s, unsigned char out[32])
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return 0;
	for (i = 0; i < 32; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 1;
}

enum err api_consent_give(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct consent_request r;
	struct domain_ctx ctx;
	struct consent c;
	unsigned char hash[32];
	const char *hex = NULL;
	void *root = NULL;
	enum err e;

	memset(&c, 0, sizeof c);
	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, request_fields, &root);
	if (e == ERR_OK)
		e = decode_request(root, &r, rs);
	if (e == ERR_OK)
		e = api_str_member(root, "text_hash", 1, &hex, rs,
		                   "text_hash (from the preview the signer saw) is required");
	if (e == ERR_OK && !unhex(hex, hash)) {
		rs->message = "text_hash must be 64 hex digits";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx, domain_consent_give(&ctx, rq->param[0], &r, hash, &c));
	if (e == ERR_OK) {
		rs->status = 201;
		e = api_json_send(rs, consent_json(&c));
	}
	consent_cleanup(&c);
	json_decref(root);
	return e;
}

enum err api_consent_list(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	struct consent *cs;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	cs = mem_calloc_array(CONSENTS_PER_CLIENT_MAX, sizeof *cs);
	if (cs == NULL)
		return ERR_NOMEM;
	API_CALL(app, rq, rs, ctx,
	         domain_consent_list(&ctx, rq->param[0], cs, CONSENTS_PER_CLIENT_MAX, &n));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, consent_json(&cs[i]));
		e = arr ? api_json_send(rs, json_pack("{s:o}", "consents", arr)) : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		consent_cleanup(&cs[i]);
	free(cs);
	return e;
}

enum err api_consent_withdraw(struct app *app, const struct http_request *rq,
                              struct http_response *rs)
{
	static const char *const none[] = {NULL};
	struct domain_ctx ctx;
	void *root = NULL;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	e = api_json_object(rq, rs, none, &root);
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx, domain_consent_withdraw(&ctx, rq->param[0]));
	json_decref(root);
	if (e == ERR_OK) /* a withdrawn telehealth consent ends the client's video now */
		api_telehealth_signal_withdrawn(app, rq, rq->param[0]);
	if (e == ERR_OK)
		e = api_json_send(
		        rs, json_pack("{s:s,s:s}", "id", rq->param[0], "status", "withdrawn"));
	return e;
}

/* ---- disclosures ---------------------------------------------------- */

static json_t *disclosure_json(const struct disclosure *d)
{
	return json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:s,s:s,s:o}", "id", d->public_id,
	                 "authorization", str_or_null(d->consent_public_id), "scope", d->scope,
	                 "recipient", str_or_null(d->recipient), "description",
	                 str_or_null(d->description), "purpose", str_or_null(d->purpose),
	                 "disclosed_by", d->disclosed_by_public_id, "client", "", "disclosed_at",
	                 api_time_json(d->disclosed_at));
}

/* packet_bundle - a FHIR R4 collection Bundle of exactly what the scope
 * released. */
static json_t *packet_bundle(const char *client_public_id, const struct disclosure_packet *p)
{
	json_t *entries = json_array();
	size_t i;

	if (entries == NULL)
		return NULL;
	if (p->has_demographics)
		json_array_append_new(entries,
		                      fhir_entry(fhir_patient(client_public_id, &p->client)));
	for (i = 0; p->has_diagnoses && i < p->ndx; i++)
		json_array_append_new(entries,
		                      fhir_entry(fhir_condition(client_public_id, &p->dx[i])));
	return fhir_bundle(p->d.public_id, "collection", p->d.disclosed_at, entries);
}

/* send_pdf - the packet p as the response: the PDF itself,
 * or (both) the usual JSON with the PDF as base64 in "pdf". */
static enum err send_pdf(const char *client, const struct disclosure_packet *p, int both,
                         struct http_response *rs)
{
	struct buf pdf;
	json_t *o = NULL;
	enum err e;

	rs->status = 201;
	if (!both) {
		e = api_disclosure_pdf(client, p, &rs->body);
		rs->content_type = "application/pdf";
		snprintf(rs->disposition, sizeof rs->disposition,
		         "attachment; filename=\"disclosure-%s.pdf\"", p->d.public_id);
		return e;
	}
	buf_init(&pdf, HTTP_RESPONSE_MAX / 2, 1);
	e = api_disclosure_pdf(client, p, &pdf);
	if (e == ERR_OK)
		o = json_pack("{s:o,s:o,s:o}", "disclosure", disclosure_json(&p->d), "bundle",
		              packet_bundle(client, p), "pdf", fhir_base64(pdf.data, pdf.len));
	buf_cleanup(&pdf);
	if (e != ERR_OK)
		return e;
	if (o != NULL)
		json_object_set_new(json_object_get(o, "disclosure"), "client",
		                    json_string(client));
	return o ? api_json_send(rs, o) : ERR_NOMEM;
}

enum err api_disclosure_make(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	static const char *const allowed[] = {"authorization", "format", NULL};
	struct disclosure_packet *p;
	struct domain_ctx ctx;
	const char *auth = NULL, *format = NULL;
	void *root = NULL;
	json_t *o;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return ERR_NOMEM;
	e = api_json_object(rq, rs, allowed, &root);
	if (e == ERR_OK)
		e = api_str_member(root, "authorization", 1, &auth, rs,
		                   "authorization (the id of a release consent) is required");
	if (e == ERR_OK)
		e = api_str_member(root, "format", 0, &format, rs,
		                   "format must be fhir, pdf or both");
	if (e == ERR_OK && format != NULL && strcmp(format, "fhir") != 0 &&
	    strcmp(format, "pdf") != 0 && strcmp(format, "both") != 0) {
		rs->message = "format must be fhir, pdf or both";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		API_CALL(app, rq, rs, ctx, domain_disclosure_make(&ctx, rq->param[0], auth, p));
	if (e == ERR_OK && format != NULL && strcmp(format, "fhir") != 0) {
		e = send_pdf(rq->param[0], p, strcmp(format, "both") == 0, rs);
		disclosure_packet_cleanup(p);
	} else if (e == ERR_OK) {
		o = json_pack("{s:o,s:o}", "disclosure", disclosure_json(&p->d), "bundle",
		              packet_bundle(rq->param[0], p));
		if (o != NULL)
			json_object_set_new(json_object_get(o, "disclosure"), "client",
			                    json_string(rq->param[0]));
		rs->status = 201;
		e = o ? api_json_send(rs, o) : ERR_NOMEM;
		disclosure_packet_cleanup(p);
	}
	free(p);
	json_decref(root);
	return e;
}

#define DISCLOSURES_MAX 1000

enum err api_disclosure_list(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct disclosure *ds;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	ds = mem_calloc_array(DISCLOSURES_MAX, sizeof *ds);
	if (ds == NULL)
		return ERR_NOMEM;
	API_CALL(app, rq, rs, ctx,
	         domain_disclosure_list(&ctx, rq->param[0], ds, DISCLOSURES_MAX, &n));
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++) {
			json_t *o = disclosure_json(&ds[i]);

			json_object_set_new(o, "client", json_string(rq->param[0]));
			json_array_append_new(arr, o);
		}
		e = arr ? api_json_send(rs, json_pack("{s:o,s:i}", "disclosures", arr, "years",
		                                      DISCLOSURE_YEARS))
		        : ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		disclosure_cleanup(&ds[i]);
	free(ds);
	return e;
}
