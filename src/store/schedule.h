/*
 * schedule.h - the calendar in the store (store_schedule.c): services,
 * rooms, appointments with their members and status history, recurring
 * series, working hours and time off.
 *
 * Responsible for: the rows, the conflict and view queries (on the
 * (clinician, start), (room, start) and start indexes), sealing an
 * appointment's memo and each status reason under its first client's key
 * bound to their row, and opening a client's name for a view. Callers
 * (domain/schedule.c) have checked access, validated input and opened the
 * transaction. Never: returns a sealed value that failed to open; decides
 * who may see what.
 */
#ifndef CONFIDANT_STORE_SCHEDULE_H
#define CONFIDANT_STORE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

#define STORE_TZID_MAX 64     /* bytes of an IANA zone name with its NUL */
#define STORE_RRULE_MAX 256   /* bytes of an RRULE value with its NUL */
#define STORE_LABEL_MAX 96    /* bytes of a service or room name with its NUL */
#define STORE_APPT_MEMBERS 16 /* most further clients plus co-facilitators */

/* Appointment statuses, as stored (0 and 4 are what the demo generator
 * writes: scheduled and completed). */
enum appt_status {
	APPT_SCHEDULED = 0,
	APPT_CONFIRMED = 1,
	APPT_ARRIVED = 2,
	APPT_COMPLETED = 4,
	APPT_CANCELLED_CLIENT = 5,
	APPT_CANCELLED_CLINICIAN = 6,
	APPT_LATE_CANCEL = 7,
	APPT_NO_SHOW = 8,
};
/* Statuses that free the time again (not counted as conflicts). */
#define APPT_FREES_TIME(s)                                                                         \
	((s) == APPT_CANCELLED_CLIENT || (s) == APPT_CANCELLED_CLINICIAN || (s) == APPT_LATE_CANCEL)

/* Member roles in appointment_members / series_members. */
#define APPT_MEMBER_CLIENT 0 /* a further client (clients.id) */
#define APPT_MEMBER_STAFF 1  /* a co-facilitator (users.id) */

/* One service or room. */
struct sched_label {
	int64_t id;                 /* row id */
	char public_id[33];         /* opaque id */
	char name[STORE_LABEL_MAX]; /* shown name, not PHI */
	char cpt_code[8];           /* services: CPT code; rooms: "" */
	int default_minutes;        /* services: usual length; rooms: 0 */
};

/* One appointment row with what views show next to it. memo is PHI (NULL
 * unless opened); free with appt_cleanup. */
struct appt {
	int64_t id;                         /* row id */
	char public_id[33];                 /* opaque id */
	int64_t clinician_id;               /* the clinician (users.id) */
	char clinician_public_id[33];       /* and their public id */
	char clinician_name[128];           /* and display name */
	int64_t client_id;                  /* the first client (clients.id) */
	char client_public_id[33];          /* and their public id */
	int64_t starts_at;                  /* UTC instant */
	int64_t ends_at;                    /* UTC instant, > starts_at */
	char tzid[STORE_TZID_MAX];          /* zone it was booked in */
	int status;                         /* enum appt_status */
	int64_t status_at;                  /* when the status last changed */
	int kind;                           /* 0 individual, 1 couple, 2 family, 3 group */
	int64_t service_id;                 /* 0 if none */
	char service_public_id[33];         /* "" if none */
	char service_name[STORE_LABEL_MAX]; /* "" if none */
	char cpt_code[8];                   /* the service's CPT code, "" if none */
	int64_t room_id;                    /* 0 if none */
	char room_public_id[33];            /* "" if none */
	char room_name[STORE_LABEL_MAX];    /* "" if none */
	int telehealth;                     /* 1 for a video session */
	int64_t series_id;                  /* 0 if not part of a series */
	char series_public_id[33];          /* "" if none */
	int64_t occurrence_start;           /* the series' original start (RECURRENCE-ID) */
	int is_exception;                   /* 1 if edited apart from its series */
	int key_version;                    /* client key version of the sealed columns */
	int64_t created_at;                 /* unix seconds */
	int64_t updated_at;                 /* unix seconds */
	int64_t version;                    /* optimistic-locking counter */
	char *memo;                         /* opened memo, or NULL */
	int client_restricted;              /* views only: the first client's processing is
	                                       restricted (0 from other reads) */
};
void appt_cleanup(struct appt *a);

