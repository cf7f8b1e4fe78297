/*
 * common.c - option parsing, secrets and opening a practice for the CLI.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/mem.h"

enum err cli_parse(int argc, char **argv, struct cli_opt *opts)
{
	int i;
	struct cli_opt *o;

	for (o = opts; o->name; o++)
		o->value = NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *eq;
		size_t n;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return ERR_NOTFOUND;
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "confidant: unexpected argument '%s' (see --help)\n", a);
			return ERR_INVAL;
		}
		a += 2;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		for (o = opts; o->name; o++)
			if (strlen(o->name) == n && memcmp(o->name, a, n) == 0)
				break;
		if (o->name == NULL) {
			fprintf(stderr, "confidant: unknown option '--%.*s' (see --help)\n", (int)n,
			        a);
			return ERR_INVAL;
		}
		if (!o->takes_value) {
			if (eq) {
				fprintf(stderr, "confidant: --%s takes no value\n", o->name);
				return ERR_INVAL;
			}
			o->value = "";
		} else if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			fprintf(stderr, "confidant: --%s needs a value (see --help)\n", o->name);
			return ERR_INVAL;
		}
	}
	return ERR_OK;
}

int cli_start(int argc, char **argv, struct cli_opt *opts, const char *usage)
{
	enum err e = cli_parse(argc, argv, opts);

	if (e == ERR_NOTFOUND) {
		fputs(usage, stdout);
		return 0;
	}
	return e == ERR_OK ? -1 : 2;
}

const char *cli_get(const struct cli_opt *opts, const char *name)
{
	for (; opts->name; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts->value;
	return NULL;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "confidant %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

enum err cli_path(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		return ERR_TOOBIG;
	return ERR_OK;
}

/* read_tty - prompt and read a line without echo into locked memory. */
static enum err read_tty(const char *prompt, char **out, size_t *len)
{
	struct termios old, quiet;
	char *p;
	size_t n = 0;
	int fd, c;
	FILE *tty;
	enum err e = ERR_OK;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return ERR_NOTFOUND;
	tty = fdopen(fd, "r+");
	if (tty == NULL) {
		close(fd);
		return ERR_IO;
	}
	p = vault_secret_alloc(CLI_PASS_MAX + 1);
	if (p == NULL) {
		fclose(tty);
		return ERR_NOMEM;
	}
	fputs(prompt, tty);
	fflush(tty);
	tcgetattr(fd, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSANOW, &quiet);
	while ((c = fgetc(tty)) != EOF && c != '\n') {
		if (n == CLI_PASS_MAX) {
			e = ERR_TOOBIG;
			continue;
		}
		p[n++] = (char)c;
	}
	p[n] = '\0';
	tcsetattr(fd, TCSANOW, &old);
	fputc('\n', tty);
	fclose(tty);
	if (e != ERR_OK) {
		vault_secret_free(p);
		return e;
	}
	*out = p;
	*len = n;
	return ERR_OK;
}

void cli_secret_free(struct cli_secret *s)
{
	if (s->pass)
		vault_secret_free(s->pass);
	if (s->key)
		vault_secret_free(s->key);
	memset(s, 0, sizeof *s);
}

enum err cli_secret_get(const char *cmd, const char *keyfile, int confirm, struct cli_secret *out)
{
	const char *env = getenv("CONFIDANT_PASSPHRASE");
	struct cli_secret s;
	enum err e;

	memset(&s, 0, sizeof s);
	if (keyfile != NULL) {
		s.kind = VAULT_WRAP_KEYFILE;
		s.key = vault_secret_alloc(VAULT_KEYBYTES);
		if (s.key == NULL)
			return ERR_NOMEM;
		e = vault_keyfile_read(keyfile, s.key);
		if (e != ERR_OK) {
			cli_secret_free(&s);
			if (e == ERR_DENIED)
				cli_fail(cmd,
				         "key file %s is readable by others; run: chmod 600 %s",
				         keyfile, keyfile);
			else if (e == ERR_INVAL)
				cli_fail(cmd, "%s is not a Confidant key file (64 hex digits)",
				         keyfile);
			else
				cli_fail(cmd, "cannot read key file %s: %s", keyfile,
				         strerror(errno));
			return e;
		}
		*out = s;
		return ERR_OK;
	}
	s.kind = VAULT_WRAP_PASSPHRASE;
	if (env != NULL) {
		s.pass_len = strlen(env);
		if (s.pass_len > CLI_PASS_MAX) {
			cli_fail(cmd, "CONFIDANT_PASSPHRASE is longer than %d bytes", CLI_PASS_MAX);
			return ERR_TOOBIG;
		}
		s.pass = vault_secret_alloc(s.pass_len + 1);
		if (s.pass == NULL)
			return ERR_NOMEM;
		memcpy(s.pass, env, s.pass_len + 1);
		*out = s;
		return ERR_OK;
	}
	e = read_tty("Practice passphrase: ", &s.pass, &s.pass_len);
	if (e == ERR_NOTFOUND) {
		cli_fail(cmd, "no passphrase: set CONFIDANT_PASSPHRASE, run in a terminal, "
		              "or give --keyfile FILE");
		return ERR_AUTH;
	}
	if (e != ERR_OK) {
		cli_fail(cmd, "cannot read the passphrase (longer than %d bytes?)", CLI_PASS_MAX);
		return e;
	}
	if (confirm) {
		char *again = NULL;
		size_t alen = 0;

		e = read_tty("Repeat passphrase: ", &again, &alen);
		if (e != ERR_OK || alen != s.pass_len || !vault_memeq(again, s.pass, alen)) {
			if (again)
				vault_secret_free(again);
			cli_secret_free(&s);
			cli_fail(cmd, "the passphrases do not match; nothing was changed");
			return ERR_INVAL;
		}
		vault_secret_free(again);
	}
	*out = s;
	return ERR_OK;
}

