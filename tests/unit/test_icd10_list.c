/* test_icd10_list.c - the compiled-in ICD-10-CM list holds billable codes
 * only and each is well formed (the same rules as scripts/check-icd10.sh,
 * on what the binary actually carries): no code is the parent of another
 * (in byte order a parent comes right before its first child, so checking
 * neighbours suffices), no duplicates with or without the dot, codes that
 * take a 7th character have it with X placeholders only before it, and
 * titles are trimmed. Also the recovery-code stretch of auth/recovery.h:
 * deterministic per salt, different across salts, never the fast hash. */
#include "unit.h"

#include <ctype.h>

#include "auth/auth.h"
#include "auth/recovery.h"
#include "icd10_list.h"

/* bare - code without its dot into out. */
static void bare(const char *code, char out[16])
{
	size_t k = 0;

	for (; *code && k < 15; code++)
		if (*code != '.')
			out[k++] = *code;
	out[k] = '\0';
}

static int takes_seventh(const char *b)
{
	return b[0] == 'S' || b[0] == 'T' || strncmp(b, "R402", 4) == 0;
}

static void billable_only_and_well_formed(void **state)
{
	unsigned i;

	(void)state;
	assert_true(icd10_list_count >= 600);
	for (i = 0; i < icd10_list_count; i++) {
		const char *c = icd10_list[i].code, *t = icd10_list[i].title;
		char b[16];
		size_t j, n;

		bare(c, b);
		n = strlen(b);
		assert_true(n >= 3 && n <= 7);
		assert_true(isupper((unsigned char)b[0]) && isdigit((unsigned char)b[1]));
		if (n > 3)
			assert_true(c[3] == '.');
		if (i + 1 < icd10_list_count) {
			const char *next = icd10_list[i + 1].code;
			char nb[16];

			bare(next, nb);
			assert_true(strcmp(c, next) < 0);
			if (strncmp(next, c, strlen(c)) == 0)
				fail_msg("%s is the parent of %s: a header is not billable", c,
				         next);
			assert_string_not_equal(b, nb);
		}
		if (takes_seventh(b)) {
			int x = 0;

			assert_int_equal(n, 7);
			for (j = 3; j < 6; j++) {
				if (b[j] == 'X')
					x = 1;
				else if (x)
					fail_msg("%s: a placeholder X before a real character", c);
			}
		} else if (n == 7) {
			fail_msg("%s has a 7th character it does not take", c);
		}
		assert_true(t[0] != '\0' && t[0] != ' ' && t[strlen(t) - 1] != ' ');
		assert_null(strstr(t, "  "));
	}
}

static void recovery_stretch(void **state)
{
	unsigned char s1[AUTH_RECOVERY_SALTBYTES], s2[AUTH_RECOVERY_SALTBYTES];
	unsigned char a[32], b[32], c[32], h[32], fast[32];
	const char *code = "abcdefghijkm";

	(void)state;
	auth_recovery_salt_new(s1);
	auth_recovery_salt_new(s2);
	assert_int_equal(
	        auth_recovery_stretch(a, code, s1, AUTH_RECOVERY_OPSLIMIT, AUTH_RECOVERY_MEMLIMIT),
	        ERR_OK);
	assert_int_equal(
	        auth_recovery_stretch(b, code, s1, AUTH_RECOVERY_OPSLIMIT, AUTH_RECOVERY_MEMLIMIT),
	        ERR_OK);
	assert_memory_equal(a, b, 32);
	assert_int_equal(
	        auth_recovery_stretch(c, code, s2, AUTH_RECOVERY_OPSLIMIT, AUTH_RECOVERY_MEMLIMIT),
	        ERR_OK);
	assert_memory_not_equal(a, c, 32);
	auth_recovery_hash(h, a);
	assert_memory_not_equal(h, a, 32);
	auth_token_hash(code, strlen(code), fast);
	assert_memory_not_equal(h, fast, 32);
	/* A stored row is not trusted: absurd costs are refused. */
	assert_int_equal(auth_recovery_stretch(a, code, s1, 0, AUTH_RECOVERY_MEMLIMIT), ERR_INVAL);
	assert_int_equal(auth_recovery_stretch(a, code, s1, 2, 4ULL << 30), ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(billable_only_and_well_formed),
	        cmocka_unit_test(recovery_stretch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
