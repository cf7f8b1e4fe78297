/*
 * telehealth.h - video rooms and their participants in the store
 * (store_telehealth.c; schema in migrations/0017_telehealth.sql).
 *
 * Responsible for: the rows of rooms (one open room per appointment) and
 * participants (one row per user and room, with the hash of their current
 * join token). Callers (domain/telehealth.c) have checked access and
 * consent and opened the transaction.
 * Never: stores a join token (only its hash); holds PHI (ids and times
 * only); decides who may join.
 */
#ifndef CONFIDANT_STORE_TELEHEALTH_H
#define CONFIDANT_STORE_TELEHEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define STORE_TH_PARTICIPANTS_MAX 40 /* participants a room lists at most */

/* One room. */
struct th_room {
	int64_t id;             /* row id */
	char public_id[33];     /* the room id participants see (not the appointment's) */
	int64_t appointment_id; /* appointments.id */
	int64_t opened_by;      /* users.id */
	int64_t opened_at;      /* unix seconds */
	int64_t expires_at;     /* no token of the room outlives this */
	int64_t ended_at;       /* 0 while open */
};

/* One participant. */
struct th_participant {
	int64_t id;                /* row id */
	char public_id[33];        /* participant id (what admit names) */
	int64_t room_id;           /* telehealth_rooms.id */
	char room_public_id[33];   /* and the room's id */
	int64_t user_id;           /* users.id */
	char user_public_id[33];   /* and the user's public id */
	int64_t client_id;         /* clients.id for a portal account, else 0 */
	char client_public_id[33]; /* and its public id, or "" */
	int host;                  /* 1: the clinician or a co-facilitator */
	int64_t admitted_at;       /* 0: waiting */
	int64_t token_expires_at;  /* the current token's end */
	int64_t joined_at;         /* the latest join */
};

/* store_th_room_open_of - the open room of appointment appt_id;
 * ERR_NOTFOUND if none. */
enum err store_th_room_open_of(struct store *s, int64_t appt_id, struct th_room *out);

/* store_th_room_add - insert r (appointment_id, opened_by, opened_at,
 * expires_at); sets id and a random public_id. */
enum err store_th_room_add(struct store *s, struct th_room *r);

/* store_th_room_get - by room id (open or ended); ERR_NOTFOUND. */
enum err store_th_room_get(struct store *s, const char *public_id, struct th_room *out);

/* store_th_room_end - end room id (by user id at now) and let every token
 * of it expire now. */
enum err store_th_room_end(struct store *s, int64_t room_id, int64_t by, int64_t now);

/* store_th_join - p joins its room: a new row, or the user's row with the
 * new token hash, expiry, host flag and join time (an admission already
 * given stays; admit_now admits at joined_at if not yet). On return
 * p->id, public_id and admitted_at are the row's. */
enum err store_th_join(struct store *s, struct th_participant *p, const unsigned char hash[32],
                       int admit_now);

/* store_th_participants - the room's participants, hosts first, at most
 * max; *n set. */
enum err store_th_participants(struct store *s, int64_t room_id, struct th_participant *out,
                               size_t max, size_t *n);

/* store_th_admit - admit participant public_id of room room_id at now
 * (already admitted: no change). ERR_NOTFOUND if it is not the room's. */
enum err store_th_admit(struct store *s, int64_t room_id, const char *public_id, int64_t now,
                        struct th_participant *out);

/* store_th_token_find - the participant whose token hashes to hash and is
 * still valid at now in a room still open; ERR_NOTFOUND otherwise. */
enum err store_th_token_find(struct store *s, const unsigned char hash[32], int64_t now,
                             struct th_participant *out);

/* store_th_participant_get - by row id (for a fresh admitted state). */
enum err store_th_participant_get(struct store *s, int64_t id, struct th_participant *out);

#endif
