/*
 * attachments.c - files in a client's chart over HTTP:
 *   POST /api/v1/clients/{id}/attachments    raw body = the file;
 *        Content-Type: its type; Confidant-Filename: name (percent-encoded
 *        UTF-8); Confidant-Description: optional -> 201 {details}
 *   GET  /api/v1/clients/{id}/attachments    {"attachments": [details]}
 *   GET  /api/v1/attachments/{id}            {details}
 *   GET  /api/v1/attachments/{id}/content    the bytes, streamed
 * The upload's body is never held whole: it goes to the domain piece by
 * piece (ROUTE_STREAM). The download is read one sealed chunk at a time,
 * each with a connection taken from the pool just for that chunk, so a
 * slow reader holds neither memory nor a database connection.
 * Never: echoes a file name in an error, or sends a download without
 * Content-Disposition: attachment and a sandbox policy.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/attachments.h"
#include "core/mem.h"
#include "domain/sniff.h"

#define HEADER_FILENAME "Confidant-Filename"
#define HEADER_DESCRIPTION "Confidant-Description"
#define ASCII_NAME_MAX 64 /* characters of the plain filename= fallback */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* pct_decode - percent-decode s into out (size bytes); 0 if an escape is
 * malformed, decodes to NUL, or the result does not fit. */
static int pct_decode(const char *s, char *out, size_t size)
{
	size_t w = 0;

	while (*s != '\0') {
		int c = (unsigned char)*s;

		if (c == '%') {
			if (hexval(s[1]) < 0 || hexval(s[2]) < 0)
				return 0;
			c = hexval(s[1]) * 16 + hexval(s[2]);
			if (c == 0)
				return 0;
			s += 3;
		} else {
			s++;
		}
		if (w + 1 >= size)
			return 0;
		out[w++] = (char)c;
	}
	out[w] = '\0';
	return 1;
}

/* attachment_json - one file's details. */
static json_t *attachment_json(const struct attachment *a)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:s,s:I,s:s,s:o}", "id", a->public_id, "client",
	                 a->client_public_id, "filename", a->filename ? a->filename : "",
	                 "description", a->description ? json_string(a->description) : json_null(),
	                 "content_type", a->content_type, "size", (json_int_t)a->size, "created_by",
	                 a->created_by_public_id, "created_at", api_time_json(a->created_at));
}

/* ---- upload ---------------------------------------------------------------- */

/* upload_open - decode the headers and start the upload. */
static enum err upload_open(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	char name[ATTACHMENT_FILENAME_MAX + 2], desc[ATTACHMENT_DESCRIPTION_MAX + 2];
	const char *hn = http_request_header(rq, HEADER_FILENAME);
	const char *hd = http_request_header(rq, HEADER_DESCRIPTION);
	struct attachment_upload *up = NULL;
	struct domain_ctx ctx;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	if (hn == NULL || !pct_decode(hn, name, sizeof name)) {
		rs->message = "the Confidant-Filename header (the file's name, percent-encoded "
		              "UTF-8, at most 255 bytes) is required";
		return ERR_INVAL;
	}
	if (hd != NULL && !pct_decode(hd, desc, sizeof desc)) {
		mem_wipe(name, sizeof name);
		rs->message = "the Confidant-Description header must be percent-encoded UTF-8, "
		              "at most 1000 bytes";
		return ERR_INVAL;
	}
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_attachment_upload_open(&ctx, rq->param[0],
		                                  http_request_header(rq, "Content-Type"), name,
		                                  hd != NULL ? desc : NULL, &up);
		if (e != ERR_OK)
			rs->message = ctx.message;
		api_end(app, &ctx);
	}
	mem_wipe(name, sizeof name);
	mem_wipe(desc, sizeof desc);
	if (e == ERR_OK)
		*rq->state = up;
	return e;
}

/* upload_step - DATA or END of the upload; on an error, what was stored
 * goes at once (before the refusal is sent). */
