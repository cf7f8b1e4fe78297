/*
 * keys.c - `confidant keys rotate|retire` (audit commands: cli/audit.c).
 *
 * Rotation makes a new master key, re-wraps every client data key under it
 * (data itself is not re-encrypted) and wraps the new key under the same
 * secrets given now, all in one transaction. Running servers follow a
 * successor link (new key wrapped by the old), so readers see no downtime.
 * `keys retire` then removes old wraps and links, once every server has
 * picked up the new key (any request to a server makes it adopt it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "domain/domain.h"

static const char rotate_usage[] =
        "usage: confidant keys rotate --data DIR [--keyfile FILE] [--new-keyfile FILE]\n"
        "\n"
        "Replace the practice's master key. Client data keys are re-wrapped, not\n"
        "re-encrypted, in one transaction; a running server keeps serving.\n"
        "The new key is wrapped under the passphrase (CONFIDANT_PASSPHRASE or\n"
        "asked) if the practice has one, and under --new-keyfile (or the same\n"
        "--keyfile) if given. Afterwards run `confidant keys retire`.\n";

static const char retire_usage[] =
        "usage: confidant keys retire --data DIR [--keyfile FILE]\n"
        "\n"
        "Delete the wraps of older master keys and the links that let running\n"
        "servers follow a rotation. Run it after every server has served a\n"
        "request since `keys rotate` (or was restarted).\n";

static enum err emit_system(struct store *s, const struct vault *v, enum audit_event ev,
                            const char *detail)
{
	struct audit_entry a = {.event = ev,
	                        .actor = "system",
	                        .outcome = ERR_OK,
	                        .request_id = "",
	                        .detail = detail,
	                        .at = domain_now()};
	return audit_emit(s, v, &a);
}

static int has_kind(const struct vault_wrap *w, size_t n, uint32_t ver, enum vault_wrap_kind kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].kind == kind && w[i].master_version == ver)
			return 1;
	return 0;
}

int cli_keys_rotate(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0},
	        {"keyfile", 1, 0},
	        {"new-keyfile", 1, 0},
	        {0, 0, 0},
	};
	struct vault_wrap w[STORE_KEYRING_MAX], nw[2];
	struct cli_secret pass, kf;
	struct store *s = NULL;
	struct vault *v = NULL, *next = NULL;
	size_t n = 0, nn = 0;
	uint64_t count = 0;
	const char *newkf;
	char detail[64];
	enum err e;
	int rc = 1;

	memset(&pass, 0, sizeof pass);
	memset(&kf, 0, sizeof kf);
	rc = cli_start(argc, argv, o, rotate_usage);
	if (rc >= 0)
		return rc;
	if (cli_practice_open("keys rotate", cli_get(o, "data"), cli_get(o, "keyfile"), &s, &v) !=
	    ERR_OK)
		return 1;
	e = store_keyring_load(s, w, STORE_KEYRING_MAX, &n);
	if (e != ERR_OK)
		goto fail;
	if (has_kind(w, n, vault_version(v), VAULT_WRAP_PASSPHRASE)) {
		if (cli_secret_get("keys rotate", NULL, 0, &pass) != ERR_OK)
			goto out;
		/* The passphrase must be the current one: prove it. */
		{
			struct vault *check = NULL;

			if (cli_unlock_wraps(&pass, w, n, &check) != ERR_OK) {
				cli_fail("keys rotate",
				         "the passphrase does not unlock the practice");
				goto out;
			}
			vault_free(check);
		}
	}
	newkf = cli_get(o, "new-keyfile") ? cli_get(o, "new-keyfile") : cli_get(o, "keyfile");
	if (newkf != NULL && cli_secret_get("keys rotate", newkf, 0, &kf) != ERR_OK)
		goto out;
	if (pass.pass == NULL && kf.key == NULL) {
		cli_fail("keys rotate", "give a passphrase or a key file to protect the new key");
		goto out;
	}
	e = vault_new(vault_version(v) + 1, &next);
	if (e == ERR_OK)
		vault_root_copy(next, v);
	if (e == ERR_OK && pass.pass != NULL)
		e = vault_wrap_passphrase(next, pass.pass, pass.pass_len, &nw[nn++]);
	if (e == ERR_OK && kf.key != NULL)
		e = vault_wrap_keyfile(next, kf.key, &nw[nn++]);
	if (e == ERR_OK)
		e = store_keys_rotate(s, v, next, nw, nn, &count);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "master_version=%u rewrapped=%llu",
		         vault_version(next), (unsigned long long)count);
		if (store_begin(s) == ERR_OK) {
			if (emit_system(s, next, AUDIT_KEYS_ROTATE, detail) != ERR_OK ||
			    store_commit(s) != ERR_OK)
				store_rollback(s);
		}
	}
fail:
	if (e != ERR_OK) {
		cli_fail("keys rotate", "rotation failed (%s); nothing was changed", err_name(e));
		goto out;
	}
	printf("Master key rotated to version %u; %llu client keys re-wrapped.\n"
	       "Run `confidant keys retire --data %s` once every server has served a request.\n",
	       vault_version(next), (unsigned long long)count, cli_get(o, "data"));
	rc = 0;
out:
	cli_secret_free(&pass);
	cli_secret_free(&kf);
	vault_free(next);
	vault_free(v);
	store_close(s);
	return rc;
}

int cli_keys_retire(int argc, char **argv)
{
	struct cli_opt o[] = {{"data", 1, 0}, {"keyfile", 1, 0}, {0, 0, 0}};
	struct store *s = NULL;
	struct vault *v = NULL;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, retire_usage);
	if (rc >= 0)
		return rc;
	if (cli_practice_open("keys retire", cli_get(o, "data"), cli_get(o, "keyfile"), &s, &v) !=
	    ERR_OK)
		return 1;
	e = store_begin(s);
	if (e == ERR_OK)
		e = store_keyring_delete_before(s, vault_version(v));
	if (e == ERR_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	vault_free(v);
	store_close(s);
	if (e != ERR_OK)
		return cli_fail("keys retire", "failed (%s); nothing was changed", err_name(e));
	printf("Older master keys retired.\n");
	return 0;
}
