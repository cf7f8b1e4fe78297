/*
 * store_attachments.c - attachments and attachment_chunks rows (see
 * store/attachments.h). Every chunk is sealed under the client's key with
 * associated data (table "attachment_chunks", column
 * "chunk/<index>/<final>", the attachment's row id, the key version): a
 * chunk opens only in its own place in its own file, and only the last
 * chunk opens as the last. Never: leaves plaintext in memory it frees, or
 * lets a pending upload be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/attachments.h"
#include "store/internal.h"

enum attachments_stmt {
	QA_INSERT,
	QA_PENDING,
	QA_CHUNK_INSERT,
	QA_FINISH,
	QA_DISCARD_CHUNKS,
	QA_DISCARD,
	QA_SWEEP_CHUNKS,
	QA_SWEEP,
	QA_GET,
	QA_LIST,
	QA_CHUNK_GET,
	QA__COUNT
};

#define AT_COLS                                                                                    \
	"a.id, a.public_id, a.client_id, c.public_id, a.key_version, a.content_type, a.size, "     \
	"a.chunks, a.filename_sealed, a.description_sealed, a.created_by, u.public_id, "           \
	"a.created_at"
#define AT_FROM                                                                                    \
	" FROM attachments a JOIN clients c ON c.id = a.client_id "                                \
	"JOIN users u ON u.id = a.created_by "

static const char *const sql[QA__COUNT] = {
        [QA_INSERT] = "INSERT INTO attachments(public_id, client_id, key_version, state, "
                      "content_type, created_by, created_at) "
                      "VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
        [QA_PENDING] = "SELECT key_version FROM attachments "
                       "WHERE id = ?1 AND client_id = ?2 AND state = 'pending'",
        [QA_CHUNK_INSERT] = "INSERT INTO attachment_chunks(attachment_id, idx, data) "
                            "VALUES (?1, ?2, ?3)",
        [QA_FINISH] = "UPDATE attachments SET state = 'ready', size = ?2, chunks = ?3, "
                      "filename_sealed = ?4, description_sealed = ?5 "
                      "WHERE id = ?1 AND state = 'pending'",
        [QA_DISCARD_CHUNKS] = "DELETE FROM attachment_chunks WHERE attachment_id = ?1 AND "
                              "(SELECT state FROM attachments WHERE id = ?1) = 'pending'",
        [QA_DISCARD] = "DELETE FROM attachments WHERE id = ?1 AND state = 'pending'",
        [QA_SWEEP_CHUNKS] = "DELETE FROM attachment_chunks WHERE attachment_id IN "
                            "(SELECT id FROM attachments WHERE state = 'pending')",
        [QA_SWEEP] = "DELETE FROM attachments WHERE state = 'pending'",
        [QA_GET] = "SELECT " AT_COLS AT_FROM "WHERE a.public_id = ?1 AND a.state = 'ready'",
        [QA_LIST] = "SELECT " AT_COLS AT_FROM "WHERE a.client_id = ?1 AND a.state = 'ready' "
                    "AND (?2 = 0 OR a.id < ?2) ORDER BY a.id DESC LIMIT ?3",
        [QA_CHUNK_GET] = "SELECT data FROM attachment_chunks WHERE attachment_id = ?1 AND idx = ?2",
};

const struct stmt_group store_group_attachments = {sql, QA__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_ATTACHMENTS, (id))

void attachment_cleanup(struct attachment *a)
{
	mem_free_wiped_str(a->filename);
	mem_free_wiped_str(a->description);
	mem_wipe(a, sizeof *a);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* chunk_ad - where chunk idx of attachment id belongs. col holds 48 bytes. */
static struct vault_ad chunk_ad(char col[48], int64_t id, int64_t idx, int final,
                                uint32_t key_version)
{
	struct vault_ad ad = {"attachment_chunks", col, id, key_version};

	snprintf(col, 48, "chunk/%lld/%d", (long long)idx, final ? 1 : 0);
	return ad;
}

/* read_row - the current row; the sealed columns only when open. */
static enum err read_row(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                         struct attachment *out)
{
	struct attachment a;
	enum err e = ERR_OK;

	memset(&a, 0, sizeof a);
	a.id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, a.public_id, sizeof a.public_id);
	a.client_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, a.client_public_id, sizeof a.client_public_id);
	a.key_version = (uint32_t)sqlite3_column_int64(st, 4);
	copy_col(st, 5, a.content_type, sizeof a.content_type);
	a.size = sqlite3_column_int64(st, 6);
	a.chunks = sqlite3_column_int64(st, 7);
	a.created_by = sqlite3_column_int64(st, 10);
	copy_col(st, 11, a.created_by_public_id, sizeof a.created_by_public_id);
	a.created_at = sqlite3_column_int64(st, 12);
	if (open) {
		e = client_key_load(s, v, a.client_id, a.key_version);
		if (e == ERR_OK)
			e = open_column(s, st, 8, "attachments", "filename", a.id, &a.filename);
		if (e == ERR_OK && a.filename == NULL)
			e = ERR_CRYPTO; /* a finished attachment always has a name */
		if (e == ERR_OK)
			e = open_column(s, st, 9, "attachments", "description", a.id,
			                &a.description);
	}
	if (e != ERR_OK) {
		attachment_cleanup(&a);
		return e;
	}
	*out = a;
	return ERR_OK;
}

enum err store_attachment_begin(struct store *s, const struct vault *v, int64_t client_id,
                                const char *content_type, int64_t created_by, int64_t now,
                                int64_t *id, char public_id[33])
{
	sqlite3_stmt *st;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, client_id, 1);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QA_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, client_id);
	sqlite3_bind_int64(st, 3, s->key->version);
	sqlite3_bind_text(st, 4, content_type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, created_by);
	sqlite3_bind_int64(st, 6, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	*id = sqlite3_last_insert_rowid(s->db);
	memcpy(public_id, pid, sizeof pid);
	return ERR_OK;
}

