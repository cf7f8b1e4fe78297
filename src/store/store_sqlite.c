/*
 * store_sqlite.c - the store over SQLite 3 (system library).
 *
 * Responsible for: every SQL statement Confidant runs (the table below),
 * prepared once per connection at open; pragmas for durability; migrations;
 * sealing and opening PHI columns through vault with associated data bound
 * to (table, column, row, key version).
 * Never: builds SQL from values; returns a value that failed to open; keeps
 * plaintext in a buffer that is not wiped.
 */
#define _GNU_SOURCE
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "migrations.h"
#include "store/internal.h"
#include "store/search.h"

/* Every statement, by name. Order matches the enum. */
enum stmt_id {
	Q_BEGIN,
	Q_BEGIN_IMMEDIATE,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_META_GET,
	Q_META_SET,
	Q_KEYRING_ADD,
	Q_KEYRING_LOAD,
	Q_KEYRING_DELETE_BEFORE,
	Q_USER_CREATE,
	Q_USER_COUNT,
	Q_CLIENT_INSERT,
	Q_CLIENT_SEAL,
	Q_CLIENT_GET,
	Q_CLIENT_UPDATE,
	Q_CLIENT_LIST,
	Q_CLIENT_LIST_TEAM,
	Q_CLIENT_COUNT,
	Q_CLIENT_GET_ID,
	Q_CKEY_INSERT,
	Q_CKEY_GET,
	Q_CKEY_ALL,
	Q_CKEY_UPDATE,
	Q_SEARCH_INSERT,
	Q_SEARCH_DELETE,
	Q_SEARCH_FIND,
	Q_SEARCH_HAS,
	Q_APPT_INSERT,
	Q_BG_INSERT,
	Q_BG_SEAL,
	Q_BG_LIST,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	Q__COUNT
};

#define CLIENT_COLS                                                                                \
	"c.id, c.public_id, c.status, c.key_version, "                                             \
	"c.legal_name_sealed, c.preferred_name_sealed, c.pronouns_sealed, "                        \
	"c.date_of_birth_sealed, c.email_sealed, c.phone_sealed, "                                 \
	"c.address_sealed, c.created_at, c.updated_at, c.version, "                                \
	"c.emergency_name_sealed, c.emergency_relationship_sealed, c.emergency_phone_sealed, "     \
	"c.may_email_sealed, c.may_text_sealed, c.may_voicemail_sealed, c.alt_address_sealed, "    \
	"c.alt_phone_sealed, c.alt_email_sealed, c.intake_date_sealed, "                           \
	"c.referral_source_sealed, "                                                               \
	"c.jurisdiction_sealed, "                                                                  \
	"coalesce((SELECT u.public_id FROM users u WHERE u.id = c.primary_clinician), '')"
/* Index of the first sealed column in CLIENT_COLS; the sealed columns
 * follow client_fields[] order: the first CLIENT_SEALED_FIRST of them from
 * CLIENT_COL_SEALED0, the rest (0006_chart) from CLIENT_COL_CHART0. */
#define CLIENT_COL_SEALED0 4
#define CLIENT_COL_CREATED 11
#define CLIENT_SEALED_FIRST 7
#define CLIENT_COL_CHART0 14
#define CLIENT_COL_PRIMARY 26

