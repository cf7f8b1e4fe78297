/* test_audit.c - the audit trail: both chain formats verify, free text is
 * refused, checkpoints are signed every 1000 events and every minute, any
 * change to a checkpoint or its key is caught, exported checkpoints catch a
 * cut or older trail, and the reports (search, access, breach, CSV) return
 * what they should and are themselves audited. */
#include "unit_store.h"

#include <sqlite3.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "domain/audit_report.h"
#include "domain/domain.h"
#include "store/store.h"

struct fx {
	char path[300];  /* database file */
	struct store *s; /* open connection */
	struct vault *v; /* master key (with its root key) */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	unit_store_new("t.db", f->path, sizeof f->path, &f->s);
	assert_int_equal(vault_new(1, &f->v), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	vault_free(f->v);
	free(f);
	return 0;
}

/* sql - run statements on a second connection, as someone with the file
 * (and no key) would. */
static void sql(struct fx *f, const char *text)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql failed: %s: %s", text, msg ? msg : "?");
	sqlite3_close(db);
}

static int64_t sql_int(struct fx *f, const char *text)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* emit_one - one event in its own transaction. */
static enum err emit_one(struct fx *f, const struct audit_entry *a)
{
	enum err e = store_begin(f->s);

	if (e == ERR_OK)
		e = audit_emit(f->s, f->v, a);
	if (e == ERR_OK)
		e = store_commit(f->s);
	else
		store_rollback(f->s);
	return e;
}

static void emit_at(struct fx *f, int64_t at)
{
	struct audit_entry a = {.event = AUDIT_CLIENT_READ, .actor = "system", .at = at};

	assert_int_equal(emit_one(f, &a), ERR_OK);
}

static enum err collect_cp(void *arg, const struct audit_checkpoint *c)
{
	struct buf *b = arg;

	return buf_printf(b, "%lld,", (long long)c->seq);
}

/* checkpoint_seqs - "1,1001," etc. */
static void checkpoint_seqs(struct fx *f, char *out, size_t n)
{
	struct buf b;

	buf_init(&b, 4096, 0);
	assert_int_equal(store_audit_checkpoint_each(f->s, collect_cp, &b), ERR_OK);
	snprintf(out, n, "%s", b.data ? b.data : "");
	buf_cleanup(&b);
}

static void verify_ok(struct fx *f, uint64_t events, uint64_t checkpoints)
{
	struct audit_verify_result r;

	assert_int_equal(audit_verify_trail(f->s, f->v, &r), ERR_OK);
	assert_int_equal(r.fault, AUDIT_FAULT_NONE);
	assert_int_equal(r.events, events);
	assert_int_equal(r.checkpoints, checkpoints);
}

static void verify_fault(struct fx *f, enum audit_fault want, int64_t seq)
{
	struct audit_verify_result r;

	assert_int_equal(audit_verify_trail(f->s, f->v, &r), ERR_CRYPTO);
	assert_int_equal(r.fault, want);
	assert_int_equal(r.fault_seq, seq);
}

/* ---- chain formats -------------------------------------------------------------- */

/* v1_row - a format-1 row as 0001's code wrote it (docs/internals/audit.md),
 * chained after (seq - 1, prev). */
static void v1_row(struct fx *f, int64_t seq, const unsigned char prev[32], const char *actor,
                   const char *detail, struct audit_row *r)
{
	struct vault_key *k = vault_key_new();
	unsigned char buf[512];
	int n;

	assert_non_null(k);
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_AUDIT, k), ERR_OK);
	memset(r, 0, sizeof *r);
	r->seq = seq;
	r->at = 1000 + seq;
	r->actor = actor;
	r->event = "client.read";
	r->client_id = 0;
	r->outcome = "ok";
	r->request_id = "r1";
	r->detail = detail;
	r->format = 1;
	memcpy(r->prev_hash, prev, 32);
	memcpy(buf, prev, 32);
	n = snprintf((char *)buf + 32, sizeof buf - 32,
	             "confidant/audit/v1|%lld|%lld|%zu:%s%zu:%s%lld|%zu:%s%zu:%s%zu:%s",
	             (long long)r->seq, (long long)r->at, strlen(actor), actor, strlen(r->event),
	             r->event, (long long)r->client_id, strlen(r->outcome), r->outcome,
	             strlen(r->request_id), r->request_id, strlen(detail), detail);
	assert_true(n > 0 && (size_t)n < sizeof buf - 32);
	vault_mac(r->hash, k, buf, 32 + (size_t)n);
	vault_key_free(k);
}

