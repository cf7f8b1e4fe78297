/*
 * store_audit.c - the audit chain's rows, its signed checkpoints, the keys
 * that sign them, and the queries behind audit reports. The store only keeps
 * rows: audit/ computes and checks hashes and signatures. Never updates or
 * deletes a row of audit_events, audit_checkpoints or audit_keys (the
 * schema's triggers refuse it too); never holds a signing key's seed outside
 * vault's locked memory.
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/internal.h"

enum audit_stmt {
	QA_TAIL,
	QA_INSERT,
	QA_ALL,
	QA_HASH_AT,
	QA_CP_LAST,
	QA_CP_INSERT,
	QA_CP_ALL,
	QA_KEY_NEXT,
	QA_KEY_INSERT,
	QA_KEY_LATEST,
	QA_KEY_GET,
	QA_KEY_FIND,
	QA_SEARCH_ANY,
	QA_SEARCH_ACTOR,
	QA_SEARCH_CLIENT,
	QA_TOUCHED,
	QA_RANGE,
	QA_MAX_SEQ,
	QA_CP_TAIL,
	QA__COUNT
};

#define EVENT_COLS                                                                                 \
	"seq, at, actor, event, client_id, outcome, request_id, detail, prev_hash, hash, "         \
	"format, actor_role, session, source, object_type, object_id, purpose"
#define CP_COLS                                                                                    \
	"c.seq, c.head, c.at, c.key_id, c.signature, k.public_key FROM audit_checkpoints c "       \
	"LEFT JOIN audit_keys k ON k.id = c.key_id"
/* Search: every report column, and the filters each variant shares. The
 * unary + on a.at keeps the planner on the seq (or client/actor) index, so
 * a page is read newest first without sorting the window. */
#define SEARCH_SELECT                                                                              \
	"SELECT a.seq, a.at, a.actor, a.actor_role, coalesce(u.display_name, ''), a.session, "     \
	"a.source, a.event, a.object_type, a.object_id, coalesce(c.public_id, ''), a.purpose, "    \
	"a.outcome, a.request_id, a.detail FROM audit_events a "                                   \
	"LEFT JOIN users u ON u.public_id = a.actor "                                              \
	"LEFT JOIN clients c ON c.id = a.client_id "                                               \
	"WHERE a.seq < ?1 AND (?2 IS NULL OR a.actor = ?2) AND (?3 IS NULL OR a.event = ?3) "      \
	"AND (?4 IS NULL OR a.session = ?4) AND (?5 IS NULL OR a.source = ?5) "                    \
	"AND +a.at >= ?6 AND +a.at <= ?7 "
#define SEARCH_ORDER "ORDER BY a.seq DESC LIMIT ?8"

