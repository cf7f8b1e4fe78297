/*
 * audit.h - the tamper-evident audit trail.
 *
 * Responsible for: appending one event per PHI access or change, in the
 * caller's transaction, as a hash chain keyed with the audit subkey:
 * hash = BLAKE2b(audit key, prev_hash || canonical(event)); signing the
 * chain's head now and then (checkpoints, Ed25519, key sealed under the
 * practice-secrets subkey); verifying the whole chain, its checkpoints and
 * checkpoints exported elsewhere. Byte layouts: docs/internals/audit.md.
 * Never: records PHI (every field is an id, a count, a role or a name of a
 * field; audit_emit refuses anything else); lets a request succeed whose
 * audit event failed to write (callers roll back).
 */
#ifndef CONFIDANT_AUDIT_H
#define CONFIDANT_AUDIT_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

/* Events. The names are stable: they are stored in the chain. New events
 * are appended before AUDIT__COUNT; values never change. */
enum audit_event {
	AUDIT_NONE = 0,            /* route records nothing (health) */
	AUDIT_CLIENT_CREATE,       /* a client record was created */
	AUDIT_CLIENT_READ,         /* one client record was read */
	AUDIT_CLIENT_UPDATE,       /* a client record was changed */
	AUDIT_CLIENT_LIST,         /* a page of client records was read */
	AUDIT_CLIENT_SEARCH,       /* clients were searched by name or date */
	AUDIT_PRACTICE_INIT,       /* the practice was created */
	AUDIT_KEYS_ROTATE,         /* the master key was rotated */
	AUDIT_BACKUP,              /* a backup was written */
	AUDIT_RESTORE,             /* the practice was restored from a backup */
	AUDIT_DEMO,                /* demo data was generated */
	AUDIT_AUDIT_SEARCH,        /* the audit trail was searched */
	AUDIT_AUDIT_ACCESS_REPORT, /* one client's access report was read */
	AUDIT_AUDIT_BREACH_REPORT, /* a breach-impact report was read */
	AUDIT_LOGIN,               /* a user signed in */
	AUDIT_LOGIN_FAILED,        /* a sign-in was refused */
	AUDIT_LOGOUT,              /* a user signed out (or was signed out) */
	AUDIT_MFA_ENROL,           /* a user enrolled a second factor */
	AUDIT_MFA_RESET,           /* a user's second factor was reset */
	AUDIT_USER_CREATE,         /* a staff or portal account was created */
	AUDIT_USER_DISABLE,        /* an account was disabled (or enabled) */
	AUDIT_USER_ROLE,           /* an account's role changed */
	AUDIT_CARE_TEAM,           /* a client's care team changed */
	AUDIT_BREAK_GLASS,         /* emergency access to a client was opened */
	AUDIT_SETTINGS,            /* practice settings changed */
	AUDIT_PASSWORD,            /* a password was set or changed */
	AUDIT_CHECKPOINT,          /* a checkpoint was asked for (confidant audit checkpoint) */
	AUDIT_NOTE_CREATE,         /* a progress note draft was started */
	AUDIT_NOTE_READ,           /* a note's text was read */
	AUDIT_NOTE_LIST,           /* a client's list of notes was read (no text) */
	AUDIT_NOTE_UPDATE,         /* a draft was changed */
	AUDIT_NOTE_SIGN,           /* a note was signed and locked */
	AUDIT_NOTE_COSIGN,         /* a supervisor co-signed a note */
	AUDIT_NOTE_ADDENDUM,       /* a signed addendum was added */
	AUDIT_DIAGNOSIS_ADD,       /* a diagnosis was added to a client's record */
	AUDIT_DIAGNOSIS_READ,      /* a client's diagnoses were read */
	AUDIT_DIAGNOSIS_UPDATE,    /* a diagnosis was resolved, reopened or made primary */
	AUDIT_CONSENT_TEMPLATE,    /* a consent template version was written */
	AUDIT_CONSENT_GIVE,        /* a client gave (signed) a consent */
	AUDIT_CONSENT_WITHDRAW,    /* a consent was withdrawn */
	AUDIT_CONSENT_READ,        /* a client's consents were read */
	AUDIT_DISCLOSURE,          /* information was released to a third party */
	AUDIT_DISCLOSURE_LIST,     /* a client's accounting of disclosures was read */
	AUDIT_CLIENT_HISTORY,      /* a client's chart history was read */
	AUDIT_NOTE_HISTORY,        /* a note's saved versions were read */
	AUDIT_GUARDIAN_LIST,       /* a client's guardians were read */
	AUDIT_GUARDIAN_ADD,        /* a guardian was added to a client's chart */
	AUDIT_GUARDIAN_UPDATE,     /* a guardian's details or scopes changed */
	AUDIT_GUARDIAN_REMOVE,     /* a guardian was removed from a client's chart */
	AUDIT_CARE_TEAM_READ,      /* a client's care team was read */
	AUDIT_PNOTE_CREATE,        /* a psychotherapy note was written */
	AUDIT_PNOTE_READ,          /* a psychotherapy note's text was read */
	AUDIT_PNOTE_LIST,          /* a client's psychotherapy notes were listed (no text) */
	AUDIT_PNOTE_UPDATE,        /* a psychotherapy note was changed */
	AUDIT_PNOTE_SHARE,         /* a psychotherapy note was shared with a supervisor */
	AUDIT_PNOTE_UNSHARE,       /* a psychotherapy note's share was removed */
	AUDIT_PASSWORD_RESET,      /* an owner reset a user's password */
	AUDIT_ATTACHMENT_UPLOAD,   /* a file was added to a client's chart (or refused) */
	AUDIT_ATTACHMENT_READ,     /* a client's list of files, or one file's details, was read */
	AUDIT_ATTACHMENT_DOWNLOAD, /* a file's content was downloaded */
	AUDIT_PLAN_CREATE,         /* a treatment plan was started (its version 1) */
	AUDIT_PLAN_READ,           /* a version of a plan was read */
	AUDIT_PLAN_LIST,           /* a client's plans, or a plan's versions, were listed */
	AUDIT_PLAN_UPDATE,         /* a new version of a plan was saved */
	AUDIT_PLAN_SIGN,           /* a plan version was signed by (or for) the client */
	AUDIT_AMENDMENT_REQUEST,   /* an amendment of the record was requested */
	AUDIT_AMENDMENT_READ,      /* amendment requests were read */
	AUDIT_AMENDMENT_EXTEND,    /* a request's deadline was extended (once) */
	AUDIT_AMENDMENT_ACCEPT,    /* a request was accepted and the record amended */
	AUDIT_AMENDMENT_DENY,      /* a request was denied with a reason */
	AUDIT_AMENDMENT_DISAGREE,  /* a statement of disagreement was filed */
	AUDIT_AMENDMENT_REBUT,     /* a rebuttal to a statement of disagreement was written */
	AUDIT_PRIVACY_PAGE,        /* a client's privacy page was read */

