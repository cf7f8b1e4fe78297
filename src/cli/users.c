/*
 * users.c - `confidant user add|list|disable|enable|reset-mfa|set-role`:
 * the same domain functions as the API, acting as "system", audited the
 * same way. Works while the server runs (SQLite WAL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "domain/identity.h"

static const char usage[] =
        "usage: confidant user COMMAND --data DIR [--keyfile FILE] [options]\n"
        "\n"
        "commands:\n"
        "  add --email EMAIL --name NAME --role ROLE [--client CLIENT_ID]\n"
        "                     create a user; prints a one-time password once;\n"
        "                     a portal account (role client) names its client\n"
        "  list               list users (id, role, state, email)\n"
        "  disable --email EMAIL    refuse sign-in and end their sessions\n"
        "  enable --email EMAIL     undo disable\n"
        "  reset-mfa --email EMAIL  remove two-step sign-in (they enrol again)\n"
        "  set-role --email EMAIL --role ROLE\n"
        "\n"
        "ROLE is owner, clinician, supervisor, biller, scheduler, auditor or client.\n"
        "Users are never deleted; ids are never reused.\n";

/* open_ctx - open the practice and a system context. */
static int open_ctx(const char *cmd, const struct cli_opt *o, struct store **s, struct vault **v,
                    struct domain_ctx *ctx)
{
	if (cli_practice_open(cmd, cli_get(o, "data"), cli_get(o, "keyfile"), s, v) != ERR_OK)
		return 1;
	domain_ctx_system(ctx, *s, *v);
	return 0;
}

static int done(const char *cmd, struct domain_ctx *ctx, enum err e, struct store *s,
                struct vault *v)
{
	int rc = 0;

	if (e != ERR_OK)
		rc = cli_fail(cmd, "%s",
		              ctx->message        ? ctx->message
		              : e == ERR_NOTFOUND ? "no such user"
		                                  : err_name(e));
	vault_free(v);
	store_close(s);
	return rc;
}

/* public_of - a user's public id from --email. */
static enum err public_of(struct domain_ctx *ctx, const char *email, char out[33])
{
	struct user_auth u;
	enum err e;

	if (email == NULL) {
		ctx->message = "--email is required";
		return ERR_INVAL;
	}
	e = store_user_auth_by_email(ctx->store, email, &u);
	if (e == ERR_OK)
		memcpy(out, u.public_id, 33);
	mem_wipe(&u, sizeof u);
	return e;
}

int cli_user(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0}, {"keyfile", 1, 0}, {"email", 1, 0}, {"name", 1, 0},
	        {"role", 1, 0}, {"client", 1, 0},  {0, 0, 0},
	};
	struct domain_ctx ctx;
	struct store *s = NULL;
	struct vault *v = NULL;
	const char *sub;
	char pid[33], otp[AUTH_OTP_LEN + 1];
	enum err e;
	int rc;

	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		fputs(usage, argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	sub = argv[0];
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "disable") &&
	    strcmp(sub, "enable") && strcmp(sub, "reset-mfa") && strcmp(sub, "set-role"))
		return cli_fail("user", "unknown command '%s' (see confidant user --help)", sub);
	rc = cli_start(argc - 1, argv + 1, o, usage);
	if (rc >= 0)
		return rc;
	if (open_ctx("user", o, &s, &v, &ctx) != 0)
		return 1;
	if (strcmp(sub, "add") == 0) {
		struct user_auth u;

		if (!cli_get(o, "email") || !cli_get(o, "name") || !cli_get(o, "role")) {
			ctx.message = "--email, --name and --role are required";
			return done("user add", &ctx, ERR_INVAL, s, v);
		}
		e = domain_user_create(&ctx, cli_get(o, "email"), cli_get(o, "name"),
		                       cli_get(o, "role"), cli_get(o, "client"), &u, otp);
		if (e == ERR_OK)
			printf("Created %s (%s, id %s).\nOne-time password (shown once; change it "
			       "at "
			       "first sign-in): %s\n",
			       u.email, u.role, u.public_id, otp);
		mem_wipe(otp, sizeof otp);
		return done("user add", &ctx, e, s, v);
	}
	if (strcmp(sub, "list") == 0) {
		struct user_auth *us = calloc(200, sizeof *us);
		int64_t after = 0;
		size_t n = 0, i;

		e = us ? ERR_OK : ERR_NOMEM;
		while (e == ERR_OK) {
			e = domain_user_list(&ctx, after, us, 200, &n);
			for (i = 0; e == ERR_OK && i < n; i++)
				printf("%s  %-10s  %-8s  %s  %s\n", us[i].public_id, us[i].role,
				       us[i].disabled ? "disabled" : "active",
				       us[i].mfa_enrolled ? "mfa" : "no-mfa", us[i].email);
			if (e != ERR_OK || n < 200)
				break;
			after = us[n - 1].id;
		}
		free(us);
		return done("user list", &ctx, e, s, v);
	}
	e = public_of(&ctx, cli_get(o, "email"), pid);
	if (e == ERR_OK) {
		if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
			e = domain_user_disable(&ctx, pid, strcmp(sub, "disable") == 0);
		else if (strcmp(sub, "reset-mfa") == 0)
			e = domain_user_reset_mfa(&ctx, pid);
		else if (cli_get(o, "role") == NULL) {
			ctx.message = "--role is required";
			e = ERR_INVAL;
		} else
			e = domain_user_set_role(&ctx, pid, cli_get(o, "role"));
	}
	if (e == ERR_OK)
		printf("Done.\n");
	return done("user", &ctx, e, s, v);
}
