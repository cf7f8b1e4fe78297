/*
 * store_pnotes.c - psychotherapy notes and author keys (see
 * store/pnotes.h). A note row is inserted with empty blobs and sealed once
 * its id is known (the id is in the associated data). The note key never
 * leaves this file: it is unwrapped into locked memory, used and freed
 * within one call. Never: opens a note's text for anyone but its author or
 * a user it is shared with, each with their own author key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/pnotes.h"

enum pnotes_stmt {
	QP_AK_GET,
	QP_AK_INSERT,
	QP_AK_REWRAP,
	QP_RC_CLEAR,
	QP_RC_INSERT,
	QP_RC_FIND,
	QP_RC_DELETE,
	QP_INSERT,
	QP_SEAL,
	QP_GET,
	QP_SEALED,
	QP_UPDATE,
	QP_LIST,
	QP_SHARE_GET,
	QP_SHARES,
	QP_SHARE_COUNT,
	QP_SHARE_PUT,
	QP_SHARE_DELETE,
	QP__COUNT
};

#define PN_COLS                                                                                    \
	"p.id, p.public_id, p.client_id, c.public_id, p.author_id, u.public_id, p.key_version, "   \
	"p.created_at, p.updated_at, p.version"
#define PN_FROM                                                                                    \
	" FROM psychotherapy_notes p JOIN clients c ON c.id = p.client_id "                        \
	"JOIN users u ON u.id = p.author_id "

static const char *const sql[QP__COUNT] = {
        [QP_AK_GET] = "SELECT pw_salt, pw_opslimit, pw_memlimit, pw_wrap, box_public, "
                      "box_secret_sealed FROM author_keys WHERE user_id = ?1",
        [QP_AK_INSERT] = "INSERT INTO author_keys(user_id, pw_salt, pw_opslimit, pw_memlimit, "
                         "pw_wrap, box_public, box_secret_sealed, created_at, updated_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        [QP_AK_REWRAP] = "UPDATE author_keys SET pw_salt = ?2, pw_opslimit = ?3, "
                         "pw_memlimit = ?4, pw_wrap = ?5, updated_at = ?8 WHERE user_id = ?1 "
                         "AND box_public = ?6",
        [QP_RC_CLEAR] = "DELETE FROM author_key_recovery WHERE user_id = ?1",
        [QP_RC_INSERT] = "INSERT OR REPLACE INTO author_key_recovery(user_id, code_hash, wrap) "
                         "VALUES (?1, ?2, ?3)",
        [QP_RC_FIND] = "SELECT wrap FROM author_key_recovery WHERE user_id = ?1 AND "
                       "code_hash = ?2",
        [QP_RC_DELETE] = "DELETE FROM author_key_recovery WHERE user_id = ?1 AND code_hash = ?2",
        [QP_INSERT] = "INSERT INTO psychotherapy_notes(public_id, client_id, author_id, "
                      "key_version, nk_wrap, body_sealed, created_at, updated_at, version) "
                      "VALUES (?1, ?2, ?3, ?4, x'', x'', ?5, ?5, 1)",
        [QP_SEAL] = "UPDATE psychotherapy_notes SET nk_wrap = ?2, body_sealed = ?3 WHERE id = ?1",
        [QP_GET] = "SELECT " PN_COLS PN_FROM "WHERE p.public_id = ?1",
        [QP_SEALED] = "SELECT nk_wrap, body_sealed FROM psychotherapy_notes WHERE id = ?1",
        [QP_UPDATE] = "UPDATE psychotherapy_notes SET body_sealed = ?3, updated_at = ?4, "
                      "version = version + 1 WHERE id = ?1 AND version = ?2",
        [QP_LIST] = "SELECT " PN_COLS PN_FROM "WHERE p.client_id = ?1 AND (p.author_id = ?2 OR "
                    "p.id IN (SELECT note_id FROM psychotherapy_note_shares WHERE user_id = ?2)) "
                    "ORDER BY p.id LIMIT ?3",
        [QP_SHARE_GET] = "SELECT nk_box FROM psychotherapy_note_shares WHERE note_id = ?1 AND "
                         "user_id = ?2",
        [QP_SHARES] = "SELECT u.public_id FROM psychotherapy_note_shares s JOIN users u ON "
                      "u.id = s.user_id WHERE s.note_id = ?1 ORDER BY u.id LIMIT ?2",
        [QP_SHARE_COUNT] = "SELECT count(*) FROM psychotherapy_note_shares WHERE note_id = ?1 "
                           "AND user_id <> ?2",
        [QP_SHARE_PUT] = "INSERT OR REPLACE INTO psychotherapy_note_shares(note_id, user_id, "
                         "nk_box, created_at) VALUES (?1, ?2, ?3, ?4)",
        [QP_SHARE_DELETE] = "DELETE FROM psychotherapy_note_shares WHERE note_id = ?1 AND "
                            "user_id = ?2",
};

const struct stmt_group store_group_pnotes = {sql, QP__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_PNOTES, (id))

/* blob_into - column col into out when it is exactly n bytes. */
static int blob_into(sqlite3_stmt *st, int col, void *out, size_t n)
{
	if ((size_t)sqlite3_column_bytes(st, col) != n || sqlite3_column_blob(st, col) == NULL)
		return 0;
	memcpy(out, sqlite3_column_blob(st, col), n);
	return 1;
}

