/*
 * store_note_templates.c - note_templates rows (see store/note_templates.h).
 * Never: updates a template's name, title or fields, or deletes one.
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/note_templates.h"

enum templates_stmt { QT_INSERT, QT_GET, QT_LIST, QT_RETIRE, QT__COUNT };

#define T_COLS                                                                                     \
	"t.id, t.name, t.title, t.fields, t.created_at, coalesce(t.retired_at, 0), "               \
	"(SELECT count(*) FROM notes n WHERE n.template = t.name)"

static const char *const sql[QT__COUNT] = {
        [QT_INSERT] = "INSERT INTO note_templates(name, title, fields, created_by, created_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
        [QT_GET] = "SELECT " T_COLS " FROM note_templates t WHERE t.name = ?1",
        [QT_LIST] = "SELECT " T_COLS " FROM note_templates t ORDER BY t.id LIMIT ?1",
        [QT_RETIRE] = "UPDATE note_templates SET retired_at = ?2 WHERE name = ?1 AND "
                      "retired_at IS NULL",
};

const struct stmt_group store_group_note_templates = {sql, QT__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_NOTE_TEMPLATES, (id))

void note_template_row_cleanup(struct note_template_row *r)
{
	free(r->fields);
	memset(r, 0, sizeof *r);
}

static enum err read_row(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct note_template_row *r = out;
	const unsigned char *f = sqlite3_column_text(st, 3);

	(void)s;
	(void)v;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, r->name, sizeof r->name);
	copy_text_col(st, 2, r->title, sizeof r->title);
	r->fields = mem_strdup(f != NULL ? (const char *)f : "");
	if (r->fields == NULL)
		return ERR_NOMEM;
	r->created_at = sqlite3_column_int64(st, 4);
	r->retired_at = sqlite3_column_int64(st, 5);
	r->notes = sqlite3_column_int64(st, 6);
	return ERR_OK;
}

static void cleanup(void *p)
{
	note_template_row_cleanup(p);
}

enum err store_note_template_add(struct store *s, struct note_template_row *r, int64_t by,
                                 int64_t now)
{
	sqlite3_stmt *st = get(s, QT_INSERT);
	enum err e;

	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->fields, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, by);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	if (e == ERR_OK) {
		r->id = sqlite3_last_insert_rowid(s->db);
		r->created_at = now;
	}
	return e;
}

enum err store_note_template_get(struct store *s, const char *name, struct note_template_row *out)
{
	sqlite3_stmt *st = get(s, QT_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	e = rows_collect(s, NULL, st, read_row, cleanup, out, sizeof *out, 1, &n);
	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_note_template_list(struct store *s, struct note_template_row *out, size_t max,
                                  size_t *n)
{
	sqlite3_stmt *st = get(s, QT_LIST);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return rows_collect(s, NULL, st, read_row, cleanup, out, sizeof *out, max, n);
}

enum err store_note_template_retire(struct store *s, const char *name, int64_t now)
{
	sqlite3_stmt *st = get(s, QT_RETIRE);
	enum err e;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	return e;
}
