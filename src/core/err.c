/*
 * err.c - stable names for error kinds. These names are part of the API
 * (the "error" field of JSON error bodies): never rename one.
 */
#include "core/err.h"

static const char *const names[ERR__COUNT] = {
        [ERR_OK] = "ok",
        [ERR_NOMEM] = "no_memory",
        [ERR_INVAL] = "invalid",
        [ERR_TOOBIG] = "too_big",
        [ERR_NOTFOUND] = "not_found",
        [ERR_CONFLICT] = "conflict",
        [ERR_DENIED] = "denied",
        [ERR_CONSENT] = "consent_required",
        [ERR_AUTH] = "unauthenticated",
        [ERR_CRYPTO] = "integrity",
        [ERR_DB] = "storage",
        [ERR_IO] = "io",
        [ERR_BUSY] = "busy",
        [ERR_INTERNAL] = "internal",
        [ERR_MEDIA] = "unsupported_media_type",
        [ERR_RESTRICT] = "restricted",
};

const char *err_name(enum err e)
{
	if ((unsigned)e >= ERR__COUNT || names[e] == 0)
		return "internal";
	return names[e];
}
