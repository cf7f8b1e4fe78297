/*
 * store_research.c - the statements of a research export (see
 * store/research.h). Never: reads a sealed column; the client record and
 * diagnoses are read through their own files.
 */
#include "store/internal.h"
#include "store/research.h"
#include "store/schedule.h"

enum research_stmt { QR_CANDIDATES, QR_SESSIONS, QR__COUNT };

/* APPT_COMPLETED is 4 and APPT_MEMBER_CLIENT 0 (store/schedule.h); the
 * static asserts below keep the text in step. */
static const char *const sql[QR__COUNT] = {
        [QR_CANDIDATES] = "SELECT DISTINCT c.id, c.public_id FROM consents k "
                          "JOIN clients c ON c.id = k.client_id "
                          "WHERE k.purpose = 'research' "
                          "ORDER BY c.id LIMIT ?1",
        [QR_SESSIONS] = "SELECT CAST(strftime('%Y', t, 'unixepoch') AS INTEGER) AS y, COUNT(*) "
                        "FROM (SELECT a.id, a.starts_at AS t FROM appointments a "
                        "      WHERE a.client_id = ?1 AND a.status = 4 "
                        "      UNION SELECT a.id, a.starts_at FROM appointment_members m "
                        "      JOIN appointments a ON a.id = m.appointment_id "
                        "      WHERE m.role = 0 AND m.member_id = ?1 AND a.status = 4) "
                        "GROUP BY y ORDER BY y LIMIT ?2",
};

_Static_assert(APPT_COMPLETED == 4, "QR_SESSIONS names the completed status as 4");
_Static_assert(APPT_MEMBER_CLIENT == 0, "QR_SESSIONS names client members as role 0");

const struct stmt_group store_group_research = {sql, QR__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_RESEARCH, (id))

static enum err read_candidate(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct research_candidate *c = out;

	(void)s;
	(void)v;
	c->id = sqlite3_column_int64(st, 0);
	copy_text_col(st, 1, c->public_id, sizeof c->public_id);
	return ERR_OK;
}

static enum err read_year(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out)
{
	struct research_year *y = out;

	(void)s;
	(void)v;
	y->year = sqlite3_column_int(st, 0);
	y->sessions = sqlite3_column_int64(st, 1);
	return ERR_OK;
}

enum err store_research_candidates(struct store *s, struct research_candidate *out, size_t max,
                                   size_t *n)
{
	sqlite3_stmt *st = get(s, QR_CANDIDATES);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return rows_collect(s, NULL, st, read_candidate, NULL, out, sizeof *out, max, n);
}

enum err store_research_sessions(struct store *s, int64_t client_id, struct research_year *out,
                                 size_t max, size_t *n)
{
	sqlite3_stmt *st = get(s, QR_SESSIONS);

	sqlite3_bind_int64(st, 1, client_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return rows_collect(s, NULL, st, read_year, NULL, out, sizeof *out, max, n);
}
