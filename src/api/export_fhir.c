/*
 * export_fhir.c - the right-of-access export as a FHIR R4 collection
 * Bundle (see api/export.h for the mapping). Every reference points at an
 * entry of the same bundle (urn:uuid, api/fhir.h): a person not in the
 * record is named by display text only, never by a dangling reference.
 * Never: adds anything the domain did not gather (no psychotherapy note can
 * reach this file: the record has no field for one).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/export.h"
#include "api/fhir.h"
#include "core/mem.h"
#include "domain/notes.h"
#include "store/schedule.h"

#define EXT_BASE "https://confidant.example/fhir/StructureDefinition/client-"
#define SIG_SYSTEM "urn:iso-astm:E1762-95:2013"
#define SIG_AUTHOR "1.2.840.10065.1.12.1.1"    /* author's signature */
#define SIG_VERIFY "1.2.840.10065.1.12.1.5"    /* verification (co-signature) */
#define SIG_CONSENT "1.2.840.10065.1.12.1.7"   /* consent signature */
#define SIG_ADDENDUM "1.2.840.10065.1.12.1.15" /* addendum signature */
#define PARTICIPANT "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

/* What every builder needs: the record and where entries go. Each entry
 * is written to out as soon as it is built and then freed, so a 10-year
 * record never exists as one tree of JSON values. */
struct fb {
	const struct export_record *r; /* the record */
	struct buf *out;               /* the Bundle being written */
	size_t n;                      /* entries written */
	enum err e;                    /* sticky: the first failure */
};

static int dump(const char *p, size_t n, void *arg)
{
	return buf_append(arg, p, n) == ERR_OK ? 0 : -1;
}

/* put - write resource (stolen) as the next entry; a NULL marks ERR_NOMEM. */
static void put(struct fb *b, json_t *resource)
{
	json_t *entry = resource ? fhir_entry(resource) : NULL;

	if (b->e == ERR_OK && entry == NULL)
		b->e = ERR_NOMEM;
	if (b->e == ERR_OK && b->n > 0)
		b->e = buf_puts(b->out, ",");
	if (b->e == ERR_OK && json_dump_callback(entry, dump, b->out, JSON_COMPACT) != 0)
		b->e = ERR_TOOBIG;
	b->n++;
	json_decref(entry);
}

static const char *pid(const struct fb *b)
{
	return b->r->client.public_id;
}

/* who - a reference to the person (user row id or public id) inside the
 * bundle: the Patient for the client's own portal account, a
 * Practitioner for staff; NULL when the record does not hold them. */
static json_t *who(const struct fb *b, int64_t id, const char *public_id)
{
	const struct export_person *p =
	        id ? export_person_find(b->r, id) : export_person_find_public(b->r, public_id);

	if (p == NULL)
		return NULL;
	if (strcmp(p->role, "client") == 0)
		return fhir_reference("Patient", pid(b), NULL);
	return fhir_reference("Practitioner", p->public_id, p->name);
}

static json_t *patient_ref(const struct fb *b)
{
	return fhir_reference("Patient", pid(b), NULL);
}

