/*
 * chart.h - the client chart beyond demographics: what the practice
 * collects, where a notification may go, guardians, the care team as the
 * chart shows it, and the history of every chart field and note draft.
 *
 * Who may do what (the minimum necessary):
 *  - the chart's history, guardians and care team are read by whoever may
 *    read the client's record today (domain_client_access, ACCESS_READ):
 *    the owner, the front desk, billing, the privacy officer, the treating
 *    team and the client themself;
 *  - guardians are changed by whoever may change the record (ACCESS_WRITE);
 *  - a note's history is read by the treating team only, like its text.
 * A refusal is a 404 and an audited refusal. Every read and write is one
 * transaction with its audit event; events carry ids and field names only.
 * Never: lets a write set a field the practice does not collect; changes
 * or forgets a kept version.
 */
#ifndef CONFIDANT_DOMAIN_CHART_H
#define CONFIDANT_DOMAIN_CHART_H

#include "domain/domain.h"
#include "store/chart.h"

#define GUARDIANS_PER_CLIENT_MAX 10 /* guardians one client may have */
#define CARE_TEAM_SHOWN_MAX 50      /* care-team members a chart lists */
#define CHART_HISTORY_MAX 500       /* changes a history read returns (oldest first) */
#define NOTE_HISTORY_MAX 500        /* note versions a history read returns */
#define CHART_CHANGE_FIELDS_MAX 32  /* fields one change may touch */

/* ---- contact routing ------------------------------------------------- */

/* How a notification would reach the client. */
enum contact_channel {
	CONTACT_EMAIL = 0, /* email */
	CONTACT_SMS,       /* text message */
	CONTACT_VOICE,     /* a call that may leave a voicemail */
	CONTACT_POST,      /* a letter */
	CONTACT__COUNT     /* not a channel */
};

/* The answer for one channel. */
struct contact_route {
	int allowed;        /* non-zero: the practice may contact the client this way */
	const char *to;     /* where to (borrowed from the client record); NULL if not allowed */
	int confidential;   /* non-zero: `to` is the client's confidential alternate */
	const char *reason; /* static, PHI-free: "ok", "not_asked", "refused", "no_destination" */
};

/* domain_contact_channel_name - "email", "sms", "voice", "post". */
const char *domain_contact_channel_name(enum contact_channel ch);

/* domain_client_contact_route - may the practice contact client c on
 * channel ch, and at which address or number?
 *  - email needs may_email "1", sms may_text "1", voice may_voicemail "1"
 *    (not asked means no); post needs only an address;
 *  - the destination is the client's confidential alternate for that
 *    medium when one is recorded (alt_email; alt_phone for sms and voice;
 *    alt_address for post), else the ordinary one; none means not allowed.
 * Pure: reads only c (which the caller read through the audited domain
 * calls). ERR_INVAL for an unknown channel.
 * WARNING: this is the ONLY way notification code (reminders, invoices,
 * portal invitations, anything sent to a client) may choose whether and
 * where to contact a client. Using c->email, c->phone or c->address
 * directly would ignore the client's HIPAA confidential-communications
 * request (45 CFR 164.522(b)) and their contact preferences. */
enum err domain_client_contact_route(const struct client *c, enum contact_channel ch,
                                     struct contact_route *out);

/* ---- writes of the client record (called by domain/client.c) ------------ */

/* domain_chart_check - inside the write's transaction, before it: refuse
 * (ERR_INVAL, ctx->message naming the field and its setting) a write that
 * sets a field the practice does not collect to a new value (clearing one,
 * or keeping a value recorded before collection stopped, is allowed), and
 * a primary clinician who is not on the client's care team. old is NULL
 * for a create. */
enum err domain_chart_check(struct domain_ctx *ctx, const struct client *old,
                            const struct client *c);

