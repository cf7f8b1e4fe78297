/* test_readpath.c - the per-request read path: a held read snapshot
 * (store_snapshot_begin) that later reads join, that gives way to writes
 * so they commit as they would without it, and the session gate giving
 * its pooled connection back on the paths that end in the gate. */
#include "unit_store.h"

#include "api/api.h"
#include "store/store.h"

struct fx {
	char path[300];  /* database file */
	struct store *a; /* the connection under test */
	struct store *b; /* another connection (another request or process) */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	unit_store_new("t.db", f->path, sizeof f->path, &f->a);
	assert_int_equal(store_open(f->path, 0, &f->b), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->a);
	store_close(f->b);
	free(f);
	return 0;
}

/* meta_is - the value of key as connection s sees it now ("" if unset). */
static void meta_is(struct store *s, const char *key, const char *want)
{
	char *v = NULL;
	enum err e = store_meta_get(s, key, &v);

	if (want[0] == '\0') {
		assert_int_equal(e, ERR_NOTFOUND);
		return;
	}
	assert_int_equal(e, ERR_OK);
	assert_string_equal(v, want);
	free(v);
}

static void reads_join_the_held_snapshot(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_snapshot_begin(f->a), ERR_OK);
	assert_int_equal(store_snapshot_begin(f->a), ERR_CONFLICT); /* one at a time */
	meta_is(f->a, "k", "");
	assert_int_equal(store_meta_set(f->b, "k", "1"), ERR_OK); /* another connection */
	/* A read of its own would see "1": joined to the snapshot it does not. */
	assert_int_equal(store_begin_read(f->a), ERR_OK);
	meta_is(f->a, "k", "");
	assert_int_equal(store_begin_read(f->a), ERR_OK); /* nested */
	store_end_read(f->a);
	store_end_read(f->a);
	assert_true(store_snapshot_open(f->a));
	meta_is(f->a, "k", ""); /* still the same snapshot */
	store_snapshot_end(f->a);
	assert_false(store_snapshot_open(f->a));
	meta_is(f->a, "k", "1");
	/* rollback ends it too */
	assert_int_equal(store_snapshot_begin(f->a), ERR_OK);
	store_rollback(f->a);
	assert_false(store_snapshot_open(f->a));
	assert_int_equal(store_begin_read(f->a), ERR_OK); /* a read of its own again */
	store_end_read(f->a);
}

static void a_write_transaction_ends_the_snapshot_first(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_snapshot_begin(f->a), ERR_OK);
	meta_is(f->a, "k", "");
	assert_int_equal(store_meta_set(f->b, "k", "1"), ERR_OK);
	/* The snapshot is stale: a write in it would fail (SQLITE_BUSY_SNAPSHOT);
	 * store_begin starts the write on the current state instead. */
	assert_int_equal(store_begin(f->a), ERR_OK);
	assert_false(store_snapshot_open(f->a));
	meta_is(f->a, "k", "1");
	assert_int_equal(store_meta_set(f->a, "k", "2"), ERR_OK);
	assert_int_equal(store_commit(f->a), ERR_OK);
	meta_is(f->b, "k", "2");
}

static void a_write_outside_a_read_commits_on_its_own(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_snapshot_begin(f->a), ERR_OK);
	meta_is(f->a, "k", "");
	assert_int_equal(store_meta_set(f->b, "k", "1"), ERR_OK);
	/* No transaction asked for: it commits at once, as without the
	 * snapshot (and is not lost when the connection goes back). */
	assert_int_equal(store_meta_set(f->a, "k", "2"), ERR_OK);
	assert_false(store_snapshot_open(f->a));
	meta_is(f->b, "k", "2");
	store_rollback(f->a); /* what the pool does: nothing to undo */
	meta_is(f->b, "k", "2");
}

static void a_write_inside_a_joined_read_commits_at_its_end(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_snapshot_begin(f->a), ERR_OK);
	assert_int_equal(store_begin_read(f->a), ERR_OK);
	meta_is(f->a, "k", "");
	assert_int_equal(store_meta_set(f->a, "k", "3"), ERR_OK);
	meta_is(f->b, "k", ""); /* not yet */
	store_end_read(f->a);   /* ending a read of its own would commit */
	assert_false(store_snapshot_open(f->a));
	meta_is(f->b, "k", "3");
}

/* ---- the gate and its pooled connection --------------------------------- */

static enum err nothing(struct app *app, const struct http_request *rq, struct http_response *rs)
{
	(void)app;
	(void)rq;
	(void)rs;
	return ERR_OK;
}

static void the_gate_gives_its_connection_back(void **state)
{
	struct fx *f = *state;
	static const struct route routes[] = {
	        {HTTP_GET, "/x", 1u, 0, 0, 0, nothing},
	        {HTTP_POST, "/x", 1u, 0, 16, 0, nothing},
	        {HTTP_POST, "/x", 1u, 0, 16, ROUTE_STREAM, nothing},
	};
	struct store_pool *pool;
	struct http_response rs;
	struct http_request rq;
	struct domain_ctx ctx;
	struct vault *v;
	struct app app;
	size_t i;

	assert_int_equal(store_pool_new(f->path, 2, &pool), ERR_OK);
	assert_int_equal(vault_new(1, &v), ERR_OK);
	assert_int_equal(app_init(&app, pool, v), ERR_OK);
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		memset(&rq, 0, sizeof rq);
		memset(&rs, 0, sizeof rs);
		rq.method = routes[i].method;
		rq.route = &routes[i];
		/* no session cookie: refused in the gate */
		assert_int_equal(api_authorize(&app, &rq, &rs), ERR_AUTH);
		assert_null(rq.principal);
		assert_int_equal(store_pool_idle(pool), 2);
		api_release(&app, &rq); /* nothing to release: harmless */
		assert_int_equal(store_pool_idle(pool), 2);
	}
	/* a request with no gate (a public route) takes and gives back */
	assert_int_equal(api_begin(&app, &rq, &ctx), ERR_OK);
	assert_int_equal(store_pool_idle(pool), 1);
	api_end(&app, &ctx);
	assert_int_equal(store_pool_idle(pool), 2);
	app_cleanup(&app);
	vault_free(v);
	store_pool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(reads_join_the_held_snapshot, setup, teardown),
	        cmocka_unit_test_setup_teardown(a_write_transaction_ends_the_snapshot_first, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(a_write_outside_a_read_commits_on_its_own, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(a_write_inside_a_joined_read_commits_at_its_end,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(the_gate_gives_its_connection_back, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
