/*
 * backup.c - `confidant backup`, `backup verify` and `restore`.
 * A backup is taken online: the database file is checkpointed and read in
 * place under one pinned read transaction (store_image_begin), while the
 * server keeps writing to the WAL, and streamed into the encrypted backup
 * file with no copy in between (docs/internals/backup.md). Only when that
 * pin cannot be had is a snapshot (SQLite online backup under one read
 * transaction) staged, streamed and removed. It is staged in memory (a private 0700 directory under
 * /dev/shm, when that is a tmpfs with room for it and the machine has
 * memory to spare) or else in DIR/tmp: a staged copy that is never written
 * to disk costs about a second less per GB here, and leaves no second copy
 * of the database's blocks on the disk (docs/bench.md, session 4).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "audit/audit.h"
#include "backup/backup.h"
#include "cli/cli.h"
#include "domain/domain.h"
#include "domain/ledger.h"

static const char backup_usage[] =
        "usage: confidant backup --data DIR --out FILE [--keyfile FILE]\n"
        "\n"
        "Write an encrypted, authenticated, compressed backup of the practice in\n"
        "DIR to FILE (which must not exist), while the server may keep running.\n"
        "It can be restored with the passphrase or key file current now. The\n"
        "database snapshot is staged in /dev/shm when it has room, else in DIR/tmp.\n";

static const char verify_usage[] =
        "usage: confidant backup verify --in FILE [--keyfile FILE]\n"
        "\n"
        "Check that a backup file is whole and unaltered: every byte is\n"
        "authenticated. Needs the passphrase or key file it was written under.\n";

static const char restore_usage[] =
        "usage: confidant restore --in FILE --data DIR [--keyfile FILE] [--ledger FILE]\n"
        "\n"
        "Restore a backup into DIR, which must not exist or be empty. Nothing is\n"
        "written to DIR unless the whole backup is authentic.\n"
        "\n"
        "  --ledger FILE  the practice's erasure ledger (OLD_DIR/erasure-ledger, or\n"
        "                 its off-site copy): every client erased after the backup\n"
        "                 was taken is erased again before the practice is usable.\n"
        "                 Without it, only erasures the backup itself knows apply.\n";

static const char *backup_message(enum err e)
{
	switch (e) {
	case ERR_INVAL: return "this is not a Confidant backup file (or a newer format)";
	case ERR_CRYPTO: return "the backup file is damaged or was altered";
	case ERR_CONFLICT: return "the target already exists";
	case ERR_IO: return "a file could not be read or written";
	default: return err_name(e);
	}
}

/* The memory-backed directory snapshots may be staged in. */
#define SHM_DIR "/dev/shm"
/* Its private staging directories are SHM_PREFIX PID "-" XXXXXX. */
#define SHM_PREFIX "confidant-backup-"
/* Stage in memory only with this many times the database's size free in
 * SHM_DIR, and in MemAvailable (the server keeps running meanwhile). */
#define SHM_ROOM 2
#define MEM_ROOM 4