static const char *const sql[Q__COUNT] = {
        [Q_BEGIN] = "BEGIN",
        [Q_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
        [Q_COMMIT] = "COMMIT",
        [Q_ROLLBACK] = "ROLLBACK",
        [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
        [Q_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [Q_KEYRING_ADD] = "INSERT INTO keyring(kind, master_version, opslimit, "
                          "memlimit, salt, blob, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                          "unixepoch())",
        [Q_KEYRING_LOAD] = "SELECT kind, master_version, opslimit, memlimit, salt, "
                           "blob FROM keyring ORDER BY master_version DESC, id",
        [Q_KEYRING_DELETE_BEFORE] = "DELETE FROM keyring WHERE master_version < ?1 "
                                    "OR (kind = 3 AND master_version <= ?1)",
        [Q_USER_CREATE] = "INSERT INTO users(public_id, email, display_name, role, "
                          "pass_hash, must_change_password, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        [Q_USER_COUNT] = "SELECT count(*) FROM users",
        [Q_CLIENT_INSERT] = "INSERT INTO clients(public_id, status, key_version, "
                            "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        [Q_CLIENT_SEAL] = "UPDATE clients SET legal_name_sealed = ?2, "
                          "preferred_name_sealed = ?3, pronouns_sealed = ?4, "
                          "date_of_birth_sealed = ?5, email_sealed = ?6, phone_sealed = ?7, "
                          "address_sealed = ?8, emergency_name_sealed = ?9, "
                          "emergency_relationship_sealed = ?10, emergency_phone_sealed = ?11, "
                          "may_email_sealed = ?12, may_text_sealed = ?13, "
                          "may_voicemail_sealed = ?14, alt_address_sealed = ?15, "
                          "alt_phone_sealed = ?16, alt_email_sealed = ?17, "
                          "intake_date_sealed = ?18, referral_source_sealed = ?19, "
                          "jurisdiction_sealed = ?20 WHERE id = ?1",
        [Q_CLIENT_GET] = "SELECT " CLIENT_COLS " FROM clients c WHERE c.public_id = ?1",
        [Q_CLIENT_UPDATE] = "UPDATE clients SET status = ?2, updated_at = ?3, "
                            "version = version + 1, primary_clinician = "
                            "(SELECT id FROM users WHERE public_id = ?5) "
                            "WHERE id = ?1 AND version = ?4",
        [Q_CLIENT_LIST_TEAM] = "SELECT " CLIENT_COLS " FROM clients c WHERE c.id > ?1 AND c.id IN "
                               "(SELECT client_id FROM care_team WHERE user_id = ?3 OR user_id IN "
                               "(SELECT supervisee_id FROM supervision WHERE supervisor_id = ?3)) "
                               "ORDER BY c.id LIMIT ?2",
        [Q_CLIENT_LIST] = "SELECT " CLIENT_COLS " FROM clients c WHERE c.id > ?1 "
                          "ORDER BY c.id LIMIT ?2",
        [Q_CLIENT_COUNT] = "SELECT count(*) FROM clients",
        [Q_CLIENT_GET_ID] = "SELECT " CLIENT_COLS " FROM clients c WHERE c.id = ?1",
        [Q_CKEY_INSERT] = "INSERT INTO client_keys(client_id, key_version, "
                          "master_version, wrapped) VALUES (?1, ?2, ?3, ?4)",
        [Q_CKEY_GET] = "SELECT master_version, wrapped FROM client_keys "
                       "WHERE client_id = ?1 AND key_version = ?2",
        [Q_CKEY_ALL] = "SELECT client_id, key_version, master_version, wrapped "
                       "FROM client_keys WHERE master_version = ?1 ORDER BY client_id LIMIT 1000",
        [Q_CKEY_UPDATE] = "UPDATE client_keys SET master_version = ?3, wrapped = ?4 "
                          "WHERE client_id = ?1 AND key_version = ?2",
        [Q_SEARCH_INSERT] = "INSERT OR IGNORE INTO client_search(token, client_id) "
                            "VALUES (?1, ?2)",
        [Q_SEARCH_DELETE] = "DELETE FROM client_search WHERE client_id = ?1",
        [Q_SEARCH_FIND] = "SELECT client_id FROM client_search WHERE token = ?1 "
                          "ORDER BY client_id LIMIT 5000",
        [Q_SEARCH_HAS] = "SELECT 1 FROM client_search WHERE token = ?1 AND client_id = ?2",
        /* Demo rows: a public id that grows with (client, start), so a
         * million inserts append to its index instead of scattering. */
        [Q_APPT_INSERT] = "INSERT INTO appointments(clinician_id, client_id, starts_at, "
                          "ends_at, status, public_id, created_at, updated_at) VALUES (?1, ?2, "
                          "?3, ?4, ?5, printf('%08x%08x', ?2, ?3) || lower(hex(randomblob(8))), "
                          "?3, ?3)",
        [Q_BG_INSERT] = "INSERT INTO break_glass(user_id, client_id, key_version, reason_sealed, "
                        "started_at, expires_at) VALUES (?1, ?2, ?3, x'', ?4, ?5)",
        [Q_BG_SEAL] = "UPDATE break_glass SET reason_sealed = ?2 WHERE id = ?1",
        [Q_BG_LIST] = "SELECT b.id, u.public_id, u.display_name, c.public_id, b.client_id, "
                      "b.key_version, b.reason_sealed, b.started_at, b.expires_at "
                      "FROM break_glass b JOIN users u ON u.id = b.user_id "
                      "JOIN clients c ON c.id = b.client_id WHERE b.started_at >= ?1 AND "
                      "(?2 = 0 OR b.client_id IN (SELECT client_id FROM care_team WHERE "
                      "user_id = ?2)) ORDER BY b.id DESC LIMIT ?3",
        [Q_SAVEPOINT] = "SAVEPOINT batch_item",
        [Q_RELEASE] = "RELEASE batch_item",
        [Q_ROLLBACK_TO] = "ROLLBACK TO batch_item",
};

const struct stmt_group store_group_core = {sql, Q__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_CORE, (id))

/* writer_release - give up the in-process write turn, if held. */
static void writer_release(struct store *s)
{
	if (s->writer) {
		s->writer = 0;
		store_sync_writer_unlock(s->sync);
	}
}

static enum err exec_simple(struct store *s, enum stmt_id id)
{
	return step_done(s, get(s, id));
}

/* ---- open, migrate, close ----------------------------------------- */

static enum err pragma(sqlite3 *db, const char *text)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, text, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_error("store pragma failed rc=%d", rc);
		sqlite3_free(msg);
		return ERR_DB;
	}
	return ERR_OK;
}

static int read_user_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum err migrate(sqlite3 *db, int *schema)
{
	int have = read_user_version(db);
	int latest = 0;
	unsigned i;
	char setv[64];

	if (have < 0)
		return ERR_DB;
	for (i = 0; i < migration_count; i++)
		if (migrations[i].number > latest)
			latest = migrations[i].number;
	if (have > latest)
		return ERR_CONFLICT;
	for (i = 0; i < migration_count; i++) {
		const struct migration *m = &migrations[i];
		char *msg = NULL;

		if (m->number <= have)
			continue;
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return ERR_DB;
		snprintf(setv, sizeof setv, "PRAGMA user_version = %d", m->number);
		if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, setv, NULL, NULL, &msg) != SQLITE_OK) {
			log_error("store migration %s failed", m->name);
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return ERR_DB;
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return ERR_DB;
		}
		have = m->number;
		log_info("store migrated to=%s", m->name);
	}
	*schema = have;
	return ERR_OK;
}

