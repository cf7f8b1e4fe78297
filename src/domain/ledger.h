/*
 * ledger.h - the erasure ledger file, DIR/erasure-ledger: one line per
 * erased client (ids and key ids only), kept outside the backups so that a
 * restored older backup can be shredded again (docs/data-directory.md).
 *
 * Responsible for: appending entries durably under an exclusive lock, and
 * reading them back only if every line's MAC verifies. Each line's MAC is
 * keyed BLAKE2b over the previous line's MAC and the line, under a key
 * derived from the practice-secrets subkey (which follows the root key, so
 * key rotation keeps it and a restored backup of this practice opens it):
 * a changed, removed, reordered or inserted line is detected; whole lines
 * cut from the end are not (the database copy of the ledger catches those
 * it knows). Never: holds PHI; trusts a line before its MAC verifies.
 */
#ifndef CONFIDANT_DOMAIN_LEDGER_H
#define CONFIDANT_DOMAIN_LEDGER_H

#include "core/err.h"
#include "store/erasure.h"
#include "vault/vault.h"

#define LEDGER_FILE_NAME "erasure-ledger"     /* in the data directory */
#define LEDGER_FILE_MAX (16u * 1024u * 1024u) /* bytes a ledger may grow to */

/* ledger_append - append le to the ledger at path (created 0600 with its
 * header if missing), after verifying what is there; synced before it
 * returns. ERR_CRYPTO if the existing file fails to verify (nothing
 * written); ERR_IO. */
enum err ledger_append(const struct vault *v, const char *path, const struct ledger_entry *le);

/* ledger_create - create an empty ledger (its header) at path if there is
 * none, so it exists to be copied off the machine from the first start. */
enum err ledger_create(const char *path);

/* ledger_read - call fn for each entry of the ledger at path, in order,
 * after the whole file verified. ERR_NOTFOUND if there is no file;
 * ERR_CRYPTO if it was altered or belongs to another practice; ERR_IO. */
enum err ledger_read(const struct vault *v, const char *path,
                     enum err (*fn)(void *arg, const struct ledger_entry *le), void *arg);

#endif
