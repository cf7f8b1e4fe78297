/*
 * plans.h - treatment plans and their versions in the store (store_plans.c).
 *
 * Responsible for: the treatment_plans head rows and the
 * treatment_plan_versions rows; sealing each version's JSON document, its
 * rendered text and (once signed) the signer's typed name under the
 * client's key, bound to the version's row. Callers (domain/) have checked
 * access and validated the document. Never: changes a sealed version or a
 * signed one (the schema refuses too), deletes anything, or returns text
 * that failed to open.
 */
#ifndef CONFIDANT_STORE_PLANS_H
#define CONFIDANT_STORE_PLANS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

/* Signature methods, as stored. */
#define PLAN_SIGNED_PORTAL "portal"       /* the client signed in their own portal */
#define PLAN_SIGNED_IN_PERSON "in_person" /* a clinician recorded it with the client present */

/* One version of a plan, with its plan's head. body, text and signer_name
 * are PHI (sealed at rest), NULL unless opened: plan_version_cleanup wipes
 * and frees them. */
struct plan_version {
	int64_t id;                    /* version row id */
	int64_t plan_id;               /* plan row id */
	char plan_public_id[33];       /* the plan's opaque id */
	int64_t client_id;             /* whose plan (row id) */
	char client_public_id[33];     /* and their public id */
	int64_t version;               /* 1, 2, ... */
	int64_t latest;                /* the plan's newest version number */
	int64_t author_id;             /* who saved this version (user row id) */
	char author_public_id[33];     /* and their public id */
	int64_t created_at;            /* when this version was saved */
	uint32_t key_version;          /* the client key version its columns are sealed under */
	int64_t plan_created_at;       /* when the plan was started */
	unsigned char text_hash[32];   /* SHA-256 of text */
	int64_t signed_at;             /* 0 while unsigned */
	char signed_by_public_id[33];  /* who recorded the signature, "" while unsigned */
	char signed_method[12];        /* PLAN_SIGNED_*, "" while unsigned */
	unsigned char signed_hash[32]; /* the hash the signature recorded */
	char *body;                    /* the plan as canonical JSON, or NULL */
	char *text;                    /* the rendering shown for signature, or NULL */
	char *signer_name;             /* the typed name, or NULL */
};

/* plan_version_cleanup - wipe p and free its text. */
void plan_version_cleanup(struct plan_version *p);

/* store_plan_create - a new plan head for client_id by author (no version
 * yet: latest 0); writes its row id and public id. */
enum err store_plan_create(struct store *s, int64_t client_id, int64_t author, int64_t now,
                           int64_t *plan_id, char public_id[33]);

/* store_plan_head - a plan's row id, client and newest version number by
 * public id, without opening anything (for the access check).
 * ERR_NOTFOUND if there is none. */
enum err store_plan_head(struct store *s, const char *public_id, int64_t *plan_id,
                         int64_t *client_id, int64_t *latest);

/* store_plan_version_add - version p->version of plan p->plan_id (which
 * must be the plan's latest + 1, else ERR_CONFLICT: someone saved first)
 * with p->author_id, p->body, p->text and p->text_hash, sealed under
 * client p->client_id's key. Sets p->id and p->created_at. */
enum err store_plan_version_add(struct store *s, const struct vault *v, struct plan_version *p,
                                int64_t now);

/* store_plan_version_get - version `version` of plan plan_id (0: the
 * newest), opened when open. ERR_NOTFOUND if there is no such version;
 * ERR_CRYPTO if a sealed column fails to open. */
enum err store_plan_version_get(struct store *s, const struct vault *v, int64_t plan_id,
                                int64_t version, int open, struct plan_version *out);

/* store_plan_versions - every version of plan_id, newest first, nothing
 * opened; at most max, *n set. */
enum err store_plan_versions(struct store *s, int64_t plan_id, struct plan_version *out, size_t max,
                             size_t *n);

/* store_plan_list - the newest version of each of a client's plans,
 * opened (body and text), oldest plan first; at most max, *n set. On error
 * nothing is left in out. */
enum err store_plan_list(struct store *s, const struct vault *v, int64_t client_id,
                         struct plan_version *out, size_t max, size_t *n);

/* store_plan_count - how many plans a client has. */
enum err store_plan_count(struct store *s, int64_t client_id, size_t *n);

/* store_plan_sign - record a signature on version row p->id: name (sealed),
 * by, method, hash, now. ERR_CONFLICT if it is already signed. */
enum err store_plan_sign(struct store *s, const struct vault *v, const struct plan_version *p,
                         const char *name, int64_t by, const char *method,
                         const unsigned char hash[32], int64_t now);

#endif