static void chain_of_both_formats_verifies(void **state)
{
	struct fx *f = *state;
	unsigned char zero[32] = {0};
	struct audit_row r1, r2;
	struct audit_entry a = {.event = AUDIT_CLIENT_UPDATE,
	                        .actor = "0123456789abcdef0123456789abcdef",
	                        .actor_role = "clinician",
	                        .session = "fedcba9876543210fedcba9876543210",
	                        .source = "192.0.2.7",
	                        .object_type = "client",
	                        .object_id = "00112233445566778899aabbccddeeff",
	                        .purpose = "treatment",
	                        .outcome = ERR_OK,
	                        .request_id = "abcd",
	                        .detail = "fields=phone,email",
	                        .at = 2000};

	/* Two rows written before 0003 (format 1), then new ones (format 2). */
	v1_row(f, 1, zero, "dev", "", &r1);
	assert_int_equal(store_audit_insert(f->s, &r1), ERR_OK);
	v1_row(f, 2, r1.hash, "system", "count=3", &r2);
	assert_int_equal(store_audit_insert(f->s, &r2), ERR_OK);
	verify_ok(f, 2, 0);
	assert_int_equal(emit_one(f, &a), ERR_OK);
	a.at = 2001;
	assert_int_equal(emit_one(f, &a), ERR_OK);
	verify_ok(f, 4, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_events WHERE format = 2"), 2);

	/* Every v2 field is covered: change one that v1 did not have. */
	sql(f, "DROP TRIGGER audit_events_no_update; "
	       "UPDATE audit_events SET purpose = 'operations' WHERE seq = 4");
	verify_fault(f, AUDIT_FAULT_EVENT, 4);
	sql(f, "UPDATE audit_events SET purpose = 'treatment' WHERE seq = 4");
	verify_ok(f, 4, 1);
	/* A v1 row must not carry the fields v1 does not hash... */
	sql(f, "UPDATE audit_events SET source = '10.0.0.1' WHERE seq = 2");
	verify_fault(f, AUDIT_FAULT_EVENT, 2);
	sql(f, "UPDATE audit_events SET source = '' WHERE seq = 2");
	/* ...and a v2 row cannot be passed off as v1. */
	sql(f, "UPDATE audit_events SET format = 1 WHERE seq = 3");
	verify_fault(f, AUDIT_FAULT_EVENT, 3);
	sql(f, "UPDATE audit_events SET format = 2 WHERE seq = 3");
	verify_ok(f, 4, 1);
}

static void edits_deletes_inserts_and_moves_name_the_event(void **state)
{
	struct fx *f = *state;
	int64_t t;

	for (t = 1; t <= 8; t++)
		emit_at(f, 100 + t);
	verify_ok(f, 8, 1);
	sql(f, "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
	/* changed */
	sql(f, "UPDATE audit_events SET actor = 'x' WHERE seq = 5");
	verify_fault(f, AUDIT_FAULT_EVENT, 5);
	sql(f, "UPDATE audit_events SET actor = 'system' WHERE seq = 5");
	verify_ok(f, 8, 1);
	/* reordered: seq 3 and 6 swap places */
	sql(f, "UPDATE audit_events SET seq = -3 WHERE seq = 3; "
	       "UPDATE audit_events SET seq = 3 WHERE seq = 6; "
	       "UPDATE audit_events SET seq = 6 WHERE seq = -3;");
	verify_fault(f, AUDIT_FAULT_EVENT, 3);
	sql(f, "UPDATE audit_events SET seq = -3 WHERE seq = 3; "
	       "UPDATE audit_events SET seq = 3 WHERE seq = 6; "
	       "UPDATE audit_events SET seq = 6 WHERE seq = -3;");
	verify_ok(f, 8, 1);
	/* inserted at the end, linked to the last hash */
	sql(f, "INSERT INTO audit_events(seq, at, actor, event, outcome, request_id, prev_hash, "
	       "hash, format) SELECT 9, at, actor, event, outcome, request_id, hash, "
	       "randomblob(32), 2 FROM audit_events WHERE seq = 8");
	verify_fault(f, AUDIT_FAULT_EVENT, 9);
	sql(f, "DELETE FROM audit_events WHERE seq = 9");
	verify_ok(f, 8, 1);
	/* deleted from the middle: the missing seq is named */
	sql(f, "DELETE FROM audit_events WHERE seq = 4");
	verify_fault(f, AUDIT_FAULT_EVENT, 4);
}

/* A long trail is verified in segments on parallel connections (one per
 * CPU, at least 256 events each); the join must name the same first fault
 * a single walk would, also where two segments meet. */
static void segments_join_as_one_walk(void **state)
{
	struct fx *f = *state;
	struct audit_entry a = {.event = AUDIT_CLIENT_READ, .actor = "system", .at = 500};
	int i;

	assert_int_equal(store_begin(f->s), ERR_OK);
	for (i = 0; i < 1200; i++)
		assert_int_equal(audit_emit(f->s, f->v, &a), ERR_OK);
	assert_int_equal(store_commit(f->s), ERR_OK);
	verify_ok(f, 1200, 2);
	sql(f, "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
	/* the first row of the second half (two CPUs: 601; four: 301, 601, 901) */
	sql(f, "UPDATE audit_events SET actor = 'x' WHERE seq = 601");
	verify_fault(f, AUDIT_FAULT_EVENT, 601);
	sql(f, "UPDATE audit_events SET actor = 'system' WHERE seq = 601");
	/* a link that breaks exactly where segments meet */
	sql(f, "UPDATE audit_events SET prev_hash = zeroblob(32) WHERE seq = 601");
	verify_fault(f, AUDIT_FAULT_EVENT, 601);
	sql(f,
	    "UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE seq = 600) "
	    "WHERE seq = 601");
	verify_ok(f, 1200, 2);
	/* two faults: the earlier one is named, in whichever segment */
	sql(f, "UPDATE audit_events SET actor = 'x' WHERE seq IN (1100, 450)");
	verify_fault(f, AUDIT_FAULT_EVENT, 450);
	sql(f, "UPDATE audit_events SET actor = 'system' WHERE seq IN (1100, 450)");
	verify_ok(f, 1200, 2);
	/* the last rows of a segment deleted: the first missing seq */
	sql(f, "DELETE FROM audit_events WHERE seq IN (599, 600)");
	verify_fault(f, AUDIT_FAULT_EVENT, 599);
}

static void tail_deleted_under_a_checkpoint_is_caught(void **state)
{
	struct fx *f = *state;
	struct audit_entry a = {.event = AUDIT_CHECKPOINT, .actor = "system", .at = 50};
	int64_t t;

	for (t = 1; t <= 4; t++)
		emit_at(f, 10 + t);
	assert_int_equal(store_begin(f->s), ERR_OK);
	assert_int_equal(audit_checkpoint_force(f->s, f->v, &a, NULL), ERR_OK);
	assert_int_equal(store_commit(f->s), ERR_OK);
	verify_ok(f, 5, 2);
	sql(f, "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq >= 4");
	verify_fault(f, AUDIT_FAULT_TRUNCATED, 5);
}

/* ---- the PHI guard ------------------------------------------------------------------ */

static void free_text_is_refused(void **state)
{
	struct fx *f = *state;
	struct audit_entry a = {.event = AUDIT_CLIENT_READ, .actor = "system", .at = 1};
	char big[AUDIT_ID_MAX + 2];
	const char *bad[] = {"Maria O'Brien", "note: feels low\nsleep poor",
	                     "Zoë",           "a;b",
	                     "x\"y",          "tab\there",
	                     "<script>",      "50%"};
	size_t i;
	int64_t seq = -1;
	unsigned char h[32];

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a.detail = bad[i];
		assert_int_equal(emit_one(f, &a), ERR_INVAL);
		a.detail = "";
		a.object_id = bad[i];
		assert_int_equal(emit_one(f, &a), ERR_INVAL);
		a.object_id = "";
		a.actor = bad[i];
		assert_int_equal(emit_one(f, &a), ERR_INVAL);
		a.actor = "system";
		assert_false(audit_id_ok(bad[i]));
	}
	memset(big, 'a', sizeof big);
	big[AUDIT_ID_MAX] = '\0'; /* exactly the maximum: fine */
	a.detail = big;
	assert_int_equal(emit_one(f, &a), ERR_OK);
	big[AUDIT_ID_MAX] = 'a';
	big[AUDIT_ID_MAX + 1] = '\0';
	assert_int_equal(emit_one(f, &a), ERR_INVAL);
	/* ids, counts, field lists, addresses */
	a.detail = "count=20 fields=phone,email from=2024-01-02T03:04:05Z path=/api/v1";
	a.object_id = "0123456789abcdef0123456789abcdef";
	a.source = "fe80::1%eth0";
	assert_int_equal(emit_one(f, &a), ERR_OK);
	a.source = "[2001:db8::1]";
	assert_int_equal(emit_one(f, &a), ERR_OK);
	a.source = "10.0.0.1 via 10.0.0.2";
	assert_int_equal(emit_one(f, &a), ERR_OK); /* spaces are allowed... */
	a.source = "10.0.0.1\n";
	assert_int_equal(emit_one(f, &a), ERR_INVAL); /* ...line breaks are not */
	/* Refused events wrote nothing. */
	assert_int_equal(store_audit_tail(f->s, &seq, h), ERR_OK);
	assert_int_equal(seq, 4);
	verify_ok(f, 4, 1);
}

/* ---- checkpoints ----------------------------------------------------------------- */

static void checkpoint_every_1000_events(void **state)
{
	struct fx *f = *state;
	struct audit_entry a = {.event = AUDIT_CLIENT_READ, .actor = "system", .at = 500};
	char seqs[256];
	int i;

	/* One time for all: only the count can make checkpoints due. */
	assert_int_equal(store_begin(f->s), ERR_OK);
	for (i = 0; i < 2500; i++)
		assert_int_equal(audit_emit(f->s, f->v, &a), ERR_OK);
	assert_int_equal(store_commit(f->s), ERR_OK);
	checkpoint_seqs(f, seqs, sizeof seqs);
	assert_string_equal(seqs, "1,1001,2001,");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_keys"), 1);
	verify_ok(f, 2500, 3);
}

static void checkpoint_every_minute(void **state)
{
	struct fx *f = *state;
	const int64_t at[] = {100, 130, 159, 160, 161, 219, 220, 221, 90, 300};
	char seqs[256];
	size_t i;

	for (i = 0; i < sizeof at / sizeof at[0]; i++)
		emit_at(f, at[i]);
	checkpoint_seqs(f, seqs, sizeof seqs);
	/* 100: first; 160: 60 s after 100; 220: 60 s after 160; a clock going
	 * back (90) does not make one; 300: 80 s after 220. */
	assert_string_equal(seqs, "1,4,7,10,");
	verify_ok(f, 10, 4);
}

static void checkpoint_tampering_is_caught(void **state)
{
	struct fx *f = *state;
	struct vault_sign_key *other = NULL;
	unsigned char pk[VAULT_SIGN_PUBLICBYTES];
	char q[400];
	int64_t t;
	size_t i;

	for (t = 0; t < 5; t++)
		emit_at(f, 1000 + 60 * t); /* a checkpoint at every event */
	verify_ok(f, 5, 5);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_checkpoints"), 5);
	/* The trigger refuses changes... */
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_not_equal(
		        sqlite3_exec(db, "UPDATE audit_checkpoints SET at = 1", NULL, NULL, NULL),
		        SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_keys", NULL, NULL, NULL),
		                     SQLITE_OK);
		sqlite3_close(db);
	}
	/* ...and without it, a changed signature, time or head is caught. */
	sql(f,
	    "DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete; "
	    "DROP TRIGGER audit_keys_no_update;");
	sql(f, "UPDATE audit_checkpoints SET signature = randomblob(64) WHERE seq = 3");
	verify_fault(f, AUDIT_FAULT_SIGNATURE, 3);
	sql(f, "UPDATE audit_checkpoints SET signature = (SELECT signature FROM audit_checkpoints "
	       "WHERE seq = 4) WHERE seq = 3");
	verify_fault(f, AUDIT_FAULT_SIGNATURE, 3);
	sql(f, "UPDATE audit_checkpoints SET seq = 30 WHERE seq = 3");
	verify_fault(f, AUDIT_FAULT_SIGNATURE, 30);
	sql(f, "DELETE FROM audit_checkpoints WHERE seq = 30");
	verify_ok(f, 5, 4);
	sql(f, "UPDATE audit_checkpoints SET at = at + 1 WHERE seq = 2");
	verify_fault(f, AUDIT_FAULT_SIGNATURE, 2);
	sql(f, "UPDATE audit_checkpoints SET at = at - 1 WHERE seq = 2");
	verify_ok(f, 5, 4);
	/* A replaced public key (to pass off forged signatures) is caught
	 * because the sealed secret no longer matches it. */
	assert_int_equal(vault_sign_keypair_new(&other), ERR_OK);
	vault_sign_key_public(other, pk);
	i = (size_t)snprintf(q, sizeof q, "UPDATE audit_keys SET public_key = x'");
	for (t = 0; t < VAULT_SIGN_PUBLICBYTES; t++)
		i += (size_t)snprintf(q + i, sizeof q - i, "%02x", pk[t]);
	snprintf(q + i, sizeof q - i, "'");
	sql(f, q);
	verify_fault(f, AUDIT_FAULT_SIGNATURE, 1);
	vault_sign_key_free(other);
	/* A checkpoint whose key is gone cannot be checked: caught too. */
	sql(f, "DROP TRIGGER audit_keys_no_delete; DELETE FROM audit_keys; ");
	verify_fault(f, AUDIT_FAULT_SIGNATURE, 1);
}

/* sign - a checkpoint for (seq, head, at) signed by k. */
static void sign(struct audit_checkpoint *c, const struct vault_sign_key *k, int64_t seq,
                 const unsigned char head[32], int64_t at)
{
	unsigned char msg[AUDIT_CHECKPOINT_MSGBYTES];

	memset(c, 0, sizeof *c);
	c->seq = seq;
	memcpy(c->head, head, 32);
	c->at = at;
	vault_sign_key_public(k, c->public_key);
	audit_checkpoint_message(msg, c);
	vault_sign(c->signature, k, msg, sizeof msg);
}

static void exported_checkpoints_catch_cut_and_foreign_trails(void **state)
{
	struct fx *f = *state;
	struct audit_verify_result r;
	struct audit_checkpoint c, good;
	struct vault_sign_key *k = NULL, *other = NULL;
	unsigned char head[32];
	int64_t id = 0, t;

	for (t = 0; t < 6; t++)
		emit_at(f, 5000 + t);
	assert_int_equal(store_audit_checkpoint_last(f->s, &good), ERR_OK);
	assert_int_equal(good.seq, 1);
	assert_int_equal(store_audit_key_latest(f->s, f->v, &id, &k), ERR_OK);
	assert_int_equal(store_audit_hash_at(f->s, 6, head), ERR_OK);

	assert_int_equal(audit_verify_trail(f->s, f->v, &r), ERR_OK);
	assert_int_equal(audit_verify_exported(f->s, &good, &r), ERR_OK);
	sign(&c, k, 6, head, 5005);
	assert_int_equal(audit_verify_exported(f->s, &c, &r), ERR_OK);
	assert_int_equal(r.exported, 2);
	/* beyond the end: truncated or an older copy */
	sign(&c, k, 9, head, 5009);
	assert_int_equal(audit_verify_exported(f->s, &c, &r), ERR_CRYPTO);
	assert_int_equal(r.fault, AUDIT_FAULT_TRUNCATED);
	assert_int_equal(r.fault_seq, 9);
	assert_int_equal(r.last_seq, 6);
	assert_true(r.fault_exported);
	/* a different history at seq 6 */
	assert_int_equal(audit_verify_trail(f->s, f->v, &r), ERR_OK);
	head[0] ^= 1;
	sign(&c, k, 6, head, 5005);
	assert_int_equal(audit_verify_exported(f->s, &c, &r), ERR_CRYPTO);
	assert_int_equal(r.fault, AUDIT_FAULT_HEAD);
	assert_int_equal(r.fault_seq, 6);
	/* a file edited after export */
	assert_int_equal(audit_verify_trail(f->s, f->v, &r), ERR_OK);
	c = good;
	c.at++;
	assert_int_equal(audit_verify_exported(f->s, &c, &r), ERR_CRYPTO);
	assert_int_equal(r.fault, AUDIT_FAULT_SIGNATURE);
	/* another key (another practice, or a replaced audit key) */
	assert_int_equal(audit_verify_trail(f->s, f->v, &r), ERR_OK);
	assert_int_equal(vault_sign_keypair_new(&other), ERR_OK);
	sign(&c, other, good.seq, good.head, good.at);
	assert_int_equal(audit_verify_exported(f->s, &c, &r), ERR_CRYPTO);
	assert_int_equal(r.fault, AUDIT_FAULT_KEY);
	vault_sign_key_free(other);
	vault_sign_key_free(k);
}

static void signing_key_is_sealed_to_its_row(void **state)
{
	struct fx *f = *state;
	struct vault_sign_key *k = NULL, *back = NULL;
	struct vault_key *sub = vault_key_new();
	unsigned char sealed[VAULT_SIGN_SEALEDBYTES], sig[VAULT_SIGNBYTES];
	unsigned char pk[VAULT_SIGN_PUBLICBYTES], pk2[VAULT_SIGN_PUBLICBYTES];
	struct vault_ad ad = {"audit_keys", "secret", 7, 0}, moved = {"audit_keys", "secret", 8, 0};

	assert_non_null(sub);
	assert_int_equal(vault_subkey(f->v, VAULT_SUB_SECRETS, sub), ERR_OK);
	assert_int_equal(vault_sign_keypair_new(&k), ERR_OK);
	vault_sign_key_public(k, pk);
	assert_int_equal(vault_sign_key_seal(sealed, k, &ad, sub), ERR_OK);
	assert_int_equal(vault_sign_key_open(sealed, sizeof sealed, &moved, sub, &back),
	                 ERR_CRYPTO);
	assert_int_equal(vault_sign_key_open(sealed, sizeof sealed - 1, &ad, sub, &back),
	                 ERR_CRYPTO);
	assert_int_equal(vault_sign_key_open(sealed, sizeof sealed, &ad, sub, &back), ERR_OK);
	vault_sign_key_public(back, pk2);
	assert_memory_equal(pk, pk2, sizeof pk);
	vault_sign(sig, back, "m", 1);
	assert_int_equal(vault_sign_verify(sig, pk, "m", 1), ERR_OK);
	assert_int_equal(vault_sign_verify(sig, pk, "n", 1), ERR_CRYPTO);
	sig[10] ^= 1;
	assert_int_equal(vault_sign_verify(sig, pk, "m", 1), ERR_CRYPTO);
	vault_sign_key_free(back);
	vault_sign_key_free(k);
	vault_key_free(sub);
	/* the store's own key row: its secret is not the plain seed */
	emit_at(f, 1);
	assert_int_equal(sql_int(f, "SELECT length(secret_sealed) FROM audit_keys"),
	                 VAULT_SIGN_SEALEDBYTES);
}

/* ---- reports ----------------------------------------------------------------------- */

struct world {
	struct user alice; /* clinician */
	struct user bob;   /* clinician */
	struct client a;   /* a client alice sees */
	struct client b;   /* a client both see */
	struct client c;   /* a client bob sees */
};

static void make_user(struct fx *f, struct user *u, const char *email, const char *name)
{
	memset(u, 0, sizeof *u);
	u->email = (char *)(uintptr_t)email;
	u->display_name = (char *)(uintptr_t)name;
	u->role = (char *)(uintptr_t) "clinician";
	assert_int_equal(store_user_create(f->s, u, NULL, 0, 1), ERR_OK);
	u->email = u->display_name = u->role = NULL;
}

static void make_client(struct fx *f, const char *name, struct client *c)
{
	memset(c, 0, sizeof *c);
	c->status = CLIENT_ACTIVE;
	c->legal_name = strdup(name);
	assert_int_equal(store_client_create(f->s, f->v, c, 1), ERR_OK);
	free(c->legal_name); /* keep id and public_id */
	c->legal_name = NULL;
}

/* touch - one event by u about client c (0: none) at time at. */
static void touch(struct fx *f, const struct user *u, const struct client *c, enum audit_event ev,
                  int64_t at, const char *session, const char *source)
{
	struct audit_entry a = {.event = ev,
	                        .actor = u->public_id,
	                        .actor_role = "clinician",
	                        .session = session,
	                        .source = source,
	                        .client_id = c ? c->id : 0,
	                        .object_type = c ? "client" : "",
	                        .object_id = c ? c->public_id : "",
	                        .purpose = "treatment",
	                        .outcome = ERR_OK,
	                        .at = at};

	assert_int_equal(audit_emit(f->s, f->v, &a), ERR_OK);
}

static void build_world(struct fx *f, struct world *w)
{
	memset(w, 0, sizeof *w);
	assert_int_equal(store_begin(f->s), ERR_OK);
	make_user(f, &w->alice, "alice@example.org", "Alice Adams");
	make_user(f, &w->bob, "bob@example.org", "Bob Brown");
	make_client(f, "Client A", &w->a);
	make_client(f, "Client B", &w->b);
	make_client(f, "Client C", &w->c);
	/* alice: A three times, B once, one list page; from one session/address */
	touch(f, &w->alice, &w->a, AUDIT_CLIENT_READ, 1000, "s-alice-1", "192.0.2.1");
	touch(f, &w->alice, &w->a, AUDIT_CLIENT_UPDATE, 1100, "s-alice-1", "192.0.2.1");
	touch(f, &w->alice, &w->b, AUDIT_CLIENT_READ, 1200, "s-alice-1", "192.0.2.1");
	touch(f, &w->alice, NULL, AUDIT_CLIENT_LIST, 1300, "s-alice-1", "192.0.2.1");
	touch(f, &w->alice, &w->a, AUDIT_CLIENT_READ, 1400, "s-alice-2", "198.51.100.9");
	/* bob: B and C, later, from another address */
	touch(f, &w->bob, &w->b, AUDIT_CLIENT_READ, 2000, "s-bob-1", "203.0.113.5");
	touch(f, &w->bob, &w->c, AUDIT_CLIENT_READ, 2100, "s-bob-1", "203.0.113.5");
	touch(f, &w->bob, &w->c, AUDIT_CLIENT_UPDATE, 2200, "s-bob-1", "203.0.113.5");
	assert_int_equal(store_commit(f->s), ERR_OK);
}

static void free_records(struct audit_record *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		audit_record_cleanup(&r[i]);
}

static int64_t count_event(struct fx *f, const char *name)
{
	char q[200];

	snprintf(q, sizeof q, "SELECT count(*) FROM audit_events WHERE event = '%s'", name);
	return sql_int(f, q);
}

static void search_filters_and_pages(void **state)
{
	struct fx *f = *state;
	struct domain_ctx ctx;
	struct audit_filter flt;
	struct audit_record out[10];
	struct world w;
	int64_t seen[20];
	size_t n = 0, total = 0, i;

	build_world(f, &w);
	domain_ctx_system(&ctx, f->s, f->v);
	/* by actor: newest first, with names joined */
	memset(&flt, 0, sizeof flt);
	flt.actor = w.alice.public_id;
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_OK);
	assert_int_equal(n, 5);
	assert_true(out[0].seq > out[1].seq);
	assert_string_equal(out[0].actor_name, "Alice Adams");
	assert_string_equal(out[0].actor_role, "clinician");
	assert_string_equal(out[0].client, w.a.public_id);
	assert_string_equal(out[0].session, "s-alice-2");
	assert_string_equal(out[0].source, "198.51.100.9");
	assert_string_equal(out[0].purpose, "treatment");
	assert_string_equal(out[0].outcome, "ok");
	assert_string_equal(out[1].event, "client.list");
	assert_string_equal(out[1].client, "");
	free_records(out, n);
	/* by client */
	memset(&flt, 0, sizeof flt);
	flt.client = w.b.public_id;
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].actor_name, "Bob Brown");
	assert_string_equal(out[1].actor_name, "Alice Adams");
	free_records(out, n);
	/* by event and time window */
	memset(&flt, 0, sizeof flt);
	flt.event = "client.update";
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_OK);
	assert_int_equal(n, 2);
	free_records(out, n);
	flt.from = 1050;
	flt.to = 2150;
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].at, 1100);
	free_records(out, n);
	/* an unknown client finds nothing (and is still recorded) */
	memset(&flt, 0, sizeof flt);
	flt.client = "ffffffffffffffffffffffffffffffff";
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_OK);
	assert_int_equal(n, 0);
	/* pages of 3 over the client events, newest first, no repeats */
	memset(&flt, 0, sizeof flt);
	flt.to = 5000; /* leave out the audit.search events (at = now) */
	do {
		assert_int_equal(domain_audit_search(&ctx, &flt, 3, out, &n), ERR_OK);
		for (i = 0; i < n; i++) {
			assert_true(total == 0 || out[i].seq < seen[total - 1]);
			seen[total++] = out[i].seq;
		}
		if (n > 0)
			flt.before = out[n - 1].seq;
		free_records(out, n);
	} while (n == 3);
	assert_int_equal(total, 8);
	/* every search was itself recorded: 6 above plus the pages */
	assert_int_equal(count_event(f, "audit.search"), 5 + 3);
	/* filters are ids: free text is refused before anything runs */
	memset(&flt, 0, sizeof flt);
	flt.actor = "Alice Adams's";
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_INVAL);
	assert_non_null(ctx.message);
	memset(&flt, 0, sizeof flt);
	assert_int_equal(domain_audit_search(&ctx, &flt, 201, out, &n), ERR_INVAL);
	flt.from = 10;
	flt.to = 5;
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_INVAL);
	/* only the owner, the auditor and the system may search; a refusal is
	 * recorded */
	memset(&flt, 0, sizeof flt);
	ctx.role = ROLE_CLINICIAN;
	ctx.actor = w.alice.public_id;
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_DENIED);
	assert_int_equal(sql_int(f,
	                         "SELECT count(*) FROM audit_events WHERE event = 'audit.search' "
	                         "AND outcome = 'denied'"),
	                 1);
	ctx.role = ROLE_AUDITOR;
	assert_int_equal(domain_audit_search(&ctx, &flt, 10, out, &n), ERR_OK);
	free_records(out, n);
	verify_ok(f, (uint64_t)sql_int(f, "SELECT count(*) FROM audit_events"),
	          (uint64_t)sql_int(f, "SELECT count(*) FROM audit_checkpoints"));
}

