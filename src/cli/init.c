/*
 * init.c - `confidant init`: create a practice in a new data directory.
 * Everything is made in DIR.tmp-XXXX and renamed into place at the end, so
 * a failed init leaves nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "cli/cli.h"
#include "core/file.h"
#include "core/mem.h"
#include "domain/domain.h"
#include "http/http.h"

static const char usage[] =
        "usage: confidant init --data DIR [options]\n"
        "\n"
        "Create a new practice in DIR (which must not exist or be empty): the\n"
        "encrypted database, the master key, a TLS certificate and the first\n"
        "owner account, whose one-time password is printed once.\n"
        "\n"
        "The master key is protected by a passphrase (CONFIDANT_PASSPHRASE, or\n"
        "asked on the terminal twice) and/or a key file (--keyfile; created,\n"
        "mode 0600, if it does not exist). Keep both safe: without one of them\n"
        "the practice's data cannot be read by anyone.\n"
        "\n"
        "options:\n"
        "  --data DIR            the practice's data directory (required)\n"
        "  --keyfile FILE        also wrap the master key under this key file\n"
        "  --no-passphrase       with --keyfile: do not use a passphrase at all\n"
        "  --cert FILE --key FILE  use this TLS certificate and key (PEM) instead\n"
        "                        of a self-signed one for localhost\n"
        "  --owner-email EMAIL   sign-in name of the owner (default owner@localhost)\n"
        "  --owner-name NAME     display name of the owner (default Practice owner)\n"
        "  --practice-name NAME  the practice's name (default My practice)\n";

static enum err copy_file(const char *from, const char *to)
{
	char buf[8192];
	int in, out;
	ssize_t n;
	enum err e = ERR_OK;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return ERR_IO;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return ERR_IO;
	}
	while ((n = read(in, buf, sizeof buf)) > 0 && e == ERR_OK)
		e = file_write_all(out, buf, (size_t)n);
	if (n < 0 || fsync(out) != 0)
		e = ERR_IO;
	mem_wipe(buf, sizeof buf);
	close(in);
	if (close(out) != 0)
		e = ERR_IO;
	return e;
}

/* dir_is_empty_or_missing - may a practice be created at dir? rename()
 * replaces an empty directory, so an empty one is as good as none. */
static int dir_is_empty_or_missing(const char *dir)
{
	struct dirent *d;
	DIR *dp;
	int empty = 1;

	dp = opendir(dir);
	if (dp == NULL)
		return errno == ENOENT;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			empty = 0;
	closedir(dp);
	return empty;
}

