/*
 * backup.h - encrypted, compressed backup files of a practice.
 *
 * Responsible for: writing a set of files (a snapshot of the database, the
 * TLS certificate and key) into one backup file, checking a backup, and
 * restoring one into a fresh directory. The payload is zstd-compressed and
 * encrypted with the backup subkey of the master key as one authenticated
 * stream; the header (keyring wraps, master version, time, sizes) is bound
 * to the first message, so any changed, added or removed byte is detected.
 * Byte layout and reasoning: docs/internals/backup.md.
 * Never: calls libsodium (vault/ does the cryptography), leaves a partial
 * backup or a partial restore behind, writes outside the restore directory,
 * or trusts a name or size read from a file before it is authenticated.
 */
#ifndef CONFIDANT_BACKUP_H
#define CONFIDANT_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "vault/vault.h"

/* The file starts with these 16 bytes (no terminator). */
#define BACKUP_MAGIC "CONFIDANT-BACKUP"
#define BACKUP_MAGIC_LEN 16
/* The format this code writes; readers refuse others with ERR_INVAL. */
#define BACKUP_FORMAT_VERSION 1
/* Plaintext bytes per encrypted chunk. */
#define BACKUP_CHUNK 65536
/* Longest entry name, in bytes. */
#define BACKUP_NAME_MAX 255
/* Most keyring wraps a header may carry. */
#define BACKUP_WRAPS_MAX 64
/* Most entries one backup may hold. */
#define BACKUP_ENTRIES_MAX 100000

/* One file to put in a backup. */
struct backup_entry {
	const char *name; /* name inside the backup, e.g. "tls/key.pem"; see backup_name_valid */
	const char *path; /* the file to read now; NULL when read is set */
	/* Instead of a file: size bytes of content, read in order through
	 * read(arg, buf, n, off), which must return the same bytes however
	 * often it is called (e.g. a pinned database image). */
	enum err (*read)(void *arg, void *buf, size_t n, uint64_t off);
	void *arg;     /* passed back to read */
	uint64_t size; /* content bytes when read is set */
};

/* Optional progress report, called as file content is processed. */
struct backup_progress {
	void (*fn)(void *arg, uint64_t done, uint64_t total); /* done/total content bytes */
	void *arg;                                            /* passed back to fn */
};

/* backup_name_valid - non-zero when name (len bytes) may name a backup entry:
 * 1..BACKUP_NAME_MAX bytes of [A-Za-z0-9._/-], relative, no empty, "." or
 * ".." component, no trailing '/'. Used when writing and, above all, before
 * anything read from a backup becomes a path. */
int backup_name_valid(const char *name, size_t len);

/* backup_write - write a backup of entries to out_path. wraps are the
 * keyring entries (normally all of them) copied into the header, so the
 * backup can be unlocked with a passphrase or key file on a new machine; v
 * must be the master key they wrap (its version is recorded). The caller
 * must hand in files that do not change while they are read (a database
 * snapshot, not the live file): a file whose size or identity changes fails
 * with ERR_CONFLICT. The file is written to out_path + ".tmp" (mode 0600; a
 * stale one is replaced), synced and renamed into place; on any error
 * nothing is left at either name. progress may be NULL.
 * Errors: ERR_INVAL (bad or duplicate name, too many wraps or entries, no
 * path), ERR_CONFLICT (out_path exists, or an input changed), ERR_IO (an
 * input cannot be read or the output written), ERR_NOMEM. */
enum err backup_write(const struct vault *v, const struct vault_wrap *wraps, size_t nwraps,
                      const struct backup_entry *entries, size_t nentries, const char *out_path,
                      struct backup_progress *progress);

/* backup_read_wraps - copy the keyring wraps from a backup's header into out
 * (room for max) and their count into *n, so the caller can unlock the
 * master key before verifying or restoring.
 * WARNING: the wraps are not authenticated yet; that happens in
 * backup_verify/backup_restore with the key they unlock.
 * Errors: ERR_INVAL (not a backup file, or an unknown format version),
 * ERR_CRYPTO (a damaged header), ERR_TOOBIG (more than max wraps), ERR_IO. */
enum err backup_read_wraps(const char *in_path, struct vault_wrap *out, size_t max, size_t *n);

/* backup_verify - read and authenticate the whole backup with v (the master
 * key it was written with), decompress it and check every record, writing
 * nothing. progress may be NULL.
 * Errors: ERR_INVAL (not a backup file, an unknown format version, or
 * authenticated content that breaks the format, e.g. an invalid entry name;
 * only a holder of the key can write that), ERR_CRYPTO (any changed byte,
 * truncation, trailing data, or the wrong key), ERR_IO, ERR_NOMEM. */
enum err backup_verify(const char *in_path, const struct vault *v,
                       struct backup_progress *progress);

/* backup_restore - restore the backup into dest_dir, which must not exist or
 * be an empty directory (else ERR_CONFLICT, and nothing is changed). Files
 * are written into a sibling temporary directory (mode 0700) and it is
 * renamed to dest_dir only once everything has been authenticated, so a
 * failed restore leaves nothing behind. Directories are created 0700 and
 * files 0600. progress may be NULL.
 * Errors: as backup_verify, plus ERR_CONFLICT (dest_dir is in use) and
 * ERR_INVAL (two records that cannot both be placed, e.g. the same name).
 * WARNING: entry names are checked with backup_name_valid and every path
 * is opened relative to the new directory without following symlinks;
 * keep it that way. */
enum err backup_restore(const char *in_path, const struct vault *v, const char *dest_dir,
                        struct backup_progress *progress);

#endif
