/* test_retention.c - retention rule codes are ISO 3166 shaped; a fresh
 * database has the default rule the settings used to be; rules are put,
 * listed and deleted; and the clients under a rule are counted from their
 * sealed jurisdiction, which is not in the clear. */
#include "unit.h"

#include <sqlite3.h>

#include "domain/retention.h"
#include "store/retention.h"
#include "store/store.h"

static void codes(void **state)
{
	static const char *const good[] = {"GB", "DE", "US-WA", "US-CA", "GB-SCT", "FR-75", "ZZ"};
	static const char *const bad[] = {"",      "G",     "gb", "USA",   "US-",     "US-WASH",
	                                  "US_WA", "US-wa", "1B", "US WA", "GB-SCT1", "-WA"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(domain_retention_code_valid(good[i]));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(domain_retention_code_valid(bad[i]));
	assert_false(domain_retention_code_valid(NULL));
}

static void create(struct store *s, const struct vault *v, const char *name, const char *j)
{
	struct client c;

	memset(&c, 0, sizeof c);
	c.status = CLIENT_ACTIVE;
	c.legal_name = strdup(name);
	c.jurisdiction = j ? strdup(j) : NULL;
	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(store_client_create(s, v, &c, 1000), ERR_OK);
	assert_int_equal(store_commit(s), ERR_OK);
	client_cleanup(&c);
}

static void rules_and_users(void **state)
{
	struct retention_rule r, list[8];
	struct vault *v = NULL;
	struct store *s = NULL;
	char db[300], *dflt = NULL;
	int64_t users = -1;
	size_t n = 0;
	int created = 0;
	sqlite3 *h;
	sqlite3_stmt *st;
	const char *dir = unit_tmpdir();

	(void)state;
	assert_non_null(dir);
	snprintf(db, sizeof db, "%s/r.db", dir);
	assert_int_equal(vault_lib_init(), ERR_OK);
	assert_int_equal(vault_new(1, &v), ERR_OK);
	assert_int_equal(store_open(db, STORE_CREATE | STORE_MIGRATE, &s), ERR_OK);
	assert_int_equal(store_meta_set(s, "master_version", "1"), ERR_OK);

	/* The settings' rule, as the default. */
	assert_int_equal(store_retention_rule_list(s, list, 8, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "ZZ");
	assert_int_equal(list[0].adult_years, 7);
	assert_int_equal(list[0].majority_age, 18);
	assert_int_equal(list[0].minor_years, 7);
	assert_int_equal(store_meta_get(s, RETENTION_DEFAULT_KEY, &dflt), ERR_OK);
	assert_string_equal(dflt, "ZZ");
	free(dflt);

	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "US-WA");
	r.adult_years = 10;
	r.majority_age = 18;
	r.minor_years = 3;
	snprintf(r.note, sizeof r.note, "RCW 70.41.190");
	r.updated_at = 1000;
	assert_int_equal(store_retention_rule_put(s, &r, &created), ERR_OK);
	assert_int_equal(created, 1);
	r.adult_years = 11;
	assert_int_equal(store_retention_rule_put(s, &r, &created), ERR_OK);
	assert_int_equal(created, 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(store_retention_rule_get(s, "US-WA", &r), ERR_OK);
	assert_int_equal(r.adult_years, 11);
	assert_string_equal(r.note, "RCW 70.41.190");
	assert_int_equal(store_retention_rule_get(s, "GB", &r), ERR_NOTFOUND);

	/* Clients under a rule are counted from their sealed jurisdiction. */
	create(s, v, "Wash One", "US-WA");
	create(s, v, "Wash Two", "US-WA");
	create(s, v, "Brit", "GB");
	create(s, v, "Nowhere", NULL);
	assert_int_equal(store_retention_rule_users(s, v, "US-WA", &users), ERR_OK);
	assert_int_equal(users, 2);
	assert_int_equal(store_retention_rule_users(s, v, "ZZ", &users), ERR_OK);
	assert_int_equal(users, 0);
	assert_int_equal(store_retention_rule_delete(s, "US-WA"), ERR_OK);
	assert_int_equal(store_retention_rule_delete(s, "US-WA"), ERR_NOTFOUND);
	store_close(s);

	/* Not in the clear: no column of clients holds the code's bytes. */
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(h,
	                           "SELECT sum(instr(jurisdiction_sealed, "
	                           "CAST('US-WA' AS BLOB)) > 0), count(jurisdiction_sealed) "
	                           "FROM clients",
	                           -1, &st, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	assert_int_equal(sqlite3_column_int(st, 1), 3); /* three set, sealed */
	sqlite3_finalize(st);
	sqlite3_close(h);
	vault_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(codes),
	        cmocka_unit_test(rules_and_users),
	};
	return cmocka_run_group_tests_name("retention", tests, NULL, NULL);
}
