/*
 * roster.h - the practice's clinicians as the calendar needs them
 * (domain/roster.c): who can hold appointments, by id and display name,
 * for the calendar's clinician filter and the booking form.
 *
 * Responsible for: listing active clinicians and supervisors only. Never:
 * returns e-mail addresses, password or MFA state, disabled accounts or
 * other roles (the owner's user list is the place for those).
 */
#ifndef CONFIDANT_DOMAIN_ROSTER_H
#define CONFIDANT_DOMAIN_ROSTER_H

#include "domain/domain.h"

#define ROSTER_MAX 1000 /* clinicians one answer lists at most */

/* One clinician on the roster. */
struct roster_entry {
	char public_id[33]; /* user public id */
	char name[128];     /* display name */
	char role[16];      /* "clinician" or "supervisor" */
};

/* domain_roster_list - up to max active clinicians and supervisors in
 * account order into out, *n set. No audit event: staff names and ids are
 * not client data (like services and rooms). */
enum err domain_roster_list(struct domain_ctx *ctx, struct roster_entry *out, size_t max,
                            size_t *n);

#endif