/* build - create the practice in tmp. Prints the owner's password. */
static enum err build(const char *tmp, const struct cli_opt *o, const struct cli_secret *pass,
                      const struct cli_secret *kf, char otp[AUTH_OTP_LEN + 1])
{
	char path[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
	char hash[AUTH_HASH_MAX];
	struct vault *v = NULL;
	struct vault_wrap w;
	struct store *s = NULL;
	struct user u;
	struct domain_ctx ctx;
	struct audit_entry a;
	const char *name;
	enum err e;

	if (cli_path(path, sizeof path, tmp, "tls") != ERR_OK || mkdir(path, 0700) != 0 ||
	    cli_path(path, sizeof path, tmp, "tmp") != ERR_OK || mkdir(path, 0700) != 0)
		return ERR_IO;
	if (cli_path(cert, sizeof cert, tmp, "tls/cert.pem") != ERR_OK ||
	    cli_path(key, sizeof key, tmp, "tls/key.pem") != ERR_OK)
		return ERR_TOOBIG;
	if (cli_get(o, "cert") != NULL) {
		e = copy_file(cli_get(o, "cert"), cert);
		if (e == ERR_OK)
			e = copy_file(cli_get(o, "key"), key);
		if (e != ERR_OK) {
			cli_fail("init", "cannot copy --cert/--key into the data directory");
			return e;
		}
	} else {
		e = tls_selfsigned_create(cert, key);
		if (e != ERR_OK) {
			cli_fail("init", "cannot create a TLS certificate (%s)", err_name(e));
			return e;
		}
	}
	e = cli_path(path, sizeof path, tmp, STORE_DB_NAME);
	if (e == ERR_OK)
		e = store_open(path, STORE_CREATE | STORE_MIGRATE, &s);
	if (e != ERR_OK) {
		cli_fail("init", "cannot create the database (%s)", err_name(e));
		return e;
	}
	e = vault_new(1, &v);
	if (e != ERR_OK)
		goto out;
	e = store_begin(s);
	if (e != ERR_OK)
		goto out;
	if (pass->pass != NULL) {
		e = vault_wrap_passphrase(v, pass->pass, pass->pass_len, &w);
		if (e == ERR_OK)
			e = store_keyring_add(s, &w);
	}
	if (e == ERR_OK && kf->key != NULL) {
		e = vault_wrap_keyfile(v, kf->key, &w);
		if (e == ERR_OK)
			e = store_keyring_add(s, &w);
	}
	if (e == ERR_OK)
		e = vault_root_wrap(v, &w);
	if (e == ERR_OK)
		e = store_keyring_add(s, &w);
	if (e == ERR_OK)
		e = store_meta_set(s, "master_version", "1");
	name = cli_get(o, "practice-name");
	if (e == ERR_OK)
		e = store_meta_set(s, "practice_name", name ? name : "My practice");
	memset(&u, 0, sizeof u);
	u.email = (char *)(uintptr_t)(cli_get(o, "owner-email") ? cli_get(o, "owner-email")
	                                                        : "owner@localhost");
	u.display_name = (char *)(uintptr_t)(cli_get(o, "owner-name") ? cli_get(o, "owner-name")
	                                                              : "Practice owner");
	u.role = (char *)(uintptr_t) "owner";
	auth_otp_new(otp);
	if (e == ERR_OK)
		e = auth_password_hash(otp, strlen(otp), hash);
	if (e == ERR_OK)
		e = store_user_create(s, &u, hash, 1, domain_now());
	memset(&ctx, 0, sizeof ctx);
	memset(&a, 0, sizeof a);
	a.event = AUDIT_PRACTICE_INIT;
	a.actor = "system";
	a.outcome = ERR_OK;
	a.request_id = "";
	a.detail = "";
	a.at = domain_now();
	if (e == ERR_OK)
		e = audit_emit(s, v, &a);
	if (e == ERR_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	if (e != ERR_OK)
		cli_fail("init", "cannot write the practice (%s)", err_name(e));
out:
	mem_wipe(hash, sizeof hash);
	store_close(s);
	vault_free(v);
	return e;
}

int cli_init(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0},       {"keyfile", 1, 0},       {"no-passphrase", 0, 0},
	        {"cert", 1, 0},       {"key", 1, 0},           {"owner-email", 1, 0},
	        {"owner-name", 1, 0}, {"practice-name", 1, 0}, {0, 0, 0},
	};
	struct cli_secret pass, kf;
	char tmp[PATH_MAX], otp[AUTH_OTP_LEN + 1];
	const char *dir, *keyfile;
	enum err e;
	int rc = 1;

	memset(&pass, 0, sizeof pass);
	memset(&kf, 0, sizeof kf);
	rc = cli_start(argc, argv, o, usage);
	if (rc >= 0)
		return rc;
	dir = cli_get(o, "data");
	keyfile = cli_get(o, "keyfile");
	if (dir == NULL)
		return cli_fail("init", "--data DIR is required (see --help)");
	if ((cli_get(o, "cert") == NULL) != (cli_get(o, "key") == NULL))
		return cli_fail("init", "--cert and --key go together");
	if (cli_get(o, "no-passphrase") && keyfile == NULL)
		return cli_fail("init", "--no-passphrase needs --keyfile");
	if (!dir_is_empty_or_missing(dir))
		return cli_fail("init",
		                "%s already holds a practice or other files; "
		                "choose a new directory",
		                dir);
	umask(077);
	if (keyfile != NULL) {
		unsigned char key[VAULT_KEYBYTES];

		if (access(keyfile, F_OK) != 0) {
			e = vault_keyfile_create(keyfile, key);
			mem_wipe(key, sizeof key);
			if (e != ERR_OK)
				return cli_fail("init", "cannot create key file %s", keyfile);
			printf("Created key file %s (mode 0600). Keep a copy somewhere safe.\n",
			       keyfile);
		}
		if (cli_secret_get("init", keyfile, 0, &kf) != ERR_OK)
			return 1;
	}
	if (!cli_get(o, "no-passphrase")) {
		if (keyfile != NULL && getenv("CONFIDANT_PASSPHRASE") == NULL &&
		    !isatty(STDIN_FILENO)) {
			/* Unattended with a key file: key file only. */
		} else {
			if (cli_secret_get("init", NULL, 1, &pass) != ERR_OK)
				goto out;
			if (pass.pass_len < CLI_PASS_MIN) {
				cli_fail("init", "the passphrase must be at least %d characters",
				         CLI_PASS_MIN);
				goto out;
			}
		}
	}
	if (snprintf(tmp, sizeof tmp, "%s.init-XXXXXX", dir) >= (int)sizeof tmp ||
	    mkdtemp(tmp) == NULL) {
		cli_fail("init", "cannot create a directory next to %s: %s", dir, strerror(errno));
		goto out;
	}
	e = build(tmp, o, &pass, &kf, otp);
	if (e == ERR_OK && rename(tmp, dir) != 0) {
		cli_fail("init", "cannot move the practice into %s: %s", dir, strerror(errno));
		e = ERR_IO;
	}
	if (e != ERR_OK) {
		cli_remove_tree(tmp);
		goto out;
	}
	printf("Created the practice in %s\n", dir);
	printf("Owner account: %s\n",
	       cli_get(o, "owner-email") ? cli_get(o, "owner-email") : "owner@localhost");
	printf("One-time password (shown once; change it at first sign-in): %s\n", otp);
	printf("Start it with: confidant serve --data %s%s%s\n", dir, keyfile ? " --keyfile " : "",
	       keyfile ? keyfile : "");
	rc = 0;
out:
	mem_wipe(otp, sizeof otp);
	cli_secret_free(&pass);
	cli_secret_free(&kf);
	return rc;
}
