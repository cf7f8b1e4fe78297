/*
 * password.c - Argon2id through libsodium's crypto_pwhash_str.
 */
#include "auth/password.h"

#include <sodium.h>
#include <string.h>

enum err auth_password_hash(const char *pw, size_t len, char out[AUTH_HASH_MAX])
{
	char h[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str_alg(h, pw, len, AUTH_PW_OPSLIMIT, AUTH_PW_MEMLIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;
	if (strlen(h) >= AUTH_HASH_MAX)
		return ERR_INTERNAL;
	memcpy(out, h, strlen(h) + 1);
	return ERR_OK;
}

enum err auth_password_check(const char *hash, const char *pw, size_t len)
{
	return crypto_pwhash_str_verify(hash, pw, len) == 0 ? ERR_OK : ERR_AUTH;
}

void auth_otp_new(char out[AUTH_OTP_LEN + 1])
{
	/* 31 symbols, no 0/O, 1/l/I: easy to read aloud and type. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz2345678";
	unsigned i;

	for (i = 0; i < AUTH_OTP_LEN; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[AUTH_OTP_LEN] = '\0';
}
