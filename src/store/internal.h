/*
 * internal.h - what the store's files share: the connection struct, the
 * statement groups each file contributes, and small step helpers.
 * Never included outside src/store/.
 */
#ifndef CONFIDANT_STORE_INTERNAL_H
#define CONFIDANT_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

/* Each store file owns one group of named statements. */
enum store_group {
	STORE_GROUP_CORE,     /* store_sqlite.c: meta, keyring, clients, demo */
	STORE_GROUP_AUDIT,    /* store_audit.c: the audit chain and checkpoints */
	STORE_GROUP_IDENTITY, /* store_identity.c: users, sessions, care teams */
	STORE_GROUP_NOTES,    /* store_notes.c: progress notes and addenda */
	/* store_diagnoses.c: a client's diagnoses */
	STORE_GROUP_DIAGNOSES,
	/* store_consent.c: consent templates, consents, disclosures */
	STORE_GROUP_CONSENT,
	/* store_chart.c: guardians, chart history, note versions */
	STORE_GROUP_CHART,
	/* store_today.c: a clinician's drafts and co-signatures due */
	STORE_GROUP_TODAY,
	/* store_pnotes.c: psychotherapy notes and author keys */
	STORE_GROUP_PNOTES,
	/* store_attachments.c: files in a client's chart */
	STORE_GROUP_ATTACHMENTS,
	STORE_GROUP_PLANS,      /* store_plans.c: treatment plans and their versions */
	STORE_GROUP_AMENDMENTS, /* store_amendments.c: amendment requests */
	/* store_privacy.c: counts of a client's record for their privacy page */
	STORE_GROUP_PRIVACY,
	/* store_schedule.c: appointments, series, hours, rooms, services */
	STORE_GROUP_SCHEDULE,
	/* store_recovery.c: recovery-code salts */
	STORE_GROUP_RECOVERY,
	/* store_note_templates.c: practice note templates */
	STORE_GROUP_NOTE_TEMPLATES,
	/* store_risk.c: notes' sealed risk summaries */
	STORE_GROUP_RISK,
	/* store_export.c: appointments for the export, access requests */
	STORE_GROUP_EXPORT,
	/* store_erasure.c: holds, erasure, ledger, restriction */
	STORE_GROUP_ERASURE,
	/* store_breach.c: breach records */
	STORE_GROUP_BREACH,
	/* store_remind.c: waitlist, booking requests, reminders, feeds, secrets */
	STORE_GROUP_REMIND,
	STORE_GROUP_RESEARCH, /* store_research.c: research export candidates and counts */
	/* store_telehealth.c: video rooms and participants */
	STORE_GROUP_TELEHEALTH,
	/* store_retention.c: retention rules per jurisdiction */
	STORE_GROUP_RETENTION,
	/* store_time_off.c: list and remove a clinician's time off */
	STORE_GROUP_TIME_OFF,
	STORE_GROUP__COUNT
};

/* One group: its SQL texts, indexed by the file's own enum. */
struct stmt_group {
	const char *const *sql; /* statement texts */
	unsigned n;             /* how many */
};
extern const struct stmt_group store_group_core;
extern const struct stmt_group store_group_audit;
extern const struct stmt_group store_group_identity;
extern const struct stmt_group store_group_notes;
extern const struct stmt_group store_group_diagnoses;
extern const struct stmt_group store_group_consent;
extern const struct stmt_group store_group_chart;
extern const struct stmt_group store_group_today;
extern const struct stmt_group store_group_pnotes;
extern const struct stmt_group store_group_attachments;
extern const struct stmt_group store_group_plans;
extern const struct stmt_group store_group_amendments;
extern const struct stmt_group store_group_privacy;
extern const struct stmt_group store_group_schedule;
extern const struct stmt_group store_group_recovery;
extern const struct stmt_group store_group_note_templates;
extern const struct stmt_group store_group_risk;
extern const struct stmt_group store_group_export;
extern const struct stmt_group store_group_erasure;
extern const struct stmt_group store_group_breach;
extern const struct stmt_group store_group_remind;
extern const struct stmt_group store_group_research;
extern const struct stmt_group store_group_telehealth;
extern const struct stmt_group store_group_retention;
extern const struct stmt_group store_group_time_off;
/* Every group, by enum store_group (helpers.c). */
extern const struct stmt_group *const store_groups[STORE_GROUP__COUNT];