static void access_report_lists_who_opened_a_record(void **state)
{
	struct fx *f = *state;
	struct domain_ctx ctx;
	struct audit_record out[10];
	struct world w;
	size_t n = 0;

	build_world(f, &w);
	domain_ctx_system(&ctx, f->s, f->v);
	assert_int_equal(domain_audit_access_report(&ctx, w.a.public_id, 0, 10, out, &n), ERR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].at, 1400);
	assert_string_equal(out[0].event, "client.read");
	assert_int_equal(out[1].at, 1100);
	assert_string_equal(out[1].event, "client.update");
	assert_string_equal(out[2].actor_name, "Alice Adams");
	assert_string_equal(out[2].actor_role, "clinician");
	assert_string_equal(out[2].client, w.a.public_id);
	free_records(out, n);
	/* paged */
	assert_int_equal(domain_audit_access_report(&ctx, w.c.public_id, 0, 1, out, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].at, 2200);
	{
		int64_t before = out[0].seq;

		free_records(out, n);
		assert_int_equal(
		        domain_audit_access_report(&ctx, w.c.public_id, before, 5, out, &n),
		        ERR_OK);
		assert_int_equal(n, 1);
		assert_int_equal(out[0].at, 2100);
		free_records(out, n);
	}
	/* the read is recorded against the client */
	assert_int_equal(
	        sql_int(f, "SELECT count(*) FROM audit_events WHERE event = "
	                   "'audit.access_report' AND outcome = 'ok' AND client_id IS NOT NULL"),
	        3);
	/* a client record that does not exist */
	assert_int_equal(domain_audit_access_report(&ctx, "ffffffffffffffffffffffffffffffff", 0, 10,
	                                            out, &n),
	                 ERR_NOTFOUND);
	/* a client may read their own report, not another's (same answer as
	 * for a record that does not exist) */
	ctx.role = ROLE_CLIENT;
	ctx.client_self = w.b.id;
	assert_int_equal(domain_audit_access_report(&ctx, w.b.public_id, 0, 10, out, &n), ERR_OK);
	assert_int_equal(n, 2);
	free_records(out, n);
	assert_int_equal(domain_audit_access_report(&ctx, w.a.public_id, 0, 10, out, &n),
	                 ERR_NOTFOUND);
	ctx.role = ROLE_CLINICIAN;
	assert_int_equal(domain_audit_access_report(&ctx, w.b.public_id, 0, 10, out, &n),
	                 ERR_NOTFOUND);
}

