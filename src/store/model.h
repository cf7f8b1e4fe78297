/*
 * model.h - plain records that pass between store and domain.
 *
 * Responsible for: the shape of each resource as the domain sees it, in
 * plaintext. Never: holds SQL types or ciphertext. Text fields are heap
 * strings owned by the record; *_cleanup wipes and frees them.
 */
#ifndef CONFIDANT_STORE_MODEL_H
#define CONFIDANT_STORE_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Limits on client fields, in bytes of UTF-8. */
#define CLIENT_NAME_MAX 200
#define CLIENT_TEXT_MAX 500

enum client_status {
	CLIENT_PROSPECTIVE = 0, /* enquired, not yet seen */
	CLIENT_ACTIVE = 1,      /* in treatment */
	CLIENT_DISCHARGED = 2,  /* treatment ended */
};

/* A client record. Every text field is PHI and is sealed at rest. NULL means
 * "not recorded". */
struct client {
	int64_t id;                /* internal row id; never shown to users */
	char public_id[33];        /* opaque id used in the API (32 hex digits) */
	enum client_status status; /* where the client is in care */
	char *legal_name;          /* full legal name */
	char *preferred_name;      /* name to use when addressing the client */
	char *pronouns;            /* e.g. "she/her" */
	char *date_of_birth;       /* YYYY-MM-DD */
	char *email;               /* contact email */
	char *phone;               /* contact phone */
	char *address;             /* postal address, free text */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
	int64_t version;           /* increases by one on each update (optimistic locking) */
};

/* client_cleanup - wipe and free the text fields; the struct is zeroed. */
void client_cleanup(struct client *c);

/* client_status_name / client_status_parse - "prospective", "active",
 * "discharged". parse returns ERR_INVAL for anything else. */
const char *client_status_name(enum client_status s);
int client_status_parse(const char *s, enum client_status *out);

/* Field table: lets store and api walk the sealed text fields in one loop. */
struct client_field {
	const char *name; /* column and JSON name */
	size_t offset;    /* offsetof(struct client, field) */
	size_t max;       /* maximum length in bytes */
};
extern const struct client_field client_fields[];
extern const unsigned client_field_count;

/* client_field_ptr - address of the char * for field f in c. */
char **client_field_ptr(struct client *c, const struct client_field *f);

#endif
