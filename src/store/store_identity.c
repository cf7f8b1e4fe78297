/*
 * store_identity.c - users, sessions, care teams and sign-in throttling.
 * Never stores a password, a session token or a TOTP secret in the clear:
 * hashes for the first two, sealed (secrets subkey) for the third.
 */
#include <string.h>

#include "store/internal.h"

enum identity_stmt { QI_USER_BY_EMAIL, QI__COUNT };

static const char *const sql[QI__COUNT] = {
        [QI_USER_BY_EMAIL] = "SELECT id, public_id, email, display_name, role, disabled "
                             "FROM users WHERE email = ?1",
};

const struct stmt_group store_group_identity = {sql, QI__COUNT};