static void breach_report_counts_clients(void **state)
{
	struct fx *f = *state;
	struct domain_ctx ctx;
	struct audit_filter flt;
	struct audit_breach b;
	struct world w;
	struct buf csv;
	char want[512], t1[AUDIT_TIME_LEN], t2[AUDIT_TIME_LEN], t3[AUDIT_TIME_LEN];

	build_world(f, &w);
	domain_ctx_system(&ctx, f->s, f->v);
	/* by actor, whole history */
	memset(&flt, 0, sizeof flt);
	flt.actor = w.alice.public_id;
	assert_int_equal(domain_audit_breach_report(&ctx, &flt, &b), ERR_OK);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.clients[0].client, w.a.public_id);
	assert_int_equal(b.clients[0].events, 3);
	assert_int_equal(b.clients[0].first, 1000);
	assert_int_equal(b.clients[0].last, 1400);
	assert_string_equal(b.clients[1].client, w.b.public_id);
	assert_int_equal(b.clients[1].events, 1);
	assert_int_equal(b.events, 5);
	assert_int_equal(b.unattributed, 1);
	/* as CSV: ids, counts and times only */
	buf_init(&csv, 1 << 20, 0);
	assert_int_equal(domain_audit_breach_csv(&b, &csv), ERR_OK);
	domain_time_format(1000, t1);
	domain_time_format(1400, t2);
	domain_time_format(1200, t3);
	snprintf(want, sizeof want, "client,events,first,last\r\n%s,3,%s,%s\r\n%s,1,%s,%s\r\n",
	         w.a.public_id, t1, t2, w.b.public_id, t3, t3);
	assert_string_equal(csv.data, want);
	buf_cleanup(&csv);
	audit_breach_cleanup(&b);
	/* by session: only what that session did */
	memset(&flt, 0, sizeof flt);
	flt.session = "s-alice-2";
	assert_int_equal(domain_audit_breach_report(&ctx, &flt, &b), ERR_OK);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.clients[0].client, w.a.public_id);
	assert_int_equal(b.clients[0].events, 1);
	audit_breach_cleanup(&b);
	/* by source address and window */
	memset(&flt, 0, sizeof flt);
	flt.source = "203.0.113.5";
	flt.from = 2050;
	flt.to = 2300;
	assert_int_equal(domain_audit_breach_report(&ctx, &flt, &b), ERR_OK);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.clients[0].client, w.c.public_id);
	assert_int_equal(b.clients[0].events, 2);
	assert_int_equal(b.clients[0].first, 2100);
	assert_int_equal(b.clients[0].last, 2200);
	audit_breach_cleanup(&b);
	/* a subject is required; the report is recorded */
	memset(&flt, 0, sizeof flt);
	assert_int_equal(domain_audit_breach_report(&ctx, &flt, &b), ERR_INVAL);
	assert_int_equal(count_event(f, "audit.breach_report"), 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_events WHERE event = "
	                            "'audit.breach_report' AND detail = 'clients=2 events=5'"),
	                 1);
}