/* mem_available - MemAvailable from /proc/meminfo in bytes, 0 if unknown. */
static uint64_t mem_available(void)
{
	char line[256];
	uint64_t kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "MemAvailable:", 13) == 0) {
			kb = strtoull(line + 13, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb > UINT64_MAX / 1024 ? 0 : kb * 1024;
}

/* shm_sweep - remove staging directories (and their snapshot) left in
 * SHM_DIR by backups of this user that died: their process is gone. */
static void shm_sweep(void)
{
	char path[PATH_MAX], snap[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(SHM_DIR);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *p = de->d_name + strlen(SHM_PREFIX);
		char *end;
		long pid;

		if (strncmp(de->d_name, SHM_PREFIX, strlen(SHM_PREFIX)) != 0)
			continue;
		pid = strtol(p, &end, 10);
		if (end == p || *end != '-' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (cli_path(path, sizeof path, SHM_DIR, de->d_name) != ERR_OK ||
		    cli_path(snap, sizeof snap, path, STORE_DB_NAME) != ERR_OK)
			continue;
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
			continue;
		unlink(snap);
		if (cli_path(snap, sizeof snap, path, STORE_DB_NAME "-journal") == ERR_OK)
			unlink(snap);
		rmdir(path);
	}
	closedir(d);
}

/* shm_stage - make a private staging directory in SHM_DIR (into dir,
 * PATH_MAX) when it is a tmpfs with room for a snapshot of db_bytes and the
 * machine has memory to spare; non-zero on success. */
static int shm_stage(uint64_t db_bytes, char *dir)
{
	struct statfs sf;
	uint64_t free_bytes;

	if (statfs(SHM_DIR, &sf) != 0 || sf.f_type != TMPFS_MAGIC || db_bytes > UINT64_MAX / 8)
		return 0;
	free_bytes = (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize;
	if (free_bytes / SHM_ROOM < db_bytes || mem_available() / MEM_ROOM < db_bytes)
		return 0;
	if (snprintf(dir, PATH_MAX, "%s/%s%ld-XXXXXX", SHM_DIR, SHM_PREFIX, (long)getpid()) >=
	    PATH_MAX)
		return 0;
	return mkdtemp(dir) != NULL; /* mode 0700 */
}

/* image_read - backup_entry.read over a pinned database image. */
static enum err image_read(void *arg, void *buf, size_t n, uint64_t off)
{
	return store_image_read(arg, buf, n, off);
}

int cli_backup(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0},
	        {"out", 1, 0},
	        {"keyfile", 1, 0},
	        {0, 0, 0},
	};
	struct vault_wrap w[STORE_KEYRING_MAX];
	struct backup_entry ent[3];
	struct backup_progress prog = {cli_progress, (void *)(uintptr_t) "backup"};
	char snap[PATH_MAX] = "", tmpdir[PATH_MAX], cert[PATH_MAX], key[PATH_MAX], db[PATH_MAX];
	char shm[PATH_MAX] = "", disk_snap[PATH_MAX];
	struct store_image *img = NULL;
	struct stat st;
	struct store *s = NULL;
	struct vault *v = NULL;
	const char *dir, *out;
	size_t n = 0;
	enum err e;
	int rc = 1;

	rc = cli_start(argc, argv, o, backup_usage);
	if (rc >= 0)
		return rc;
	dir = cli_get(o, "data");
	out = cli_get(o, "out");
	if (dir == NULL || out == NULL)
		return cli_fail("backup", "--data DIR and --out FILE are required (see --help)");
	if (access(out, F_OK) == 0)
		return cli_fail("backup", "%s already exists; choose a new file name", out);
	if (cli_practice_open("backup", dir, cli_get(o, "keyfile"), &s, &v) != ERR_OK)
		return 1;
	if (cli_path(tmpdir, sizeof tmpdir, dir, "tmp") != ERR_OK ||
	    cli_path(cert, sizeof cert, dir, "tls/cert.pem") != ERR_OK ||
	    cli_path(key, sizeof key, dir, "tls/key.pem") != ERR_OK ||
	    cli_path(db, sizeof db, dir, STORE_DB_NAME) != ERR_OK ||
	    snprintf(disk_snap, sizeof disk_snap, "%s/snapshot-%ld.db", tmpdir, (long)getpid()) >=
	            (int)sizeof disk_snap) {
		cli_fail("backup", "--data path is too long");
		goto out;
	}
	mkdir(tmpdir, 0700);
	unlink(disk_snap); /* a stale one from a crashed run of this pid */
	shm_sweep();
	e = store_keyring_load(s, w, STORE_KEYRING_MAX, &n);
	if (e == ERR_OK) {
		/* Record the backup in the trail before the snapshot, so the
		 * backup itself shows it was taken. */
		struct audit_entry a = {.event = AUDIT_BACKUP,
		                        .actor = "system",
		                        .outcome = ERR_OK,
		                        .request_id = "",
		                        .detail = "",
		                        .at = domain_now()};
		e = store_begin(s);
		if (e == ERR_OK)
			e = audit_emit(s, v, &a);
		if (e == ERR_OK)
			e = store_commit(s);
		else
			store_rollback(s);
	}
	/* Stream the live file under a pinned read transaction; only if that
	 * cannot be had (writes kept overtaking the checkpoint), stage a copy. */
	if (e == ERR_OK && store_image_begin(s, &img) == ERR_OK) {
		ent[0] = (struct backup_entry){.name = STORE_DB_NAME,
		                               .read = image_read,
		                               .arg = img,
		                               .size = store_image_size(img)};
		goto write;
	}
	if (e == ERR_OK) {
		memcpy(snap, disk_snap, sizeof snap);
		if (stat(db, &st) == 0 && shm_stage((uint64_t)st.st_size, shm) &&
		    cli_path(snap, sizeof snap, shm, STORE_DB_NAME) != ERR_OK) {
			rmdir(shm);
			shm[0] = '\0';
			memcpy(snap, disk_snap, sizeof snap);
		}
		e = store_snapshot(s, snap);
		/* Memory ran short meanwhile (ENOSPC): stage on disk after all. */
		if (e == ERR_IO && shm[0] != '\0') {
			memcpy(snap, disk_snap, sizeof snap);
			e = store_snapshot(s, snap);
		}
	}
	if (e != ERR_OK) {
		cli_fail("backup", "cannot take a snapshot of the database (%s)", err_name(e));
		goto out;
	}
	ent[0] = (struct backup_entry){.name = STORE_DB_NAME, .path = snap};
write:
	ent[1] = (struct backup_entry){.name = "tls/cert.pem", .path = cert};
	ent[2] = (struct backup_entry){.name = "tls/key.pem", .path = key};
	e = backup_write(v, w, n, ent, 3, out, &prog);
	store_image_end(img);
	img = NULL;
	if (snap[0] != '\0')
		unlink(snap);
	if (shm[0] != '\0') {
		rmdir(shm);
		shm[0] = '\0';
	}
	if (e != ERR_OK) {
		cli_fail("backup", "backup failed: %s; no file was written", backup_message(e));
		goto out;
	}
	printf("Backup written to %s\n", out);
	rc = 0;
out:
	if (shm[0] != '\0') {
		char left[PATH_MAX];

		if (cli_path(left, sizeof left, shm, STORE_DB_NAME) == ERR_OK)
			unlink(left);
		if (cli_path(left, sizeof left, shm, STORE_DB_NAME "-journal") == ERR_OK)
			unlink(left);
		rmdir(shm);
	}
	store_image_end(img);
	vault_free(v);
	store_close(s);
	return rc;
}

/* unlock_backup - read the wraps in a backup and unlock its master key. */
static enum err unlock_backup(const char *cmd, const char *in, const char *keyfile,
                              struct vault **v)
{
	struct vault_wrap w[BACKUP_WRAPS_MAX];
	struct cli_secret sec;
	size_t n = 0;
	enum err e;

	e = backup_read_wraps(in, w, BACKUP_WRAPS_MAX, &n);
	if (e != ERR_OK) {
		if (e == ERR_IO)
			cli_fail(cmd, "cannot read %s: %s", in, strerror(errno));
		else
			cli_fail(cmd, "%s: %s", in, backup_message(e));
		return e;
	}
	e = cli_secret_get(cmd, keyfile, 0, &sec);
	if (e != ERR_OK)
		return e;
	e = cli_unlock_wraps(&sec, w, n, v);
	cli_secret_free(&sec);
	if (e != ERR_OK)
		cli_fail(cmd, "the %s does not unlock this backup",
		         keyfile ? "key file" : "passphrase");
	return e;
}

int cli_backup_verify(int argc, char **argv)
{
	struct cli_opt o[] = {{"in", 1, 0}, {"keyfile", 1, 0}, {0, 0, 0}};
	struct backup_progress prog = {cli_progress, (void *)(uintptr_t) "verify"};
	struct vault *v = NULL;
	const char *in;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, verify_usage);
	if (rc >= 0)
		return rc;
	in = cli_get(o, "in");
	if (in == NULL)
		return cli_fail("backup verify", "--in FILE is required (see --help)");
	if (unlock_backup("backup verify", in, cli_get(o, "keyfile"), &v) != ERR_OK)
		return 1;
	e = backup_verify(in, v, &prog);
	vault_free(v);
	if (e != ERR_OK)
		return cli_fail("backup verify", "%s: %s", in, backup_message(e));
	printf("%s: intact\n", in);
	return 0;
}

