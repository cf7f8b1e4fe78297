/*
 * export.h - the right of access and portability (HIPAA 164.524, GDPR 15
 * and 20): a client's designated record set gathered for export, and the
 * access requests that ask for it, with their legal due dates.
 *
 * What the record set holds: demographics, contact details and the chart,
 * guardians, the care team, diagnoses, signed progress notes with their
 * addenda (drafts are work in progress, not yet part of the record),
 * treatment plans (the newest version of each, with its signature),
 * consents given and withdrawn, attachments, amendment requests with any
 * statement of disagreement and rebuttal, appointments, and the staff
 * who wrote or signed any of it.
 * Never: psychotherapy notes. They are outside the right of access
 * (HIPAA 164.524(a)(1)(i)); this module has no path to them: it includes
 * neither domain/pnotes.h nor store/pnotes.h, and the store reads it uses
 * name only the notes table (tests/api/export.test.mjs proves it with a
 * canary).
 *
 * Who may export (minimum necessary):
 *  - the client themself (portal): their right of access. It is not a
 *    disclosure to a third party, so no consent is asked (the consent gate
 *    is for disclosures beyond treatment; 164.528(a)(1)(i) also keeps it
 *    out of the accounting of disclosures);
 *  - the owner, acting as privacy officer, and a clinician on the client's
 *    care team (the treating clinician): they fulfil records requests. Not
 *    through break-glass (an emergency is not a records request), not a
 *    supervisor, billing, the front desk or the auditor role (who tracks
 *    requests but does not read notes);
 *  - the practice itself from the CLI (the key holder).
 * Every export is one audited event (record.export) with counts only.
 *
 * Access requests: the client (portal) or staff on their behalf (owner,
 * auditor, a clinician on the care team) record a request for access or
 * portability under HIPAA (due 30 days after receipt; one extension of 30
 * days, with a reason, before the deadline) or GDPR (due one calendar month
 * after receipt, the last day of the month when that day does not exist;
 * one extension of two further months). An export that names the request
 * fulfils it in the same transaction as its event.
 */
#ifndef CONFIDANT_DOMAIN_EXPORT_H
#define CONFIDANT_DOMAIN_EXPORT_H

#include "domain/domain.h"
#include "store/amendments.h"
#include "store/attachments.h"
#include "store/chart.h"
#include "store/consent.h"
#include "store/diagnoses.h"
#include "store/export.h"
#include "store/plans.h"

/* Attachments travel inside the export (base64) up to these sizes; a file
 * past them is described with a link to its download instead, so one
 * export stays well under the response cap (HTTP_RESPONSE_MAX). */
#define EXPORT_INLINE_FILE_MAX (4 * 1024 * 1024)   /* one file, bytes */
#define EXPORT_INLINE_TOTAL_MAX (16 * 1024 * 1024) /* all files together, bytes */
#define EXPORT_PEOPLE_MAX 200                      /* staff named in one record */

/* A member of staff (or the portal user) named in the record. */
struct export_person {
	int64_t id;         /* user row id */
	char public_id[33]; /* opaque id */
	char name[128];     /* display name */
	char role[16];      /* role name ("client" for the portal account) */
};

/* An addendum with the note it belongs to. */
struct export_addendum {
	char note_public_id[33]; /* the note */
	struct addendum a;       /* the addendum (text opened) */
};

/* An attachment and, when small enough, its content. */
struct export_file {
	struct attachment a;    /* metadata (name and description opened) */
	unsigned char *content; /* the bytes (heap, wiped on cleanup), or NULL: linked */
};

/* Everything one export holds. Arrays are heap, owned by the record;
 * export_record_cleanup wipes and frees them all. */
