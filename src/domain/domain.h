/*
 * domain.h - the rules of the practice, independent of HTTP, JSON and SQL.
 *
 * Responsible for: validating input, running each operation in one
 * transaction with its audit event, and (with the identity work) access and
 * consent decisions. Every PHI read or write goes through a function here.
 * Never: sees a status code, a JSON value or a statement handle; returns
 * text that contains PHI.
 */
#ifndef CONFIDANT_DOMAIN_H
#define CONFIDANT_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "core/err.h"
#include "store/model.h"
#include "store/store.h"
#include "vault/vault.h"

/* Roles, as bits so a route or rule can name several. */
#define ROLE_OWNER 1u      /* owner / admin: users, settings; no notes unless treating */
#define ROLE_CLINICIAN 2u  /* sees the clients of their care teams */
#define ROLE_SUPERVISOR 4u /* sees supervisees' clients: read, review, co-sign */
#define ROLE_BILLER 8u     /* billing data; never note content */
#define ROLE_SCHEDULER 16u /* calendar and contact details only */
#define ROLE_CLIENT 32u    /* a portal account: their own record only */
#define ROLE_AUDITOR 64u   /* privacy officer: the audit trail and reports */
#define ROLE_ALL_STAFF                                                                             \
	(ROLE_OWNER | ROLE_CLINICIAN | ROLE_SUPERVISOR | ROLE_BILLER | ROLE_SCHEDULER |            \
	 ROLE_AUDITOR)
#define ROLE_ALL (ROLE_ALL_STAFF | ROLE_CLIENT)

/* domain_role_bit - the bit of a role name; 0 for an unknown name. */
unsigned domain_role_bit(const char *name);
/* domain_role_name - the name of a single role bit, or "unknown". */
const char *domain_role_name(unsigned bit);

/* Who is acting, and on what connection. Filled by the caller (api or cli). */
struct domain_ctx {
	struct store *store;       /* connection, used by this thread only */
	const struct vault *vault; /* unlocked master key */
	const char *actor;         /* user public id, or "system" */
	int64_t actor_id;          /* user row id, 0 for system */
	unsigned role;             /* the actor's role bit (0 for system) */
	const char *role_name;     /* the actor's role name, or "system" */
	int64_t client_self;       /* for role client: their client row id */
	const char *session;       /* session public id, or "" */
	const char *source;        /* peer address, or "" */
	const char *request_id;    /* request id or "" */
	const char *purpose;       /* why: "treatment", "operations", "break-glass"... */
	int64_t now;               /* unix seconds, fixed for the operation */
	const char *message;       /* OUT on ERR_INVAL: static PHI-free text */
	unsigned consented;        /* consent gate passes in this operation, bit per purpose */
	int64_t consented_client;  /* ... for this client (domain/consent.h) */
};

/* domain_ctx_system - a context for the CLI acting as "system". */
void domain_ctx_system(struct domain_ctx *ctx, struct store *s, const struct vault *v);

/* What a caller wants to do with a client's record. */
enum access {
	ACCESS_READ,  /* demographics and contact details */
	ACCESS_WRITE, /* change them */
};

/* domain_client_access - may the actor do `need` on client row id?
 * ERR_NOTFOUND when not (so a client's existence is not revealed), after
 * auditing the refusal. Clinicians and supervisors reach their care teams'
 * clients, or any client through an active break-glass grant. */
enum err domain_client_access(struct domain_ctx *ctx, int64_t client_id, enum access need);

/* domain_client_may - the same rule as domain_client_access, answered in
 * *yes without auditing: for callers that audit a refusal under their own
 * event. */
enum err domain_client_may(struct domain_ctx *ctx, int64_t client_id, enum access need, int *yes);

/* domain_random_hex - 2*nbytes random hex digits and a NUL into out (which
 * holds 2*nbytes+1); nbytes at most 64. */
void domain_random_hex(char *out, size_t nbytes);

/* domain_now - the clock; CONFIDANT_FAKE_NOW (unix seconds) overrides it so
 * tests run against a fixed clock. */
int64_t domain_now(void);

/* domain_client_validate - check every field of c (lengths, formats, no
 * control characters). ERR_INVAL with ctx->message naming the field. */
enum err domain_client_validate(struct domain_ctx *ctx, const struct client *c);