	/* Scheduling (domain/schedule.h). */
	AUDIT_APPOINTMENT_CREATE,   /* an appointment or a recurring series was booked */
	AUDIT_APPOINTMENT_READ,     /* one appointment (with its clients) was read */
	AUDIT_APPOINTMENT_UPDATE,   /* an appointment (or its series) was moved or changed */
	AUDIT_APPOINTMENT_STATUS,   /* an appointment's status changed (cancel, no-show...) */
	AUDIT_APPOINTMENT_OVERRIDE, /* a booking went ahead despite a conflict */
	AUDIT_SCHEDULE_VIEW,        /* a day, week or month view or free slots were read */
	AUDIT_SCHEDULE_SETUP,       /* services, rooms, working hours or time off changed */
	/* the owner defined a note template */
	AUDIT_NOTE_TEMPLATE_CREATE,
	/* the owner retired a note template */
	AUDIT_NOTE_TEMPLATE_RETIRE,
	/* the risk report was run (counts), or listed a client */
	AUDIT_REPORT_RISK,
	AUDIT_EXPORT,            /* a client's record set was exported (right of access) */
	AUDIT_ACCESS_REQUEST,    /* an access or portability request was recorded */
	AUDIT_ACCESS_REQ_READ,   /* access requests were listed */
	AUDIT_ACCESS_REQ_EXTEND, /* an access request's deadline was extended (once) */
	AUDIT_ACCESS_REQ_FULFIL, /* an access request was fulfilled by an export */
	AUDIT_ERASURE_REQUEST,   /* erasure of a client was requested (and maybe scheduled) */
	AUDIT_ERASURE_DONE,      /* a client was crypto-shredded and their rows deleted */
	AUDIT_ERASURE_READ,      /* erasure requests were read */
	AUDIT_HOLD_SET,          /* a legal hold was put on a client's record */
	AUDIT_HOLD_RELEASE,      /* a legal hold was released */
	AUDIT_HOLD_READ,         /* a client's legal holds were read */
	AUDIT_RESTRICT_SET,      /* a client's record was restricted (GDPR Art. 18) */
	AUDIT_RESTRICT_LIFT,     /* a restriction was lifted */
	AUDIT_RESTRICT_REFUSE,   /* processing of a restricted record was refused */
	AUDIT_BREACH_RECORD,     /* a breach was recorded */
	AUDIT_BREACH_READ,       /* breach records were listed */
	AUDIT_BREACH_LETTER,     /* a notification letter to one client was generated */
	/* Waitlist, booking requests, reminders, feeds (domain/booking.h, reminders.h, feeds.h). */
	AUDIT_WAITLIST_ADD,    /* a client was put on the waitlist */
	AUDIT_WAITLIST_READ,   /* the waitlist (or one entry) was read */
	AUDIT_WAITLIST_REMOVE, /* a client was taken off the waitlist */
	AUDIT_BOOKING_REQUEST, /* a booking request was made */
	AUDIT_BOOKING_READ,    /* booking requests were read */
	AUDIT_BOOKING_APPROVE, /* a request was approved (an appointment booked) */
	AUDIT_BOOKING_DECLINE, /* a request was declined with a reason */
	AUDIT_REMINDER_EMAIL,  /* a reminder was handed to the SMTP server (a disclosure: email) */
	AUDIT_REMINDER_SMS,    /* a reminder was handed to the SMS gateway (a disclosure: sms) */
	AUDIT_REMINDER_READ,   /* an appointment's reminder attempts were read */
	AUDIT_FEED_SETUP,      /* a calendar feed was made, rotated or revoked */
	AUDIT_FEED_READ,       /* a calendar feed was fetched */
	AUDIT_INTEGRATION_SECRET, /* an integration secret (SMTP password, SMS token) was set */
	AUDIT_RESEARCH_EXPORT,    /* a de-identified research export was made (practice-wide) */
	AUDIT_RESEARCH_INCLUDE,   /* one client's data went into a research export (consented) */
	AUDIT_TELEHEALTH_JOIN,    /* a video session was started or joined (gated: telehealth) */
	AUDIT_TELEHEALTH_READ,    /* a video room's participants were read */
	AUDIT_TELEHEALTH_ADMIT,   /* a participant was admitted from the waiting room */
	AUDIT_TELEHEALTH_END,     /* a video session was ended */
	AUDIT_TELEHEALTH_SIGNAL,  /* a participant's signaling connection opened */
	AUDIT_RETENTION_READ,     /* the retention rules were read */
	AUDIT_RETENTION_SET,      /* a retention rule was made or changed (or made the default) */
	AUDIT_RETENTION_DELETE,   /* a retention rule was deleted */
	AUDIT__COUNT              /* not an event */
};

