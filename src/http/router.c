/*
 * router.c - the routes table: the registration check, matching a method
 * and path to one route with its {name} captures, and the path rules every
 * request must pass before it is routed.
 *
 * Responsible for: deny-by-default registration (no access rule, no
 * handler, a bad pattern or a duplicate refuses the whole table) and for
 * matching that never reads past the path or writes past the caller's
 * scratch.
 * Never: allocates, logs, or looks at anything but the method and the path.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "http/internal.h"

#include <string.h>

#define PATTERN_PREFIX "/api/"

/* A segment: where it starts in its string and how long it is. */
struct seg {
	size_t off; /* offset of the first byte after the '/' */
	size_t len; /* bytes up to the next '/' or the end */
};

/* ---- path rules -------------------------------------------------------- */

int http_path_valid(const char *path)
{
	size_t i;

	if (path == NULL || path[0] != '/')
		return 0;
	for (i = 0; path[i] != '\0'; i++) {
		unsigned char c = (unsigned char)path[i];

		if (i >= HTTP_PATH_MAX)
			return 0;
		if (c < 0x20 || c == 0x7f || c == '%')
			return 0;
		if (c == '.' && path[i + 1] == '.')
			return 0;
	}
	return 1;
}

int http_path_is_api(const char *path)
{
	return strcmp(path, "/api") == 0 ||
	       strncmp(path, PATTERN_PREFIX, strlen(PATTERN_PREFIX)) == 0;
}

/* ---- methods ----------------------------------------------------------- */

enum http_method http_method_parse(const char *method)
{
	if (method == NULL)
		return 0;
	if (strcmp(method, "GET") == 0)
		return HTTP_GET;
	if (strcmp(method, "POST") == 0)
		return HTTP_POST;
	if (strcmp(method, "PUT") == 0)
		return HTTP_PUT;
	if (strcmp(method, "PATCH") == 0)
		return HTTP_PATCH;
	if (strcmp(method, "DELETE") == 0)
		return HTTP_DELETE;
	return 0;
}

const char *http_method_name(enum http_method m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_PATCH: return "PATCH";
	case HTTP_DELETE: return "DELETE";
	}
	return "other";
}

void http_allow_format(unsigned mask, char *out, size_t outlen)
{
	static const enum http_method order[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH,
	                                         HTTP_DELETE};
	size_t used = 0;
	size_t i;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *name = http_method_name(order[i]);
		size_t nlen = strlen(name);

		if ((mask & (unsigned)order[i]) == 0)
			continue;
		/* ", " + name + NUL must fit */
		if (used + 2 + nlen + 1 > outlen)
			break;
		if (used > 0) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, name, nlen);
		used += nlen;
		out[used] = '\0';
	}
}

static int method_single(enum http_method m)
{
	return m == HTTP_GET || m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH ||
	       m == HTTP_DELETE;
}

/* ---- segments ---------------------------------------------------------- */

/* next_seg - the segment that starts after the '/' at s[*pos]; advances
 * *pos to the '/' or NUL that ends it. Returns 0 when s[*pos] is the end. */
static int next_seg(const char *s, size_t *pos, struct seg *out)
{
	size_t i = *pos;

	if (s[i] != '/')
		return 0;
	i++;
	out->off = i;
	while (s[i] != '\0' && s[i] != '/')
		i++;
	out->len = i - out->off;
	*pos = i;
	return 1;
}

static int seg_is_capture(const char *s, const struct seg *g)
{
	return g->len >= 2 && s[g->off] == '{' && s[g->off + g->len - 1] == '}';
}

static int capture_name_ok(const char *s, const struct seg *g)
{
	size_t i;

	if (g->len < 3)
		return 0;
	for (i = g->off + 1; i < g->off + g->len - 1; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return 1;
}

static int literal_ok(const char *s, const struct seg *g)
{
	size_t i;

	if (g->len == 0)
		return 0;
	if (g->len == 1 && s[g->off] == '.')
		return 0;
	for (i = g->off; i < g->off + g->len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '~'))
			return 0;
	}
	return 1;
}

/* pattern_ok - a pattern is "/api/" followed by non-empty segments, each a
 * literal of unreserved characters or a {name} capture, with at most
 * HTTP_PARAMS_MAX captures. */
static int pattern_ok(const char *p)
{
	size_t pos = 0;
	unsigned ncap = 0;
	struct seg g;

	if (p == NULL || strlen(p) > HTTP_PATH_MAX)
		return 0;
	if (strncmp(p, PATTERN_PREFIX, strlen(PATTERN_PREFIX)) != 0)
		return 0;
	if (!http_path_valid(p))
		return 0;
	while (next_seg(p, &pos, &g)) {
		if (seg_is_capture(p, &g)) {
			if (!capture_name_ok(p, &g))
				return 0;
			if (++ncap > HTTP_PARAMS_MAX)
				return 0;
		} else if (!literal_ok(p, &g)) {
			return 0;
		}
	}
	return p[pos] == '\0';
}

