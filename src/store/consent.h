/*
 * consent.h - consent templates, consents and disclosures in the store
 * (store_consent.c).
 *
 * Responsible for: reading and writing consent_templates, consents and
 * disclosures rows; sealing the signer's typed name, the source address and
 * a release's elements under the client's key bound to their row. Callers
 * (domain/consent.c) have checked access and validated everything.
 * Never: edits a template or a given consent (the schema refuses it too);
 * returns a field that failed to open.
 */
#ifndef CONFIDANT_STORE_CONSENT_H
#define CONFIDANT_STORE_CONSENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define CONSENT_PURPOSE_MAX 32 /* bytes of a purpose name with its NUL */
#define CONSENT_SCOPE_MAX 160  /* bytes of a release's scope with its NUL */

/* A practice's consent document, one version of one purpose. Not PHI. */
struct consent_template {
	int64_t id;                        /* row id */
	char public_id[33];                /* opaque id */
	char purpose[CONSENT_PURPOSE_MAX]; /* "telehealth", ... */
	int64_t version;                   /* 1, 2, ... per purpose */
	char *title;                       /* heap */
	char *body;                        /* heap: the text shown */
	char effective_from[11];           /* YYYY-MM-DD */
	int requires_reconsent;            /* earlier versions stop counting */
	char created_by_public_id[33];     /* who wrote it */
	int64_t created_at;                /* unix seconds */
};

/* consent_template_cleanup - free the text; the struct is zeroed. */
void consent_template_cleanup(struct consent_template *t);

/* One consent given by (or for) a client. The heap strings are PHI. */
struct consent {
	int64_t id;                        /* row id */
	char public_id[33];                /* opaque id */
	int64_t client_id;                 /* whose */
	char client_public_id[33];         /* and their public id */
	int64_t template_id;               /* which document */
	char template_public_id[33];       /* and its public id */
	int64_t template_version;          /* its version */
	char purpose[CONSENT_PURPOSE_MAX]; /* the template's purpose */
	char *signed_name;                 /* typed name (heap, sealed) */
	char *source;                      /* source address (heap, sealed) */
	char signer_role[16];              /* client, guardian, staff */
	int64_t recorded_by;               /* user who recorded it */
	char recorded_by_public_id[33];    /* and their public id */
	unsigned char text_hash[32];       /* BLAKE2b-256 of the exact text shown */
	int64_t signed_at;                 /* unix seconds */
	char *recipient;                   /* release only (heap, sealed) */
	char *description;                 /* release only: what may be released */
	char *release_purpose;             /* release only: why */
	char *expiry_event;                /* release only: the event that ends it, or NULL */
	char expires_on[11];               /* release only: YYYY-MM-DD, or "" */
	char scope[CONSENT_SCOPE_MAX];     /* release only: categories, comma-separated */
	int64_t withdrawn_at;              /* 0 while in force */
	char withdrawn_by_public_id[33];   /* who withdrew it, or "" */
};

/* consent_cleanup - wipe and free the sealed text; the struct is zeroed. */
void consent_cleanup(struct consent *c);

/* store_consent_template_add - insert t as the next version of t->purpose
 * by user `by`; sets id, public_id, version, created_at. */
enum err store_consent_template_add(struct store *s, struct consent_template *t, int64_t by,
                                    int64_t now);
/* store_consent_template_get - by public id (ERR_NOTFOUND if none). */
enum err store_consent_template_get(struct store *s, const char *public_id,
                                    struct consent_template *out);
/* store_consent_template_list - every version, purpose by purpose, newest
 * first; at most max into out, *n set. */
enum err store_consent_template_list(struct store *s, struct consent_template *out, size_t max,
                                     size_t *n);
/* store_consent_reconsent_version - the highest version of purpose that
 * requires re-consent and is effective on date `today` (0 if none). */
enum err store_consent_reconsent_version(struct store *s, const char *purpose, const char *today,
                                         int64_t *version);

/* store_consent_add - insert c (client_id, template_id, purpose, signer,
 * recorded_by, text_hash, release fields) and seal its text; sets id,
 * public_id, signed_at. Inside the caller's transaction. */
enum err store_consent_add(struct store *s, const struct vault *v, struct consent *c, int64_t now);
/* store_consent_get - by public id; with open = 0 the sealed text is not
 * opened (an access check first). */
enum err store_consent_get(struct store *s, const struct vault *v, const char *public_id, int open,
                           struct consent *out);
/* store_consent_list - a client's consents, newest first, opened; at most
 * max, *n set. On error nothing is left in out. */
enum err store_consent_list(struct store *s, const struct vault *v, int64_t client_id,
                            struct consent *out, size_t max, size_t *n);
/* store_consent_in_force - the client's consents for purpose that are not
 * withdrawn, newest first, not opened (ids, version, expiry, scope). */
enum err store_consent_in_force(struct store *s, int64_t client_id, const char *purpose,
                                struct consent *out, size_t max, size_t *n);
/* store_consent_withdraw - mark consent id withdrawn by `by` at now
 * (ERR_CONFLICT if it already is). */
enum err store_consent_withdraw(struct store *s, int64_t id, int64_t by, int64_t now);

/* A disclosure made to a third party (HIPAA 164.528). */
struct disclosure {
	int64_t id;                      /* row id */
	char public_id[33];              /* opaque id */
	int64_t client_id;               /* whose record */
	int64_t consent_id;              /* the authorization it was made under, or 0 */
	char consent_public_id[33];      /* and its public id, or "" */
	char *recipient;                 /* heap, sealed */
	char *description;               /* heap, sealed */
	char *purpose;                   /* heap, sealed */
	char scope[CONSENT_SCOPE_MAX];   /* categories released */
	char disclosed_by_public_id[33]; /* who released it */
	int64_t disclosed_by;            /* and their row id */
	int64_t disclosed_at;            /* unix seconds */
};

/* disclosure_cleanup - wipe and free; the struct is zeroed. */
void disclosure_cleanup(struct disclosure *d);
/* store_disclosure_add - insert and seal d; sets id, public_id. */
enum err store_disclosure_add(struct store *s, const struct vault *v, struct disclosure *d,
                              int64_t now);
/* store_disclosure_list - a client's disclosures since `since`, newest
 * first, opened; at most max, *n set. */
enum err store_disclosure_list(struct store *s, const struct vault *v, int64_t client_id,
                               int64_t since, struct disclosure *out, size_t max, size_t *n);

#endif
