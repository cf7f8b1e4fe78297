/*
 * ledger.c - the erasure ledger file (see domain/ledger.h). Format, one
 * entry a line after the header "confidant-erasure-ledger 1":
 *   CLIENT_PUBLIC_ID CLIENT_ID ERASED_AT REQUEST_PUBLIC_ID KEY_IDS MAC
 * where KEY_IDS is "version:hash,..." ("-" for none) and MAC is 64 hex
 * digits of BLAKE2b(key, previous MAC || the line up to and including the
 * space before MAC); the header's own MAC starts the chain. Never: writes
 * PHI, or reports an entry from a file that does not verify.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/file.h"
#include "domain/ledger.h"

static const char header[] = "confidant-erasure-ledger 1\n";
static const char key_domain[] = "confidant erasure ledger key v1";

/* ledger_key - the ledger's MAC key into k (locked memory). */
static enum err ledger_key(const struct vault *v, struct vault_key *k)
{
	struct vault_key *secrets = vault_key_new();
	enum err e;

	if (secrets == NULL)
		return ERR_NOMEM;
	e = vault_subkey(v, VAULT_SUB_SECRETS, secrets);
	if (e == ERR_OK) {
		vault_mac(k->k, secrets, key_domain, sizeof key_domain - 1);
		k->version = 0;
		k->owner = 0;
	}
	vault_key_free(secrets);
	return e;
}

/* chain - mac = MAC(k, prev || line[0..n)). */
static void chain(unsigned char mac[32], const struct vault_key *k, const unsigned char prev[32],
                  const char *line, size_t n)
{
	unsigned char *m = malloc(32 + n);

	if (m == NULL) { /* cannot happen for a line; fail verification */
		memset(mac, 0, 32);
		return;
	}
	memcpy(m, prev, 32);
	memcpy(m + 32, line, n);
	vault_mac(mac, k, m, 32 + n);
	free(m);
}

static void tohex(char out[65], const unsigned char mac[32])
{
	static const char d[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = d[mac[i] >> 4];
		out[2 * i + 1] = d[mac[i] & 15];
	}
	out[64] = '\0';
}