/* pending_key - load the key that seals pending attachment id. */
static enum err pending_key(struct store *s, const struct vault *v, int64_t client_id, int64_t id)
{
	sqlite3_stmt *st = get(s, QA_PENDING);
	uint32_t kv = 0;
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, client_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		kv = (uint32_t)sqlite3_column_int64(st, 0);
	else
		e = rc == SQLITE_DONE ? ERR_CONFLICT : db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK)
		e = client_key_load(s, v, client_id, kv);
	return e;
}

enum err store_attachment_chunk_put(struct store *s, const struct vault *v, int64_t client_id,
                                    int64_t id, int64_t idx, int final, const void *data, size_t n)
{
	unsigned char *blob;
	sqlite3_stmt *st;
	struct vault_ad ad;
	char col[48];
	size_t len = n + VAULT_SEAL_OVERHEAD;
	enum err e;

	if (n == 0 || n > STORE_ATTACHMENT_CHUNK || idx < 0)
		return ERR_INVAL;
	e = pending_key(s, v, client_id, id);
	if (e != ERR_OK)
		return e;
	blob = malloc(len);
	if (blob == NULL)
		return ERR_NOMEM;
	ad = chunk_ad(col, id, idx, final, s->key->version);
	e = vault_seal(blob, len, data, n, &ad, s->key);
	if (e == ERR_OK) {
		st = get(s, QA_CHUNK_INSERT);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, idx);
		sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
		e = step_done(s, st);
		sqlite3_clear_bindings(st);
	}
	free(blob);
	return e;
}

enum err store_attachment_finish(struct store *s, const struct vault *v, int64_t client_id,
                                 int64_t id, int64_t size, int64_t chunks, const char *filename,
                                 const char *description)
{
	unsigned char *b1 = NULL, *b2 = NULL;
	sqlite3_stmt *st;
	enum err e;

	e = pending_key(s, v, client_id, id);
	if (e != ERR_OK)
		return e;
	st = get(s, QA_FINISH);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, size);
	sqlite3_bind_int64(st, 3, chunks);
	e = seal_bind(s, st, 4, "attachments", "filename", id, filename, &b1);
	if (e == ERR_OK)
		e = seal_bind(s, st, 5, "attachments", "description", id, description, &b2);
	if (e == ERR_OK)
		e = step_done(s, st);
	else
		sqlite3_reset(st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(b1);
	free(b2);
	return e;
}

/* run_id - a statement whose only parameter is ?1 = id (0: none). */
static enum err run_id(struct store *s, unsigned which, int64_t id)
{
	sqlite3_stmt *st = get(s, which);

	if (id != 0)
		sqlite3_bind_int64(st, 1, id);
	return step_done(s, st);
}

enum err store_attachment_discard(struct store *s, int64_t id)
{
	enum err e = run_id(s, QA_DISCARD_CHUNKS, id);

	if (e == ERR_OK)
		e = run_id(s, QA_DISCARD, id);
	return e;
}

enum err store_attachment_sweep(struct store *s, int64_t *n)
{
	enum err e = run_id(s, QA_SWEEP_CHUNKS, 0);

	if (e == ERR_OK)
		e = run_id(s, QA_SWEEP, 0);
	if (e == ERR_OK)
		*n = sqlite3_changes(s->db);
	return e;
}

enum err store_attachment_get(struct store *s, const struct vault *v, const char *public_id,
                              int open, struct attachment *out)
{
	sqlite3_stmt *st = get(s, QA_GET);
	enum err e;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_row(s, v, st, open, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* read_row_open / attachment_cleanup_v - the reader (opened) and cleanup in rows_collect's shape.
 */
static enum err read_row_open(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	return read_row(s, v, st, 1, out);
}

static void attachment_cleanup_v(void *p)
{
	attachment_cleanup(p);
}

enum err store_attachment_list(struct store *s, const struct vault *v, int64_t client_id,
                               int64_t before, struct attachment *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QA_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return rows_collect(s, v, st, read_row_open, attachment_cleanup_v, out, sizeof *out, max,
	                    n);
}

enum err store_attachment_chunk_open(struct store *s, const struct vault *v,
                                     const struct attachment *a, int64_t idx, unsigned char *out,
                                     size_t *n)
{
	sqlite3_stmt *st;
	const unsigned char *ct;
	struct vault_ad ad;
	char col[48];
	size_t ct_len;
	enum err e;
	int rc;

	if (idx < 0 || idx >= a->chunks)
		return ERR_INVAL;
	e = client_key_load(s, v, a->client_id, a->key_version);
	if (e != ERR_OK)
		return e;
	st = get(s, QA_CHUNK_GET);
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, idx);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_CRYPTO : db_err(s, rc); /* a chunk went missing */
	}
	ct = sqlite3_column_blob(st, 0);
	ct_len = (size_t)sqlite3_column_bytes(st, 0);
	if (ct == NULL || ct_len <= VAULT_SEAL_OVERHEAD ||
	    ct_len - VAULT_SEAL_OVERHEAD > STORE_ATTACHMENT_CHUNK) {
		sqlite3_reset(st);
		return ERR_CRYPTO;
	}
	ad = chunk_ad(col, a->id, idx, idx == a->chunks - 1, a->key_version);
	e = vault_open(out, STORE_ATTACHMENT_CHUNK, ct, ct_len, &ad, s->key);
	sqlite3_reset(st);
	if (e != ERR_OK)
		return e;
	*n = ct_len - VAULT_SEAL_OVERHEAD;
	return ERR_OK;
}