static enum err upload_step(struct app *app, const struct http_request *rq,
                            struct http_response *rs, struct attachment_upload *up)
{
	struct attachment a;
	struct domain_ctx ctx;
	json_t *o = NULL;
	enum err e;

	memset(&a, 0, sizeof a);
	e = api_begin(app, rq, &ctx);
	if (e != ERR_OK)
		return e;
	if (rq->phase == HTTP_PHASE_DATA) {
		e = domain_attachment_upload_write(&ctx, up, rq->body, rq->body_len);
	} else {
		e = domain_attachment_upload_finish(&ctx, up, &a);
		if (e == ERR_OK) {
			o = attachment_json(&a);
			attachment_cleanup(&a);
		}
	}
	if (e != ERR_OK) {
		rs->message = ctx.message;
		domain_attachment_upload_abort(&ctx, up, e);
	}
	api_end(app, &ctx);
	if (e != ERR_OK || rq->phase == HTTP_PHASE_DATA)
		return e;
	if (o == NULL)
		return ERR_NOMEM;
	rs->status = 201;
	snprintf(rs->location, sizeof rs->location, "/api/v1/attachments/%s",
	         json_string_value(json_object_get(o, "id")));
	return api_json_send(rs, o);
}

/* upload_close - free the upload, deleting what an unfinished one stored. */
static void upload_close(struct app *app, const struct http_request *rq,
                         struct attachment_upload *up)
{
	struct domain_ctx ctx;

	if (api_begin(app, rq, &ctx) == ERR_OK) {
		domain_attachment_upload_free(&ctx, up);
		api_end(app, &ctx);
	} else {
		domain_attachment_upload_free(NULL, up);
	}
}

enum err api_attachment_upload(struct app *app, const struct http_request *rq,
                               struct http_response *rs)
{
	struct attachment_upload *up = rq->state != NULL ? *rq->state : NULL;

	switch (rq->phase) {
	case HTTP_PHASE_OPEN: return upload_open(app, rq, rs);
	case HTTP_PHASE_DATA:
	case HTTP_PHASE_END: return up != NULL ? upload_step(app, rq, rs, up) : ERR_INTERNAL;
	case HTTP_PHASE_CLOSE:
		upload_close(app, rq, up);
		*rq->state = NULL;
		return ERR_OK;
	case HTTP_PHASE_ALL: break;
	}
	return ERR_INTERNAL; /* registered without ROUTE_STREAM */
}

/* ---- details --------------------------------------------------------------- */

enum err api_attachment_list(struct app *app, const struct http_request *rq,
                             struct http_response *rs)
{
	struct attachment *as;
	struct domain_ctx ctx;
	size_t n = 0, i;
	json_t *arr;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	as = mem_calloc_array(ATTACHMENTS_LIST_MAX, sizeof *as);
	if (as == NULL)
		return ERR_NOMEM;
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_attachment_list(&ctx, rq->param[0], as, ATTACHMENTS_LIST_MAX, &n);
		api_end(app, &ctx);
	}
	if (e == ERR_OK) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, attachment_json(&as[i]));
		for (i = 0; i < n; i++)
			attachment_cleanup(&as[i]);
		e = arr != NULL ? api_json_send(rs, json_pack("{s:o}", "attachments", arr))
		                : ERR_NOMEM;
	}
	free(as);
	return e;
}

enum err api_attachment_get(struct app *app, const struct http_request *rq,
                            struct http_response *rs)
{
	struct attachment a;
	struct domain_ctx ctx;
	json_t *o;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	memset(&a, 0, sizeof a);
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_attachment_get(&ctx, rq->param[0], &a);
		api_end(app, &ctx);
	}
	if (e != ERR_OK)
		return e;
	o = attachment_json(&a);
	attachment_cleanup(&a);
	return o != NULL ? api_json_send(rs, o) : ERR_NOMEM;
}

/* ---- download -------------------------------------------------------------- */

/* A download on its way out: what each chunk read needs. */
struct download {
	struct app *app;                  /* the pool and the vault */
	struct attachment_reader *reader; /* the open file */
	struct http_request rq;           /* a stand-in request: id and peer only */
	char addr[64];                    /* the peer's address */
};