enum err store_open(const char *path, unsigned flags, struct store **out)
{
	unsigned g;
	struct store *s = NULL;
	struct stat stt;
	int oflags, rc, fd;
	unsigned i;
	enum err e = ERR_OK;

	if (stat(path, &stt) != 0) {
		if (!(flags & STORE_CREATE))
			return ERR_NOTFOUND;
		/* Create the file 0600 ourselves so SQLite never makes it wider. */
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			return ERR_IO;
		close(fd);
	}
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return ERR_NOMEM;
	s->key = vault_key_new();
	s->subkey = vault_key_new();
	if (s->key == NULL || s->subkey == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		e = ERR_DB;
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 0);
	if (!(flags & STORE_READONLY)) {
		e = pragma(s->db, "PRAGMA journal_mode=WAL");
		if (e != ERR_OK)
			goto out;
	}
	e = pragma(s->db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
	                  "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF");
	if (e != ERR_OK)
		goto out;
	if (flags & STORE_MIGRATE) {
		e = migrate(s->db, &s->schema);
		if (e != ERR_OK)
			goto out;
	} else {
		s->schema = read_user_version(s->db);
		if (s->schema <= 0) {
			e = ERR_DB;
			goto out;
		}
	}
	for (g = 0; g < STORE_GROUP__COUNT; g++) {
		s->st[g] = calloc(store_groups[g]->n, sizeof *s->st[g]);
		if (s->st[g] == NULL) {
			e = ERR_NOMEM;
			goto out;
		}
	}
	for (g = 0; g < STORE_GROUP__COUNT; g++)
		for (i = 0; i < store_groups[g]->n; i++) {
			rc = sqlite3_prepare_v3(s->db, store_groups[g]->sql[i], -1,
			                        SQLITE_PREPARE_PERSISTENT, &s->st[g][i], NULL);
			if (rc != SQLITE_OK) {
				log_error("store prepare failed stmt=%u", i);
				e = ERR_DB;
				goto out;
			}
		}
	*out = s;
	s = NULL;
out:
	store_close(s);
	return e;
}

void store_close(struct store *s)
{
	unsigned g;
	unsigned i;

	if (s == NULL)
		return;
	for (g = 0; g < STORE_GROUP__COUNT; g++) {
		for (i = 0; s->st[g] != NULL && i < store_groups[g]->n; i++)
			sqlite3_finalize(s->st[g][i]);
		free(s->st[g]);
	}
	sqlite3_close(s->db);
	vault_key_free(s->key);
	vault_key_free(s->subkey);
	free(s);
}

enum err store_open_again(struct store *s, struct store **out)
{
	const char *path = sqlite3_db_filename(s->db, "main");

	if (path == NULL || path[0] == '\0')
		return ERR_INVAL;
	return store_open(path, STORE_READONLY, out);
}

int store_schema_version(struct store *s)
{
	return s->schema;
}

enum err store_begin(struct store *s)
{
	enum err e;

	/* A held snapshot nobody is reading in gives way to the write (a
	 * write inside an open read, as before, fails below). */
	if (s->snap && s->snap_depth == 0)
		store_snapshot_end(s);
	/* Server connections queue for the write lock in-process: SQLite's
	 * own busy handler would sleep in milliseconds-long steps. */
	if (s->sync != NULL && !s->writer) {
		store_sync_writer_lock(s->sync);
		s->writer = 1;
	}
	e = exec_simple(s, Q_BEGIN_IMMEDIATE);
	if (e != ERR_OK)
		writer_release(s);
	return e;
}

enum err store_begin_read(struct store *s)
{
	if (s->snap) { /* join the held snapshot */
		s->snap_depth++;
		return ERR_OK;
	}
	return exec_simple(s, Q_BEGIN);
}

void store_end_read(struct store *s)
{
	if (s->snap) { /* the snapshot stays for the next read of the request */
		if (s->snap_depth > 0)
			s->snap_depth--;
		/* unless a write made it a write transaction: commit that, as
		 * ending a read of its own would have */
		if (s->snap_depth == 0 && sqlite3_txn_state(s->db, "main") == SQLITE_TXN_WRITE)
			store_snapshot_end(s);
		return;
	}
	if (!sqlite3_get_autocommit(s->db))
		(void)exec_simple(s, Q_COMMIT);
}

enum err store_snapshot_begin(struct store *s)
{
	enum err e;

	if (s->snap || !sqlite3_get_autocommit(s->db))
		return ERR_CONFLICT;
	e = exec_simple(s, Q_BEGIN);
	if (e == ERR_OK) {
		s->snap = 1;
		s->snap_depth = 0;
	}
	return e;
}

void store_snapshot_end(struct store *s)
{
	if (!s->snap)
		return;
	s->snap = 0;
	s->snap_depth = 0;
	if (!sqlite3_get_autocommit(s->db))
		(void)exec_simple(s, Q_COMMIT);
}

int store_snapshot_open(const struct store *s)
{
	return s->snap;
}

enum err store_commit_nosync(struct store *s)
{
	enum err e;

