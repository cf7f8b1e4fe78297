/*
 * totp.c - time-based one-time passwords (RFC 6238, SHA-1, 6 digits, 30 s)
 * on top of liboath's HOTP, and the otpauth:// URI an authenticator app
 * enrols from.
 *
 * Responsible for: computing codes, checking one within the window and
 * refusing replays, encoding the secret for enrolment.
 * Never: implements HMAC or SHA-1 itself (liboath does), stores last_step
 * (the caller does), or leaves a code or the encoded secret in memory it
 * has not wiped.
 */
#include "auth/auth.h"

#include <oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t oath_once = PTHREAD_ONCE_INIT; /* runs oath_start once */
static int oath_ready;                               /* non-zero once oath_init worked */

static void oath_start(void)
{
	oath_ready = oath_init() == OATH_OK;
}

/* oath_ensure - liboath's one-time set-up, safe from any thread. */
static enum err oath_ensure(void)
{
	pthread_once(&oath_once, oath_start);
	return oath_ready ? ERR_OK : ERR_CRYPTO;
}

/* hotp - the code for one time step into out (written only on success). */
static enum err hotp(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], int64_t step,
                     char out[AUTH_TOTP_DIGITS + 1])
{
	char code[AUTH_TOTP_DIGITS + 1];
	enum err rc;

	rc = oath_ensure();
	if (rc != ERR_OK)
		goto out;
	if (oath_hotp_generate((const char *)secret, AUTH_TOTP_SECRET_BYTES, (uint64_t)step,
	                       AUTH_TOTP_DIGITS, false, OATH_HOTP_DYNAMIC_TRUNCATION,
	                       code) != OATH_OK) {
		rc = ERR_CRYPTO;
		goto out;
	}
	memcpy(out, code, sizeof code);
out:
	sodium_memzero(code, sizeof code);
	return rc;
}

void auth_totp_secret_new(unsigned char secret[AUTH_TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, AUTH_TOTP_SECRET_BYTES);
}

enum err auth_totp_code(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], int64_t now,
                        char out[AUTH_TOTP_DIGITS + 1])
{
	if (secret == NULL || out == NULL || now < 0)
		return ERR_INVAL;
	return hotp(secret, now / AUTH_TOTP_PERIOD, out);
}

static int six_digits(const char *code)
{
	size_t i;

	for (i = 0; i < AUTH_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[AUTH_TOTP_DIGITS] == '\0';
}

enum err auth_totp_check(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], const char *code,
                         int64_t now, int64_t last_step, int64_t *step)
{
	char want[AUTH_TOTP_DIGITS + 1];
	int64_t cur, s, found = -1;
	enum err rc;

	if (secret == NULL || step == NULL || now < 0) {
		rc = ERR_INVAL;
		goto out;
	}
	if (code == NULL || !six_digits(code)) {
		rc = ERR_AUTH;
		goto out;
	}
	cur = now / AUTH_TOTP_PERIOD;
	/* Every step in the window is computed and compared in constant time,
	 * so the time taken does not say which one matched. If two match (a
	 * one-in-a-million collision), the later one wins: a higher last_step
	 * only narrows what can be replayed. */
	for (s = cur - AUTH_TOTP_WINDOW; s <= cur + AUTH_TOTP_WINDOW; s++) {
		if (s < 0)
			continue;
		rc = hotp(secret, s, want);
		if (rc != ERR_OK)
			goto out;
		if (sodium_memcmp(want, code, AUTH_TOTP_DIGITS) == 0 && s > last_step)
			found = s;
	}
	if (found < 0) {
		rc = ERR_AUTH;
		goto out;
	}
	*step = found;
	rc = ERR_OK;
out:
	sodium_memzero(want, sizeof want);
	return rc;
}

/* put_pct - append s percent-encoded (everything but RFC 3986 unreserved
 * characters), keeping the first error in *rc. */
static void put_pct(struct buf *b, const char *s, enum err *rc)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *rc == ERR_OK && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			*rc = buf_append(b, s, 1);
		else
			*rc = buf_append(b, esc, sizeof esc);
	}
}

static void put(struct buf *b, const char *s, enum err *rc)
{
	if (*rc == ERR_OK)
		*rc = buf_puts(b, s);
}

enum err auth_totp_uri(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], const char *issuer,
                       const char *account, struct buf *out)
{
	struct buf uri;
	char *b32 = NULL;
	size_t b32len = 0;
	enum err rc;

	/* The URI carries the secret: build it in wiping memory, then append it
	 * to out in one step so out never holds half of it. */
	buf_init(&uri, out != NULL ? out->max : 0, 1);
	if (secret == NULL || issuer == NULL || account == NULL || out == NULL ||
	    issuer[0] == '\0' || account[0] == '\0') {
		rc = ERR_INVAL;
		goto out;
	}
	rc = oath_ensure();
	if (rc != ERR_OK)
		goto out;
	if (oath_base32_encode((const char *)secret, AUTH_TOTP_SECRET_BYTES, &b32, &b32len) !=
	    OATH_OK) {
		rc = ERR_NOMEM;
		goto out;
	}
	/* 160 bits are exactly 32 base32 characters; drop padding if any. */
	while (b32len > 0 && b32[b32len - 1] == '=')
		b32[--b32len] = '\0';
	put(&uri, "otpauth://totp/", &rc);
	put_pct(&uri, issuer, &rc);
	put(&uri, ":", &rc);
	put_pct(&uri, account, &rc);
	put(&uri, "?secret=", &rc);
	put(&uri, b32, &rc);
	put(&uri, "&issuer=", &rc);
	put_pct(&uri, issuer, &rc);
	if (rc == ERR_OK)
		rc = buf_printf(&uri, "&algorithm=SHA1&digits=%d&period=%d", AUTH_TOTP_DIGITS,
		                AUTH_TOTP_PERIOD);
	if (rc != ERR_OK)
		goto out;
	rc = buf_append(out, uri.data, uri.len);
out:
	if (b32 != NULL) {
		sodium_memzero(b32, b32len);
		free(b32);
	}
	buf_cleanup(&uri);
	return rc;
}
