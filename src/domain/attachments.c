/*
 * attachments.c - files in a client's chart (see attachments.h for who
 * may do what). An upload is cut into 64 KiB chunks; each is sealed and
 * stored in its own short transaction as soon as the next byte shows it is
 * not the last, so neither the whole file nor the database's write lock is
 * held while a slow client sends; the last chunk, the sealed name and the
 * audit event are one transaction that makes the file visible. A download
 * first checks that every chunk opens, audits, and then opens one chunk
 * at a time. Never: puts a file name, a description or content in an
 * audit event or a message.
 */
#include "domain/attachments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/sniff.h"

struct attachment_upload {
	int64_t client_id;         /* whose chart (row id) */
	char client_public_id[33]; /* and their public id */
	enum sniff_type declared;  /* the type the request named */
	char *filename;            /* the file's name (PHI, wiped) */
	char *description;         /* what it is, or NULL (PHI, wiped) */
	unsigned char *buf;        /* the chunk being filled (PHI, wiped) */
	size_t len;                /* bytes in buf */
	uint64_t total;            /* bytes received so far */
	int64_t chunks;            /* chunks stored so far */
	int64_t id;                /* attachment row, 0 until the first chunk is stored */
	char public_id[33];        /* its public id */
	struct sniff_utf8 utf8;    /* the text check, for text/plain */
	int done;                  /* finished or aborted: nothing more to do */
};

struct attachment_reader {
	struct attachment a; /* the file (no name) */
	unsigned char *buf;  /* the chunk opened last (PHI, wiped) */
	size_t len;          /* its bytes */
	int64_t idx;         /* its index, -1 for none */
};

/* may - may the actor read (write = 0) or add (write = 1) files of this
 * client's chart? Anything else is a 404 and an audited refusal. */
static enum err may(struct domain_ctx *ctx, int64_t client_id, int write, enum audit_event ev)
{
	int yes = 0;
	enum err e = ERR_OK;

	if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR) {
		e = domain_reaches_client(ctx, client_id, &yes);
	} else if (ctx->role == ROLE_CLIENT && !write && ctx->client_self != 0 &&
	           ctx->client_self == client_id) {
		yes = 1;
		ctx->purpose = "access"; /* the client's right of access to their record */
	}
	if (e != ERR_OK)
		return e;
	if (yes)
		return ERR_OK;
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* detail - the PHI-free detail of an event about a: type and size. */
static void detail(char out[64], const char *content_type, int64_t size)
{
	snprintf(out, 64, "type=%s,size=%lld", sniff_ext(sniff_of_mime(content_type)) + 1,
	         (long long)size);
}

/* text_ok - s is 1..max bytes of UTF-8 text; with one_line, no line
 * breaks or tabs either, and no '/' or '\' (a name, not a path). */
static int text_ok(const char *s, size_t max, int one_line)
{
	struct sniff_utf8 u;
	size_t n = strnlen(s, max + 1), i;

	memset(&u, 0, sizeof u);
	if (n == 0 || n > max)
		return 0;
	if (!sniff_utf8_feed(&u, (const unsigned char *)s, n) || !sniff_utf8_end(&u))
		return 0;
	for (i = 0; one_line && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return 0;
	}
	return 1;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);

	if (p != NULL)
		memcpy(p, s, n + 1);
	return p;
}

