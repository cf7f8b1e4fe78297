/*
 * store_recovery.c - recovery_salts rows (see store/recovery.h). Never:
 * sees a recovery code.
 */
#include <string.h>

#include "store/internal.h"
#include "store/recovery.h"

enum recovery_stmt { QR_PUT, QR_GET, QR__COUNT };

static const char *const sql[QR__COUNT] = {
        [QR_PUT] = "INSERT OR REPLACE INTO recovery_salts(user_id, salt, opslimit, memlimit) "
                   "VALUES (?1, ?2, ?3, ?4)",
        [QR_GET] = "SELECT salt, opslimit, memlimit FROM recovery_salts WHERE user_id = ?1",
};

const struct stmt_group store_group_recovery = {sql, QR__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_RECOVERY, (id))

enum err store_recovery_salt_put(struct store *s, int64_t user_id,
                                 const unsigned char salt[STORE_RECOVERY_SALTBYTES],
                                 uint64_t opslimit, uint64_t memlimit)
{
	sqlite3_stmt *st = get(s, QR_PUT);

	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, salt, STORE_RECOVERY_SALTBYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)opslimit);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)memlimit);
	return step_done(s, st);
}

enum err store_recovery_salt_get(struct store *s, int64_t user_id,
                                 unsigned char salt[STORE_RECOVERY_SALTBYTES], uint64_t *opslimit,
                                 uint64_t *memlimit)
{
	sqlite3_stmt *st = get(s, QR_GET);
	sqlite3_int64 ops, mem;
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		e = ERR_NOTFOUND;
	} else if (rc != SQLITE_ROW) {
		e = db_err(s, rc);
	} else {
		ops = sqlite3_column_int64(st, 1);
		mem = sqlite3_column_int64(st, 2);
		if (sqlite3_column_bytes(st, 0) != STORE_RECOVERY_SALTBYTES || ops <= 0 ||
		    mem <= 0) {
			e = ERR_CRYPTO;
		} else {
			memcpy(salt, sqlite3_column_blob(st, 0), STORE_RECOVERY_SALTBYTES);
			*opslimit = (uint64_t)ops;
			*memlimit = (uint64_t)mem;
		}
	}
	sqlite3_reset(st);
	return e;
}