	s->snap = 0; /* COMMIT ends whatever transaction is open */
	s->snap_depth = 0;
	e = exec_simple(s, Q_COMMIT);

	if (e != ERR_OK) {
		store_rollback(s);
		return e;
	}
	writer_release(s);
	return ERR_OK;
}

enum err store_commit(struct store *s)
{
	enum err e;

	s->snap = 0; /* COMMIT ends whatever transaction is open */
	s->snap_depth = 0;
	e = exec_simple(s, Q_COMMIT);

	if (e != ERR_OK) {
		store_rollback(s);
		return e;
	}
	/* Let the next writer in while this commit waits for its sync: that
	 * overlap is what lets commits share one fsync. */
	writer_release(s);
	/* Acknowledged writes must be durable: wait for the shared sync. */
	if (s->sync != NULL)
		e = store_sync_wait(s->sync);
	return e;
}

enum err store_item_begin(struct store *s)
{
	return exec_simple(s, Q_SAVEPOINT);
}

enum err store_item_end(struct store *s, int keep)
{
	enum err e = ERR_OK;

	if (!keep)
		e = exec_simple(s, Q_ROLLBACK_TO);
	if (e == ERR_OK)
		e = exec_simple(s, Q_RELEASE);
	return e;
}

enum err store_use_sync(struct store *s, struct store_sync *y)
{
	enum err e =
	        pragma(s->db, y != NULL ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");

	if (e == ERR_OK)
		s->sync = y;
	return e;
}

void store_rollback(struct store *s)
{
	s->snap = 0; /* ends a held snapshot too */
	s->snap_depth = 0;
	if (!sqlite3_get_autocommit(s->db))
		(void)exec_simple(s, Q_ROLLBACK);
	writer_release(s);
}

/* ---- meta ----------------------------------------------------------- */

enum err store_meta_get(struct store *s, const char *key, char **out)
{
	sqlite3_stmt *st = get(s, Q_META_GET);
	enum err e = ERR_NOTFOUND;
	int rc;
	char *v;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = mem_strdup((const char *)sqlite3_column_text(st, 0));
		e = v ? ERR_OK : ERR_NOMEM;
		if (v)
			*out = v;
	} else if (rc != SQLITE_DONE) {
		e = db_err(s, rc);
	}
	sqlite3_reset(st);
	return e;
}

enum err store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = get(s, Q_META_SET);

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return step_done(s, st);
}

/* ---- keyring -------------------------------------------------------- */

enum err store_keyring_add(struct store *s, const struct vault_wrap *w)
{
	sqlite3_stmt *st = get(s, Q_KEYRING_ADD);

	sqlite3_bind_int(st, 1, (int)w->kind);
	sqlite3_bind_int64(st, 2, w->master_version);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)w->opslimit);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)w->memlimit);
	sqlite3_bind_blob(st, 5, w->salt, sizeof w->salt, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, w->blob, sizeof w->blob, SQLITE_STATIC);
	return step_done(s, st);
}

enum err store_keyring_load(struct store *s, struct vault_wrap *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, Q_KEYRING_LOAD);
	size_t k = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vault_wrap *w = &out[k];

		if (k == max) {
			sqlite3_reset(st);
			return ERR_TOOBIG;
		}
		if ((size_t)sqlite3_column_bytes(st, 4) != sizeof w->salt ||
		    (size_t)sqlite3_column_bytes(st, 5) != sizeof w->blob) {
			sqlite3_reset(st);
			return ERR_CRYPTO;
		}
		memset(w, 0, sizeof *w);
		w->kind = (enum vault_wrap_kind)sqlite3_column_int(st, 0);
		w->master_version = (uint32_t)sqlite3_column_int64(st, 1);
		w->opslimit = (uint64_t)sqlite3_column_int64(st, 2);
		w->memlimit = (uint64_t)sqlite3_column_int64(st, 3);
		memcpy(w->salt, sqlite3_column_blob(st, 4), sizeof w->salt);
		memcpy(w->blob, sqlite3_column_blob(st, 5), sizeof w->blob);
		k++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(s, rc);
	*n = k;
	return ERR_OK;
}

enum err store_keyring_delete_before(struct store *s, uint32_t version)
{
	sqlite3_stmt *st = get(s, Q_KEYRING_DELETE_BEFORE);

	sqlite3_bind_int64(st, 1, version);
	return step_done(s, st);
}

enum err store_vault_load_root(struct store *s, struct vault *v)
{
	struct vault_wrap w[STORE_KEYRING_MAX];
	size_t n = 0, i;
	enum err e;

	e = store_keyring_load(s, w, STORE_KEYRING_MAX, &n);
	if (e != ERR_OK)
		return e;
	for (i = 0; i < n; i++)
		if (w[i].kind == VAULT_WRAP_ROOT && w[i].master_version == vault_version(v))
			return vault_root_load(v, &w[i]);
	return ERR_CRYPTO;
}

/* ---- client data keys ----------------------------------------------- */

