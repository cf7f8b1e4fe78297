/*
 * turn.c - TURN REST-API credentials (see turn.h): the MAC is GnuTLS's
 * gnutls_hmac_fast (libsodium has no HMAC-SHA1, which coturn requires),
 * randomness and base64 are libsodium's.
 *
 * Never: writes a cryptographic primitive; keeps the MAC or the secret past
 * the call (both wiped).
 */
#include "auth/turn.h"

#include <gnutls/crypto.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SHA1_BYTES 20

_Static_assert(sodium_base64_ENCODED_LEN(SHA1_BYTES, sodium_base64_VARIANT_ORIGINAL) <=
                       TURN_CREDENTIAL_MAX,
               "TURN_CREDENTIAL_MAX holds base64 of HMAC-SHA1");

enum err auth_turn_credential(const char *secret, int64_t now, int64_t expires_at,
                              char username[TURN_USERNAME_MAX],
                              char credential[TURN_CREDENTIAL_MAX])
{
	unsigned char rnd[8], mac[SHA1_BYTES];
	char hex[2 * sizeof rnd + 1], user[TURN_USERNAME_MAX];
	enum err e = ERR_OK;
	int n;

	if (secret == NULL || secret[0] == '\0' || expires_at <= now ||
	    expires_at > now + TURN_TTL_MAX)
		return ERR_INVAL;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	n = snprintf(user, sizeof user, "%lld:%s", (long long)expires_at, hex);
	if (n < 0 || (size_t)n >= sizeof user)
		return ERR_INTERNAL;
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA1, secret, strlen(secret), user, (size_t)n, mac) != 0) {
		e = ERR_CRYPTO;
		goto out;
	}
	memcpy(username, user, (size_t)n + 1);
	sodium_bin2base64(credential, TURN_CREDENTIAL_MAX, mac, sizeof mac,
	                  sodium_base64_VARIANT_ORIGINAL);
out:
	sodium_memzero(mac, sizeof mac);
	sodium_memzero(rnd, sizeof rnd);
	return e;
}
