/* test_export.c - the right of access's pure parts: legal due dates (HIPAA
 * 30 days and one 30-day extension; GDPR one calendar month, the end of a
 * shorter month, and two more months), FHIR base64 against RFC 4648's
 * vectors, and bundle-local references (one per type and id, UUID-shaped). */
#include "unit.h"

#include <jansson.h>

#include "api/fhir.h"
#include "domain/export.h"

static void hipaa_thirty_days(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(domain_access_due("hipaa", "2026-01-15", 0, out), ERR_OK);
	assert_string_equal(out, "2026-02-14");
	assert_int_equal(domain_access_due("hipaa", "2026-12-10", 0, out), ERR_OK);
	assert_string_equal(out, "2027-01-09");
	assert_int_equal(domain_access_due("hipaa", "2028-02-14", 0, out), ERR_OK);
	assert_string_equal(out, "2028-03-15"); /* 2028 is a leap year */
	assert_int_equal(domain_access_due("hipaa", "2026-02-14", 1, out), ERR_OK);
	assert_string_equal(out, "2026-03-16"); /* the extension: 30 more days from the due date */
}

static void gdpr_one_calendar_month(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(domain_access_due("gdpr", "2026-03-15", 0, out), ERR_OK);
	assert_string_equal(out, "2026-04-15");
	assert_int_equal(domain_access_due("gdpr", "2026-01-31", 0, out), ERR_OK);
	assert_string_equal(out, "2026-02-28");
	assert_int_equal(domain_access_due("gdpr", "2028-01-31", 0, out), ERR_OK);
	assert_string_equal(out, "2028-02-29");
	assert_int_equal(domain_access_due("gdpr", "2026-12-31", 0, out), ERR_OK);
	assert_string_equal(out, "2027-01-31");
	assert_int_equal(domain_access_due("gdpr", "2026-08-31", 1, out), ERR_OK);
	assert_string_equal(out, "2026-10-31"); /* two further months */
	assert_int_equal(domain_access_due("gdpr", "2026-12-31", 1, out), ERR_OK);
	assert_string_equal(out, "2027-02-28");
}

static void bad_input(void **state)
{
	char out[11] = "unchanged";

	(void)state;
	assert_int_equal(domain_access_due("ccpa", "2026-01-01", 0, out), ERR_INVAL);
	assert_int_equal(domain_access_due("hipaa", "2026-02-30", 0, out), ERR_INVAL);
	assert_int_equal(domain_access_due("gdpr", "26-01-01", 0, out), ERR_INVAL);
	assert_string_equal(out, "unchanged");
}

static void base64_vectors(void **state)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const want[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
	                                   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		json_t *v = fhir_base64(in[i], strlen(in[i]));

		assert_non_null(v);
		assert_string_equal(json_string_value(v), want[i]);
		json_decref(v);
	}
}

static void references(void **state)
{
	char a[FHIR_REF_MAX], b[FHIR_REF_MAX], c[FHIR_REF_MAX];
	size_t i;

	(void)state;
	fhir_ref(a, "Encounter", "0123456789abcdef0123456789abcdef");
	fhir_ref(b, "DocumentReference", "0123456789abcdef0123456789abcdef");
	fhir_ref(c, "Encounter", "0123456789abcdef0123456789abcdef");
	assert_string_equal(a, c);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), 45);
	assert_memory_equal(a, "urn:uuid:", 9);
	for (i = 9; i < 45; i++)
		assert_true(i == 17 || i == 22 || i == 27 || i == 32
		                    ? a[i] == '-'
		                    : strchr("0123456789abcdef", a[i]) != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hipaa_thirty_days), cmocka_unit_test(gdpr_one_calendar_month),
	        cmocka_unit_test(bad_input),         cmocka_unit_test(base64_vectors),
	        cmocka_unit_test(references),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
