/*
 * plans.h - treatment plans: problems, measurable goals and objectives,
 * interventions, target and review dates; versions; client signature.
 *
 * Who may do what (the minimum necessary):
 *  - write (start a plan, save a new version) and read: the treating team,
 *    clinicians and supervisors who reach the client (care team,
 *    supervision, or break-glass);
 *  - read and sign: the client themself, through a portal account linked
 *    to their record (signed "portal");
 *  - record a signature made in person: the treating team ("in_person");
 *  - nobody else: the owner, billing, the front desk and the privacy
 *    officer read no plan (a refusal is a 404 and an audited refusal).
 * Every save is a new version (versions are kept, sealed, listable); the
 * text a client signs is rendered once, when the version is saved, and the
 * signature records the typed name, the time, who recorded it and the
 * SHA-256 of exactly that text. A signed version never changes (the
 * schema refuses too); editing makes a new, unsigned version.
 * Never: puts plan content, the typed name or a date in an audit event or
 * a message; lets a client write a plan.
 */
#ifndef CONFIDANT_DOMAIN_PLANS_H
#define CONFIDANT_DOMAIN_PLANS_H

#include "core/buf.h"
#include "domain/domain.h"
#include "store/plans.h"

#define PLAN_PROBLEMS_MAX 10       /* problems in one plan */
#define PLAN_GOALS_MAX 6           /* goals per problem */
#define PLAN_OBJECTIVES_MAX 6      /* objectives per goal */
#define PLAN_INTERVENTIONS_MAX 6   /* interventions per goal */
#define PLAN_LONG_MAX 2000         /* bytes of a problem, goal, objective or intervention */
#define PLAN_SHORT_MAX 200         /* bytes of a title, measure, target or frequency */
#define PLAN_NAME_MAX 200          /* bytes of a typed signature name */
#define PLAN_TEXT_MAX (512 * 1024) /* bytes of a rendering (bounds the buffer) */
#define PLANS_PER_CLIENT_MAX 50    /* plans one client may have */
#define PLAN_VERSIONS_PAGE 200     /* versions one listing returns, newest first */

/* The parts of a plan. Every string is borrowed from the caller (api/
 * decodes them) and is NULL when absent; dates are YYYY-MM-DD. */
struct plan_objective {
	const char *what;        /* the measurable change ("fewer panic attacks") */
	const char *measure;     /* how it is measured ("weekly log", "GAD-7") */
	const char *target;      /* the level that counts as met ("at most 1 a week") */
	const char *target_date; /* by when, or NULL */
};

struct plan_intervention {
	const char *what;      /* what the clinician will do ("CBT: interoceptive exposure") */
	const char *frequency; /* how often ("weekly, 50 minutes"), or NULL */
};

struct plan_goal {
	const char *goal;                                               /* the goal */
	const char *target_date;                                        /* by when, or NULL */
	struct plan_objective objectives[PLAN_OBJECTIVES_MAX];          /* at least one */
	size_t nobjectives;                                             /* how many */
	struct plan_intervention interventions[PLAN_INTERVENTIONS_MAX]; /* may be none */
	size_t ninterventions;                                          /* how many */
};

struct plan_problem {
	const char *problem;                    /* the problem, in words */
	struct plan_goal goals[PLAN_GOALS_MAX]; /* at least one */
	size_t ngoals;                          /* how many */
};

struct plan_doc {
	const char *title;                               /* a short title */
	const char *start_date;                          /* when the plan starts, or NULL */
	const char *review_date;                         /* when it is next reviewed */
	struct plan_problem problems[PLAN_PROBLEMS_MAX]; /* at least one */
	size_t nproblems;                                /* how many */
};

/* domain_plan_check - every rule of a plan document: required parts,
 * lengths, real dates, no control characters. ERR_INVAL with
 * ctx->message naming the field (a path like problems[].goals[].goal). */
enum err domain_plan_check(struct domain_ctx *ctx, const struct plan_doc *d);

/* domain_plan_render - the canonical plain text of version `version` of
 * plan plan_public_id with document d, appended to out: what a client is
 * shown and signs. LF line ends, UTF-8, ends with a newline. */
enum err domain_plan_render(const struct plan_doc *d, const char *plan_public_id, int64_t version,
                            struct buf *out);

/* domain_plan_create - check d, start a plan for the client (treating team
 * only) and save it as version 1: json is d as canonical JSON (api/ makes
 * it), sealed with the rendering. On success *out is the version, body and
 * text included (caller cleans up). ERR_CONFLICT past PLANS_PER_CLIENT_MAX. */
enum err domain_plan_create(struct domain_ctx *ctx, const char *client_public_id,
                            const struct plan_doc *d, const char *json, struct plan_version *out);

/* domain_plan_update - save d as a new version of the plan; based_on must
 * be the newest version the caller read (ERR_CONFLICT if another save came
 * first). Treating team only. */
enum err domain_plan_update(struct domain_ctx *ctx, const char *plan_public_id, int64_t based_on,
                            const struct plan_doc *d, const char *json, struct plan_version *out);

/* domain_plan_get - version `version` (0: the newest) of a plan, opened.
 * ERR_NOTFOUND for a version that does not exist. */
enum err domain_plan_get(struct domain_ctx *ctx, const char *plan_public_id, int64_t version,
                         struct plan_version *out);

/* domain_plan_versions - every version of a plan (at most max), newest
 * first, nothing opened. */
enum err domain_plan_versions(struct domain_ctx *ctx, const char *plan_public_id,
                              struct plan_version *out, size_t max, size_t *n);

/* domain_plan_list - the newest version of each of a client's plans,
 * opened; the caller cleans up each. */
enum err domain_plan_list(struct domain_ctx *ctx, const char *client_public_id,
                          struct plan_version *out, size_t max, size_t *n);

/* domain_plan_sign - sign version `version` of the plan with the typed
 * name: the client themself (portal) or a clinician of the treating team
 * recording an in-person signature. seen, if not NULL, is the SHA-256 the
 * signer's screen computed over the text it showed: it must match.
 * ERR_CONFLICT if the version is signed already, is not the newest, or
 * seen differs; ERR_INVAL for a bad name. *out is the signed version. */
enum err domain_plan_sign(struct domain_ctx *ctx, const char *plan_public_id, int64_t version,
                          const char *name, const unsigned char *seen, struct plan_version *out);

/* domain_record_reach - may the actor touch this client's clinical record?
 * Clinicians and supervisors who reach the client (domain_reaches_client);
 * and when self_ok, the client themself (*self set to 1, purpose
 * "individual-access"). Anyone else: an audited refusal (event ev) and
 * ERR_NOTFOUND, so a client's existence is not revealed. Shared with
 * amendment requests. */
enum err domain_record_reach(struct domain_ctx *ctx, int64_t client_id, int self_ok,
                             enum audit_event ev, int *self);

/* domain_emit_commit - if e is ERR_OK, emit ev (domain_emit) and commit
 * the caller's transaction; otherwise, or if either fails, roll it back.
 * Returns the outcome. Shared with amendment requests. */
enum err domain_emit_commit(struct domain_ctx *ctx, enum err e, enum audit_event ev,
                            int64_t client_id, const char *object_type, const char *object_id,
                            const char *detail);

/* domain_text_ok - s has at most max bytes and no control characters (with
 * lines, also line feeds and tabs are allowed). Shared with amendments. */
int domain_text_ok(const char *s, size_t max, int lines);

#endif