static int all_of(const char *s, size_t n, const char *set)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(set, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

/* parse_line - split one entry line (no newline) into le; 0 if malformed. */
static int parse_line(const char *line, size_t n, struct ledger_entry *le, const char **mac_at)
{
	const char *f[6];
	size_t len[6], k = 0, i, start = 0;
	char num[24];

	for (i = 0; i <= n && k < 6; i++) {
		if (i == n || line[i] == ' ') {
			f[k] = line + start;
			len[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	if (k != 6 || start != n + 1)
		return 0;
	if (len[0] != 32 || !all_of(f[0], 32, "0123456789abcdef") || len[3] != 32 ||
	    !all_of(f[3], 32, "0123456789abcdef") || len[1] > 18 ||
	    !all_of(f[1], len[1], "0123456789") || len[2] > 18 ||
	    !all_of(f[2], len[2], "0123456789") || len[4] >= ERASURE_KEY_IDS_MAX ||
	    !all_of(f[4], len[4], "0123456789abcdef:,-") || len[5] != 64 ||
	    !all_of(f[5], 64, "0123456789abcdef"))
		return 0;
	memset(le, 0, sizeof *le);
	memcpy(le->client_public_id, f[0], 32);
	memcpy(num, f[1], len[1]);
	num[len[1]] = '\0';
	le->client_id = strtoll(num, NULL, 10);
	memcpy(num, f[2], len[2]);
	num[len[2]] = '\0';
	le->erased_at = strtoll(num, NULL, 10);
	memcpy(le->request_public_id, f[3], 32);
	if (!(len[4] == 1 && f[4][0] == '-'))
		memcpy(le->key_ids, f[4], len[4]);
	*mac_at = f[5];
	return 1;
}

/* walk - verify the ledger in data (n bytes); fn per entry unless NULL;
 * the last MAC into last. */
static enum err walk(const struct vault_key *k, const char *data, size_t n, unsigned char last[32],
                     enum err (*fn)(void *arg, const struct ledger_entry *le), void *arg)
{
	struct ledger_entry *le;
	unsigned char mac[32], prev[32] = {0};
	char want[65];
	size_t at = sizeof header - 1;
	enum err e = ERR_OK;

	if (n < at || memcmp(data, header, at) != 0)
		return ERR_CRYPTO;
	chain(prev, k, prev, header, at);
	le = malloc(sizeof *le);
	if (le == NULL)
		return ERR_NOMEM;
	while (e == ERR_OK && at < n) {
		const char *nl = memchr(data + at, '\n', n - at), *mac_at = NULL;
		size_t len;

		if (nl == NULL) {
			e = ERR_CRYPTO; /* a torn or cut last line */
			break;
		}
		len = (size_t)(nl - (data + at));
		if (!parse_line(data + at, len, le, &mac_at)) {
			e = ERR_CRYPTO;
			break;
		}
		chain(mac, k, prev, data + at, (size_t)(mac_at - (data + at)));
		tohex(want, mac);
		if (!vault_memeq(want, mac_at, 64)) {
			e = ERR_CRYPTO;
			break;
		}
		memcpy(prev, mac, 32);
		if (fn != NULL)
			e = fn(arg, le);
		at += len + 1;
	}
	free(le);
	if (e == ERR_OK)
		memcpy(last, prev, 32);
	return e;
}

/* slurp - the whole file at fd into b. */
static enum err slurp(int fd, struct buf *b)
{
	char chunk[4096];
	size_t got;
	enum err e;

	do {
		e = file_read_full(fd, chunk, sizeof chunk, &got);
		if (e == ERR_OK && got > 0)
			e = buf_append(b, chunk, got);
	} while (e == ERR_OK && got == sizeof chunk);
	return e;
}

enum err ledger_read(const struct vault *v, const char *path,
                     enum err (*fn)(void *arg, const struct ledger_entry *le), void *arg)
{
	struct vault_key *k = vault_key_new();
	unsigned char last[32];
	struct buf b;
	enum err e;
	int fd = -1;

	if (k == NULL)
		return ERR_NOMEM;
	buf_init(&b, LEDGER_FILE_MAX, 0);
	e = ledger_key(v, k);
	if (e == ERR_OK) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			e = errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
	}
	if (e == ERR_OK && flock(fd, LOCK_SH) != 0)
		e = ERR_IO;
	if (e == ERR_OK)
		e = slurp(fd, &b);
	if (fd >= 0)
		close(fd);
	if (e == ERR_OK)
		e = walk(k, b.data ? b.data : "", b.len, last, fn, arg);
	buf_cleanup(&b);
	vault_key_free(k);
	return e;
}

enum err ledger_create(const char *path)
{
	struct stat sb;
	enum err e = ERR_OK;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

	/* Under the same lock as appends, so a header is written once. */
	if (fd < 0 || flock(fd, LOCK_EX) != 0 || fstat(fd, &sb) != 0)
		e = ERR_IO;
	if (e == ERR_OK && sb.st_size == 0) {
		e = file_write_all(fd, header, sizeof header - 1);
		if (e == ERR_OK && fsync(fd) != 0)
			e = ERR_IO;
		if (e == ERR_OK)
			e = file_fsync_parent(path);
	}
	if (fd >= 0)
		close(fd);
	return e;
}

enum err ledger_append(const struct vault *v, const char *path, const struct ledger_entry *le)
{
	struct vault_key *k = vault_key_new();
	unsigned char last[32], mac[32];
	char line[ERASURE_KEY_IDS_MAX + 256], hx[65];
	struct buf b;
	struct stat sb;
	enum err e;
	int fd = -1, n;

	if (k == NULL)
		return ERR_NOMEM;
	buf_init(&b, LEDGER_FILE_MAX, 0);
	e = ledger_key(v, k);
	if (e == ERR_OK) {
		fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) != 0 || fstat(fd, &sb) != 0)
			e = ERR_IO;
	}
	if (e == ERR_OK && sb.st_size == 0) {
		e = file_write_all(fd, header, sizeof header - 1);
		if (e == ERR_OK)
			e = file_fsync_parent(path);
	}
	if (e == ERR_OK && lseek(fd, 0, SEEK_SET) != 0)
		e = ERR_IO;
	if (e == ERR_OK)
		e = slurp(fd, &b);
	if (e == ERR_OK)
		e = walk(k, b.data ? b.data : "", b.len, last, NULL, NULL);
	if (e == ERR_OK) {
		n = snprintf(line, sizeof line, "%s %lld %lld %s %s ", le->client_public_id,
		             (long long)le->client_id, (long long)le->erased_at,
		             le->request_public_id, le->key_ids[0] ? le->key_ids : "-");
		if (n < 0 || (size_t)n + 66 > sizeof line)
			e = ERR_TOOBIG;
	}
	if (e == ERR_OK) {
		chain(mac, k, last, line, (size_t)n);
		tohex(hx, mac);
		memcpy(line + n, hx, 64);
		line[n + 64] = '\n';
		e = file_write_all(fd, line, (size_t)n + 65);
	}
	if (e == ERR_OK && fsync(fd) != 0)
		e = ERR_IO;
	if (fd >= 0)
		close(fd); /* releases the lock */
	buf_cleanup(&b);
	vault_key_free(k);
	return e;
}
