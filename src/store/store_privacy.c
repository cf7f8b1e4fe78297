/*
 * store_privacy.c - counts of a client's record by category (see
 * store/privacy.h). One statement of sub-selects, each served by its
 * table's client index. Never: touches a sealed column.
 */
#include <string.h>

#include "store/internal.h"
#include "store/privacy.h"

enum privacy_stmt { QP_COUNTS, QP__COUNT };

static const char *const sql[QP__COUNT] = {
        [QP_COUNTS] = "SELECT (SELECT count(*) FROM notes WHERE client_id = ?1), "
                      "(SELECT count(*) FROM client_diagnoses WHERE client_id = ?1), "
                      "(SELECT count(*) FROM treatment_plans WHERE client_id = ?1), "
                      "(SELECT count(*) FROM attachments WHERE client_id = ?1 "
                      "AND state = 'ready'), "
                      "(SELECT count(*) FROM consents WHERE client_id = ?1), "
                      "(SELECT count(*) FROM disclosures WHERE client_id = ?1), "
                      "(SELECT count(*) FROM amendment_requests WHERE client_id = ?1), "
                      "(SELECT count(*) FROM client_guardians WHERE client_id = ?1), "
                      "(SELECT count(*) FROM appointments WHERE client_id = ?1), "
                      "(SELECT count(*) FROM client_versions WHERE client_id = ?1)",
};

const struct stmt_group store_group_privacy = {sql, QP__COUNT};

enum err store_client_counts(struct store *s, int64_t client_id, struct client_counts *out)
{
	sqlite3_stmt *st = stmt_get(s, STORE_GROUP_PRIVACY, QP_COUNTS);
	int64_t *f[] = {&out->notes,        &out->diagnoses,   &out->plans,      &out->attachments,
	                &out->consents,     &out->disclosures, &out->amendments, &out->guardians,
	                &out->appointments, &out->versions};
	enum err e = ERR_OK;
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(st, 1, client_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		for (i = 0; i < sizeof f / sizeof f[0]; i++)
			*f[i] = sqlite3_column_int64(st, (int)i);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}
