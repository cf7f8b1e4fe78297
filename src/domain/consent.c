/*
 * consent.c - consent templates, consents, the consent gate and
 * disclosures (see consent.h for the rules and who may do what). Never:
 * writes a name, a recipient or a document's text into an event or a
 * message; lets a disclosure event be written without the gate.
 */
#include "domain/consent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "domain/dates.h"
#include "domain/diagnoses.h"

static const char *const purpose_names[CONSENT__COUNT] = {
        [CONSENT_TREATMENT] = "treatment",
        [CONSENT_TELEHEALTH] = "telehealth",
        [CONSENT_EMAIL] = "email",
        [CONSENT_SMS] = "sms",
        [CONSENT_INSURANCE] = "insurance_billing",
        [CONSENT_RELEASE] = "release",
        [CONSENT_PSYCHOTHERAPY_NOTES] = "psychotherapy_notes",
        [CONSENT_AI] = "ai_processing",
        [CONSENT_RESEARCH] = "research",
};

/* The refusal message for each purpose: names it, nothing else. */
static const char *const missing[CONSENT__COUNT] = {
        [CONSENT_TREATMENT] = "consent required: treatment",
        [CONSENT_TELEHEALTH] = "consent required: telehealth",
        [CONSENT_EMAIL] = "consent required: email",
        [CONSENT_SMS] = "consent required: sms",
        [CONSENT_INSURANCE] = "consent required: insurance_billing",
        [CONSENT_RELEASE] = "consent required: release (a valid release-of-information "
                            "authorization for this recipient)",
        [CONSENT_PSYCHOTHERAPY_NOTES] = "consent required: psychotherapy_notes",
        [CONSENT_AI] = "consent required: ai_processing",
        [CONSENT_RESEARCH] = "consent required: research",
};

/* Every audit event that records a disclosure, and its purpose. A new way
 * for data to leave the practice adds its event here (consent.h). */
static const struct {
	enum audit_event ev;
	enum consent_purpose purpose;
} disclosure_events[] = {
        {AUDIT_DISCLOSURE, CONSENT_RELEASE},         /* a release to a named recipient */
        {AUDIT_REMINDER_EMAIL, CONSENT_EMAIL},       /* an email reminder */
        {AUDIT_REMINDER_SMS, CONSENT_SMS},           /* a text-message reminder */
        {AUDIT_RESEARCH_INCLUDE, CONSENT_RESEARCH},  /* a row of a research export */
        {AUDIT_TELEHEALTH_JOIN, CONSENT_TELEHEALTH}, /* a video session started or joined */
};

/* What a release may cover. Psychotherapy notes are never one of them. */
static const char *const scopes[] = {"demographics", "diagnoses", NULL};

const char *domain_consent_purpose_name(enum consent_purpose p)
{
	return (unsigned)p < CONSENT__COUNT ? purpose_names[p] : "unknown";
}

int domain_consent_purpose_parse(const char *s, enum consent_purpose *out)
{
	unsigned i;

	for (i = 0; s != NULL && i < CONSENT__COUNT; i++) {
		if (strcmp(s, purpose_names[i]) == 0) {
			*out = (enum consent_purpose)i;
			return 1;
		}
	}
	return 0;
}

int domain_consent_event_purpose(enum audit_event ev)
{
	size_t i;

	for (i = 0; i < sizeof disclosure_events / sizeof disclosure_events[0]; i++)
		if (disclosure_events[i].ev == ev)
			return (int)disclosure_events[i].purpose;
	return -1;
}

/* ---- the gate ------------------------------------------------------- */

/* in_force - does consent c (not opened) still count on `today`, given the
 * version re-consent is required from? */
static int in_force(const struct consent *c, int64_t reconsent_from, const char *today)
{
	if (c->withdrawn_at != 0 || c->template_version < reconsent_from)
		return 0;
	return c->expires_on[0] == '\0' || strcmp(c->expires_on, today) >= 0;
}

/* check - the gate's question without its refusal: *ok when the client has
 * a consent for p in force (see domain_consent_require), and then the pass
 * is remembered for domain_emit. */
