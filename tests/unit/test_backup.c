/* test_backup.c - a backup restores byte for byte; any changed, cut or
 * appended byte, or the wrong key, is refused; a failed or refused restore
 * leaves nothing behind; and a backup cannot write outside its directory. */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <zstd.h>

#include "backup/backup.h"
#include "vault/vault.h"

#define BIG_SIZE (5 * 1024 * 1024 + 12345)
static const char PEM[] = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n"
                          "-----END PRIVATE KEY-----\n";
#define PEM_SIZE (sizeof PEM - 1)

/* Fixture: a master key, a key-file wrap of it, two input files and a
 * backup of them. */
struct fix {
	char dir[256];                    /* private scratch directory */
	char db[300];                     /* input "confidant.db" (big) */
	char pem[300];                    /* input "tls/key.pem" (small) */
	char bak[300];                    /* the backup written by setup */
	struct vault *v;                  /* master key, version 3 */
	unsigned char kf[VAULT_KEYBYTES]; /* key-file key */
	struct vault_wrap wrap;           /* v wrapped under kf */
};

/* Progress seen by the callback. */
struct seen {
	uint64_t done;  /* last done */
	uint64_t total; /* last total */
	int calls;      /* number of calls */
	int backwards;  /* non-zero if done ever decreased */
};

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct seen *s = arg;

	if (done < s->done)
		s->backwards = 1;
	s->done = done;
	s->total = total;
	s->calls++;
}

static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

