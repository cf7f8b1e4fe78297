/*
 * audit.c - the keyed hash chain and its signed checkpoints.
 *
 * The canonical form of an event is a sequence of length-prefixed fields,
 * so no two different events encode to the same bytes. Appends serialise on
 * SQLite's write lock (the caller's BEGIN IMMEDIATE), so reading the tail
 * and inserting cannot race. Rows written before migration 0003 keep the v1
 * encoding (format 1); new rows use v2, which covers every column.
 * Never: holds the audit key or a signing key outside locked memory, or
 * accepts an event field that could carry free text.
 */
#include "audit/audit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
        [AUDIT_AUDIT_SEARCH] = "audit.search",
        [AUDIT_AUDIT_ACCESS_REPORT] = "audit.access_report",
        [AUDIT_AUDIT_BREACH_REPORT] = "audit.breach_report",
        [AUDIT_LOGIN] = "auth.login",
        [AUDIT_LOGIN_FAILED] = "auth.login_failed",
        [AUDIT_LOGOUT] = "auth.logout",
        [AUDIT_MFA_ENROL] = "auth.mfa_enrol",
        [AUDIT_MFA_RESET] = "auth.mfa_reset",
        [AUDIT_USER_CREATE] = "user.create",
        [AUDIT_USER_DISABLE] = "user.disable",
        [AUDIT_USER_ROLE] = "user.role",
        [AUDIT_CARE_TEAM] = "client.care_team",
        [AUDIT_BREAK_GLASS] = "client.break_glass",
        [AUDIT_SETTINGS] = "settings.update",
        [AUDIT_PASSWORD] = "auth.password",
        [AUDIT_CHECKPOINT] = "audit.checkpoint",
        [AUDIT_NOTE_CREATE] = "note.create",
        [AUDIT_NOTE_READ] = "note.read",
        [AUDIT_NOTE_LIST] = "note.list",
        [AUDIT_NOTE_UPDATE] = "note.update",
        [AUDIT_NOTE_SIGN] = "note.sign",
        [AUDIT_NOTE_COSIGN] = "note.cosign",
        [AUDIT_NOTE_ADDENDUM] = "note.addendum",
        [AUDIT_DIAGNOSIS_ADD] = "diagnosis.add",
        [AUDIT_DIAGNOSIS_READ] = "diagnosis.read",
        [AUDIT_DIAGNOSIS_UPDATE] = "diagnosis.update",
        [AUDIT_CONSENT_TEMPLATE] = "consent.template",
        [AUDIT_CONSENT_GIVE] = "consent.give",
        [AUDIT_CONSENT_WITHDRAW] = "consent.withdraw",
        [AUDIT_CONSENT_READ] = "consent.read",
        [AUDIT_DISCLOSURE] = "disclosure.release",
        [AUDIT_DISCLOSURE_LIST] = "disclosure.accounting",
        [AUDIT_CLIENT_HISTORY] = "client.history",
        [AUDIT_NOTE_HISTORY] = "note.history",
        [AUDIT_GUARDIAN_LIST] = "guardian.list",
        [AUDIT_GUARDIAN_ADD] = "guardian.add",
        [AUDIT_GUARDIAN_UPDATE] = "guardian.update",
        [AUDIT_GUARDIAN_REMOVE] = "guardian.remove",
        [AUDIT_CARE_TEAM_READ] = "care_team.read",
        [AUDIT_PNOTE_CREATE] = "psychotherapy_note.create",
        [AUDIT_PNOTE_READ] = "psychotherapy_note.read",
        [AUDIT_PNOTE_LIST] = "psychotherapy_note.list",
        [AUDIT_PNOTE_UPDATE] = "psychotherapy_note.update",
        [AUDIT_PNOTE_SHARE] = "psychotherapy_note.share",
        [AUDIT_PNOTE_UNSHARE] = "psychotherapy_note.unshare",
        [AUDIT_PASSWORD_RESET] = "user.password_reset",
        [AUDIT_ATTACHMENT_UPLOAD] = "attachment.upload",
        [AUDIT_ATTACHMENT_READ] = "attachment.read",
        [AUDIT_ATTACHMENT_DOWNLOAD] = "attachment.download",
        [AUDIT_PLAN_CREATE] = "plan.create",
        [AUDIT_PLAN_READ] = "plan.read",
        [AUDIT_PLAN_LIST] = "plan.list",
        [AUDIT_PLAN_UPDATE] = "plan.update",
        [AUDIT_PLAN_SIGN] = "plan.sign",
        [AUDIT_AMENDMENT_REQUEST] = "amendment.request",
        [AUDIT_AMENDMENT_READ] = "amendment.read",
        [AUDIT_AMENDMENT_EXTEND] = "amendment.extend",
        [AUDIT_AMENDMENT_ACCEPT] = "amendment.accept",
        [AUDIT_AMENDMENT_DENY] = "amendment.deny",
        [AUDIT_AMENDMENT_DISAGREE] = "amendment.disagree",
        [AUDIT_AMENDMENT_REBUT] = "amendment.rebut",
        [AUDIT_PRIVACY_PAGE] = "privacy.page",
        [AUDIT_APPOINTMENT_CREATE] = "appointment.create",
        [AUDIT_APPOINTMENT_READ] = "appointment.read",
        [AUDIT_APPOINTMENT_UPDATE] = "appointment.update",
        [AUDIT_APPOINTMENT_STATUS] = "appointment.status",
        [AUDIT_APPOINTMENT_OVERRIDE] = "appointment.override",
        [AUDIT_SCHEDULE_VIEW] = "schedule.view",
        [AUDIT_SCHEDULE_SETUP] = "schedule.setup",
        [AUDIT_NOTE_TEMPLATE_CREATE] = "note_template.create",
        [AUDIT_NOTE_TEMPLATE_RETIRE] = "note_template.retire",
        [AUDIT_REPORT_RISK] = "report.risk",
        [AUDIT_EXPORT] = "record.export",
        [AUDIT_ACCESS_REQUEST] = "access_request.create",
        [AUDIT_ACCESS_REQ_READ] = "access_request.read",
        [AUDIT_ACCESS_REQ_EXTEND] = "access_request.extend",
        [AUDIT_ACCESS_REQ_FULFIL] = "access_request.fulfil",
        [AUDIT_ERASURE_REQUEST] = "erasure.request",
        [AUDIT_ERASURE_DONE] = "erasure.done",
        [AUDIT_ERASURE_READ] = "erasure.read",
        [AUDIT_HOLD_SET] = "legal_hold.set",
        [AUDIT_HOLD_RELEASE] = "legal_hold.release",
        [AUDIT_HOLD_READ] = "legal_hold.read",
        [AUDIT_RESTRICT_SET] = "restriction.set",
        [AUDIT_RESTRICT_LIFT] = "restriction.lift",
        [AUDIT_RESTRICT_REFUSE] = "restriction.refuse",
        [AUDIT_BREACH_RECORD] = "breach.record",
        [AUDIT_BREACH_READ] = "breach.list",
        [AUDIT_BREACH_LETTER] = "breach.letter",
        [AUDIT_WAITLIST_ADD] = "waitlist.add",
        [AUDIT_WAITLIST_READ] = "waitlist.read",
        [AUDIT_WAITLIST_REMOVE] = "waitlist.remove",
        [AUDIT_BOOKING_REQUEST] = "booking.request",
        [AUDIT_BOOKING_READ] = "booking.read",
        [AUDIT_BOOKING_APPROVE] = "booking.approve",
        [AUDIT_BOOKING_DECLINE] = "booking.decline",
        [AUDIT_REMINDER_EMAIL] = "reminder.email",
        [AUDIT_REMINDER_SMS] = "reminder.sms",
        [AUDIT_REMINDER_READ] = "reminder.read",
        [AUDIT_FEED_SETUP] = "feed.setup",
        [AUDIT_FEED_READ] = "feed.read",
        [AUDIT_INTEGRATION_SECRET] = "integration.secret",
        [AUDIT_RESEARCH_EXPORT] = "research.export",
        [AUDIT_RESEARCH_INCLUDE] = "research.include",
        [AUDIT_TELEHEALTH_JOIN] = "telehealth.join",
        [AUDIT_TELEHEALTH_READ] = "telehealth.read",
        [AUDIT_TELEHEALTH_ADMIT] = "telehealth.admit",
        [AUDIT_TELEHEALTH_END] = "telehealth.end",
        [AUDIT_TELEHEALTH_SIGNAL] = "telehealth.signal",
        [AUDIT_RETENTION_READ] = "retention_rule.read",
        [AUDIT_RETENTION_SET] = "retention_rule.set",
        [AUDIT_RETENTION_DELETE] = "retention_rule.delete",
};

