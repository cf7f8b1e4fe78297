/*
 * settings.h - practice settings: names, defaults and allowed ranges.
 */
#ifndef CONFIDANT_DOMAIN_SETTINGS_H
#define CONFIDANT_DOMAIN_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/domain.h"

/* One integer setting. */
struct setting {
	const char *key; /* name, as stored in meta and shown in the API */
	int64_t dflt;    /* value when unset */
	int64_t min;     /* smallest allowed */
	int64_t max;     /* largest allowed */
};
extern const struct setting settings[];
extern const size_t settings_count;

/* domain_setting_find - the setting called key, or NULL. */
const struct setting *domain_setting_find(const char *key);

/* One text setting: the practice's name, where its server is, how to
 * reach its privacy officer, its integrations' endpoints. Not PHI. */
struct text_setting {
	const char *key;  /* name, as stored in meta and shown in the API */
	const char *dflt; /* value when unset */
	size_t max;       /* longest allowed, in bytes */
};
extern const struct text_setting text_settings[];
extern const size_t text_settings_count;

#define SETTINGS_MAX 64 /* integer settings, and text settings, at most of each */

/* domain_text_setting_find - the text setting called key, or NULL. */
const struct text_setting *domain_text_setting_find(const char *key);

/* domain_text_setting - the value of text setting key into out (size
 * bytes): its default when unset, "" for an unknown key. */
void domain_text_setting(struct domain_ctx *ctx, const char *key, char *out, size_t size);

/* domain_settings_get - every integer setting's value, in settings[] order,
 * and every text setting's into texts (heap strings, caller frees). */
enum err domain_settings_get(struct domain_ctx *ctx, int64_t *values, char **texts);

/* A change to one setting: text is non-NULL for a text setting. */
struct setting_change {
	const char *key;  /* which */
	int64_t value;    /* the new integer value */
	const char *text; /* or the new text */
};

/* domain_setting_explain - 0 if change c is acceptable; otherwise -1 with
 * a sentence into out (size bytes) that names the setting and its allowed
 * range or length, never the value given: "session_idle_seconds must be a
 * whole number from 60 to 86400". */
int domain_setting_explain(const struct setting_change *c, char *out, size_t size);

/* domain_settings_set - apply n changes at once (all or none), each
 * audited (a text value is recorded as "key=changed", never its text). ERR_INVAL
 * (ctx->message) for an unknown key, a value out of range or of the wrong
 * kind, or text too long or with control characters. */
enum err domain_settings_set(struct domain_ctx *ctx, const struct setting_change *c, size_t n);

#endif