/* ---- author keys ----------------------------------------------------------- */

enum err store_author_key_get(struct store *s, int64_t user_id, struct author_key_row *out)
{
	sqlite3_stmt *st = get(s, QP_AK_GET);
	struct author_key_row r;
	enum err e = ERR_OK;
	int rc;

	memset(&r, 0, sizeof r);
	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r.user_id = user_id;
		r.opslimit = (uint64_t)sqlite3_column_int64(st, 1);
		r.memlimit = (uint64_t)sqlite3_column_int64(st, 2);
		if (!blob_into(st, 0, r.salt, sizeof r.salt) ||
		    !blob_into(st, 3, r.pw_wrap, sizeof r.pw_wrap) ||
		    !blob_into(st, 4, r.box_public, sizeof r.box_public) ||
		    !blob_into(st, 5, r.box_sealed, sizeof r.box_sealed))
			e = ERR_CRYPTO;
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	}
	sqlite3_reset(st);
	if (e == ERR_OK)
		*out = r;
	return e;
}

enum err store_author_key_put(struct store *s, const struct author_key_row *r, int create,
                              int64_t now)
{
	sqlite3_stmt *st = get(s, create ? QP_AK_INSERT : QP_AK_REWRAP);
	enum err e;

	sqlite3_bind_int64(st, 1, r->user_id);
	sqlite3_bind_blob(st, 2, r->salt, sizeof r->salt, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)r->opslimit);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)r->memlimit);
	sqlite3_bind_blob(st, 5, r->pw_wrap, sizeof r->pw_wrap, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, r->box_public, sizeof r->box_public, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, r->box_sealed, sizeof r->box_sealed, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	e = step_done(s, st);
	if (e == ERR_OK && !create && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT; /* the key pair changed since r was read */
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_author_recovery_replace(struct store *s, int64_t user_id,
                                       const unsigned char (*hashes)[32],
                                       const unsigned char (*wraps)[VAULT_WRAPPEDBYTES], size_t n)
{
	sqlite3_stmt *st = get(s, QP_RC_CLEAR);
	size_t i;
	enum err e;

	sqlite3_bind_int64(st, 1, user_id);
	e = step_done(s, st);
	for (i = 0; e == ERR_OK && i < n; i++) {
		st = get(s, QP_RC_INSERT);
		sqlite3_bind_int64(st, 1, user_id);
		sqlite3_bind_blob(st, 2, hashes[i], 32, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, wraps[i], VAULT_WRAPPEDBYTES, SQLITE_STATIC);
		e = step_done(s, st);
		sqlite3_clear_bindings(st);
	}
	return e;
}

enum err store_author_recovery_find(struct store *s, int64_t user_id, const unsigned char hash[32],
                                    unsigned char wrap[VAULT_WRAPPEDBYTES])
{
	sqlite3_stmt *st = get(s, QP_RC_FIND);
	enum err e;
	int rc;

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = blob_into(st, 0, wrap, VAULT_WRAPPEDBYTES) ? ERR_OK : ERR_CRYPTO;
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

enum err store_author_recovery_delete(struct store *s, int64_t user_id,
                                      const unsigned char hash[32])
{
	sqlite3_stmt *st = get(s, QP_RC_DELETE);
	enum err e;

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	return e;
}

/* ---- notes ------------------------------------------------------------------ */

void pnote_cleanup(struct pnote *n)
{
	mem_free_wiped_str(n->body);
	mem_wipe(n, sizeof *n);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct pnote *n)
{
	memset(n, 0, sizeof *n);
	n->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, n->public_id, sizeof n->public_id);
	n->client_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, n->client_public_id, sizeof n->client_public_id);
	n->author_id = sqlite3_column_int64(st, 4);
	copy_col(st, 5, n->author_public_id, sizeof n->author_public_id);
	n->key_version = (uint32_t)sqlite3_column_int64(st, 6);
	n->created_at = sqlite3_column_int64(st, 7);
	n->updated_at = sqlite3_column_int64(st, 8);
	n->version = sqlite3_column_int64(st, 9);
}

/* seal_body - body sealed under nk and s->key into a new heap blob. */
static enum err seal_body(struct store *s, const struct vault_key *nk, int64_t note_id,
                          const char *body, unsigned char **blob, size_t *len)
{
	size_t n = strlen(body);
	enum err e;

	if (!mem_add_ok(n, VAULT_SEAL_OVERHEAD, len))
		return ERR_TOOBIG;
	*blob = malloc(*len);
	if (*blob == NULL)
		return ERR_NOMEM;
	e = vault_pnote_seal(*blob, *len, body, n, nk, s->key, note_id);
	if (e != ERR_OK) {
		free(*blob);
		*blob = NULL;
	}
	return e;
}

enum err store_pnote_create(struct store *s, const struct vault *v, const struct vault_key *ak,
                            struct pnote *n, int64_t now)
{
	unsigned char wrap[VAULT_WRAPPEDBYTES], *body = NULL;
	struct vault_key *nk = vault_key_new();
	sqlite3_stmt *st;
	size_t len = 0;
	char pid[33];
	enum err e;

	if (nk == NULL)
		return ERR_NOMEM;
	e = client_key_load(s, v, n->client_id, 1);
	if (e != ERR_OK)
		goto out;
	random_public_id(pid);
	st = get(s, QP_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n->client_id);
	sqlite3_bind_int64(st, 3, n->author_id);
	sqlite3_bind_int64(st, 4, s->key->version);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		goto out;
	n->id = sqlite3_last_insert_rowid(s->db);
	vault_author_key_new(nk);
	e = vault_pnote_key_wrap(wrap, nk, ak, s->key, n->id);
	if (e == ERR_OK)
		e = seal_body(s, nk, n->id, n->body, &body, &len);
	if (e != ERR_OK)
		goto out;
	st = get(s, QP_SEAL);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_blob(st, 2, wrap, sizeof wrap, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, body, (int)len, SQLITE_STATIC);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e != ERR_OK)
		goto out;
	memcpy(n->public_id, pid, sizeof pid);
	n->key_version = s->key->version;
	n->created_at = n->updated_at = now;
	n->version = 1;
out:
	free(body);
	vault_key_free(nk);
	return e;
}

