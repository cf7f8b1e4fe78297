/*
 * store_chart.c - guardians, chart history, note versions and the care
 * team as the chart shows it (see store/chart.h). Every PHI value is
 * sealed under the client's key, bound to its table, column and row; rows
 * are inserted with an empty sealed column and sealed once their id is
 * known. Never: leaves plaintext in memory it frees; updates or deletes a
 * history row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/chart.h"
#include "store/internal.h"

enum chart_stmt {
	QC_G_INSERT,
	QC_G_SEAL,
	QC_G_GET,
	QC_G_LIST,
	QC_G_COUNT,
	QC_G_UPDATE,
	QC_G_DELETE,
	QC_V_INSERT,
	QC_V_SEAL,
	QC_V_COUNT,
	QC_V_LIST,
	QC_NV_INSERT,
	QC_NV_SEAL,
	QC_NV_COUNT,
	QC_NV_LIST,
	QC_TEAM_LIST,
	QC_TEAM_MEMBER,
	QC__COUNT
};

#define G_COLS                                                                                     \
	"g.id, g.public_id, g.client_id, c.public_id, g.key_version, g.name_sealed, "              \
	"g.relationship_sealed, g.phone_sealed, g.email_sealed, g.scopes, g.created_at, "          \
	"g.updated_at, g.version"
#define G_FROM " FROM client_guardians g JOIN clients c ON c.id = g.client_id "

static const char *const sql[QC__COUNT] = {
        [QC_G_INSERT] = "INSERT INTO client_guardians(public_id, client_id, key_version, "
                        "name_sealed, scopes, created_at, updated_at, version) "
                        "VALUES (?1, ?2, ?3, x'', ?4, ?5, ?5, 1)",
        [QC_G_SEAL] = "UPDATE client_guardians SET name_sealed = ?2, relationship_sealed = ?3, "
                      "phone_sealed = ?4, email_sealed = ?5 WHERE id = ?1",
        [QC_G_GET] = "SELECT " G_COLS G_FROM "WHERE g.public_id = ?1",
        [QC_G_LIST] = "SELECT " G_COLS G_FROM "WHERE g.client_id = ?1 ORDER BY g.id LIMIT ?2",
        [QC_G_COUNT] = "SELECT count(*) FROM client_guardians WHERE client_id = ?1",
        [QC_G_UPDATE] = "UPDATE client_guardians SET scopes = ?3, updated_at = ?4, "
                        "version = version + 1 WHERE id = ?1 AND version = ?2",
        [QC_G_DELETE] = "DELETE FROM client_guardians WHERE id = ?1",
        [QC_V_INSERT] = "INSERT INTO client_versions(client_id, key_version, at, actor_id, action, "
                        "object_type, object_id, changed, changes_sealed) "
                        "VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, ?6, ?7, ?8, x'')",
        [QC_V_SEAL] = "UPDATE client_versions SET changes_sealed = ?2 WHERE id = ?1 AND "
                      "length(changes_sealed) = 0",
        [QC_V_COUNT] = "SELECT count(*) FROM client_versions WHERE client_id = ?1",
        [QC_V_LIST] = "SELECT v.id, v.key_version, v.at, coalesce(u.public_id, ''), v.action, "
                      "v.object_type, v.object_id, v.changed, v.changes_sealed "
                      "FROM client_versions v LEFT JOIN users u ON u.id = v.actor_id "
                      "WHERE v.client_id = ?1 ORDER BY v.id LIMIT ?2",
        [QC_NV_INSERT] = "INSERT INTO note_versions(note_id, version, key_version, at, actor_id, "
                         "note_date, body_sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, x'')",
        [QC_NV_SEAL] = "UPDATE note_versions SET body_sealed = ?2 WHERE id = ?1 AND "
                       "length(body_sealed) = 0",
        [QC_NV_COUNT] = "SELECT count(*) FROM note_versions WHERE note_id = ?1",
        [QC_NV_LIST] = "SELECT v.id, v.version, v.key_version, v.at, u.public_id, v.note_date, "
                       "v.body_sealed FROM note_versions v JOIN users u ON u.id = v.actor_id "
                       "WHERE v.note_id = ?1 ORDER BY v.version LIMIT ?2",
        [QC_TEAM_LIST] = "SELECT u.public_id, u.display_name, u.role FROM care_team t "
                         "JOIN users u ON u.id = t.user_id WHERE t.client_id = ?1 "
                         "ORDER BY t.added_at, u.id LIMIT ?2",
        [QC_TEAM_MEMBER] = "SELECT 1 FROM care_team t JOIN users u ON u.id = t.user_id "
                           "WHERE t.client_id = ?1 AND u.public_id = ?2",
};

const struct stmt_group store_group_chart = {sql, QC__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_CHART, (id))

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* count_of - run a count(*) statement with one id parameter. */
static enum err count_of(struct store *s, enum chart_stmt q, int64_t id, size_t *n)
{
	sqlite3_stmt *st = get(s, q);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* seal_one - seal text into the one sealed column (?2) of row id via q. */
static enum err seal_one(struct store *s, enum chart_stmt q, const char *table, const char *column,
                         int64_t id, const char *text)
{
	sqlite3_stmt *st = get(s, q);
	unsigned char *blob = NULL;
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = seal_bind(s, st, 2, table, column, id, text, &blob);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_CONFLICT;
	sqlite3_clear_bindings(st);
	free(blob);
	return e;
}

/* ---- guardians ------------------------------------------------------- */

static const char *const g_columns[] = {"name", "relationship", "phone", "email"};

static char **g_field(struct guardian *g, unsigned i)
{
	char **f[] = {&g->name, &g->relationship, &g->phone, &g->email};

	return f[i];
}

void guardian_cleanup(struct guardian *g)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		mem_free_wiped_str(*g_field(g, i));
	mem_wipe(g, sizeof *g);
}

