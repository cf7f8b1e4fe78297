/*
 * recovery.h - the slow hash of recovery codes (docs/decisions.md,
 * "Recovery codes are stretched with Argon2id").
 *
 * A recovery code has ~59 bits. Hashed with fast BLAKE2b, someone holding
 * the database could try every code offline and, with one, open an
 * author's psychotherapy-note key. So a code is first stretched with
 * Argon2id under a per-user salt (one salt for a user's ten codes, so one
 * computation checks a typed code against all of them); the stored hash
 * and the secret the author key's recovery wrap is derived from both come
 * from that output, never from the code alone.
 *
 * Responsible for: the Argon2id stretch and the hash derived from it.
 * Never: stores anything, or keeps the code or the stretched secret
 * outside the caller's buffers (the caller wipes them).
 */
#ifndef CONFIDANT_AUTH_RECOVERY_H
#define CONFIDANT_AUTH_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define AUTH_RECOVERY_SALTBYTES 16   /* per-user Argon2id salt */
#define AUTH_RECOVERY_SECRETBYTES 32 /* the stretched code */
/* Argon2id cost: OWASP's minimum (m=19 MiB, t=2), ~18 ms. Ten codes are
 * stretched once at enrolment and one per use; with ~59 bits per code
 * this puts an offline search far out of reach (docs/decisions.md). */
#define AUTH_RECOVERY_OPSLIMIT 2ULL
#define AUTH_RECOVERY_MEMLIMIT (19ULL * 1024 * 1024)
/* The most a stored row may ask for (a row is not trusted to be sane). */
#define AUTH_RECOVERY_OPSLIMIT_MAX 16ULL
#define AUTH_RECOVERY_MEMLIMIT_MAX (1024ULL * 1024 * 1024)

/* auth_recovery_salt_new - a fresh random salt. */
void auth_recovery_salt_new(unsigned char salt[AUTH_RECOVERY_SALTBYTES]);

/* auth_recovery_stretch - out = Argon2id(norm, salt) with the given cost.
 * norm is a normalised code (auth_recovery_normalise). ERR_INVAL for a
 * cost outside the bounds above; ERR_NOMEM if Argon2id cannot get its
 * memory (out is then wiped). Slow on purpose: callers hold a
 * password-hash slot (auth_hash_slot_take). */
enum err auth_recovery_stretch(unsigned char out[AUTH_RECOVERY_SECRETBYTES], const char *norm,
                               const unsigned char salt[AUTH_RECOVERY_SALTBYTES], uint64_t opslimit,
                               uint64_t memlimit);

/* auth_recovery_hash - what recovery_codes (and author_key_recovery, to
 * find a wrap) store for a stretched code: BLAKE2b-256 keyed by its own
 * domain string, so it is never the secret a wrap key comes from. */
void auth_recovery_hash(unsigned char out[32],
                        const unsigned char secret[AUTH_RECOVERY_SECRETBYTES]);

#endif