/* client_key_load - unwrap the data key of (client, version) into s->key. */
enum err client_key_load(struct store *s, const struct vault *v, int64_t client_id,
                         uint32_t key_version)
{
	sqlite3_stmt *st = get(s, Q_CKEY_GET);
	enum err e;
	int rc;

	if (s->key->owner == client_id && s->key->version == key_version && client_id != 0 &&
	    s->key_vault == v && s->key_master == vault_version(v))
		return ERR_OK;
	s->key->owner = 0;
	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, key_version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ERR_NOTFOUND; /* shredded */
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(s, rc);
	}
	if ((size_t)sqlite3_column_bytes(st, 1) != VAULT_WRAPPEDBYTES) {
		sqlite3_reset(st);
		return ERR_CRYPTO;
	}
	e = vault_datakey_unwrap(v, client_id, key_version, (uint32_t)sqlite3_column_int64(st, 0),
	                         sqlite3_column_blob(st, 1), s->key);
	sqlite3_reset(st);
	if (e == ERR_OK) {
		s->key_vault = v;
		s->key_master = vault_version(v);
	}
	return e;
}

enum err store_keys_rotate(struct store *s, const struct vault *old, const struct vault *next,
                           const struct vault_wrap *wraps, size_t nwraps, uint64_t *count)
{
	unsigned char wrapped[VAULT_WRAPPEDBYTES];
	struct vault_wrap link;
	uint64_t done = 0;
	size_t i;
	enum err e;
	char ver[16];

	e = store_begin(s);
	if (e != ERR_OK)
		return e;
	for (;;) {
		/* Rows move out of the old version as they are rewritten, so
		 * each batch starts from the top. */
		sqlite3_stmt *st = get(s, Q_CKEY_ALL);
		int64_t ids[1000];
		uint32_t vers[1000];
		unsigned char blobs[1000][VAULT_WRAPPEDBYTES];
		size_t k = 0;
		int rc;

		sqlite3_bind_int64(st, 1, vault_version(old));
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < 1000) {
			if ((size_t)sqlite3_column_bytes(st, 3) != VAULT_WRAPPEDBYTES) {
				sqlite3_reset(st);
				e = ERR_CRYPTO;
				goto out;
			}
			ids[k] = sqlite3_column_int64(st, 0);
			vers[k] = (uint32_t)sqlite3_column_int64(st, 1);
			memcpy(blobs[k], sqlite3_column_blob(st, 3), VAULT_WRAPPEDBYTES);
			k++;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			e = db_err(s, rc);
			goto out;
		}
		if (k == 0)
			break;
		for (i = 0; i < k; i++) {
			sqlite3_stmt *up;

			e = vault_datakey_rewrap(old, next, ids[i], vers[i], blobs[i], wrapped);
			if (e != ERR_OK)
				goto out;
			up = get(s, Q_CKEY_UPDATE);
			sqlite3_bind_int64(up, 1, ids[i]);
			sqlite3_bind_int64(up, 2, vers[i]);
			sqlite3_bind_int64(up, 3, vault_version(next));
			sqlite3_bind_blob(up, 4, wrapped, sizeof wrapped, SQLITE_STATIC);
			e = step_done(s, up);
			if (e != ERR_OK)
				goto out;
			done++;
		}
	}
	for (i = 0; i < nwraps; i++) {
		e = store_keyring_add(s, &wraps[i]);
		if (e != ERR_OK)
			goto out;
	}
	e = vault_wrap_successor(old, next, &link);
	if (e != ERR_OK)
		goto out;
	e = store_keyring_add(s, &link);
	if (e != ERR_OK)
		goto out;
	e = vault_root_wrap(next, &link);
	if (e != ERR_OK)
		goto out;
	e = store_keyring_add(s, &link);
	if (e != ERR_OK)
		goto out;
	snprintf(ver, sizeof ver, "%u", vault_version(next));
	e = store_meta_set(s, "master_version", ver);
	if (e != ERR_OK)
		goto out;
	e = store_commit(s);
	if (e == ERR_OK)
		*count = done;
out:
	if (e != ERR_OK)
		store_rollback(s);
	s->key->owner = 0;
	return e;
}

/* ---- users ------------------------------------------------------------ */

void user_cleanup(struct user *u)
{
	free(u->email);
	free(u->display_name);
	free(u->role);
	memset(u, 0, sizeof *u);
}

enum err store_user_create(struct store *s, struct user *u, const char *pass_hash, int must_change,
                           int64_t now)
{
	sqlite3_stmt *st = get(s, Q_USER_CREATE);
	char pid[33];
	enum err e;

	random_public_id(pid);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->role, -1, SQLITE_STATIC);
	if (pass_hash)
		sqlite3_bind_text(st, 5, pass_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, must_change ? 1 : 0);
	sqlite3_bind_int64(st, 7, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	u->id = sqlite3_last_insert_rowid(s->db);
	memcpy(u->public_id, pid, sizeof pid);
	return ERR_OK;
}

static enum err count_of(struct store *s, enum stmt_id id, int64_t *out)
{
	sqlite3_stmt *st = get(s, id);
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(s, rc);
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ERR_OK;
}

enum err store_user_count(struct store *s, int64_t *out)
{
	return count_of(s, Q_USER_COUNT, out);
}

enum err store_client_count(struct store *s, int64_t *out)
{
	return count_of(s, Q_CLIENT_COUNT, out);
}

/* ---- sealing ------------------------------------------------------------ */

/* seal_bind - seal text (may be NULL) for (table, column, row) under s->key
 * and bind it to parameter idx. *blob receives the allocation to free after
 * the step. */