enum err store_pnote_get(struct store *s, const char *public_id, struct pnote *out)
{
	sqlite3_stmt *st = get(s, QP_GET);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_row(st, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

/* note_key - n's note key into nk, for reader with their ak: the author
 * through nk_wrap, a supervisor through their share. s->key must be the
 * note's client key. */
static enum err note_key(struct store *s, const struct pnote *n, int64_t reader,
                         const struct vault_key *ak, const unsigned char wrap[VAULT_WRAPPEDBYTES],
                         struct vault_key *nk)
{
	unsigned char box[VAULT_SHAREBYTES];
	struct author_key_row r;
	sqlite3_stmt *st;
	enum err e;
	int rc;

	if (reader == n->author_id)
		return vault_pnote_key_unwrap(nk, wrap, ak, s->key, n->id);
	st = get(s, QP_SHARE_GET);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, reader);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = blob_into(st, 0, box, sizeof box) ? ERR_OK : ERR_CRYPTO;
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK)
		e = store_author_key_get(s, reader, &r);
	if (e == ERR_NOTFOUND)
		return ERR_NOTFOUND;
	if (e == ERR_OK)
		e = vault_pnote_share_open(nk, box, n->id, r.box_public, r.box_sealed, ak, reader);
	return e;
}

enum err store_pnote_open(struct store *s, const struct vault *v, struct pnote *n, int64_t reader,
                          const struct vault_key *ak)
{
	unsigned char wrap[VAULT_WRAPPEDBYTES];
	struct vault_key *nk = vault_key_new();
	sqlite3_stmt *st = NULL;
	const unsigned char *ct;
	size_t ct_len;
	char *text = NULL;
	enum err e;
	int rc;

	if (nk == NULL)
		return ERR_NOMEM;
	e = client_key_load(s, v, n->client_id, n->key_version);
	if (e != ERR_OK)
		goto out;
	st = get(s, QP_SEALED);
	sqlite3_bind_int64(st, 1, n->id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
		goto out;
	}
	if (!blob_into(st, 0, wrap, sizeof wrap)) {
		e = ERR_CRYPTO; /* never sealed, or altered */
		goto out;
	}
	e = note_key(s, n, reader, ak, wrap, nk);
	/* note_key may have used other statements; QP_SEALED's row is intact. */
	if (e != ERR_OK)
		goto out;
	ct = sqlite3_column_blob(st, 1);
	ct_len = (size_t)sqlite3_column_bytes(st, 1);
	if (ct == NULL || ct_len < VAULT_SEAL_OVERHEAD) {
		e = ERR_CRYPTO;
		goto out;
	}
	text = malloc(ct_len - VAULT_SEAL_OVERHEAD + 1);
	if (text == NULL) {
		e = ERR_NOMEM;
		goto out;
	}
	e = vault_pnote_open((unsigned char *)text, ct_len - VAULT_SEAL_OVERHEAD, ct, ct_len, nk,
	                     s->key, n->id);
	if (e != ERR_OK)
		goto out;
	text[ct_len - VAULT_SEAL_OVERHEAD] = '\0';
	if (strlen(text) != ct_len - VAULT_SEAL_OVERHEAD) {
		e = ERR_CRYPTO; /* we never seal a NUL */
		goto out;
	}
	mem_free_wiped_str(n->body);
	n->body = text;
	text = NULL;
out:
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (text != NULL) {
		mem_wipe(text, ct_len - VAULT_SEAL_OVERHEAD + 1);
		free(text);
	}
	mem_wipe(wrap, sizeof wrap);
	vault_key_free(nk);
	return e;
}