/* audit_event_name - "client.read" etc.; never NULL. */
const char *audit_event_name(enum audit_event e);

/* Checkpoints: audit_emit signs the head after the event it appends when
 * the last checkpoint is AUDIT_CHECKPOINT_EVERY events behind, when the
 * event's time is AUDIT_CHECKPOINT_SECONDS or more after the last
 * checkpoint's, or when there is none yet. */
#define AUDIT_CHECKPOINT_EVERY 1000
#define AUDIT_CHECKPOINT_SECONDS 60
/* Longest value of any text field of an event, in bytes. */
#define AUDIT_ID_MAX 200

/* What one event says. NULL strings are stored as "". */
struct audit_entry {
	enum audit_event event; /* what happened */
	const char *actor;      /* who: a user public id, "system" or "dev" */
	int64_t client_id;      /* whose record (row id), or 0 */
	enum err outcome;       /* ERR_OK, or why it was refused or failed */
	const char *request_id; /* the request id, or "" */
	const char *detail;     /* PHI-free detail (ids, counts), or "" */
	int64_t at;             /* unix seconds */
	const char *actor_role; /* the actor's role then: "clinician", "system"..., or "" */
	const char *session;    /* the session's public id, or "" */
	const char *source;     /* the peer's IP address, or "" */
	const char
	        *object_type;  /* "client", "user", "session", "note", "backup", "key"..., or "" */
	const char *object_id; /* the object's public id, or "" */
	const char *purpose;   /* "treatment", "break-glass", "operations"..., or "" */
};

