/*
 * main.c - the `confidant` command: dispatch to subcommands.
 * Responsible for: process-wide safety before anything else runs (umask
 * 077, no core dumps, libsodium ready) and the top-level help.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "vault/vault.h"

static const char usage[] =
        "usage: confidant COMMAND [options]   (confidant COMMAND --help for more)\n"
        "\n"
        "Confidant: private practice software for therapists.\n"
        "\n"
        "commands:\n"
        "  init            create a practice in a new data directory\n"
        "  serve           serve a practice over HTTPS\n"
        "  reminders run   send the appointment reminders due now\n"
        "  backup          write an encrypted, compressed backup of a practice\n"
        "  backup verify   check that a backup file is whole and unaltered\n"
        "  restore         restore a backup into a new data directory\n"
        "  demo            add synthetic clinicians, clients, appointments, notes\n"
        "  keys rotate     replace the master key without downtime\n"
        "  keys retire     drop older master keys after a rotation\n"
        "  audit verify    check the audit trail's hash chain and checkpoints\n"
        "  audit checkpoint\n"
        "                  sign a checkpoint of the audit trail now\n"
        "  audit export-checkpoints\n"
        "                  write the signed checkpoints to a file, for verify\n"
        "  user            add, list, disable, enable users; reset MFA; set roles\n"
        "  erasure run-due carry out erasures whose retention date has passed\n"
        "  routes          print the HTTP routes and who may call them\n"
        "  export          write a client's record (FHIR R4, HTML or PDF): right of access\n"
        "  version         print the version\n";

struct command {
	const char *w1;                    /* first word */
	const char *w2;                    /* second word, or NULL */
	int (*run)(int argc, char **argv); /* runs with the remaining arguments */
};

static const struct command commands[] = {
        {"init", NULL, cli_init},
        {"user", NULL, cli_user},
        {"routes", NULL, cli_routes},
        {"export", NULL, cli_export},
        {"serve", NULL, cli_serve},
        {"reminders", "run", cli_reminders_run},
        {"backup", "verify", cli_backup_verify},
        {"backup", NULL, cli_backup},
        {"restore", NULL, cli_restore},
        {"demo", NULL, cli_demo},
        {"keys", "rotate", cli_keys_rotate},
        {"keys", "retire", cli_keys_retire},
        {"audit", "verify", cli_audit_verify},
        {"audit", "checkpoint", cli_audit_checkpoint},
        {"audit", "export-checkpoints", cli_audit_export},
        {"erasure", "run-due", cli_erasure_run_due},
};

int main(int argc, char **argv)
{
	size_t i;

	umask(077);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("confidant %s\n", CLI_VERSION);
		return 0;
	}
	if (vault_lib_init() != ERR_OK) {
		fputs("confidant: cannot initialise cryptography (libsodium)\n", stderr);
		return 1;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *c = &commands[i];

		if (strcmp(argv[1], c->w1) != 0)
			continue;
		if (c->w2 == NULL)
			return c->run(argc - 2, argv + 2);
		if (argc > 2 && strcmp(argv[2], c->w2) == 0)
			return c->run(argc - 3, argv + 3);
	}
	if (strcmp(argv[1], "keys") == 0 || strcmp(argv[1], "audit") == 0 ||
	    strcmp(argv[1], "erasure") == 0) {
		fprintf(stderr, "confidant %s: say what to do (see confidant --help)\n", argv[1]);
		return 2;
	}
	fprintf(stderr, "confidant: unknown command '%s' (see confidant --help)\n", argv[1]);
	return 2;
}
