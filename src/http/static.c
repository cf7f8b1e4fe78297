/*
 * static.c - files of the browser app (web/) served read-only from one
 * directory opened at start-up.
 *
 * Responsible for: resolving a URL path beneath that directory one segment
 * at a time with O_NOFOLLOW, so neither "..", a symlink nor a dot file can
 * lead outside it; the Content-Type for each kind of file; an ETag per file
 * version so a browser revalidates with a 304 instead of downloading the app
 * again; and the gzip copy of text files for clients that take it (gzip.c).
 * Never: follows a symlink, serves a directory listing, a dot file or
 * anything but a regular file, or writes to the directory.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "http/internal.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_FILE "index.html"
/* Room for an entity tag: three 64-bit hex numbers, dashes, quotes, "-gz". */
#define ETAG_MAX 64

/* One file extension and the Content-Type it is served with. */
struct mime {
	const char *ext;  /* extension after the last dot, lower case */
	const char *type; /* Content-Type header value */
	int text;         /* 1 when gzip shrinks it (text formats) */
};

static const struct mime mimes[] = {
        {"html", "text/html; charset=utf-8", 1},
        {"js", "text/javascript; charset=utf-8", 1},
        {"mjs", "text/javascript; charset=utf-8", 1},
        {"css", "text/css; charset=utf-8", 1},
        {"svg", "image/svg+xml", 1},
        {"png", "image/png", 0},
        {"ico", "image/x-icon", 0},
        {"json", "application/json; charset=utf-8", 1},
        {"woff2", "font/woff2", 0},
        {"txt", "text/plain; charset=utf-8", 1},
};

static const struct mime octets = {"", "application/octet-stream", 0};

static const struct mime *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return &octets;
	for (i = 0; i < sizeof mimes / sizeof mimes[0]; i++) {
		if (strcasecmp(dot + 1, mimes[i].ext) == 0)
			return &mimes[i];
	}
	return &octets;
}

/* etag_match - 1 when the If-None-Match list inm names tag ("*" names any);
 * a weak W/ prefix compares equal, as RFC 9110 13.1.2 says it must. */
static int etag_match(const char *inm, const char *tag)
{
	size_t tl = strlen(tag);
	const char *p = inm;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, tag, tl) == 0 && (p[tl] == '\0' || p[tl] == ',' || p[tl] == ' '))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

/* etag_of - the entity tag of one version of a file: inode, size and
 * modification time, with "-gz" for its gzip copy (another representation,
 * so another tag). */
static void etag_of(char *out, size_t outlen, const struct stat *st, int gz)
{
	snprintf(out, outlen, "\"%jx-%jx-%jx%s\"", (uintmax_t)st->st_ino, (uintmax_t)st->st_size,
	         (uintmax_t)st->st_mtim.tv_sec * 1000000000u + (uintmax_t)st->st_mtim.tv_nsec,
	         gz ? "-gz" : "");
}

/* add_headers - the headers every static answer carries (200 and 304). */
static int add_headers(struct MHD_Response *r, const struct mime *m, const char *etag, int gz)
{
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, m->type) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES)
		return 0;
	if (m->text &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding") != MHD_YES)
		return 0;
	if (gz && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip") != MHD_YES)
		return 0;
	return 1;
}

/* open_beneath - open rel (segments separated by '/', no leading '/')
 * beneath root_fd without following any symlink. Returns an fd or -1. */
static int open_beneath(int root_fd, char *rel)
{
	int dir = root_fd;
	int fd = -1;
	char *seg = rel;

	for (;;) {
		char *slash = strchr(seg, '/');
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;

		if (slash != NULL) {
			*slash = '\0';
			flags |= O_DIRECTORY;
		} else {
			/* a FIFO must not block the worker */
			flags |= O_NONBLOCK;
		}
		if (seg[0] == '\0' || seg[0] == '.') {
			fd = -1;
			break;
		}
		fd = openat(dir, seg, flags);
		if (dir != root_fd)
			close(dir);
		dir = root_fd;
		if (fd < 0 || slash == NULL)
			break;
		dir = fd;
		fd = -1;
		seg = slash + 1;
	}
	if (dir != root_fd)
		close(dir);
	return fd;
}

struct MHD_Response *http_static_open(int root_fd, struct http_gzip *gzip,
                                      const struct http_static_ask *ask, unsigned *status)
{
	char rel[HTTP_PATH_MAX + sizeof INDEX_FILE + 1];
	char etag[ETAG_MAX], gztag[ETAG_MAX];
	struct MHD_Response *r = NULL;
	struct stat st;
	const struct mime *m;
	const char *name, *path = ask->path;
	size_t len;
	int gz;
	int fd = -1;
	int fl;

	*status = 404;
	if (root_fd < 0 || path == NULL || path[0] != '/')
		goto out;
	len = strlen(path + 1);
	if (len > HTTP_PATH_MAX)
		goto out;
	memcpy(rel, path + 1, len + 1);
	if (len == 0 || rel[len - 1] == '/')
		memcpy(rel + len, INDEX_FILE, sizeof INDEX_FILE);
	name = strrchr(rel, '/');
	name = name != NULL ? name + 1 : rel;
	/* the type is chosen before open_beneath cuts rel into segments */
	m = mime_of(name);

	fd = open_beneath(root_fd, rel);
	if (fd < 0)
		goto out;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if ((uintmax_t)st.st_size > (uintmax_t)SIZE_MAX)
		goto out;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		goto out;

	*status = 500;
	gz = m->text && http_gzip_accepted(ask->accept_encoding);
	etag_of(etag, sizeof etag, &st, 0);
	etag_of(gztag, sizeof gztag, &st, 1);
	if (ask->if_none_match != NULL && (etag_match(ask->if_none_match, etag) ||
	                                   (gz && etag_match(ask->if_none_match, gztag)))) {
		/* the client holds a current copy, plain or gzip: either will do */
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			goto out;
		gz = !etag_match(ask->if_none_match, etag);
		*status = 304;
	} else {
		r = gz ? http_gzip_response(gzip, fd, &st) : NULL;
		if (r == NULL) {
			gz = 0;
			r = MHD_create_response_from_fd((size_t)st.st_size, fd);
			if (r == NULL)
				goto out;
			fd = -1; /* the response owns it now */
		}
		*status = 200;
	}
	if (!add_headers(r, m, gz ? gztag : etag, gz && *status == 200)) {
		MHD_destroy_response(r);
		r = NULL;
		*status = 500;
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	return r;
}