enum err seal_bind(struct store *s, sqlite3_stmt *st, int idx, const char *table,
                   const char *column, int64_t row, const char *text, unsigned char **blob)
{
	struct vault_ad ad = {table, column, row, s->key->version};
	size_t n, len;
	enum err e;

	*blob = NULL;
	if (text == NULL) {
		sqlite3_bind_null(st, idx);
		return ERR_OK;
	}
	n = strlen(text);
	if (!mem_add_ok(n, VAULT_SEAL_OVERHEAD, &len))
		return ERR_TOOBIG;
	*blob = malloc(len);
	if (*blob == NULL)
		return ERR_NOMEM;
	e = vault_seal(*blob, len, text, n, &ad, s->key);
	if (e != ERR_OK)
		return e;
	sqlite3_bind_blob(st, idx, *blob, (int)len, SQLITE_STATIC);
	return ERR_OK;
}

/* open_column - open a sealed column into a new NUL-terminated string (or
 * NULL for SQL NULL). */
enum err open_column(struct store *s, sqlite3_stmt *st, int col, const char *table,
                     const char *column, int64_t row, char **out)
{
	struct vault_ad ad = {table, column, row, s->key->version};
	const unsigned char *ct;
	size_t ct_len, n;
	char *p;
	enum err e;

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		*out = NULL;
		return ERR_OK;
	}
	ct = sqlite3_column_blob(st, col);
	ct_len = (size_t)sqlite3_column_bytes(st, col);
	if (ct == NULL || ct_len < VAULT_SEAL_OVERHEAD)
		return ERR_CRYPTO;
	n = ct_len - VAULT_SEAL_OVERHEAD;
	p = malloc(n + 1);
	if (p == NULL)
		return ERR_NOMEM;
	e = vault_open((unsigned char *)p, n, ct, ct_len, &ad, s->key);
	if (e != ERR_OK || memchr(p, '\0', n) != NULL) {
		mem_wipe(p, n);
		free(p);
		return e != ERR_OK ? e : ERR_CRYPTO;
	}
	p[n] = '\0';
	*out = p;
	return ERR_OK;
}

/* ---- clients ------------------------------------------------------------ */

/* index_client - rebuild the client's blind-index rows. */
static enum err index_client(struct store *s, const struct vault *v, const struct client *c)
{
	struct search_tokens t;
	sqlite3_stmt *st;
	unsigned char h[VAULT_INDEXBYTES];
	size_t i;
	enum err e;

	st = get(s, Q_SEARCH_DELETE);
	sqlite3_bind_int64(st, 1, c->id);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	e = vault_subkey(v, VAULT_SUB_SEARCH, s->subkey);
	if (e != ERR_OK)
		return e;
	search_tokens_init(&t);
	e = search_tokens_index(&t, c->legal_name, c->preferred_name, c->date_of_birth);
	for (i = 0; e == ERR_OK && i < t.n; i++) {
		vault_blind_index(h, s->subkey, t.tok[i], strlen(t.tok[i]));
		st = get(s, Q_SEARCH_INSERT);
		sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, c->id);
		e = step_done(s, st);
	}
	search_tokens_cleanup(&t);
	return e;
}

/* write_sealed - seal every text field of c into its row. */
static enum err write_sealed(struct store *s, const struct client *c)
{
	sqlite3_stmt *st = get(s, Q_CLIENT_SEAL);
	unsigned char *blobs[32] = {0};
	unsigned i;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, c->id);
	for (i = 0; i < client_field_count && e == ERR_OK; i++) {
		char *const *p = client_field_ptr((struct client *)(uintptr_t)c, &client_fields[i]);
		e = seal_bind(s, st, (int)i + 2, "clients", client_fields[i].name, c->id, *p,
		              &blobs[i]);
	}
	if (e == ERR_OK)
		e = step_done(s, st);
	else
		sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (i = 0; i < client_field_count; i++)
		free(blobs[i]);
	return e;
}

enum err store_client_create(struct store *s, const struct vault *v, struct client *c, int64_t now)
{
	unsigned char wrapped[VAULT_WRAPPEDBYTES];
	sqlite3_stmt *st;
	char pid[33];
	int64_t id;
	enum err e;

	random_public_id(pid);
	st = get(s, Q_CLIENT_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)c->status);
	sqlite3_bind_int(st, 3, 1);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	id = sqlite3_last_insert_rowid(s->db);
	e = vault_datakey_create(v, id, 1, s->key, wrapped);
	if (e != ERR_OK)
		return e;
	s->key_vault = v;
	s->key_master = vault_version(v);
	st = get(s, Q_CKEY_INSERT);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, 1);
	sqlite3_bind_int64(st, 3, vault_version(v));
	sqlite3_bind_blob(st, 4, wrapped, sizeof wrapped, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		goto out;
	c->id = id;
	e = write_sealed(s, c);
	if (e == ERR_OK)
		e = index_client(s, v, c);
	if (e != ERR_OK)
		goto out;
	memcpy(c->public_id, pid, sizeof pid);
	c->created_at = now;
	c->updated_at = now;
	c->version = 1;
out:
	if (e != ERR_OK)
		s->key->owner = 0;
	return e;
}

/* read_client - fill out from the current row of st. */
static enum err read_client(struct store *s, const struct vault *v, sqlite3_stmt *st,
                            struct client *out)
{
	struct client c;
	const unsigned char *pid;
	unsigned i;
	enum err e;