static void csv_fields_are_quoted(void **state)
{
	struct buf b;
	struct audit_breach br;
	struct audit_touch t[2];

	(void)state;
	buf_init(&b, 4096, 0);
	assert_int_equal(domain_csv_field(&b, "plain"), ERR_OK);
	assert_int_equal(buf_puts(&b, "|"), ERR_OK);
	assert_int_equal(domain_csv_field(&b, "a,b"), ERR_OK);
	assert_int_equal(buf_puts(&b, "|"), ERR_OK);
	assert_int_equal(domain_csv_field(&b, "say \"hi\""), ERR_OK);
	assert_int_equal(buf_puts(&b, "|"), ERR_OK);
	assert_int_equal(domain_csv_field(&b, "two\nlines"), ERR_OK);
	assert_int_equal(buf_puts(&b, "|"), ERR_OK);
	assert_int_equal(domain_csv_field(&b, "cr\r"), ERR_OK);
	assert_int_equal(buf_puts(&b, "|"), ERR_OK);
	assert_int_equal(domain_csv_field(&b, ""), ERR_OK);
	assert_string_equal(b.data, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"|");
	buf_reset(&b);
	/* a report row whose id needed quoting stays one field */
	memset(&br, 0, sizeof br);
	memset(t, 0, sizeof t);
	snprintf(t[0].client, sizeof t[0].client, "x,\"y\"");
	t[0].events = 2;
	t[0].first = 0;
	t[0].last = 86400;
	br.clients = t;
	br.n = 1;
	assert_int_equal(domain_audit_breach_csv(&br, &b), ERR_OK);
	assert_string_equal(b.data, "client,events,first,last\r\n\"x,\"\"y\"\"\",2,"
	                            "1970-01-01T00:00:00Z,1970-01-02T00:00:00Z\r\n");
	buf_cleanup(&b);
}