/* The most bytes one event's canonical form may take; stored rows that are
 * larger (tampered) fail verification at their seq. */
#define CANON_MAX (64 * 1024)
/* Signing keys whose stored public key was checked, remembered per walk. */
#define KEYS_SEEN_MAX 16

static const char CHECKPOINT_DOMAIN[] = "confidant/checkpoint/v1";
_Static_assert(sizeof CHECKPOINT_DOMAIN - 1 + 8 + 32 + 8 == AUDIT_CHECKPOINT_MSGBYTES,
               "checkpoint message size");

const char *audit_event_name(enum audit_event e)
{
	if ((unsigned)e >= AUDIT__COUNT || names[e] == NULL)
		return "unknown";
	return names[e];
}

/* ---- the PHI guard ------------------------------------------------------ */

static int chars_ok(const char *s, const char *extra)
{
	const unsigned char *p;
	size_t n = 0;

	if (s == NULL)
		return 1;
	for (p = (const unsigned char *)s; *p; p++, n++) {
		if (n >= AUDIT_ID_MAX)
			return 0;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9'))
			continue;
		if (strchr("._:=,/ -", *p) == NULL && (extra == NULL || strchr(extra, *p) == NULL))
			return 0;
	}
	return 1;
}

int audit_id_ok(const char *s)
{
	return chars_ok(s, NULL);
}