static enum err check(struct domain_ctx *ctx, int64_t client_id, enum consent_purpose p,
                      const char *authorization, struct consent *granted, int *ok_out)
{
	struct consent *cs;
	char today[11];
	int64_t from = 0;
	size_t n = 0, i;
	int ok = 0;
	enum err e;

	if ((unsigned)p >= CONSENT__COUNT)
		return ERR_INTERNAL;
	cs = mem_calloc_array(CONSENTS_PER_CLIENT_MAX, sizeof *cs);
	if (cs == NULL)
		return ERR_NOMEM;
	domain_date_today(ctx->now, today);
	e = store_consent_reconsent_version(ctx->store, purpose_names[p], today, &from);
	if (e == ERR_OK)
		e = store_consent_in_force(ctx->store, client_id, purpose_names[p], cs,
		                           CONSENTS_PER_CLIENT_MAX, &n);
	for (i = 0; e == ERR_OK && i < n && !ok; i++) {
		if (authorization != NULL && strcmp(cs[i].public_id, authorization) != 0)
			continue;
		if (in_force(&cs[i], from, today)) {
			ok = 1;
			if (granted != NULL)
				*granted = cs[i];
			else
				consent_cleanup(&cs[i]);
			memset(&cs[i], 0, sizeof cs[i]);
		}
	}
	for (i = 0; i < n; i++)
		consent_cleanup(&cs[i]);
	free(cs);
	if (e != ERR_OK)
		return e;
	if (ok) {
		if (ctx->consented_client != client_id)
			ctx->consented = 0;
		ctx->consented |= 1u << p;
		ctx->consented_client = client_id;
	}
	*ok_out = ok;
	return ERR_OK;
}

enum err domain_consent_permits(struct domain_ctx *ctx, int64_t client_id, enum consent_purpose p,
                                int *yes)
{
	return check(ctx, client_id, p, NULL, NULL, yes);
}

enum err domain_consent_require(struct domain_ctx *ctx, int64_t client_id, enum consent_purpose p,
                                const char *authorization, enum audit_event ev,
                                struct consent *granted)
{
	char detail[48];
	int ok = 0;
	enum err e = check(ctx, client_id, p, authorization, granted, &ok);

	if (e != ERR_OK || ok)
		return e;
	snprintf(detail, sizeof detail, "purpose=%s", purpose_names[p]);
	domain_audit_refusal_detail(ctx, ev, client_id, ERR_CONSENT, detail);
	ctx->message = missing[p];
	return ERR_CONSENT;
}

/* ---- small shared steps --------------------------------------------- */

/* finish - emit ev and commit, or roll back. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t client_id,
                       const char *object_type, const char *object_id, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, client_id, object_type, object_id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* client_in_reach - begin a transaction, resolve the client and check the
 * actor may do `need`; a refusal is audited under ev and answers 404. */