enum err domain_attachment_upload_open(struct domain_ctx *ctx, const char *client_public_id,
                                       const char *declared, const char *filename,
                                       const char *description, struct attachment_upload **out)
{
	struct attachment_upload *up;
	enum sniff_type t = sniff_declared(declared);
	int64_t cid = 0;
	enum err e;

	if (t == SNIFF_UNKNOWN) {
		ctx->message = "Content-Type must be application/pdf, image/png, image/jpeg, "
		               "image/webp, image/gif or text/plain (UTF-8)";
		return ERR_MEDIA;
	}
	if (filename == NULL || !text_ok(filename, ATTACHMENT_FILENAME_MAX, 1)) {
		ctx->message = "filename (the Confidant-Filename header) must be 1 to 255 bytes of "
		               "UTF-8 without control characters, '/' or '\\'";
		return ERR_INVAL;
	}
	if (description != NULL && description[0] != '\0' &&
	    !text_ok(description, ATTACHMENT_DESCRIPTION_MAX, 0)) {
		ctx->message = "description (the Confidant-Description header) must be at most "
		               "1000 bytes of UTF-8 text";
		return ERR_INVAL;
	}
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = may(ctx, cid, 1, AUDIT_ATTACHMENT_UPLOAD);
	store_end_read(ctx->store);
	if (e != ERR_OK)
		return e;
	up = calloc(1, sizeof *up);
	if (up == NULL)
		return ERR_NOMEM;
	up->client_id = cid;
	snprintf(up->client_public_id, sizeof up->client_public_id, "%s", client_public_id);
	up->declared = t;
	up->filename = dup_str(filename);
	up->description =
	        description != NULL && description[0] != '\0' ? dup_str(description) : NULL;
	up->buf = malloc(STORE_ATTACHMENT_CHUNK);
	if (up->filename == NULL || up->buf == NULL ||
	    (description != NULL && description[0] != '\0' && up->description == NULL)) {
		up->done = 1;
		domain_attachment_upload_free(ctx, up);
		return ERR_NOMEM;
	}
	*out = up;
	return ERR_OK;
}

/* flush - store buf as the next chunk (final: the last, which also
 * finishes the upload and audits it). The first chunk is sniffed. */
static enum err flush(struct domain_ctx *ctx, struct attachment_upload *up, int final,
                      struct attachment *out)
{
	int64_t id = up->id;
	char pid[33], det[64];
	enum sniff_type t;
	enum err e;

	memcpy(pid, up->public_id, sizeof pid);
	if (id == 0) {
		t = sniff_head(up->buf, up->len);
		if (t != up->declared) {
			ctx->message = "the file's content is not of the type its Content-Type "
			               "names (types are checked by content)";
			return ERR_MEDIA;
		}
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	if (id == 0)
		e = store_attachment_begin(ctx->store, ctx->vault, up->client_id,
		                           sniff_mime(up->declared), ctx->actor_id, ctx->now, &id,
		                           pid);
	if (e == ERR_OK)
		e = store_attachment_chunk_put(ctx->store, ctx->vault, up->client_id, id,
		                               up->chunks, final, up->buf, up->len);
	if (e == ERR_OK && final)
		e = store_attachment_finish(ctx->store, ctx->vault, up->client_id, id,
		                            (int64_t)up->total, up->chunks + 1, up->filename,
		                            up->description);
	if (e == ERR_OK && final) {
		detail(det, sniff_mime(up->declared), (int64_t)up->total);
		e = domain_emit(ctx, AUDIT_ATTACHMENT_UPLOAD, up->client_id, "attachment", pid,
		                det);
	}
	if (e == ERR_OK && final)
		e = store_attachment_get(ctx->store, ctx->vault, pid, 1, out);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	if (e != ERR_OK) {
		if (final)
			attachment_cleanup(out);
		return e;
	}
	up->id = id;
	memcpy(up->public_id, pid, sizeof pid);
	up->chunks++;
	mem_wipe(up->buf, up->len);
	up->len = 0;
	return ERR_OK;
}

enum err domain_attachment_upload_write(struct domain_ctx *ctx, struct attachment_upload *up,
                                        const void *data, size_t n)
{
	const unsigned char *p = data;
	enum err e;
	size_t k;

	if (up->done)
		return ERR_INVAL;
	if (n > ATTACHMENT_MAX || up->total > ATTACHMENT_MAX - n) {
		ctx->message = "the file is larger than 25 MiB";
		return ERR_TOOBIG;
	}
	if (up->declared == SNIFF_TEXT && !sniff_utf8_feed(&up->utf8, p, n)) {
		ctx->message = "a text/plain file must be UTF-8 text without NUL or other "
		               "control characters";
		return ERR_MEDIA;
	}
	up->total += n;
	while (n > 0) {
		/* a full chunk is stored once a byte after it arrives: only
		 * then is it known not to be the last */
		if (up->len == STORE_ATTACHMENT_CHUNK) {
			e = flush(ctx, up, 0, NULL);
			if (e != ERR_OK)
				return e;
		}
		k = STORE_ATTACHMENT_CHUNK - up->len;
		if (k > n)
			k = n;
		memcpy(up->buf + up->len, p, k);
		up->len += k;
		p += k;
		n -= k;
	}
	return ERR_OK;
}

enum err domain_attachment_upload_finish(struct domain_ctx *ctx, struct attachment_upload *up,
                                         struct attachment *out)
{
	struct attachment a;
	enum err e;