	memset(&c, 0, sizeof c);
	c.id = sqlite3_column_int64(st, 0);
	pid = sqlite3_column_text(st, 1);
	if (pid == NULL || strlen((const char *)pid) != 32)
		return ERR_DB;
	memcpy(c.public_id, pid, 33);
	c.status = (enum client_status)sqlite3_column_int(st, 2);
	e = client_key_load(s, v, c.id, (uint32_t)sqlite3_column_int64(st, 3));
	if (e != ERR_OK)
		return e;
	for (i = 0; i < client_field_count; i++) {
		int col = i < CLIENT_SEALED_FIRST
		                  ? CLIENT_COL_SEALED0 + (int)i
		                  : CLIENT_COL_CHART0 + (int)(i - CLIENT_SEALED_FIRST);

		e = open_column(s, st, col, "clients", client_fields[i].name, c.id,
		                client_field_ptr(&c, &client_fields[i]));
		if (e != ERR_OK) {
			client_cleanup(&c);
			return e;
		}
	}
	c.created_at = sqlite3_column_int64(st, CLIENT_COL_CREATED);
	c.updated_at = sqlite3_column_int64(st, CLIENT_COL_CREATED + 1);
	c.version = sqlite3_column_int64(st, CLIENT_COL_CREATED + 2);
	pid = sqlite3_column_text(st, CLIENT_COL_PRIMARY);
	if (pid != NULL && strlen((const char *)pid) == 32)
		memcpy(c.primary_clinician, pid, 33);
	*out = c;
	return ERR_OK;
}

/* one_client - run a statement expected to return at most one client. */
static enum err one_client(struct store *s, const struct vault *v, sqlite3_stmt *st,
                           struct client *out)
{
	int rc = sqlite3_step(st);
	enum err e;

	if (rc == SQLITE_DONE)
		e = ERR_NOTFOUND;
	else if (rc != SQLITE_ROW)
		e = db_err(s, rc);
	else
		e = read_client(s, v, st, out);
	sqlite3_reset(st);
	return e;
}

enum err store_client_get(struct store *s, const struct vault *v, const char *public_id,
                          struct client *out)
{
	sqlite3_stmt *st = get(s, Q_CLIENT_GET);

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	return one_client(s, v, st, out);
}

enum err store_client_update(struct store *s, const struct vault *v, struct client *c, int64_t now)
{
	struct client cur;
	sqlite3_stmt *st;
	enum err e;

	e = store_client_get(s, v, c->public_id, &cur);
	if (e != ERR_OK)
		return e;
	c->id = cur.id;
	client_cleanup(&cur);
	st = get(s, Q_CLIENT_UPDATE);
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int(st, 2, (int)c->status);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, c->version);
	sqlite3_bind_text(st, 5, c->primary_clinician, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	if (sqlite3_changes(s->db) != 1)
		return ERR_CONFLICT;
	/* s->key still holds this client's key from store_client_get. */
	e = write_sealed(s, c);
	if (e == ERR_OK)
		e = index_client(s, v, c);
	if (e != ERR_OK)
		return e;
	c->version++;
	c->updated_at = now;
	return ERR_OK;
}

/* collect - read up to limit clients from a prepared query. */
static enum err collect(struct store *s, const struct vault *v, sqlite3_stmt *st, size_t limit,
                        struct client *out, size_t *n)
{
	size_t k = 0, i;
	int rc;
	enum err e = ERR_OK;

	while (k < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = read_client(s, v, st, &out[k]);
		if (e != ERR_OK)
			break;
		k++;
	}
	if (e == ERR_OK && k < limit && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			client_cleanup(&out[i]);
		return e;
	}
	*n = k;
	return ERR_OK;
}