/* A series row. */
struct appt_series {
	int64_t id;                  /* row id */
	char public_id[33];          /* opaque id */
	int64_t clinician_id;        /* users.id */
	int64_t client_id;           /* first client */
	char rrule[STORE_RRULE_MAX]; /* RRULE value */
	char tzid[STORE_TZID_MAX];   /* zone it is expanded in */
	char dtstart_local[20];      /* YYYY-MM-DDTHH:MM:SS, local */
	int minutes;                 /* length of each occurrence */
	int64_t service_id;          /* 0 if none */
	int64_t room_id;             /* 0 if none */
	int telehealth;              /* 1 for video */
	int kind;                    /* as struct appt */
	int64_t materialised_until;  /* occurrences before this are rows */
	int64_t ended_at;            /* 0 while open */
	int64_t version;             /* optimistic-locking counter */
};

/* One member of an appointment or series. */
struct appt_member {
	int role;          /* APPT_MEMBER_* */
	int64_t member_id; /* clients.id or users.id */
};

/* What a booking collides with. */
enum sched_busy_kind {
	SCHED_BUSY_CLINICIAN, /* the clinician's (or co-facilitated) appointments */
	SCHED_BUSY_CLIENT,    /* a client's appointments (first or further client) */
	SCHED_BUSY_ROOM,      /* the room's appointments */
	SCHED_BUSY_TIME_OFF,  /* the clinician's time off */
};
struct sched_busy {
	int64_t appt_id;   /* appointment row id, 0 for time off */
	int64_t starts_at; /* UTC */
	int64_t ends_at;   /* UTC */
};

/* ---- services and rooms ---- */
enum err store_service_add(struct store *s, struct sched_label *l, int64_t now);
enum err store_room_add(struct store *s, struct sched_label *l, int64_t now);
/* store_service_list / store_room_list - active ones by name. */
enum err store_service_list(struct store *s, struct sched_label *out, size_t max, size_t *n);
enum err store_room_list(struct store *s, struct sched_label *out, size_t max, size_t *n);
/* by public id; ERR_NOTFOUND */
enum err store_service_find(struct store *s, const char *public_id, struct sched_label *out);
enum err store_room_find(struct store *s, const char *public_id, struct sched_label *out);

/* ---- appointments ---- */

/* store_appt_insert - insert a (all fields but id, public_id, version and
 * the times of creation) with memo sealed under the first client's key,
 * and its members; sets id, public_id, version 1. Also writes the first
 * status history row. by = the acting user (0 for the system). */
enum err store_appt_insert(struct store *s, const struct vault *v, struct appt *a,
                           const struct appt_member *m, size_t nm, int64_t by, int64_t now);

/* store_appt_get - by public id; memo opened if open_memo. ERR_NOTFOUND. */
enum err store_appt_get(struct store *s, const struct vault *v, const char *public_id,
                        int open_memo, struct appt *out);
/* store_appt_get_id - the same by row id (clear columns only). */
enum err store_appt_get_id(struct store *s, int64_t id, struct appt *out);

/* store_appt_members - an appointment's further clients and
 * co-facilitators, at most max. */
enum err store_appt_members(struct store *s, int64_t appt_id, struct appt_member *out, size_t max,
                            size_t *n);

/* store_appt_update - write a's times, zone, room, service, telehealth and
 * is_exception (and memo when memo_set) if its version is still
 * a->version (ERR_CONFLICT if not); moves version and updated_at on. */
enum err store_appt_update(struct store *s, const struct vault *v, struct appt *a, int memo_set,
                           int64_t now);

/* store_appt_status - set status (reason sealed, may be NULL) if the row's
 * version is still version, and append to the history. */
enum err store_appt_status(struct store *s, const struct vault *v, const struct appt *a, int status,
                           const char *reason, int64_t by, int64_t now);

/* One status change as the history shows it; reason is PHI. */
struct appt_change {
	int status;   /* enum appt_status */
	char by[33];  /* public id of who changed it, "" for the system */
	int64_t at;   /* unix seconds */
	char *reason; /* opened reason or NULL */
};
/* store_appt_history - the changes, oldest first, reasons opened; free
 * each reason with mem_free_wiped_str. */