/* record_restore - note the restore in the restored practice's own trail. */
static enum err record_restore(const char *dir, struct vault *v)
{
	struct audit_entry a = {.event = AUDIT_RESTORE,
	                        .actor = "system",
	                        .outcome = ERR_OK,
	                        .request_id = "",
	                        .detail = "",
	                        .at = domain_now()};
	char path[PATH_MAX];
	struct store *s = NULL;
	enum err e;

	e = cli_path(path, sizeof path, dir, STORE_DB_NAME);
	if (e == ERR_OK)
		e = store_open(path, STORE_MIGRATE, &s);
	if (e == ERR_OK)
		e = store_vault_load_root(s, v);
	if (e == ERR_OK)
		e = store_begin(s);
	if (e == ERR_OK) {
		e = audit_emit(s, v, &a);
		if (e == ERR_OK)
			e = store_commit(s);
		else
			store_rollback(s);
	}
	store_close(s);
	return e;
}

/* Copying a ledger into a restored practice. */
struct ledger_copy {
	const struct vault *v; /* the restored master key */
	const char *to;        /* the new ledger file */
};

static enum err copy_entry(void *arg, const struct ledger_entry *le)
{
	const struct ledger_copy *c = arg;

	return ledger_append(c->v, c->to, le);
}

/* apply_ledger - copy the ledger at from (if given, after it verified)
 * into dir, then shred again every client it (or the backup's own copy)
 * names. Runs before the restored practice is served. */