struct store {
	sqlite3 *db;                           /* the connection */
	sqlite3_stmt **st[STORE_GROUP__COUNT]; /* prepared statements, by group and id */
	struct vault_key *key;                 /* scratch data key, locked memory */
	struct vault_key *subkey;              /* scratch subkey (search), locked memory */
	const struct vault *key_vault;         /* vault that unwrapped key (cache check) */
	uint32_t key_master;                   /* its master version then (cache check) */
	int schema;                            /* highest migration applied */
	struct store_sync *sync;               /* group commit, or NULL: commits sync (FULL) */
	int writer;                            /* holds the pool's write turn */
	int snap;       /* a held read snapshot is open (store_snapshot_begin) */
	int snap_depth; /* store_begin_read calls joined to it and not yet ended */
	/* The audit chain as this connection's batch transaction left it
	 * (store_audit.c): a batch holds the write lock throughout, so nobody
	 * else can move the tail or add a checkpoint meanwhile. durable.c
	 * turns the memo on for a batch and forgets it when an item's writes
	 * are undone or the batch ends; outside batches every lookup reads. */
	int audit_memo;               /* non-zero: inside a batch, the memo may be used */
	int audit_tail_known;         /* audit_seq/audit_hash hold the tail */
	int64_t audit_seq;            /* the last event's seq (0: none) */
	unsigned char audit_hash[32]; /* its hash */
	int audit_cp_known;           /* audit_cp_seq/audit_cp_at hold the newest checkpoint */
	int64_t audit_cp_seq;         /* the newest checkpoint's seq */
	int64_t audit_cp_at;          /* and its time */
};

/* store_audit_memo_forget - the tail and checkpoint memo no longer holds
 * (an item's writes were undone, or the batch ended). */
void store_audit_memo_forget(struct store *s);

/* store_sync_writer_lock / _unlock - the pool's write turn (durable.c). */
void store_sync_writer_lock(struct store_sync *y);
void store_sync_writer_unlock(struct store_sync *y);

/* store_commit_nosync - COMMIT and give up the write turn, without waiting
 * for the group sync (the caller must store_sync_wait before it reports
 * the change as made). With no group commit the COMMIT itself syncs. */
enum err store_commit_nosync(struct store *s);

/* store_item_begin - inside a write transaction, mark where one batch
 * member's writes start (SAVEPOINT). store_item_end - keep them (RELEASE)
 * or, keep 0, undo every write since the mark (ROLLBACK TO, then RELEASE),
 * leaving the transaction and the other members' writes as they were. */
enum err store_item_begin(struct store *s);
enum err store_item_end(struct store *s, int keep);

/* Tables whose row ids a pool hands out before the write transaction
 * (store_sync_id_claim), so values bound to the row can be sealed
 * outside the write lock. */
enum store_id_slot {
	STORE_ID_NOTES,         /* notes.id */
	STORE_ID_NOTE_VERSIONS, /* note_versions.id */
	STORE_ID__COUNT
};

/* store_sync_id_claim - a row id for table slot that no other caller of
 * this pool has claimed, above seen (the table's highest id as the caller
 * read it): the larger of the two, plus one. With y NULL (no pool),
 * seen + 1. Another process may still take the id first: the insert
 * then fails on the primary key and the caller claims again inside its
 * write transaction, where seen is exact. */
int64_t store_sync_id_claim(struct store_sync *y, unsigned slot, int64_t seen);

/* client_key_load - unwrap the data key of (client, version) into s->key
 * (cached per connection). ERR_NOTFOUND if the client was shredded. */
enum err client_key_load(struct store *s, const struct vault *v, int64_t client_id,
                         uint32_t key_version);

/* seal_bind - seal text (NULL binds NULL) for (table, column, row) under
 * s->key and bind it to parameter idx; *blob is the allocation to free
 * after the step. */
enum err seal_bind(struct store *s, sqlite3_stmt *st, int idx, const char *table,
                   const char *column, int64_t row, const char *text, unsigned char **blob);

/* open_column - open sealed column col of the current row into a new
 * NUL-terminated string (NULL for SQL NULL); ERR_CRYPTO if it fails. */
enum err open_column(struct store *s, sqlite3_stmt *st, int col, const char *table,
                     const char *column, int64_t row, char **out);

/* stmt_get - statement id of group, reset and unbound, ready for binding. */
sqlite3_stmt *stmt_get(struct store *s, unsigned group, unsigned id);

/* step_done - step a statement that returns no rows, then reset it. */
enum err step_done(struct store *s, sqlite3_stmt *st);

/* db_err - an SQLite result code as an enum err (logged if unexpected). */
enum err db_err(struct store *s, int rc);

/* A row reader for rows_collect: fill *out from the current row of st. */
typedef enum err (*row_reader)(struct store *s, const struct vault *v, sqlite3_stmt *st, void *out);

/* rows_collect - step st (bound by the caller) and read each row into the
 * next element (size bytes) of out, at most max; *n set. On any error the
 * rows read so far are cleaned up with cleanup (NULL when a row owns no
 * memory) and nothing is left in out. st is reset either way. */
enum err rows_collect(struct store *s, const struct vault *v, sqlite3_stmt *st, row_reader read,
                      void (*cleanup)(void *), void *out, size_t size, size_t max, size_t *n);

/* copy_text_col - column col as text into out (size bytes), "" for NULL. */
void copy_text_col(sqlite3_stmt *st, int col, char *out, size_t size);

/* random_public_id - 32 random hex digits and a NUL. */
void random_public_id(char out[33]);

#endif
