/*
 * transparency.h - what the practice tells a client, a regulator and the
 * public about the data it holds: a client's privacy page, the record of
 * processing (GDPR 30) and the public privacy notice.
 *
 * Responsible for: one list of the categories of a client's record (what
 * each holds and which roles may see it) and one list of the integrations
 * that can send data out of the practice, each with the setting that turns
 * it on and the consent it needs. Everything shown is generated from these
 * lists and the practice's settings, so the notice cannot drift from what
 * the code does. Never: shows a client's data on a page other than their
 * own; mentions psychotherapy notes on a client's page (their existence is
 * the author's, see docs/design/psychotherapy-notes.md).
 */
#ifndef CONFIDANT_DOMAIN_TRANSPARENCY_H
#define CONFIDANT_DOMAIN_TRANSPARENCY_H

#include "domain/domain.h"
#include "store/privacy.h"

/* One category of a client's record. */
struct data_category {
	const char *name; /* "demographics", "notes", ... */
	const char *what; /* what it holds, for people */
	const char *who;  /* which roles may see it, for people */
	size_t count_off; /* offsetof(struct client_counts, ...), or (size_t)-1 */
};
extern const struct data_category data_categories[];
extern const size_t data_category_count;

/* One way data can leave the practice. */
struct integration {
	const char *name;    /* "email", "sms", "clearinghouse" */
	const char *purpose; /* what it is for */
	const char *sends;   /* what it sends, by default */
	const char *setting; /* text setting that configures it ("" = off) */
	const char *consent; /* the consent purpose it needs (domain/consent.h) */
};
extern const struct integration integrations[];
extern const size_t integration_count;

#define TRANSPARENCY_TEXT_MAX 512 /* longest setting shown */

/* A client's privacy page. */
struct privacy_page {
	char client_public_id[33];
	struct client_counts counts;                  /* rows per category */
	char practice_name[TRANSPARENCY_TEXT_MAX];    /* who is responsible */
	char server_location[TRANSPARENCY_TEXT_MAX];  /* where the data is */
	char privacy_contact[TRANSPARENCY_TEXT_MAX];  /* whom to ask */
	char retention_policy[TRANSPARENCY_TEXT_MAX]; /* how long it is kept */
	int configured[8];                            /* integrations[i] is on */
	int64_t retain_until;                         /* kept at least until (retention rule) */
	char retention_jurisdiction[8];               /* the rule's code ("" if built in) */
	const char *retention_basis;                  /* "adult" or "minor" (static) */
};

/* domain_privacy_page - the page for a client: the client themself and
 * staff who may read the client. Audited (privacy.page, counts only). */
enum err domain_privacy_page(struct domain_ctx *ctx, const char *client_public_id,
                             struct privacy_page *out);

/* The practice's public facts (for the notice and the record of
 * processing): the same settings and integrations, no client. */
struct practice_facts {
	char practice_name[TRANSPARENCY_TEXT_MAX];
	char server_location[TRANSPARENCY_TEXT_MAX];
	char privacy_contact[TRANSPARENCY_TEXT_MAX];
	char retention_policy[TRANSPARENCY_TEXT_MAX];
	int configured[8];
};

/* domain_practice_facts - read the settings behind the notice. */
enum err domain_practice_facts(struct domain_ctx *ctx, struct practice_facts *out);

#endif
