/*
 * helpers.c - statement helpers shared by the store's files, and the table
 * of statement groups store_open prepares.
 */
#include "store/internal.h"

#include <string.h>

#include "core/log.h"

const struct stmt_group *const store_groups[STORE_GROUP__COUNT] = {
        [STORE_GROUP_CORE] = &store_group_core,
        [STORE_GROUP_AUDIT] = &store_group_audit,
        [STORE_GROUP_IDENTITY] = &store_group_identity,
        [STORE_GROUP_NOTES] = &store_group_notes,
        /* Appended groups follow, one a line. */
        [STORE_GROUP_DIAGNOSES] = &store_group_diagnoses,
        [STORE_GROUP_CONSENT] = &store_group_consent,
        [STORE_GROUP_CHART] = &store_group_chart,
        [STORE_GROUP_TODAY] = &store_group_today,
        [STORE_GROUP_PNOTES] = &store_group_pnotes,
        [STORE_GROUP_ATTACHMENTS] = &store_group_attachments,
        [STORE_GROUP_PLANS] = &store_group_plans,
        [STORE_GROUP_AMENDMENTS] = &store_group_amendments,
        [STORE_GROUP_PRIVACY] = &store_group_privacy,
        [STORE_GROUP_SCHEDULE] = &store_group_schedule,
        [STORE_GROUP_RECOVERY] = &store_group_recovery,
        [STORE_GROUP_NOTE_TEMPLATES] = &store_group_note_templates,
        [STORE_GROUP_RISK] = &store_group_risk,
        [STORE_GROUP_EXPORT] = &store_group_export,
        [STORE_GROUP_ERASURE] = &store_group_erasure,
        [STORE_GROUP_BREACH] = &store_group_breach,
        [STORE_GROUP_REMIND] = &store_group_remind,
        [STORE_GROUP_RESEARCH] = &store_group_research,
        [STORE_GROUP_TELEHEALTH] = &store_group_telehealth,
        [STORE_GROUP_RETENTION] = &store_group_retention,
        [STORE_GROUP_TIME_OFF] = &store_group_time_off,
};

/* ---- helpers ------------------------------------------------------- */

enum err db_err(struct store *s, int rc)
{
	if (rc == SQLITE_CONSTRAINT)
		return ERR_CONFLICT;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_BUSY;
	if (rc == SQLITE_NOMEM)
		return ERR_NOMEM;
	if (rc == SQLITE_FULL || rc == SQLITE_IOERR)
		return ERR_IO;
	log_error("store sqlite error=%d", rc);
	(void)s;
	return ERR_DB;
}

sqlite3_stmt *stmt_get(struct store *s, unsigned group, unsigned id)
{
	sqlite3_stmt *st = s->st[group][id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	/* A write outside any read commits on its own, as it would with no
	 * held snapshot (store_snapshot_begin): end the snapshot first. */
	if (s->snap && s->snap_depth == 0 && !sqlite3_stmt_readonly(st))
		store_snapshot_end(s);
	return st;
}

/* done - step a statement that returns no rows. */
enum err step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(s, rc);
	return ERR_OK;
}

enum err rows_collect(struct store *s, const struct vault *v, sqlite3_stmt *st, row_reader read,
                      void (*cleanup)(void *), void *out, size_t size, size_t max, size_t *n)
{
	unsigned char *at = out;
	size_t k = 0, i;
	int rc = SQLITE_DONE;
	enum err e = ERR_OK;

	while (e == ERR_OK && k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = read(s, v, st, at + k * size);
		if (e == ERR_OK)
			k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; cleanup != NULL && i < k; i++)
			cleanup(at + i * size);
		*n = 0;
		return e;
	}
	*n = k;
	return ERR_OK;
}

void copy_text_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t len = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (size == 0)
		return;
	if (len >= size)
		len = size - 1;
	if (len)
		memcpy(out, t, len);
	out[len] = '\0';
}

void random_public_id(char out[33])
{
	unsigned char raw[16];
	static const char hex[] = "0123456789abcdef";
	unsigned i;

	vault_random(raw, sizeof raw);
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[32] = '\0';
}
