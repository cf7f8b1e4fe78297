/*
 * settings.c - the practice settings an owner may change, each with its
 * allowed range, applied in one audited transaction. Never: accepts a
 * setting it does not know, or a value outside its range.
 */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "core/mem.h"
#include "domain/dates.h"
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
        /* Retention is per jurisdiction now: /api/v1/retention-rules
         * (domain/retention.h; migration 0018 moved these three there). */
        /* Reminders and calendar feeds (domain/reminders.h, feeds.h). */
        {"reminder_hours_before", 24, 1, 168}, /* how long before an appointment */
        {"reminder_name_practice", 0, 0, 1},   /* 1: a reminder names the practice */
        {"smtp_port", 587, 1, 65535},          /* the SMTP server's port */
        {"smtp_security", 1, 0, 2}, /* 0 none (loopback only), 1 STARTTLS, 2 TLS (smtps) */
        {"feed_label", 0, 0,
         2}, /* calendar feeds show 0 an internal id, 1 initials, 2 first name */
        {"turn_ttl_seconds", 3600, 60, 3600}, /* how long a TURN credential lives */
};
const size_t settings_count = sizeof settings / sizeof settings[0];

const struct text_setting text_settings[] = {
        {"practice_name", "", 200},                            /* shown in notices */
        {"server_location", "the practice's own server", 200}, /* where data is kept */
        {"privacy_contact", "", 300}, /* how to reach the privacy officer */
        {"retention_policy",
         "Records are kept for 7 years after the last contact, and a minor's until 7 years "
         "after they turn 18; then they are erased.",
         500}, /* what the privacy page says about retention */
        /* Integrations that can send data out (domain/transparency.c): empty = off. */
        {"smtp_host", "", 255},         /* email reminders and messages */
        {"sms_gateway_url", "", 500},   /* SMS reminders */
        {"clearinghouse_url", "", 500}, /* insurance claims */
        {"smtp_from", "", 255},         /* the From address of reminders */
        {"smtp_username", "", 255},     /* SMTP sign-in name (password: integration secrets) */
        {"reminder_link", "", 300},     /* where a client confirms (a portal page), or "" */
        {"reminder_phone", "", 50},     /* a number to call to confirm, or "" */
        /* coturn relay URIs for video, comma-separated ("turn:host:3478,turns:host:5349");
         * its shared secret is the integration secret turn_secret (domain/telehealth.h) */
        {"turn_urls", "", 500},
};
const size_t text_settings_count = sizeof text_settings / sizeof text_settings[0];

const struct text_setting *domain_text_setting_find(const char *key)
{
	size_t i;

	for (i = 0; i < text_settings_count; i++)
		if (strcmp(text_settings[i].key, key) == 0)
			return &text_settings[i];
	return NULL;
}

void domain_text_setting(struct domain_ctx *ctx, const char *key, char *out, size_t size)
{
	const struct text_setting *t = domain_text_setting_find(key);
	char *v = NULL;

	if (size == 0)
		return;
	out[0] = '\0';
	if (t == NULL)
		return;
	if (store_meta_get(ctx->store, key, &v) == ERR_OK && v != NULL) {
		snprintf(out, size, "%s", v);
		free(v);
		return;
	}
	snprintf(out, size, "%s", t->dflt);
}

const struct setting *domain_setting_find(const char *key)
{
	size_t i;

	for (i = 0; i < settings_count; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

enum err domain_settings_get(struct domain_ctx *ctx, int64_t *values, char **texts)
{
	char buf[512];
	size_t i;
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	for (i = 0; i < settings_count; i++)
		values[i] = domain_setting_int(ctx, settings[i].key, settings[i].dflt);
	for (i = 0; i < text_settings_count && e == ERR_OK; i++) {
		domain_text_setting(ctx, text_settings[i].key, buf, sizeof buf);
		texts[i] = mem_strdup(buf);
		if (texts[i] == NULL)
			e = ERR_NOMEM;
	}
	store_end_read(ctx->store);
	if (e != ERR_OK)
		while (i-- > 0)
			free(texts[i]);
	return e;
}

/* check - one change is known, of the right kind, and in range (the API
 * names the field first with domain_setting_explain). */
static enum err check(struct domain_ctx *ctx, const struct setting_change *c)
{
	if (domain_setting_explain(c, NULL, 0) == 0)
		return ERR_OK;
	ctx->message = "a setting is unknown, outside its allowed range or too long (see "
	               "docs/api.md)";
	return ERR_INVAL;
}

int domain_setting_explain(const struct setting_change *c, char *out, size_t size)
{
	const struct setting *s = domain_setting_find(c->key);
	const struct text_setting *t = domain_text_setting_find(c->key);

	if (size > 0)
		out[0] = '\0';
	if (s == NULL && t == NULL) {
		snprintf(out, size, "%s is not a setting", c->key);
		return -1;
	}
	if (s != NULL && (c->text != NULL || c->value < s->min || c->value > s->max)) {
		snprintf(out, size, "%s must be a whole number from %lld to %lld", c->key,
		         (long long)s->min, (long long)s->max);
		return -1;
	}
	if (t != NULL &&
	    (c->text == NULL || strlen(c->text) > t->max || !domain_text_clean(c->text, 0))) {
		snprintf(out, size, "%s must be one line of text of at most %zu characters", c->key,
		         t->max);
		return -1;
	}
	return 0;
}

enum err domain_settings_set(struct domain_ctx *ctx, const struct setting_change *c, size_t n)
{
	char v[32], detail[80];
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; i < n && e == ERR_OK; i++)
		e = check(ctx, &c[i]);
	if (e != ERR_OK)
		return e;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	for (i = 0; i < n && e == ERR_OK; i++) {
		if (c[i].text != NULL) {
			e = store_meta_set(ctx->store, c[i].key, c[i].text);
			snprintf(detail, sizeof detail, "%s=changed", c[i].key);
		} else {
			snprintf(v, sizeof v, "%lld", (long long)c[i].value);
			e = store_meta_set(ctx->store, c[i].key, v);
			snprintf(detail, sizeof detail, "%s=%s", c[i].key, v);
		}
		if (e == ERR_OK)
			e = domain_emit(ctx, AUDIT_SETTINGS, 0, "settings", "", detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}
