/*
 * attachments.h - files in a client's chart, in the store
 * (store_attachments.c).
 *
 * Responsible for: the attachments and attachment_chunks rows; sealing the
 * file name, the description and every chunk of content under the client's
 * key, each chunk bound to its attachment, its index and whether it is the
 * last (so chunks cannot be reordered, swapped between files or dropped
 * from the end); keeping unfinished uploads invisible. Callers (domain/)
 * have already checked access and the content type. Never: returns a chunk
 * or a name that failed to open; changes or deletes a finished attachment.
 */
#ifndef CONFIDANT_STORE_ATTACHMENTS_H
#define CONFIDANT_STORE_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define STORE_ATTACHMENT_CHUNK (64 * 1024) /* plaintext bytes per chunk (the last may be less) */
#define STORE_ATTACHMENT_TYPE_MAX 32       /* bytes of a content type, with NUL */

/* One finished attachment. filename and description are PHI (heap,
 * NULL unless opened; description NULL when none was given): free with
 * attachment_cleanup. */
struct attachment {
	int64_t id;                                   /* row id */
	char public_id[33];                           /* opaque id */
	int64_t client_id;                            /* whose chart (row id) */
	char client_public_id[33];                    /* and their public id */
	uint32_t key_version;                         /* client key version that sealed it */
	char content_type[STORE_ATTACHMENT_TYPE_MAX]; /* the sniffed type, e.g. "application/pdf" */
	int64_t size;                                 /* bytes of content */
	int64_t chunks;                               /* chunks of content */
	char *filename;                               /* the uploaded file's name */
	char *description;                            /* what it is, or NULL */
	int64_t created_by;                           /* who uploaded it (user row id) */
	char created_by_public_id[33];                /* and their public id */
	int64_t created_at;                           /* unix seconds */
};

/* attachment_cleanup - wipe and free what a holds. */
void attachment_cleanup(struct attachment *a);

/* store_attachment_begin - insert a pending attachment of content_type for
 * client_id by created_by; *id and public_id set. Pending rows are seen
 * by nothing but the calls below. Inside the caller's transaction. */
enum err store_attachment_begin(struct store *s, const struct vault *v, int64_t client_id,
                                const char *content_type, int64_t created_by, int64_t now,
                                int64_t *id, char public_id[33]);

/* store_attachment_chunk_put - seal n bytes (1..STORE_ATTACHMENT_CHUNK) as
 * chunk idx of pending attachment id; final marks the last chunk. Inside
 * the caller's transaction. ERR_CONFLICT if the chunk exists or the
 * attachment is not pending. */
enum err store_attachment_chunk_put(struct store *s, const struct vault *v, int64_t client_id,
                                    int64_t id, int64_t idx, int final, const void *data, size_t n);

/* store_attachment_finish - seal filename and description (may be NULL)
 * into pending attachment id, record size and chunk count, and make it
 * ready. Inside the caller's transaction. */
enum err store_attachment_finish(struct store *s, const struct vault *v, int64_t client_id,
                                 int64_t id, int64_t size, int64_t chunks, const char *filename,
                                 const char *description);

/* store_attachment_discard - delete pending attachment id and its chunks
 * (nothing if it is not pending). Inside the caller's transaction. */
enum err store_attachment_discard(struct store *s, int64_t id);

/* store_attachment_sweep - delete every pending attachment (uploads a
 * crash interrupted); *n set to how many. Only when no upload runs. */
enum err store_attachment_sweep(struct store *s, int64_t *n);

/* store_attachment_get - a finished attachment by public id. With open = 0
 * the sealed name and description are not opened (for an access check
 * first). ERR_NOTFOUND if there is none (or it is pending); ERR_CRYPTO if
 * a sealed column fails to open. */
enum err store_attachment_get(struct store *s, const struct vault *v, const char *public_id,
                              int open, struct attachment *out);

/* store_attachment_list - a client's finished attachments, newest first,
 * ids below before (0: from the newest), names opened; at most max into
 * out, *n set. On error nothing is left in out. */
enum err store_attachment_list(struct store *s, const struct vault *v, int64_t client_id,
                               int64_t before, struct attachment *out, size_t max, size_t *n);

/* store_attachment_chunk_open - open chunk idx of a (as returned by get)
 * into out, which holds STORE_ATTACHMENT_CHUNK bytes; *n set. ERR_CRYPTO
 * if the chunk is missing, changed, moved, or its last-chunk mark does not
 * match a->chunks; out is then wiped. */
enum err store_attachment_chunk_open(struct store *s, const struct vault *v,
                                     const struct attachment *a, int64_t idx, unsigned char *out,
                                     size_t *n);

#endif
