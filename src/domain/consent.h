/*
 * consent.h - consent templates, consents given and withdrawn, the one
 * consent gate, and disclosures with their accounting.
 *
 * The gate: every path that discloses or processes a client's data beyond
 * treatment asks domain_consent_require for its purpose before it acts.
 * Without a valid consent the operation is refused with ERR_CONSENT, the
 * message names the missing purpose, and the refusal is audited. The gate
 * is also enforced at the audit trail: an event listed in
 * domain_consent_events (a disclosure) can only be written after the gate
 * passed for that client and purpose in the same operation; otherwise
 * domain_emit fails the operation (ERR_INTERNAL). A new disclosure path
 * therefore adds its event to that list, and tests/api/consent.test.mjs
 * walks every route whose event is listed (`confidant routes` prints the
 * purpose) and proves it is refused without consent.
 *
 * Who may do what:
 *  - templates: the owner writes (a new version each time, never an
 *    edit); everyone signed in reads (a client must read what they sign);
 *  - consents: the client themself (portal) gives and withdraws their own;
 *    staff who may change the client's record (owner, front desk, a
 *    clinician on the care team) record one given in person or on paper,
 *    by the client or a guardian, and record a withdrawal; staff who may
 *    read the client read the history;
 *  - disclosures: the owner or a clinician who reaches the client releases
 *    under a release-of-information authorization; the accounting (six
 *    years) is read by the client and by staff who may read the client.
 * Never: bundles two purposes in one signature (one template, one purpose;
 * psychotherapy-notes authorization is its own purpose and never a release
 * scope); puts a name, recipient or text in an audit event or message.
 */
#ifndef CONFIDANT_DOMAIN_CONSENT_H
#define CONFIDANT_DOMAIN_CONSENT_H

#include "domain/diagnoses.h"
#include "domain/domain.h"
#include "store/consent.h"

enum consent_purpose {
	CONSENT_TREATMENT = 0,       /* treatment and practice policies */
	CONSENT_TELEHEALTH,          /* video sessions */
	CONSENT_EMAIL,               /* electronic communications by email */
	CONSENT_SMS,                 /* electronic communications by text message */
	CONSENT_INSURANCE,           /* billing an insurer */
	CONSENT_RELEASE,             /* release of information to a named recipient */
	CONSENT_PSYCHOTHERAPY_NOTES, /* psychotherapy-notes authorization (always separate) */
	CONSENT_AI,                  /* AI-assisted processing */
	CONSENT_RESEARCH,            /* de-identified research use */
	CONSENT__COUNT
};

#define CONSENT_TITLE_MAX 200
#define CONSENT_BODY_MAX (64 * 1024)
#define CONSENT_NAME_MAX 200          /* typed name */
#define CONSENT_RELEASE_TEXT_MAX 1000 /* each element of a release */
#define CONSENTS_PER_CLIENT_MAX 500
#define DISCLOSURE_YEARS 6 /* HIPAA 164.528: accounting covers six years */

/* domain_consent_purpose_name / _parse - "telehealth" etc. */
const char *domain_consent_purpose_name(enum consent_purpose p);
int domain_consent_purpose_parse(const char *s, enum consent_purpose *out);

/* domain_consent_event_purpose - the purpose an audit event discloses
 * under, or -1 if it is not a disclosure (the gate's list). */
int domain_consent_event_purpose(enum audit_event ev);

/* domain_consent_permits - the gate's question for a path that selects
 * among many clients (a research export takes only those who consented):
 * *yes when the client has a consent for p in force, and then, as with
 * domain_consent_require, the pass is remembered for domain_emit. A "no"
 * is not audited: leaving a client out is not a refusal of anyone. */
enum err domain_consent_permits(struct domain_ctx *ctx, int64_t client_id, enum consent_purpose p,
                                int *yes);

/* domain_consent_require - the gate. OK if the client has a consent for p
 * in force: given, not withdrawn, of a template version still accepted (a
 * later version that requires re-consent and is effective replaces it),
 * and for a release not expired and, when authorization is not NULL,
 * exactly that authorization (its public id). On OK the context remembers
 * the pass for this client (domain_emit checks it) and *granted (if not
 * NULL) is the consent, not opened. Otherwise ERR_CONSENT with
 * ctx->message naming the purpose, and an audited refusal of event ev.
 * Inside the caller's transaction; on refusal the transaction is rolled
 * back (domain_audit_refusal). */