enum err store_appt_history(struct store *s, const struct vault *v, const struct appt *a,
                            struct appt_change *out, size_t max, size_t *n);

/* store_sched_busy - what occupies [from, to) for who (by kind), leaving
 * out appointment exclude (0: none) and appointments whose status frees
 * the time; at most max, *n set. */
enum err store_sched_busy(struct store *s, enum sched_busy_kind kind, int64_t who, int64_t from,
                          int64_t to, int64_t exclude, struct sched_busy *out, size_t max,
                          size_t *n);

/* What a view asks for. */
struct sched_query {
	int64_t clinician_id; /* 0: the whole practice */
	int64_t room_id;      /* 0: any room */
	unsigned status_mask; /* bit (1 << status) for each status wanted */
	int64_t from;         /* starts_at >= from (UTC) */
	int64_t to;           /* starts_at < to (UTC) */
};
/* store_sched_view - appointments matching q in start order (a clinician's
 * own and co-facilitated ones), at most max, *n set; memo not opened;
 * client_restricted set in each. */
enum err store_sched_view(struct store *s, const struct sched_query *q, struct appt *out,
                          size_t max, size_t *n);

/* store_client_name - the preferred (else legal) name of client row id,
 * opened, into a new string (free with mem_free_wiped_str). */
enum err store_client_name(struct store *s, const struct vault *v, int64_t client_id, char **out);

/* store_client_names - names[i] = the preferred (else legal) name of
 * client row ids[i], opened under its key, each a new string (free with
 * mem_free_wiped_str); as store_client_name for each, but the client row
 * and its wrapped key come from one statement, not two. ERR_NOTFOUND if a
 * client or its key is gone, and then no name is left set.
 * WARNING: opens PHI; the caller decides first who may see each name. */
enum err store_client_names(struct store *s, const struct vault *v, const int64_t *ids, size_t n,
                            char **names);

/* ---- series ---- */
enum err store_series_insert(struct store *s, struct appt_series *r, const struct appt_member *m,
                             size_t nm, int64_t by, int64_t now);
enum err store_series_get(struct store *s, int64_t id, struct appt_series *out);
enum err store_series_members(struct store *s, int64_t id, struct appt_member *out, size_t max,
                              size_t *n);
/* store_series_update - rrule, materialised_until, ended_at, room,
 * service and telehealth of r; version moved on. */
enum err store_series_update(struct store *s, struct appt_series *r, int64_t now);
/* store_series_drop_from - delete the series' occurrences whose original
 * start is >= from, that were never edited apart (is_exception 0), are
 * still scheduled or confirmed and have no note; *n = how many. */
enum err store_series_drop_from(struct store *s, int64_t series_id, int64_t from, int64_t *n);
/* store_series_before - how many occurrences start (originally) before at. */
enum err store_series_before(struct store *s, int64_t series_id, int64_t at, int64_t *n);
/* store_series_ids_from - row ids of the series' occurrences whose
 * original start is >= from, in order, at most max. */
enum err store_series_ids_from(struct store *s, int64_t series_id, int64_t from, int64_t *out,
                               size_t max, size_t *n);

/* store_series_due - open series materialised only up to before until, at
 * most max. */
enum err store_series_due(struct store *s, int64_t until, int64_t *out, size_t max, size_t *n);

/* ---- working hours and time off ---- */
struct work_span {
	int weekday;               /* 0 Sunday .. 6 Saturday */
	int start_minute;          /* from local midnight */
	int end_minute;            /* > start_minute, <= 1440 */
	char tzid[STORE_TZID_MAX]; /* the clinician's zone */
};
/* store_hours_replace - the user's weekly hours become spans[0..n). */
enum err store_hours_replace(struct store *s, int64_t user_id, const struct work_span *spans,
                             size_t n);
enum err store_hours_get(struct store *s, int64_t user_id, struct work_span *out, size_t max,
                         size_t *n);
/* store_time_off_add - *public_id set (33 bytes). */
enum err store_time_off_add(struct store *s, int64_t user_id, int64_t from, int64_t to, int64_t now,
                            char public_id[33]);

#endif