/* author_nk - n's note key, for its author with ak; leaves s->key the
 * note's client key. */
static enum err author_nk(struct store *s, const struct vault *v, const struct pnote *n,
                          const struct vault_key *ak, struct vault_key *nk)
{
	unsigned char wrap[VAULT_WRAPPEDBYTES];
	sqlite3_stmt *st;
	enum err e;
	int rc;

	e = client_key_load(s, v, n->client_id, n->key_version);
	if (e != ERR_OK)
		return e;
	st = get(s, QP_SEALED);
	sqlite3_bind_int64(st, 1, n->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = blob_into(st, 0, wrap, sizeof wrap) ? ERR_OK : ERR_CRYPTO;
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK)
		e = vault_pnote_key_unwrap(nk, wrap, ak, s->key, n->id);
	return e;
}

enum err store_pnote_update(struct store *s, const struct vault *v, const struct vault_key *ak,
                            struct pnote *n, const char *body, int64_t now)
{
	struct vault_key *nk = vault_key_new();
	unsigned char *blob = NULL;
	sqlite3_stmt *st;
	size_t len = 0;
	enum err e;

	if (nk == NULL)
		return ERR_NOMEM;
	e = author_nk(s, v, n, ak, nk);
	if (e == ERR_OK)
		e = seal_body(s, nk, n->id, body, &blob, &len);
	if (e != ERR_OK)
		goto out;
	st = get(s, QP_UPDATE);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, n->version);
	sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	if (e == ERR_OK) {
		n->version++;
		n->updated_at = now;
	}
