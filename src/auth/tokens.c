/*
 * tokens.c - random tokens (sessions, CSRF) and recovery codes, and the
 * hash the database keeps instead of either.
 *
 * Responsible for: making them from libsodium's generator, recognising
 * their shape before any lookup, normalising what a person types.
 * Never: stores a token or logs one; the raw random bytes and any copy of
 * a typed code are wiped before returning.
 */
#include "auth/auth.h"

#include <sodium.h>
#include <string.h>

/* Recovery code symbols: 31 of them, no 0/o or 1/l, easy to read aloud. */
static const char recovery_alphabet[] = "abcdefghijkmnpqrstuvwxyz2345678";
#define RECOVERY_SYMBOLS 12   /* symbols in a code, without the dashes */
#define RECOVERY_TYPED_MAX 64 /* longest input worth looking at */

_Static_assert(sodium_base64_ENCODED_LEN(AUTH_TOKEN_BYTES,
                                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
                       AUTH_TOKEN_CHARS + 1,
               "AUTH_TOKEN_CHARS must match base64url of AUTH_TOKEN_BYTES");
_Static_assert(AUTH_RECOVERY_LEN == RECOVERY_SYMBOLS + 2, "xxxx-xxxx-xxxx");
_Static_assert(sizeof recovery_alphabet - 1 == 31, "31 symbols");

void auth_token_new(char out[AUTH_TOKEN_CHARS + 1])
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, AUTH_TOKEN_CHARS + 1, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void auth_token_hash(const char *token, size_t len, unsigned char out[AUTH_HASH_BYTES])
{
	crypto_generichash(out, AUTH_HASH_BYTES, (const unsigned char *)token, len, NULL, 0);
}

int auth_token_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < AUTH_TOKEN_CHARS; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return s[AUTH_TOKEN_CHARS] == '\0';
}

void auth_recovery_new(char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1])
{
	unsigned i, j;

	for (i = 0; i < AUTH_RECOVERY_COUNT; i++) {
		for (j = 0; j < AUTH_RECOVERY_LEN; j++) {
			if (j == 4 || j == 9) {
				codes[i][j] = '-';
				continue;
			}
			codes[i][j] = recovery_alphabet[randombytes_uniform(
			        (uint32_t)(sizeof recovery_alphabet - 1))];
		}
		codes[i][AUTH_RECOVERY_LEN] = '\0';
	}
}

enum err auth_recovery_normalise(const char *in, char out[13])
{
	char code[RECOVERY_SYMBOLS + 1];
	size_t i, n = 0;
	enum err rc = ERR_INVAL;

	if (in == NULL)
		goto out;
	for (i = 0; in[i] != '\0'; i++) {
		char c = in[i];

		if (i >= RECOVERY_TYPED_MAX)
			goto out;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (n == RECOVERY_SYMBOLS || strchr(recovery_alphabet, c) == NULL)
			goto out;
		code[n++] = c;
	}
	if (n != RECOVERY_SYMBOLS)
		goto out;
	code[n] = '\0';
	memcpy(out, code, sizeof code);
	rc = ERR_OK;
out:
	sodium_memzero(code, sizeof code);
	return rc;
}
