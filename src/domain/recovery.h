/*
 * recovery.h - recovery codes as the store knows them: the hash that finds
 * a code's row, and the secret an author key's recovery wrap is derived
 * from (auth/recovery.h, docs/decisions.md, "Recovery codes").
 *
 * Responsible for: making a user's ten codes with one fresh salt, and
 * turning a typed code into its hash and secret: stretched with Argon2id
 * under the user's salt, or, for codes made before salts existed, the old
 * BLAKE2b hash and the normalised code. Never: stores or logs a code or a
 * secret; callers wipe struct recovery_secret when done.
 */
#ifndef CONFIDANT_DOMAIN_RECOVERY_H
#define CONFIDANT_DOMAIN_RECOVERY_H

#include "auth/auth.h"
#include "auth/recovery.h"
#include "domain/domain.h"

/* One code, derived. */
struct recovery_secret {
	unsigned char hash[32];                          /* what the store keeps */
	unsigned char secret[AUTH_RECOVERY_SECRETBYTES]; /* wrap-key input */
	size_t len;                                      /* bytes of secret used */
};

/* domain_recovery_derive - hash and secret of a code typed by user_id.
 * ERR_INVAL if code cannot be a recovery code (a TOTP code, nothing);
 * ERR_BUSY if no password-hash slot frees up. Runs Argon2id (~20 ms):
 * callers run it rarely (a code in place of TOTP, a lost password). */
enum err domain_recovery_derive(struct domain_ctx *ctx, int64_t user_id, const char *code,
                                struct recovery_secret *out);

/* domain_recovery_codes_new - AUTH_RECOVERY_COUNT fresh codes for user_id
 * into codes (shown once), their hashes and secrets into out; the salt
 * and the hashes replace the user's in the store, inside the caller's
 * transaction. Ten Argon2id runs (~0.2 s): once per enrolment. */
enum err domain_recovery_codes_new(struct domain_ctx *ctx, int64_t user_id,
                                   char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1],
                                   struct recovery_secret out[AUTH_RECOVERY_COUNT]);

#endif
