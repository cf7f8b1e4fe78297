/*
 * store_retention.c - retention_rules rows, and the count of clients under
 * a rule (see store/retention.h). Never: returns or logs a client's
 * jurisdiction; it is only compared, in memory, and wiped.
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"
#include "store/retention.h"

enum retention_stmt { QN_GET, QN_LIST, QN_HAS, QN_PUT, QN_DELETE, QN_JURISDICTIONS, QN__COUNT };

#define RULE_COLS "code, adult_years, majority_age, minor_years, note, updated_at"

static const char *const sql[QN__COUNT] = {
        [QN_GET] = "SELECT " RULE_COLS " FROM retention_rules WHERE code = ?1",
        [QN_LIST] = "SELECT " RULE_COLS " FROM retention_rules ORDER BY code LIMIT ?1",
        [QN_HAS] = "SELECT 1 FROM retention_rules WHERE code = ?1",
        [QN_PUT] = "INSERT INTO retention_rules(" RULE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                   "ON CONFLICT(code) DO UPDATE SET adult_years = excluded.adult_years, "
                   "majority_age = excluded.majority_age, minor_years = excluded.minor_years, "
                   "note = excluded.note, updated_at = excluded.updated_at",
        [QN_DELETE] = "DELETE FROM retention_rules WHERE code = ?1",
        [QN_JURISDICTIONS] = "SELECT id, key_version, jurisdiction_sealed FROM clients "
                             "WHERE jurisdiction_sealed IS NOT NULL ORDER BY id",
};

const struct stmt_group store_group_retention = {sql, QN__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_RETENTION, (id))

static enum err read_rule(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct retention_rule *r = out;

	(void)s;
	(void)v;
	memset(r, 0, sizeof *r);
	copy_text_col(st, 0, r->code, sizeof r->code);
	r->adult_years = sqlite3_column_int64(st, 1);
	r->majority_age = sqlite3_column_int64(st, 2);
	r->minor_years = sqlite3_column_int64(st, 3);
	copy_text_col(st, 4, r->note, sizeof r->note);
	r->updated_at = sqlite3_column_int64(st, 5);
	return ERR_OK;
}

static void rule_cleanup(void *p)
{
	(void)p;
}

enum err store_retention_rule_get(struct store *s, const char *code, struct retention_rule *out)
{
	sqlite3_stmt *st = get(s, QN_GET);
	size_t n = 0;
	enum err e;

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	e = rows_collect(s, NULL, st, read_rule, rule_cleanup, out, sizeof *out, 1, &n);
	if (e == ERR_OK && n == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_retention_rule_list(struct store *s, struct retention_rule *out, size_t max,
                                   size_t *n)
{
	sqlite3_stmt *st = get(s, QN_LIST);

	sqlite3_bind_int64(st, 1, (int64_t)max);
	return rows_collect(s, NULL, st, read_rule, rule_cleanup, out, sizeof *out, max, n);
}

enum err store_retention_rule_put(struct store *s, const struct retention_rule *r, int *created)
{
	sqlite3_stmt *st = get(s, QN_HAS);
	int rc;

	sqlite3_bind_text(st, 1, r->code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, rc);
	*created = rc == SQLITE_DONE;
	st = get(s, QN_PUT);
	sqlite3_bind_text(st, 1, r->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->adult_years);
	sqlite3_bind_int64(st, 3, r->majority_age);
	sqlite3_bind_int64(st, 4, r->minor_years);
	sqlite3_bind_text(st, 5, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->updated_at);
	return step_done(s, st);
}

enum err store_retention_rule_delete(struct store *s, const char *code)
{
	sqlite3_stmt *st = get(s, QN_DELETE);
	enum err e;

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK && sqlite3_changes(s->db) == 0)
		e = ERR_NOTFOUND;
	return e;
}

enum err store_retention_rule_users(struct store *s, const struct vault *v, const char *code,
                                    int64_t *count)
{
	sqlite3_stmt *st = get(s, QN_JURISDICTIONS);
	int64_t k = 0;
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	while (e == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		char *j = NULL;

		e = client_key_load(s, v, id, (uint32_t)sqlite3_column_int64(st, 1));
		if (e == ERR_OK)
			e = open_column(s, st, 2, "clients", "jurisdiction", id, &j);
		if (e == ERR_OK && j != NULL && strcmp(j, code) == 0)
			k++;
		mem_free_wiped_str(j);
	}
	sqlite3_reset(st);
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	if (e == ERR_OK)
		*count = k;
	return e;
}
