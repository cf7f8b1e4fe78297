/*
 * store_diagnoses.c - client_diagnoses rows (see store/diagnoses.h). The
 * code and the onset and resolution dates are sealed under the client's
 * key, each bound to its table, column and row; a row is inserted with an
 * empty code and sealed once its id is known. Never: leaves plaintext in
 * memory it frees, or a second primary diagnosis for a client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/diagnoses.h"
#include "store/internal.h"

enum diagnoses_stmt {
	QD_INSERT,
	QD_SEAL,
	QD_GET,
	QD_LIST,
	QD_COUNT,
	QD_CLEAR_PRIMARY,
	QD_UPDATE,
	QD__COUNT
};

#define DX_COLS                                                                                    \
	"d.id, d.public_id, d.client_id, c.public_id, d.key_version, d.code_sealed, "              \
	"d.onset_sealed, d.resolved_on_sealed, d.is_primary, d.resolved, d.created_by, "           \
	"u.public_id, d.created_at, d.updated_at, d.version"
#define DX_FROM                                                                                    \
	" FROM client_diagnoses d JOIN clients c ON c.id = d.client_id "                           \
	"JOIN users u ON u.id = d.created_by "

static const char *const sql[QD__COUNT] = {
        [QD_INSERT] = "INSERT INTO client_diagnoses(public_id, client_id, key_version, "
                      "code_sealed, is_primary, resolved, created_by, created_at, updated_at, "
                      "version) VALUES (?1, ?2, ?3, x'', ?4, 0, ?5, ?6, ?6, 1)",
        [QD_SEAL] = "UPDATE client_diagnoses SET code_sealed = ?2, onset_sealed = ?3, "
                    "resolved_on_sealed = ?4 WHERE id = ?1",
        [QD_GET] = "SELECT " DX_COLS DX_FROM "WHERE d.public_id = ?1",
        [QD_LIST] = "SELECT " DX_COLS DX_FROM "WHERE d.client_id = ?1 "
                    "ORDER BY d.resolved, d.is_primary DESC, d.id LIMIT ?2",
        [QD_COUNT] = "SELECT count(*) FROM client_diagnoses WHERE client_id = ?1",
        [QD_CLEAR_PRIMARY] = "UPDATE client_diagnoses SET is_primary = 0, updated_at = ?3, "
                             "version = version + 1 WHERE client_id = ?1 AND is_primary = 1 "
                             "AND id <> ?2",
        [QD_UPDATE] = "UPDATE client_diagnoses SET is_primary = ?3, resolved = ?4, "
                      "updated_at = ?5, version = version + 1 WHERE id = ?1 AND version = ?2",
};

const struct stmt_group store_group_diagnoses = {sql, QD__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_DIAGNOSES, (id))

void diagnosis_cleanup(struct diagnosis *d)
{
	mem_wipe(d, sizeof *d);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* open_into - open sealed column col into out (size bytes); "" for NULL.
 * ERR_CRYPTO if it fails to open or does not fit. */
static enum err open_into(struct store *s, sqlite3_stmt *st, int col, const char *column,
                          int64_t row, char *out, size_t size)
{
	char *p = NULL;
	size_t n;
	enum err e = open_column(s, st, col, "client_diagnoses", column, row, &p);

	if (e != ERR_OK)
		return e;
	out[0] = '\0';
	if (p == NULL)
		return ERR_OK;
	n = strlen(p);
	if (n < size)
		memcpy(out, p, n + 1);
	else
		e = ERR_CRYPTO; /* longer than anything we seal here */
	mem_free_wiped_str(p);
	return e;
}

/* read_row - the current row; the sealed columns only when open. */
static enum err read_row(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                         struct diagnosis *out)
{
	struct diagnosis d;
	enum err e = ERR_OK;

	memset(&d, 0, sizeof d);
	d.id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, d.public_id, sizeof d.public_id);
	d.client_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, d.client_public_id, sizeof d.client_public_id);
	d.is_primary = sqlite3_column_int(st, 8);
	d.resolved = sqlite3_column_int(st, 9);
	d.created_by = sqlite3_column_int64(st, 10);
	copy_col(st, 11, d.created_by_public_id, sizeof d.created_by_public_id);
	d.created_at = sqlite3_column_int64(st, 12);
	d.updated_at = sqlite3_column_int64(st, 13);
	d.version = sqlite3_column_int64(st, 14);
	if (open) {
		e = client_key_load(s, v, d.client_id, (uint32_t)sqlite3_column_int64(st, 4));
		if (e == ERR_OK)
			e = open_into(s, st, 5, "code", d.id, d.code, sizeof d.code);
		if (e == ERR_OK && d.code[0] == '\0')
			e = ERR_CRYPTO; /* a row whose code was never sealed */
		if (e == ERR_OK)
			e = open_into(s, st, 6, "onset", d.id, d.onset, sizeof d.onset);
		if (e == ERR_OK)
			e = open_into(s, st, 7, "resolved_on", d.id, d.resolved_on,
			              sizeof d.resolved_on);
	}
	if (e != ERR_OK) {
		diagnosis_cleanup(&d);
		return e;
	}
	*out = d;
	mem_wipe(&d, sizeof d);
	return ERR_OK;
}

