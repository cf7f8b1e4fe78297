/* test_buf.c - the bounded buffer refuses to grow past its maximum and
 * leaves itself unchanged when it refuses. */
#include "unit.h"

#include "core/buf.h"

static void append_within_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8, 0);
	assert_int_equal(buf_puts(&b, "abcd"), ERR_OK);
	assert_int_equal(buf_puts(&b, "efgh"), ERR_OK);
	assert_string_equal(b.data, "abcdefgh");
	assert_int_equal(b.len, 8);
	buf_cleanup(&b);
}

static void refuses_past_max_unchanged(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8, 1);
	assert_int_equal(buf_puts(&b, "abcdef"), ERR_OK);
	assert_int_equal(buf_puts(&b, "xyz"), ERR_TOOBIG);
	assert_int_equal(buf_printf(&b, "%d", 123), ERR_TOOBIG);
	assert_string_equal(b.data, "abcdef");
	assert_int_equal(buf_printf(&b, "%d", 12), ERR_OK);
	assert_string_equal(b.data, "abcdef12");
	buf_cleanup(&b);
	assert_null(b.data);
}

static void overflow_sizes_refused(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, SIZE_MAX - 1, 0);
	assert_int_equal(buf_puts(&b, "a"), ERR_OK);
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), ERR_TOOBIG);
	assert_int_equal(b.len, 1);
	buf_cleanup(&b);
}

static void steal_empty_gives_string(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, 8, 0);
	s = buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(append_within_max),
	        cmocka_unit_test(refuses_past_max_unchanged),
	        cmocka_unit_test(overflow_sizes_refused),
	        cmocka_unit_test(steal_empty_gives_string),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
