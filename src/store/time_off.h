/*
 * time_off.h - listing and removing a clinician's time off in the store
 * (store_time_off.c; the table is migration 0010_scheduling, rows are
 * added by store_time_off_add in store/schedule.h).
 *
 * Responsible for: the time_off rows of one clinician in a range, finding
 * one by its public id, deleting one. Callers (domain/time_off.c) have
 * checked who may and opened the transaction. Time off holds no client
 * data: nothing here is sealed. Never: touches appointments.
 */
#ifndef CONFIDANT_STORE_TIME_OFF_H
#define CONFIDANT_STORE_TIME_OFF_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* One period away. */
struct time_off {
	int64_t id;         /* row id */
	char public_id[33]; /* opaque id */
	int64_t user_id;    /* users.id of the clinician */
	int64_t starts_at;  /* UTC, inclusive */
	int64_t ends_at;    /* UTC, exclusive */
	int64_t created_at; /* unix seconds */
};

/* store_time_off_list - user_id's time off overlapping [from, to), by
 * start, at most max rows into out; *n set. */
enum err store_time_off_list(struct store *s, int64_t user_id, int64_t from, int64_t to,
                             struct time_off *out, size_t max, size_t *n);

/* store_time_off_find - one period by public id; ERR_NOTFOUND if none.
 * OUT: *out, written only on success. */
enum err store_time_off_find(struct store *s, const char *public_id, struct time_off *out);

/* store_time_off_delete - remove row id; ERR_NOTFOUND if it is gone. */
enum err store_time_off_delete(struct store *s, int64_t id);

#endif
