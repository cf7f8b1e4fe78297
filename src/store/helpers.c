/*
 * helpers.c - statement helpers shared by the store's files, and the table
 * of statement groups store_open prepares.
 */
#include "store/internal.h"

#include "core/log.h"

const struct stmt_group *const store_groups[STORE_GROUP__COUNT] = {
        [STORE_GROUP_CORE] = &store_group_core,
        [STORE_GROUP_AUDIT] = &store_group_audit,
        [STORE_GROUP_IDENTITY] = &store_group_identity,
        [STORE_GROUP_NOTES] = &store_group_notes,
        /* Appended groups follow, one a line. */
        [STORE_GROUP_DIAGNOSES] = &store_group_diagnoses,
        [STORE_GROUP_SCHEDULE] = &store_group_schedule,
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
