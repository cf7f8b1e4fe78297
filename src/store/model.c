/*
 * model.c - helpers for the plain records of model.h.
 */
#include "store/model.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

#define TXT(n) n " is too long", n " contains control characters"
#define FLAG(n) n " is too long", n " must be true, false or null"
#define EMERGENCY "collect_emergency_contact"

/* The order is the sealed columns' order in store_sqlite.c (CLIENT_COLS). */
const struct client_field client_fields[] = {
        {"legal_name", offsetof(struct client, legal_name), CLIENT_NAME_MAX, CLIENT_FIELD_TEXT,
         NULL, TXT("legal_name")},
        {"preferred_name", offsetof(struct client, preferred_name), CLIENT_NAME_MAX,
         CLIENT_FIELD_TEXT, NULL, TXT("preferred_name")},
        {"pronouns", offsetof(struct client, pronouns), 50, CLIENT_FIELD_TEXT, NULL,
         TXT("pronouns")},
        {"date_of_birth", offsetof(struct client, date_of_birth), 10, CLIENT_FIELD_DATE, NULL,
         "date_of_birth must be YYYY-MM-DD", "date_of_birth must be a real date, YYYY-MM-DD"},
        {"email", offsetof(struct client, email), 254, CLIENT_FIELD_EMAIL, NULL, TXT("email")},
        {"phone", offsetof(struct client, phone), 40, CLIENT_FIELD_TEXT, NULL, TXT("phone")},
        {"address", offsetof(struct client, address), CLIENT_TEXT_MAX, CLIENT_FIELD_LINES, NULL,
         TXT("address")},
        {"emergency_name", offsetof(struct client, emergency_name), CLIENT_NAME_MAX,
         CLIENT_FIELD_TEXT, EMERGENCY, TXT("emergency_name")},
        {"emergency_relationship", offsetof(struct client, emergency_relationship), 100,
         CLIENT_FIELD_TEXT, EMERGENCY, TXT("emergency_relationship")},
        {"emergency_phone", offsetof(struct client, emergency_phone), 40, CLIENT_FIELD_TEXT,
         EMERGENCY, TXT("emergency_phone")},
        {"may_email", offsetof(struct client, may_email), 1, CLIENT_FIELD_FLAG, NULL,
         FLAG("may_email")},
        {"may_text", offsetof(struct client, may_text), 1, CLIENT_FIELD_FLAG, NULL,
         FLAG("may_text")},
        {"may_voicemail", offsetof(struct client, may_voicemail), 1, CLIENT_FIELD_FLAG, NULL,
         FLAG("may_voicemail")},
        {"alt_address", offsetof(struct client, alt_address), CLIENT_TEXT_MAX, CLIENT_FIELD_LINES,
         NULL, TXT("alt_address")},
        {"alt_phone", offsetof(struct client, alt_phone), 40, CLIENT_FIELD_TEXT, NULL,
         TXT("alt_phone")},
        {"alt_email", offsetof(struct client, alt_email), 254, CLIENT_FIELD_EMAIL, NULL,
         TXT("alt_email")},
        {"intake_date", offsetof(struct client, intake_date), 10, CLIENT_FIELD_DATE,
         "collect_intake_date", "intake_date must be YYYY-MM-DD",
         "intake_date must be a real date, YYYY-MM-DD"},
        {"referral_source", offsetof(struct client, referral_source), CLIENT_NAME_MAX,
         CLIENT_FIELD_TEXT, "collect_referral_source", TXT("referral_source")},
        {"jurisdiction", offsetof(struct client, jurisdiction), 6, CLIENT_FIELD_TEXT, NULL,
         "jurisdiction must be a retention rule's code, e.g. US-WA",
         "jurisdiction must be a retention rule's code, e.g. US-WA"},
};
const unsigned client_field_count = sizeof client_fields / sizeof client_fields[0];

char **client_field_ptr(struct client *c, const struct client_field *f)
{
	return (char **)(void *)((char *)c + f->offset);
}

void client_cleanup(struct client *c)
{
	unsigned i;

	for (i = 0; i < client_field_count; i++) {
		char **p = client_field_ptr(c, &client_fields[i]);
		mem_free_wiped_str(*p);
		*p = NULL;
	}
	mem_wipe(c, sizeof *c);
}

const char *client_status_name(enum client_status s)
{
	switch (s) {
	case CLIENT_PROSPECTIVE: return "prospective";
	case CLIENT_ACTIVE: return "active";
	case CLIENT_DISCHARGED: return "discharged";
	}
	return "prospective";
}

int client_status_parse(const char *s, enum client_status *out)
{
	if (strcmp(s, "prospective") == 0)
		*out = CLIENT_PROSPECTIVE;
	else if (strcmp(s, "active") == 0)
		*out = CLIENT_ACTIVE;
	else if (strcmp(s, "discharged") == 0)
		*out = CLIENT_DISCHARGED;
	else
		return ERR_INVAL;
	return ERR_OK;
}