/* read_guardian - the current row; the text only when open. */
static enum err read_guardian(struct store *s, const struct vault *v, sqlite3_stmt *st, int open,
                              struct guardian *out)
{
	struct guardian g;
	unsigned i;
	enum err e = ERR_OK;

	memset(&g, 0, sizeof g);
	g.id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, g.public_id, sizeof g.public_id);
	g.client_id = sqlite3_column_int64(st, 2);
	copy_col(st, 3, g.client_public_id, sizeof g.client_public_id);
	g.scopes = (unsigned)sqlite3_column_int(st, 9);
	g.created_at = sqlite3_column_int64(st, 10);
	g.updated_at = sqlite3_column_int64(st, 11);
	g.version = sqlite3_column_int64(st, 12);
	if (open) {
		e = client_key_load(s, v, g.client_id, (uint32_t)sqlite3_column_int64(st, 4));
		for (i = 0; e == ERR_OK && i < 4; i++)
			e = open_column(s, st, 5 + (int)i, "client_guardians", g_columns[i], g.id,
			                g_field(&g, i));
		if (e == ERR_OK && g.name == NULL)
			e = ERR_CRYPTO; /* a row whose name was never sealed */
	}
	if (e != ERR_OK) {
		guardian_cleanup(&g);
		return e;
	}
	*out = g;
	return ERR_OK;
}

/* seal_guardian - seal g's text into its row (s->key: the client's key). */
static enum err seal_guardian(struct store *s, struct guardian *g)
{
	sqlite3_stmt *st = get(s, QC_G_SEAL);
	unsigned char *blobs[4] = {0};
	unsigned i;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, g->id);
	for (i = 0; e == ERR_OK && i < 4; i++)
		e = seal_bind(s, st, 2 + (int)i, "client_guardians", g_columns[i], g->id,
		              *g_field(g, i), &blobs[i]);
	if (e == ERR_OK)
		e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_NOTFOUND;
	sqlite3_clear_bindings(st);
	for (i = 0; i < 4; i++)
		free(blobs[i]);
	return e;
}

enum err store_guardian_add(struct store *s, const struct vault *v, struct guardian *g, int64_t now)
{
	sqlite3_stmt *st;
	char pid[33];
	enum err e;

