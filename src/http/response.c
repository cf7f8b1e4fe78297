/*
 * response.c - the one place where enum err becomes an HTTP status, the
 * security headers every response carries, and the JSON error body.
 *
 * Responsible for: stable error codes and generic, PHI-free messages for
 * people; escaping done by jansson, never by hand.
 * Never: puts internal text (errno strings, SQL, file names, paths) in a
 * response.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "http/internal.h"

#include <string.h>

#include <jansson.h>

/* The headers every response carries, in the order they are sent. */
static const char *const security_headers[][2] = {
        {"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
        {"Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; "
                                    "frame-ancestors 'none'; object-src 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy",
         "camera=(self), microphone=(self), geolocation=(), interest-cohort=()"},
};

/* The body sent when even the error body cannot be built. */
static const char fallback_body[] = "{\"error\":\"internal\",\"message\":\"Internal error.\"}";

unsigned http_status_of(enum err e)
{
	switch (e) {
	case ERR_OK: return 200;
	case ERR_INVAL: return 400;
	case ERR_TOOBIG: return 413;
	case ERR_NOTFOUND: return 404;
	case ERR_CONFLICT: return 409;
	case ERR_DENIED:
	case ERR_CONSENT: return 403;
	case ERR_AUTH: return 401;
	case ERR_MEDIA: return 415;
	case ERR_RESTRICT: return 409;
	case ERR_BUSY:
	case ERR_NOMEM: return 503;
	case ERR_CRYPTO:
	case ERR_DB:
	case ERR_IO:
	case ERR_INTERNAL:
	case ERR__COUNT: break;
	}
	return 500;
}

const char *http_error_generic(enum err e)
{
	switch (e) {
	case ERR_INVAL: return "The request is not valid.";
	case ERR_TOOBIG: return "The request is too large.";
	case ERR_NOTFOUND: return "Not found.";
	case ERR_CONFLICT: return "The change conflicts with the current state.";
	case ERR_DENIED: return "You are not allowed to do this.";
	case ERR_CONSENT: return "The client has not consented to this.";
	case ERR_AUTH: return "Please sign in.";
	case ERR_MEDIA: return "This type of content is not accepted here.";
	case ERR_RESTRICT:
		return "This client's record is restricted (GDPR Art. 18): it may only be stored, "
		       "or used by the owner or privacy officer for legal claims.";
	case ERR_BUSY:
	case ERR_NOMEM: return "The server is busy; please try again.";
	case ERR_OK:
	case ERR_CRYPTO:
	case ERR_DB:
	case ERR_IO:
	case ERR_INTERNAL:
	case ERR__COUNT: break;
	}
	return "Internal error.";
}

enum err http_headers_add(struct MHD_Response *r, const char *request_id)
{
	size_t i;

	for (i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++) {
		if (MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]) !=
		    MHD_YES)
			return ERR_NOMEM;
	}
	if (request_id != NULL && MHD_add_response_header(r, "X-Request-Id", request_id) != MHD_YES)
		return ERR_NOMEM;
	return ERR_OK;
}

/* dump - the compact JSON of the three fields into out; 0 if it does not
 * fit or jansson refuses a value (invalid UTF-8). */
static size_t dump(char *out, size_t outlen, const char *code, const char *message,
                   const char *request_id)
{
	json_t *obj;
	size_t n;

	obj = json_pack("{s:s, s:s, s:s}", "error", code, "message", message, "request_id",
	                request_id);
	if (obj == NULL)
		return 0;
	n = json_dumpb(obj, out, outlen, JSON_COMPACT);
	json_decref(obj);
	if (n == 0 || n >= outlen)
		return 0;
	out[n] = '\0';
	return n;
}

size_t http_error_body(char *out, size_t outlen, const char *code, enum err e, const char *message,
                       const char *request_id)
{
	size_t n = 0;

	if (request_id == NULL)
		request_id = "";
	if (message != NULL)
		n = dump(out, outlen, code, message, request_id);
	if (n == 0)
		n = dump(out, outlen, code, http_error_generic(e), request_id);
	if (n == 0 && outlen >= sizeof fallback_body) {
		memcpy(out, fallback_body, sizeof fallback_body);
		n = sizeof fallback_body - 1;
	}
	return n;
}