	if (up->done)
		return ERR_INVAL;
	if (up->total == 0) {
		ctx->message = "the file is empty";
		return ERR_INVAL;
	}
	if (up->declared == SNIFF_TEXT && !sniff_utf8_end(&up->utf8)) {
		ctx->message = "a text/plain file must be UTF-8 text without NUL or other "
		               "control characters";
		return ERR_MEDIA;
	}
	memset(&a, 0, sizeof a);
	e = flush(ctx, up, 1, &a);
	if (e != ERR_OK)
		return e;
	up->done = 1;
	*out = a;
	return ERR_OK;
}

void domain_attachment_upload_abort(struct domain_ctx *ctx, struct attachment_upload *up,
                                    enum err why)
{
	enum err e;

	if (up == NULL || up->done)
		return;
	up->done = 1;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return;
	if (up->id != 0)
		e = store_attachment_discard(ctx->store, up->id);
	if (e == ERR_OK)
		e = domain_emit_outcome(ctx, AUDIT_ATTACHMENT_UPLOAD, up->client_id, "client",
		                        up->client_public_id, "", why);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	if (e == ERR_OK)
		up->id = 0;
}

void domain_attachment_upload_free(struct domain_ctx *ctx, struct attachment_upload *up)
{
	if (up == NULL)
		return;
	if (ctx != NULL)
		domain_attachment_upload_abort(ctx, up, ERR_IO);
	mem_free_wiped_str(up->filename);
	mem_free_wiped_str(up->description);
	if (up->buf != NULL) {
		mem_wipe(up->buf, STORE_ATTACHMENT_CHUNK);
		free(up->buf);
	}
	mem_wipe(up, sizeof *up);
	free(up);
}

enum err domain_attachment_list(struct domain_ctx *ctx, const char *client_public_id,
                                struct attachment *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	char det[32];
	size_t i;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = may(ctx, cid, 0, AUDIT_ATTACHMENT_READ);
	if (e == ERR_OK)
		e = store_attachment_list(ctx->store, ctx->vault, cid, 0, out, max, n);
	if (e == ERR_OK) {
		snprintf(det, sizeof det, "count=%zu", *n);
		e = domain_emit(ctx, AUDIT_ATTACHMENT_READ, cid, "client", client_public_id, det);
		if (e == ERR_OK)
			e = store_commit(ctx->store);
		if (e != ERR_OK)
			for (i = 0; i < *n; i++)
				attachment_cleanup(&out[i]);
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_ATTACHMENT_READ, cid, e);
	}
	return e;
}

/* find - a's row without its names, after the access check. */
static enum err find(struct domain_ctx *ctx, const char *public_id, enum audit_event ev,
                     struct attachment *a)
{
	enum err e = store_attachment_get(ctx->store, ctx->vault, public_id, 0, a);

	if (e == ERR_OK) {
		e = may(ctx, a->client_id, 0, ev);
		if (e != ERR_OK)
			attachment_cleanup(a);
	}
	return e;
}

/* opened - the details of a (names opened) and its event, committed. */
static enum err opened(struct domain_ctx *ctx, const char *public_id, enum audit_event ev,
                       struct attachment *out)
{
	struct attachment a;
	char det[64];
	enum err e;

	memset(&a, 0, sizeof a);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_attachment_get(ctx->store, ctx->vault, public_id, 1, &a);
	if (e == ERR_OK) {
		detail(det, a.content_type, a.size);
		e = domain_emit(ctx, ev, a.client_id, "attachment", a.public_id, det);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, ev, a.client_id, e);
		attachment_cleanup(&a);
		return e;
	}
	*out = a;
	return ERR_OK;
}

enum err domain_attachment_get(struct domain_ctx *ctx, const char *public_id,
                               struct attachment *out)
{
	struct attachment a;
	enum err e;

	memset(&a, 0, sizeof a);
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = find(ctx, public_id, AUDIT_ATTACHMENT_READ, &a);
	store_end_read(ctx->store);
	attachment_cleanup(&a);
	if (e != ERR_OK)
		return e;
	return opened(ctx, public_id, AUDIT_ATTACHMENT_READ, out);
}

