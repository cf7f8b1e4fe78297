/* test_notesave.c - note saves as members of shared write transactions
 * (store_note_prepare outside the lock, store_note_insert_prepared inside
 * store_batch_run, as domain_note_create does): many threads' saves all
 * land once, each openable under its row's associated data; a member that
 * fails after its inserts is undone alone; a save is answered only once
 * its transaction is committed; the audit chain holds after the batches;
 * reserved row ids another writer took meanwhile are claimed again under
 * the lock; an erasure between sealing and inserting refuses the save.
 * Mirrors src/store/store_notes.c and src/store/durable.c. */
#include "unit_store.h"

#include <pthread.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "store/chart.h"
#include "store/store.h"

#define THREADS 8
#define PER_THREAD 24
#define FAIL_EVERY 6 /* every n-th save fails after its inserts */

struct fx {
	char path[300];          /* database file */
	struct store_pool *pool; /* connections sharing one group commit */
	struct vault *v;         /* master key (with its root key) */
	int64_t client;          /* the client's row id */
	int64_t author;          /* the clinician's row id */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct store *s = NULL;
	struct client c;
	struct user u;

	assert_non_null(f);
	unit_store_new("t.db", f->path, sizeof f->path, &s);
	assert_int_equal(vault_new(1, &f->v), ERR_OK);
	assert_int_equal(store_begin(s), ERR_OK);
	memset(&c, 0, sizeof c);
	c.status = CLIENT_ACTIVE;
	c.legal_name = strdup("Pat Example");
	assert_int_equal(store_client_create(s, f->v, &c, 1000), ERR_OK);
	f->client = c.id;
	client_cleanup(&c);
	memset(&u, 0, sizeof u);
	u.email = (char *)(uintptr_t) "author@example.org";
	u.display_name = (char *)(uintptr_t) "Author";
	u.role = (char *)(uintptr_t) "clinician";
	assert_int_equal(store_user_create(s, &u, NULL, 0, 1000), ERR_OK);
	f->author = u.id;
	assert_int_equal(store_commit(s), ERR_OK);
	store_close(s);
	assert_int_equal(store_pool_new(f->path, THREADS, &f->pool), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_pool_free(f->pool);
	vault_free(f->v);
	free(f);
	return 0;
}

/* A draft for the fixture's client with text. */
static struct note draft(struct fx *f, char *text)
{
	struct note n;

	memset(&n, 0, sizeof n);
	n.client_id = f->client;
	n.author_id = f->author;
	snprintf(n.template_name, sizeof n.template_name, "soap");
	snprintf(n.date, sizeof n.date, "2026-11-20");
	n.content = text;
	return n;
}

/* One member: its rows and its event, then a failure if asked. */
struct save {
	struct fx *f;            /* the fixture */
	struct note *n;          /* the draft */
	struct note_prepared *p; /* sealed before the batch */
	int fail;                /* non-zero: fail after writing */
};

static enum err apply_save(struct store *s, void *arg)
{
	struct save *m = arg;
	struct audit_entry a = {.event = AUDIT_NOTE_CREATE, .actor = "system", .at = 2000};
	enum err e;

	e = store_note_insert_prepared(s, m->f->v, m->n, "v1 s=0 h=0 p=1", m->p, m->f->author,
	                               2000);
	a.object_type = "note";
	a.object_id = m->n->public_id;
	a.client_id = m->n->client_id;
	a.detail = m->fail ? "half=1" : "half=0";
	if (e == ERR_OK)
		e = audit_emit(s, m->f->v, &a);
	return e == ERR_OK && m->fail ? ERR_IO : e;
}

/* save_one - prepare outside any transaction, then run as a batch member;
 * *visible: the note opened from this connection right after the answer. */
static enum err save_one(struct fx *f, struct store *s, struct note *n, int fail, int *visible)
{
	struct note_prepared p;
	struct save m = {.f = f, .n = n, .fail = fail};
	struct store_batch_item it = {.apply = apply_save, .arg = &m};
	struct note got;
	enum err e;

	e = store_note_prepare(s, f->v, n, "v1 s=0 h=0 p=1", &p);
	if (e != ERR_OK)
		return e;
	m.p = &p;
	e = store_batch_run(s, &it);
	*visible = 0;
	if (e == ERR_OK) {
		/* Answered: the transaction must be committed (an autocommit
		 * read sees it) and synced at least once. */
		memset(&got, 0, sizeof got);
		*visible = store_note_get(s, f->v, n->public_id, 1, &got) == ERR_OK &&
		           strcmp(got.content, n->content) == 0 && store_pool_syncs(f->pool) > 0;
		note_cleanup(&got);
	}
	note_prepared_cleanup(&p);
	return e;
}

struct writer {
	struct fx *f;                    /* the fixture */
	int index;                       /* which thread */
	char ids[PER_THREAD][33];        /* public ids of the saved notes */
	char failed_ids[PER_THREAD][33]; /* public ids the failed saves would have had */
	int ok, failed, invisible;       /* outcomes seen */
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct store *s = store_pool_take(w->f->pool);
	char text[64];
	int i, visible;