struct export_record {
	char export_id[33];            /* public id of this export (the audit event's object) */
	int64_t generated_at;          /* unix seconds */
	char request_id[33];           /* the access request it fulfilled, or "" */
	struct client client;          /* demographics, contact details, chart */
	struct guardian *guardians;    /* the client's guardians, opened */
	size_t nguardians;             /* how many */
	struct care_member *team;      /* the care team */
	size_t nteam;                  /* how many */
	struct diagnosis *dx;          /* diagnoses, active first, opened */
	size_t ndx;                    /* how many */
	struct note *notes;            /* signed notes, oldest first, text opened */
	size_t nnotes;                 /* how many */
	struct export_addendum *adds;  /* their addenda, by note, opened */
	size_t nadds;                  /* how many */
	struct plan_version *plans;    /* newest version of each plan, opened */
	size_t nplans;                 /* how many */
	struct consent *consents;      /* given and withdrawn, newest first, opened */
	size_t nconsents;              /* how many */
	struct export_file *files;     /* attachments, newest first */
	size_t nfiles;                 /* how many */
	struct amendment *amendments;  /* amendment requests, oldest first, opened */
	size_t namendments;            /* how many */
	struct appointment_row *appts; /* appointments, oldest first */
	size_t nappts;                 /* how many */
	struct export_person *people;  /* staff (and the portal account) named above */
	size_t npeople;                /* how many */
};

/* export_record_cleanup - wipe and free everything r holds. */
void export_record_cleanup(struct export_record *r);

/* export_person_find - the person with user row id, or NULL. */
const struct export_person *export_person_find(const struct export_record *r, int64_t id);
/* export_person_find_public - the person with public id, or NULL. */
const struct export_person *export_person_find_public(const struct export_record *r,
                                                      const char *public_id);

/* domain_export_collect - the client's designated record set, read in one
 * snapshot, then one write transaction for the event (record.export, with
 * counts and `format` ("fhir" or "html")) and, when request is not NULL,
 * fulfilling that access request of the same client (ERR_CONFLICT with
 * ctx->message if it is fulfilled already). ERR_NOTFOUND after an audited
 * refusal when the actor may not export (see above). On success *out is
 * the record (export_record_cleanup). */
enum err domain_export_collect(struct domain_ctx *ctx, const char *client_public_id,
                               const char *request, const char *format, struct export_record *out);

#define ACCESS_REQUESTS_MAX 200          /* requests one listing returns */
#define ACCESS_EXTENSION_REASON_MAX 1000 /* bytes of an extension's reason */
#define ACCESS_HIPAA_DAYS 30             /* 164.524(b)(2)(i) */
#define ACCESS_HIPAA_EXTENSION_DAYS 30   /* 164.524(b)(2)(iii): once, with a reason */
#define ACCESS_GDPR_MONTHS 1             /* Art. 12(3) */
#define ACCESS_GDPR_EXTENSION_MONTHS 2   /* Art. 12(3): two further months */

/* domain_access_due - the due date of a request received on `received`
 * (YYYY-MM-DD) under jurisdiction ("hipaa" or "gdpr"), or of its one
 * extension from `due` when extended is non-zero. ERR_INVAL for a bad date
 * or jurisdiction. */
enum err domain_access_due(const char *jurisdiction, const char *from, int extended, char out[11]);

/* domain_access_request_add - record a request: r->kind ("access" or
 * "portability"), r->jurisdiction ("hipaa" or "gdpr") and, from staff
 * only, r->received_on (YYYY-MM-DD, not in the future; "" for today).
 * Sets the due date, who and how; *r is the stored request. */
enum err domain_access_request_add(struct domain_ctx *ctx, const char *client_public_id,
                                   struct access_request *r);

/* domain_access_request_list - a client's requests, newest first
 * (client_public_id non-NULL), or the open requests, soonest due first
 * (NULL): the whole practice's for the owner and auditor, those of the
 * clients they reach for a clinician or supervisor; overdue flags set. */
enum err domain_access_request_list(struct domain_ctx *ctx, const char *client_public_id,
                                    struct access_request *out, size_t max, size_t *n);

/* domain_access_request_extend - the one extension, with a reason, given
 * before the deadline passes. ERR_CONFLICT (ctx->message) if the request
 * is fulfilled, extended already, or past due. *out is the request after. */
enum err domain_access_request_extend(struct domain_ctx *ctx, const char *public_id,
                                      const char *reason, struct access_request *out);

#endif
