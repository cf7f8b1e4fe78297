/*
 * turn.h - short-lived TURN credentials for coturn's REST API
 * (use-auth-secret): the relay checks them with the secret it shares with
 * Confidant, so no per-user account ever exists on the relay.
 *
 * Never: returns or logs the shared secret; makes a credential that lives
 * longer than TURN_TTL_MAX.
 */
#ifndef CONFIDANT_AUTH_TURN_H
#define CONFIDANT_AUTH_TURN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TURN_TTL_MAX 3600      /* a credential lives at most an hour */
#define TURN_USERNAME_MAX 64   /* "expiry:random" with its NUL */
#define TURN_CREDENTIAL_MAX 32 /* base64 of a 20-byte HMAC-SHA1 with its NUL */

/* auth_turn_credential - username "<expires_at>:<16 random hex digits>"
 * and credential base64(HMAC-SHA1(secret, username)), as coturn computes
 * it. ERR_INVAL if secret is empty or expires_at is not in (now, now +
 * TURN_TTL_MAX]; ERR_CRYPTO if the MAC fails. Outputs written only on
 * success.
 * WARNING: secret is the relay's shared secret; the caller wipes it. */
enum err auth_turn_credential(const char *secret, int64_t now, int64_t expires_at,
                              char username[TURN_USERNAME_MAX],
                              char credential[TURN_CREDENTIAL_MAX]);

#endif
