/*
 * erasure.h - the right to erasure (GDPR Art. 17, Washington MHMDA) under
 * retention rules and legal holds, carried out by crypto-shredding; the
 * erasure ledger that keeps an erased client from coming back with an old
 * backup; and restriction of processing (GDPR Art. 18).
 *
 * Responsible for: who may ask (the client, or the owner or privacy
 * officer on their behalf), whether an obligation to keep the record
 * applies and until when, carrying an erasure out (ledger first, then one
 * transaction that destroys the keys and rows with its audit event),
 * carrying scheduled ones out when their date passes, and re-applying the
 * ledger after a restore. Never: deletes an audit event; erases while a
 * retention rule or a legal hold applies; returns or logs PHI.
 */
#ifndef CONFIDANT_DOMAIN_ERASURE_H
#define CONFIDANT_DOMAIN_ERASURE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/domain.h"
#include "store/erasure.h"
#include "store/retention.h"

#define ERASURE_LIST_MAX 200    /* most requests one list returns */
#define HOLDS_PER_CLIENT_MAX 50 /* most holds one list returns */
#define HOLD_REASON_MAX 2000    /* bytes of a hold's reason */

/* How long the practice must keep a client's record, and why. */
struct retention {
	int64_t last_contact; /* latest note date, past appointment or record change */
	int64_t retain_until; /* the record may be erased from this time on */
	const char *rule;     /* "adult" or "minor" (static) */
	int64_t holds;        /* active legal holds */
	char jurisdiction[RETENTION_CODE_MAX + 1]; /* the rule's code ("" if built in) */
	int64_t adult_years;                       /* the rule: years after last contact */
	int64_t majority_age;                      /* age of majority */
	int64_t minor_years;                       /* years after majority */
};

/* domain_retention_of - the retention facts of client_id, inside the
 * caller's transaction, under the rule of the client's jurisdiction or
 * else the practice's default (domain/retention.h): adult_years after last
 * contact, and for a client who was a minor at last contact, minor_years
 * after they reach majority_age (the later of the two dates applies). */
enum err domain_retention_of(struct domain_ctx *ctx, int64_t client_id, struct retention *out);

/* domain_erasure_ledger_path_set - where the ledger file is (DIR/
 * erasure-ledger); set once at start-up by serve and the CLI. Erasure
 * refuses (ERR_INTERNAL) while it is unset. */
void domain_erasure_ledger_path_set(const char *path);

/* domain_erasure_request - ask to erase the client with public id client.
 * basis: "gdpr-17", "mhmda" or "other" (ERR_INVAL, ctx->message). The
 * client themselves, the owner or the auditor may ask (404 and audited
 * otherwise). With no obligation the client is erased now (out->status
 * "done"); else the request is scheduled (status "scheduled", not_before
 * and blocked_by say until when and why) and *ret says the rule. A client
 * with a scheduled request gets that request back. */
enum err domain_erasure_request(struct domain_ctx *ctx, const char *client, const char *basis,
                                struct erasure_request *out, struct retention *ret);

/* domain_erasure_get / domain_erasure_list - requests, for the owner and
 * the auditor; audited as erasure.read. */
enum err domain_erasure_get(struct domain_ctx *ctx, const char *public_id,
                            struct erasure_request *out);
enum err domain_erasure_list(struct domain_ctx *ctx, int64_t before, struct erasure_request *out,
                             size_t max, size_t *n);

/* domain_erasure_run_due - carry out every scheduled request whose date
 * has passed and that no hold blocks (the system only: serve's timer and
 * `confidant erasure run-due`). *done and *waiting count them. */
enum err domain_erasure_run_due(struct domain_ctx *ctx, int64_t *done, int64_t *waiting);

/* domain_erasure_ledger_apply - make the database and the ledger file at
 * the configured path agree: every client in either is shredded again if
 * a restore brought them back (same row id and public id), entries only
 * in the database are appended to the file, and new clients get ids above
 * every erased one. The system only. *reapplied counts the clients shredded
 * again. ERR_CRYPTO if the file fails to verify (nothing changed). */
enum err domain_erasure_ledger_apply(struct domain_ctx *ctx, int64_t *reapplied);

/* domain_hold_set - a legal hold on a client with a reason (owner and
 * auditor; reason required, at most HOLD_REASON_MAX bytes); out gets the
 * hold's public id. Audited as legal_hold.set. */
enum err domain_hold_set(struct domain_ctx *ctx, const char *client, const char *reason,
                         char out[33]);
/* domain_hold_release - release a hold with a reason (owner and auditor).
 * ERR_CONFLICT if it was released already. Audited. */
enum err domain_hold_release(struct domain_ctx *ctx, const char *hold, const char *reason);
/* domain_hold_list - a client's holds, newest first (owner and auditor);
 * caller calls legal_hold_cleanup on each. Audited as legal_hold.read. */
enum err domain_hold_list(struct domain_ctx *ctx, const char *client, struct legal_hold *out,
                          size_t max, size_t *n);

/* domain_restriction_set - restrict processing of a client's record on a
 * basis of Art. 18(1): "accuracy", "unlawful", "legal-claims" or
 * "objection" (owner and auditor). ERR_CONFLICT if restricted already. */
enum err domain_restriction_set(struct domain_ctx *ctx, const char *client, const char *basis);
/* domain_restricted - *yes if the client's record is restricted; no audit,
 * no refusal: for lists and views that leave such a record out (the
 * refusing check is domain_restriction_check, domain/domain.h). */
enum err domain_restricted(struct domain_ctx *ctx, int64_t client_id, int *yes);

/* domain_restriction_lift - lift it (owner and auditor); ERR_CONFLICT if
 * the record is not restricted. */
enum err domain_restriction_lift(struct domain_ctx *ctx, const char *client);

#endif