/* domain_client_create - validate and insert; audited as client.create. */
enum err domain_client_create(struct domain_ctx *ctx, struct client *c);

/* domain_client_get - read one client; audited as client.read. */
enum err domain_client_get(struct domain_ctx *ctx, const char *public_id, struct client *out);

/* domain_client_update - replace fields of the client c->public_id whose
 * version must still be c->version; audited as client.update. */
enum err domain_client_update(struct domain_ctx *ctx, struct client *c);

/* domain_client_list - a page of clients after cursor `after` (0 = start);
 * audited as client.list with the count. */
enum err domain_client_list(struct domain_ctx *ctx, int64_t after, size_t limit, struct client *out,
                            size_t *n);

/* domain_client_search - clients matching query (name words or a date);
 * audited as client.search with the count (never the query). */
enum err domain_client_search(struct domain_ctx *ctx, const char *query, size_t limit,
                              struct client *out, size_t *n);

/* domain_reaches_client - *yes if the actor's care teams (or supervisees'
 * teams) include the client, or a break-glass grant is open; sets
 * ctx->purpose ("treatment" or "break-glass"). */
enum err domain_reaches_client(struct domain_ctx *ctx, int64_t client_id, int *yes);

/* domain_reaches_client_quiet - domain_reaches_client (the restriction
 * check included, as for treatment) without writing anything: for a
 * write transaction shared with others' work, where a refusal must not
 * roll anything back. *restricted set when the record's restriction
 * refused it (*yes 0). The caller audits a refusal afterwards, in a
 * transaction of its own: restriction.refuse (need=treatment) when
 * restricted, else its own event. */
enum err domain_reaches_client_quiet(struct domain_ctx *ctx, int64_t client_id, int *yes,
                                     int *restricted);

/* domain_restriction_check - the one place restriction (GDPR Art. 18) is
 * enforced; the access decisions here call it once they allowed the actor:
 * ERR_RESTRICT (audited as restriction.refuse) when the client's record is
 * restricted, unless the actor is the system, the client reading their own
 * record, or the owner or auditor reading (purpose "legal-claims").
 * write: 0 read, 1 write, 2 treatment (either).
 * WARNING: when it refuses it rolls back the caller's transaction (the
 * refusal is recorded in its own). */
enum err domain_restriction_check(struct domain_ctx *ctx, int64_t client_id, int write);

/* domain_break_glass_open - open a client outside the actor's care teams
 * for a while (clinicians and supervisors), with a reason; *expires_at is
 * when it closes. ERR_CONFLICT if the actor already has access. */
enum err domain_break_glass_open(struct domain_ctx *ctx, const char *client_public_id,
                                 const char *reason, int64_t *expires_at);

/* domain_break_glass_list - recent grants for review: all for the owner and
 * the privacy officer, those on their own clients for clinicians. */
enum err domain_break_glass_list(struct domain_ctx *ctx, struct break_glass *out, size_t max,
                                 size_t *n);

/* domain_emit - append an audit event for the current operation, inside its
 * transaction, with actor, role, session and source from ctx. object_type
 * and object_id name what was touched ("client", a public id); detail is
 * ids and counts only. */
enum err domain_emit(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                     const char *object_type, const char *object_id, const char *detail);

/* domain_emit_outcome - domain_emit for an event whose outcome is not OK
 * (a failed sign-in), still inside the caller's transaction. */
enum err domain_emit_outcome(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                             const char *object_type, const char *object_id, const char *detail,
                             enum err outcome);

/* domain_emit_read - domain_emit for a read that wrote nothing: called
 * after the read's snapshot ended (store_end_read), it appends the event in
 * a batch shared with other reads (audit_emit_batched) and returns once it
 * is durable. The consent gate applies as for domain_emit.
 * WARNING: on any error the caller must fail the request and wipe what it
 * read. */
enum err domain_emit_read(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                          const char *object_type, const char *object_id, const char *detail);

/* domain_audit_refusal - record a refused or failed operation in its own
 * transaction (the operation's own was rolled back). */
void domain_audit_refusal(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                          enum err why);
/* domain_audit_refusal_detail - the same with a detail (ids and names of
 * purposes or fields only). */
void domain_audit_refusal_detail(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                                 enum err why, const char *detail);

#endif