/* arr1 - a one-element array of v (stolen), or NULL when v is NULL. */
static json_t *arr1(json_t *v)
{
	json_t *a;

	if (v == NULL)
		return NULL;
	a = json_array();
	if (a == NULL || json_array_append_new(a, v) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *text_concept(const char *text)
{
	return json_pack("{s:s}", "text", text);
}

/* attachment_text - a text/plain Attachment of text (UTF-8, base64). */
static json_t *attachment_text(const char *text, const char *title)
{
	json_t *a = json_pack("{s:s,s:o}", "contentType", "text/plain; charset=utf-8", "data",
	                      fhir_base64(text, strlen(text)));

	return fhir_add(a, "title", fhir_str(title));
}

/* signature - a Provenance.signature of type code by who at when, with
 * the hash that was signed (the BLAKE2b or SHA-256 of the content) as
 * data when hash is not NULL. */
static json_t *signature(const char *code, int64_t when, json_t *by, const unsigned char *hash)
{
	json_t *s;

	if (by == NULL)
		return NULL;
	s = json_pack("{s:[{s:s,s:s}],s:o,s:o}", "type", "system", SIG_SYSTEM, "code", code, "when",
	              fhir_instant(when), "who", by);
	if (s != NULL && hash != NULL)
		fhir_add(s, "data", fhir_base64(hash, 32));
	return s;
}

/* agent - a Provenance.agent of participant type code. */
static json_t *agent(const char *code, json_t *by)
{
	if (by == NULL)
		return NULL;
	return json_pack("{s:{s:[{s:s,s:s}]},s:o}", "type", "coding", "system", PARTICIPANT, "code",
	                 code, "who", by);
}

/* provenance - a Provenance with id, one target, the time, agents and
 * signatures (arrays, stolen; an empty agents array drops it). */
static void provenance(struct fb *b, const char *id, const char *type, const char *target_id,
                       int64_t recorded, json_t *agents, json_t *sigs)
{
	if (agents == NULL || json_array_size(agents) == 0) {
		json_decref(agents);
		json_decref(sigs);
		return;
	}
	if (sigs != NULL && json_array_size(sigs) == 0) {
		json_decref(sigs);
		sigs = NULL;
	}
	put(b, fhir_add(json_pack("{s:s,s:s,s:[o],s:o,s:o}", "resourceType", "Provenance", "id", id,
	                          "target", fhir_reference(type, target_id, NULL), "recorded",
	                          fhir_instant(recorded), "agent", agents),
	                "signature", sigs));
}

/* append - append v (stolen) to array a when v is not NULL. */
static void append(json_t *a, json_t *v)
{
	if (a != NULL && v != NULL)
		json_array_append_new(a, v);
	else
		json_decref(v);
}

/* ---- Patient, RelatedPerson, Practitioner ----------------------------- */

/* ext - a Confidant extension for a chart field with no FHIR element. */
static void ext(json_t *exts, const char *name, const char *value, int flag, int date)
{
	char url[160];

	if (value == NULL || value[0] == '\0')
		return;
	snprintf(url, sizeof url, EXT_BASE "%s", name);
	if (flag)
		append(exts, json_pack("{s:s,s:b}", "url", url, "valueBoolean", value[0] == '1'));
	else
		append(exts, json_pack("{s:s,s:s}", "url", url, date ? "valueDate" : "valueString",
		                       value));
}

static void patient(struct fb *b)
{
	const struct client *c = &b->r->client;
	json_t *p = fhir_patient(pid(b), c);
	json_t *exts = json_array();
	const struct export_person *gp = export_person_find_public(b->r, c->primary_clinician);

	if (p == NULL || exts == NULL) {
		json_decref(p);
		json_decref(exts);
		b->e = ERR_NOMEM;
		return;
	}
	json_object_set_new(p, "active", json_boolean(c->status != CLIENT_DISCHARGED));
	if (c->emergency_name || c->emergency_phone) {
		json_t *ct = json_pack("{s:[{s:[{s:s,s:s,s:s}]}]}", "relationship", "coding",
		                       "system", "http://terminology.hl7.org/CodeSystem/v2-0131",
		                       "code", "C", "display", "Emergency Contact");

		if (ct != NULL && c->emergency_relationship)
			json_array_append_new(json_object_get(ct, "relationship"),
			                      text_concept(c->emergency_relationship));
		if (c->emergency_name)
			fhir_add(ct, "name", json_pack("{s:s}", "text", c->emergency_name));
		if (c->emergency_phone)
			fhir_add(ct, "telecom",
			         json_pack("[{s:s,s:s}]", "system", "phone", "value",
			                   c->emergency_phone));
		fhir_add(p, "contact", arr1(ct));
	}
	if (gp != NULL && strcmp(gp->role, "client") != 0)
		fhir_add(p, "generalPractitioner",
		         arr1(fhir_reference("Practitioner", gp->public_id, gp->name)));
	ext(exts, "pronouns", c->pronouns, 0, 0);
	ext(exts, "may-email", c->may_email, 1, 0);
	ext(exts, "may-text", c->may_text, 1, 0);
	ext(exts, "may-voicemail", c->may_voicemail, 1, 0);
	ext(exts, "confidential-address", c->alt_address, 0, 0);
	ext(exts, "confidential-phone", c->alt_phone, 0, 0);
	ext(exts, "confidential-email", c->alt_email, 0, 0);
	ext(exts, "intake-date", c->intake_date, 0, 1);
	ext(exts, "referral-source", c->referral_source, 0, 0);
	if (json_array_size(exts))
		json_object_set_new(p, "extension", exts);
	else
		json_decref(exts);
	put(b, p);
}

static void guardians(struct fb *b)
{
	size_t i;

	for (i = 0; i < b->r->nguardians; i++) {
		const struct guardian *g = &b->r->guardians[i];
		json_t *o = json_pack("{s:s,s:s,s:o,s:[{s:s}]}", "resourceType", "RelatedPerson",
		                      "id", g->public_id, "patient", patient_ref(b), "name", "text",
		                      g->name ? g->name : "(no name recorded)");
		json_t *tel = json_array();

		if (g->relationship)
			fhir_add(o, "relationship", arr1(text_concept(g->relationship)));
		if (g->phone)
			append(tel, json_pack("{s:s,s:s}", "system", "phone", "value", g->phone));
		if (g->email)
			append(tel, json_pack("{s:s,s:s}", "system", "email", "value", g->email));
		if (json_array_size(tel))
			fhir_add(o, "telecom", tel);
		else
			json_decref(tel);
		put(b, o);
	}
}

static void practitioners(struct fb *b)
{
	size_t i;

	for (i = 0; i < b->r->npeople; i++) {
		const struct export_person *p = &b->r->people[i];

		if (strcmp(p->role, "client") == 0)
			continue;
		put(b,
		    json_pack("{s:s,s:s,s:[{s:s}]}", "resourceType", "Practitioner", "id",
		              p->public_id, "name", "text", p->name[0] ? p->name : p->public_id));
	}
}

/* ---- diagnoses ---------------------------------------------------------- */

static void conditions(struct fb *b)
{
	size_t i;

	for (i = 0; i < b->r->ndx; i++) {
		const struct diagnosis *d = &b->r->dx[i];
		json_t *o = fhir_condition(pid(b), d);

		fhir_add(o, "recordedDate", fhir_instant(d->created_at));
		fhir_add(o, "recorder", who(b, d->created_by, NULL));
		put(b, o);
	}
}

/* ---- notes and addenda --------------------------------------------------- */

/* field_label - "presenting_problem" -> "Presenting problem". */
static void field_label(char *out, size_t size, const char *name)
{
	size_t i;

	snprintf(out, size, "%s", name);
	for (i = 0; out[i]; i++)
		if (out[i] == '_')
			out[i] = ' ';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

enum err api_export_note_text(const struct note *n, struct buf *out)
{
	const struct note_template *t = domain_note_template(n->template_name);
	json_t *doc = json_loads(n->content ? n->content : "", JSON_REJECT_DUPLICATES, NULL);
	char label[64];
	size_t i;
	enum err e = ERR_OK;

	if (t == NULL || !json_is_object(doc)) {
		json_decref(doc);
		return buf_puts(out, n->content ? n->content : "");
	}
	for (i = 0; e == ERR_OK && t->fields[i] != NULL; i++) {
		const char *v = json_string_value(json_object_get(doc, t->fields[i]));

		if (v == NULL || v[0] == '\0')
			continue;
		field_label(label, sizeof label, t->fields[i]);
		e = buf_printf(out, "%s%s:\n%s\n", out->len ? "\n" : "", label, v);
	}
	json_decref(doc);
	return e;
}

static const char *template_title(const char *name)
{
	const struct note_template *t = domain_note_template(name);

	return t ? t->title : name;
}

static void notes(struct fb *b)
{
	char title[96];
	struct buf text;
	size_t i;

	buf_init(&text, NOTE_TEXT_MAX * 2, 1);
	for (i = 0; b->e == ERR_OK && i < b->r->nnotes; i++) {
		const struct note *n = &b->r->notes[i];
		json_t *enc, *doc, *agents, *sigs;

		buf_reset(&text);
		if (api_export_note_text(n, &text) != ERR_OK || buf_puts(&text, "") != ERR_OK) {
			b->e = ERR_NOMEM;
			break;
		}
		snprintf(title, sizeof title, "%s note, %s", template_title(n->template_name),
		         n->date);
		enc = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:o,s:{s:s}}", "resourceType",
		                "Encounter", "id", n->public_id, "status", "finished", "class",
		                "system", "http://terminology.hl7.org/CodeSystem/v3-ActCode",
		                "code", "AMB", "display", "ambulatory", "subject", patient_ref(b),
		                "period", "start", n->date);
		fhir_add(enc, "participant",
		         arr1(fhir_add(json_object(), "individual", who(b, n->author_id, NULL))));
		put(b, enc);
		doc = json_pack("{s:s,s:s,s:s,s:s,s:{s:s},s:o,s:o,s:[{s:o}],s:{s:[o],s:{s:s}}}",
		                "resourceType", "DocumentReference", "id", n->public_id, "status",
		                "current", "docStatus", "final", "type", "text", title, "subject",
		                patient_ref(b), "date", fhir_instant(n->signed_at), "content",
		                "attachment", attachment_text(text.data ? text.data : "", title),
		                "context", "encounter",
		                fhir_reference("Encounter", n->public_id, NULL), "period", "start",
		                n->date);
		fhir_add(doc, "author", arr1(who(b, n->author_id, NULL)));
		fhir_add(doc, "authenticator", who(b, n->signed_by, NULL));
		put(b, doc);
		agents = json_array();
		sigs = json_array();
		append(agents, agent("author", who(b, n->author_id, NULL)));
		append(sigs, signature(SIG_AUTHOR, n->signed_at, who(b, n->signed_by, NULL),
		                       n->content_hash));
		if (n->cosigned_at) {
			append(agents, agent("verifier", who(b, n->cosigned_by, NULL)));
			append(sigs, signature(SIG_VERIFY, n->cosigned_at,
			                       who(b, n->cosigned_by, NULL), NULL));
		}
		provenance(b, n->public_id, "DocumentReference", n->public_id, n->signed_at, agents,
		           sigs);
	}
	buf_cleanup(&text);
}

static void addenda(struct fb *b)
{
	char id[80];
	size_t i;

	for (i = 0; b->e == ERR_OK && i < b->r->nadds; i++) {
		const struct export_addendum *x = &b->r->adds[i];
		json_t *doc, *agents, *sigs;

		/* an addendum has no public id of its own: its note's and its place */
		snprintf(id, sizeof id, "%s-addendum-%zu", x->note_public_id, i + 1);
		doc = json_pack("{s:s,s:s,s:s,s:s,s:{s:s},s:o,s:o,s:[{s:s,s:o}],s:[{s:o}]}",
		                "resourceType", "DocumentReference", "id", id, "status", "current",
		                "docStatus", "final", "type", "text", "Addendum", "subject",
		                patient_ref(b), "date", fhir_instant(x->a.created_at), "relatesTo",
		                "code", "appends", "target",
		                fhir_reference("DocumentReference", x->note_public_id, NULL),
		                "content", "attachment", attachment_text(x->a.text, "Addendum"));
		fhir_add(doc, "author", arr1(who(b, 0, x->a.author_public_id)));
		put(b, doc);
		agents = arr1(agent("author", who(b, 0, x->a.author_public_id)));
		sigs = arr1(signature(SIG_ADDENDUM, x->a.created_at,
		                      who(b, 0, x->a.author_public_id), x->a.hash));
		provenance(b, id, "DocumentReference", id, x->a.created_at, agents, sigs);
	}
}

/* ---- plans and goals ---------------------------------------------------- */

/* objective_text - "what (measure: M; target: T)". */
static json_t *objective_target(json_t *obj)
{
	const char *what = json_string_value(json_object_get(obj, "what"));
	const char *measure = json_string_value(json_object_get(obj, "measure"));
	const char *target = json_string_value(json_object_get(obj, "target"));
	const char *due = json_string_value(json_object_get(obj, "target_date"));
	struct buf t;
	json_t *o;

	buf_init(&t, 8 * 1024, 1);
	if (buf_printf(&t, "%s (measure: %s; target: %s)", what ? what : "",
	               measure ? measure : "-", target ? target : "-") != ERR_OK) {
		buf_cleanup(&t);
		return NULL;
	}
	o = json_pack("{s:{s:s},s:s}", "measure", "text", measure ? measure : "-", "detailString",
	              t.data);
	fhir_add(o, "dueDate", fhir_str(due));
	buf_cleanup(&t);
	return o;
}

/* plan_goals - Goal resources of plan version p's document; their
 * references go into refs and interventions into acts. */
static void plan_goals(struct fb *b, const struct plan_version *p, json_t *doc, json_t *refs,
                       json_t *acts)
{
	json_t *problems = json_object_get(doc, "problems");
	char id[96];
	size_t i, j, k;

	for (i = 0; i < json_array_size(problems); i++) {
		json_t *pr = json_array_get(problems, i);
		json_t *goals = json_object_get(pr, "goals");
		const char *problem = json_string_value(json_object_get(pr, "problem"));

		for (j = 0; j < json_array_size(goals); j++) {
			json_t *g = json_array_get(goals, j);
			json_t *objs = json_object_get(g, "objectives");
			json_t *ints = json_object_get(g, "interventions");
			const char *text = json_string_value(json_object_get(g, "goal"));
			json_t *goal, *targets = json_array();

			snprintf(id, sizeof id, "%s-goal-%zu-%zu", p->plan_public_id, i + 1, j + 1);
			for (k = 0; k < json_array_size(objs); k++)
				append(targets, objective_target(json_array_get(objs, k)));
			goal = json_pack("{s:s,s:s,s:s,s:{s:s},s:o}", "resourceType", "Goal", "id",
			                 id, "lifecycleStatus", "active", "description", "text",
			                 text ? text : "(goal)", "subject", patient_ref(b));
			if (json_array_size(targets))
				fhir_add(goal, "target", targets);
			else
				json_decref(targets);
			if (problem)
				fhir_add(goal, "note", arr1(json_pack("{s:s}", "text", problem)));
			fhir_add(goal, "expressedBy", who(b, p->author_id, NULL));
			put(b, goal);
			append(refs, fhir_reference("Goal", id, NULL));
			for (k = 0; k < json_array_size(ints); k++) {
				json_t *in = json_array_get(ints, k);
				const char *what = json_string_value(json_object_get(in, "what"));
				const char *freq =
				        json_string_value(json_object_get(in, "frequency"));
				char *d = NULL;
				struct buf t;

				buf_init(&t, 8 * 1024, 1);
				if (buf_printf(&t, "%s%s%s", what ? what : "", freq ? " - " : "",
				               freq ? freq : "") == ERR_OK)
					d = t.data;
				if (d != NULL)
					append(acts,
					       json_pack("{s:{s:s,s:s,s:[o]}}", "detail", "status",
					                 "in-progress", "description", d, "goal",
					                 fhir_reference("Goal", id, NULL)));
				buf_cleanup(&t);
			}
		}
	}
}

static void plans(struct fb *b)
{
	char version[24];
	size_t i;

	for (i = 0; b->e == ERR_OK && i < b->r->nplans; i++) {
		const struct plan_version *p = &b->r->plans[i];
		json_t *doc = json_loads(p->body ? p->body : "", JSON_REJECT_DUPLICATES, NULL);
		json_t *refs = json_array(), *acts = json_array(), *cp, *period = json_object();
		const char *title = json_string_value(json_object_get(doc, "title"));

		snprintf(version, sizeof version, "%lld", (long long)p->version);
		plan_goals(b, p, doc, refs, acts);
		fhir_add(period, "start",
		         fhir_str(json_string_value(json_object_get(doc, "start_date"))));
		cp = json_pack("{s:s,s:s,s:{s:s},s:s,s:s,s:o,s:o}", "resourceType", "CarePlan",
		               "id", p->plan_public_id, "meta", "versionId", version, "status",
		               "active", "intent", "plan", "subject", patient_ref(b), "created",
		               fhir_instant(p->created_at));
		fhir_add(cp, "title", fhir_str(title));
		if (json_object_size(period))
			fhir_add(cp, "period", period);
		else
			json_decref(period);
		fhir_add(cp, "author", who(b, p->author_id, NULL));
		fhir_add(cp, "goal", json_array_size(refs) ? refs : NULL);
		if (!json_array_size(refs))
			json_decref(refs);
		fhir_add(cp, "activity", json_array_size(acts) ? acts : NULL);
		if (!json_array_size(acts))
			json_decref(acts);
		if (p->text)
			fhir_add(cp, "note", arr1(json_pack("{s:s}", "text", p->text)));
		put(b, cp);
		json_decref(doc);
		if (p->signed_at) {
			json_t *agents = json_array();

			append(agents, agent("author", who(b, p->author_id, NULL)));
			append(agents, agent("attester", who(b, 0, p->signed_by_public_id)));
			provenance(b, p->plan_public_id, "CarePlan", p->plan_public_id,
			           p->signed_at, agents,
			           arr1(signature(SIG_CONSENT, p->signed_at, patient_ref(b),
			                          p->signed_hash)));
		}
	}
}

/* ---- consents ----------------------------------------------------------- */

/* consent_scope - the Consent scope code for a purpose. */
static const char *consent_scope(const char *purpose)
{
	if (strcmp(purpose, "treatment") == 0 || strcmp(purpose, "telehealth") == 0)
		return "treatment";
	if (strcmp(purpose, "research") == 0)
		return "research";
	return "patient-privacy";
}

static void consents(struct fb *b)
{
	struct buf rule;
	size_t i;

	buf_init(&rule, 16 * 1024, 1);
	for (i = 0; b->e == ERR_OK && i < b->r->nconsents; i++) {
		const struct consent *c = &b->r->consents[i];
		json_t *o, *prov = json_object();

		buf_reset(&rule);
		if (buf_printf(&rule, "%s consent, document version %lld", c->purpose,
		               (long long)c->template_version) != ERR_OK ||
		    (c->description &&
		     buf_printf(&rule, "; information: %s", c->description) != ERR_OK) ||
		    (c->release_purpose &&
		     buf_printf(&rule, "; purpose: %s", c->release_purpose) != ERR_OK) ||
		    (c->scope[0] && buf_printf(&rule, "; scope: %s", c->scope) != ERR_OK) ||
		    (c->expiry_event &&
		     buf_printf(&rule, "; ends: %s", c->expiry_event) != ERR_OK)) {
			b->e = ERR_NOMEM;
			break;
		}
		o = json_pack("{s:s,s:s,s:s,s:{s:[{s:s,s:s}]},s:[{s:[{s:s,s:s,s:s}]}],s:o,s:o,"
		              "s:{s:s}}",
		              "resourceType", "Consent", "id", c->public_id, "status",
		              c->withdrawn_at ? "inactive" : "active", "scope", "coding", "system",
		              "http://terminology.hl7.org/CodeSystem/consentscope", "code",
		              consent_scope(c->purpose), "category", "coding", "system",
		              "http://loinc.org", "code", "59284-0", "display", "Patient Consent",
		              "patient", patient_ref(b), "dateTime", fhir_instant(c->signed_at),
		              "policyRule", "text", rule.data);
		fhir_add(o, "performer", arr1(patient_ref(b)));
		fhir_add(prov, "type", json_string("permit"));
		if (c->expires_on[0])
			fhir_add(prov, "period", json_pack("{s:s}", "end", c->expires_on));
		if (c->recipient)
			fhir_add(prov, "actor",
			         arr1(json_pack("{s:{s:s},s:{s:s}}", "role", "text", "recipient",
			                        "reference", "display", c->recipient)));
		fhir_add(o, "provision", prov);
		put(b, o);
		provenance(b, c->public_id, "Consent", c->public_id, c->signed_at,
		           arr1(agent("author", who(b, c->recorded_by, NULL))),
		           arr1(signature(SIG_CONSENT, c->signed_at,
		                          strcmp(c->signer_role, "client") == 0
		                                  ? patient_ref(b)
		                                  : who(b, c->recorded_by, NULL),
		                          c->text_hash)));
	}
	buf_cleanup(&rule);
}

/* ---- attachments, amendments, appointments ------------------------------ */

static void files(struct fb *b)
{
	char url[96];
	size_t i;

	for (i = 0; b->e == ERR_OK && i < b->r->nfiles; i++) {
		const struct export_file *f = &b->r->files[i];
		json_t *att =
		        json_pack("{s:s,s:I,s:o}", "contentType", f->a.content_type, "size",
		                  (json_int_t)f->a.size, "creation", fhir_instant(f->a.created_at));
		json_t *doc;

		fhir_add(att, "title", fhir_str(f->a.filename));
		if (f->content != NULL) {
			fhir_add(att, "data", fhir_base64(f->content, (size_t)f->a.size));
		} else {
			snprintf(url, sizeof url, "/api/v1/attachments/%s/content", f->a.public_id);
			fhir_add(att, "url", json_string(url));
		}
		doc = json_pack("{s:s,s:s,s:s,s:{s:s},s:o,s:o,s:[{s:o}]}", "resourceType",
		                "DocumentReference", "id", f->a.public_id, "status", "current",
		                "type", "text", "Attachment", "subject", patient_ref(b), "date",
		                fhir_instant(f->a.created_at), "content", "attachment", att);
		fhir_add(doc, "description", fhir_str(f->a.description));
		fhir_add(doc, "author", arr1(who(b, f->a.created_by, NULL)));
		put(b, doc);
	}
}

/* amendment_doc - a DocumentReference of text about amendment a. */
static void amendment_doc(struct fb *b, const char *id, const char *type, int64_t when,
                          json_t *author, const char *text, const char *appends)
{
	json_t *doc = json_pack("{s:s,s:s,s:s,s:{s:s},s:o,s:o,s:[{s:o}]}", "resourceType",
	                        "DocumentReference", "id", id, "status", "current", "type", "text",
	                        type, "subject", patient_ref(b), "date", fhir_instant(when),
	                        "content", "attachment", attachment_text(text, type));

	fhir_add(doc, "author", arr1(author));
	if (appends != NULL)
		fhir_add(doc, "relatesTo",
		         json_pack("[{s:s,s:o}]", "code", "appends", "target",
		                   fhir_reference("DocumentReference", appends, NULL)));
	put(b, doc);
}

static const char *amendment_status(int s)
{
	return s == AMENDMENT_ACCEPTED ? "accepted" : s == AMENDMENT_DENIED ? "denied" : "pending";
}

static void amendments(struct fb *b)
{
	char id[64];
	struct buf t;
	size_t i;

	buf_init(&t, 64 * 1024, 1);
	for (i = 0; b->e == ERR_OK && i < b->r->namendments; i++) {
		const struct amendment *a = &b->r->amendments[i];

		buf_reset(&t);
		if (api_export_amendment_text(a, &t) != ERR_OK) {
			b->e = ERR_NOMEM;
			break;
		}
		amendment_doc(b, a->public_id, "Amendment request", a->received_at,
		              who(b, a->requested_by, NULL), t.data, NULL);
		if (a->disagreement != NULL) {
			snprintf(id, sizeof id, "%s-disagreement", a->public_id);
			amendment_doc(b, id, "Statement of disagreement", a->disagreement_at,
			              who(b, 0, a->disagreement_by_public_id), a->disagreement,
			              a->public_id);
		}
		if (a->rebuttal != NULL) {
			snprintf(id, sizeof id, "%s-rebuttal", a->public_id);
			amendment_doc(b, id, "Rebuttal", a->rebuttal_at,
			              who(b, 0, a->rebuttal_by_public_id), a->rebuttal,
			              a->public_id);
		}
	}
	buf_cleanup(&t);
}

enum err api_export_amendment_text(const struct amendment *a, struct buf *t)
{
	enum err e = buf_printf(t, "Amendment request (HIPAA 164.526), %s.\nAbout: %s%s%s%s\n",
	                        amendment_status(a->status), a->target_type,
	                        a->target_public_id[0] ? " " : "", a->target_public_id,
	                        a->target_field[0] ? a->target_field : "");

	if (e == ERR_OK)
		e = buf_printf(t, "\nChange requested:\n%s\n\nReason:\n%s\n",
		               a->change ? a->change : "", a->reason ? a->reason : "");
	if (e == ERR_OK && a->extension_reason)
		e = buf_printf(t, "\nDeadline extended:\n%s\n", a->extension_reason);
	if (e == ERR_OK && a->decision)
		e = buf_printf(t, "\n%s%s%s:\n%s\n",
		               a->status == AMENDMENT_ACCEPTED ? "Amended text" : "Denied",
		               a->denial_basis[0] ? ", basis " : "", a->denial_basis, a->decision);
	return e == ERR_OK ? buf_puts(t, "") : e;
}

const char *api_export_appt_status(int status)
{
	switch (status) {
	case APPT_ARRIVED: return "arrived";
	case APPT_COMPLETED: return "fulfilled";
	case APPT_CANCELLED_CLIENT:
	case APPT_CANCELLED_CLINICIAN:
	case APPT_LATE_CANCEL: return "cancelled";
	case APPT_NO_SHOW: return "noshow";
	default: return "booked"; /* scheduled, confirmed */
	}
}

static void appointments(struct fb *b)
{
	char id[40];
	size_t i;

	for (i = 0; b->e == ERR_OK && i < b->r->nappts; i++) {
		const struct appointment_row *a = &b->r->appts[i];
		json_t *parts = json_array();
		json_t *clin = who(b, a->clinician_id, NULL);

		snprintf(id, sizeof id, "appointment-%lld", (long long)a->id);
		append(parts,
		       json_pack("{s:o,s:s}", "actor", patient_ref(b), "status", "accepted"));
		if (clin != NULL)
			append(parts, json_pack("{s:o,s:s}", "actor", clin, "status", "accepted"));
		put(b, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "resourceType", "Appointment", "id",
		                 id, "status", api_export_appt_status(a->status), "start",
		                 fhir_instant(a->starts_at), "end", fhir_instant(a->ends_at),
		                 "participant", parts));
	}
}

/* ---- the bundle ---------------------------------------------------------- */

enum err api_export_fhir(const struct export_record *r, struct buf *out)
{
	struct fb b = {r, out, 0, ERR_OK};
	json_t *head = fhir_bundle(r->export_id, "collection", r->generated_at, json_array());
	char *text;
	size_t len;

	/* the Bundle without its entries, then the entries one by one */
	text = head ? json_dumps(head, JSON_COMPACT) : NULL;
	json_decref(head);
	len = text ? strlen(text) : 0;
	if (len < 3 || strcmp(text + len - 3, "[]}") != 0) {
		free(text);
		return ERR_NOMEM;
	}
	b.e = buf_append(out, text, len - 2);
	free(text);
	patient(&b);
	guardians(&b);
	practitioners(&b);
	conditions(&b);
	notes(&b);
	addenda(&b);
	plans(&b);
	consents(&b);
	files(&b);
	amendments(&b);
	appointments(&b);
	if (b.e == ERR_OK)
		b.e = buf_puts(out, "]}");
	return b.e;
}
