/* test_icd10.c - the compiled-in ICD-10-CM list: lookup with and without
 * the dot and in any case, unknown and malformed codes, search by code
 * prefix and by words, the X12 form, and that the list is sorted. */
#include "unit.h"

#include "domain/icd10.h"

static void list_is_sorted_and_large(void **state)
{
	struct icd10_code a, b;
	size_t n = 0, i;
	struct icd10_code all[ICD10_RESULTS_MAX];

	(void)state;
	assert_true(icd10_count() >= 250);
	/* Every letter-prefix search comes back in strictly increasing order. */
	assert_int_equal(icd10_search("F4", all, ICD10_RESULTS_MAX, &n), ERR_OK);
	assert_true(n > 20);
	for (i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1].code, all[i].code) < 0);
	assert_int_equal(icd10_find("F01.50", &a), ERR_OK);
	assert_int_equal(icd10_find("Z91.82", &b), ERR_OK);
}

static void find_with_and_without_dot(void **state)
{
	struct icd10_code c;

	(void)state;
	memset(&c, 0, sizeof c);
	assert_int_equal(icd10_find("F41.1", &c), ERR_OK);
	assert_string_equal(c.code, "F41.1");
	assert_string_equal(c.title, "Generalized anxiety disorder");
	memset(&c, 0, sizeof c);
	assert_int_equal(icd10_find("f411", &c), ERR_OK);
	assert_string_equal(c.code, "F41.1");
	assert_int_equal(icd10_find("f41.1", &c), ERR_OK);
	assert_string_equal(c.code, "F41.1");
	assert_int_equal(icd10_find("F4310", &c), ERR_OK);
	assert_string_equal(c.code, "F43.10");
	assert_string_equal(c.title, "Post-traumatic stress disorder, unspecified");
	assert_int_equal(icd10_find("f32a", &c), ERR_OK);
	assert_string_equal(c.code, "F32.A");
	assert_int_equal(icd10_find("t1491xa", &c), ERR_OK);
	assert_string_equal(c.code, "T14.91XA");
	assert_int_equal(icd10_find("F17.210", &c), ERR_OK);
	assert_string_equal(c.title, "Nicotine dependence, cigarettes, uncomplicated");
	/* Three-character codes have no dot. */
	assert_int_equal(icd10_find("f99", &c), ERR_OK);
	assert_string_equal(c.code, "F99");
	assert_int_equal(icd10_find("R45.851", &c), ERR_OK);
	assert_string_equal(c.title, "Suicidal ideations");
}

static void unknown_and_malformed(void **state)
{
	struct icd10_code c = {"untouched", "untouched"};
	static const char *const bad[] = {
	        "",         "F",      "F4",      "F41.",   "F41.11", /* not billable here */
	        "F41..1",   ".F411",  "F4.11",   "F41.1 ", " F41.1",      "F41-1",
	        "F43",      "Z99.99", "A00.0",   "F41.1x", "F4111111111", "F41.1\n",
	        "F41.1;--", "ф41.1",  "F41.1\t",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(icd10_find(bad[i], &c), ERR_NOTFOUND);
		assert_string_equal(c.code, "untouched"); /* written only on success */
	}
	assert_int_equal(icd10_find(NULL, &c), ERR_NOTFOUND);
}

static void x12_form(void **state)
{
	char x[ICD10_X12_MAX + 1] = "untouched";

	(void)state;
	assert_int_equal(icd10_x12("F41.1", x), ERR_OK);
	assert_string_equal(x, "F411");
	assert_int_equal(icd10_x12("f43.10", x), ERR_OK);
	assert_string_equal(x, "F4310");
	assert_int_equal(icd10_x12("t14.91xa", x), ERR_OK);
	assert_string_equal(x, "T1491XA");
	assert_int_equal(icd10_x12("F99", x), ERR_OK);
	assert_string_equal(x, "F99");
	memcpy(x, "untouched", 9);
	assert_int_equal(icd10_x12("F41.11", x), ERR_NOTFOUND);
	assert_memory_equal(x, "untouched", 9);
}