	for (i = 0; i < PER_THREAD; i++) {
		struct note n;
		int fail = i % FAIL_EVERY == FAIL_EVERY - 1;
		enum err e;

		snprintf(text, sizeof text, "{\"plan\":\"thread %d note %d\"}", w->index, i);
		n = draft(w->f, text);
		e = save_one(w->f, s, &n, fail, &visible);
		if (e == ERR_OK) {
			memcpy(w->ids[w->ok++], n.public_id, 33);
			w->invisible += !visible;
		} else if (e == ERR_IO && fail) {
			memcpy(w->failed_ids[w->failed++], n.public_id, 33);
		}
	}
	store_pool_give(w->f->pool, s);
	return NULL;
}

/* count_events - audit rows by detail. */
struct counts {
	int kept, halves; /* events of saves kept, of saves undone */
};

static enum err count_events(void *arg, const struct audit_row *r)
{
	struct counts *c = arg;

	if (strcmp(r->detail, "half=0") == 0)
		c->kept++;
	else if (strcmp(r->detail, "half=1") == 0)
		c->halves++;
	return ERR_OK;
}

static void concurrent_saves_land_once_and_a_failing_one_alone_is_undone(void **state)
{
	struct fx *f = *state;
	static struct writer w[THREADS];
	struct audit_verify_result res;
	struct counts c = {0, 0};
	pthread_t t[THREADS];
	struct store *s;
	int i, j, ok = 0, failed = 0, invisible = 0;
	size_t versions;

	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].f = f;
		w[i].index = i;
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		ok += w[i].ok;
		failed += w[i].failed;
		invisible += w[i].invisible;
	}
	assert_int_equal(failed, THREADS * (PER_THREAD / FAIL_EVERY));
	assert_int_equal(ok, THREADS * PER_THREAD - failed);
	assert_int_equal(invisible, 0); /* never answered before the commit */
	s = store_pool_take(f->pool);
	for (i = 0; i < THREADS; i++) {
		for (j = 0; j < w[i].ok; j++) {
			struct note n;

			/* it opens: sealed for its own row, kept once */
			memset(&n, 0, sizeof n);
			assert_int_equal(store_note_get(s, f->v, w[i].ids[j], 1, &n), ERR_OK);
			assert_non_null(strstr(n.content, "note"));
			assert_int_equal(store_note_version_count(s, n.id, &versions), ERR_OK);
			assert_int_equal(versions, 1);
			note_cleanup(&n);
		}
		for (j = 0; j < w[i].failed; j++) {
			struct note n;

			/* undone: neither the note nor (below) its event */
			assert_int_equal(store_note_get(s, f->v, w[i].failed_ids[j], 0, &n),
			                 ERR_NOTFOUND);
		}
	}
	assert_int_equal(store_audit_each(s, count_events, &c), ERR_OK);
	assert_int_equal(c.kept, ok);
	assert_int_equal(c.halves, 0);
	assert_int_equal(audit_verify_trail(s, f->v, &res), ERR_OK);
	assert_int_equal(res.events, (uint64_t)ok);
	store_pool_give(f->pool, s);
}

static void ids_taken_meanwhile_are_claimed_again(void **state)
{
	struct fx *f = *state;
	char mine[] = "{\"plan\":\"mine\"}", theirs[] = "{\"plan\":\"theirs\"}";
	struct store *s = store_pool_take(f->pool);
	struct store *other = NULL;
	struct note n = draft(f, mine), o = draft(f, theirs), got;
	struct note_prepared p;
	int64_t reserved;

	assert_int_equal(store_note_prepare(s, f->v, &n, NULL, &p), ERR_OK);
	reserved = p.id;
	/* Another process (its own connection, no pool) inserts first and
	 * takes the next row id, which is the one reserved. */
	assert_int_equal(store_open(f->path, 0, &other), ERR_OK);
	assert_int_equal(store_begin(other), ERR_OK);
	assert_int_equal(store_note_create(other, f->v, &o, 1500), ERR_OK);
	assert_int_equal(store_commit(other), ERR_OK);
	assert_int_equal(o.id, reserved);
	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(store_note_insert_prepared(s, f->v, &n, NULL, &p, f->author, 1600),
	                 ERR_OK);
	assert_int_equal(store_commit(s), ERR_OK);
	assert_true(p.resealed);
	assert_true(n.id > reserved);
	/* both open, each under its own row */
	memset(&got, 0, sizeof got);
	assert_int_equal(store_note_get(s, f->v, n.public_id, 1, &got), ERR_OK);
	assert_string_equal(got.content, mine);
	note_cleanup(&got);
	assert_int_equal(store_note_get(other, f->v, o.public_id, 1, &got), ERR_OK);
	assert_string_equal(got.content, theirs);
	note_cleanup(&got);
	note_prepared_cleanup(&p);
	store_close(other);
	store_pool_give(f->pool, s);
}

static void an_erasure_between_seal_and_insert_refuses_the_save(void **state)
{
	struct fx *f = *state;
	char text[] = "{\"plan\":\"late\"}";
	struct store *s = store_pool_take(f->pool);
	struct note n = draft(f, text);
	struct note_prepared p;
	sqlite3 *db = NULL;
	char sql[96];

	assert_int_equal(store_note_prepare(s, f->v, &n, NULL, &p), ERR_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "DELETE FROM client_keys WHERE client_id = %lld",
	         (long long)f->client);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(store_note_insert_prepared(s, f->v, &n, NULL, &p, f->author, 1600),
	                 ERR_NOTFOUND);
	store_rollback(s);
	note_prepared_cleanup(&p);
	store_pool_give(f->pool, s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(
	                concurrent_saves_land_once_and_a_failing_one_alone_is_undone, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(ids_taken_meanwhile_are_claimed_again, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(an_erasure_between_seal_and_insert_refuses_the_save,
	                                        setup, teardown),
	};

	return cmocka_run_group_tests_name("notesave", tests, NULL, NULL);
}
