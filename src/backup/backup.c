/*
 * backup.c - the encrypted backup file: write, verify, restore.
 *
 * Responsible for: the backup file format (docs/internals/backup.md), the
 * zstd compression of its payload, and placing restored files safely. The
 * pipeline is the same both ways and runs in fixed-size buffers, so memory
 * use does not depend on the size of the backup:
 *   files -> records -> zstd -> 64 KiB chunks -> vault stream -> file
 * Errors follow one rule: a problem found before or by authentication is
 * ERR_CRYPTO (changed, truncated, wrong key); content that authenticates but
 * breaks the format (a bad name, wrong sizes) is ERR_INVAL, since only a
 * holder of the key could have written it.
 * Never: calls libsodium (the vault does), acts on a byte of payload before
 * the chunk holding it has been authenticated, writes outside the restore
 * directory, leaves a partial backup or restore behind, or frees memory
 * that held plaintext without wiping it (zstd's too).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "backup/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* customMem lets zstd's windows (which hold plaintext) be wiped on free.
 * It sits in zstd's "static linking" section but has kept the same shape
 * since zstd 1.0 and is exported by the shared library. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#include "core/file.h"
#include "core/mem.h"

/* Fixed part of the header: master version, created_at, entry count,
 * total size, wrap count. */
#define HDR_FIXED (4 + 8 + 4 + 8 + 4)
/* One wrap: kind, master version, opslimit, memlimit, salt, blob. */
#define WRAP_BYTES (1 + 4 + 8 + 8 + VAULT_SALTBYTES + VAULT_WRAPPEDBYTES)
/* Magic, format version, header length. */
#define PRE_FIXED (BACKUP_MAGIC_LEN + 4 + 4)
#define HDR_MAX (HDR_FIXED + BACKUP_WRAPS_MAX * WRAP_BYTES)
/* Everything before the first chunk, at most. */
#define PREFIX_MAX (PRE_FIXED + HDR_MAX + VAULT_STREAM_HEADERBYTES)
/* An encrypted chunk on disk: 4-byte length, then the ciphertext. */
#define CT_MAX (BACKUP_CHUNK + VAULT_STREAM_ABYTES)
/* zstd compression level: the first "fast" (negative) level. On the large
 * bench database (sealed columns, indexes) level -1 needs 56% of level 1's
 * CPU for a file 3% larger (49% -> 50% of the database); -3 and below save
 * little more CPU and grow the file 8-30% (docs/bench.md, session 4). Any
 * level decodes with the same reader: the file format does not change. */
#define ZLEVEL (-1)
/* At most this many compression threads (one per CPU up to it). */
#define ZWORKERS_MAX 4
/* The largest zstd window a reader accepts (16 MiB); level 1 uses 512 KiB. */
#define ZWINDOWLOG_MAX 24
/* Start writing back a file's dirty pages every this many bytes, so the
 * final fsync finds little left to write (a hint: fsync still decides). */
#define WRITEBACK_EVERY (8u << 20)
/* Room kept before each zstd allocation to remember its size. */
#define ZHDR 16

_Static_assert(ZHDR >= sizeof(size_t) && ZHDR % _Alignof(max_align_t) == 0,
               "zstd allocation header must keep alignment");

/* ---- little-endian helpers ------------------------------------------- */

static void put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* ---- I/O helpers ------------------------------------------------------ */

/* path_join - a + b into out (cap bytes). */
static enum err path_join(char *out, size_t cap, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n;

	if (!mem_add_ok(na, nb, &n) || n >= cap)
		return ERR_TOOBIG;
	memcpy(out, a, na);
	memcpy(out + na, b, nb + 1);
	return ERR_OK;
}

/* remove_tree - delete name (relative to dirfd) and everything under it.
 * Used only on the private temporary directory of a failed restore, whose
 * depth is bounded by BACKUP_NAME_MAX. */
static void remove_tree(int dirfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		unlinkat(dirfd, name, 0);
		return;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) != 0 && (errno == EISDIR || errno == EPERM))
			remove_tree(fd, de->d_name);
	}
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* ---- zstd memory that is wiped on free ---------------------------------- */

static void *zalloc(void *opaque, size_t size)
{
	unsigned char *p;
	size_t total;

	(void)opaque;
	if (!mem_add_ok(size, ZHDR, &total))
		return NULL;
	p = malloc(total);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof size);
	return p + ZHDR;
}

static void zfree(void *opaque, void *ptr)
{
	unsigned char *p;
	size_t size;

	(void)opaque;
	if (ptr == NULL)
		return;
	p = (unsigned char *)ptr - ZHDR;
	memcpy(&size, p, sizeof size);
	mem_wipe(p, size + ZHDR);
	free(p);
}

static const ZSTD_customMem zmem = {zalloc, zfree, NULL};

/* zworkers - compression threads: one per online CPU, 1..ZWORKERS_MAX. */
static int zworkers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > ZWORKERS_MAX ? ZWORKERS_MAX : (int)n;
}

/* ---- names ------------------------------------------------------------ */