/* seal_row - seal d's code and dates into its row (s->key must be the
 * client's current key). */
static enum err seal_row(struct store *s, const struct diagnosis *d)
{
	sqlite3_stmt *st = get(s, QD_SEAL);
	unsigned char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	enum err e;

	sqlite3_bind_int64(st, 1, d->id);
	e = seal_bind(s, st, 2, "client_diagnoses", "code", d->id, d->code, &b1);
	if (e == ERR_OK)
		e = seal_bind(s, st, 3, "client_diagnoses", "onset", d->id,
		              d->onset[0] ? d->onset : NULL, &b2);
	if (e == ERR_OK)
		e = seal_bind(s, st, 4, "client_diagnoses", "resolved_on", d->id,
		              d->resolved_on[0] ? d->resolved_on : NULL, &b3);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_NOTFOUND;
	sqlite3_clear_bindings(st);
	free(b1);
	free(b2);
	free(b3);
	return e;
}

/* clear_primary - the client's other primary diagnosis is no longer one. */
static enum err clear_primary(struct store *s, int64_t client_id, int64_t keep, int64_t now)
{
	sqlite3_stmt *st = get(s, QD_CLEAR_PRIMARY);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, keep);
	sqlite3_bind_int64(st, 3, now);
	return step_done(s, st);
}

enum err store_diagnosis_add(struct store *s, const struct vault *v, struct diagnosis *d,
                             int64_t now)
{
	sqlite3_stmt *st;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, d->client_id, 1);
	if (e == ERR_OK && d->is_primary)
		e = clear_primary(s, d->client_id, 0, now);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QD_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, d->client_id);
	sqlite3_bind_int64(st, 3, s->key->version);
	sqlite3_bind_int(st, 4, d->is_primary ? 1 : 0);
	sqlite3_bind_int64(st, 5, d->created_by);
	sqlite3_bind_int64(st, 6, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	d->id = sqlite3_last_insert_rowid(s->db);
	d->resolved_on[0] = '\0';
	e = seal_row(s, d);
	if (e != ERR_OK)
		return e;
	memcpy(d->public_id, pid, sizeof pid);
	d->is_primary = d->is_primary ? 1 : 0;
	d->resolved = 0;
	d->version = 1;
	d->created_at = d->updated_at = now;
	return ERR_OK;
}

enum err store_diagnosis_get(struct store *s, const struct vault *v, const char *public_id,
                             int open, struct diagnosis *out)
{
	sqlite3_stmt *st = get(s, QD_GET);
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

/* read_row_open / diagnosis_cleanup_v - the reader (opened) and cleanup in rows_collect's shape. */
static enum err read_row_open(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	return read_row(s, v, st, 1, out);
}

static void diagnosis_cleanup_v(void *p)
{
	diagnosis_cleanup(p);
}

enum err store_diagnosis_list(struct store *s, const struct vault *v, int64_t client_id,
                              struct diagnosis *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QD_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, v, st, read_row_open, diagnosis_cleanup_v, out, sizeof *out, max, n);
}

enum err store_diagnosis_count(struct store *s, int64_t client_id, size_t *n)
{
	sqlite3_stmt *st = get(s, QD_COUNT);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_diagnosis_update(struct store *s, const struct vault *v, struct diagnosis *d,
                                int64_t now)
{
	sqlite3_stmt *st;
	enum err e = ERR_OK;

	if (d->is_primary)
		e = clear_primary(s, d->client_id, d->id, now);
	if (e != ERR_OK)
		return e;
	st = get(s, QD_UPDATE);
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_int64(st, 2, d->version);
	sqlite3_bind_int(st, 3, d->is_primary ? 1 : 0);
	sqlite3_bind_int(st, 4, d->resolved ? 1 : 0);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	if (sqlite3_changes(s->db) != 1)
		return ERR_CONFLICT;
	e = client_key_load(s, v, d->client_id, 1);
	if (e == ERR_OK)
		e = seal_row(s, d);
	if (e == ERR_OK) {
		d->version++;
		d->updated_at = now;
	}
	return e;
}
