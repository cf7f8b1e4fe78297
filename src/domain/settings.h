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

/* domain_settings_get - every setting's value, in settings[] order. */
enum err domain_settings_get(struct domain_ctx *ctx, int64_t *values);

/* domain_settings_set - change n settings at once (all or none), each
 * change audited. ERR_INVAL (ctx->message) for an unknown key or a value
 * out of range. */
enum err domain_settings_set(struct domain_ctx *ctx, const char *const *keys, const int64_t *values,
                             size_t n);

#endif