enum err store_client_list(struct store *s, const struct vault *v, int64_t team_user, int64_t after,
                           size_t limit, struct client *out, size_t *n)
{
	sqlite3_stmt *st = get(s, team_user ? Q_CLIENT_LIST_TEAM : Q_CLIENT_LIST);

	if (limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	if (team_user)
		sqlite3_bind_int64(st, 3, team_user);
	return collect(s, v, st, limit, out, n);
}

/* has_token - does client id carry blind-index token h? */
static enum err has_token(struct store *s, const unsigned char *h, int64_t id, int *yes)
{
	sqlite3_stmt *st = get(s, Q_SEARCH_HAS);
	int rc;

	sqlite3_bind_blob(st, 1, h, VAULT_INDEXBYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, rc);
	*yes = rc == SQLITE_ROW;
	return ERR_OK;
}

enum err store_client_search(struct store *s, const struct vault *v, int64_t team_user,
                             const char *query, size_t limit, struct client *out, size_t *n)
{
	struct search_tokens q;
	unsigned char h[STORE_SEARCH_TOKENS_MAX][VAULT_INDEXBYTES];
	size_t i, k = 0, longest = 0;
	sqlite3_stmt *find;
	int64_t *ids = NULL;
	size_t nids = 0;
	int rc;
	enum err e;

	if (limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	search_tokens_init(&q);
	e = search_tokens_query(&q, query, STORE_SEARCH_TOKENS_MAX);
	if (e != ERR_OK)
		goto out;
	if (q.n == 0) {
		*n = 0;
		goto out;
	}
	e = vault_subkey(v, VAULT_SUB_SEARCH, s->subkey);
	if (e != ERR_OK)
		goto out;
	for (i = 0; i < q.n; i++) {
		vault_blind_index(h[i], s->subkey, q.tok[i], strlen(q.tok[i]));
		if (strlen(q.tok[i]) > strlen(q.tok[longest]))
			longest = i;
	}
	/* Candidates from the most selective (longest) token, then filter. */
	ids = calloc(5000, sizeof *ids);
	if (ids == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	find = get(s, Q_SEARCH_FIND);
	sqlite3_bind_blob(find, 1, h[longest], VAULT_INDEXBYTES, SQLITE_STATIC);
	while ((rc = sqlite3_step(find)) == SQLITE_ROW && nids < 5000)
		ids[nids++] = sqlite3_column_int64(find, 0);
	sqlite3_reset(find);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		e = db_err(s, rc);
		goto out;
	}
	for (i = 0; i < nids && k < limit; i++) {
		size_t t;
		int all = 1;
		sqlite3_stmt *one;

		for (t = 0; t < q.n && all; t++) {
			if (t == longest)
				continue;
			e = has_token(s, h[t], ids[i], &all);
			if (e != ERR_OK)
				goto fail;
		}
		if (all && team_user) {
			e = store_care_team_reaches(s, ids[i], team_user, &all);
			if (e != ERR_OK)
				goto fail;
		}
		if (!all)
			continue;
		one = get(s, Q_CLIENT_GET_ID);
		sqlite3_bind_int64(one, 1, ids[i]);
		e = one_client(s, v, one, &out[k]);
		if (e == ERR_NOTFOUND)
			continue;
		if (e != ERR_OK)
			goto fail;
		k++;
	}
	*n = k;
	e = ERR_OK;
	goto out;
fail:
	for (i = 0; i < k; i++)
		client_cleanup(&out[i]);
out:
	free(ids);
	search_tokens_cleanup(&q);
	return e;
}

/* ---- snapshot ------------------------------------------------------------ */

enum err store_snapshot(struct store *s, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	enum err e = ERR_OK;
	int fd, rc;

	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? ERR_CONFLICT : ERR_IO;
	close(fd);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		e = ERR_IO;
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (b == NULL) {
		e = ERR_DB;
		goto out;
	}
	/* One step copies every page under one read transaction: a
	 * consistent snapshot, while WAL lets writers carry on. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		e = db_err(s, rc);
out:
	sqlite3_close(dst);
	if (e != ERR_OK)
		unlink(path);
	return e;
}

/* ---- demo data ------------------------------------------------------------ */

enum err store_appointment_insert(struct store *s, int64_t clinician_id, int64_t client_id,
                                  int64_t starts_at, int64_t ends_at, int status)
{
	sqlite3_stmt *st = get(s, Q_APPT_INSERT);

	sqlite3_bind_int64(st, 1, clinician_id);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, starts_at);
	sqlite3_bind_int64(st, 4, ends_at);
	sqlite3_bind_int(st, 5, status);
	return step_done(s, st);
}

/* ---- break-glass grants ------------------------------------------------------ */

enum err store_break_glass_create(struct store *s, const struct vault *v, int64_t user_id,
                                  int64_t client_id, const char *reason, int64_t now,
                                  int64_t expires_at)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	int64_t id;
	enum err e;

	e = client_key_load(s, v, client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, Q_BG_INSERT);
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, s->key->version);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires_at);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	id = sqlite3_last_insert_rowid(s->db);
	st = get(s, Q_BG_SEAL);
	sqlite3_bind_int64(st, 1, id);
	e = seal_bind(s, st, 2, "break_glass", "reason", id, reason, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

enum err store_break_glass_list(struct store *s, const struct vault *v, int64_t since,
                                int64_t team_user, struct break_glass *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, Q_BG_LIST);
	size_t k = 0, i;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, team_user);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct break_glass *b = &out[k];
		const unsigned char *t;
		int64_t row = sqlite3_column_int64(st, 0);

		memset(b, 0, sizeof *b);
		b->id = row;
		t = sqlite3_column_text(st, 1);
		if (t == NULL || strlen((const char *)t) != 32)
			e = ERR_DB;
		else
			memcpy(b->user_public_id, t, 33);
		t = sqlite3_column_text(st, 2);
		snprintf(b->user_name, sizeof b->user_name, "%s", t ? (const char *)t : "");
		t = sqlite3_column_text(st, 3);
		if (e == ERR_OK && (t == NULL || strlen((const char *)t) != 32))
			e = ERR_DB;
		else if (e == ERR_OK)
			memcpy(b->client_public_id, t, 33);
		b->started_at = sqlite3_column_int64(st, 7);
		b->expires_at = sqlite3_column_int64(st, 8);
		if (e == ERR_OK)
			e = client_key_load(s, v, sqlite3_column_int64(st, 4),
			                    (uint32_t)sqlite3_column_int64(st, 5));
		if (e == ERR_OK)
			e = open_column(s, st, 6, "break_glass", "reason", row, &b->reason);
		if (e == ERR_OK)
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			mem_free_wiped_str(out[i].reason);
		return e;
	}
	*n = k;
	return ERR_OK;
}
