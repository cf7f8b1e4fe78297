/*
 * file.c - see file.h.
 */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

enum err file_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ERR_IO;
		c += w;
		n -= (size_t)w;
	}
	return ERR_OK;
}

enum err file_read_full(int fd, void *p, size_t n, size_t *got)
{
	unsigned char *c = p;
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, c + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ERR_IO;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done;
	return ERR_OK;
}

enum err file_parent(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		n = 1;
		path = ".";
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
	}
	if (n >= cap)
		return ERR_TOOBIG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return ERR_OK;
}

enum err file_fsync_dir(const char *dir)
{
	enum err rc = ERR_OK;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ERR_IO;
	if (fsync(fd) != 0)
		rc = ERR_IO;
	close(fd);
	return rc;
}

enum err file_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	enum err rc = file_parent(path, dir, sizeof dir);

	return rc == ERR_OK ? file_fsync_dir(dir) : rc;
}
