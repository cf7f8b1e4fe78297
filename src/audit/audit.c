/*
 * audit.c - the keyed hash chain. The canonical form of an event is a
 * sequence of length-prefixed fields, so no two different events encode to
 * the same bytes. Appends serialise on SQLite's write lock (the caller's
 * BEGIN IMMEDIATE), so reading the tail and inserting cannot race.
 */
#include "audit/audit.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

static const char *const names[AUDIT__COUNT] = {
        [AUDIT_NONE] = "none",
        [AUDIT_CLIENT_CREATE] = "client.create",
        [AUDIT_CLIENT_READ] = "client.read",
        [AUDIT_CLIENT_UPDATE] = "client.update",
        [AUDIT_CLIENT_LIST] = "client.list",
        [AUDIT_CLIENT_SEARCH] = "client.search",
        [AUDIT_PRACTICE_INIT] = "practice.init",
        [AUDIT_KEYS_ROTATE] = "keys.rotate",
        [AUDIT_BACKUP] = "backup.write",
        [AUDIT_RESTORE] = "backup.restore",
        [AUDIT_DEMO] = "practice.demo",
};

const char *audit_event_name(enum audit_event e)
{
	if ((unsigned)e >= AUDIT__COUNT || names[e] == NULL)
		return "unknown";
	return names[e];
}

static enum err put_field(struct buf *b, const char *s)
{
	enum err e = buf_printf(b, "%zu:", strlen(s));

	return e == ERR_OK ? buf_puts(b, s) : e;
}

/* row_hash - MAC over prev_hash and the canonical fields of r. */
static enum err row_hash(const struct vault_key *k, const struct audit_row *r,
                         unsigned char out[32])
{
	struct buf b;
	enum err e;

	buf_init(&b, 64 * 1024, 0);
	e = buf_append(&b, r->prev_hash, 32);
	if (e == ERR_OK)
		e = buf_printf(&b, "confidant/audit/v1|%lld|%lld|", (long long)r->seq,
		               (long long)r->at);
	if (e == ERR_OK)
		e = put_field(&b, r->actor);
	if (e == ERR_OK)
		e = put_field(&b, r->event);
	if (e == ERR_OK)
		e = buf_printf(&b, "%lld|", (long long)r->client_id);
	if (e == ERR_OK)
		e = put_field(&b, r->outcome);
	if (e == ERR_OK)
		e = put_field(&b, r->request_id);
	if (e == ERR_OK)
		e = put_field(&b, r->detail);
	if (e == ERR_OK)
		vault_mac(out, k, b.data, b.len);
	buf_cleanup(&b);
	return e;
}

enum err audit_emit(struct store *s, const struct vault *v, const struct audit_entry *a)
{
	struct vault_key *k = vault_key_new();
	struct audit_row r;
	enum err e;

	if (k == NULL)
		return ERR_NOMEM;
	memset(&r, 0, sizeof r);
	e = vault_subkey(v, VAULT_SUB_AUDIT, k);
	if (e != ERR_OK)
		goto out;
	e = store_audit_tail(s, &r.seq, r.prev_hash);
	if (e != ERR_OK)
		goto out;
	r.seq++;
	r.at = a->at;
	r.actor = a->actor;
	r.event = audit_event_name(a->event);
	r.client_id = a->client_id;
	r.outcome = err_name(a->outcome);
	r.request_id = a->request_id ? a->request_id : "";
	r.detail = a->detail ? a->detail : "";
	e = row_hash(k, &r, r.hash);
	if (e != ERR_OK)
		goto out;
	e = store_audit_insert(s, &r);
out:
	if (e != ERR_OK)
		log_error("audit emit failed event=%s err=%s", audit_event_name(a->event),
		          err_name(e));
	vault_key_free(k);
	return e;
}

struct verify_state {
	const struct vault_key *k; /* audit subkey */
	unsigned char prev[32];    /* expected prev_hash of the next row */
	int64_t next_seq;          /* expected seq of the next row */
	uint64_t count;            /* rows verified */
	int64_t bad;               /* first bad seq */
};

static enum err verify_row(void *arg, const struct audit_row *r)
{
	struct verify_state *st = arg;
	unsigned char h[32];
	enum err e;

	if (r->seq != st->next_seq || !vault_memeq(r->prev_hash, st->prev, 32)) {
		st->bad = r->seq;
		return ERR_CRYPTO;
	}
	e = row_hash(st->k, r, h);
	if (e != ERR_OK)
		return e;
	if (!vault_memeq(h, r->hash, 32)) {
		st->bad = r->seq;
		return ERR_CRYPTO;
	}
	memcpy(st->prev, h, 32);
	st->next_seq++;
	st->count++;
	return ERR_OK;
}

enum err audit_verify(struct store *s, const struct vault *v, uint64_t *count, int64_t *bad_seq)
{
	struct vault_key *k = vault_key_new();
	struct verify_state st;
	enum err e;

	if (k == NULL)
		return ERR_NOMEM;
	e = vault_subkey(v, VAULT_SUB_AUDIT, k);
	if (e != ERR_OK)
		goto out;
	memset(&st, 0, sizeof st);
	st.k = k;
	st.next_seq = 1;
	e = store_audit_each(s, verify_row, &st);
	if (e == ERR_CRYPTO)
		*bad_seq = st.bad;
	else if (e == ERR_OK)
		*count = st.count;
out:
	vault_key_free(k);
	return e;
}
