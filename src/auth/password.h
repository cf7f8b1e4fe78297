/*
 * password.h - password hashing (Argon2id) and one-time passwords.
 *
 * Responsible for: hashing with parameters no weaker than OWASP's
 * (m=19 MiB, t=2), stored in the hash string so they can rise later.
 * Never: logs or stores a password; keeps one in memory after the call.
 */
#ifndef CONFIDANT_AUTH_PASSWORD_H
#define CONFIDANT_AUTH_PASSWORD_H

#include <stddef.h>

#include "core/err.h"

#define AUTH_HASH_MAX 128                    /* bytes of an encoded hash, with NUL */
#define AUTH_OTP_LEN 20                      /* characters of a one-time password */
#define AUTH_PW_OPSLIMIT 2                   /* Argon2id passes */
#define AUTH_PW_MEMLIMIT (19u * 1024 * 1024) /* Argon2id memory */

/* auth_password_hash - encode an Argon2id hash of pw into out. */
enum err auth_password_hash(const char *pw, size_t len, char out[AUTH_HASH_MAX]);

/* auth_password_check - ERR_OK if pw matches hash, ERR_AUTH if not. */
enum err auth_password_check(const char *hash, const char *pw, size_t len);

/* auth_otp_new - a random one-time password of AUTH_OTP_LEN characters from
 * an alphabet without look-alikes, NUL-terminated in out. */
void auth_otp_new(char out[AUTH_OTP_LEN + 1]);

#endif
