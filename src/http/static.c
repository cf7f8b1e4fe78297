/*
 * static.c - files of the browser app (web/) served read-only from one
 * directory opened at start-up.
 *
 * Responsible for: resolving a URL path beneath that directory one segment
 * at a time with O_NOFOLLOW, so neither "..", a symlink nor a dot file can
 * lead outside it; and the Content-Type for each kind of file.
 * Never: follows a symlink, serves a directory listing, a dot file or
 * anything but a regular file, or writes to the directory.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "http/internal.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_FILE "index.html"

/* One file extension and the Content-Type it is served with. */
struct mime {
	const char *ext;  /* extension after the last dot, lower case */
	const char *type; /* Content-Type header value */
};

static const struct mime mimes[] = {
        {"html", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"ico", "image/x-icon"},
        {"json", "application/json; charset=utf-8"},
        {"woff2", "font/woff2"},
        {"txt", "text/plain; charset=utf-8"},
};

static const char *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return "application/octet-stream";
	for (i = 0; i < sizeof mimes / sizeof mimes[0]; i++) {
		if (strcasecmp(dot + 1, mimes[i].ext) == 0)
			return mimes[i].type;
	}
	return "application/octet-stream";
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

struct MHD_Response *http_static_open(int root_fd, const char *path, unsigned *status)
{
	char rel[HTTP_PATH_MAX + sizeof INDEX_FILE + 1];
	struct MHD_Response *r = NULL;
	struct stat st;
	const char *name, *type;
	size_t len;
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
	type = mime_of(name);

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
	r = MHD_create_response_from_fd((size_t)st.st_size, fd);
	if (r == NULL)
		goto out;
	fd = -1; /* the response owns it now */
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
		goto out;
	}
	*status = 200;
out:
	if (fd >= 0)
		close(fd);
	return r;
}
