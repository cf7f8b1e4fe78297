/*
 * transparency.c - what the practice tells people about its data:
 *   GET /api/v1/clients/{id}/privacy  the client's privacy page: categories held (with
 *                                     counts), where, who may see each, retention, where
 *                                     data can go, and how to use each right
 *   GET /api/v1/processing-record     the record of processing (GDPR 30), from settings
 *   GET /api/v1/privacy-notice        the public notice: integrations, no trackers
 * All three are generated from the lists in domain/transparency.c and the
 * practice's settings.
 */
#include <jansson.h>
#include <string.h>

#include "api/transparency.h"
#include "domain/transparency.h"

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *integrations_json(const int *configured)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr != NULL && i < integration_count; i++)
		json_array_append_new(
		        arr, json_pack("{s:s,s:s,s:s,s:b,s:s}", "name", integrations[i].name,
		                       "purpose", integrations[i].purpose, "sends",
		                       integrations[i].sends, "configured", configured[i],
		                       "needs_consent", integrations[i].consent));
	return arr;
}

static json_t *practice_json(const char *name, const char *where, const char *contact)
{
	return json_pack("{s:o,s:s,s:o}", "name", str_or_null(name), "server_location", where,
	                 "privacy_contact", str_or_null(contact));
}

/* The statement every page carries about what the software never does. */
static const char no_trackers[] =
        "This practice's software loads nothing from anywhere but this server: no trackers, "
        "no analytics, no advertising, no third-party scripts, fonts or content delivery "
        "networks. Nothing leaves this server unless the practice configured an integration "
        "listed here and you consented to it.";

enum err api_privacy_page(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	static const char *const rights[][2] = {
	        {"access",
	         "GET /api/v1/clients/{id}/export: your record as FHIR and as a document"},
	        {"correction", "POST /api/v1/clients/{id}/amendments: ask us to correct it"},
	        {"consents", "GET /api/v1/clients/{id}/consents: give or withdraw consent"},
	        {"disclosures", "GET /api/v1/clients/{id}/disclosures: who we released it to"},
	        {"who_looked", "GET /api/v1/audit/clients/{id}: who opened your record"},
	        {"erasure", "ask the practice to erase your record (kept as long as the law "
	                    "requires first)"},
	};
	struct privacy_page p;
	struct domain_ctx ctx;
	json_t *cats, *rts, *o;
	size_t i;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	API_CALL(app, rq, rs, ctx, domain_privacy_page(&ctx, rq->param[0], &p));
	if (e != ERR_OK)
		return e;
	cats = json_array();
	for (i = 0; cats != NULL && i < data_category_count; i++) {
		const struct data_category *c = &data_categories[i];
		json_t *one =
		        json_pack("{s:s,s:s,s:s}", "name", c->name, "what", c->what, "who", c->who);

		if (one != NULL && c->count_off != (size_t)-1)
			json_object_set_new(
			        one, "count",
			        json_integer(
			                *(const int64_t *)(const void *)((const char *)&p.counts +
			                                                 c->count_off)));
		json_array_append_new(cats, one);
	}
	rts = json_array();
	for (i = 0; rts != NULL && i < sizeof rights / sizeof rights[0]; i++)
		json_array_append_new(
		        rts, json_pack("{s:s,s:s}", "right", rights[i][0], "how", rights[i][1]));
	o = json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:s}", "client", p.client_public_id, "practice",
	              practice_json(p.practice_name, p.server_location, p.privacy_contact),
	              "retention", p.retention_policy, "categories", cats, "integrations",
	              integrations_json(p.configured), "rights", rts, "no_trackers", no_trackers);
	if (o != NULL) /* this record's own date, and the jurisdiction whose rule sets it */
		json_object_set_new(o, "retention_rule",
		                    json_pack("{s:o,s:s,s:o}", "jurisdiction",
		                              str_or_null(p.retention_jurisdiction), "basis",
		                              p.retention_basis ? p.retention_basis : "adult",
		                              "retain_until", api_time_json(p.retain_until)));
	return o ? api_json_send(rs, o) : ERR_NOMEM;
}

enum err api_processing_record(struct app *app, const struct http_request *rq,
                               struct http_response *rs)
{
	struct practice_facts f;
	struct domain_ctx ctx;
	json_t *cats, *recipients, *o;
	size_t i;
	enum err e;

	API_CALL(app, rq, rs, ctx, domain_practice_facts(&ctx, &f));
	if (e != ERR_OK)
		return e;
	cats = json_array();
	for (i = 0; cats != NULL && i < data_category_count; i++)
		json_array_append_new(cats, json_pack("{s:s,s:s,s:s}", "category",
		                                      data_categories[i].name, "what",
		                                      data_categories[i].what, "access",
		                                      data_categories[i].who));
	recipients = integrations_json(f.configured);
	o = json_pack(
	        "{s:o,s:[s,s,s,s],s:[s,s,s],s:o,s:o,s:s,s:s,s:[s,s,s,s,s,s,s]}", "controller",
	        practice_json(f.practice_name, f.server_location, f.privacy_contact), "purposes",
	        "treatment of clients (health care)",
	        "payment for care (with the client's consent for insurance billing)",
	        "operating the practice: scheduling, quality and legal obligations",
	        "any further purpose only with the client's consent: telehealth, email and text "
	        "messages, release to others, AI-assisted processing, de-identified research",
	        "data_subjects", "clients (current, former and prospective)",
	        "guardians and emergency contacts of clients", "staff of the practice",
	        "data_categories", cats, "recipients", recipients, "transfers",
	        "none outside the server, except to the integrations listed as configured",
	        "retention", f.retention_policy, "security",
	        "every field of health information encrypted (XChaCha20-Poly1305) under a key per "
	        "client, bound to its place; keys in locked memory",
	        "psychotherapy notes also sealed under a key only their author holds",
	        "passwords hashed with Argon2id; two-step sign-in (TOTP) for staff",
	        "HTTPS only (TLS 1.2 and 1.3, forward secrecy), strict content security policy",
	        "access by role and care team (minimum necessary), emergency access reviewed",
	        "every read and change recorded in a hash-chained, signed audit trail",
	        "encrypted backups; erasure by destroying the client's key");
	return o ? api_json_send(rs, o) : ERR_NOMEM;
}

enum err api_privacy_notice(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct practice_facts f;
	struct domain_ctx ctx;
	json_t *o;
	enum err e;

	API_CALL(app, rq, rs, ctx, domain_practice_facts(&ctx, &f));
	if (e != ERR_OK)
		return e;
	o = json_pack("{s:o,s:s,s:o,s:s}", "practice",
	              practice_json(f.practice_name, f.server_location, f.privacy_contact),
	              "retention", f.retention_policy, "integrations",
	              integrations_json(f.configured), "no_trackers", no_trackers);
	return o ? api_json_send(rs, o) : ERR_NOMEM;
}