static void times_parse(void **state)
{
	int64_t t = 0;
	const char *bad[] = {"",
	                     "yesterday",
	                     "2024-02-30",
	                     "2023-02-29",
	                     "2024-13-01",
	                     "2024-01-01T10:00",
	                     "2024-01-01T25:00Z",
	                     "2024-01-01T10:00:00+2",
	                     "2024-01-01 10:00:00Z",
	                     "1234567890123",
	                     "1969-12-31",
	                     "2024-01-01T10:00:00Zjunk",
	                     "-5"};
	size_t i;

	(void)state;
	assert_int_equal(domain_time_parse("1700000000", &t), ERR_OK);
	assert_int_equal(t, 1700000000);
	assert_int_equal(domain_time_parse("1970-01-02", &t), ERR_OK);
	assert_int_equal(t, 86400);
	assert_int_equal(domain_time_parse("2024-02-29", &t), ERR_OK);
	assert_int_equal(t, 1709164800);
	assert_int_equal(domain_time_parse("2024-03-01T09:30:15Z", &t), ERR_OK);
	assert_int_equal(t, 1709285415);
	assert_int_equal(domain_time_parse("2024-03-01T09:30:15.123Z", &t), ERR_OK);
	assert_int_equal(t, 1709285415);
	assert_int_equal(domain_time_parse("2024-03-01T10:30:15+01:00", &t), ERR_OK);
	assert_int_equal(t, 1709285415);
	assert_int_equal(domain_time_parse("2024-03-01T04:30:15-0500", &t), ERR_OK);
	assert_int_equal(t, 1709285415);
	assert_int_equal(domain_time_parse("2024-03-01T09:30Z", &t), ERR_OK);
	assert_int_equal(t, 1709285400);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (domain_time_parse(bad[i], &t) != ERR_INVAL)
			fail_msg("accepted '%s'", bad[i]);
	{
		char s[AUDIT_TIME_LEN];

		domain_time_format(1709285415, s);
		assert_string_equal(s, "2024-03-01T09:30:15Z");
	}
}

