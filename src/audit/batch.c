/*
 * batch.c - audit events of reads, appended in shared transactions.
 *
 * A read that changes nothing still owes the trail one durable event
 * before it answers. Giving each its own write transaction serialises
 * every read on the write lock and a commit; here the event is queued with
 * store_batch_run, and whichever reader leads the batch appends all queued
 * events to the chain, in order, in one transaction and one fsync.
 * Never: reports an event written before the transaction holding it is
 * durable, or appends outside the chain's order (audit_emit runs under the
 * batch's write lock, like any other append).
 */
#include "audit/audit.h"

/* What one queued event needs: its own fields and the vault whose audit
 * key hashes it. */
struct batched {
	const struct vault *v;       /* the audit key's vault */
	const struct audit_entry *e; /* the event (the caller's, alive while it waits) */
};

/* apply - store_batch_run's callback: append inside the batch transaction. */
static enum err apply(struct store *s, void *arg)
{
	const struct batched *b = arg;

	return audit_emit(s, b->v, b->e);
}

enum err audit_emit_batched(struct store *s, const struct vault *v, const struct audit_entry *e)
{
	struct batched b = {.v = v, .e = e};
	struct store_batch_item it = {.apply = apply, .arg = &b};

	return store_batch_run(s, &it);
}