static enum err apply_ledger(const char *dir, const char *from, struct vault *v)
{
	char path[PATH_MAX], to[PATH_MAX];
	struct ledger_copy c = {v, to};
	struct store *s = NULL;
	enum err e;

	e = cli_path(path, sizeof path, dir, STORE_DB_NAME);
	if (e == ERR_OK)
		e = cli_path(to, sizeof to, dir, LEDGER_FILE_NAME);
	if (e == ERR_OK)
		e = store_open(path, STORE_MIGRATE, &s);
	if (e == ERR_OK)
		e = store_vault_load_root(s, v);
	if (e == ERR_OK && from != NULL) {
		e = ledger_read(v, from, copy_entry, &c);
		if (e == ERR_CRYPTO || e == ERR_NOTFOUND)
			cli_fail("restore", "the erasure ledger %s %s", from,
			         e == ERR_CRYPTO ? "was altered or belongs to another practice"
			                         : "does not exist");
	}
	if (e == ERR_OK)
		e = cli_erasure_ledger_setup(dir);
	if (e == ERR_OK)
		e = cli_erasure_reapply("restore", s, v);
	store_close(s);
	return e;
}

int cli_restore(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"in", 1, 0}, {"data", 1, 0}, {"keyfile", 1, 0}, {"ledger", 1, 0}, {0, 0, 0},
	};
	struct backup_progress prog = {cli_progress, (void *)(uintptr_t) "restore"};
	struct vault *v = NULL;
	const char *in, *dir;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, restore_usage);
	if (rc >= 0)
		return rc;
	in = cli_get(o, "in");
	dir = cli_get(o, "data");
	if (in == NULL || dir == NULL)
		return cli_fail("restore", "--in FILE and --data DIR are required (see --help)");
	umask(077);
	if (unlock_backup("restore", in, cli_get(o, "keyfile"), &v) != ERR_OK)
		return 1;
	e = backup_restore(in, v, dir, &prog);
	if (e == ERR_OK)
		e = record_restore(dir, v);
	if (e == ERR_OK && apply_ledger(dir, cli_get(o, "ledger"), v) != ERR_OK) {
		/* Not usable as it is: an erased client could be in it. */
		vault_free(v);
		cli_remove_tree(dir);
		return cli_fail("restore", "the erasure ledger could not be applied; nothing "
		                           "was restored");
	}
	if (e == ERR_OK && cli_get(o, "ledger") == NULL)
		fprintf(stderr, "confidant restore: no --ledger given: clients erased after this "
		                "backup was taken are not erased again (see --help)\n");
	vault_free(v);
	if (e == ERR_CONFLICT)
		return cli_fail("restore", "%s is not empty; restore into a new directory", dir);
	if (e != ERR_OK)
		return cli_fail("restore", "%s: %s; nothing was restored", in, backup_message(e));
	printf("Restored into %s. Start it with: confidant serve --data %s\n", dir, dir);
	return 0;
}
