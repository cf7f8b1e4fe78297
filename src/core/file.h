/*
 * file.h - small, careful file helpers: whole writes and reads that retry
 * on EINTR, and making directory entries durable.
 *
 * Responsible for: the loops every durable write needs. Never: creates a
 * file (callers choose modes and flags) or follows a path it built itself.
 */
#ifndef CONFIDANT_CORE_FILE_H
#define CONFIDANT_CORE_FILE_H

#include <stddef.h>

#include "core/err.h"

/* file_write_all - write all n bytes to fd. ERR_IO on failure. */
enum err file_write_all(int fd, const void *p, size_t n);

/* file_read_full - read up to n bytes; *got < n only at end of file. */
enum err file_read_full(int fd, void *p, size_t n, size_t *got);

/* file_parent - the directory part of path ("." if none) into dir (cap
 * bytes). ERR_TOOBIG if it does not fit. */
enum err file_parent(const char *path, char *dir, size_t cap);

/* file_fsync_dir - fsync a directory, making entries created in it durable. */
enum err file_fsync_dir(const char *dir);

/* file_fsync_parent - file_fsync_dir of path's directory. */
enum err file_fsync_parent(const char *path);

#endif
