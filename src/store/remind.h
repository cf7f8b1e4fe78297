/*
 * remind.h - the store side of the waitlist, booking requests, reminders
 * (state and attempts), calendar feeds and integration secrets
 * (store_remind.c; migration 0016_remind).
 *
 * Responsible for: the rows; sealing a waitlist note, a request's message
 * and a decline reason under the client's key bound to their row; sealing
 * integration secrets under the vault's secrets subkey. Callers
 * (domain/booking.c, reminders.c, feeds.c) have checked access and input
 * and opened the transaction. Never: stores a feed token (only its hash),
 * an address, a phone number or a message text of a reminder.
 */
#ifndef CONFIDANT_STORE_REMIND_H
#define CONFIDANT_STORE_REMIND_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define STORE_ERROR_CLASS_MAX 24 /* bytes of a reminder error class with its NUL */

/* ---- waitlist ---- */

/* One client waiting for a slot. note is PHI (NULL unless opened). */
struct waitlist_entry {
	int64_t id;                   /* row id */
	char public_id[33];           /* opaque id */
	int64_t client_id;            /* clients.id */
	char client_public_id[33];    /* and its public id */
	int64_t clinician_id;         /* users.id, 0: any clinician */
	char clinician_public_id[33]; /* "" for any */
	unsigned days;                /* bit (1 << weekday), 0 Sunday */
	int earliest_minute;          /* from local midnight */
	int latest_minute;            /* > earliest_minute */
	int telehealth;               /* 0 in person, 1 video, 2 either */
	int status;                   /* 0 waiting, 1 removed */
	int64_t created_at;           /* unix seconds */
	char *note;                   /* opened note, or NULL */
};
void waitlist_entry_cleanup(struct waitlist_entry *w);

/* store_waitlist_add - insert w (note sealed); sets id and public_id. */
enum err store_waitlist_add(struct store *s, const struct vault *v, struct waitlist_entry *w,
                            int64_t by, int64_t now);
/* store_waitlist_get - by public id, note opened if open_note. ERR_NOTFOUND. */
enum err store_waitlist_get(struct store *s, const struct vault *v, const char *public_id,
                            int open_note, struct waitlist_entry *out);
/* store_waitlist_list - waiting entries, oldest first, for clinician_id
 * (0: all; entries for any clinician always match), notes not opened. */
enum err store_waitlist_list(struct store *s, int64_t clinician_id, struct waitlist_entry *out,
                             size_t max, size_t *n);
/* store_waitlist_note - open the note of entry w (id, client_id) into w->note. */
enum err store_waitlist_note(struct store *s, const struct vault *v, struct waitlist_entry *w);
/* store_waitlist_remove - status removed; ERR_CONFLICT if it was already. */
enum err store_waitlist_remove(struct store *s, int64_t id, int64_t now);

/* ---- booking requests ---- */

enum booking_status { BOOKING_PENDING = 0, BOOKING_APPROVED = 1, BOOKING_DECLINED = 2 };

/* One booking request. message and reason are PHI (NULL unless opened). */
struct booking_request {
	int64_t id;                     /* row id */
	char public_id[33];             /* opaque id */
	int64_t client_id;              /* clients.id */
	char client_public_id[33];      /* and its public id */
	int64_t clinician_id;           /* users.id */
	char clinician_public_id[33];   /* and its public id */
	char start_local[20];           /* YYYY-MM-DDTHH:MM:SS in tzid */
	char tzid[64];                  /* IANA zone */
	int64_t starts_at;              /* UTC */
	int minutes;                    /* length */
	int64_t service_id;             /* 0 if none */
	char service_public_id[33];     /* "" if none */
	int telehealth;                 /* 1 for video */
	int status;                     /* enum booking_status */
	int64_t appointment_id;         /* once approved */
	char appointment_public_id[33]; /* "" until approved */
	int64_t decided_at;             /* 0 while pending */
	int64_t created_at;             /* unix seconds */
	int64_t version;                /* optimistic-locking counter */
	char *message;                  /* opened message, or NULL */
	char *reason;                   /* opened decline reason, or NULL */
};
void booking_request_cleanup(struct booking_request *r);

/* store_booking_add - insert r (message sealed); sets id, public_id, version 1. */
enum err store_booking_add(struct store *s, const struct vault *v, struct booking_request *r,
                           int64_t by, int64_t now);
/* store_booking_get - by public id; message and reason opened if open. */
enum err store_booking_get(struct store *s, const struct vault *v, const char *public_id, int open,
                           struct booking_request *out);