/* load - open chunk idx of r->a into r->buf, checking its length. */
static enum err load(struct domain_ctx *ctx, struct attachment_reader *r, int64_t idx)
{
	const struct attachment *a = &r->a;
	size_t n = 0, want;
	enum err e;

	r->idx = -1;
	r->len = 0;
	e = store_attachment_chunk_open(ctx->store, ctx->vault, a, idx, r->buf, &n);
	if (e != ERR_OK)
		return e;
	want = idx < a->chunks - 1
	               ? STORE_ATTACHMENT_CHUNK
	               : (size_t)(a->size - (int64_t)STORE_ATTACHMENT_CHUNK * (a->chunks - 1));
	if (n != want) {
		mem_wipe(r->buf, STORE_ATTACHMENT_CHUNK);
		return ERR_CRYPTO;
	}
	r->idx = idx;
	r->len = n;
	return ERR_OK;
}

/* geometry_ok - size and chunk count agree (every chunk but the last is
 * full, the last holds 1 to a full chunk). */
static int geometry_ok(const struct attachment *a)
{
	int64_t c = STORE_ATTACHMENT_CHUNK;

	return a->size > 0 && a->size <= ATTACHMENT_MAX && a->chunks == (a->size + c - 1) / c;
}

enum err domain_attachment_download_open(struct domain_ctx *ctx, const char *public_id,
                                         struct attachment *meta, struct attachment_reader **out)
{
	struct attachment_reader *r;
	int64_t i;
	enum err e;

	r = calloc(1, sizeof *r);
	if (r == NULL)
		return ERR_NOMEM;
	r->idx = -1;
	r->buf = malloc(STORE_ATTACHMENT_CHUNK);
	if (r->buf == NULL) {
		free(r);
		return ERR_NOMEM;
	}
	e = store_begin_read(ctx->store);
	if (e == ERR_OK) {
		e = find(ctx, public_id, AUDIT_ATTACHMENT_DOWNLOAD, &r->a);
		if (e == ERR_OK && !geometry_ok(&r->a))
			e = ERR_CRYPTO;
		/* every chunk must open before a byte is released */
		for (i = 0; e == ERR_OK && i < r->a.chunks; i++)
			e = load(ctx, r, i);
		store_end_read(ctx->store);
	}
	if (e == ERR_CRYPTO)
		domain_audit_refusal(ctx, AUDIT_ATTACHMENT_DOWNLOAD, r->a.client_id, e);
	if (e == ERR_OK)
		e = opened(ctx, public_id, AUDIT_ATTACHMENT_DOWNLOAD, meta);
	if (e != ERR_OK) {
		domain_attachment_reader_free(r);
		return e;
	}
	*out = r;
	return ERR_OK;
}

enum err domain_attachment_read(struct domain_ctx *ctx, struct attachment_reader *r, uint64_t pos,
                                void *out, size_t max, size_t *n)
{
	int64_t idx;
	size_t off, k;
	enum err e;

	if (pos >= (uint64_t)r->a.size) {
		*n = 0;
		return ERR_OK;
	}
	idx = (int64_t)(pos / STORE_ATTACHMENT_CHUNK);
	if (idx != r->idx) {
		e = store_begin_read(ctx->store);
		if (e != ERR_OK)
			return e;
		e = load(ctx, r, idx);
		store_end_read(ctx->store);
		if (e != ERR_OK)
			return e;
	}
	off = (size_t)(pos - (uint64_t)idx * STORE_ATTACHMENT_CHUNK);
	k = r->len - off;
	if (k > max)
		k = max;
	memcpy(out, r->buf + off, k);
	*n = k;
	return ERR_OK;
}

void domain_attachment_reader_free(struct attachment_reader *r)
{
	if (r == NULL)
		return;
	if (r->buf != NULL) {
		mem_wipe(r->buf, STORE_ATTACHMENT_CHUNK);
		free(r->buf);
	}
	attachment_cleanup(&r->a);
	mem_wipe(r, sizeof *r);
	free(r);
}

enum err domain_attachment_sweep(struct domain_ctx *ctx, int64_t *n)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_attachment_sweep(ctx->store, n);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}