/* entry_ok - every text field of a is ids-only (the source may also hold
 * an IPv6 zone or brackets). */
static int entry_ok(const struct audit_entry *a)
{
	const char *ids[] = {a->actor,   a->request_id,  a->detail,    a->actor_role,
	                     a->session, a->object_type, a->object_id, a->purpose};
	size_t i;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (!audit_id_ok(ids[i]))
			return 0;
	return chars_ok(a->source, "%[]");
}

/* ---- canonical forms ------------------------------------------------------ */

static enum err put_field(struct buf *b, const char *s)
{
	enum err e = buf_printf(b, "%zu:", strlen(s));

	return e == ERR_OK ? buf_puts(b, s) : e;
}

/* row_hash_v1 - format 1: MAC over prev_hash and the fields 0001 had. */
static enum err row_hash_v1(struct buf *scratch, const struct vault_key *k,
                            const struct audit_row *r, unsigned char out[32])
{
	struct buf *b = scratch;
	enum err e;

	buf_reset(b);
	e = buf_append(b, r->prev_hash, 32);
	if (e == ERR_OK)
		e = buf_printf(b, "confidant/audit/v1|%lld|%lld|", (long long)r->seq,
		               (long long)r->at);
	if (e == ERR_OK)
		e = put_field(b, r->actor);
	if (e == ERR_OK)
		e = put_field(b, r->event);
	if (e == ERR_OK)
		e = buf_printf(b, "%lld|", (long long)r->client_id);
	if (e == ERR_OK)
		e = put_field(b, r->outcome);
	if (e == ERR_OK)
		e = put_field(b, r->request_id);
	if (e == ERR_OK)
		e = put_field(b, r->detail);
	if (e == ERR_OK)
		vault_mac(out, k, b->data, b->len);
	return e;
}

