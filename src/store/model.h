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
	/* The rest of the chart (0006_chart). Flags are "1" or "0" as text so
	 * they are sealed like everything else and "yes" and "no" seal to the
	 * same length. */
	char *emergency_name;         /* emergency contact: name */
	char *emergency_relationship; /* emergency contact: relationship to the client */
	char *emergency_phone;        /* emergency contact: phone */
	char *may_email;              /* "1" may email, "0" may not, NULL not asked */
	char *may_text;               /* "1" may send SMS, "0" may not, NULL not asked */
	char *may_voicemail;          /* "1" may leave voicemail, "0" may not, NULL not asked */
	char *alt_address;            /* confidential communications: post goes here instead */
	char *alt_phone;              /* confidential communications: calls and SMS go here */
	char *alt_email;              /* confidential communications: email goes here */
	char *intake_date;            /* YYYY-MM-DD of intake */
	char *referral_source;        /* who referred the client, free text */
	char *jurisdiction;           /* retention rule's code ("US-WA"), NULL: the practice's */
	char primary_clinician[33];   /* public id of the primary clinician, "" if none */
	int64_t created_at;           /* unix seconds */
	int64_t updated_at;           /* unix seconds */
	int64_t version;              /* increases by one on each update (optimistic locking) */
	int restricted;               /* GDPR Art. 18 restriction applies (set by domain reads) */
};

/* client_cleanup - wipe and free the text fields; the struct is zeroed. */
void client_cleanup(struct client *c);

/* client_status_name / client_status_parse - "prospective", "active",
 * "discharged". parse returns ERR_INVAL for anything else. */
const char *client_status_name(enum client_status s);
int client_status_parse(const char *s, enum client_status *out);

/* How a field is checked and shown. */
enum client_field_kind {
	CLIENT_FIELD_TEXT = 0, /* one line of text */
	CLIENT_FIELD_LINES,    /* text that may hold line breaks (addresses) */
	CLIENT_FIELD_DATE,     /* YYYY-MM-DD, a real date */
	CLIENT_FIELD_EMAIL,    /* an address with an @ */
	CLIENT_FIELD_FLAG,     /* "1" or "0" (true or false in JSON) */
};

/* Field table: lets store and api walk the sealed text fields in one loop. */
struct client_field {
	const char *name;            /* column and JSON name */
	size_t offset;               /* offsetof(struct client, field) */
	size_t max;                  /* maximum length in bytes */
	enum client_field_kind kind; /* how it is checked and shown */
	const char *collect;         /* setting that must be 1 to set it; NULL: always collected */
	const char *too_long;        /* static message when longer than max */
	const char *invalid;         /* static message when malformed */
};
extern const struct client_field client_fields[];
extern const unsigned client_field_count;

/* client_field_ptr - address of the char * for field f in c. */
char **client_field_ptr(struct client *c, const struct client_field *f);

#endif
