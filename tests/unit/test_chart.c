/* test_chart.c - domain_client_contact_route, the one way notification code
 * chooses whether and where to contact a client: preferences deny by
 * default, a refusal is a refusal, and a confidential alternate always wins
 * over the ordinary address or number of its medium. */
#include "unit.h"

#include "domain/chart.h"

static struct client base(void)
{
	struct client c;

	memset(&c, 0, sizeof c);
	c.email = "home@example.org";
	c.phone = "+1 555 0100";
	c.address = "1 Home Street";
	return c;
}

static void not_asked_is_no(void **state)
{
	struct client c = base();
	struct contact_route r;
	unsigned ch;

	(void)state;
	for (ch = CONTACT_EMAIL; ch <= CONTACT_VOICE; ch++) {
		memset(&r, 0xa5, sizeof r);
		assert_int_equal(domain_client_contact_route(&c, (enum contact_channel)ch, &r),
		                 ERR_OK);
		assert_false(r.allowed);
		assert_null(r.to);
		assert_string_equal(r.reason, "not_asked");
	}
	/* Post needs no preference, only an address. */
	assert_int_equal(domain_client_contact_route(&c, CONTACT_POST, &r), ERR_OK);
	assert_true(r.allowed);
	assert_string_equal(r.to, "1 Home Street");
	assert_false(r.confidential);
}

static void refused_and_allowed(void **state)
{
	struct client c = base();
	struct contact_route r;

	(void)state;
	c.may_email = "1";
	c.may_text = "0";
	c.may_voicemail = "1";
	assert_int_equal(domain_client_contact_route(&c, CONTACT_EMAIL, &r), ERR_OK);
	assert_true(r.allowed);
	assert_string_equal(r.to, "home@example.org");
	assert_false(r.confidential);
	assert_int_equal(domain_client_contact_route(&c, CONTACT_SMS, &r), ERR_OK);
	assert_false(r.allowed);
	assert_null(r.to);
	assert_string_equal(r.reason, "refused");
	assert_int_equal(domain_client_contact_route(&c, CONTACT_VOICE, &r), ERR_OK);
	assert_true(r.allowed);
	assert_string_equal(r.to, "+1 555 0100");
}

static void confidential_alternate_wins(void **state)
{
	struct client c = base();
	struct contact_route r;

	(void)state;
	c.may_email = c.may_text = c.may_voicemail = "1";
	c.alt_email = "private@example.org";
	c.alt_phone = "+1 555 0177";
	c.alt_address = "PO Box 7";
	assert_int_equal(domain_client_contact_route(&c, CONTACT_EMAIL, &r), ERR_OK);
	assert_string_equal(r.to, "private@example.org");
	assert_true(r.confidential);
	assert_int_equal(domain_client_contact_route(&c, CONTACT_SMS, &r), ERR_OK);
	assert_string_equal(r.to, "+1 555 0177");
	assert_true(r.confidential);
	assert_int_equal(domain_client_contact_route(&c, CONTACT_VOICE, &r), ERR_OK);
	assert_string_equal(r.to, "+1 555 0177");
	assert_int_equal(domain_client_contact_route(&c, CONTACT_POST, &r), ERR_OK);
	assert_string_equal(r.to, "PO Box 7");
	assert_true(r.confidential);
	/* An alternate only: the ordinary email was never recorded. */
	c.email = NULL;
	assert_int_equal(domain_client_contact_route(&c, CONTACT_EMAIL, &r), ERR_OK);
	assert_string_equal(r.to, "private@example.org");
}

static void nowhere_to_send(void **state)
{
	struct client c;
	struct contact_route r;

	(void)state;
	memset(&c, 0, sizeof c);
	c.may_email = "1";
	c.email = "";
	assert_int_equal(domain_client_contact_route(&c, CONTACT_EMAIL, &r), ERR_OK);
	assert_false(r.allowed);
	assert_string_equal(r.reason, "no_destination");
	assert_int_equal(domain_client_contact_route(&c, CONTACT_POST, &r), ERR_OK);
	assert_false(r.allowed);
	assert_int_equal(domain_client_contact_route(&c, (enum contact_channel)99, &r), ERR_INVAL);
	assert_string_equal(domain_contact_channel_name(CONTACT_SMS), "sms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(not_asked_is_no),
	        cmocka_unit_test(refused_and_allowed),
	        cmocka_unit_test(confidential_alternate_wins),
	        cmocka_unit_test(nowhere_to_send),
	};
	return cmocka_run_group_tests_name("chart", tests, NULL, NULL);
}
