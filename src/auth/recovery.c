/*
 * recovery.c - Argon2id stretch and stored hash of recovery codes (see
 * recovery.h). Never: keeps a code or a stretched secret; every
 * intermediate is wiped.
 */
#include "auth/recovery.h"

#include <sodium.h>
#include <string.h>

static const char DOMAIN_HASH[] = "confidant/recovery-hash/v2";

_Static_assert(AUTH_RECOVERY_SALTBYTES == crypto_pwhash_SALTBYTES, "Argon2id salt size");

void auth_recovery_salt_new(unsigned char salt[AUTH_RECOVERY_SALTBYTES])
{
	randombytes_buf(salt, AUTH_RECOVERY_SALTBYTES);
}

enum err auth_recovery_stretch(unsigned char out[AUTH_RECOVERY_SECRETBYTES], const char *norm,
                               const unsigned char salt[AUTH_RECOVERY_SALTBYTES], uint64_t opslimit,
                               uint64_t memlimit)
{
	if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > AUTH_RECOVERY_OPSLIMIT_MAX ||
	    memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > AUTH_RECOVERY_MEMLIMIT_MAX)
		return ERR_INVAL;
	if (crypto_pwhash(out, AUTH_RECOVERY_SECRETBYTES, norm, strlen(norm), salt, opslimit,
	                  (size_t)memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_memzero(out, AUTH_RECOVERY_SECRETBYTES);
		return ERR_NOMEM;
	}
	return ERR_OK;
}

void auth_recovery_hash(unsigned char out[32],
                        const unsigned char secret[AUTH_RECOVERY_SECRETBYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)DOMAIN_HASH, sizeof DOMAIN_HASH);
	crypto_generichash_update(&st, secret, AUTH_RECOVERY_SECRETBYTES);
	crypto_generichash_final(&st, out, 32);
	sodium_memzero(&st, sizeof st);
}
