/*
 * recovery.h - the per-user Argon2id salt and cost of recovery codes in the
 * store (store_recovery.c; auth/recovery.h says why).
 *
 * Responsible for: recovery_salts rows. Never: stores a code or a
 * stretched secret (recovery_codes keeps only their hashes).
 */
#ifndef CONFIDANT_STORE_RECOVERY_H
#define CONFIDANT_STORE_RECOVERY_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define STORE_RECOVERY_SALTBYTES 16 /* as AUTH_RECOVERY_SALTBYTES */

/* store_recovery_salt_put - user's salt and cost (replacing any), inside
 * the caller's transaction, with the codes they belong to. */
enum err store_recovery_salt_put(struct store *s, int64_t user_id,
                                 const unsigned char salt[STORE_RECOVERY_SALTBYTES],
                                 uint64_t opslimit, uint64_t memlimit);

/* store_recovery_salt_get - user's salt and cost; ERR_NOTFOUND if the user
 * has none (codes hashed the old way, or no codes). A malformed row is
 * ERR_CRYPTO. Out-parameters written only on success. */
enum err store_recovery_salt_get(struct store *s, int64_t user_id,
                                 unsigned char salt[STORE_RECOVERY_SALTBYTES], uint64_t *opslimit,
                                 uint64_t *memlimit);

#endif