static const char *const sql[QA__COUNT] = {
        [QA_TAIL] = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
        [QA_INSERT] = "INSERT INTO audit_events(" EVENT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, "
                      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        [QA_ALL] = "SELECT " EVENT_COLS " FROM audit_events ORDER BY seq",
        [QA_HASH_AT] = "SELECT hash FROM audit_events WHERE seq = ?1",
        [QA_CP_LAST] = "SELECT " CP_COLS " ORDER BY c.seq DESC LIMIT 1",
        [QA_CP_INSERT] = "INSERT INTO audit_checkpoints(seq, head, at, key_id, signature) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
        [QA_CP_ALL] = "SELECT " CP_COLS " ORDER BY c.seq",
        [QA_KEY_NEXT] = "SELECT coalesce(max(id), 0) + 1 FROM audit_keys",
        [QA_KEY_INSERT] = "INSERT INTO audit_keys(id, public_key, secret_sealed, created_at) "
                          "VALUES (?1, ?2, ?3, ?4)",
        [QA_KEY_LATEST] = "SELECT id, public_key, secret_sealed FROM audit_keys "
                          "ORDER BY id DESC LIMIT 1",
        [QA_KEY_GET] = "SELECT id, public_key, secret_sealed FROM audit_keys WHERE id = ?1",
        [QA_KEY_FIND] = "SELECT id FROM audit_keys WHERE public_key = ?1",
        [QA_SEARCH_ANY] = SEARCH_SELECT SEARCH_ORDER,
        [QA_SEARCH_ACTOR] = SEARCH_SELECT "AND a.actor = ?2 " SEARCH_ORDER,
        [QA_SEARCH_CLIENT] = SEARCH_SELECT
        "AND a.client_id = (SELECT id FROM clients WHERE public_id = ?9) " SEARCH_ORDER,
        [QA_TOUCHED] = "SELECT coalesce(c.public_id, ''), count(*), min(a.at), max(a.at) "
                       "FROM audit_events a LEFT JOIN clients c ON c.id = a.client_id "
                       "WHERE a.at >= ?1 AND a.at <= ?2 AND (?3 IS NULL OR a.actor = ?3) "
                       "AND (?4 IS NULL OR a.session = ?4) AND (?5 IS NULL OR a.source = ?5) "
                       "GROUP BY a.client_id ORDER BY min(a.at), 1",
        [QA_RANGE] = "SELECT " EVENT_COLS " FROM audit_events WHERE seq >= ?1 AND seq <= ?2 "
                     "ORDER BY seq",
        [QA_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM audit_events",
        [QA_CP_TAIL] = "SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1",
};

const struct stmt_group store_group_audit = {sql, QA__COUNT};

#define get(s, id) stmt_get((s), STORE_GROUP_AUDIT, (id))

/* Where a signing key's sealed seed belongs (its associated data). */
#define KEY_TABLE "audit_keys"
#define KEY_COLUMN "secret"

static const char *col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

/* col_blob - copy a blob column of exactly n bytes into out; anything else
 * (NULL, another length) reads as zeros and returns 0. */
static int col_blob(sqlite3_stmt *st, int col, unsigned char *out, size_t n)
{
	if (sqlite3_column_type(st, col) != SQLITE_BLOB ||
	    (size_t)sqlite3_column_bytes(st, col) != n) {
		memset(out, 0, n);
		return 0;
	}
	memcpy(out, sqlite3_column_blob(st, col), n);
	return 1;
}

/* ---- audit rows ------------------------------------------------------------ */

void store_audit_memo_forget(struct store *s)
{
	s->audit_tail_known = 0;
	s->audit_cp_known = 0;
}

/* memo_tail - remember (seq, hash) as the tail, inside a batch only. */
static void memo_tail(struct store *s, int64_t seq, const unsigned char hash[32])
{
	if (!s->audit_memo)
		return;
	s->audit_seq = seq;
	memcpy(s->audit_hash, hash, 32);
	s->audit_tail_known = 1;
}

enum err store_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32])
{
	sqlite3_stmt *st;
	int rc;

	/* Inside a batch the write lock is ours from the first lookup on, so
	 * the tail is what that lookup found plus what this batch inserted. */
	if (s->audit_memo && s->audit_tail_known) {
		*seq = s->audit_seq;
		memcpy(hash, s->audit_hash, 32);
		return ERR_OK;
	}
	st = get(s, QA_TAIL);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		*seq = 0;
		memset(hash, 0, 32);
		sqlite3_reset(st);
		memo_tail(s, 0, hash);
		return ERR_OK;
	}
	if (rc != SQLITE_ROW || sqlite3_column_bytes(st, 1) != 32) {
		sqlite3_reset(st);
		return rc == SQLITE_ROW ? ERR_CRYPTO : db_err(s, rc);
	}
	*seq = sqlite3_column_int64(st, 0);
	memcpy(hash, sqlite3_column_blob(st, 1), 32);
	sqlite3_reset(st);
	memo_tail(s, *seq, hash);
	return ERR_OK;
}

static const char *or_empty(const char *p)
{
	return p ? p : "";
}