/* domain_chart_record - inside the write's transaction, after it: keep the
 * change (the fields that differ from old, or every recorded field of a
 * create) in the chart's history, sealed. A record older than the history
 * first gets a "baseline" of its state before the change. */
enum err domain_chart_record(struct domain_ctx *ctx, const struct client *old,
                             const struct client *c);

/* ---- history --------------------------------------------------------------- */

/* One change to a chart, decoded. Strings are heap copies (PHI) owned by
 * the entry; chart_entry_cleanup wipes them. */
struct chart_entry {
	struct chart_version row;              /* when, who, action, object, field names */
	size_t n;                              /* fields this change touched */
	char *field[CHART_CHANGE_FIELDS_MAX];  /* their names */
	char *value[CHART_CHANGE_FIELDS_MAX];  /* value after the change, NULL: cleared */
	char *before[CHART_CHANGE_FIELDS_MAX]; /* value before it, NULL: none */
};
void chart_entry_cleanup(struct chart_entry *e);

/* domain_client_history - every change to the client's chart (record and
 * guardians), oldest first, at most max; audited as client.history. */
enum err domain_client_history(struct domain_ctx *ctx, const char *client_public_id,
                               struct chart_entry *out, size_t max, size_t *n);

/* domain_note_history - every kept version of the note, oldest first (the
 * treating team only); audited as note.history. *head gets the note. */
enum err domain_note_history(struct domain_ctx *ctx, const char *note_public_id, struct note *head,
                             struct note_version *out, size_t max, size_t *n);

/* domain_note_keep - keep note n's state as a version (called by
 * domain/notes.c inside its transaction after a create or a draft save).
 * With baseline non-zero: keep n's state only if the note has no kept
 * version yet (a draft written before history existed), as saved by its
 * author at its last update. */
enum err domain_note_keep(struct domain_ctx *ctx, const struct note *n, int baseline);

/* ---- guardians ---------------------------------------------------------------- */

/* domain_guardian_add - add g (name required; relationship, phone, email
 * optional; scopes) to the client; needs the collect_guardians setting.
 * ERR_INVAL with ctx->message; ERR_CONFLICT past GUARDIANS_PER_CLIENT_MAX.
 * Audited as guardian.add; kept in the chart's history. */
enum err domain_guardian_add(struct domain_ctx *ctx, const char *client_public_id,
                             struct guardian *g);

/* domain_guardian_list - the client's guardians; audited as guardian.list. */
enum err domain_guardian_list(struct domain_ctx *ctx, const char *client_public_id,
                              struct guardian *out, size_t max, size_t *n);

/* Which members of a guardian an update sets (the others stay). */
#define GUARDIAN_SET_NAME 1u
#define GUARDIAN_SET_RELATIONSHIP 2u
#define GUARDIAN_SET_PHONE 4u
#define GUARDIAN_SET_EMAIL 8u
#define GUARDIAN_SET_SCOPES 16u

/* domain_guardian_update - set the members of guardian g->public_id named
 * by `set` (GUARDIAN_SET_*) to g's, if its version is still g->version
 * (ERR_CONFLICT if not). On success g is the stored guardian. */
enum err domain_guardian_update(struct domain_ctx *ctx, struct guardian *g, unsigned set);

/* domain_guardian_remove - remove a guardian (its values stay in the
 * chart's history). */
enum err domain_guardian_remove(struct domain_ctx *ctx, const char *public_id);

/* domain_guardian_scope_name / _parse - "scheduling", "billing", "records". */
const char *domain_guardian_scope_name(unsigned bit);
unsigned domain_guardian_scope_parse(const char *name);

/* ---- care team ------------------------------------------------------------------ */

/* domain_care_team_list - the client's care team; *primary gets the
 * primary clinician's public id ("" if none). Audited as care_team.read. */
enum err domain_care_team_list(struct domain_ctx *ctx, const char *client_public_id,
                               struct care_member *out, size_t max, size_t *n, char primary[33]);

#endif