/* read_file - the whole file in a new buffer; *n its size. */
static unsigned char *read_file(const char *path, size_t *n)
{
	struct stat st;
	unsigned char *p;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	p = malloc((size_t)st.st_size + 1);
	assert_non_null(p);
	assert_int_equal(read(fd, p, (size_t)st.st_size), (ssize_t)st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

static void assert_same_file(const char *a, const char *b)
{
	size_t na, nb;
	unsigned char *pa = read_file(a, &na), *pb = read_file(b, &nb);

	assert_int_equal(na, nb);
	assert_memory_equal(pa, pb, na);
	free(pa);
	free(pb);
}

/* entries_in - names in dir other than "." and "..". */
static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	const char *d = unit_tmpdir();
	unsigned char *big;
	char tls[300];
	size_t i;

	if (f == NULL || d == NULL || vault_lib_init() != ERR_OK)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s", d);
	snprintf(f->db, sizeof f->db, "%s/in.db", f->dir);
	snprintf(tls, sizeof tls, "%s/tls", f->dir);
	snprintf(f->pem, sizeof f->pem, "%s/tls/key.pem", f->dir);
	snprintf(f->bak, sizeof f->bak, "%s/practice.backup", f->dir);
	if (mkdir(tls, 0700) != 0)
		return -1;
	/* Random-ish: runs of random bytes between runs of repeated text,
	 * so it both compresses and spans many chunks. */
	big = malloc(BIG_SIZE);
	if (big == NULL)
		return -1;
	for (i = 0; i < BIG_SIZE; i += 4096) {
		size_t n = BIG_SIZE - i < 4096 ? BIG_SIZE - i : 4096;

		if ((i / 4096) % 3 == 0)
			vault_random(big + i, n);
		else
			memset(big + i, 'a' + (int)((i / 4096) % 26), n);
	}
	write_file(f->db, big, BIG_SIZE);
	free(big);
	write_file(f->pem, PEM, PEM_SIZE);

	if (vault_new(3, &f->v) != ERR_OK)
		return -1;
	vault_random(f->kf, sizeof f->kf);
	if (vault_wrap_keyfile(f->v, f->kf, &f->wrap) != ERR_OK)
		return -1;
	{
		struct backup_entry e[] = {
		        {.name = "confidant.db", .path = f->db},
		        {.name = "tls/key.pem", .path = f->pem},
		};

		if (backup_write(f->v, &f->wrap, 1, e, 2, f->bak, NULL) != ERR_OK)
			return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	rm_tree(f->dir);
	vault_free(f->v);
	free(f);
	return 0;
}

static void round_trip(void **state)
{
	struct fix *f = *state;
	struct seen seen = {0, 0, 0, 0};
	struct backup_progress pr = {on_progress, &seen};
	struct vault_wrap w[4];
	struct vault *u = NULL;
	char dest[300], p[400];
	struct stat st;
	size_t n = 0;

	assert_int_equal(stat(f->bak, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Compressed: well under the input size. */
	assert_true(st.st_size < BIG_SIZE);
	snprintf(p, sizeof p, "%s.tmp", f->bak);
	assert_int_not_equal(access(p, F_OK), 0);

	/* The CLI path: read the wraps, unlock, verify, restore. */
	assert_int_equal(backup_read_wraps(f->bak, w, 4, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].kind, VAULT_WRAP_KEYFILE);
	assert_int_equal(w[0].master_version, 3);
	assert_memory_equal(w[0].blob, f->wrap.blob, VAULT_WRAPPEDBYTES);
	assert_int_equal(backup_read_wraps(f->bak, w, 0, &n), ERR_TOOBIG);
	assert_int_equal(vault_unlock(&w[0], f->kf, sizeof f->kf, &u), ERR_OK);

	assert_int_equal(backup_verify(f->bak, u, &pr), ERR_OK);
	assert_int_equal(seen.total, BIG_SIZE + PEM_SIZE);
	assert_int_equal(seen.done, seen.total);
	assert_false(seen.backwards);
	assert_true(seen.calls > 10);

	memset(&seen, 0, sizeof seen);
	snprintf(dest, sizeof dest, "%s/restored", f->dir);
	assert_int_equal(backup_restore(f->bak, u, dest, &pr), ERR_OK);
	assert_int_equal(seen.done, BIG_SIZE + PEM_SIZE);
	snprintf(p, sizeof p, "%s/confidant.db", dest);
	assert_same_file(f->db, p);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(p, sizeof p, "%s/tls/key.pem", dest);
	assert_same_file(f->pem, p);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(p, sizeof p, "%s/tls", dest);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* in.db, tls, practice.backup, restored: no temporary left. */
	assert_int_equal(entries_in(f->dir), 4);
	vault_free(u);
}

/* read_file_at - backup_entry.read over the file named by arg; fails
 * (ERR_IO) at offsets at or past 65536 when the name ends in "!". */
static enum err read_file_at(void *arg, void *buf, size_t n, uint64_t off)
{
	const char *path = arg;
	size_t len = strlen(path);
	char real[300];
	FILE *in;
	size_t got;

	if (len > 0 && path[len - 1] == '!') {
		if (off >= 65536)
			return ERR_IO;
		snprintf(real, sizeof real, "%.*s", (int)(len - 1), path);
		path = real;
	}
	in = fopen(path, "rb");
	if (in == NULL)
		return ERR_IO;
	got = fseek(in, (long)off, SEEK_SET) == 0 ? fread(buf, 1, n, in) : 0;
	fclose(in);
	return got == n ? ERR_OK : ERR_IO;
}

/* An entry whose content comes from a read callback (the CLI's pinned
 * database image) restores byte for byte; a failing reader leaves nothing. */
static void read_entry_round_trip(void **state)
{
	struct fix *f = *state;
	struct seen seen = {0, 0, 0, 0};
	struct backup_progress pr = {on_progress, &seen};
	char out[400], bad[400], dest[400], p[500];
	struct backup_entry e[] = {
	        {.name = "confidant.db", .read = read_file_at, .arg = f->db, .size = BIG_SIZE},
	        {.name = "tls/key.pem", .path = f->pem},
	};

	snprintf(out, sizeof out, "%s/read.backup", f->dir);
	assert_int_equal(backup_write(f->v, &f->wrap, 1, e, 2, out, &pr), ERR_OK);
	assert_int_equal(seen.total, BIG_SIZE + PEM_SIZE);
	assert_int_equal(seen.done, seen.total);
	assert_false(seen.backwards);
	snprintf(dest, sizeof dest, "%s/restored-read", f->dir);
	assert_int_equal(backup_restore(out, f->v, dest, NULL), ERR_OK);
	snprintf(p, sizeof p, "%s/confidant.db", dest);
	assert_same_file(f->db, p);

	snprintf(bad, sizeof bad, "%s!", f->db);
	e[0].arg = bad;
	snprintf(out, sizeof out, "%s/bad.backup", f->dir);
	assert_int_equal(backup_write(f->v, &f->wrap, 1, e, 2, out, NULL), ERR_IO);
	assert_int_not_equal(access(out, F_OK), 0);
	snprintf(p, sizeof p, "%s.tmp", out);
	assert_int_not_equal(access(p, F_OK), 0);
}

static void restore_into_empty_dir(void **state)
{
	struct fix *f = *state;
	char dest[300], p[400];

	snprintf(dest, sizeof dest, "%s/empty", f->dir);
	assert_int_equal(mkdir(dest, 0755), 0);
	assert_int_equal(backup_restore(f->bak, f->v, dest, NULL), ERR_OK);
	snprintf(p, sizeof p, "%s/tls/key.pem", dest);
	assert_same_file(f->pem, p);
}

static void empty_backup_and_empty_file(void **state)
{
	struct fix *f = *state;
	char bak[300], dest[300], empty[300], p[400];
	struct backup_entry e[] = {{.name = "a/empty", .path = empty},
	                           {.name = "b", .path = f->pem}};
	struct stat st;

	snprintf(bak, sizeof bak, "%s/empty.backup", f->dir);
	snprintf(dest, sizeof dest, "%s/none", f->dir);
	assert_int_equal(backup_write(f->v, NULL, 0, NULL, 0, bak, NULL), ERR_OK);
	assert_int_equal(backup_verify(bak, f->v, NULL), ERR_OK);
	assert_int_equal(backup_restore(bak, f->v, dest, NULL), ERR_OK);
	assert_int_equal(entries_in(dest), 0);

	snprintf(empty, sizeof empty, "%s/empty", f->dir);
	write_file(empty, "", 0);
	snprintf(bak, sizeof bak, "%s/two.backup", f->dir);
	snprintf(dest, sizeof dest, "%s/two", f->dir);
	assert_int_equal(backup_write(f->v, NULL, 0, e, 2, bak, NULL), ERR_OK);
	assert_int_equal(backup_restore(bak, f->v, dest, NULL), ERR_OK);
	snprintf(p, sizeof p, "%s/a/empty", dest);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 0);
	snprintf(p, sizeof p, "%s/b", dest);
	assert_same_file(f->pem, p);
}

/* with_byte_flipped - flip the byte at off in a copy of the backup and
 * return what verify says. */
static enum err with_byte_flipped(struct fix *f, size_t off)
{
	char copy[320];
	size_t n;
	unsigned char *p = read_file(f->bak, &n);
	enum err e;

	snprintf(copy, sizeof copy, "%s/flipped", f->dir);
	assert_true(off < n);
	p[off] ^= 0x20;
	unlink(copy);
	write_file(copy, p, n);
	free(p);
	e = backup_verify(copy, f->v, NULL);
	unlink(copy);
	return e;
}

static void any_flipped_byte_fails(void **state)
{
	struct fix *f = *state;
	/* Prefix: magic 16, version 4, header length 4, header 28 + 110,
	 * stream header 24; then chunks. */
	const size_t prefix = 16 + 4 + 4 + 28 + 110 + 24;
	const size_t offs[] = {
	        20,          /* header length */
	        24,          /* master version */
	        30,          /* created_at */
	        36,          /* entry count */
	        42,          /* total size */
	        48,          /* wrap count */
	        52,          /* wrap kind */
	        60,          /* wrap opslimit */
	        100,         /* wrap salt */
	        150,         /* wrap blob */
	        prefix - 1,  /* stream header */
	        prefix,      /* first chunk length */
	        prefix + 10, /* first chunk */
	};
	size_t n, i;
	unsigned char *p = read_file(f->bak, &n);

	free(p);
	for (i = 0; i < sizeof offs / sizeof offs[0]; i++)
		assert_int_equal(with_byte_flipped(f, offs[i]), ERR_CRYPTO);
	assert_int_equal(with_byte_flipped(f, n / 2), ERR_CRYPTO);
	assert_int_equal(with_byte_flipped(f, n / 3 + 1), ERR_CRYPTO);
	assert_int_equal(with_byte_flipped(f, n - 20), ERR_CRYPTO);
	assert_int_equal(with_byte_flipped(f, n - 1), ERR_CRYPTO);
	/* Not a backup at all, or a format we do not know. */
	assert_int_equal(with_byte_flipped(f, 0), ERR_INVAL);
	assert_int_equal(with_byte_flipped(f, 16), ERR_INVAL);
	assert_int_equal(backup_verify(f->db, f->v, NULL), ERR_INVAL);
}

static void truncation_and_extension_fail(void **state)
{
	struct fix *f = *state;
	const size_t prefix = 16 + 4 + 4 + 28 + 110 + 24;
	char copy[320];
	size_t n, i, lens[8];
	unsigned char *p = read_file(f->bak, &n);
	struct vault_wrap w[2];
	size_t nw;

	lens[0] = n - 1;
	lens[1] = n - 17;
	lens[2] = n / 2;
	lens[3] = prefix + 4;
	lens[4] = prefix;
	lens[5] = prefix - 1;
	lens[6] = 30;
	lens[7] = 18;
	snprintf(copy, sizeof copy, "%s/cut", f->dir);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		unlink(copy);
		write_file(copy, p, lens[i]);
		assert_int_equal(backup_verify(copy, f->v, NULL), ERR_CRYPTO);
	}
	/* Shorter than the magic: not a backup. */
	unlink(copy);
	write_file(copy, p, 10);
	assert_int_equal(backup_verify(copy, f->v, NULL), ERR_INVAL);
	assert_int_equal(backup_read_wraps(copy, w, 2, &nw), ERR_INVAL);
	/* Anything after the final chunk. */
	unlink(copy);
	p = realloc(p, n + 1);
	assert_non_null(p);
	p[n] = 0;
	write_file(copy, p, n + 1);
	assert_int_equal(backup_verify(copy, f->v, NULL), ERR_CRYPTO);
	unlink(copy);
	free(p);
}

static void wrong_key_fails(void **state)
{
	struct fix *f = *state;
	struct vault *same_version = NULL, *other_version = NULL;
	char dest[300];

	assert_int_equal(vault_new(3, &same_version), ERR_OK);
	assert_int_equal(vault_new(4, &other_version), ERR_OK);
	assert_int_equal(backup_verify(f->bak, same_version, NULL), ERR_CRYPTO);
	assert_int_equal(backup_verify(f->bak, other_version, NULL), ERR_CRYPTO);
	snprintf(dest, sizeof dest, "%s/wrongkey", f->dir);
	assert_int_equal(backup_restore(f->bak, same_version, dest, NULL), ERR_CRYPTO);
	assert_int_not_equal(access(dest, F_OK), 0);
	/* in.db, tls, practice.backup: the failed restore left nothing. */
	assert_int_equal(entries_in(f->dir), 3);
	vault_free(same_version);
	vault_free(other_version);
}

static void failed_restore_leaves_nothing(void **state)
{
	struct fix *f = *state;
	char copy[320], dest[300];
	size_t n;
	unsigned char *p = read_file(f->bak, &n);

	/* Damage near the end, so files are already being written. */
	p[n - 100] ^= 1;
	snprintf(copy, sizeof copy, "%s/damaged", f->dir);
	write_file(copy, p, n);
	free(p);
	snprintf(dest, sizeof dest, "%s/out", f->dir);
	assert_int_equal(backup_restore(copy, f->v, dest, NULL), ERR_CRYPTO);
	assert_int_not_equal(access(dest, F_OK), 0);
	/* in.db, tls, practice.backup, damaged. */
	assert_int_equal(entries_in(f->dir), 4);
}

static void restore_refuses_non_empty(void **state)
{
	struct fix *f = *state;
	char dest[300], p[400];
	size_t n;
	unsigned char *back;

	snprintf(dest, sizeof dest, "%s/busy", f->dir);
	assert_int_equal(mkdir(dest, 0700), 0);
	snprintf(p, sizeof p, "%s/confidant.db", dest);
	write_file(p, "live", 4);
	assert_int_equal(backup_restore(f->bak, f->v, dest, NULL), ERR_CONFLICT);
	assert_int_equal(entries_in(dest), 1);
	back = read_file(p, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(back, "live", 4);
	free(back);
	/* A file in the way is refused too. */
	assert_int_equal(backup_restore(f->bak, f->v, p, NULL), ERR_CONFLICT);
	/* in.db, tls, practice.backup, busy: nothing new. */
	assert_int_equal(entries_in(f->dir), 4);
}

static void write_refuses(void **state)
{
	struct fix *f = *state;
	char out[300], tmp[320], missing[300];
	struct backup_entry dup[] = {{.name = "a", .path = f->pem}, {.name = "a", .path = f->db}};
	struct backup_entry nest[] = {{.name = "tls", .path = f->pem},
	                              {.name = "tls/key.pem", .path = f->db}};
	struct backup_entry dot[] = {{.name = "../escape", .path = f->pem}};
	struct backup_entry gone[] = {{.name = "a", .path = f->pem},
	                              {.name = "b", .path = missing}};
	struct backup_entry dir[] = {{.name = "a", .path = f->dir}};

	snprintf(out, sizeof out, "%s/new.backup", f->dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	snprintf(missing, sizeof missing, "%s/missing", f->dir);
	/* Never overwrites a backup. */
	assert_int_equal(backup_write(f->v, NULL, 0, dot, 0, f->bak, NULL), ERR_CONFLICT);
	assert_int_equal(backup_write(f->v, NULL, 0, dup, 2, out, NULL), ERR_INVAL);
	assert_int_equal(backup_write(f->v, NULL, 0, nest, 2, out, NULL), ERR_INVAL);
	assert_int_equal(backup_write(f->v, NULL, 0, dot, 1, out, NULL), ERR_INVAL);
	assert_int_equal(backup_write(f->v, NULL, 0, gone, 2, out, NULL), ERR_IO);
	assert_int_equal(backup_write(f->v, NULL, 0, dir, 1, out, NULL), ERR_INVAL);
	assert_int_not_equal(access(out, F_OK), 0);
	assert_int_not_equal(access(tmp, F_OK), 0);
	/* A stale temporary file from a crash does not block the next run. */
	write_file(tmp, "stale", 5);
	assert_int_equal(backup_write(f->v, NULL, 0, gone, 1, out, NULL), ERR_OK);
	assert_int_not_equal(access(tmp, F_OK), 0);
	assert_int_equal(backup_verify(out, f->v, NULL), ERR_OK);
}

static void names(void **state)
{
	static const char *const good[] = {
	        "confidant.db", "tls/key.pem", "a", "a/b/c", ".hidden", "a..b", "x-y_z.1",
	};
	static const char *const bad[] = {
	        "",     "/etc/passwd", "..",  "../x", "a/../b",      "a/..", ".", "./a", "a/./b",
	        "a//b", "a/",          "a b", "a\\b", "caf\xc3\xa9", "a:b",  "~", "$x",
	};
	char longname[BACKUP_NAME_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(backup_name_valid(good[i], strlen(good[i])));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(backup_name_valid(bad[i], strlen(bad[i])));
	/* A NUL inside the counted bytes is not a valid character. */
	assert_false(backup_name_valid("a\0b", 3));
	memset(longname, 'a', sizeof longname);
	assert_true(backup_name_valid(longname, BACKUP_NAME_MAX));
	assert_false(backup_name_valid(longname, BACKUP_NAME_MAX + 1));
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* craft_at - a correctly encrypted backup, written by hand from the format
 * in docs/internals/backup.md, holding one record named name, its payload
 * compressed at zstd level. Only a holder of the key can do this; restore
 * must still stay inside its directory. */
static void craft_at(const char *path, const struct vault *v, const char *name, int level)
{
	unsigned char pre[16 + 4 + 4 + 28 + VAULT_STREAM_HEADERBYTES + 4];
	unsigned char rec[300], z[1024], ct[1024 + VAULT_STREAM_ABYTES + 4];
	size_t nl = strlen(name), rl, zl, pl = sizeof pre - 4;
	struct vault_stream *ss = NULL;
	struct vault_key *k = vault_key_new();
	int fd;

	assert_non_null(k);
	assert_int_equal(vault_subkey(v, VAULT_SUB_BACKUP, k), ERR_OK);
	memcpy(pre, "CONFIDANT-BACKUP", 16);
	put_le(pre + 16, 1, 4);
	put_le(pre + 20, 28, 4);
	put_le(pre + 24, vault_version(v), 4);
	put_le(pre + 28, 0, 8);
	put_le(pre + 36, 1, 4);
	put_le(pre + 40, 5, 8);
	put_le(pre + 48, 0, 4);
	assert_int_equal(vault_stream_push_new(k, pre + 52, &ss), ERR_OK);
	put_le(rec, nl, 2);
	memcpy(rec + 2, name, nl);
	put_le(rec + 2 + nl, 5, 8);
	memcpy(rec + 10 + nl, "owned", 5);
	rl = 15 + nl;
	zl = ZSTD_compress(z, sizeof z, rec, rl, level);
	assert_false(ZSTD_isError(zl));
	put_le(ct, zl + VAULT_STREAM_ABYTES, 4);
	memcpy(pre + pl, ct, 4);
	assert_int_equal(vault_stream_push(ss, ct + 4, sizeof ct - 4, z, zl, pre, pl + 4, 1),
	                 ERR_OK);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pre, pl), (ssize_t)pl);
	assert_int_equal(write(fd, ct, zl + VAULT_STREAM_ABYTES + 4),
	                 (ssize_t)(zl + VAULT_STREAM_ABYTES + 4));
	close(fd);
	vault_stream_free(ss);
	vault_key_free(k);
}

static void craft(const char *path, const struct vault *v, const char *name)
{
	craft_at(path, v, name, 3);
}

/* crafted_restores - a hand-made backup at zstd level verifies and
 * restores its one file, leaving nothing behind afterwards. */
static void crafted_restores(struct fix *f, int level)
{
	char bak[300], dest[300], p[400];

	snprintf(bak, sizeof bak, "%s/good.backup", f->dir);
	snprintf(dest, sizeof dest, "%s/good", f->dir);
	craft_at(bak, f->v, "ok/file", level);
	assert_int_equal(backup_verify(bak, f->v, NULL), ERR_OK);
	assert_int_equal(backup_restore(bak, f->v, dest, NULL), ERR_OK);
	snprintf(p, sizeof p, "%s/ok/file", dest);
	assert_int_equal(access(p, F_OK), 0);
	rm_tree(dest);
	unlink(bak);
}

/* Backups written before the level changed (1 until session 4, -1 now) or
 * at any other level read the same: the level is not part of the format. */
static void any_level_restores(void **state)
{
	static const int levels[] = {1, 3, -1, -5, 19};
	size_t i;

	for (i = 0; i < sizeof levels / sizeof levels[0]; i++)
		crafted_restores(*state, levels[i]);
}

static void crafted_names_refused(void **state)
{
	struct fix *f = *state;
	static const char *const evil[] = {
	        "../escaped", "a/../../escaped", "/tmp/escaped", "a//b", "bad name",
	};
	char bak[300], dest[300], p[400];
	size_t i;

	/* The hand-made format is right: a good name restores. */
	crafted_restores(f, 3);

	for (i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		snprintf(bak, sizeof bak, "%s/evil.backup", f->dir);
		snprintf(dest, sizeof dest, "%s/sub/dest", f->dir);
		snprintf(p, sizeof p, "%s/sub", f->dir);
		assert_int_equal(mkdir(p, 0700), 0);
		craft(bak, f->v, evil[i]);
		assert_int_equal(backup_verify(bak, f->v, NULL), ERR_INVAL);
		assert_int_equal(backup_restore(bak, f->v, dest, NULL), ERR_INVAL);
		/* Nothing in sub/ (no dest, no temporary, no escaped file). */
		assert_int_equal(entries_in(p), 0);
		snprintf(p, sizeof p, "%s/escaped", f->dir);
		assert_int_not_equal(access(p, F_OK), 0);
		assert_int_not_equal(access("/tmp/escaped", F_OK), 0);
		snprintf(p, sizeof p, "%s/sub", f->dir);
		rmdir(p);
		unlink(bak);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
	        cmocka_unit_test_setup_teardown(read_entry_round_trip, setup, teardown),
	        cmocka_unit_test_setup_teardown(restore_into_empty_dir, setup, teardown),
	        cmocka_unit_test_setup_teardown(empty_backup_and_empty_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(any_flipped_byte_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(truncation_and_extension_fail, setup, teardown),
	        cmocka_unit_test_setup_teardown(wrong_key_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(failed_restore_leaves_nothing, setup, teardown),
	        cmocka_unit_test_setup_teardown(restore_refuses_non_empty, setup, teardown),
	        cmocka_unit_test_setup_teardown(write_refuses, setup, teardown),
	        cmocka_unit_test(names),
	        cmocka_unit_test_setup_teardown(crafted_names_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(any_level_restores, setup, teardown),
	};
	return cmocka_run_group_tests_name("backup", tests, NULL, NULL);
}