static enum err client_in_reach(struct domain_ctx *ctx, const char *public_id, enum access need,
                                enum audit_event ev, int64_t *client_id)
{
	int yes = 0;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, public_id, client_id);
	if (e == ERR_OK)
		e = domain_client_may(ctx, *client_id, need, &yes);
	if (e == ERR_OK && !yes) {
		domain_audit_refusal(ctx, ev, *client_id, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* may_sign - the client themself, or staff who may change the record. */
static enum err may_sign(struct domain_ctx *ctx, const char *public_id, enum audit_event ev,
                         int64_t *client_id)
{
	if (ctx->role == ROLE_CLIENT)
		return client_in_reach(ctx, public_id, ACCESS_READ, ev, client_id);
	return client_in_reach(ctx, public_id, ACCESS_WRITE, ev, client_id);
}

static int len_ok(const char *s, size_t max, int multiline)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= max && domain_text_clean(s, multiline);
}

/* ---- templates ------------------------------------------------------ */

enum err domain_consent_template_add(struct domain_ctx *ctx, struct consent_template *t)
{
	enum consent_purpose p;
	char detail[64];
	enum err e;

	if (ctx->role != ROLE_OWNER && ctx->role != 0)
		return ERR_DENIED;
	if (!domain_consent_purpose_parse(t->purpose, &p)) {
		ctx->message =
		        "purpose must be treatment, telehealth, email, sms, insurance_billing, "
		        "release, psychotherapy_notes, ai_processing or research";
		return ERR_INVAL;
	}
	if (!len_ok(t->title, CONSENT_TITLE_MAX, 0)) {
		ctx->message = "title is required (one line, at most 200 bytes)";
		return ERR_INVAL;
	}
	if (!len_ok(t->body, CONSENT_BODY_MAX, 1)) {
		ctx->message = "body is required (text, at most 64 KB)";
		return ERR_INVAL;
	}
	if (!domain_date_valid(t->effective_from)) {
		ctx->message = "effective_from must be a date (YYYY-MM-DD)";
		return ERR_INVAL;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_consent_template_add(ctx->store, t, ctx->actor_id, ctx->now);
	if (e == ERR_OK)
		snprintf(t->created_by_public_id, sizeof t->created_by_public_id, "%s", ctx->actor);
	snprintf(detail, sizeof detail, "purpose=%s version=%lld reconsent=%d", t->purpose,
	         (long long)t->version, t->requires_reconsent ? 1 : 0);
	return finish(ctx, e, AUDIT_CONSENT_TEMPLATE, 0, "consent_template", t->public_id, detail);
}

enum err domain_consent_template_list(struct domain_ctx *ctx, struct consent_template *out,
                                      size_t max, size_t *n)
{
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_consent_template_list(ctx->store, out, max, n);
	store_end_read(ctx->store);
	return e;
}

enum err domain_consent_template_get(struct domain_ctx *ctx, const char *public_id,
                                     struct consent_template *out)
{
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_consent_template_get(ctx->store, public_id, out);
	store_end_read(ctx->store);
	return e;
}

/* ---- the text signed ------------------------------------------------ */

/* scope_ok - a comma-separated list of known release categories. */
static int scope_ok(const char *s)
{
	char part[32];
	size_t i, k;

	if (s == NULL || s[0] == '\0' || strlen(s) >= CONSENT_SCOPE_MAX)
		return 0;
	while (*s) {
		for (k = 0; s[k] && s[k] != ','; k++)
			;
		if (k == 0 || k >= sizeof part)
			return 0;
		memcpy(part, s, k);
		part[k] = '\0';
		for (i = 0; scopes[i] != NULL && strcmp(scopes[i], part) != 0; i++)
			;
		if (scopes[i] == NULL)
			return 0;
		s += k;
		if (*s == ',' && *++s == '\0')
			return 0;
	}
	return 1;
}

/* check_release - every element HIPAA 164.508(c) requires, named when
 * missing. The right to revoke and the signature are added by us (the
 * text states the right; the signature is the typed name). */
static enum err check_release(struct domain_ctx *ctx, const struct consent_request *r)
{
	char today[11];

	if (!len_ok(r->recipient, CONSENT_RELEASE_TEXT_MAX, 1)) {
		ctx->message = "a release needs recipient (who receives the information)";
		return ERR_INVAL;
	}
	if (!len_ok(r->description, CONSENT_RELEASE_TEXT_MAX, 1)) {
		ctx->message = "a release needs description (which information, specifically)";
		return ERR_INVAL;
	}
	if (!len_ok(r->release_purpose, CONSENT_RELEASE_TEXT_MAX, 1)) {
		ctx->message = "a release needs release_purpose (why it is disclosed)";
		return ERR_INVAL;
	}
	if ((r->expires_on == NULL || r->expires_on[0] == '\0') &&
	    (r->expiry_event == NULL || r->expiry_event[0] == '\0')) {
		ctx->message = "a release needs expires_on (a date) or expiry_event";
		return ERR_INVAL;
	}
	domain_date_today(ctx->now, today);
	if (r->expires_on != NULL && r->expires_on[0] != '\0' &&
	    (!domain_date_valid(r->expires_on) || strcmp(r->expires_on, today) < 0)) {
		ctx->message = "expires_on must be a date (YYYY-MM-DD), today or later";
		return ERR_INVAL;
	}
	if (r->expiry_event != NULL && r->expiry_event[0] != '\0' &&
	    !len_ok(r->expiry_event, CONSENT_RELEASE_TEXT_MAX, 1)) {
		ctx->message = "expiry_event must be text of at most 1000 bytes";
		return ERR_INVAL;
	}
	if (!scope_ok(r->scope)) {
		ctx->message =
		        "a release needs scope: demographics and/or diagnoses, comma-separated";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* render - the exact text shown for template t and request r. */
static enum err render(const struct consent_template *t, const struct consent_request *r,
                       enum consent_purpose p, struct buf *out)
{
	enum err e = buf_printf(out, "%s (version %lld, effective %s)\n\n%s\n", t->title,
	                        (long long)t->version, t->effective_from, t->body);

	if (e == ERR_OK && p == CONSENT_RELEASE)
		e = buf_printf(out,
		               "\nRecipient: %s\nInformation to be released: %s (%s)\n"
		               "Purpose: %s\nThis authorization expires: %s%s%s\n"
		               "You may revoke this authorization at any time, in writing or in "
		               "the portal, except to the extent that we have already acted on "
		               "it. Treatment does not depend on your signing it. Information "
		               "released may be re-disclosed by the recipient and no longer be "
		               "protected by federal privacy rules.\n",
		               r->recipient, r->description, r->scope, r->release_purpose,
		               r->expires_on && r->expires_on[0] ? r->expires_on : "",
		               r->expires_on && r->expires_on[0] && r->expiry_event &&
		                               r->expiry_event[0]
		                       ? ", or "
		                       : "",
		               r->expiry_event && r->expiry_event[0] ? r->expiry_event : "");
	return e;
}

/* prepare - load the template, check r against it, render and hash. */
static enum err prepare(struct domain_ctx *ctx, const struct consent_request *r,
                        struct consent_template *t, enum consent_purpose *p, struct buf *text,
                        unsigned char hash[32])
{
	enum err e;

	if (r->template_id == NULL || r->template_id[0] == '\0') {
		ctx->message = "template (a consent template id) is required";
		return ERR_INVAL;
	}
	e = store_consent_template_get(ctx->store, r->template_id, t);
	if (e == ERR_NOTFOUND) {
		ctx->message = "template is not a consent template of this practice";
		return ERR_INVAL;
	}
	if (e != ERR_OK)
		return e;
	if (!domain_consent_purpose_parse(t->purpose, p)) {
		e = ERR_INTERNAL;
	} else if (*p == CONSENT_RELEASE) {
		e = check_release(ctx, r);
	} else if (r->recipient || r->description || r->release_purpose || r->expires_on ||
	           r->expiry_event || r->scope) {
		ctx->message = "release elements belong to a release template only";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = render(t, r, *p, text);
	if (e == ERR_OK)
		vault_hash(hash, text->data, text->len);
	if (e != ERR_OK)
		consent_template_cleanup(t);
	return e;
}

enum err domain_consent_text(struct domain_ctx *ctx, const char *client_public_id,
                             const struct consent_request *r, char **text, unsigned char hash[32])
{
	struct consent_template t;
	enum consent_purpose p;
	struct buf b;
	int64_t client_id = 0;
	enum err e;

	buf_init(&b, CONSENT_BODY_MAX + 8 * CONSENT_RELEASE_TEXT_MAX, 1);
	e = may_sign(ctx, client_public_id, AUDIT_CONSENT_READ, &client_id);
	if (e != ERR_OK)
		return e;
	e = prepare(ctx, r, &t, &p, &b, hash);
	store_rollback(ctx->store); /* nothing was written: a preview is not a read of PHI */
	if (e != ERR_OK) {
		buf_cleanup(&b);
		return e;
	}
	consent_template_cleanup(&t);
	*text = buf_steal(&b);
	return *text ? ERR_OK : ERR_NOMEM;
}

/* ---- giving and withdrawing ----------------------------------------- */

static void copy_opt(char *out, size_t size, const char *s)
{
	snprintf(out, size, "%s", s ? s : "");
}

enum err domain_consent_give(struct domain_ctx *ctx, const char *client_public_id,
                             const struct consent_request *r, const unsigned char text_hash[32],
                             struct consent *out)
{
	struct consent_template t;
	struct consent c;
	enum consent_purpose p;
	struct buf b;
	unsigned char hash[32];
	int64_t client_id = 0;
	char detail[80];
	const char *signer = r->signer ? r->signer : "client";
	enum err e;

	if (strcmp(signer, "client") != 0 && strcmp(signer, "guardian") != 0) {
		ctx->message = "signer must be client or guardian";
		return ERR_INVAL;
	}
	if (ctx->role == ROLE_CLIENT && strcmp(signer, "client") != 0) {
		ctx->message = "a client signs as client";
		return ERR_INVAL;
	}
	if (!len_ok(r->signed_name, CONSENT_NAME_MAX, 0)) {
		ctx->message =
		        "signed_name (the typed name) is required, one line of at most 200 bytes";
		return ERR_INVAL;
	}
	buf_init(&b, CONSENT_BODY_MAX + 8 * CONSENT_RELEASE_TEXT_MAX, 1);
	e = may_sign(ctx, client_public_id, AUDIT_CONSENT_GIVE, &client_id);
	if (e != ERR_OK)
		return e;
	e = prepare(ctx, r, &t, &p, &b, hash);
	buf_cleanup(&b);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (!vault_memeq(hash, text_hash, sizeof hash)) {
		consent_template_cleanup(&t);
		store_rollback(ctx->store);
		ctx->message = "text_hash is not the hash of the current text: show the text again";
		return ERR_CONFLICT;
	}
	memset(&c, 0, sizeof c);
	c.client_id = client_id;
	c.template_id = t.id;
	c.template_version = t.version;
	copy_opt(c.template_public_id, sizeof c.template_public_id, t.public_id);
	copy_opt(c.client_public_id, sizeof c.client_public_id, client_public_id);
	copy_opt(c.purpose, sizeof c.purpose, t.purpose);
	consent_template_cleanup(&t);
	copy_opt(c.signer_role, sizeof c.signer_role, ctx->role == ROLE_CLIENT ? "client" : signer);
	c.recorded_by = ctx->actor_id;
	copy_opt(c.recorded_by_public_id, sizeof c.recorded_by_public_id, ctx->actor);
	memcpy(c.text_hash, hash, sizeof hash);
	c.signed_name = mem_strdup(r->signed_name);
	c.source = mem_strdup(ctx->source && ctx->source[0] ? ctx->source : "unknown");
	if (p == CONSENT_RELEASE) {
		c.recipient = mem_strdup(r->recipient);
		c.description = mem_strdup(r->description);
		c.release_purpose = mem_strdup(r->release_purpose);
		if (r->expiry_event && r->expiry_event[0])
			c.expiry_event = mem_strdup(r->expiry_event);
		copy_opt(c.expires_on, sizeof c.expires_on, r->expires_on);
		copy_opt(c.scope, sizeof c.scope, r->scope);
	}
	if (c.signed_name == NULL || c.source == NULL ||
	    (p == CONSENT_RELEASE && (!c.recipient || !c.description || !c.release_purpose)))
		e = ERR_NOMEM;
	if (e == ERR_OK)
		e = store_consent_add(ctx->store, ctx->vault, &c, ctx->now);
	snprintf(detail, sizeof detail, "purpose=%s version=%lld signer=%s", c.purpose,
	         (long long)c.template_version, c.signer_role);
	e = finish(ctx, e, AUDIT_CONSENT_GIVE, client_id, "consent", c.public_id, detail);
	if (e != ERR_OK) {
		consent_cleanup(&c);
		return e;
	}
	*out = c;
	return ERR_OK;
}

enum err domain_consent_withdraw(struct domain_ctx *ctx, const char *public_id)
{
	struct consent c;
	char detail[48];
	int64_t cid = 0;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_consent_get(ctx->store, ctx->vault, public_id, 0, &c);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	store_rollback(ctx->store);
	e = may_sign(ctx, c.client_public_id, AUDIT_CONSENT_WITHDRAW, &cid);
	if (e == ERR_OK && cid != c.client_id)
		e = ERR_INTERNAL;
	if (e != ERR_OK) {
		consent_cleanup(&c);
		return e;
	}
	e = store_consent_withdraw(ctx->store, c.id, ctx->actor_id, ctx->now);
	if (e == ERR_CONFLICT)
		ctx->message = "this consent is already withdrawn";
	snprintf(detail, sizeof detail, "purpose=%s", c.purpose);
	e = finish(ctx, e, AUDIT_CONSENT_WITHDRAW, c.client_id, "consent", c.public_id, detail);
	consent_cleanup(&c);
	return e;
}

enum err domain_consent_list(struct domain_ctx *ctx, const char *client_public_id,
                             struct consent *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	char detail[32];
	size_t i;
	enum err e = client_in_reach(ctx, client_public_id, ACCESS_READ, AUDIT_CONSENT_READ, &cid);

	if (e != ERR_OK)
		return e;
	e = store_consent_list(ctx->store, ctx->vault, cid, out, max, n);
	snprintf(detail, sizeof detail, "count=%zu", e == ERR_OK ? *n : 0);
	e = finish(ctx, e, AUDIT_CONSENT_READ, cid, "client", client_public_id, detail);
	if (e != ERR_OK) {
		for (i = 0; i < *n; i++)
			consent_cleanup(&out[i]);
		*n = 0;
	}
	return e;
}

/* ---- disclosures ---------------------------------------------------- */

void disclosure_packet_cleanup(struct disclosure_packet *p)
{
	size_t i;

	disclosure_cleanup(&p->d);
	consent_cleanup(&p->auth);
	client_cleanup(&p->client);
	for (i = 0; i < p->ndx; i++)
		diagnosis_cleanup(&p->dx[i]);
	mem_wipe(p, sizeof *p);
}

/* has_scope - does the comma-separated scope list name `what`? */
static int has_scope(const char *scope, const char *what)
{
	size_t n = strlen(what);
	const char *p = scope;

	while ((p = strstr(p, what)) != NULL) {
		if ((p == scope || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

enum err domain_disclosure_make(struct domain_ctx *ctx, const char *client_public_id,
                                const char *authorization, struct disclosure_packet *out)
{
	struct consent auth, full;
	int64_t cid = 0;
	char detail[CONSENT_SCOPE_MAX + 16];
	int yes = 0;
	enum err e;

	memset(out, 0, sizeof *out);
	if (ctx->role != ROLE_OWNER && ctx->role != ROLE_CLINICIAN && ctx->role != 0)
		return ERR_DENIED;
	if (authorization == NULL || strlen(authorization) != 32 ||
	    strspn(authorization, "0123456789abcdef") != 32) {
		ctx->message = "authorization (the id of a release consent) is required";
		return ERR_INVAL;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = domain_client_may(ctx, cid, ACCESS_WRITE, &yes);
	if (e == ERR_OK && !yes) {
		domain_audit_refusal(ctx, AUDIT_DISCLOSURE, cid, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	ctx->purpose = "disclosure";
	e = domain_consent_require(ctx, cid, CONSENT_RELEASE, authorization, AUDIT_DISCLOSURE,
	                           &auth);
	if (e != ERR_OK)
		return e; /* refused and audited; rolled back */
	e = store_consent_get(ctx->store, ctx->vault, auth.public_id, 1, &full);
	consent_cleanup(&auth);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	out->d.client_id = cid;
	out->d.consent_id = full.id;
	copy_opt(out->d.consent_public_id, sizeof out->d.consent_public_id, full.public_id);
	copy_opt(out->d.scope, sizeof out->d.scope, full.scope);
	out->d.recipient = mem_strdup(full.recipient);
	out->d.description = mem_strdup(full.description);
	out->d.purpose = mem_strdup(full.release_purpose);
	out->d.disclosed_by = ctx->actor_id;
	copy_opt(out->d.disclosed_by_public_id, sizeof out->d.disclosed_by_public_id, ctx->actor);
	out->auth = full; /* the packet's cover page shows what was signed */
	if (!out->d.recipient || !out->d.description || !out->d.purpose)
		e = ERR_NOMEM;
	if (e == ERR_OK && has_scope(out->d.scope, "demographics")) {
		e = store_client_get(ctx->store, ctx->vault, client_public_id, &out->client);
		out->has_demographics = e == ERR_OK;
	}
	if (e == ERR_OK && has_scope(out->d.scope, "diagnoses")) {
		e = store_diagnosis_list(ctx->store, ctx->vault, cid, out->dx,
		                         DIAGNOSES_PER_CLIENT_MAX, &out->ndx);
		out->has_diagnoses = e == ERR_OK;
	}
	if (e == ERR_OK)
		e = store_disclosure_add(ctx->store, ctx->vault, &out->d, ctx->now);
	snprintf(detail, sizeof detail, "scope=%s", out->d.scope);
	e = finish(ctx, e, AUDIT_DISCLOSURE, cid, "disclosure", out->d.public_id, detail);
	if (e != ERR_OK)
		disclosure_packet_cleanup(out);
	return e;
}

enum err domain_disclosure_list(struct domain_ctx *ctx, const char *client_public_id,
                                struct disclosure *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	char detail[32];
	size_t i;
	enum err e =
	        client_in_reach(ctx, client_public_id, ACCESS_READ, AUDIT_DISCLOSURE_LIST, &cid);

	if (e != ERR_OK)
		return e;
	e = store_disclosure_list(ctx->store, ctx->vault, cid,
	                          ctx->now - (int64_t)DISCLOSURE_YEARS * 366 * 86400, out, max, n);
	snprintf(detail, sizeof detail, "count=%zu", e == ERR_OK ? *n : 0);
	e = finish(ctx, e, AUDIT_DISCLOSURE_LIST, cid, "client", client_public_id, detail);
	if (e != ERR_OK) {
		for (i = 0; i < *n; i++)
			disclosure_cleanup(&out[i]);
		*n = 0;
	}
	return e;
}