	e = client_key_load(s, v, g->client_id, 1);
	if (e != ERR_OK)
		return e;
	random_public_id(pid);
	st = get(s, QC_G_INSERT);
	sqlite3_bind_text(st, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, g->client_id);
	sqlite3_bind_int64(st, 3, s->key->version);
	sqlite3_bind_int(st, 4, (int)g->scopes);
	sqlite3_bind_int64(st, 5, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	g->id = sqlite3_last_insert_rowid(s->db);
	e = seal_guardian(s, g);
	if (e != ERR_OK)
		return e;
	memcpy(g->public_id, pid, sizeof pid);
	g->version = 1;
	g->created_at = g->updated_at = now;
	return ERR_OK;
}

enum err store_guardian_get(struct store *s, const struct vault *v, const char *public_id, int open,
                            struct guardian *out)
{
	sqlite3_stmt *st = get(s, QC_G_GET);
	enum err e;
	int rc;

	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = read_guardian(s, v, st, open, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* read_guardian_open / guardian_cleanup_v - the reader (opened) and cleanup in rows_collect's
 * shape. */
static enum err read_guardian_open(struct store *s, const struct vault *v, sqlite3_stmt *st,
                                   void *out)
{
	return read_guardian(s, v, st, 1, out);
}

static void guardian_cleanup_v(void *p)
{
	guardian_cleanup(p);
}

enum err store_guardian_list(struct store *s, const struct vault *v, int64_t client_id,
                             struct guardian *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QC_G_LIST);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, v, st, read_guardian_open, guardian_cleanup_v, out, sizeof *out, max,
	                    n);
}

enum err store_guardian_count(struct store *s, int64_t client_id, size_t *n)
{
	return count_of(s, QC_G_COUNT, client_id, n);
}

enum err store_guardian_update(struct store *s, const struct vault *v, struct guardian *g,
                               int64_t now)
{
	sqlite3_stmt *st = get(s, QC_G_UPDATE);
	enum err e;

	sqlite3_bind_int64(st, 1, g->id);
	sqlite3_bind_int64(st, 2, g->version);
	sqlite3_bind_int(st, 3, (int)g->scopes);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	if (sqlite3_changes(s->db) != 1)
		return ERR_CONFLICT;
	e = client_key_load(s, v, g->client_id, 1);
	if (e == ERR_OK)
		e = seal_guardian(s, g);
	if (e == ERR_OK) {
		g->version++;
		g->updated_at = now;
	}
	return e;
}

enum err store_guardian_remove(struct store *s, int64_t id)
{
	sqlite3_stmt *st = get(s, QC_G_DELETE);
	enum err e;

	sqlite3_bind_int64(st, 1, id);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) != 1)
		e = ERR_NOTFOUND;
	return e;
}

/* ---- chart history ------------------------------------------------------ */

void chart_version_cleanup(struct chart_version *c)
{
	mem_free_wiped_str(c->changed);
	mem_free_wiped_str(c->changes);
	mem_wipe(c, sizeof *c);
}

enum err store_chart_version_add(struct store *s, const struct vault *v,
                                 const struct chart_change_row *r)
{
	sqlite3_stmt *st;
	enum err e;

	e = client_key_load(s, v, r->client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QC_V_INSERT);
	sqlite3_bind_int64(st, 1, r->client_id);
	sqlite3_bind_int64(st, 2, s->key->version);
	sqlite3_bind_int64(st, 3, r->at);
	sqlite3_bind_int64(st, 4, r->actor_id);
	sqlite3_bind_text(st, 5, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->object_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->object_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->changed, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	return seal_one(s, QC_V_SEAL, "client_versions", "changes",
	                sqlite3_last_insert_rowid(s->db), r->changes);
}

enum err store_chart_version_count(struct store *s, int64_t client_id, size_t *n)
{
	return count_of(s, QC_V_COUNT, client_id, n);
}

enum err store_chart_versions(struct store *s, const struct vault *v, int64_t client_id,
                              struct chart_version *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QC_V_LIST);
	size_t k = 0, i;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct chart_version *c = &out[k];
		const unsigned char *t;

		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		c->at = sqlite3_column_int64(st, 2);
		copy_col(st, 3, c->actor, sizeof c->actor);
		copy_col(st, 4, c->action, sizeof c->action);
		copy_col(st, 5, c->object_type, sizeof c->object_type);
		copy_col(st, 6, c->object_id, sizeof c->object_id);
		t = sqlite3_column_text(st, 7);
		c->changed = mem_strdup(t ? (const char *)t : "");
		e = c->changed != NULL ? ERR_OK : ERR_NOMEM;
		if (e == ERR_OK)
			e = client_key_load(s, v, client_id, (uint32_t)sqlite3_column_int64(st, 1));
		if (e == ERR_OK)
			e = open_column(s, st, 8, "client_versions", "changes", c->id, &c->changes);
		if (e == ERR_OK && c->changes == NULL)
			e = ERR_CRYPTO;
		if (e != ERR_OK)
			chart_version_cleanup(c);
		else
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			chart_version_cleanup(&out[i]);
		return e;
	}
	*n = k;
	return ERR_OK;
}

