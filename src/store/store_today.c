/*
 * store_today.c - the cross-client note queries behind a clinician's today
 * view (see today.h). Reads ids, dates, templates and statuses only: these
 * columns are in the clear by design (0004_notes.sql). Never: selects or
 * opens a sealed column.
 */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/today.h"

enum today_stmt { QT_DRAFTS, QT_COSIGN, QT__COUNT };

#define TODAY_COLS                                                                                 \
	"SELECT n.id, n.public_id, n.client_id, c.public_id, n.author_id, u.public_id, "           \
	"u.display_name, n.template, n.note_date, n.status, n.created_at, n.updated_at, "          \
	"coalesce(n.signed_at, 0), n.version FROM notes n JOIN clients c ON c.id = n.client_id "   \
	"JOIN users u ON u.id = n.author_id "

static const char *const sql[QT__COUNT] = {
        [QT_DRAFTS] = TODAY_COLS "WHERE n.author_id = ?1 AND n.status = 0 "
                                 "ORDER BY n.updated_at DESC, n.id DESC LIMIT ?2",
        [QT_COSIGN] = TODAY_COLS "JOIN supervision s ON s.supervisee_id = n.author_id "
                                 "WHERE s.supervisor_id = ?1 AND n.status = 2 "
                                 "ORDER BY n.signed_at, n.id LIMIT ?2",
};

const struct stmt_group store_group_today = {sql, QT__COUNT};

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* rows - run statement q for user id, filling out. */
static enum err rows(struct store *s, enum today_stmt q, int64_t id, struct note *out, size_t max,
                     size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STORE_GROUP_TODAY, q);
	size_t k = 0;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct note *r = &out[k++];

		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, r->public_id, sizeof r->public_id);
		r->client_id = sqlite3_column_int64(st, 2);
		copy_col(st, 3, r->client_public_id, sizeof r->client_public_id);
		r->author_id = sqlite3_column_int64(st, 4);
		copy_col(st, 5, r->author_public_id, sizeof r->author_public_id);
		copy_col(st, 6, r->author_name, sizeof r->author_name);
		copy_col(st, 7, r->template_name, sizeof r->template_name);
		copy_col(st, 8, r->date, sizeof r->date);
		r->status = sqlite3_column_int(st, 9);
		r->created_at = sqlite3_column_int64(st, 10);
		r->updated_at = sqlite3_column_int64(st, 11);
		r->signed_at = sqlite3_column_int64(st, 12);
		r->version = sqlite3_column_int64(st, 13);
	}
	if (k < max && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		mem_wipe(out, k * sizeof *out);
		return e;
	}
	*n = k;
	return ERR_OK;
}

enum err store_today_drafts(struct store *s, int64_t author_id, struct note *out, size_t max,
                            size_t *n)
{
	return rows(s, QT_DRAFTS, author_id, out, max, n);
}

enum err store_today_cosign(struct store *s, int64_t supervisor_id, struct note *out, size_t max,
                            size_t *n)
{
	return rows(s, QT_COSIGN, supervisor_id, out, max, n);
}