/* store_booking_list - requests with status (-1 any), for clinician_id (0
 * any) and client_id (0 any), newest first; nothing opened. */
enum err store_booking_list(struct store *s, int status, int64_t clinician_id, int64_t client_id,
                            struct booking_request *out, size_t max, size_t *n);
/* store_booking_decide - set status (approved with appointment_id, or
 * declined with reason sealed) if r is still pending at r->version;
 * ERR_CONFLICT if not. */
enum err store_booking_decide(struct store *s, const struct vault *v,
                              const struct booking_request *r, int status, int64_t appointment_id,
                              const char *reason, int64_t by, int64_t now);

/* ---- reminders ---- */

#define REMINDER_EMAIL 0 /* channel numbers as stored */
#define REMINDER_SMS 1

enum reminder_state {
	REMINDER_DUE = 0,     /* not sent yet; tried again at next_at */
	REMINDER_SENT = 1,    /* handed to the server or gateway */
	REMINDER_GAVE_UP = 2, /* every retry failed */
	REMINDER_SKIPPED = 3, /* not allowed (consent, preferences, no destination) */
};

/* One client of an appointment that starts soon. */
struct reminder_candidate {
	int64_t appt_id;           /* appointments.id */
	char appt_public_id[33];   /* its public id */
	int64_t client_id;         /* one of its clients */
	char client_public_id[33]; /* and that client's public id */
	int64_t starts_at;         /* UTC */
	char tzid[64];             /* zone it was booked in */
};

/* store_reminder_candidates - every client (first and further) of the
 * scheduled or confirmed appointments starting in [from, to), by start; at
 * most max. */
enum err store_reminder_candidates(struct store *s, int64_t from, int64_t to,
                                   struct reminder_candidate *out, size_t max, size_t *n);
/* store_reminder_get - the state of one reminder; ERR_NOTFOUND if none yet. */
enum err store_reminder_get(struct store *s, int64_t appt_id, int64_t client_id, int channel,
                            int64_t starts_at, int *state, int *attempts, int64_t *next_at);
/* store_reminder_set - write (insert or replace) one reminder's state. */
enum err store_reminder_set(struct store *s, int64_t appt_id, int64_t client_id, int channel,
                            int64_t starts_at, int state, int attempts, int64_t next_at);

/* One attempt as recorded. */
struct reminder_attempt {
	char client_public_id[33];               /* whose reminder */
	int channel;                             /* REMINDER_EMAIL / _SMS */
	int attempt;                             /* 1.. */
	int64_t at;                              /* unix seconds */
	int outcome;                             /* 0 sent, 1 failed, 2 skipped */
	char error_class[STORE_ERROR_CLASS_MAX]; /* "" when sent */
};
/* store_reminder_attempt_add - record one attempt. */
enum err store_reminder_attempt_add(struct store *s, int64_t appt_id, int64_t client_id,
                                    int channel, int attempt, int64_t at, int outcome,
                                    const char *error_class);
/* store_reminder_attempts - an appointment's attempts, oldest first. */
enum err store_reminder_attempts(struct store *s, int64_t appt_id, struct reminder_attempt *out,
                                 size_t max, size_t *n);

/* ---- calendar feeds ---- */

/* store_feed_add - a feed for user_id whose token hashes to hash. */
enum err store_feed_add(struct store *s, int64_t user_id, const unsigned char hash[32],
                        int64_t now);
/* store_feed_revoke - revoke the user's active feeds; *n how many. */
enum err store_feed_revoke(struct store *s, int64_t user_id, int64_t now, int64_t *n);
/* store_feed_find - the user of the active feed with this token hash;
 * ERR_NOTFOUND if none or revoked. */
enum err store_feed_find(struct store *s, const unsigned char hash[32], int64_t *user_id);
/* store_feed_active - when the user's active feed was made; ERR_NOTFOUND. */
enum err store_feed_active(struct store *s, int64_t user_id, int64_t *created_at);

/* ---- integration secrets ---- */

#define STORE_SECRET_MAX 512 /* bytes of an integration secret */

/* store_secret_set - seal value under the secrets subkey as name (NULL or
 * "": forget it). */
enum err store_secret_set(struct store *s, const struct vault *v, const char *name,
                          const char *value, int64_t now);
/* store_secret_get - the opened secret into a new string (caller frees
 * with mem_free_wiped_str); ERR_NOTFOUND if unset. */
enum err store_secret_get(struct store *s, const struct vault *v, const char *name, char **out);

#endif
