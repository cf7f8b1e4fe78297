/*
 * cli.h - shared pieces of the `confidant` command: option parsing, getting
 * the passphrase or key file, opening a practice, and one-line errors.
 *
 * Responsible for: turning a failure into one line that says what is wrong
 * and what to do, and a non-zero exit. Never: prints a secret or PHI, or
 * calls into http/.
 */
#ifndef CONFIDANT_CLI_H
#define CONFIDANT_CLI_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define CLI_VERSION "0.1.0"
#define CLI_PASS_MIN 12   /* shortest passphrase init accepts */
#define CLI_PASS_MAX 1024 /* longest passphrase read */
#define CLI_OPTS_MAX 16

/* One parsed option: --name value, or --flag. */
struct cli_opt {
	const char *name;  /* without the dashes */
	int takes_value;   /* non-zero: expects a value */
	const char *value; /* OUT: the value ("" for a present flag), or NULL */
};

/* cli_parse - fill opts from argv (after the subcommand words). Unknown
 * options, missing values and stray words print an error and return
 * ERR_INVAL. "--help" / "-h" returns ERR_NOTFOUND (caller prints help). */
enum err cli_parse(int argc, char **argv, struct cli_opt *opts);

/* cli_start - cli_parse, printing usage for --help. Returns -1 to go on,
 * else the exit status (0 after help, 2 for a usage error). */
int cli_start(int argc, char **argv, struct cli_opt *opts, const char *usage);

/* cli_get - the value of option name, or NULL. */
const char *cli_get(const struct cli_opt *opts, const char *name);

/* cli_fail - print "confidant CMD: MESSAGE" to stderr; returns 1 (the exit
 * status). */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Secrets that unlock a practice. */
struct cli_secret {
	enum vault_wrap_kind kind; /* VAULT_WRAP_PASSPHRASE or VAULT_WRAP_KEYFILE */
	char *pass;                /* passphrase in locked memory, or NULL */
	size_t pass_len;           /* bytes in pass */
	unsigned char *key;        /* key-file key in locked memory, or NULL */
};

/* cli_secret_get - the key file if keyfile is set, else CONFIDANT_PASSPHRASE,
 * else a prompt on the terminal (twice if confirm). Prints its own error. */
enum err cli_secret_get(const char *cmd, const char *keyfile, int confirm, struct cli_secret *out);
void cli_secret_free(struct cli_secret *s);

/* cli_unlock - try the secret against a set of keyring entries. */
enum err cli_unlock_wraps(const struct cli_secret *sec, const struct vault_wrap *w, size_t n,
                          struct vault **out);

/* cli_practice_open - open DIR's database and unlock it with the secret the
 * options give (--keyfile, env, prompt). Prints its own errors. */
enum err cli_practice_open(const char *cmd, const char *dir, const char *keyfile, struct store **s,
                           struct vault **v);

/* cli_practice_open_readonly - the same, read-only and without migrating:
 * for commands that inspect a practice (audit verify) and must not change
 * what they inspect. */
enum err cli_practice_open_readonly(const char *cmd, const char *dir, const char *keyfile,
                                    struct store **s, struct vault **v);

/* cli_path - dir + "/" + name into out (PATH_MAX); ERR_TOOBIG if too long. */
enum err cli_path(char *out, size_t size, const char *dir, const char *name);

/* cli_progress - a progress callback that draws a bar on stderr when it is a
 * terminal (arg: the label). */
void cli_progress(void *arg, uint64_t done, uint64_t total);

/* cli_remove_tree - delete a directory tree we created (no symlinks
 * followed). Returns 0 on success. */
int cli_remove_tree(const char *dir);

/* Subcommands. */
int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_backup_verify(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_keys_rotate(int argc, char **argv);
int cli_keys_retire(int argc, char **argv);
int cli_audit_verify(int argc, char **argv);
int cli_audit_checkpoint(int argc, char **argv);
int cli_audit_export(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_erasure_run_due(int argc, char **argv);

/* Erasure (cli/erasure.c). */
/* cli_erasure_ledger_setup - point the domain at DIR/erasure-ledger. */
enum err cli_erasure_ledger_setup(const char *dir);
/* cli_erasure_reapply - re-apply the erasure ledger to an open practice
 * (shred again whoever a restore brought back); prints its own error. */
enum err cli_erasure_reapply(const char *cmd, struct store *s, const struct vault *v);
struct app;
struct erasure_timer;
/* cli_erasure_timer_start / _stop - serve's thread that carries out due
 * erasures every second (the domain clock decides what is due). */
enum err cli_erasure_timer_start(struct app *app, struct erasure_timer **out);
void cli_erasure_timer_stop(struct erasure_timer *t);
int cli_reminders_run(int argc, char **argv);

/* The reminder sender (cli/reminders.c): the transport over src/notify/,
 * and the background sender of `confidant serve` (a pass every `every`
 * seconds; cli_sender_stop ends it and waits). */
struct app;
struct cli_sender;
const struct reminder_transport *cli_reminder_transport(void);
enum err cli_sender_start(struct app *app, unsigned every, struct cli_sender **out);
void cli_sender_stop(struct cli_sender *c);

#endif
