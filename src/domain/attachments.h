/*
 * attachments.h - files in a client's chart: PDFs, images (PNG, JPEG,
 * WebP, GIF) and plain text, typed by their content, sealed under the
 * client's key, uploaded and downloaded in 64 KiB chunks so no file is
 * ever held whole in memory.
 *
 * Who may do what (the minimum necessary):
 *  - upload: the treating team, clinicians and supervisors who reach the
 *    client (care team, supervision, or break-glass);
 *  - list, read the details of, download: the treating team, and the
 *    client's own portal account for their own chart (right of access,
 *    purpose "access");
 *  - the owner, billing, the front desk and the privacy officer: nothing
 *    (the routes table refuses their roles; anyone else who does not reach
 *    the client gets a 404 and an audited refusal).
 * Files are never deleted or changed: a chart keeps what was put in it.
 * Every upload (also a refused one, once access was granted), every list,
 * every read of details and every download is one audit event carrying
 * ids, the type and the size, never the name or the content.
 * Never: stores a file whose content is not the declared type; lets a
 * pending upload be seen; releases a byte of a file that fails to open.
 */
#ifndef CONFIDANT_DOMAIN_ATTACHMENTS_H
#define CONFIDANT_DOMAIN_ATTACHMENTS_H

#include <stdint.h>

#include "domain/domain.h"
#include "store/attachments.h"

#define ATTACHMENT_MAX (25 * 1024 * 1024) /* largest file accepted, in bytes (25 MiB) */
#define ATTACHMENT_FILENAME_MAX 255       /* bytes of a file name (UTF-8) */
#define ATTACHMENT_DESCRIPTION_MAX 1000   /* bytes of a description (UTF-8) */
#define ATTACHMENTS_LIST_MAX 200          /* most files one list returns, newest first */

struct attachment_upload; /* an upload in progress; opaque */
struct attachment_reader; /* a download in progress; opaque */

/* domain_attachment_upload_open - start an upload to the client's chart:
 * declared is the request's Content-Type, filename and description (may
 * be NULL) as given. ERR_MEDIA with ctx->message if declared is not an
 * accepted type; ERR_INVAL with ctx->message for a bad name or
 * description; ERR_NOTFOUND (audited) if the actor may not upload here.
 * Nothing is written yet. Free *out with domain_attachment_upload_free. */
enum err domain_attachment_upload_open(struct domain_ctx *ctx, const char *client_public_id,
                                       const char *declared, const char *filename,
                                       const char *description, struct attachment_upload **out);

/* domain_attachment_upload_write - the next n bytes of the file. Full
 * chunks are sealed and stored (pending) as they fill; the first one is
 * sniffed against the declared type (ERR_MEDIA with ctx->message on a
 * mismatch). ERR_TOOBIG past ATTACHMENT_MAX. After an error call
 * domain_attachment_upload_abort. */
enum err domain_attachment_upload_write(struct domain_ctx *ctx, struct attachment_upload *up,
                                        const void *data, size_t n);

/* domain_attachment_upload_finish - the file is complete: store the last
 * chunk, seal the name and description, make it visible and audit it, in
 * one transaction. ERR_INVAL for an empty file, ERR_MEDIA for text that is
 * not UTF-8. On success *out is the stored attachment (with its name);
 * the caller cleans it with attachment_cleanup. After an error call
 * domain_attachment_upload_abort. */
enum err domain_attachment_upload_finish(struct domain_ctx *ctx, struct attachment_upload *up,
                                         struct attachment *out);

/* domain_attachment_upload_abort - the upload failed (why): delete what
 * it stored and audit the refusal. Idempotent; nothing after finish. */
void domain_attachment_upload_abort(struct domain_ctx *ctx, struct attachment_upload *up,
                                    enum err why);

/* domain_attachment_upload_free - abort (as ERR_IO: the peer went away)
 * unless finished or aborted, then wipe and free. NULL is fine; ctx NULL
 * (no connection to be had) frees without aborting: the rows left are
 * pending, invisible, and swept at the next start. */
void domain_attachment_upload_free(struct domain_ctx *ctx, struct attachment_upload *up);

/* domain_attachment_list - the client's files, newest first (names
 * opened), at most max into out, *n set; audited. The caller cleans each
 * with attachment_cleanup. */
enum err domain_attachment_list(struct domain_ctx *ctx, const char *client_public_id,
                                struct attachment *out, size_t max, size_t *n);

/* domain_attachment_get - one file's details (not its content); audited. */
enum err domain_attachment_get(struct domain_ctx *ctx, const char *public_id,
                               struct attachment *out);

/* domain_attachment_download_open - check access, check that every chunk
 * of the file opens (so a damaged file gives ERR_CRYPTO before a byte is
 * released), then audit the download. *meta gets the details (with the
 * name); *out the reader (free with domain_attachment_reader_free). */
enum err domain_attachment_download_open(struct domain_ctx *ctx, const char *public_id,
                                         struct attachment *meta, struct attachment_reader **out);

/* domain_attachment_read - up to max bytes of the file at offset pos into
 * out, *n set (0 only at the end). Opens at most one chunk, in its own
 * read snapshot. ERR_CRYPTO if a chunk fails to open now. */
enum err domain_attachment_read(struct domain_ctx *ctx, struct attachment_reader *r, uint64_t pos,
                                void *out, size_t max, size_t *n);

/* domain_attachment_reader_free - wipe and free. NULL is fine. */
void domain_attachment_reader_free(struct attachment_reader *r);

/* domain_attachment_sweep - delete uploads a crash left unfinished (server
 * start, before any request); *n set. */
enum err domain_attachment_sweep(struct domain_ctx *ctx, int64_t *n);

#endif