/* audit_id_ok - non-zero if s may be stored in an event: at most
 * AUDIT_ID_MAX bytes of [A-Za-z0-9._:=,/ -] (NULL and "" are fine). Free
 * text (names, notes, search words) cannot pass: no apostrophes, no
 * non-ASCII letters, no line breaks. */
int audit_id_ok(const char *s);

/* audit_emit - append e to the chain inside the caller's transaction, and a
 * signed checkpoint after it when one is due (creating the signing key the
 * first time). ERR_INVAL, writing nothing, if any text field fails
 * audit_id_ok (source may also hold '%', '[' and ']').
 * WARNING: callers must roll back their change if this fails. */
enum err audit_emit(struct store *s, const struct vault *v, const struct audit_entry *e);

/* audit_emit_batched - append e in a write transaction of its own that it
 * shares with other requests' events (store_batch_run: one COMMIT and one
 * fsync for many), for reads that wrote nothing else: the caller reads in
 * a snapshot (store_begin_read), ends it, then calls this, and answers
 * only if it returns ERR_OK, when the event is durable. s must have no
 * transaction open. Errors as audit_emit, or ERR_IO if the sync failed.
 * WARNING: the caller must not release what it read if this fails. */
enum err audit_emit_batched(struct store *s, const struct vault *v, const struct audit_entry *e);

/* audit_checkpoint_force - audit_emit e, then sign a checkpoint for it
 * whether or not one was due; the checkpoint is written to *out (may be
 * NULL). Inside the caller's transaction. */
enum err audit_checkpoint_force(struct store *s, const struct vault *v, const struct audit_entry *e,
                                struct audit_checkpoint *out);

/* Bytes a checkpoint signature covers: "confidant/checkpoint/v1" (23
 * bytes), seq (u64 little-endian), head (32), at (u64 little-endian). */
#define AUDIT_CHECKPOINT_MSGBYTES (23 + 8 + 32 + 8)

/* audit_checkpoint_message - the bytes c's signature covers. */
void audit_checkpoint_message(unsigned char out[AUDIT_CHECKPOINT_MSGBYTES],
                              const struct audit_checkpoint *c);

/* What verification found wrong first. */
enum audit_fault {
	AUDIT_FAULT_NONE = 0,  /* all holds */
	AUDIT_FAULT_EVENT,     /* event fault_seq was changed, inserted, deleted or moved */
	AUDIT_FAULT_SIGNATURE, /* the checkpoint for fault_seq is not validly signed */
	AUDIT_FAULT_HEAD,      /* the events up to fault_seq differ from its checkpoint */
	AUDIT_FAULT_TRUNCATED, /* the trail ends at last_seq, a checkpoint covers fault_seq */
	AUDIT_FAULT_KEY,       /* an exported checkpoint's key is not this practice's */
};

/* The outcome of verification, for people to read. */
struct audit_verify_result {
	uint64_t events;        /* events whose hash and link were checked */
	uint64_t checkpoints;   /* checkpoints in the database checked */
	uint64_t exported;      /* exported checkpoints checked */
	int64_t last_seq;       /* the trail's last event (0 if empty) */
	enum audit_fault fault; /* the first problem found, or AUDIT_FAULT_NONE */
	int64_t fault_seq;      /* the event or checkpoint seq it concerns */
	int fault_exported;     /* non-zero: found through an exported checkpoint */
};

/* audit_verify_trail - walk the chain (both formats) and then every stored
 * checkpoint (signature, key, head, and that it does not cover events past
 * the end). ERR_CRYPTO with out->fault set at the first problem; ERR_OK when
 * all holds; another error if the trail cannot be read. out is always
 * written. */
enum err audit_verify_trail(struct store *s, const struct vault *v,
                            struct audit_verify_result *out);

/* audit_verify_exported - check one checkpoint exported earlier against the
 * database, after audit_verify_trail succeeded on r: its signature under
 * its own public key, that the trail reaches its seq, that its key is one
 * of this practice's, and that the head matches. ERR_CRYPTO with r->fault
 * set; counts it in r->exported on success. */
enum err audit_verify_exported(struct store *s, const struct audit_checkpoint *c,
                               struct audit_verify_result *r);

/* audit_verify - the chain and stored checkpoints; ERR_CRYPTO with the seq
 * named by the first fault in *bad_seq, else the count in *count. */
enum err audit_verify(struct store *s, const struct vault *v, uint64_t *count, int64_t *bad_seq);

#endif
