/* test_batch.c - shared batch transactions (store_batch_run, and the audit
 * events of reads through audit_emit_batched): many threads' events all
 * land, in one valid chain, in fewer transactions than events; an event
 * that fails gets its own error while the others in its batch are still
 * written; a member that fails after writing has its writes undone (its
 * savepoint) while the others commit; without a pool (the CLI) an item
 * runs alone; checkpoints fall due inside batches exactly where the rule
 * puts them, and a failed first member or another connection's append
 * never leaves a batch linking to a stale tail. */
#include "unit_store.h"

#include <pthread.h>

#include "audit/audit.h"
#include "store/store.h"

#define THREADS 8
#define PER_THREAD 40

struct fx {
	char path[300];          /* database file */
	struct store_pool *pool; /* connections sharing one group commit */
	struct vault *v;         /* master key (with its root key) */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct store *s = NULL;

	assert_non_null(f);
	unit_store_new("t.db", f->path, sizeof f->path, &s);
	store_close(s);
	assert_int_equal(vault_new(1, &f->v), ERR_OK);
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

/* reader - what one thread does: PER_THREAD batched events, as reads do. */
struct reader {
	struct fx *f;   /* the fixture */
	int bad_every;  /* every n-th event carries free text (refused), or 0 */
	int ok, failed; /* outcomes seen */
};

static void *read_many(void *arg)
{
	struct reader *r = arg;
	struct store *s = store_pool_take(r->f->pool);
	int i;

	for (i = 1; i <= PER_THREAD; i++) {
		struct audit_entry a = {.event = AUDIT_CLIENT_READ,
		                        .actor = "system",
		                        .at = 1000 + i,
		                        .detail = r->bad_every && i % r->bad_every == 0
		                                          ? "O'Brien" /* free text: refused */
		                                          : "count=1"};

		if (audit_emit_batched(s, r->f->v, &a) == ERR_OK)
			r->ok++;
		else
			r->failed++;
	}
	store_pool_give(r->f->pool, s);
	return NULL;
}

static void run_readers(struct fx *f, int bad_every, int *ok, int *failed)
{
	pthread_t t[THREADS];
	struct reader r[THREADS];
	int i;

	*ok = *failed = 0;
	for (i = 0; i < THREADS; i++) {
		r[i] = (struct reader){.f = f, .bad_every = bad_every};
		assert_int_equal(pthread_create(&t[i], NULL, read_many, &r[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		*ok += r[i].ok;
		*failed += r[i].failed;
	}
}

static void verify(struct fx *f, uint64_t events)
{
	struct audit_verify_result res;
	struct store *s = store_pool_take(f->pool);

	assert_int_equal(audit_verify_trail(s, f->v, &res), ERR_OK);
	assert_int_equal(res.events, events);
	store_pool_give(f->pool, s);
}

static void every_event_lands_in_one_chain(void **state)
{
	struct fx *f = *state;
	int ok, failed;

	run_readers(f, 0, &ok, &failed);
	assert_int_equal(ok, THREADS * PER_THREAD);
	assert_int_equal(failed, 0);
	verify(f, THREADS * PER_THREAD);
	/* Every commit of the pool went through the group sync: no more
	 * syncs than events, and each event was acknowledged after one. */
	assert_true(store_pool_syncs(f->pool) >= 1);
	assert_true(store_pool_syncs(f->pool) <= THREADS * PER_THREAD);
}

static void a_refused_event_fails_alone(void **state)
{
	struct fx *f = *state;
	int ok, failed;

	run_readers(f, 5, &ok, &failed);
	assert_int_equal(failed, THREADS * (PER_THREAD / 5));
	assert_int_equal(ok, THREADS * PER_THREAD - failed);
	verify(f, (uint64_t)ok);
}

/* apply_fail - an item whose writes fail after the batch began. */
static enum err apply_fail(struct store *s, void *arg)
{
	(void)s;
	(void)arg;
	return ERR_CONFLICT;
}

/* A member that writes and then fails: its own event is appended, then it
 * reports an error (as a write would whose later step failed). */
struct half {
	struct fx *f;          /* the fixture */
	struct audit_entry *a; /* its event */
	int fail;              /* non-zero: fail after writing */
};

static enum err apply_half(struct store *s, void *arg)
{
	struct half *h = arg;
	enum err e = audit_emit(s, h->f->v, h->a);

	return e == ERR_OK && h->fail ? ERR_IO : e;
}

struct writer {
	struct fx *f;   /* the fixture */
	int ok, failed; /* outcomes seen */
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct store *s = store_pool_take(w->f->pool);
	int i;

	for (i = 1; i <= PER_THREAD; i++) {
		struct audit_entry a = {.event = AUDIT_NOTE_CREATE,
		                        .actor = "system",
		                        .at = 2000 + i,
		                        .detail = i % 4 == 0 ? "half=1" : "half=0"};
		struct half h = {.f = w->f, .a = &a, .fail = i % 4 == 0};
		struct store_batch_item it = {.apply = apply_half, .arg = &h};
		enum err e = store_batch_run(s, &it);

		if (e == ERR_OK)
			w->ok++;
		else if (e == ERR_IO && h.fail)
			w->failed++;
	}
	store_pool_give(w->f->pool, s);
	return NULL;
}

/* check_no_half - no event of a failed member is in the trail. */
static enum err check_no_half(void *arg, const struct audit_row *r)
{
	int *halves = arg;

	if (strcmp(r->detail, "half=1") == 0)
		(*halves)++;
	return ERR_OK;
}

static void a_member_failing_after_its_writes_is_undone_alone(void **state)
{
	struct fx *f = *state;
	pthread_t t[THREADS];
	struct writer w[THREADS];
	struct store *s;
	int i, ok = 0, failed = 0, halves = 0;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct writer){.f = f};
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		ok += w[i].ok;
		failed += w[i].failed;
	}
	/* each failing member got its own error; every other one committed */
	assert_int_equal(failed, THREADS * (PER_THREAD / 4));
	assert_int_equal(ok, THREADS * PER_THREAD - failed);
	/* the chain holds exactly the committed members' events, none of the
	 * half-written ones, and links through the gaps they would have left */
	verify(f, (uint64_t)ok);
	s = store_pool_take(f->pool);
	assert_int_equal(store_audit_each(s, check_no_half, &halves), ERR_OK);
	store_pool_give(f->pool, s);
	assert_int_equal(halves, 0);
}

static void without_a_pool_an_item_runs_alone(void **state)
{
	struct fx *f = *state;
	struct audit_entry a = {.event = AUDIT_CLIENT_READ, .actor = "system", .at = 5};
	struct store_batch_item it = {.apply = apply_fail};
	struct store *s = NULL;

	assert_int_equal(store_open(f->path, 0, &s), ERR_OK);
	assert_int_equal(audit_emit_batched(s, f->v, &a), ERR_OK);
	assert_int_equal(store_batch_run(s, &it), ERR_CONFLICT);
	/* the failed item left no transaction open */
	assert_int_equal(store_begin(s), ERR_OK);
	store_rollback(s);
	store_close(s);
	verify(f, 1);
}

/* ---- the tail and checkpoint memo of a batch ---------------------------- */

/* A read event whose time is taken as it is appended: times rise 40 s per
 * event in chain order, so a checkpoint falls due every other event and
 * often between two events of one batch. */
struct timed {
	struct fx *f;          /* the fixture */
	struct audit_entry *a; /* its event (at set in apply) */
};

static int64_t clock_at = 1000; /* next event's time; only a batch leader moves it */

static enum err apply_timed(struct store *s, void *arg)
{
	struct timed *w = arg;

	w->a->at = clock_at;
	clock_at += 40;
	return audit_emit(s, w->f->v, w->a);
}

static void *read_timed(void *arg)
{
	struct reader *r = arg;
	struct store *s = store_pool_take(r->f->pool);
	int i;

	for (i = 1; i <= PER_THREAD; i++) {
		struct audit_entry a = {
		        .event = AUDIT_CLIENT_READ, .actor = "system", .detail = "count=1"};
		struct timed w = {.f = r->f, .a = &a};
		struct store_batch_item it = {.apply = apply_timed, .arg = &w};

		if (store_batch_run(s, &it) == ERR_OK)
			r->ok++;
		else
			r->failed++;
	}
	store_pool_give(r->f->pool, s);
	return NULL;
}

/* What the checkpoint rule expects, replayed over the chain in order. */
struct replay {
	int64_t last_seq, last_at;             /* the previous checkpoint (seq 0: none) */
	int64_t due[THREADS * PER_THREAD + 8]; /* seqs that must carry one */
	size_t ndue;                           /* entries in due */
	size_t seen;                           /* checkpoints compared so far */
	int mismatch; /* a checkpoint where none was due, or none where one was */
};

static enum err replay_event(void *arg, const struct audit_row *r)
{
	struct replay *p = arg;

	if (p->last_seq == 0 || r->seq - p->last_seq >= AUDIT_CHECKPOINT_EVERY ||
	    r->at - p->last_at >= AUDIT_CHECKPOINT_SECONDS) {
		if (p->ndue < sizeof p->due / sizeof p->due[0])
			p->due[p->ndue++] = r->seq;
		p->last_seq = r->seq;
		p->last_at = r->at;
	}
	return ERR_OK;
}

static enum err replay_checkpoint(void *arg, const struct audit_checkpoint *c)
{
	struct replay *p = arg;

	if (p->seen >= p->ndue || p->due[p->seen] != c->seq)
		p->mismatch = 1;
	p->seen++;
	return ERR_OK;
}

static void checkpoints_fall_due_inside_batches_as_alone(void **state)
{
	struct fx *f = *state;
	pthread_t t[THREADS];
	struct reader r[THREADS];
	struct replay *p = calloc(1, sizeof *p);
	struct store *s;
	int i, ok = 0;

	assert_non_null(p);
	for (i = 0; i < THREADS; i++) {
		r[i] = (struct reader){.f = f};
		assert_int_equal(pthread_create(&t[i], NULL, read_timed, &r[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		ok += r[i].ok;
	}
	assert_int_equal(ok, THREADS * PER_THREAD);
	verify(f, THREADS * PER_THREAD);
	/* every checkpoint sits exactly where the rule puts it, counted from
	 * the one before: the memo never let one slip or doubled one */
	s = store_pool_take(f->pool);
	assert_int_equal(store_audit_each(s, replay_event, p), ERR_OK);
	assert_int_equal(store_audit_checkpoint_each(s, replay_checkpoint, p), ERR_OK);
	store_pool_give(f->pool, s);
	assert_true(p->ndue > 1);
	assert_int_equal(p->mismatch, 0);
	assert_int_equal(p->seen, p->ndue);
	free(p);
}

static void a_first_member_failing_after_writing_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct store *s = store_pool_take(f->pool);
	struct store *other = NULL;
	struct audit_entry bad = {
	        .event = AUDIT_NOTE_CREATE, .actor = "system", .at = 10, .detail = "half=1"};
	struct audit_entry good = {.event = AUDIT_CLIENT_READ, .actor = "system", .at = 11};
	struct half h = {.f = f, .a = &bad, .fail = 1};
	struct store_batch_item it = {.apply = apply_half, .arg = &h};
	int halves = 0;

	/* alone, it leads its own batch: its event is undone with the batch */
	assert_int_equal(store_batch_run(s, &it), ERR_IO);
	assert_int_equal(audit_emit_batched(s, f->v, &good), ERR_OK);
	/* another connection appends outside any batch (as the CLI does) */
	assert_int_equal(store_open(f->path, 0, &other), ERR_OK);
	assert_int_equal(store_begin(other), ERR_OK);
	assert_int_equal(audit_emit(other, f->v, &good), ERR_OK);
	assert_int_equal(store_commit(other), ERR_OK);
	store_close(other);
	/* and the next batch links to that event, not to what it saw before */
	assert_int_equal(audit_emit_batched(s, f->v, &good), ERR_OK);
	store_pool_give(f->pool, s);
	verify(f, 3);
	s = store_pool_take(f->pool);
	assert_int_equal(store_audit_each(s, check_no_half, &halves), ERR_OK);
	store_pool_give(f->pool, s);
	assert_int_equal(halves, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(every_event_lands_in_one_chain, setup, teardown),
	        cmocka_unit_test_setup_teardown(a_refused_event_fails_alone, setup, teardown),
	        cmocka_unit_test_setup_teardown(without_a_pool_an_item_runs_alone, setup, teardown),
	        cmocka_unit_test_setup_teardown(a_member_failing_after_its_writes_is_undone_alone,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(checkpoints_fall_due_inside_batches_as_alone, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(a_first_member_failing_after_writing_leaves_nothing,
	                                        setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