out:
	free(blob);
	vault_key_free(nk);
	return e;
}

enum err store_pnote_list(struct store *s, int64_t client_id, int64_t reader, struct pnote *out,
                          size_t max, size_t *count)
{
	sqlite3_stmt *st = get(s, QP_LIST);
	size_t k = 0;
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, reader);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, &out[k++]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (e == ERR_OK)
		*count = k;
	return e;
}

enum err store_pnote_shared(struct store *s, int64_t note_id, int64_t user, int *yes)
{
	sqlite3_stmt *st = get(s, QP_SHARE_GET);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, note_id);
	sqlite3_bind_int64(st, 2, user);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		*yes = rc == SQLITE_ROW;
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_pnote_shares(struct store *s, int64_t note_id, char (*out)[33], size_t max,
                            size_t *count)
{
	sqlite3_stmt *st = get(s, QP_SHARES);
	size_t k = 0;
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	sqlite3_bind_int64(st, 1, note_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		copy_col(st, 0, out[k++], 33);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK)
		*count = k;
	return e;
}

enum err store_pnote_share_add(struct store *s, const struct vault *v, const struct vault_key *ak,
                               const struct pnote *n, int64_t user, int64_t now, int *no_key)
{
	unsigned char box[VAULT_SHAREBYTES];
	struct vault_key *nk = vault_key_new();
	struct author_key_row r;
	sqlite3_stmt *st;
	int64_t others = 0;
	enum err e;
	int rc;

	*no_key = 0;
	if (nk == NULL)
		return ERR_NOMEM;
	e = store_author_key_get(s, user, &r);
	if (e == ERR_NOTFOUND) {
		*no_key = 1;
		e = ERR_CONFLICT;
	}
	if (e != ERR_OK)
		goto out;
	st = get(s, QP_SHARE_COUNT);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, user);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		others = sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e == ERR_OK && others >= PNOTE_SHARES_MAX)
		e = ERR_CONFLICT;
	if (e == ERR_OK)
		e = author_nk(s, v, n, ak, nk);
	if (e == ERR_OK)
		e = vault_pnote_share(box, nk, n->id, r.box_public);
	if (e != ERR_OK)
		goto out;
	st = get(s, QP_SHARE_PUT);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_blob(st, 3, box, sizeof box, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	sqlite3_clear_bindings(st);
out:
	vault_key_free(nk);
	return e;
}

enum err store_pnote_share_delete(struct store *s, int64_t note_id, int64_t user)
{
	sqlite3_stmt *st = get(s, QP_SHARE_DELETE);
	enum err e;

	sqlite3_bind_int64(st, 1, note_id);
	sqlite3_bind_int64(st, 2, user);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_NOTFOUND;
	return e;
}