static enum err download_read(void *state, uint64_t pos, char *out, size_t max, size_t *n)
{
	struct download *d = state;
	struct domain_ctx ctx;
	enum err e;

	e = api_begin(d->app, &d->rq, &ctx);
	if (e != ERR_OK)
		return e;
	e = domain_attachment_read(&ctx, d->reader, pos, out, max, n);
	api_end(d->app, &ctx);
	return e;
}

static void download_done(void *state)
{
	struct download *d = state;

	domain_attachment_reader_free(d->reader);
	free(d);
}

/* disposition - "attachment" with a safe name: an ASCII fallback where
 * anything but letters, digits, '.', '-', '_' and ' ' became '_', and the
 * exact name percent-encoded (RFC 6266 filename*). The extension is the
 * content's own, so the saved file opens as what it is. */
static void disposition(char *out, size_t size, const char *name, const char *content_type)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *ext = sniff_ext(sniff_of_mime(content_type));
	size_t nlen = strlen(name), elen = strlen(ext), i, w;
	int has_ext = nlen > elen && strcasecmp(name + nlen - elen, ext) == 0;
	char ascii[ASCII_NAME_MAX + 8];
	struct buf b;

	for (i = 0, w = 0; name[i] != '\0' && w < ASCII_NAME_MAX; i++) {
		unsigned char c = (unsigned char)name[i];
		int ok;

		if (c >= 0x80 && c < 0xc0)
			continue; /* one '_' per character, not per byte */
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     c == '.' || c == '-' || c == '_' || c == ' ';

		ascii[w++] = ok ? (char)c : '_';
	}
	ascii[w] = '\0';
	if (!has_ext || name[i] != '\0') /* no extension, or it was cut off */
		snprintf(ascii + w, sizeof ascii - w, "%s", ext);
	buf_init(&b, size - 1, 1);
	if (buf_printf(&b, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii) != ERR_OK)
		goto fallback;
	for (i = 0; name[i] != '\0'; i++) {
		unsigned char c = (unsigned char)name[i];
		char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';

		if (buf_append(&b, plain ? (const char *)&name[i] : enc, plain ? 1 : 3) != ERR_OK)
			goto fallback;
	}
	if (!has_ext && buf_puts(&b, ext) != ERR_OK)
		goto fallback;
	memcpy(out, b.data, b.len + 1);
	buf_cleanup(&b);
	return;
fallback:
	buf_cleanup(&b);
	snprintf(out, size, "attachment; filename=\"%s\"", ascii);
}

enum err api_attachment_content(struct app *app, const struct http_request *rq,
                                struct http_response *rs)
{
	struct attachment meta;
	struct domain_ctx ctx;
	struct download *d;
	enum err e;

	if (!api_public_id_ok(rq->param[0]))
		return ERR_NOTFOUND;
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return ERR_NOMEM;
	memset(&meta, 0, sizeof meta);
	e = api_begin(app, rq, &ctx);
	if (e == ERR_OK) {
		e = domain_attachment_download_open(&ctx, rq->param[0], &meta, &d->reader);
		api_end(app, &ctx);
	}
	if (e != ERR_OK) {
		free(d);
		return e;
	}
	d->app = app;
	memcpy(d->rq.request_id, rq->request_id, sizeof d->rq.request_id);
	snprintf(d->addr, sizeof d->addr, "%s", rq->remote_addr ? rq->remote_addr : "");
	d->rq.remote_addr = d->addr;
	d->rq.path = "";
	d->rq.body = "";
	rs->content_type = sniff_mime(sniff_of_mime(meta.content_type));
	disposition(rs->disposition, sizeof rs->disposition, meta.filename, meta.content_type);
	rs->sandbox = 1;
	rs->stream.size = (uint64_t)meta.size;
	rs->stream.read = download_read;
	rs->stream.done = download_done;
	rs->stream.state = d;
	attachment_cleanup(&meta);
	return ERR_OK;
}
