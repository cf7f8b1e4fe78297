/*
 * risk.h - the risk fields of a note as structured, reportable values, and
 * the risk report.
 *
 * risk_suicidal and risk_homicidal take one of five levels, lowest first:
 * "denies", "passive" (thoughts of death, no intent), "active_no_plan",
 * "plan", "intent"; absent or "" means not assessed (a draft may leave it).
 * safety_plan is free text; the summary records only whether there is
 * one. Every note gets a sealed summary with its text (create, update), so
 * the report opens a few bytes per client instead of whole notes.
 *
 * Responsible for: the levels, the summary's format, and the report: for
 * each client the clinician's or supervisor's care teams reach (not
 * break-glass), the latest signed note dated on or after a day, listed
 * when either level is above "denies". Never: puts a level or any note
 * text in an audit event; reports to anyone but the treating team.
 */
#ifndef CONFIDANT_DOMAIN_RISK_H
#define CONFIDANT_DOMAIN_RISK_H

#include "domain/domain.h"

#define RISK_SUMMARY_MAX 64 /* bytes of a formatted summary, with NUL */
#define RISK_REPORT_MAX 500 /* clients one report lists */

/* A level; RISK_NOT_ASSESSED when the field is absent or empty. */
enum risk_level {
	RISK_NOT_ASSESSED = -1,
	RISK_DENIES = 0,
	RISK_PASSIVE = 1,
	RISK_ACTIVE_NO_PLAN = 2,
	RISK_PLAN = 3,
	RISK_INTENT = 4,
	RISK_UNSTRUCTURED = 5, /* free text from before levels existed */
};

/* What a note records about risk. */
struct note_risk {
	int suicidal;    /* enum risk_level */
	int homicidal;   /* enum risk_level */
	int safety_plan; /* non-zero: a safety plan is written */
};

/* domain_risk_level_parse - the level named s; RISK_NOT_ASSESSED for ""
 * or NULL; -2 for anything else. */
int domain_risk_level_parse(const char *s);
/* domain_risk_level_name - "denies" ... "intent", "not_assessed",
 * "unstructured". */
const char *domain_risk_level_name(int level);
/* domain_risk_format - r as the sealed summary ("v1 s=<n> h=<n> p=<0|1>"). */
void domain_risk_format(const struct note_risk *r, char out[RISK_SUMMARY_MAX]);
/* domain_risk_parse - the reverse; ERR_CRYPTO for a malformed summary. */
enum err domain_risk_parse(const char *s, struct note_risk *out);
/* domain_risk_flagged - either level above "denies" (unstructured text
 * counts: a person must read it). */
int domain_risk_flagged(const struct note_risk *r);

/* domain_note_risk_seal - seal r as note_id's summary, inside the
 * caller's transaction (domain/notes.c at create and update). */
enum err domain_note_risk_seal(struct domain_ctx *ctx, int64_t note_id, int64_t client_id,
                               const struct note_risk *r);

/* One client in the report. Strings are heap copies (PHI); free with
 * risk_entry_cleanup. */
struct risk_entry {
	char client_public_id[33]; /* the client */
	char *client_name;         /* preferred name, else legal name */
	char note_public_id[33];   /* the latest signed note */
	char date[11];             /* its date of service */
	struct note_risk risk;     /* its levels (from the summary) */
	char *content;             /* the note's text when it has no summary, else NULL */
};
void risk_entry_cleanup(struct risk_entry *e);

/* Filled by the caller for notes without a summary (written before
 * summaries existed): parse content into *out. Returns 0 if it cannot. */
typedef int (*risk_from_text)(const char *content, struct note_risk *out);

/* domain_risk_report - clients reached whose latest signed note dated on
 * or after since (YYYY-MM-DD) is flagged, into out (at most max); notes
 * without a summary are read through parse. Clinicians and supervisors
 * only (ERR_DENIED otherwise, audited). One report.risk event with counts
 * (clients reached, notes read, listed), and one per listed client naming
 * the note, for the client's access report; never a level. */
enum err domain_risk_report(struct domain_ctx *ctx, const char *since, risk_from_text parse,
                            struct risk_entry *out, size_t max, size_t *n);

#endif