enum err store_audit_insert(struct store *s, const struct audit_row *r)
{
	sqlite3_stmt *st = get(s, QA_INSERT);
	enum err e;

	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_int64(st, 2, r->at);
	sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->event, -1, SQLITE_STATIC);
	if (r->client_id)
		sqlite3_bind_int64(st, 5, r->client_id);
	sqlite3_bind_text(st, 6, r->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, r->prev_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, r->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, r->format ? r->format : 1);
	sqlite3_bind_text(st, 12, or_empty(r->actor_role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, or_empty(r->session), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, or_empty(r->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, or_empty(r->object_type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, or_empty(r->object_id), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, or_empty(r->purpose), -1, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK)
		memo_tail(s, r->seq, r->hash);
	else
		s->audit_tail_known = 0; /* a failed insert: read the tail again */
	return e;
}

/* each_row - step st (bound) and call fn for every row. */
static enum err each_row(struct store *s, sqlite3_stmt *st,
                         enum err (*fn)(void *arg, const struct audit_row *r), void *arg)
{
	struct audit_row r;
	enum err e = ERR_OK;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.seq = sqlite3_column_int64(st, 0);
		r.at = sqlite3_column_int64(st, 1);
		r.actor = col_text(st, 2);
		r.event = col_text(st, 3);
		r.client_id = sqlite3_column_int64(st, 4);
		r.outcome = col_text(st, 5);
		r.request_id = col_text(st, 6);
		r.detail = col_text(st, 7);
		/* A malformed hash reads as zeros: the chain check then names
		 * this row instead of the whole walk failing anonymously. */
		col_blob(st, 8, r.prev_hash, 32);
		col_blob(st, 9, r.hash, 32);
		r.format = sqlite3_column_int(st, 10);
		r.actor_role = col_text(st, 11);
		r.session = col_text(st, 12);
		r.source = col_text(st, 13);
		r.object_type = col_text(st, 14);
		r.object_id = col_text(st, 15);
		r.purpose = col_text(st, 16);
		e = fn(arg, &r);
		if (e != ERR_OK)
			break;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_audit_each(struct store *s, enum err (*fn)(void *arg, const struct audit_row *r),
                          void *arg)
{
	return each_row(s, get(s, QA_ALL), fn, arg);
}

enum err store_audit_each_range(struct store *s, int64_t from, int64_t to,
                                enum err (*fn)(void *arg, const struct audit_row *r), void *arg)
{
	sqlite3_stmt *st = get(s, QA_RANGE);

	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	return each_row(s, st, fn, arg);
}

enum err store_audit_max_seq(struct store *s, int64_t *out)
{
	sqlite3_stmt *st = get(s, QA_MAX_SEQ);
	int rc = sqlite3_step(st);
	enum err e = ERR_OK;

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_audit_hash_at(struct store *s, int64_t seq, unsigned char hash[32])
{
	sqlite3_stmt *st = get(s, QA_HASH_AT);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col_blob(st, 0, hash, 32);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* ---- checkpoints ----------------------------------------------------------- */

static void read_checkpoint(sqlite3_stmt *st, struct audit_checkpoint *c)
{
	memset(c, 0, sizeof *c);
	c->seq = sqlite3_column_int64(st, 0);
	col_blob(st, 1, c->head, sizeof c->head);
	c->at = sqlite3_column_int64(st, 2);
	c->key_id = sqlite3_column_int64(st, 3);
	col_blob(st, 4, c->signature, sizeof c->signature);
	col_blob(st, 5, c->public_key, sizeof c->public_key);
}

enum err store_audit_checkpoint_last(struct store *s, struct audit_checkpoint *out)
{
	sqlite3_stmt *st = get(s, QA_CP_LAST);
	enum err e = ERR_OK;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		read_checkpoint(st, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_audit_checkpoint_tail(struct store *s, int64_t *seq, int64_t *at)
{
	sqlite3_stmt *st;
	enum err e = ERR_OK;
	int rc;

	/* Inside a batch (see store_audit_tail) only this batch can add one. */
	if (s->audit_memo && s->audit_cp_known) {
		*seq = s->audit_cp_seq;
		*at = s->audit_cp_at;
		return ERR_OK;
	}
	st = get(s, QA_CP_TAIL);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		*at = sqlite3_column_int64(st, 1);
		if (s->audit_memo) {
			s->audit_cp_seq = *seq;
			s->audit_cp_at = *at;
			s->audit_cp_known = 1;
		}
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	}
	sqlite3_reset(st);
	return e;
}

enum err store_audit_checkpoint_insert(struct store *s, const struct audit_checkpoint *c)
{
	sqlite3_stmt *st = get(s, QA_CP_INSERT);
	enum err e;

	sqlite3_bind_int64(st, 1, c->seq);
	sqlite3_bind_blob(st, 2, c->head, sizeof c->head, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->at);
	sqlite3_bind_int64(st, 4, c->key_id);
	sqlite3_bind_blob(st, 5, c->signature, sizeof c->signature, SQLITE_STATIC);
	e = step_done(s, st);
	if (e == ERR_OK && s->audit_memo) {
		s->audit_cp_seq = c->seq;
		s->audit_cp_at = c->at;
		s->audit_cp_known = 1;
	} else {
		s->audit_cp_known = 0;
	}
	return e;
}

enum err store_audit_checkpoint_each(struct store *s,
                                     enum err (*fn)(void *arg, const struct audit_checkpoint *c),
                                     void *arg)
{
	sqlite3_stmt *st = get(s, QA_CP_ALL);
	struct audit_checkpoint c;
	enum err e = ERR_OK;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_checkpoint(st, &c);
		e = fn(arg, &c);
		if (e != ERR_OK)
			break;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* ---- signing keys ---------------------------------------------------------- */

enum err store_audit_key_add(struct store *s, const struct vault *v, const struct vault_sign_key *k,
                             int64_t now, int64_t *id)
{
	unsigned char sealed[VAULT_SIGN_SEALEDBYTES], pk[VAULT_SIGN_PUBLICBYTES];
	sqlite3_stmt *st = get(s, QA_KEY_NEXT);
	struct vault_ad ad = {KEY_TABLE, KEY_COLUMN, 0, 0};
	enum err e;
	int rc;

	/* The row id is part of the associated data, so pick it first; the
	 * caller's BEGIN IMMEDIATE keeps it ours until the insert. */
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ad.row = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_err(s, rc);
	e = vault_subkey(v, VAULT_SUB_SECRETS, s->subkey);
	if (e != ERR_OK)
		return e;
	e = vault_sign_key_seal(sealed, k, &ad, s->subkey);
	if (e != ERR_OK)
		return e;
	vault_sign_key_public(k, pk);
	st = get(s, QA_KEY_INSERT);
	sqlite3_bind_int64(st, 1, ad.row);
	sqlite3_bind_blob(st, 2, pk, sizeof pk, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sealed, sizeof sealed, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	e = step_done(s, st);
	if (e == ERR_OK)
		*id = ad.row;
	return e;
}

/* open_key - open the key in the current row of st (id, public_key,
 * secret_sealed) and check it is the pair its public key says. */
static enum err open_key(struct store *s, const struct vault *v, sqlite3_stmt *st, int64_t *id,
                         struct vault_sign_key **out)
{
	unsigned char stored[VAULT_SIGN_PUBLICBYTES], pk[VAULT_SIGN_PUBLICBYTES];
	struct vault_ad ad = {KEY_TABLE, KEY_COLUMN, sqlite3_column_int64(st, 0), 0};
	struct vault_sign_key *k = NULL;
	enum err e;

	if (!col_blob(st, 1, stored, sizeof stored))
		return ERR_CRYPTO;
	e = vault_subkey(v, VAULT_SUB_SECRETS, s->subkey);
	if (e != ERR_OK)
		return e;
	e = vault_sign_key_open(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
	                        &ad, s->subkey, &k);
	if (e != ERR_OK)
		return e;
	vault_sign_key_public(k, pk);
	if (!vault_memeq(pk, stored, sizeof pk)) {
		vault_sign_key_free(k);
		return ERR_CRYPTO;
	}
	*id = ad.row;
	*out = k;
	return ERR_OK;
}

/* one_key - run a key query expected to return at most one row. */
static enum err one_key(struct store *s, const struct vault *v, sqlite3_stmt *st, int64_t *id,
                        struct vault_sign_key **out)
{
	int rc = sqlite3_step(st);
	enum err e;

	if (rc == SQLITE_ROW)
		e = open_key(s, v, st, id, out);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

enum err store_audit_key_latest(struct store *s, const struct vault *v, int64_t *id,
                                struct vault_sign_key **out)
{
	return one_key(s, v, get(s, QA_KEY_LATEST), id, out);
}

enum err store_audit_key_open(struct store *s, const struct vault *v, int64_t id,
                              struct vault_sign_key **out)
{
	sqlite3_stmt *st = get(s, QA_KEY_GET);
	int64_t got = 0;

	sqlite3_bind_int64(st, 1, id);
	return one_key(s, v, st, &got, out);
}

enum err store_audit_key_find(struct store *s, const unsigned char pk[VAULT_SIGN_PUBLICBYTES],
                              int64_t *id)
{
	sqlite3_stmt *st = get(s, QA_KEY_FIND);
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_blob(st, 1, pk, VAULT_SIGN_PUBLICBYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : db_err(s, rc);
	sqlite3_reset(st);
	return e;
}

/* ---- reports ---------------------------------------------------------------- */

void audit_record_cleanup(struct audit_record *r)
{
	char **f[] = {&r->actor,   &r->actor_role,  &r->actor_name, &r->session, &r->source,
	              &r->event,   &r->object_type, &r->object_id,  &r->client,  &r->purpose,
	              &r->outcome, &r->request_id,  &r->detail};
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		free(*f[i]);
	memset(r, 0, sizeof *r);
}

static void bind_opt(sqlite3_stmt *st, int idx, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, idx);
}

/* read_record - the current search row into r (heap copies). */
static enum err read_record(sqlite3_stmt *st, struct audit_record *r)
{
	char **f[] = {&r->actor,   &r->actor_role,  &r->actor_name, &r->session, &r->source,
	              &r->event,   &r->object_type, &r->object_id,  &r->client,  &r->purpose,
	              &r->outcome, &r->request_id,  &r->detail};
	size_t i;

	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int64(st, 0);
	r->at = sqlite3_column_int64(st, 1);
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		*f[i] = mem_strdup(col_text(st, (int)i + 2));
		if (*f[i] == NULL) {
			audit_record_cleanup(r);
			return ERR_NOMEM;
		}
	}
	return ERR_OK;
}

enum err store_audit_search(struct store *s, const struct audit_filter *f, size_t limit,
                            struct audit_record *out, size_t *n)
{
	enum audit_stmt id = f->client  ? QA_SEARCH_CLIENT
	                     : f->actor ? QA_SEARCH_ACTOR
	                                : QA_SEARCH_ANY;
	sqlite3_stmt *st = get(s, id);
	size_t k = 0, i;
	enum err e = ERR_OK;
	int rc = SQLITE_DONE;

	if (limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	sqlite3_bind_int64(st, 1, f->before > 0 ? f->before : INT64_MAX);
	bind_opt(st, 2, f->actor);
	bind_opt(st, 3, f->event);
	bind_opt(st, 4, f->session);
	bind_opt(st, 5, f->source);
	sqlite3_bind_int64(st, 6, f->from);
	sqlite3_bind_int64(st, 7, f->to > 0 ? f->to : INT64_MAX);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)limit);
	if (id == QA_SEARCH_CLIENT)
		sqlite3_bind_text(st, 9, f->client, -1, SQLITE_STATIC);
	while (k < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = read_record(st, &out[k]);
		if (e != ERR_OK)
			break;
		k++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = db_err(s, rc);
	sqlite3_reset(st);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			audit_record_cleanup(&out[i]);
		return e;
	}
	*n = k;
	return ERR_OK;
}

enum err store_audit_touched(struct store *s, const struct audit_filter *f,
                             enum err (*fn)(void *arg, const struct audit_touch *t), void *arg)
{
	sqlite3_stmt *st = get(s, QA_TOUCHED);
	struct audit_touch t;
	enum err e = ERR_OK;
	int rc;

	sqlite3_bind_int64(st, 1, f->from);
	sqlite3_bind_int64(st, 2, f->to > 0 ? f->to : INT64_MAX);
	bind_opt(st, 3, f->actor);
	bind_opt(st, 4, f->session);
	bind_opt(st, 5, f->source);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = col_text(st, 0);

		memset(&t, 0, sizeof t);
		if (strlen(c) >= sizeof t.client) {
			e = ERR_DB;
			break;
		}
		memcpy(t.client, c, strlen(c) + 1);
		t.events = sqlite3_column_int64(st, 1);
		t.first = sqlite3_column_int64(st, 2);
		t.last = sqlite3_column_int64(st, 3);
		e = fn(arg, &t);
		if (e != ERR_OK)
			break;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = db_err(s, rc);
	sqlite3_reset(st);
	return e;
}
