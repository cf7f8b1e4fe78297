/*
 * settings.c - the practice settings an owner may change, each with its
 * allowed range, applied in one audited transaction. Never: accepts a
 * setting it does not know, or a value outside its range.
 */
#include <stdio.h>
#include <string.h>

#include "domain/identity.h"
#include "domain/settings.h"

const struct setting settings[] = {
        {"require_mfa", 1, 0, 1},                    /* staff must use TOTP */
        {"session_idle_seconds", 900, 60, 86400},    /* idle timeout */
        {"session_max_seconds", 43200, 600, 604800}, /* absolute lifetime */
        {"break_glass_minutes", 60, 5, 1440},        /* emergency access length */
        /* Optional chart fields the practice collects (docs/decisions.md). */
        {"collect_emergency_contact", 0, 0, 1}, /* emergency contact name, relationship, phone */
        {"collect_guardians", 0, 0, 1},         /* guardians of minors */
        {"collect_intake_date", 0, 0, 1},       /* intake date */
        {"collect_referral_source", 0, 0, 1},   /* who referred the client */
        /* Retention (docs/api.md, "Erasure"): years after last contact, and for
         * a client who was a minor then, years after majority. */
        {"retention_adult_years", 7, 0, 100},
        {"retention_majority_age", 18, 14, 25},
        {"retention_minor_years", 7, 0, 100},
};
const size_t settings_count = sizeof settings / sizeof settings[0];

const struct setting *domain_setting_find(const char *key)
{
	size_t i;

	for (i = 0; i < settings_count; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

enum err domain_settings_get(struct domain_ctx *ctx, int64_t *values)
{
	size_t i;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	for (i = 0; i < settings_count; i++)
		values[i] = domain_setting_int(ctx, settings[i].key, settings[i].dflt);
	store_rollback(ctx->store);
	return ERR_OK;
}

enum err domain_settings_set(struct domain_ctx *ctx, const char *const *keys, const int64_t *values,
                             size_t n)
{
	char v[32];
	size_t i;
	enum err e;

	for (i = 0; i < n; i++) {
		const struct setting *s = domain_setting_find(keys[i]);

		if (s == NULL) {
			ctx->message = "unknown setting";
			return ERR_INVAL;
		}
		if (values[i] < s->min || values[i] > s->max) {
			ctx->message = "a setting is outside its allowed range (see docs/api.md)";
			return ERR_INVAL;
		}
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	for (i = 0; i < n && e == ERR_OK; i++) {
		snprintf(v, sizeof v, "%lld", (long long)values[i]);
		e = store_meta_set(ctx->store, keys[i], v);
		if (e == ERR_OK) {
			char detail[80];

			snprintf(detail, sizeof detail, "%s=%s", keys[i], v);
			e = domain_emit(ctx, AUDIT_SETTINGS, 0, "settings", "", detail);
		}
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}
