/*
 * password.c - Argon2id through libsodium's crypto_pwhash_str, and reading
 * the parameters back out of a stored hash to know when to upgrade it.
 *
 * Responsible for: hashing, checking, one-time passwords, rehash decisions.
 * Never: keeps or logs a password, or parses a hash with sscanf (banned).
 */
#include "auth/password.h"

#include <sodium.h>
#include <string.h>

#include "auth/auth.h"

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

/* hash_param - read "key=DIGITS" at *p (at most 10 digits, no sign) and
 * move *p past it. Non-zero on success. */
static int hash_param(const char **p, const char *key, unsigned long *out)
{
	size_t klen = strlen(key), n = 0;
	unsigned long v = 0;
	const char *s = *p;

	if (strncmp(s, key, klen) != 0)
		return 0;
	s += klen;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 10)
			return 0;
		v = v * 10 + (unsigned long)(s[n] - '0');
		n++;
	}
	if (n == 0)
		return 0;
	*p = s + n;
	*out = v;
	return 1;
}

int auth_password_needs_rehash(const char *hash)
{
	static const char prefix[] = "$argon2id$";
	const char *p = hash;
	unsigned long v, m, t, par;

	if (hash == NULL || strncmp(p, prefix, sizeof prefix - 1) != 0)
		return 1;
	p += sizeof prefix - 1;
	if (!hash_param(&p, "v=", &v) || v != 19 || *p != '$')
		return 1;
	p++;
	if (!hash_param(&p, "m=", &m) || *p != ',')
		return 1;
	p++;
	if (!hash_param(&p, "t=", &t) || *p != ',')
		return 1;
	p++;
	if (!hash_param(&p, "p=", &par) || *p != '$' || par == 0)
		return 1;
	/* The string gives memory in KiB; AUTH_PW_MEMLIMIT is in bytes. */
	return m < AUTH_PW_MEMLIMIT / 1024 || t < AUTH_PW_OPSLIMIT;
}
