/*
 * store_risk.c - notes' sealed risk summaries (see store/note_templates.h).
 * The summary is sealed under the client's key with associated data
 * ("notes", "risk", note row, key version), so a summary moved to another
 * note fails to open. Never: returns a value that failed to open.
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/note_templates.h"

enum risk_stmt { QK_PUT, QK_LATEST, QK__COUNT };

static const char *const sql[QK__COUNT] = {
        [QK_PUT] = "UPDATE notes SET risk_sealed = ?2 WHERE id = ?1",
        [QK_LATEST] = "SELECT id, public_id, note_date, key_version, risk_sealed, body_sealed "
                      "FROM notes WHERE client_id = ?1 AND status <> 0 AND note_date >= ?2 "
                      "ORDER BY note_date DESC, id DESC LIMIT 1",
};

const struct stmt_group store_group_risk = {sql, QK__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_RISK, (id))

void note_risk_row_cleanup(struct note_risk_row *r)
{
	mem_free_wiped_str(r->summary);
	mem_free_wiped_str(r->content);
	mem_wipe(r, sizeof *r);
}

enum err store_note_risk_put(struct store *s, const struct vault *v, int64_t note_id,
                             int64_t client_id, const char *summary)
{
	sqlite3_stmt *st;
	unsigned char *blob = NULL;
	enum err e;

	e = client_key_load(s, v, client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QK_PUT);
	sqlite3_bind_int64(st, 1, note_id);
	e = seal_bind(s, st, 2, "notes", "risk", note_id, summary, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

enum err store_note_risk_latest(struct store *s, const struct vault *v, int64_t client_id,
                                const char *since, struct note_risk_row *out)
{
	sqlite3_stmt *st = get(s, QK_LATEST);
	struct note_risk_row r;
	enum err e = ERR_OK;
	int rc;

	memset(&r, 0, sizeof r);
	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		e = ERR_NOTFOUND;
	} else if (rc != SQLITE_ROW) {
		e = db_err(s, rc);
	} else {
		r.note_id = sqlite3_column_int64(st, 0);
		copy_text_col(st, 1, r.note_public_id, sizeof r.note_public_id);
		copy_text_col(st, 2, r.date, sizeof r.date);
		e = client_key_load(s, v, client_id, (uint32_t)sqlite3_column_int64(st, 3));
		if (e == ERR_OK && sqlite3_column_type(st, 4) != SQLITE_NULL)
			e = open_column(s, st, 4, "notes", "risk", r.note_id, &r.summary);
		else if (e == ERR_OK)
			e = open_column(s, st, 5, "notes", "body", r.note_id, &r.content);
		if (e == ERR_OK && r.summary == NULL && r.content == NULL)
			e = ERR_CRYPTO;
	}
	sqlite3_reset(st);
	if (e != ERR_OK) {
		note_risk_row_cleanup(&r);
		return e;
	}
	*out = r;
	return ERR_OK;
}
