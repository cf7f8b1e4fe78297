/*
 * model.c - helpers for the plain records of model.h.
 */
#include "store/model.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

const struct client_field client_fields[] = {
        {"legal_name", offsetof(struct client, legal_name), CLIENT_NAME_MAX},
        {"preferred_name", offsetof(struct client, preferred_name), CLIENT_NAME_MAX},
        {"pronouns", offsetof(struct client, pronouns), 50},
        {"date_of_birth", offsetof(struct client, date_of_birth), 10},
        {"email", offsetof(struct client, email), 254},
        {"phone", offsetof(struct client, phone), 40},
        {"address", offsetof(struct client, address), CLIENT_TEXT_MAX},
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