/* same_shape - two patterns that match exactly the same paths: the same
 * literals in the same places, captures wherever the other has one. */
static int same_shape(const char *a, const char *b)
{
	size_t pa = 0, pb = 0;
	struct seg ga, gb;

	for (;;) {
		int ha = next_seg(a, &pa, &ga);
		int hb = next_seg(b, &pb, &gb);
		int ca, cb;

		if (ha != hb)
			return 0;
		if (!ha)
			return 1;
		ca = seg_is_capture(a, &ga);
		cb = seg_is_capture(b, &gb);
		if (ca != cb)
			return 0;
		if (!ca && (ga.len != gb.len || memcmp(a + ga.off, b + gb.off, ga.len) != 0))
			return 0;
	}
}

/* ---- registration ------------------------------------------------------ */

enum err http_routes_check(const struct route *routes, size_t n)
{
	size_t i, j;

	if (routes == NULL && n > 0)
		return ERR_INVAL;
	for (i = 0; i < n; i++) {
		const struct route *r = &routes[i];

		if (r->handler == NULL || !method_single(r->method))
			return ERR_INVAL;
		if (r->roles == 0 && (r->flags & ROUTE_PUBLIC) == 0)
			return ERR_INVAL;
		if ((r->flags & ~(ROUTE_PUBLIC | ROUTE_PENDING | ROUTE_REAUTH | ROUTE_STREAM)) != 0)
			return ERR_INVAL;
		if (!pattern_ok(r->path))
			return ERR_INVAL;
		for (j = 0; j < i; j++) {
			if (routes[j].method == r->method && same_shape(routes[j].path, r->path))
				return ERR_INVAL;
		}
	}
	return ERR_OK;
}

/* ---- matching ---------------------------------------------------------- */

/* match - non-zero if path has the shape of pattern; the captures' places
 * in path are written to cap and their number to *ncap. */
static int match(const char *pattern, const char *path, struct seg *cap, unsigned *ncap)
{
	size_t pp = 0, ps = 0;
	unsigned nc = 0;
	struct seg gp, gs;

	/* A path that matches has the pattern's bytes up to its first capture
	 * (literal segments and their slashes): most patterns of the table
	 * differ there, and this quick check spares the segment walk for
	 * them (it was a tenth of a chart read's instructions). */
	if (strncmp(pattern, path, strcspn(pattern, "{")) != 0)
		return 0;
	for (;;) {
		int hp = next_seg(pattern, &pp, &gp);
		int hs = next_seg(path, &ps, &gs);

		if (hp != hs)
			return 0;
		if (!hp)
			break;
		if (seg_is_capture(pattern, &gp)) {
			if (gs.len == 0 || nc >= HTTP_PARAMS_MAX)
				return 0;
			cap[nc++] = gs;
		} else if (gp.len != gs.len ||
		           memcmp(pattern + gp.off, path + gs.off, gp.len) != 0) {
			return 0;
		}
	}
	/* both strings must end here; a path with junk after a segment
	 * boundary (impossible for '/'-split strings) never matches */
	if (pattern[pp] != '\0' || path[ps] != '\0')
		return 0;
	*ncap = nc;
	return 1;
}

unsigned http_route_allowed(const struct route *routes, size_t n, const char *path)
{
	struct seg cap[HTTP_PARAMS_MAX];
	unsigned nc;
	unsigned mask = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (match(routes[i].path, path, cap, &nc))
			mask |= (unsigned)routes[i].method;
	}
	return mask;
}

const struct route *http_route_match(const struct route *routes, size_t n, enum http_method method,
                                     const char *path, char *scratch, const char **param,
                                     unsigned *nparam, int *method_ok)
{
	struct seg cap[HTTP_PARAMS_MAX], best_cap[HTTP_PARAMS_MAX];
	const struct route *best = NULL;
	unsigned nc = 0, best_nc = 0;
	int path_seen = 0;
	size_t i, len;

	*nparam = 0;
	*method_ok = 1;
	if (path == NULL || path[0] != '/')
		return NULL;
	for (i = 0; i < n; i++) {
		/* Another method's route only tells whether the path exists
		 * (405 rather than 404): once one has matched, skip the rest. */
		if (routes[i].method != method) {
			if (!path_seen && match(routes[i].path, path, cap, &nc))
				path_seen = 1;
			continue;
		}
		if (!match(routes[i].path, path, cap, &nc))
			continue;
		/* literal segments win over captures: the route with the
		 * fewest captures is chosen, the first in the table on ties */
		if (best == NULL || nc < best_nc) {
			best = &routes[i];
			best_nc = nc;
			memcpy(best_cap, cap, sizeof cap);
		}
	}
	if (best == NULL) {
		*method_ok = !path_seen;
		return NULL;
	}
	len = strlen(path);
	memcpy(scratch, path, len + 1);
	for (i = 0; i < best_nc; i++) {
		scratch[best_cap[i].off + best_cap[i].len] = '\0';
		param[i] = scratch + best_cap[i].off;
	}
	*nparam = best_nc;
	return best;
}
