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

/* Who is acting, and on what connection. Filled by the caller (api or cli). */
struct domain_ctx {
	struct store *store;       /* connection, used by this thread only */
	const struct vault *vault; /* unlocked master key */
	const char *actor;         /* user public id, "system" or "dev" */
	const char *request_id;    /* request id or "" */
	int64_t now;               /* unix seconds, fixed for the operation */
	const char *message;       /* OUT on ERR_INVAL: static PHI-free text */
};

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

/* domain_audit_refusal - record a refused or failed operation in its own
 * transaction (the operation's own was rolled back). */
void domain_audit_refusal(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id,
                          enum err why);

#endif
