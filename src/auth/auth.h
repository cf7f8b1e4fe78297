/*
 * auth.h - the building blocks of identity: password policy, TOTP, QR
 * codes for enrolment, recovery codes, session tokens, sign-in throttling
 * and the cap on concurrent password hashes.
 *
 * Responsible for: the security-sensitive primitives, each testable alone.
 * Never: stores anything (store/ does), logs a secret, or keeps a secret in
 * memory that is not wiped.
 */
#ifndef CONFIDANT_AUTH_H
#define CONFIDANT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* ---- password policy (NIST SP 800-63B) ---------------------------------- */
#define AUTH_PW_MIN 12  /* characters (UTF-8 code points), not bytes */
#define AUTH_PW_MAX 256 /* characters; 63B asks for at least 64 */

/* auth_password_policy - ERR_OK if pw may be used; else ERR_INVAL and *why
 * is a static, PHI-free sentence for the user ("at least 12 characters",
 * "this password is too common: it appears in lists of breached
 * passwords", "it must not contain your email name"...). No composition
 * rules. Checks: length in code points, valid UTF-8, the shipped blocklist
 * (case-insensitive, also with trailing digits/punctuation stripped), a
 * single repeated character or a straight sequence (abcd.., 1234..,
 * qwerty rows), and the local part of email (may be NULL). */
enum err auth_password_policy(const char *pw, size_t len, const char *email, const char **why);

/* auth_password_needs_rehash - non-zero if hash was made with parameters
 * below AUTH_PW_OPSLIMIT / AUTH_PW_MEMLIMIT (see password.h). */
int auth_password_needs_rehash(const char *hash);

/* ---- TOTP (RFC 6238; liboath) ------------------------------------------- */
#define AUTH_TOTP_SECRET_BYTES 20 /* 160-bit secret, as RFC 4226 recommends */
#define AUTH_TOTP_DIGITS 6
#define AUTH_TOTP_PERIOD 30 /* seconds */
#define AUTH_TOTP_WINDOW 1  /* steps accepted either side of now */

/* auth_totp_secret_new - a random secret. */
void auth_totp_secret_new(unsigned char secret[AUTH_TOTP_SECRET_BYTES]);

/* auth_totp_uri - "otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=
 * ISSUER&algorithm=SHA1&digits=6&period=30" (issuer and account
 * percent-encoded) appended to out. */
enum err auth_totp_uri(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], const char *issuer,
                       const char *account, struct buf *out);

/* auth_totp_check - is code (6 digits) valid at time now within the window?
 * A step at or before last_step is refused (replay): ERR_AUTH. On success
 * *step is the matched time step, to be stored as the new last_step. */
enum err auth_totp_check(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], const char *code,
                         int64_t now, int64_t last_step, int64_t *step);

/* auth_totp_code - the code for time now (tests and the CLI use it). */
enum err auth_totp_code(const unsigned char secret[AUTH_TOTP_SECRET_BYTES], int64_t now,
                        char out[AUTH_TOTP_DIGITS + 1]);

/* auth_qr_svg - an SVG image (a <svg> element with a viewBox, one <path>,
 * black modules on white, 4-module quiet zone, no scripts, no external
 * references) of text as a QR code (libqrencode, error level M) appended
 * to out. ERR_TOOBIG if text does not fit a QR code. */
enum err auth_qr_svg(const char *text, struct buf *out);

/* ---- recovery codes ------------------------------------------------------ */
#define AUTH_RECOVERY_COUNT 10
#define AUTH_RECOVERY_LEN 14 /* "xxxx-xxxx-xxxx": 12 symbols from 31, ~59 bits */

/* auth_recovery_new - fresh codes, NUL-terminated. */
void auth_recovery_new(char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1]);

/* auth_recovery_normalise - lower-case, drop spaces and dashes into out
 * (13 bytes); ERR_INVAL if it cannot be a recovery code. */
enum err auth_recovery_normalise(const char *in, char out[13]);

/* ---- tokens (sessions, CSRF) --------------------------------------------- */
#define AUTH_TOKEN_BYTES 32 /* 256 bits */
#define AUTH_TOKEN_CHARS 43 /* base64url without padding */
#define AUTH_HASH_BYTES 32

/* auth_token_new - a random token as base64url text. */
void auth_token_new(char out[AUTH_TOKEN_CHARS + 1]);

/* auth_token_hash - BLAKE2b-256 of a token (or a normalised recovery code):
 * what the database stores instead of the token. */
void auth_token_hash(const char *token, size_t len, unsigned char out[AUTH_HASH_BYTES]);

/* auth_token_valid - non-zero if s looks like a token (43 base64url chars),
 * checked before any lookup. */
int auth_token_valid(const char *s);

/* ---- throttling ----------------------------------------------------------- */

/* auth_throttle_delay - seconds a key (an account or a source address)
 * must wait after `failures` consecutive failed sign-ins: 0 for the first
 * 3, then 1, 2, 4, ... doubling, capped at 900 (15 minutes). */
int64_t auth_throttle_delay(unsigned failures);

/* ---- password-hash concurrency cap ---------------------------------------- */

/* auth_hash_cap_init - allow at most n Argon2id computations at once
 * (default: number of CPUs). Call once at start-up. */
void auth_hash_cap_init(unsigned n);

/* auth_hash_slot_take - wait up to wait_ms for a slot; ERR_BUSY if none
 * frees up, so a flood of sign-ins is refused rather than queued forever. */
enum err auth_hash_slot_take(unsigned wait_ms);
void auth_hash_slot_give(void);

#endif