/* le_put - n bytes of v, little-endian, at p. */
static void le_put(unsigned char *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* row_hash_v2 - format 2: MAC over prev_hash and every column, integers as
 * u64 little-endian, strings length-prefixed (docs/internals/audit.md).
 * The lengths are summed first, so the bytes are copied straight into
 * scratch with one bound check instead of one growing append per piece
 * (the builder was a tenth of a verification's CPU). */
static enum err row_hash_v2(struct buf *scratch, const struct vault_key *k,
                            const struct audit_row *r, unsigned char out[32])
{
	static const char tag[] = "confidant/audit/v2";
	const char *text[] = {r->actor,   r->actor_role,  r->session,   r->source,
	                      r->event,   r->object_type, r->object_id, r->purpose,
	                      r->outcome, r->request_id,  r->detail};
	enum { NTEXT = sizeof text / sizeof text[0] };
	size_t len[NTEXT];
	size_t total = 32 + 4 + (sizeof tag - 1) + 3 * 8 + 4 * NTEXT;
	unsigned char *p;
	size_t i;
	enum err e;

	for (i = 0; i < NTEXT; i++) {
		len[i] = text[i] ? strlen(text[i]) : 0;
		if (len[i] > CANON_MAX)
			return ERR_TOOBIG;
		total += len[i];
	}
	if (total > CANON_MAX)
		return ERR_TOOBIG;
	buf_reset(scratch);
	e = buf_reserve(scratch, total); /* grows on first use only */
	if (e != ERR_OK)
		return e;
	p = (unsigned char *)scratch->data;
	memcpy(p, r->prev_hash, 32);
	p += 32;
	le_put(p, sizeof tag - 1, 4);
	memcpy(p + 4, tag, sizeof tag - 1);
	p += 4 + sizeof tag - 1;
	le_put(p, (uint64_t)r->seq, 8);
	le_put(p + 8, (uint64_t)r->at, 8);
	le_put(p + 16, (uint64_t)r->client_id, 8);
	p += 24;
	for (i = 0; i < NTEXT; i++) {
		le_put(p, len[i], 4);
		if (len[i] > 0)
			memcpy(p + 4, text[i], len[i]);
		p += 4 + len[i];
	}
	scratch->len = total;
	scratch->data[total] = '\0';
	vault_mac(out, k, scratch->data, total);
	return ERR_OK;
}

void audit_checkpoint_message(unsigned char out[AUDIT_CHECKPOINT_MSGBYTES],
                              const struct audit_checkpoint *c)
{
	size_t n = sizeof CHECKPOINT_DOMAIN - 1;
	int i;

	memcpy(out, CHECKPOINT_DOMAIN, n);
	for (i = 0; i < 8; i++)
		out[n + (size_t)i] = (unsigned char)((uint64_t)c->seq >> (8 * i));
	n += 8;
	memcpy(out + n, c->head, 32);
	n += 32;
	for (i = 0; i < 8; i++)
		out[n + (size_t)i] = (unsigned char)((uint64_t)c->at >> (8 * i));
}

/* ---- appending -------------------------------------------------------------- */

/* checkpoint_write - sign (seq, head, at) with the newest signing key,
 * creating one if there is none, and store it. */
static enum err checkpoint_write(struct store *s, const struct vault *v, int64_t seq,
                                 const unsigned char head[32], int64_t at,
                                 struct audit_checkpoint *out)
{
	unsigned char msg[AUDIT_CHECKPOINT_MSGBYTES];
	struct vault_sign_key *k = NULL;
	struct audit_checkpoint c;
	enum err e;

	memset(&c, 0, sizeof c);
	e = store_audit_key_latest(s, v, &c.key_id, &k);
	if (e == ERR_NOTFOUND) {
		e = vault_sign_keypair_new(&k);
		if (e == ERR_OK)
			e = store_audit_key_add(s, v, k, at, &c.key_id);
		if (e == ERR_OK)
			log_info("audit signing key created key_id=%lld", (long long)c.key_id);
	}
	if (e != ERR_OK)
		goto out;
	c.seq = seq;
	memcpy(c.head, head, 32);
	c.at = at;
	vault_sign_key_public(k, c.public_key);
	audit_checkpoint_message(msg, &c);
	vault_sign(c.signature, k, msg, sizeof msg);
	e = store_audit_checkpoint_insert(s, &c);
	if (e == ERR_OK && out != NULL)
		*out = c;
out:
	vault_sign_key_free(k);
	return e;
}

/* due - is a checkpoint due after event seq at time at? */
static enum err due(struct store *s, int64_t seq, int64_t at, int *yes)
{
	int64_t last_seq = 0, last_at = 0;
	enum err e = store_audit_checkpoint_tail(s, &last_seq, &last_at);

	if (e == ERR_NOTFOUND) {
		*yes = 1;
		return ERR_OK;
	}
	if (e != ERR_OK)
		return e;
	*yes = seq - last_seq >= AUDIT_CHECKPOINT_EVERY || at - last_at >= AUDIT_CHECKPOINT_SECONDS;
	return ERR_OK;
}

static enum err emit(struct store *s, const struct vault *v, const struct audit_entry *a, int force,
                     struct audit_checkpoint *cp)
{
	const struct vault_key *k = NULL;
	struct audit_row r;
	struct buf scratch;
	int checkpoint = force;
	enum err e;

	if (!entry_ok(a)) {
		e = ERR_INVAL;
		goto out;
	}
	memset(&r, 0, sizeof r);
	k = vault_audit_key(v);
	if (k == NULL) {
		e = ERR_CRYPTO; /* the root key was never loaded */
		goto out;
	}
	e = store_audit_tail(s, &r.seq, r.prev_hash);
	if (e != ERR_OK)
		goto out;
	r.seq++;
	r.at = a->at;
	r.actor = a->actor ? a->actor : "";
	r.event = audit_event_name(a->event);
	r.client_id = a->client_id;
	r.outcome = err_name(a->outcome);
	r.request_id = a->request_id ? a->request_id : "";
	r.detail = a->detail ? a->detail : "";
	r.format = 2;
	r.actor_role = a->actor_role ? a->actor_role : "";
	/* The practice acting on itself (the CLI) is the "system" role, for
	 * operations, unless the caller said otherwise. */
	if (r.actor_role[0] == '\0' && strcmp(r.actor, "system") == 0)
		r.actor_role = "system";
	r.session = a->session ? a->session : "";
	r.source = a->source ? a->source : "";
	r.object_type = a->object_type ? a->object_type : "";
	r.object_id = a->object_id ? a->object_id : "";
	r.purpose = a->purpose ? a->purpose : "";
	if (r.purpose[0] == '\0' && strcmp(r.actor, "system") == 0)
		r.purpose = "operations";
	buf_init(&scratch, CANON_MAX, 0);
	e = row_hash_v2(&scratch, k, &r, r.hash);
	buf_cleanup(&scratch);
	if (e != ERR_OK)
		goto out;
	e = store_audit_insert(s, &r);
	if (e != ERR_OK)
		goto out;
	if (!checkpoint) {
		e = due(s, r.seq, r.at, &checkpoint);
		if (e != ERR_OK)
			goto out;
	}
	if (checkpoint)
		e = checkpoint_write(s, v, r.seq, r.hash, r.at, cp);
out:
	if (e == ERR_INVAL)
		log_error("audit emit refused event=%s: a field is not ids-only",
		          audit_event_name(a->event));
	else if (e != ERR_OK)
		log_error("audit emit failed event=%s err=%s", audit_event_name(a->event),
		          err_name(e));
	return e;
}

enum err audit_emit(struct store *s, const struct vault *v, const struct audit_entry *a)
{
	return emit(s, v, a, 0, NULL);
}

enum err audit_checkpoint_force(struct store *s, const struct vault *v, const struct audit_entry *a,
                                struct audit_checkpoint *out)
{
	return emit(s, v, a, 1, out);
}

/* ---- verifying -------------------------------------------------------------- */

struct verify_state {
	const struct vault_key *k;      /* audit subkey */
	const struct vault *v;          /* to open signing keys */
	struct store *s;                /* for point lookups during the checkpoint walk */
	struct audit_verify_result *r;  /* what is found */
	unsigned char prev[32];         /* expected prev_hash of the next row */
	int64_t next_seq;               /* expected seq of the next row */
	int seen_v2;                    /* a format-2 row was seen: no v1 after it */
	int64_t keys_ok[KEYS_SEEN_MAX]; /* signing keys already checked */
	size_t nkeys;                   /* entries in keys_ok */
	struct buf scratch;             /* canonical bytes, reused row after row */
	int linked;                     /* prev holds the previous row's hash (not
	                                   so before a segment's first row) */
	unsigned char first_prev[32];   /* the segment's first row's prev_hash */
	int64_t first_v1;               /* the segment's first format-1 row, or 0 */
};

static enum err fault(struct audit_verify_result *r, enum audit_fault f, int64_t seq)
{
	r->fault = f;
	r->fault_seq = seq;
	return ERR_CRYPTO;
}

/* v1_clean - a format-1 row has nothing in the columns v1 does not hash. */
static int v1_clean(const struct audit_row *r)
{
	return !r->actor_role[0] && !r->session[0] && !r->source[0] && !r->object_type[0] &&
	       !r->object_id[0] && !r->purpose[0];
}

/* same32 - are two 32-byte hashes equal? Without branches on the bytes,
 * like vault_memeq, at a fraction of its cost: it runs twice per event
 * and was 8% of a verification's CPU. */
static int same32(const unsigned char a[32], const unsigned char b[32])
{
	uint64_t x, y, d = 0;
	int i;

	for (i = 0; i < 32; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	return d == 0;
}

static enum err verify_row(void *arg, const struct audit_row *r)
{
	struct verify_state *st = arg;
	unsigned char h[32];
	enum err e;

	/* A deleted row shows as a gap: name the seq that is missing. */
	if (r->seq != st->next_seq)
		return fault(st->r, AUDIT_FAULT_EVENT,
		             st->next_seq < r->seq ? st->next_seq : r->seq);
	/* A segment's first row links to the previous segment: checked when
	 * the segments are joined (join_segments). */
	if (!st->linked)
		memcpy(st->first_prev, r->prev_hash, 32);
	else if (!same32(r->prev_hash, st->prev))
		return fault(st->r, AUDIT_FAULT_EVENT, r->seq);
	if (r->format == 1 && !st->seen_v2 && v1_clean(r))
		e = row_hash_v1(&st->scratch, st->k, r, h);
	else if (r->format == 2)
		e = row_hash_v2(&st->scratch, st->k, r, h);
	else
		return fault(st->r, AUDIT_FAULT_EVENT, r->seq);
	if (e == ERR_TOOBIG)
		return fault(st->r, AUDIT_FAULT_EVENT, r->seq);
	if (e != ERR_OK)
		return e;
	if (!same32(h, r->hash))
		return fault(st->r, AUDIT_FAULT_EVENT, r->seq);
	if (r->format == 1 && st->first_v1 == 0)
		st->first_v1 = r->seq;
	st->seen_v2 |= r->format == 2;
	memcpy(st->prev, h, 32);
	st->linked = 1;
	st->next_seq++;
	st->r->events++;
	st->r->last_seq = r->seq;
	return ERR_OK;
}

/* ---- the chain in segments, walked by a few threads ---------------------- */

/* Events per segment at least: below this one thread walks the chain. */
#define VERIFY_SEGMENT_MIN 256
/* Threads at most. */
#define VERIFY_THREADS_MAX 8
/* Segments per thread: many small segments taken from one queue keep every
 * thread busy to the end even when one of them gets less CPU (a shared or
 * busy machine); two fixed halves finished when the slower one did. */
#define VERIFY_SEGMENTS_PER_THREAD 16

/* One segment of the chain, seq from..to. */
struct segment {
	int64_t from, to;               /* its rows */
	struct verify_state st;         /* the walk (st.r points at res) */
	struct audit_verify_result res; /* what it found on its own */
	enum err e;                     /* its outcome */
};

/* The work shared by the threads of one verification: the segments, and
 * the checkpoint walk as one more task, taken in order from a counter. */
struct verify_work {
	pthread_mutex_t lock;    /* guards next */
	size_t next;             /* the next task to take; 0 is the checkpoints */
	struct segment *seg;     /* nseg segments in seq order */
	size_t nseg;             /* entries in seg */
	struct verify_state *cp; /* the checkpoint walk's state (cp->r: its result) */
	enum err cp_e;           /* the checkpoint walk's outcome */
};

/* One worker: its own read connection (the caller's for the first). */
struct worker {
	struct verify_work *w; /* the shared work */
	struct store *s;       /* its connection */
};

/* walk - one segment on s: every row from..to, then a missing tail as a gap. */
static enum err walk(struct store *s, struct segment *g)
{
	enum err e;

	/* One statement: its own read snapshot; rows up to `to` never change
	 * (the schema refuses updates and deletes, appends come after). */
	e = store_audit_each_range(s, g->from, g->to, verify_row, &g->st);
	if (e == ERR_OK && g->st.next_seq != g->to + 1)
		e = fault(&g->res, AUDIT_FAULT_EVENT, g->st.next_seq);
	return e;
}

static enum err verify_checkpoint(void *arg, const struct audit_checkpoint *c);

/* work - take tasks until none are left. */
static void work(struct worker *k)
{
	struct verify_work *w = k->w;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		i = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i > w->nseg)
			return;
		if (i == 0) {
			w->cp->s = k->s;
			w->cp_e = store_audit_checkpoint_each(k->s, verify_checkpoint, w->cp);
		} else {
			w->seg[i - 1].e = walk(k->s, &w->seg[i - 1]);
		}
	}
}

static void *work_thread(void *arg)
{
	work(arg);
	return NULL;
}

/* join_segments - the outcome the single walk from seq 1 would have had:
 * segments in order, each checked for its link to the one before (its
 * first prev_hash) and for format-1 rows after a format-2 row in an
 * earlier segment; the first fault by seq wins. */
static enum err join_segments(struct segment *g, size_t n, struct audit_verify_result *out)
{
	unsigned char prev[32] = {0};
	int seen_v2 = 0;
	int64_t at;
	size_t i;

	for (i = 0; i < n; i++) {
		at = 0;
		if (g[i].e != ERR_OK && g[i].e != ERR_CRYPTO)
			return g[i].e;
		if (g[i].st.linked && !vault_memeq(g[i].st.first_prev, prev, 32))
			at = g[i].from; /* its first row (a gap would have faulted there) */
		else if (seen_v2 && g[i].st.first_v1 != 0)
			at = g[i].st.first_v1;
		if (at != 0 && (g[i].e != ERR_CRYPTO || at <= g[i].res.fault_seq)) {
			out->events += (uint64_t)(at - g[i].from);
			return fault(out, AUDIT_FAULT_EVENT, at);
		}
		out->events += g[i].res.events;
		if (g[i].res.last_seq != 0)
			out->last_seq = g[i].res.last_seq;
		if (g[i].e == ERR_CRYPTO)
			return fault(out, g[i].res.fault, g[i].res.fault_seq);
		seen_v2 |= g[i].st.seen_v2;
		memcpy(prev, g[i].st.prev, 32);
	}
	return ERR_OK;
}

/* cpus - online CPUs, at least 1. */
static size_t cpus(void)
{
	long c = sysconf(_SC_NPROCESSORS_ONLN);

	return c < 1 ? 1 : (size_t)c;
}

/* verify_all - every event, split into segments, and every checkpoint,
 * walked by up to one thread per CPU (each on its own read-only
 * connection) taking tasks from one queue; the chain is joined as if
 * walked once from seq 1. cp is the checkpoint walk's state; its result
 * (cp->r) is only meaningful when the chain holds, and it is told the
 * chain ends at the trail's last seq (which the chain then proved); its
 * outcome is written to *cp_e. */
static enum err verify_all(struct store *s, const struct vault_key *k, struct verify_state *cp,
                           struct audit_verify_result *out, enum err *cp_e)
{
	struct worker wk[VERIFY_THREADS_MAX];
	pthread_t tid[VERIFY_THREADS_MAX];
	int started[VERIFY_THREADS_MAX] = {0};
	struct verify_work w;
	int64_t last = 0, per;
	size_t nt, i;
	enum err e;

	memset(&w, 0, sizeof w);
	memset(wk, 0, sizeof wk);
	e = store_audit_max_seq(s, &last);
	if (e != ERR_OK)
		return e;
	nt = cpus();
	if (nt > VERIFY_THREADS_MAX)
		nt = VERIFY_THREADS_MAX;
	w.nseg = nt * VERIFY_SEGMENTS_PER_THREAD;
	if ((uint64_t)last / VERIFY_SEGMENT_MIN < w.nseg)
		w.nseg = last / VERIFY_SEGMENT_MIN > 1 ? (size_t)(last / VERIFY_SEGMENT_MIN) : 1;
	if (nt > w.nseg + 1)
		nt = w.nseg + 1;
	per = (last + (int64_t)w.nseg - 1) / (int64_t)w.nseg;
	if (per < 1)
		per = 1;
	w.seg = calloc(w.nseg, sizeof *w.seg);
	if (w.seg == NULL)
		return ERR_NOMEM;
	pthread_mutex_init(&w.lock, NULL);
	w.cp = cp;
	cp->r->last_seq = last;
	for (i = 0; i < w.nseg; i++) {
		struct segment *g = &w.seg[i];

		g->from = 1 + (int64_t)i * per;
		g->to = i + 1 == w.nseg ? last : g->from + per - 1;
		if (g->to > last)
			g->to = last;
		if (g->from > g->to) /* an empty trail: one empty segment */
			g->from = g->to + 1;
		g->st.k = k;
		g->st.r = &g->res;
		g->st.next_seq = g->from;
		buf_init(&g->st.scratch, CANON_MAX, 0);
	}
	for (i = 0; i < nt; i++) {
		wk[i].w = &w;
		wk[i].s = s;
		if (i > 0 && store_open_again(s, &wk[i].s) != ERR_OK) {
			wk[i].s = NULL;
			break; /* fewer threads, then */
		}
	}
	for (i = 1; i < nt && wk[i].s != NULL; i++)
		started[i] = pthread_create(&tid[i], NULL, work_thread, &wk[i]) == 0;
	work(&wk[0]); /* the caller works too, and finishes what is left */
	for (i = 1; i < nt; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	e = join_segments(w.seg, w.nseg, out);
	*cp_e = w.cp_e;
	for (i = 1; i < nt; i++)
		store_close(wk[i].s);
	for (i = 0; i < w.nseg; i++)
		buf_cleanup(&w.seg[i].st.scratch);
	free(w.seg);
	pthread_mutex_destroy(&w.lock);
	return e;
}

/* key_ok - the stored key key_id opens and is the pair its public key says
 * (so a swapped public key cannot make forged signatures check out). */
static enum err key_ok(struct verify_state *st, int64_t key_id, int *yes)
{
	struct vault_sign_key *k = NULL;
	size_t i;
	enum err e;

	for (i = 0; i < st->nkeys; i++)
		if (st->keys_ok[i] == key_id) {
			*yes = 1;
			return ERR_OK;
		}
	e = store_audit_key_open(st->s, st->v, key_id, &k);
	vault_sign_key_free(k);
	if (e == ERR_NOTFOUND || e == ERR_CRYPTO) {
		*yes = 0;
		return ERR_OK;
	}
	if (e != ERR_OK)
		return e;
	if (st->nkeys < KEYS_SEEN_MAX)
		st->keys_ok[st->nkeys++] = key_id;
	*yes = 1;
	return ERR_OK;
}

/* check_head - does the stored event c->seq exist and carry c->head? */
static enum err check_head(struct store *s, const struct audit_checkpoint *c,
                           struct audit_verify_result *r)
{
	unsigned char h[32];
	enum err e;

	if (c->seq > r->last_seq || c->seq < 1)
		return fault(r, c->seq < 1 ? AUDIT_FAULT_SIGNATURE : AUDIT_FAULT_TRUNCATED, c->seq);
	e = store_audit_hash_at(s, c->seq, h);
	if (e == ERR_NOTFOUND)
		return fault(r, AUDIT_FAULT_TRUNCATED, c->seq);
	if (e != ERR_OK)
		return e;
	if (!vault_memeq(h, c->head, 32))
		return fault(r, AUDIT_FAULT_HEAD, c->seq);
	return ERR_OK;
}

static int signature_ok(const struct audit_checkpoint *c)
{
	unsigned char msg[AUDIT_CHECKPOINT_MSGBYTES];

	audit_checkpoint_message(msg, c);
	return vault_sign_verify(c->signature, c->public_key, msg, sizeof msg) == ERR_OK;
}

static enum err verify_checkpoint(void *arg, const struct audit_checkpoint *c)
{
	struct verify_state *st = arg;
	int yes = 0;
	enum err e;

	e = key_ok(st, c->key_id, &yes);
	if (e != ERR_OK)
		return e;
	if (!yes || !signature_ok(c))
		return fault(st->r, AUDIT_FAULT_SIGNATURE, c->seq);
	e = check_head(st->s, c, st->r);
	if (e != ERR_OK)
		return e;
	st->r->checkpoints++;
	return ERR_OK;
}

enum err audit_verify_trail(struct store *s, const struct vault *v, struct audit_verify_result *out)
{
	struct vault_key *k = vault_key_new();
	struct audit_verify_result cpr;
	struct verify_state st;
	enum err e, cp_e = ERR_OK;

	memset(out, 0, sizeof *out);
	memset(&cpr, 0, sizeof cpr);
	if (k == NULL)
		return ERR_NOMEM;
	e = vault_subkey(v, VAULT_SUB_AUDIT, k);
	if (e != ERR_OK)
		goto out;
	memset(&st, 0, sizeof st);
	st.k = k;
	st.v = v;
	st.s = s;
	st.r = &cpr;
	/* The checkpoints are walked alongside the chain; their outcome
	 * counts only once the chain holds, as if walked after it. */
	e = verify_all(s, k, &st, out, &cp_e);
	if (e == ERR_OK && cpr.last_seq != out->last_seq)
		e = ERR_DB; /* cannot happen: the chain proved every seq to the last */
	if (e == ERR_OK) {
		out->checkpoints = cpr.checkpoints;
		if (cp_e == ERR_CRYPTO)
			fault(out, cpr.fault, cpr.fault_seq);
		e = cp_e;
	}
out:
	vault_key_free(k);
	return e;
}

enum err audit_verify_exported(struct store *s, const struct audit_checkpoint *c,
                               struct audit_verify_result *r)
{
	int64_t id = 0;
	enum err e;

	r->fault_exported = 1;
	if (!signature_ok(c))
		return fault(r, AUDIT_FAULT_SIGNATURE, c->seq);
	if (c->seq > r->last_seq)
		return fault(r, AUDIT_FAULT_TRUNCATED, c->seq);
	e = store_audit_key_find(s, c->public_key, &id);
	if (e == ERR_NOTFOUND)
		return fault(r, AUDIT_FAULT_KEY, c->seq);
	if (e != ERR_OK)
		return e;
	e = check_head(s, c, r);
	if (e != ERR_OK)
		return e;
	r->fault_exported = 0;
	r->exported++;
	return ERR_OK;
}

enum err audit_verify(struct store *s, const struct vault *v, uint64_t *count, int64_t *bad_seq)
{
	struct audit_verify_result r;
	enum err e = audit_verify_trail(s, v, &r);

	if (e == ERR_CRYPTO)
		*bad_seq = r.fault_seq;
	else if (e == ERR_OK)
		*count = r.events;
	return e;
}