int backup_name_valid(const char *name, size_t len)
{
	size_t i, start = 0;

	if (name == NULL || len == 0 || len > BACKUP_NAME_MAX)
		return 0;
	for (i = 0; i <= len; i++) {
		char c = i < len ? name[i] : '/';
		size_t comp = i - start;

		if (c == '/') {
			/* Empty (leading '/', "//", trailing '/'), "." or "..". */
			if (comp == 0 || (comp == 1 && name[start] == '.') ||
			    (comp == 2 && name[start] == '.' && name[start + 1] == '.'))
				return 0;
			start = i + 1;
			continue;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* ---- the header ------------------------------------------------------- */

/* A parsed backup prefix (everything before the first chunk). */
struct prefix {
	unsigned char raw[PREFIX_MAX + 4]; /* the bytes as read, + room for a chunk length */
	size_t len;                        /* bytes of raw that are the prefix */
	uint32_t master_version;           /* master key version that wrote it */
	uint64_t created_at;               /* seconds since the epoch */
	uint32_t nentries;                 /* records in the payload */
	uint64_t total;                    /* sum of record sizes */
	uint32_t nwraps;                   /* keyring wraps in the header */
	const unsigned char *wraps;        /* first wrap, inside raw */
	const unsigned char *stream_hdr;   /* vault stream header, inside raw */
};

static void wrap_encode(unsigned char *p, const struct vault_wrap *w)
{
	p[0] = (unsigned char)w->kind;
	put_le(p + 1, w->master_version, 4);
	put_le(p + 5, w->opslimit, 8);
	put_le(p + 13, w->memlimit, 8);
	memcpy(p + 21, w->salt, VAULT_SALTBYTES);
	memcpy(p + 21 + VAULT_SALTBYTES, w->blob, VAULT_WRAPPEDBYTES);
}

static enum err wrap_decode(struct vault_wrap *w, const unsigned char *p)
{
	if (p[0] < VAULT_WRAP_PASSPHRASE || p[0] > VAULT_WRAP_ROOT)
		return ERR_CRYPTO;
	memset(w, 0, sizeof *w);
	w->kind = (enum vault_wrap_kind)p[0];
	w->master_version = (uint32_t)get_le(p + 1, 4);
	w->opslimit = get_le(p + 5, 8);
	w->memlimit = get_le(p + 13, 8);
	memcpy(w->salt, p + 21, VAULT_SALTBYTES);
	memcpy(w->blob, p + 21 + VAULT_SALTBYTES, VAULT_WRAPPEDBYTES);
	return ERR_OK;
}

/* prefix_read - read and parse the prefix of the backup open at fd. */
static enum err prefix_read(int fd, struct prefix *pf)
{
	unsigned char *p = pf->raw;
	size_t got, hlen, i;
	enum err rc;

	rc = file_read_full(fd, p, PRE_FIXED, &got);
	if (rc != ERR_OK)
		return rc;
	if (got < BACKUP_MAGIC_LEN || memcmp(p, BACKUP_MAGIC, BACKUP_MAGIC_LEN) != 0)
		return ERR_INVAL;
	if (got < PRE_FIXED)
		return ERR_CRYPTO;
	if (get_le(p + BACKUP_MAGIC_LEN, 4) != BACKUP_FORMAT_VERSION)
		return ERR_INVAL;
	hlen = (size_t)get_le(p + BACKUP_MAGIC_LEN + 4, 4);
	if (hlen < HDR_FIXED || hlen > HDR_MAX)
		return ERR_CRYPTO;
	rc = file_read_full(fd, p + PRE_FIXED, hlen + VAULT_STREAM_HEADERBYTES, &got);
	if (rc != ERR_OK)
		return rc;
	if (got != hlen + VAULT_STREAM_HEADERBYTES)
		return ERR_CRYPTO;
	p += PRE_FIXED;
	pf->master_version = (uint32_t)get_le(p, 4);
	pf->created_at = get_le(p + 4, 8);
	pf->nentries = (uint32_t)get_le(p + 12, 4);
	pf->total = get_le(p + 16, 8);
	pf->nwraps = (uint32_t)get_le(p + 24, 4);
	if (pf->nwraps > BACKUP_WRAPS_MAX || hlen != HDR_FIXED + (size_t)pf->nwraps * WRAP_BYTES ||
	    pf->nentries > BACKUP_ENTRIES_MAX)
		return ERR_CRYPTO;
	pf->wraps = p + HDR_FIXED;
	for (i = 0; i < pf->nwraps; i++) {
		struct vault_wrap w;

		rc = wrap_decode(&w, pf->wraps + i * WRAP_BYTES);
		if (rc != ERR_OK)
			return rc;
	}
	pf->stream_hdr = p + hlen;
	pf->len = PRE_FIXED + hlen + VAULT_STREAM_HEADERBYTES;
	return ERR_OK;
}

/* prefix_build - lay out the prefix for writing. */
static enum err prefix_build(struct prefix *pf, const struct vault *v,
                             const struct vault_wrap *wraps, size_t nwraps, size_t nentries,
                             uint64_t total,
                             const unsigned char stream_hdr[VAULT_STREAM_HEADERBYTES])
{
	unsigned char *p = pf->raw;
	size_t hlen, i;
	time_t now = time(NULL);

	if (nwraps > BACKUP_WRAPS_MAX || nentries > BACKUP_ENTRIES_MAX)
		return ERR_INVAL;
	for (i = 0; i < nwraps; i++)
		if (wraps[i].kind < VAULT_WRAP_PASSPHRASE || wraps[i].kind > VAULT_WRAP_ROOT)
			return ERR_INVAL;
	hlen = HDR_FIXED + nwraps * WRAP_BYTES;
	memcpy(p, BACKUP_MAGIC, BACKUP_MAGIC_LEN);
	put_le(p + BACKUP_MAGIC_LEN, BACKUP_FORMAT_VERSION, 4);
	put_le(p + BACKUP_MAGIC_LEN + 4, hlen, 4);
	p += PRE_FIXED;
	put_le(p, vault_version(v), 4);
	put_le(p + 4, (uint64_t)(int64_t)(now < 0 ? 0 : now), 8);
	put_le(p + 12, nentries, 4);
	put_le(p + 16, total, 8);
	put_le(p + 24, nwraps, 4);
	for (i = 0; i < nwraps; i++)
		wrap_encode(p + HDR_FIXED + i * WRAP_BYTES, &wraps[i]);
	memcpy(p + hlen, stream_hdr, VAULT_STREAM_HEADERBYTES);
	pf->len = PRE_FIXED + hlen + VAULT_STREAM_HEADERBYTES;
	return ERR_OK;
}

/* ---- shared state ------------------------------------------------------ */

/* Buffers and contexts of one write or read; all freed (and wiped) by
 * pl_cleanup. */
struct pipeline {
	struct prefix *pf;       /* the file's prefix (authenticated with chunk 0) */
	struct vault_key *key;   /* backup subkey, locked memory */
	struct vault_stream *ss; /* stream state */
	unsigned char *pt;       /* one chunk of compressed plaintext */
	size_t pt_len;           /* bytes used in pt (writing) */
	unsigned char *ct;       /* 4-byte length + one encrypted chunk */
	unsigned char *io;       /* file content (writing) or zstd output (reading) */
	uint64_t written;        /* writing: bytes written to the backup file */
	uint64_t hinted;         /* writing: bytes of it handed to writeback */
	int first;               /* non-zero until chunk 0 is done */
	ZSTD_CCtx *cz;           /* compressor (writing) */
	ZSTD_DCtx *dz;           /* decompressor (reading) */
	int fd;                  /* the backup file */
};

static enum err pl_init(struct pipeline *p, const struct vault *v)
{
	enum err rc;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->first = 1;
	p->pf = calloc(1, sizeof *p->pf);
	p->pt = malloc(BACKUP_CHUNK);
	p->ct = malloc(4 + CT_MAX);
	p->io = malloc(BACKUP_CHUNK);
	p->key = vault_key_new();
	if (p->pf == NULL || p->pt == NULL || p->ct == NULL || p->io == NULL || p->key == NULL)
		return ERR_NOMEM;
	rc = vault_subkey(v, VAULT_SUB_BACKUP, p->key);
	return rc;
}

static void pl_cleanup(struct pipeline *p)
{
	if (p->fd >= 0)
		close(p->fd);
	ZSTD_freeCCtx(p->cz);
	ZSTD_freeDCtx(p->dz);
	vault_stream_free(p->ss);
	vault_key_free(p->key);
	if (p->pt != NULL)
		mem_wipe(p->pt, BACKUP_CHUNK);
	if (p->io != NULL)
		mem_wipe(p->io, BACKUP_CHUNK);
	free(p->pt);
	free(p->ct);
	free(p->io);
	free(p->pf);
	memset(p, 0, sizeof *p);
	p->fd = -1;
}

/* chunk_ad - the associated data of the chunk whose length field is at
 * len4: the whole prefix for chunk 0, the length field alone after it. */
static const unsigned char *chunk_ad(struct pipeline *p, const unsigned char *len4, size_t *ad_len)
{
	if (!p->first) {
		*ad_len = 4;
		return len4;
	}
	memcpy(p->pf->raw + p->pf->len, len4, 4);
	*ad_len = p->pf->len + 4;
	return p->pf->raw;
}

static void report(struct backup_progress *pr, uint64_t done, uint64_t total)
{
	if (pr != NULL && pr->fn != NULL)
		pr->fn(pr->arg, done, total);
}

/* ---- writing ---------------------------------------------------------- */

/* writeback - ask the kernel to start writing fd's dirty pages in
 * [from, to), so that a later fsync waits for less. Only a hint: errors
 * (a filesystem without sync_file_range) are ignored, fsync decides. */
static void writeback(int fd, uint64_t from, uint64_t to)
{
	if (to > from)
		(void)sync_file_range(fd, (off_t)from, (off_t)(to - from), SYNC_FILE_RANGE_WRITE);
}

/* emit - encrypt pt[0..pt_len) as the next chunk and write it. Buffers
 * stay at one chunk: on this machine reading or writing through buffers
 * larger than the CPU's L2 cache cost up to five times the kernel time
 * of 64 KiB ones (docs/bench.md, session 4). */
static enum err emit(struct pipeline *p, int final)
{
	size_t ct_len = p->pt_len + VAULT_STREAM_ABYTES, ad_len;
	const unsigned char *ad;
	enum err rc;

	put_le(p->ct, ct_len, 4);
	ad = chunk_ad(p, p->ct, &ad_len);
	rc = vault_stream_push(p->ss, p->ct + 4, CT_MAX, p->pt, p->pt_len, ad, ad_len, final);
	if (rc != ERR_OK)
		return rc;
	p->first = 0;
	p->pt_len = 0;
	rc = file_write_all(p->fd, p->ct, 4 + ct_len);
	if (rc != ERR_OK)
		return rc;
	p->written += 4 + ct_len;
	if (p->written - p->hinted >= WRITEBACK_EVERY) {
		writeback(p->fd, p->hinted, p->written);
		p->hinted = p->written;
	}
	return ERR_OK;
}

/* zpush - feed n bytes to zstd, emitting every full chunk. With
 * ZSTD_e_end, also finish the frame. */
static enum err zpush(struct pipeline *p, const void *data, size_t n, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {data, n, 0};
	enum err rc;

	for (;;) {
		ZSTD_outBuffer out = {p->pt, BACKUP_CHUNK, p->pt_len};
		size_t left = ZSTD_compressStream2(p->cz, &out, &in, mode);

		if (ZSTD_isError(left))
			return ZSTD_getErrorCode(left) == ZSTD_error_memory_allocation
			               ? ERR_NOMEM
			               : ERR_INTERNAL;
		p->pt_len = out.pos;
		if (p->pt_len == BACKUP_CHUNK) {
			rc = emit(p, 0);
			if (rc != ERR_OK)
				return rc;
		}
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			return ERR_OK;
	}
}

/* Identity and size of an input file, taken before the header is written. */
struct input {
	dev_t dev;     /* device of the file */
	ino_t ino;     /* inode of the file */
	uint64_t size; /* bytes recorded in the header */
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* check_names - every name valid, none repeated, and none a directory of
 * another ("tls" and "tls/key.pem" could not both be restored). */
static enum err check_names(const struct backup_entry *e, size_t n)
{
	const char **sorted = mem_calloc_array(n, sizeof *sorted);
	char dir[BACKUP_NAME_MAX + 1];
	const char *key = dir;
	enum err rc = ERR_OK;
	size_t i, j;

	if (sorted == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (e[i].name == NULL || (e[i].path == NULL && e[i].read == NULL) ||
		    !backup_name_valid(e[i].name, strnlen(e[i].name, BACKUP_NAME_MAX + 1))) {
			rc = ERR_INVAL;
			goto out;
		}
		sorted[i] = e[i].name;
	}
	qsort(sorted, n, sizeof *sorted, name_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(sorted[i - 1], sorted[i]) == 0) {
			rc = ERR_INVAL;
			goto out;
		}
		for (j = 0; sorted[i][j] != '\0'; j++) {
			if (sorted[i][j] != '/')
				continue;
			memcpy(dir, sorted[i], j);
			dir[j] = '\0';
			if (bsearch(&key, sorted, n, sizeof *sorted, name_cmp) != NULL) {
				rc = ERR_INVAL;
				goto out;
			}
		}
	}
out:
	free(sorted);
	return rc;
}

/* write_read_entry - one record whose content comes from e->read. */
static enum err write_read_entry(struct pipeline *p, const struct backup_entry *e,
                                 const struct input *in, struct backup_progress *pr, uint64_t *done,
                                 uint64_t total)
{
	unsigned char head[2 + BACKUP_NAME_MAX + 8];
	size_t nlen = strlen(e->name);
	uint64_t off = 0;
	enum err rc;

	put_le(head, nlen, 2);
	memcpy(head + 2, e->name, nlen);
	put_le(head + 2 + nlen, in->size, 8);
	rc = zpush(p, head, 2 + nlen + 8, ZSTD_e_continue);
	while (rc == ERR_OK && off < in->size) {
		size_t want =
		        in->size - off < BACKUP_CHUNK ? (size_t)(in->size - off) : BACKUP_CHUNK;

		rc = e->read(e->arg, p->io, want, off);
		if (rc == ERR_OK)
			rc = zpush(p, p->io, want, ZSTD_e_continue);
		if (rc != ERR_OK)
			break;
		off += want;
		*done += want;
		report(pr, *done, total);
	}
	mem_wipe(p->io, BACKUP_CHUNK);
	return rc;
}

/* write_entry - one record: name length, name, size, content. */
static enum err write_entry(struct pipeline *p, const struct backup_entry *e,
                            const struct input *in, struct backup_progress *pr, uint64_t *done,
                            uint64_t total)
{
	unsigned char head[2 + BACKUP_NAME_MAX + 8];
	size_t nlen = strlen(e->name), got;
	uint64_t left = in->size;
	struct stat st;
	enum err rc;
	int fd;

	fd = open(e->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_IO;
	if (fstat(fd, &st) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (st.st_dev != in->dev || st.st_ino != in->ino || (uint64_t)st.st_size != in->size) {
		rc = ERR_CONFLICT;
		goto out;
	}
	/* Read from start to end: a larger read-ahead when it is not cached. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	put_le(head, nlen, 2);
	memcpy(head + 2, e->name, nlen);
	put_le(head + 2 + nlen, in->size, 8);
	rc = zpush(p, head, 2 + nlen + 8, ZSTD_e_continue);
	if (rc != ERR_OK)
		goto out;
	while (left > 0) {
		size_t want = left < BACKUP_CHUNK ? (size_t)left : BACKUP_CHUNK;

		rc = file_read_full(fd, p->io, want, &got);
		if (rc != ERR_OK)
			goto out;
		if (got != want) {
			rc = ERR_CONFLICT; /* shrank while being read */
			goto out;
		}
		rc = zpush(p, p->io, got, ZSTD_e_continue);
		if (rc != ERR_OK)
			goto out;
		left -= got;
		*done += got;
		report(pr, *done, total);
	}
	/* Grew while being read: the copy would be inconsistent. */
	rc = file_read_full(fd, p->io, 1, &got);
	if (rc == ERR_OK && got != 0)
		rc = ERR_CONFLICT;
out:
	mem_wipe(p->io, BACKUP_CHUNK);
	close(fd);
	return rc;
}

enum err backup_write(const struct vault *v, const struct vault_wrap *wraps, size_t nwraps,
                      const struct backup_entry *entries, size_t nentries, const char *out_path,
                      struct backup_progress *progress)
{
	unsigned char stream_hdr[VAULT_STREAM_HEADERBYTES];
	char tmp[PATH_MAX], dir[PATH_MAX];
	struct input *in = NULL;
	struct pipeline p;
	uint64_t total = 0, done = 0;
	struct stat st;
	int made = 0;
	size_t i;
	enum err rc;

	rc = pl_init(&p, v);
	if (rc != ERR_OK)
		goto out;
	if (out_path == NULL || (nentries > 0 && entries == NULL) ||
	    (nwraps > 0 && wraps == NULL) || nentries > BACKUP_ENTRIES_MAX ||
	    nwraps > BACKUP_WRAPS_MAX) {
		rc = ERR_INVAL;
		goto out;
	}
	rc = path_join(tmp, sizeof tmp, out_path, ".tmp");
	if (rc != ERR_OK)
		goto out;
	rc = file_parent(out_path, dir, sizeof dir);
	if (rc != ERR_OK)
		goto out;
	rc = check_names(entries, nentries);
	if (rc != ERR_OK)
		goto out;
	in = mem_calloc_array(nentries, sizeof *in);
	if (in == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < nentries; i++) {
		if (entries[i].read != NULL) {
			in[i].size = entries[i].size;
		} else if (stat(entries[i].path, &st) != 0) {
			rc = ERR_IO;
			goto out;
		} else if (!S_ISREG(st.st_mode)) {
			rc = ERR_INVAL;
			goto out;
		} else {
			in[i].dev = st.st_dev;
			in[i].ino = st.st_ino;
			in[i].size = (uint64_t)st.st_size;
		}
		if (in[i].size > UINT64_MAX - total) {
			rc = ERR_TOOBIG;
			goto out;
		}
		total += in[i].size;
	}
	if (lstat(out_path, &st) == 0) {
		rc = ERR_CONFLICT;
		goto out;
	}

	/* A stale temporary file is from a backup that died; replace it. */
	if (unlink(tmp) != 0 && errno != ENOENT) {
		rc = ERR_IO;
		goto out;
	}
	p.fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (p.fd < 0) {
		rc = ERR_IO;
		goto out;
	}
	made = 1;
	rc = vault_stream_push_new(p.key, stream_hdr, &p.ss);
	if (rc != ERR_OK)
		goto out;
	rc = prefix_build(p.pf, v, wraps, nwraps, nentries, total, stream_hdr);
	if (rc != ERR_OK)
		goto out;
	rc = file_write_all(p.fd, p.pf->raw, p.pf->len);
	if (rc != ERR_OK)
		goto out;

	p.cz = ZSTD_createCCtx_advanced(zmem);
	if (p.cz == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(p.cz, ZSTD_c_compressionLevel, ZLEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p.cz, ZSTD_c_checksumFlag, 0))) {
		rc = ERR_INTERNAL;
		goto out;
	}
	/* Compress on worker threads while this one reads, seals and writes.
	 * A libzstd built without threads refuses: then compress here. Its
	 * workers allocate through zmem too, so their buffers are wiped. */
	(void)ZSTD_CCtx_setParameter(p.cz, ZSTD_c_nbWorkers, zworkers());
	report(progress, 0, total);
	for (i = 0; i < nentries; i++) {
		if (entries[i].read != NULL)
			rc = write_read_entry(&p, &entries[i], &in[i], progress, &done, total);
		else
			rc = write_entry(&p, &entries[i], &in[i], progress, &done, total);
		if (rc != ERR_OK)
			goto out;
	}
	rc = zpush(&p, NULL, 0, ZSTD_e_end);
	if (rc != ERR_OK)
		goto out;
	rc = emit(&p, 1);
	if (rc != ERR_OK)
		goto out;

	if (fsync(p.fd) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (close(p.fd) != 0) {
		p.fd = -1;
		rc = ERR_IO;
		goto out;
	}
	p.fd = -1;
	/* Never replace an existing backup, even one that appeared meanwhile.
	 * Filesystems without RENAME_NOREPLACE fall back to the check above. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out_path, RENAME_NOREPLACE) != 0) {
		if (errno == EEXIST) {
			rc = ERR_CONFLICT;
			goto out;
		}
		if ((errno != EINVAL && errno != ENOSYS) || rename(tmp, out_path) != 0) {
			rc = ERR_IO;
			goto out;
		}
	}
	made = 0;
	rc = file_fsync_dir(dir);
	if (rc != ERR_OK) {
		unlink(out_path);
		goto out;
	}
	report(progress, total, total);
out:
	if (p.fd >= 0) {
		close(p.fd);
		p.fd = -1;
	}
	if (made)
		unlink(tmp);
	free(in);
	pl_cleanup(&p);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

/* Where a record parser is inside the decompressed payload. */
enum rec_state {
	REC_NAMELEN, /* reading the 2-byte name length */
	REC_NAME,    /* reading the name */
	REC_SIZE,    /* reading the 8-byte size */
	REC_DATA,    /* passing content through */
	REC_END,     /* all records seen; nothing may follow */
};

/* Parses records from the decompressed stream and, when restoring, writes
 * them under root. */
struct sink {
	enum rec_state state;                     /* where the parser is */
	unsigned char field[BACKUP_NAME_MAX + 1]; /* the field being read (NUL-terminated name) */
	size_t have;                              /* bytes of field read */
	size_t need;                              /* bytes the field has */
	uint64_t left;                            /* content bytes still due in this record */
	uint32_t nentries;                        /* records the header announced */
	uint32_t seen;                            /* records completed */
	uint64_t total;                           /* content bytes the header announced */
	uint64_t done;                            /* content bytes seen */
	int root;                                 /* restore directory fd, or -1 to verify */
	int dirfd;                                /* directory of the open file, or -1 */
	int fd;                                   /* file being restored, or -1 */
	uint64_t written;                         /* bytes written to fd */
	uint64_t hinted;                          /* bytes of fd handed to writeback */
	struct backup_progress *progress;         /* may be NULL */
};

/* open_dirs - walk and create the directories of name under root; returns
 * the directory fd that will hold the last component in *out, and the
 * offset of that component in *base. */
static enum err open_dirs(int root, const char *name, int *out, size_t *base)
{
	char comp[BACKUP_NAME_MAX + 1];
	const char *s = name, *slash;
	int dfd = root, next;

	while ((slash = strchr(s, '/')) != NULL) {
		size_t n = (size_t)(slash - s);

		memcpy(comp, s, n);
		comp[n] = '\0';
		if (mkdirat(dfd, comp, 0700) != 0 && errno != EEXIST)
			goto fail_io;
		next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			/* A file of that name exists: two records collide. */
			if (dfd != root)
				close(dfd);
			return errno == ENOTDIR || errno == ELOOP ? ERR_INVAL : ERR_IO;
		}
		if (dfd != root)
			close(dfd);
		dfd = next;
		s = slash + 1;
	}
	*out = dfd;
	*base = (size_t)(s - name);
	return ERR_OK;
fail_io:
	if (dfd != root)
		close(dfd);
	return ERR_IO;
}

/* record_begin - the header of a record has been read. */
static enum err record_begin(struct sink *k)
{
	const char *name = (const char *)k->field;
	size_t base = 0;
	enum err rc;

	if (k->root < 0)
		return ERR_OK;
	rc = open_dirs(k->root, name, &k->dirfd, &base);
	if (rc != ERR_OK)
		return rc;
	k->fd = openat(k->dirfd, name + base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
	               0600);
	if (k->fd < 0)
		return errno == EEXIST || errno == EISDIR ? ERR_INVAL : ERR_IO;
	k->written = 0;
	k->hinted = 0;
	return ERR_OK;
}

/* record_end - the content of a record is complete. */
static enum err record_end(struct sink *k)
{
	enum err rc = ERR_OK;

	if (k->fd >= 0) {
		if (fsync(k->fd) != 0)
			rc = ERR_IO;
		if (close(k->fd) != 0)
			rc = ERR_IO;
		k->fd = -1;
	}
	if (k->dirfd >= 0) {
		if (rc == ERR_OK && fsync(k->dirfd) != 0)
			rc = ERR_IO;
		if (k->dirfd != k->root)
			close(k->dirfd);
		k->dirfd = -1;
	}
	if (rc != ERR_OK)
		return rc;
	k->seen++;
	k->state = k->seen == k->nentries ? REC_END : REC_NAMELEN;
	k->have = 0;
	k->need = 2;
	return ERR_OK;
}

static void sink_init(struct sink *k, uint32_t nentries, uint64_t total, int root,
                      struct backup_progress *progress)
{
	memset(k, 0, sizeof *k);
	k->nentries = nentries;
	k->total = total;
	k->root = root;
	k->dirfd = -1;
	k->fd = -1;
	k->progress = progress;
	k->state = nentries == 0 ? REC_END : REC_NAMELEN;
	k->need = 2;
}

static void sink_cleanup(struct sink *k)
{
	if (k->fd >= 0)
		close(k->fd);
	if (k->dirfd >= 0 && k->dirfd != k->root)
		close(k->dirfd);
	mem_wipe(k->field, sizeof k->field);
	k->fd = -1;
	k->dirfd = -1;
}

/* sink_feed - parse n bytes of decompressed payload. */
static enum err sink_feed(struct sink *k, const unsigned char *d, size_t n)
{
	enum err rc;

	while (n > 0) {
		size_t take;

		if (k->state == REC_END)
			return ERR_INVAL;
		if (k->state == REC_DATA) {
			take = k->left < n ? (size_t)k->left : n;
			if (k->fd >= 0) {
				rc = file_write_all(k->fd, d, take);
				if (rc != ERR_OK)
					return rc;
				k->written += take;
				if (k->written - k->hinted >= WRITEBACK_EVERY) {
					writeback(k->fd, k->hinted, k->written);
					k->hinted = k->written;
				}
			}
			d += take;
			n -= take;
			k->left -= take;
			k->done += take;
			report(k->progress, k->done, k->total);
			if (k->left == 0) {
				rc = record_end(k);
				if (rc != ERR_OK)
					return rc;
			}
			continue;
		}
		take = k->need - k->have < n ? k->need - k->have : n;
		memcpy(k->field + k->have, d, take);
		k->have += take;
		d += take;
		n -= take;
		if (k->have < k->need)
			continue;
		switch (k->state) {
		case REC_NAMELEN:
			k->need = (size_t)get_le(k->field, 2);
			if (k->need == 0 || k->need > BACKUP_NAME_MAX)
				return ERR_INVAL;
			k->state = REC_NAME;
			k->have = 0;
			break;
		case REC_NAME:
			if (!backup_name_valid((const char *)k->field, k->need))
				return ERR_INVAL;
			k->field[k->need] = '\0';
			rc = record_begin(k);
			if (rc != ERR_OK)
				return rc;
			k->state = REC_SIZE;
			k->have = 0;
			k->need = 8;
			break;
		case REC_SIZE:
			k->left = get_le(k->field, 8);
			/* Sizes must add up to the authenticated total. */
			if (k->left > k->total - k->done)
				return ERR_INVAL;
			k->state = REC_DATA;
			if (k->left == 0) {
				rc = record_end(k);
				if (rc != ERR_OK)
					return rc;
			}
			break;
		default: return ERR_INTERNAL;
		}
	}
	return ERR_OK;
}

/* unzip_chunk - decompress the n plaintext bytes in p->pt into the sink.
 * *frame_done is set once the zstd frame has ended; nothing may follow. */
static enum err unzip_chunk(struct pipeline *p, struct sink *k, size_t n, int *frame_done)
{
	ZSTD_inBuffer in = {p->pt, n, 0};
	int pending = 0;
	enum err rc;

	if (*frame_done)
		return n == 0 ? ERR_OK : ERR_INVAL;
	/* Output may still be pending when the input is used up. */
	while (in.pos < in.size || pending) {
		ZSTD_outBuffer out = {p->io, BACKUP_CHUNK, 0};
		size_t ret = ZSTD_decompressStream(p->dz, &out, &in);

		if (ZSTD_isError(ret))
			return ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation ? ERR_NOMEM
			                                                              : ERR_INVAL;
		rc = sink_feed(k, p->io, out.pos);
		if (rc != ERR_OK)
			return rc;
		if (ret == 0) {
			*frame_done = 1;
			return in.pos == in.size ? ERR_OK : ERR_INVAL;
		}
		pending = out.pos == out.size;
	}
	return ERR_OK;
}

/* read_payload - authenticate, decompress and parse every chunk after the
 * prefix (already in p->pf), then require the end of the file. */
static enum err read_payload(struct pipeline *p, struct sink *k)
{
	int final = 0, frame_done = 0;
	size_t got, ct_len, ad_len;
	const unsigned char *ad;
	enum err rc;

	(void)posix_fadvise(p->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (!final) {
		rc = file_read_full(p->fd, p->ct, 4, &got);
		if (rc != ERR_OK)
			return rc;
		if (got != 4)
			return ERR_CRYPTO; /* ended before the final chunk */
		ct_len = (size_t)get_le(p->ct, 4);
		if (ct_len < VAULT_STREAM_ABYTES || ct_len > CT_MAX)
			return ERR_CRYPTO;
		rc = file_read_full(p->fd, p->ct + 4, ct_len, &got);
		if (rc != ERR_OK)
			return rc;
		if (got != ct_len)
			return ERR_CRYPTO;
		ad = chunk_ad(p, p->ct, &ad_len);
		rc = vault_stream_pull(p->ss, p->pt, BACKUP_CHUNK, p->ct + 4, ct_len, ad, ad_len,
		                       &final);
		if (rc != ERR_OK)
			return rc;
		p->first = 0;
		rc = unzip_chunk(p, k, ct_len - VAULT_STREAM_ABYTES, &frame_done);
		if (rc != ERR_OK)
			return rc;
	}
	mem_wipe(p->pt, BACKUP_CHUNK);
	mem_wipe(p->io, BACKUP_CHUNK);
	if (!frame_done || k->state != REC_END || k->done != k->total)
		return ERR_INVAL;
	/* Nothing may follow the final chunk. */
	rc = file_read_full(p->fd, p->ct, 1, &got);
	if (rc != ERR_OK)
		return rc;
	return got == 0 ? ERR_OK : ERR_CRYPTO;
}

/* open_backup - open in_path, read its prefix, and prepare to decrypt. */
static enum err open_backup(struct pipeline *p, const char *in_path)
{
	enum err rc;

	p->fd = open(in_path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0)
		return ERR_IO;
	rc = prefix_read(p->fd, p->pf);
	if (rc != ERR_OK)
		return rc;
	return ERR_OK;
}

/* start_pull - with the prefix read, check the key and start the stream. */
static enum err start_pull(struct pipeline *p, const struct vault *v)
{
	enum err rc;

	if (p->pf->master_version != vault_version(v))
		return ERR_CRYPTO;
	rc = vault_stream_pull_new(p->key, p->pf->stream_hdr, &p->ss);
	if (rc != ERR_OK)
		return rc;
	p->dz = ZSTD_createDCtx_advanced(zmem);
	if (p->dz == NULL)
		return ERR_NOMEM;
	if (ZSTD_isError(ZSTD_DCtx_setParameter(p->dz, ZSTD_d_windowLogMax, ZWINDOWLOG_MAX)))
		return ERR_INTERNAL;
	return ERR_OK;
}

enum err backup_read_wraps(const char *in_path, struct vault_wrap *out, size_t max, size_t *n)
{
	struct prefix *pf = calloc(1, sizeof *pf);
	enum err rc;
	size_t i;
	int fd = -1;

	if (pf == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	fd = open(in_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = ERR_IO;
		goto out;
	}
	rc = prefix_read(fd, pf);
	if (rc != ERR_OK)
		goto out;
	if (pf->nwraps > max) {
		rc = ERR_TOOBIG;
		goto out;
	}
	for (i = 0; i < pf->nwraps; i++) {
		rc = wrap_decode(&out[i], pf->wraps + i * WRAP_BYTES);
		if (rc != ERR_OK)
			goto out;
	}
	*n = pf->nwraps;
out:
	if (fd >= 0)
		close(fd);
	free(pf);
	return rc;
}

enum err backup_verify(const char *in_path, const struct vault *v, struct backup_progress *progress)
{
	struct sink k;
	struct pipeline p;
	enum err rc;

	sink_init(&k, 0, 0, -1, progress);
	rc = pl_init(&p, v);
	if (rc != ERR_OK)
		goto out;
	rc = open_backup(&p, in_path);
	if (rc != ERR_OK)
		goto out;
	rc = start_pull(&p, v);
	if (rc != ERR_OK)
		goto out;
	sink_init(&k, p.pf->nentries, p.pf->total, -1, progress);
	report(progress, 0, p.pf->total);
	rc = read_payload(&p, &k);
out:
	sink_cleanup(&k);
	pl_cleanup(&p);
	return rc;
}

/* dest_free - ERR_OK when dest does not exist or is an empty directory. */
static enum err dest_free(const char *dest)
{
	struct dirent *de;
	struct stat st;
	enum err rc = ERR_OK;
	DIR *d;

	if (lstat(dest, &st) != 0)
		return errno == ENOENT ? ERR_OK : ERR_IO;
	if (!S_ISDIR(st.st_mode))
		return ERR_CONFLICT;
	d = opendir(dest);
	if (d == NULL)
		return ERR_IO;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			rc = ERR_CONFLICT;
			break;
		}
	}
	closedir(d);
	return rc;
}

enum err backup_restore(const char *in_path, const struct vault *v, const char *dest_dir,
                        struct backup_progress *progress)
{
	char dest[PATH_MAX], tmp[PATH_MAX], parent[PATH_MAX];
	struct sink k;
	struct pipeline p;
	size_t n;
	int root = -1, made = 0;
	enum err rc;

	sink_init(&k, 0, 0, -1, progress);
	rc = pl_init(&p, v);
	if (rc != ERR_OK)
		goto out;
	if (dest_dir == NULL || dest_dir[0] == '\0') {
		rc = ERR_INVAL;
		goto out;
	}
	n = strnlen(dest_dir, sizeof dest);
	if (n >= sizeof dest) {
		rc = ERR_TOOBIG;
		goto out;
	}
	/* "a/b/" and "a/b" name the same directory; the sibling is "a/b.*". */
	memcpy(dest, dest_dir, n + 1);
	while (n > 1 && dest[n - 1] == '/')
		dest[--n] = '\0';
	if (strcmp(dest, "/") == 0) {
		rc = ERR_CONFLICT;
		goto out;
	}
	rc = dest_free(dest);
	if (rc != ERR_OK)
		goto out;
	rc = path_join(tmp, sizeof tmp, dest, ".restore-XXXXXX");
	if (rc != ERR_OK)
		goto out;
	rc = file_parent(dest, parent, sizeof parent);
	if (rc != ERR_OK)
		goto out;
	rc = open_backup(&p, in_path);
	if (rc != ERR_OK)
		goto out;
	rc = start_pull(&p, v);
	if (rc != ERR_OK)
		goto out;

	if (mkdtemp(tmp) == NULL) {
		rc = ERR_IO;
		goto out;
	}
	made = 1;
	root = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0) {
		rc = ERR_IO;
		goto out;
	}
	sink_init(&k, p.pf->nentries, p.pf->total, root, progress);
	report(progress, 0, p.pf->total);
	rc = read_payload(&p, &k);
	if (rc != ERR_OK)
		goto out;
	if (fsync(root) != 0) {
		rc = ERR_IO;
		goto out;
	}
	/* Replaces dest only if it is (still) an empty directory. */
	if (rename(tmp, dest) != 0) {
		rc = errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR || errno == EISDIR
		             ? ERR_CONFLICT
		             : ERR_IO;
		goto out;
	}
	made = 0;
	rc = file_fsync_dir(parent);
out:
	sink_cleanup(&k);
	if (root >= 0)
		close(root);
	if (made)
		remove_tree(AT_FDCWD, tmp);
	pl_cleanup(&p);
	return rc;
}
