/*
 * recovery.c - recovery codes stretched with Argon2id under a per-user salt
 * (see recovery.h). Argon2id runs under the password-hash cap. Never:
 * keeps a normalised code past the call.
 */
#include "domain/recovery.h"

#include <string.h>

#include "core/mem.h"
#include "domain/identity.h"
#include "store/recovery.h"

_Static_assert(STORE_RECOVERY_SALTBYTES == AUTH_RECOVERY_SALTBYTES, "salt sizes agree");

/* stretch - one code under the hash cap. */
static enum err stretch(struct recovery_secret *out, const char *norm,
                        const unsigned char salt[AUTH_RECOVERY_SALTBYTES], uint64_t ops,
                        uint64_t mem)
{
	enum err e = auth_hash_slot_take(IDENTITY_HASH_WAIT_MS);

	if (e != ERR_OK)
		return ERR_BUSY;
	e = auth_recovery_stretch(out->secret, norm, salt, ops, mem);
	auth_hash_slot_give();
	if (e == ERR_OK) {
		auth_recovery_hash(out->hash, out->secret);
		out->len = AUTH_RECOVERY_SECRETBYTES;
	}
	return e;
}

enum err domain_recovery_derive(struct domain_ctx *ctx, int64_t user_id, const char *code,
                                struct recovery_secret *out)
{
	unsigned char salt[AUTH_RECOVERY_SALTBYTES];
	struct recovery_secret r;
	uint64_t ops = 0, mem = 0;
	char norm[13];
	enum err e;

	memset(&r, 0, sizeof r);
	if (code == NULL || strlen(code) == AUTH_TOTP_DIGITS ||
	    auth_recovery_normalise(code, norm) != ERR_OK)
		return ERR_INVAL;
	e = store_recovery_salt_get(ctx->store, user_id, salt, &ops, &mem);
	if (e == ERR_NOTFOUND) {
		/* Codes made before 0015: the old fast hash, until re-enrolment. */
		auth_token_hash(norm, strlen(norm), r.hash);
		memcpy(r.secret, norm, strlen(norm));
		r.len = strlen(norm);
		e = ERR_OK;
	} else if (e == ERR_OK) {
		e = stretch(&r, norm, salt, ops, mem);
	}
	mem_wipe(norm, sizeof norm);
	if (e == ERR_OK)
		*out = r;
	mem_wipe(&r, sizeof r);
	return e;
}

enum err domain_recovery_codes_new(struct domain_ctx *ctx, int64_t user_id,
                                   char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1],
                                   struct recovery_secret out[AUTH_RECOVERY_COUNT])
{
	unsigned char salt[AUTH_RECOVERY_SALTBYTES];
	unsigned char hashes[AUTH_RECOVERY_COUNT][32];
	char norm[13];
	size_t i;
	enum err e = ERR_OK;

	auth_recovery_new(codes);
	auth_recovery_salt_new(salt);
	for (i = 0; e == ERR_OK && i < AUTH_RECOVERY_COUNT; i++) {
		e = auth_recovery_normalise(codes[i], norm);
		if (e == ERR_OK)
			e = stretch(&out[i], norm, salt, AUTH_RECOVERY_OPSLIMIT,
			            AUTH_RECOVERY_MEMLIMIT);
		if (e == ERR_OK)
			memcpy(hashes[i], out[i].hash, sizeof hashes[i]);
	}
	mem_wipe(norm, sizeof norm);
	if (e == ERR_OK)
		e = store_recovery_salt_put(ctx->store, user_id, salt, AUTH_RECOVERY_OPSLIMIT,
		                            AUTH_RECOVERY_MEMLIMIT);
	if (e == ERR_OK)
		e = store_recovery_replace(ctx->store, user_id, (const unsigned char(*)[32])hashes,
		                           AUTH_RECOVERY_COUNT);
	if (e != ERR_OK) {
		mem_wipe(out, AUTH_RECOVERY_COUNT * sizeof *out);
		mem_wipe(codes, AUTH_RECOVERY_COUNT * sizeof codes[0]);
	}
	return e;
}
