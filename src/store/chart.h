/*
 * chart.h - the rest of a client's chart in the store (store_chart.c):
 * guardians, the history of chart changes, the versions of note drafts,
 * and the care team as the chart shows it.
 *
 * Responsible for: reading and writing client_guardians, client_versions
 * and note_versions rows, sealing every PHI value under the client's key
 * bound to its table, column and row. Callers (domain/) have already
 * checked access and validated input. Never: returns a value that failed
 * to open; changes or deletes a history row (the schema refuses too).
 */
#ifndef CONFIDANT_STORE_CHART_H
#define CONFIDANT_STORE_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"
#include "vault/vault.h"

/* What a guardian may see, as bits (stored in the clear: an access rule). */
#define GUARDIAN_SCOPE_SCHEDULING 1u /* appointments and reminders */
#define GUARDIAN_SCOPE_BILLING 2u    /* invoices and payments */
#define GUARDIAN_SCOPE_RECORDS 4u    /* the clinical record */
#define GUARDIAN_SCOPES_ALL 7u

/* One guardian. Text fields are PHI (sealed at rest), heap strings owned
 * by the struct (NULL: not recorded); guardian_cleanup wipes them. */
struct guardian {
	int64_t id;                /* row id */
	char public_id[33];        /* opaque id */
	int64_t client_id;         /* whose guardian (client row id) */
	char client_public_id[33]; /* and the client's public id */
	char *name;                /* full name (required) */
	char *relationship;        /* e.g. "mother" */
	char *phone;               /* phone */
	char *email;               /* email */
	unsigned scopes;           /* GUARDIAN_SCOPE_* bits */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
	int64_t version;           /* optimistic-locking counter */
};
void guardian_cleanup(struct guardian *g);

/* store_guardian_add - insert g for g->client_id; sets id, public_id,
 * version and times. Inside the caller's transaction. */
enum err store_guardian_add(struct store *s, const struct vault *v, struct guardian *g,
                            int64_t now);
/* store_guardian_get - by public id; with open = 0 the text stays NULL (for
 * an access check before anything is opened). ERR_NOTFOUND; ERR_CRYPTO. */
enum err store_guardian_get(struct store *s, const struct vault *v, const char *public_id, int open,
                            struct guardian *out);
/* store_guardian_list - a client's guardians, oldest first, opened; at
 * most max into out, *n set. On error nothing is left in out. */
enum err store_guardian_list(struct store *s, const struct vault *v, int64_t client_id,
                             struct guardian *out, size_t max, size_t *n);
/* store_guardian_count - how many guardians a client has. */
enum err store_guardian_count(struct store *s, int64_t client_id, size_t *n);
/* store_guardian_update - write g's text and scopes if its version is still
 * g->version (ERR_CONFLICT if not); g->version and updated_at move on. */
enum err store_guardian_update(struct store *s, const struct vault *v, struct guardian *g,
                               int64_t now);
/* store_guardian_remove - delete guardian row id (its values stay in the
 * chart's history). ERR_NOTFOUND if there is none. */
enum err store_guardian_remove(struct store *s, int64_t id);

/* One change to a chart, as written. */
struct chart_change_row {
	int64_t client_id;       /* whose chart */
	int64_t actor_id;        /* who (user row id), 0 for the practice itself */
	int64_t at;              /* unix seconds */
	const char *action;      /* "create", "update", "baseline", "guardian.add"... */
	const char *object_type; /* "client" or "guardian" */
	const char *object_id;   /* its public id */
	const char *changed;     /* field names, comma-separated (not PHI) */
	const char *changes;     /* the encoded values (PHI: sealed) */
};

/* One change to a chart, as read; heap strings owned by the struct. */
struct chart_version {
	int64_t id;           /* row id: the order of changes */
	int64_t at;           /* unix seconds */
	char actor[33];       /* user public id, "" for the practice or unknown */
	char action[24];      /* as written */
	char object_type[16]; /* "client" or "guardian" */
	char object_id[33];   /* its public id */
	char *changed;        /* field names, comma-separated */
	char *changes;        /* the encoded values (PHI) */
};
void chart_version_cleanup(struct chart_version *c);

/* store_chart_version_add - append a change (inside the caller's
 * transaction, the same one as the change itself). */
enum err store_chart_version_add(struct store *s, const struct vault *v,
                                 const struct chart_change_row *r);
/* store_chart_version_count - how many changes a client's chart has. */
enum err store_chart_version_count(struct store *s, int64_t client_id, size_t *n);
/* store_chart_versions - a client's changes, oldest first, opened; at most
 * max, *n set. On error nothing is left in out. */
enum err store_chart_versions(struct store *s, const struct vault *v, int64_t client_id,
                              struct chart_version *out, size_t max, size_t *n);

/* One saved version of a note. */
struct note_version {
	int64_t version; /* the note's version number then */
	int64_t at;      /* when it was saved */
	char actor[33];  /* who saved it (public id) */
	char date[11];   /* date of service then */
	char *content;   /* the note's JSON text then (PHI), heap */
};
void note_version_cleanup(struct note_version *nv);

/* store_note_version_add - keep n's current state (id, client_id,
 * version, date, content) as saved by actor at `at`. ERR_CONFLICT if that
 * version is already kept. */
enum err store_note_version_add(struct store *s, const struct vault *v, const struct note *n,
                                int64_t actor, int64_t at);
/* store_note_version_count - how many versions of note id are kept. */
enum err store_note_version_count(struct store *s, int64_t note_id, size_t *count);
/* store_note_versions - n's kept versions, oldest first, opened. */
enum err store_note_versions(struct store *s, const struct vault *v, const struct note *n,
                             struct note_version *out, size_t max, size_t *count);

/* A member of a client's care team, as the chart shows it. */
struct care_member {
	char public_id[33]; /* the user's public id */
	char name[128];     /* display name */
	char role[16];      /* role name */
};
/* store_care_team_list - the users on a client's care team, in the order
 * they joined; at most max, *n set. */
enum err store_care_team_list(struct store *s, int64_t client_id, struct care_member *out,
                              size_t max, size_t *n);
/* store_care_team_member - *yes if the user with public id user is on the
 * client's care team itself (not through supervision). */
enum err store_care_team_member(struct store *s, int64_t client_id, const char *user, int *yes);

#endif
