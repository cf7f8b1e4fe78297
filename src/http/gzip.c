/*
 * gzip.c - gzip copies of the browser app's text files, made once and kept
 * in memory, so the first load of the app is small without a build step.
 *
 * Responsible for: deciding from Accept-Encoding whether a client takes
 * gzip; compressing a file at most once per (device, inode, size, mtime)
 * and keeping the result in a small table; a copy per response so an entry
 * may be replaced while a response is still being sent.
 * Never: compresses API responses (they carry PHI, and compressing secrets
 * next to attacker-chosen text in one TLS record is what BREACH exploits);
 * keeps more than GZ_ENTRIES files or GZ_BYTES bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include "http/internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Files kept compressed at once, and their total compressed size. The app
 * has a few dozen files of under 100 KB each. */
#define GZ_ENTRIES 128
#define GZ_BYTES (8u * 1024 * 1024)
/* Files below this are sent as they are: the gzip header would eat the gain. */
#define GZ_MIN_SIZE 256
/* Files above this are sent as they are rather than read into memory. */
#define GZ_MAX_SIZE (4u * 1024 * 1024)

/* One compressed file. */
struct gz_entry {
	dev_t dev;             /* identity of the file compressed ... */
	ino_t ino;             /* ... */
	off_t size;            /* ... and the version of it: size ... */
	struct timespec mtime; /* ... and modification time */
	unsigned char *data;   /* gzip bytes; NULL when compressing did not shrink it */
	size_t len;            /* bytes in data */
	int used;              /* 1 when the slot holds an entry */
};

struct http_gzip {
	pthread_mutex_t mu;            /* guards everything below */
	struct gz_entry e[GZ_ENTRIES]; /* the table, replaced round robin */
	size_t next;                   /* slot replaced next when all are used */
	size_t bytes;                  /* total of e[].len */
};

enum err http_gzip_new(struct http_gzip **out)
{
	struct http_gzip *g = calloc(1, sizeof *g);

	if (g == NULL)
		return ERR_NOMEM;
	if (pthread_mutex_init(&g->mu, NULL) != 0) {
		free(g);
		return ERR_NOMEM;
	}
	*out = g;
	return ERR_OK;
}

void http_gzip_free(struct http_gzip *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < GZ_ENTRIES; i++)
		free(g->e[i].data);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* q_zero - 1 when a q-value ("0", "0.0", "0.000") says "not acceptable". */
static int q_zero(const char *p, const char *end)
{
	if (p >= end || *p != '0')
		return 0;
	for (p++; p < end; p++) {
		if (*p != '.' && *p != '0')
			return 0;
	}
	return 1;
}

int http_gzip_accepted(const char *accept_encoding)
{
	const char *p = accept_encoding;
	int gzip = -1, star = -1;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		const char *semi, *name_end, *q;
		size_t n;
		int ok = 1;

		if (end == NULL)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (semi = p; semi < end && *semi != ';'; semi++)
			;
		name_end = semi;
		while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		n = (size_t)(name_end - p);
		for (q = semi; q < end; q++) {
			const char *v = q + 1, *ve;

			if (*q != ';')
				continue;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (end - v < 2 || (v[0] != 'q' && v[0] != 'Q') || v[1] != '=')
				continue;
			for (ve = v + 2; ve < end && *ve != ';' && *ve != ' ' && *ve != '\t'; ve++)
				;
			ok = !q_zero(v + 2, ve);
		}
		if ((n == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "x-gzip", 6) == 0))
			gzip = ok;
		else if (n == 1 && *p == '*')
			star = ok;
		p = *end == ',' ? end + 1 : end;
	}
	if (gzip >= 0)
		return gzip;
	return star == 1;
}

/* compress_all - gzip len bytes of in into a new buffer *out (caller frees). */
static enum err compress_all(const unsigned char *in, size_t len, unsigned char **out,
                             size_t *outlen)
{
	z_stream z;
	unsigned char *buf;
	uLong cap;
	int rc;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return ERR_NOMEM;
	cap = deflateBound(&z, (uLong)len);
	buf = malloc(cap);
	if (buf == NULL) {
		deflateEnd(&z);
		return ERR_NOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*outlen = (size_t)z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return ERR_NOMEM;
	}
	*out = buf;
	return ERR_OK;
}

/* read_all - the len bytes of fd from offset 0 into a new buffer. */
static enum err read_all(int fd, size_t len, unsigned char **out)
{
	unsigned char *buf = malloc(len);
	size_t got = 0;

	if (buf == NULL)
		return ERR_NOMEM;
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)got);

		if (n <= 0) {
			free(buf);
			return ERR_IO;
		}
		got += (size_t)n;
	}
	*out = buf;
	return ERR_OK;
}

static int same_file(const struct gz_entry *e, const struct stat *st)
{
	return e->used && e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* response_of - a response copying e's bytes, or NULL when e holds none. */
static struct MHD_Response *response_of(const struct gz_entry *e)
{
	if (e->data == NULL)
		return NULL;
	return MHD_create_response_from_buffer(e->len, e->data, MHD_RESPMEM_MUST_COPY);
}

struct MHD_Response *http_gzip_response(struct http_gzip *g, int fd, const struct stat *st)
{
	struct MHD_Response *r = NULL;
	unsigned char *raw = NULL, *gz = NULL;
	size_t gzlen = 0, i, slot;

	if (g == NULL || st->st_size < GZ_MIN_SIZE || (uintmax_t)st->st_size > GZ_MAX_SIZE)
		return NULL;
	pthread_mutex_lock(&g->mu);
	for (i = 0; i < GZ_ENTRIES; i++) {
		if (same_file(&g->e[i], st)) {
			r = response_of(&g->e[i]);
			pthread_mutex_unlock(&g->mu);
			return r;
		}
	}
	pthread_mutex_unlock(&g->mu);

	/* compress outside the lock; two workers may both do it once */
	if (read_all(fd, (size_t)st->st_size, &raw) != ERR_OK)
		return NULL;
	if (compress_all(raw, (size_t)st->st_size, &gz, &gzlen) != ERR_OK) {
		free(raw);
		return NULL;
	}
	free(raw);
	if (gzlen >= (size_t)st->st_size) {
		free(gz);
		gz = NULL;
		gzlen = 0;
	}

	pthread_mutex_lock(&g->mu);
	for (slot = 0; slot < GZ_ENTRIES; slot++) {
		if (!g->e[slot].used ||
		    (g->e[slot].dev == st->st_dev && g->e[slot].ino == st->st_ino))
			break;
	}
	if (slot == GZ_ENTRIES) {
		slot = g->next;
		g->next = (g->next + 1) % GZ_ENTRIES;
	}
	g->bytes -= g->e[slot].len;
	free(g->e[slot].data);
	memset(&g->e[slot], 0, sizeof g->e[slot]);
	if (g->bytes + gzlen <= GZ_BYTES) {
		g->e[slot] = (struct gz_entry){.dev = st->st_dev,
		                               .ino = st->st_ino,
		                               .size = st->st_size,
		                               .mtime = st->st_mtim,
		                               .data = gz,
		                               .len = gzlen,
		                               .used = 1};
		g->bytes += gzlen;
		r = response_of(&g->e[slot]);
		gz = NULL;
	}
	pthread_mutex_unlock(&g->mu);
	if (gz != NULL) {
		/* over the byte budget: serve this once, keep nothing */
		r = MHD_create_response_from_buffer(gzlen, gz, MHD_RESPMEM_MUST_COPY);
		free(gz);
	}
	return r;
}