/* ---- note versions --------------------------------------------------------- */

void note_version_cleanup(struct note_version *nv)
{
	mem_free_wiped_str(nv->content);
	mem_wipe(nv, sizeof *nv);
}

enum err store_note_version_add(struct store *s, const struct vault *v, const struct note *n,
                                int64_t actor, int64_t at)
{
	sqlite3_stmt *st;
	enum err e;

	e = client_key_load(s, v, n->client_id, 1);
	if (e != ERR_OK)
		return e;
	st = get(s, QC_NV_INSERT);
	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, n->version);
	sqlite3_bind_int64(st, 3, s->key->version);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_int64(st, 5, actor);
	sqlite3_bind_text(st, 6, n->date, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e != ERR_OK)
		return e;
	return seal_one(s, QC_NV_SEAL, "note_versions", "body", sqlite3_last_insert_rowid(s->db),
	                n->content);
}

enum err store_note_version_count(struct store *s, int64_t note_id, size_t *count)
{
	return count_of(s, QC_NV_COUNT, note_id, count);
}

enum err store_note_versions(struct store *s, const struct vault *v, const struct note *n,
                             struct note_version *out, size_t max, size_t *count)
{
	sqlite3_stmt *st = get(s, QC_NV_LIST);
	size_t k = 0, i;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, n->id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct note_version *nv = &out[k];
		int64_t row = sqlite3_column_int64(st, 0);

		memset(nv, 0, sizeof *nv);
		nv->version = sqlite3_column_int64(st, 1);
		nv->at = sqlite3_column_int64(st, 3);
		copy_col(st, 4, nv->actor, sizeof nv->actor);
		copy_col(st, 5, nv->date, sizeof nv->date);
		e = client_key_load(s, v, n->client_id, (uint32_t)sqlite3_column_int64(st, 2));
		if (e == ERR_OK)
			e = open_column(s, st, 6, "note_versions", "body", row, &nv->content);
		if (e == ERR_OK && nv->content == NULL)
			e = ERR_CRYPTO;
		if (e != ERR_OK)
			note_version_cleanup(nv);
		else
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			note_version_cleanup(&out[i]);
		return e;
	}
	*count = k;
	return ERR_OK;
}

/* ---- care team ------------------------------------------------------------- */

enum err store_care_team_list(struct store *s, int64_t client_id, struct care_member *out,
                              size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QC_TEAM_LIST);
	size_t k = 0;
	int rc = SQLITE_DONE;

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		copy_col(st, 0, out[k].public_id, sizeof out[k].public_id);
		copy_col(st, 1, out[k].name, sizeof out[k].name);
		copy_col(st, 2, out[k].role, sizeof out[k].role);
		k++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_err(s, rc);
	*n = k;
	return ERR_OK;
}

enum err store_care_team_member(struct store *s, int64_t client_id, const char *user, int *yes)
{
	sqlite3_stmt *st = get(s, QC_TEAM_MEMBER);
	int rc;

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, rc);
	*yes = rc == SQLITE_ROW;
	return ERR_OK;
}
