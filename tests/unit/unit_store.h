/*
 * unit_store.h - the fixture most store-level unit tests start from: a
 * fresh, migrated database in its own private directory, left as
 * `confidant init` leaves one (master_version 1).
 */
#ifndef CONFIDANT_TEST_UNIT_STORE_H
#define CONFIDANT_TEST_UNIT_STORE_H

#include "unit.h"

#include "store/store.h"
#include "vault/vault.h"

/* unit_store_new - create the database file named file in a new private
 * directory (its path into path, n bytes), open it with migrations into
 * *s and record master_version 1; fails the test on any error. */
static inline void unit_store_new(const char *file, char *path, size_t n, struct store **s)
{
	const char *dir = unit_tmpdir();

	assert_non_null(dir);
	assert_true((size_t)snprintf(path, n, "%s/%s", dir, file) < n);
	assert_int_equal(vault_lib_init(), ERR_OK);
	assert_int_equal(store_open(path, STORE_CREATE | STORE_MIGRATE, s), ERR_OK);
	assert_int_equal(store_meta_set(*s, "master_version", "1"), ERR_OK);
}

#endif