static void event_names_are_stable(void **state)
{
	int i;

	(void)state;
	/* The names are stored in the chain: these values must never move. */
	assert_int_equal(AUDIT_CLIENT_CREATE, 1);
	assert_int_equal(AUDIT_DEMO, 10);
	assert_string_equal(audit_event_name(AUDIT_BACKUP), "backup.write");
	assert_string_equal(audit_event_name(AUDIT_AUDIT_SEARCH), "audit.search");
	assert_string_equal(audit_event_name(AUDIT_AUDIT_ACCESS_REPORT), "audit.access_report");
	assert_string_equal(audit_event_name(AUDIT_AUDIT_BREACH_REPORT), "audit.breach_report");
	assert_string_equal(audit_event_name(AUDIT_LOGIN_FAILED), "auth.login_failed");
	assert_string_equal(audit_event_name(AUDIT_CARE_TEAM), "client.care_team");
	assert_string_equal(audit_event_name(AUDIT_BREAK_GLASS), "client.break_glass");
	assert_string_equal(audit_event_name(AUDIT_PASSWORD), "auth.password");
	assert_string_equal(audit_event_name(AUDIT__COUNT), "unknown");
	for (i = 0; i < AUDIT__COUNT; i++) {
		assert_string_not_equal(audit_event_name((enum audit_event)i), "unknown");
		assert_true(audit_id_ok(audit_event_name((enum audit_event)i)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(chain_of_both_formats_verifies, setup, teardown),
	        cmocka_unit_test_setup_teardown(edits_deletes_inserts_and_moves_name_the_event,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(tail_deleted_under_a_checkpoint_is_caught, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(segments_join_as_one_walk, setup, teardown),
	        cmocka_unit_test_setup_teardown(free_text_is_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(checkpoint_every_1000_events, setup, teardown),
	        cmocka_unit_test_setup_teardown(checkpoint_every_minute, setup, teardown),
	        cmocka_unit_test_setup_teardown(checkpoint_tampering_is_caught, setup, teardown),
	        cmocka_unit_test_setup_teardown(exported_checkpoints_catch_cut_and_foreign_trails,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(signing_key_is_sealed_to_its_row, setup, teardown),
	        cmocka_unit_test_setup_teardown(search_filters_and_pages, setup, teardown),
	        cmocka_unit_test_setup_teardown(access_report_lists_who_opened_a_record, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(breach_report_counts_clients, setup, teardown),
	        cmocka_unit_test(csv_fields_are_quoted),
	        cmocka_unit_test(times_parse),
	        cmocka_unit_test(event_names_are_stable),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