static int has(const struct icd10_code *r, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i].code, code) == 0)
			return 1;
	return 0;
}

static void search_by_code_prefix(void **state)
{
	struct icd10_code r[ICD10_RESULTS_MAX];
	size_t n = 0, i;

	(void)state;
	assert_int_equal(icd10_search("f43.1", r, 50, &n), ERR_OK);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].code, "F43.10");
	assert_string_equal(r[1].code, "F43.11");
	assert_string_equal(r[2].code, "F43.12");
	assert_int_equal(icd10_search("F432", r, 50, &n), ERR_OK);
	assert_int_equal(n, 7); /* F43.20-F43.25, F43.29 */
	for (i = 0; i < n; i++)
		assert_memory_equal(r[i].code, "F43.2", 5);
	assert_int_equal(icd10_search("F41", r, 50, &n), ERR_OK);
	assert_true(has(r, n, "F41.0") && has(r, n, "F41.1") && has(r, n, "F41.9"));
	assert_false(has(r, n, "F40.00"));
	/* The limit holds and results stay in list order. */
	assert_int_equal(icd10_search("F", r, 5, &n), ERR_OK);
	assert_int_equal(n, 5);
	assert_string_equal(r[0].code, "F01.50");
	assert_int_equal(icd10_search("Q99", r, 5, &n), ERR_OK);
	assert_int_equal(n, 0);
}

static void search_by_words(void **state)
{
	struct icd10_code r[ICD10_RESULTS_MAX];
	size_t n = 0, i;

	(void)state;
	assert_int_equal(icd10_search("generalized anxiety", r, 20, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].code, "F41.1");
	/* Every word must appear, in any order and case, as part of a word. */
	assert_int_equal(icd10_search("RECURRENT depress", r, 20, &n), ERR_OK);
	assert_true(n >= 9);
	for (i = 0; i < n; i++)
		assert_memory_equal(r[i].code, "F33.", 4);
	assert_int_equal(icd10_search("post-traumatic chronic", r, 20, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].code, "F43.12");
	assert_int_equal(icd10_search("  adjustment,   conduct ", r, 20, &n), ERR_OK);
	assert_int_equal(n, 2); /* F43.24 and F43.25 */
	assert_int_equal(icd10_search("suicid", r, 20, &n), ERR_OK);
	assert_true(has(r, n, "R45.851") && has(r, n, "T14.91XA") && has(r, n, "Z91.51"));
	assert_int_equal(icd10_search("partner", r, 20, &n), ERR_OK);
	assert_true(has(r, n, "Z63.0"));
	assert_int_equal(icd10_search("anxiety zebra", r, 20, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(icd10_search("Rett's", r, 20, &n), ERR_OK);
	assert_int_equal(n, 1);
}

static void search_rejects_bad_queries(void **state)
{
	struct icd10_code r[4];
	char longq[ICD10_QUERY_MAX + 2];
	size_t n = 77;

	(void)state;
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = '\0';
	assert_int_equal(icd10_search("", r, 4, &n), ERR_INVAL);
	assert_int_equal(icd10_search("   ,,, ", r, 4, &n), ERR_INVAL);
	assert_int_equal(icd10_search(longq, r, 4, &n), ERR_INVAL);
	assert_int_equal(icd10_search("a b c d e f g h i", r, 4, &n), ERR_INVAL);
	assert_int_equal(icd10_search("anxiety", r, 0, &n), ERR_INVAL);
	assert_int_equal(icd10_search("anxiety", r, ICD10_RESULTS_MAX + 1, &n), ERR_INVAL);
	assert_int_equal(icd10_search(NULL, r, 4, &n), ERR_INVAL);
	assert_int_equal(n, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(list_is_sorted_and_large),
	        cmocka_unit_test(find_with_and_without_dot),
	        cmocka_unit_test(unknown_and_malformed),
	        cmocka_unit_test(x12_form),
	        cmocka_unit_test(search_by_code_prefix),
	        cmocka_unit_test(search_by_words),
	        cmocka_unit_test(search_rejects_bad_queries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