enum err cli_unlock_wraps(const struct cli_secret *sec, const struct vault_wrap *w, size_t n,
                          struct vault **out)
{
	uint32_t newest = 0;
	size_t i;
	enum err e = ERR_CRYPTO;

	for (i = 0; i < n; i++)
		if ((w[i].kind == VAULT_WRAP_PASSPHRASE || w[i].kind == VAULT_WRAP_KEYFILE) &&
		    w[i].master_version > newest)
			newest = w[i].master_version;
	for (i = 0; i < n; i++) {
		if (w[i].kind != sec->kind || w[i].master_version != newest)
			continue;
		if (sec->kind == VAULT_WRAP_KEYFILE)
			e = vault_unlock(&w[i], sec->key, VAULT_KEYBYTES, out);
		else
			e = vault_unlock(&w[i], sec->pass, sec->pass_len, out);
		if (e == ERR_OK)
			return ERR_OK;
	}
	return ERR_CRYPTO;
}

static enum err practice_open(const char *cmd, const char *dir, const char *keyfile, unsigned flags,
                              struct store **s, struct vault **v);

enum err cli_practice_open(const char *cmd, const char *dir, const char *keyfile, struct store **s,
                           struct vault **v)
{
	return practice_open(cmd, dir, keyfile, STORE_MIGRATE, s, v);
}

enum err cli_practice_open_readonly(const char *cmd, const char *dir, const char *keyfile,
                                    struct store **s, struct vault **v)
{
	return practice_open(cmd, dir, keyfile, STORE_READONLY, s, v);
}

static enum err practice_open(const char *cmd, const char *dir, const char *keyfile, unsigned flags,
                              struct store **s, struct vault **v)
{
	char path[PATH_MAX];
	struct vault_wrap w[STORE_KEYRING_MAX];
	struct cli_secret sec;
	size_t n = 0;
	enum err e;

	if (dir == NULL) {
		cli_fail(cmd, "--data DIR is required");
		return ERR_INVAL;
	}
	e = cli_path(path, sizeof path, dir, STORE_DB_NAME);
	if (e != ERR_OK) {
		cli_fail(cmd, "--data path is too long");
		return e;
	}
	e = store_open(path, flags, s);
	if (e == ERR_DB && (flags & STORE_READONLY)) {
		cli_fail(cmd,
		         "cannot read the practice in %s as it is (an older version? start it "
		         "once with confidant serve to upgrade it)",
		         dir);
		return e;
	}
	if (e == ERR_NOTFOUND) {
		cli_fail(cmd, "no practice in %s; create one with: confidant init --data %s", dir,
		         dir);
		return e;
	}
	if (e == ERR_CONFLICT) {
		cli_fail(cmd,
		         "the practice in %s was written by a newer Confidant; "
		         "upgrade this one",
		         dir);
		return e;
	}
	if (e != ERR_OK) {
		cli_fail(cmd, "cannot open the practice database in %s (%s)", dir, err_name(e));
		return e;
	}
	e = store_keyring_load(*s, w, STORE_KEYRING_MAX, &n);
	if (e != ERR_OK) {
		cli_fail(cmd, "cannot read the keyring in %s (%s)", dir, err_name(e));
		goto fail;
	}
	e = cli_secret_get(cmd, keyfile, 0, &sec);
	if (e != ERR_OK)
		goto fail;
	e = cli_unlock_wraps(&sec, w, n, v);
	cli_secret_free(&sec);
	if (e == ERR_OK) {
		e = store_vault_load_root(*s, *v);
		if (e != ERR_OK) {
			cli_fail(cmd,
			         "the keyring in %s has no root key for this master key "
			         "(damaged database?)",
			         dir);
			vault_free(*v);
			*v = NULL;
			goto fail;
		}
	}
	if (e != ERR_OK) {
		if (keyfile)
			cli_fail(cmd, "the key file %s does not unlock the practice in %s", keyfile,
			         dir);
		else
			cli_fail(cmd,
			         "the passphrase does not unlock the practice in %s; "
			         "check CONFIDANT_PASSPHRASE or use --keyfile",
			         dir);
		goto fail;
	}
	return ERR_OK;
fail:
	store_close(*s);
	*s = NULL;
	return e;
}

void cli_progress(void *arg, uint64_t done, uint64_t total)
{
	static int last = -1;
	int pct;

	if (!isatty(STDERR_FILENO) || total == 0)
		return;
	pct = (int)(done * 100 / total);
	if (pct == last && done != total)
		return;
	last = pct;
	fprintf(stderr, "\r%s %3d%% (%llu of %llu MB)", (const char *)arg, pct,
	        (unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
	if (done >= total) {
		fputc('\n', stderr);
		last = -1;
	}
	fflush(stderr);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int cli_remove_tree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