enum err domain_consent_require(struct domain_ctx *ctx, int64_t client_id, enum consent_purpose p,
                                const char *authorization, enum audit_event ev,
                                struct consent *granted);

/* domain_consent_template_add - a new version of a purpose's document (the
 * owner). t: purpose, title, body, effective_from, requires_reconsent. */
enum err domain_consent_template_add(struct domain_ctx *ctx, struct consent_template *t);
/* domain_consent_template_list - every version, newest first per purpose. */
enum err domain_consent_template_list(struct domain_ctx *ctx, struct consent_template *out,
                                      size_t max, size_t *n);
/* domain_consent_template_get - one version. */
enum err domain_consent_template_get(struct domain_ctx *ctx, const char *public_id,
                                     struct consent_template *out);

/* What a signer is shown and signs: a template, and for a release its
 * elements (HIPAA 164.508(c)). */
struct consent_request {
	const char *template_id;     /* public id of the template version */
	const char *signer;          /* "client" or "guardian" */
	const char *signed_name;     /* typed name */
	const char *recipient;       /* release: who receives */
	const char *description;     /* release: what information, specifically */
	const char *release_purpose; /* release: why ("at the request of the individual" is fine) */
	const char *expires_on;      /* release: YYYY-MM-DD in the future, or NULL */
	const char *expiry_event;    /* release: the event that ends it, or NULL */
	const char *scope;           /* release: categories, comma-separated */
};

/* domain_consent_text - the exact text a signer is shown for r (heap,
 * caller frees wiped) and its BLAKE2b-256 hash. ERR_INVAL with
 * ctx->message for a missing release element or an unknown template. */
enum err domain_consent_text(struct domain_ctx *ctx, const char *client_public_id,
                             const struct consent_request *r, char **text, unsigned char hash[32]);

/* domain_consent_give - record r as signed, with text_hash the hash of the
 * text the signer saw (ERR_CONFLICT if it is not the hash of the current
 * text). On success *out is the stored consent (opened). */
enum err domain_consent_give(struct domain_ctx *ctx, const char *client_public_id,
                             const struct consent_request *r, const unsigned char text_hash[32],
                             struct consent *out);

/* domain_consent_withdraw - withdraw a consent (one step, like giving).
 * ERR_CONFLICT if it already is. */
enum err domain_consent_withdraw(struct domain_ctx *ctx, const char *public_id);

/* domain_consent_list - a client's consents, newest first, with history. */
enum err domain_consent_list(struct domain_ctx *ctx, const char *client_public_id,
                             struct consent *out, size_t max, size_t *n);

/* What a release put together: the client and what the scope allowed. */
struct disclosure_packet {
	struct disclosure d;  /* the recorded disclosure (recipient, purpose...) */
	struct client client; /* demographics (scope "demographics") */
	int has_demographics; /* scope included them */
	int has_diagnoses;    /* scope included diagnoses */
	struct diagnosis dx[DIAGNOSES_PER_CLIENT_MAX]; /* ... these */
	size_t ndx;                                    /* how many */
	struct consent auth; /* the authorization released under, opened (its 164.508(c)
	                        elements and signature, for the packet's cover page) */
};

/* domain_disclosure_make - release the client's information to the
 * recipient of release authorization `authorization` (a consent public id)
 * for the scope it allows: the gate, the disclosure record and its event in
 * one transaction. *out is what was released; the caller renders it and
 * calls disclosure_packet_cleanup. */
enum err domain_disclosure_make(struct domain_ctx *ctx, const char *client_public_id,
                                const char *authorization, struct disclosure_packet *out);
void disclosure_packet_cleanup(struct disclosure_packet *p);

/* domain_disclosure_list - the accounting of disclosures of the last six
 * years, newest first. */
enum err domain_disclosure_list(struct domain_ctx *ctx, const char *client_public_id,
                                struct disclosure *out, size_t max, size_t *n);

#endif
