/* test_plans.c - the treatment plan rules that need no database: the
 * document checks (required parts, counts, lengths, dates, characters that
 * could make a rendering lie) and the exact text a client signs. */
#include "unit.h"

#include "core/buf.h"
#include "domain/plans.h"

/* one - a valid one-problem plan in d. */
static void one(struct plan_doc *d)
{
	memset(d, 0, sizeof *d);
	d->title = "Panic";
	d->review_date = "2027-02-01";
	d->nproblems = 1;
	d->problems[0].problem = "Panic attacks";
	d->problems[0].ngoals = 1;
	d->problems[0].goals[0].goal = "Fewer attacks";
	d->problems[0].goals[0].nobjectives = 1;
	d->problems[0].goals[0].objectives[0].what = "Attacks a week";
	d->problems[0].goals[0].objectives[0].measure = "log";
	d->problems[0].goals[0].objectives[0].target = "at most 1";
}

static enum err check(const struct plan_doc *d, const char **message)
{
	struct domain_ctx ctx;
	enum err e;

	memset(&ctx, 0, sizeof ctx);
	e = domain_plan_check(&ctx, d);
	*message = ctx.message;
	return e;
}

static void a_valid_plan_passes(void **state)
{
	struct plan_doc d;
	const char *m = NULL;

	(void)state;
	one(&d);
	assert_int_equal(check(&d, &m), ERR_OK);
	d.start_date = "2026-11-01";
	d.problems[0].goals[0].target_date = "2027-01-31";
	d.problems[0].goals[0].ninterventions = 1;
	d.problems[0].goals[0].interventions[0].what = "CBT";
	assert_int_equal(check(&d, &m), ERR_OK);
}

static void each_rule_names_its_field(void **state)
{
	struct plan_doc d;
	const char *m = NULL;
	char longer[PLAN_SHORT_MAX + 2];

	(void)state;
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	one(&d);
	d.title = NULL;
	assert_int_equal(check(&d, &m), ERR_INVAL);
	assert_non_null(strstr(m, "title"));
	one(&d);
	d.title = longer;
	assert_int_equal(check(&d, &m), ERR_INVAL);
	longer[PLAN_SHORT_MAX] = '\0'; /* exactly the limit */
	d.title = longer;
	assert_int_equal(check(&d, &m), ERR_OK);
	one(&d);
	d.review_date = "2027-02-29";
	assert_int_equal(check(&d, &m), ERR_INVAL);
	assert_non_null(strstr(m, "review_date"));
	one(&d);
	d.review_date = "2028-02-29"; /* a leap day */
	assert_int_equal(check(&d, &m), ERR_OK);
	one(&d);
	d.problems[0].goals[0].objectives[0].measure = "   ";
	assert_int_equal(check(&d, &m), ERR_INVAL);
	assert_non_null(strstr(m, "objectives[].measure"));
	one(&d);
	d.problems[0].goals[0].nobjectives = 0;
	assert_int_equal(check(&d, &m), ERR_INVAL);
	one(&d);
	d.nproblems = 0;
	assert_int_equal(check(&d, &m), ERR_INVAL);
}

static void control_and_direction_characters_are_refused(void **state)
{
	static const char *const bad[] = {
	        "two\nlines",      "tab\there",        "del\x7f",          "c1 \xc2\x85 next line",
	        "ls \xe2\x80\xa8", "rlo \xe2\x80\xae", "rli \xe2\x81\xa7",
	};
	struct plan_doc d;
	const char *m = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		one(&d);
		d.problems[0].problem = bad[i];
		assert_int_equal(check(&d, &m), ERR_INVAL);
	}
	one(&d);
	d.problems[0].problem = "Ångest, страх, 不安, قلق"; /* other scripts are fine */
	assert_int_equal(check(&d, &m), ERR_OK);
	assert_true(domain_text_ok("a\nb\tc", 10, 1));
	assert_false(domain_text_ok("a\rb", 10, 1));
	assert_false(domain_text_ok("abcdef", 5, 1));
	assert_true(domain_text_ok("abcde", 5, 1));
}

static void the_rendering_is_exact(void **state)
{
	struct plan_doc d;
	struct buf b;

	(void)state;
	one(&d);
	d.problems[0].goals[0].target_date = "2027-01-31";
	d.problems[0].goals[0].ninterventions = 1;
	d.problems[0].goals[0].interventions[0].what = "CBT";
	d.problems[0].goals[0].interventions[0].frequency = "weekly";
	buf_init(&b, PLAN_TEXT_MAX, 1);
	assert_int_equal(domain_plan_render(&d, "0123456789abcdef0123456789abcdef", 3, &b), ERR_OK);
	assert_string_equal(b.data, "TREATMENT PLAN\n"
	                            "Plan: 0123456789abcdef0123456789abcdef, version 3\n"
	                            "Title: Panic\n"
	                            "Review by: 2027-02-01\n"
	                            "\n"
	                            "Problem 1: Panic attacks\n"
	                            "  Goal 1.1: Fewer attacks\n"
	                            "    Target date: 2027-01-31\n"
	                            "    Objective 1.1.1: Attacks a week\n"
	                            "      Measured by: log\n"
	                            "      Target: at most 1\n"
	                            "    Intervention 1.1.1: CBT\n"
	                            "      Frequency: weekly\n");
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_valid_plan_passes),
	        cmocka_unit_test(each_rule_names_its_field),
	        cmocka_unit_test(control_and_direction_characters_are_refused),
	        cmocka_unit_test(the_rendering_is_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
