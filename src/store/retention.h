/*
 * retention.h - retention rules per jurisdiction (store_retention.c): how
 * long the law where a client is treated says their record must be kept.
 *
 * Responsible for: the retention_rules rows (in the clear: they describe
 * laws, not people) and counting the clients whose sealed jurisdiction
 * names a rule. Never: decides which rule applies to a client or whether
 * a change is allowed (domain/retention.c does), or returns a client's
 * jurisdiction.
 */
#ifndef CONFIDANT_STORE_RETENTION_H
#define CONFIDANT_STORE_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define RETENTION_CODE_MAX 6    /* bytes of a code: "US-WA", "GB-SCT" */
#define RETENTION_NOTE_MAX 500  /* bytes of a rule's note */
#define RETENTION_RULES_MAX 200 /* rules one list returns */

/* One rule. */
struct retention_rule {
	char code[RETENTION_CODE_MAX + 1]; /* ISO 3166-1 alpha-2 or 3166-2 code */
	int64_t adult_years;               /* years after the last contact */
	int64_t majority_age;              /* age of majority there */
	int64_t minor_years;               /* years after majority, for a minor */
	char note[RETENTION_NOTE_MAX + 1]; /* the law it follows; never about a client */
	int64_t updated_at;                /* unix seconds */
};

/* store_retention_rule_get - the rule with this code; ERR_NOTFOUND. */
enum err store_retention_rule_get(struct store *s, const char *code, struct retention_rule *out);
/* store_retention_rule_list - every rule by code, at most max; *n set. */
enum err store_retention_rule_list(struct store *s, struct retention_rule *out, size_t max,
                                   size_t *n);
/* store_retention_rule_put - insert or replace r (updated_at as given);
 * *created is 1 if the code was new. */
enum err store_retention_rule_put(struct store *s, const struct retention_rule *r, int *created);
/* store_retention_rule_delete - remove the rule; ERR_NOTFOUND. */
enum err store_retention_rule_delete(struct store *s, const char *code);
/* store_retention_rule_users - how many clients' sealed jurisdiction is
 * code: opens each set jurisdiction under its client's key (the field is
 * sealed, so there is no index to ask). ERR_CRYPTO if one fails to open. */
enum err store_retention_rule_users(struct store *s, const struct vault *v, const char *code,
                                    int64_t *count);

#endif
