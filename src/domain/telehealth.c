/*
 * telehealth.c - video sessions: membership, the consent gate, rooms,
 * the waiting room, join tokens and TURN credentials (rules in
 * telehealth.h). Never: writes a token, a secret or a name into an event,
 * a message or the database (tokens are stored as their hash); opens a
 * room or hands out a token when the gate refused.
 */
#include "domain/telehealth.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "domain/consent.h"
#include "domain/identity.h"
#include "domain/settings.h"
#include "store/remind.h"
#include "store/schedule.h"

/* Who is in an appointment, and who the actor is in it. */
struct members {
	int64_t clients[STORE_APPT_MEMBERS]; /* first client first */
	size_t nclients;                     /* how many */
	int host;                            /* the actor is its clinician or a co-facilitator */
	int guest;                           /* the actor is one of its clients */
};

/* members_of - the clients of appointment a and the actor's place in it. */
static enum err members_of(struct domain_ctx *ctx, const struct appt *a, struct members *m)
{
	struct appt_member am[2 * STORE_APPT_MEMBERS];
	size_t n = 0, i;
	enum err e;

	memset(m, 0, sizeof *m);
	m->clients[m->nclients++] = a->client_id;
	e = store_appt_members(ctx->store, a->id, am, 2 * STORE_APPT_MEMBERS, &n);
	for (i = 0; e == ERR_OK && i < n; i++) {
		if (am[i].role == APPT_MEMBER_CLIENT && m->nclients < STORE_APPT_MEMBERS)
			m->clients[m->nclients++] = am[i].member_id;
		else if (am[i].role == APPT_MEMBER_STAFF && am[i].member_id == ctx->actor_id)
			m->host = 1;
	}
	if (ctx->actor_id != 0 && a->clinician_id == ctx->actor_id)
		m->host = 1;
	if (ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR)
		m->host = 0; /* only treating staff host */
	for (i = 0; ctx->role == ROLE_CLIENT && ctx->client_self != 0 && i < m->nclients; i++)
		if (m->clients[i] == ctx->client_self)
			m->guest = 1;
	return e;
}

/* refuse - audit a refusal under ev and answer 404 (the transaction is
 * rolled back by the refusal). */
static enum err refuse(struct domain_ctx *ctx, enum audit_event ev, int64_t client_id)
{
	domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

/* conflict - roll back and answer 409 with message. */
static enum err conflict(struct domain_ctx *ctx, const char *message)
{
	store_rollback(ctx->store);
	ctx->message = message;
	return ERR_CONFLICT;
}

/* room_in_reach - begin, load room and its appointment, check the actor
 * is in it (and a host when need_host); refusals audited as ev, 404. */
static enum err room_in_reach(struct domain_ctx *ctx, const char *room, int need_host,
                              enum audit_event ev, struct th_room *r, struct appt *a,
                              struct members *m)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_th_room_get(ctx->store, room, r);
	if (e == ERR_OK)
		e = store_appt_get_id(ctx->store, r->appointment_id, a);
	if (e == ERR_OK)
		e = members_of(ctx, a, m);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (!(m->host || (!need_host && m->guest)))
		return refuse(ctx, ev, a->client_id);
	ctx->purpose = "treatment";
	return ERR_OK;
}

/* restricted - ERR_RESTRICT (audited, rolled back) if any client's record
 * is restricted: a video session is processing, not storage. */
static enum err restricted(struct domain_ctx *ctx, const struct members *m)
{
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; e == ERR_OK && i < m->nclients; i++)
		e = domain_restriction_check(ctx, m->clients[i], 2);
	return e;
}

/* ---- TURN ----------------------------------------------------------------- */

/* turn_urls - split the turn_urls setting into ice->urls (turn: and
 * turns: URIs only; anything else is skipped). */
static void turn_urls(struct domain_ctx *ctx, struct th_ice *ice)
{
	char list[512], *p, *q;
	size_t len;

	domain_text_setting(ctx, "turn_urls", list, sizeof list);
	for (p = list; *p != '\0' && ice->nurls < TH_TURN_URLS_MAX; p = q) {
		while (*p == ' ' || *p == ',')
			p++;
		for (q = p; *q != '\0' && *q != ','; q++)
			;
		len = (size_t)(q - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0 && len < TH_TURN_URL_MAX &&
		    (strncmp(p, "turn:", 5) == 0 || strncmp(p, "turns:", 6) == 0)) {
			memcpy(ice->urls[ice->nurls], p, len);
			ice->urls[ice->nurls++][len] = '\0';
		}
	}
}

/* turn_mint - a relay credential when both the URIs and the shared secret
 * are configured; otherwise ice stays empty. */
static enum err turn_mint(struct domain_ctx *ctx, struct th_ice *ice)
{
	char *secret = NULL;
	int64_t ttl;
	enum err e;

	memset(ice, 0, sizeof *ice);
	turn_urls(ctx, ice);
	if (ice->nurls == 0)
		return ERR_OK;
	e = store_secret_get(ctx->store, ctx->vault, "turn_secret", &secret);
	if (e == ERR_NOTFOUND) {
		memset(ice, 0, sizeof *ice);
		return ERR_OK;
	}
	if (e != ERR_OK)
		return e;
	ttl = domain_setting_int(ctx, "turn_ttl_seconds", TURN_TTL_MAX);
	if (ttl < 60 || ttl > TURN_TTL_MAX)
		ttl = TURN_TTL_MAX;
	ice->expires_at = ctx->now + ttl;
	e = auth_turn_credential(secret, ctx->now, ice->expires_at, ice->username, ice->credential);
	mem_free_wiped_str(secret);
	if (e != ERR_OK)
		memset(ice, 0, sizeof *ice);
	return e;
}

/* ---- join ------------------------------------------------------------------ */

/* gate_emit_commit - for every client: the consent gate, then event ev on
 * object type/id (the gate remembers one client at a time, so each event
 * follows its own pass); then the commit. A refusal (audited by the gate)
 * or any failure rolls everything back. */
static enum err gate_emit_commit(struct domain_ctx *ctx, const struct members *m,
                                 enum audit_event ev, const char *type, const char *id,
                                 const char *detail)
{
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; e == ERR_OK && i < m->nclients; i++) {
		e = domain_consent_require(ctx, m->clients[i], CONSENT_TELEHEALTH, NULL, ev, NULL);
		if (e == ERR_OK)
			e = domain_emit(ctx, ev, m->clients[i], type, id, detail);
	}
	if (e == ERR_CONSENT || e == ERR_RESTRICT)
		return e; /* refused, audited and rolled back by the gate */
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_telehealth_join(struct domain_ctx *ctx, const char *appt_public_id,
                                struct th_join *out)
{
	struct th_participant p;
	struct th_room r;
	struct members m;
	struct appt a;
	unsigned char hash[AUTH_HASH_BYTES];
	char detail[64];
	enum err e;

	memset(out, 0, sizeof *out);
	memset(&a, 0, sizeof a);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_appt_get(ctx->store, ctx->vault, appt_public_id, 0, &a);
	if (e == ERR_OK)
		e = members_of(ctx, &a, &m);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		goto out;
	}
	if (!m.host && !m.guest) {
		e = refuse(ctx, AUDIT_TELEHEALTH_JOIN, a.client_id);
		goto out;
	}
	ctx->purpose = "treatment";
	/* a restricted record is not processed at all, whatever the appointment */
	e = restricted(ctx, &m);
	if (e != ERR_OK)
		goto out;
	if (!a.telehealth) {
		e = conflict(ctx, "the appointment is not a telehealth appointment");
		goto out;
	}
	if (APPT_FREES_TIME(a.status) || a.status == APPT_NO_SHOW) {
		e = conflict(ctx, "the appointment was cancelled");
		goto out;
	}
	if (ctx->now >= a.ends_at + TH_GRACE_SECONDS) {
		e = conflict(ctx, "the appointment has ended");
		goto out;
	}
	e = store_th_room_open_of(ctx->store, a.id, &r);
	if (e == ERR_NOTFOUND) {
		memset(&r, 0, sizeof r);
		r.appointment_id = a.id;
		r.opened_by = ctx->actor_id;
		r.opened_at = ctx->now;
		r.expires_at = a.ends_at + TH_GRACE_SECONDS;
		e = store_th_room_add(ctx->store, &r);
	}
	if (e == ERR_OK) {
		memset(&p, 0, sizeof p);
		p.room_id = r.id;
		p.user_id = ctx->actor_id;
		p.client_id = m.guest ? ctx->client_self : 0;
		p.host = m.host;
		p.token_expires_at = r.expires_at;
		p.joined_at = ctx->now;
		auth_token_new(out->token);
		auth_token_hash(out->token, AUTH_TOKEN_CHARS, hash);
		e = store_th_join(ctx->store, &p, hash, m.host);
		mem_wipe(hash, sizeof hash);
	}
	if (e == ERR_OK)
		e = turn_mint(ctx, &out->ice);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "room=%s,host=%d", r.public_id, m.host);
		e = gate_emit_commit(ctx, &m, AUDIT_TELEHEALTH_JOIN, "appointment", a.public_id,
		                     detail);
	} else {
		store_rollback(ctx->store);
	}
	if (e != ERR_OK)
		goto out;
	memcpy(out->room, r.public_id, sizeof out->room);
	memcpy(out->appointment, a.public_id, sizeof out->appointment);
	memcpy(out->participant, p.public_id, sizeof out->participant);
	out->token_expires_at = p.token_expires_at;
	out->host = m.host;
	out->admitted = p.admitted_at != 0;
out:
	if (e != ERR_OK)
		mem_wipe(out, sizeof *out);
	appt_cleanup(&a);
	return e;
}

/* ---- the room --------------------------------------------------------------- */

enum err domain_telehealth_get(struct domain_ctx *ctx, const char *room, struct th_state *out)
{
	struct members m;
	struct appt a;
	size_t i, k;
	enum err e;

	memset(out, 0, sizeof *out);
	memset(&a, 0, sizeof a);
	e = room_in_reach(ctx, room, 0, AUDIT_TELEHEALTH_READ, &out->room, &a, &m);
	if (e != ERR_OK)
		goto out;
	out->host = m.host;
	memcpy(out->appointment, a.public_id, sizeof out->appointment);
	e = store_th_participants(ctx->store, out->room.id, out->p, STORE_TH_PARTICIPANTS_MAX,
	                          &out->n);
	if (e == ERR_OK && !m.host) { /* a guest sees only themself */
		for (i = k = 0; i < out->n; i++)
			if (out->p[i].user_id == ctx->actor_id)
				out->p[k++] = out->p[i];
		out->n = k;
	}
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_TELEHEALTH_READ,
		                m.guest ? ctx->client_self : a.client_id, "telehealth_room",
		                out->room.public_id, "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
out:
	if (e != ERR_OK)
		memset(out, 0, sizeof *out);
	appt_cleanup(&a);
	return e;
}

enum err domain_telehealth_admit(struct domain_ctx *ctx, const char *room, const char *participant,
                                 struct th_participant *out)
{
	struct th_participant p;
	struct th_room r;
	struct members m;
	struct appt a;
	enum err e;

	memset(&a, 0, sizeof a);
	e = room_in_reach(ctx, room, 1, AUDIT_TELEHEALTH_ADMIT, &r, &a, &m);
	if (e != ERR_OK)
		goto out;
	if (r.ended_at != 0) {
		e = conflict(ctx, "the session has ended");
		goto out;
	}
	e = store_th_admit(ctx->store, r.id, participant, ctx->now, &p);
	if (e == ERR_NOTFOUND) {
		store_rollback(ctx->store);
		ctx->message = "participant is not waiting in this room";
		goto out;
	}
	if (e == ERR_OK && p.client_id != 0) {
		e = domain_consent_require(ctx, p.client_id, CONSENT_TELEHEALTH, NULL,
		                           AUDIT_TELEHEALTH_ADMIT, NULL);
		if (e != ERR_OK)
			goto out; /* refused and rolled back by the gate */
	}
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_TELEHEALTH_ADMIT,
		                p.client_id ? p.client_id : a.client_id, "telehealth_participant",
		                p.public_id, "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	else
		*out = p;
out:
	appt_cleanup(&a);
	return e;
}

enum err domain_telehealth_end(struct domain_ctx *ctx, const char *room)
{
	struct th_room r;
	struct members m;
	struct appt a;
	enum err e;

	memset(&a, 0, sizeof a);
	e = room_in_reach(ctx, room, 1, AUDIT_TELEHEALTH_END, &r, &a, &m);
	if (e != ERR_OK)
		goto out;
	if (r.ended_at != 0) {
		e = conflict(ctx, "the session has already ended");
		goto out;
	}
	e = store_th_room_end(ctx->store, r.id, ctx->actor_id, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_TELEHEALTH_END, a.client_id, "telehealth_room",
		                r.public_id, "");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
out:
	appt_cleanup(&a);
	return e;
}

/* ---- signaling ------------------------------------------------------------- */

enum err domain_telehealth_signal(struct domain_ctx *ctx, const char *token, size_t len,
                                  struct th_signal *out)
{
	unsigned char hash[AUTH_HASH_BYTES];
	struct th_participant p;
	struct th_room r;
	struct members m;
	struct appt a;
	char detail[64];
	enum err e;

	memset(out, 0, sizeof *out);
	memset(&a, 0, sizeof a);
	if (token == NULL || len != AUTH_TOKEN_CHARS) {
		domain_audit_refusal(ctx, AUDIT_TELEHEALTH_SIGNAL, 0, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	auth_token_hash(token, len, hash);
	e = store_begin(ctx->store);
	if (e != ERR_OK) {
		mem_wipe(hash, sizeof hash);
		return e;
	}
	e = store_th_token_find(ctx->store, hash, ctx->now, &p);
	mem_wipe(hash, sizeof hash);
	if (e == ERR_OK && p.user_id != ctx->actor_id)
		e = ERR_NOTFOUND; /* someone else's token: as if it did not exist */
	if (e == ERR_NOTFOUND) {
		store_rollback(ctx->store);
		domain_audit_refusal(ctx, AUDIT_TELEHEALTH_SIGNAL, 0, ERR_DENIED);
		goto out;
	}
	if (e == ERR_OK)
		e = store_th_room_get(ctx->store, p.room_public_id, &r);
	if (e == ERR_OK)
		e = store_appt_get_id(ctx->store, r.appointment_id, &a);
	if (e == ERR_OK)
		e = members_of(ctx, &a, &m);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		goto out;
	}
	if (r.ended_at != 0 || !(m.host || m.guest)) {
		e = refuse(ctx, AUDIT_TELEHEALTH_SIGNAL, a.client_id);
		goto out;
	}
	ctx->purpose = "treatment";
	e = restricted(ctx, &m);
	if (e != ERR_OK)
		goto out;
	snprintf(detail, sizeof detail, "room=%s,host=%d,admitted=%d", r.public_id, m.host,
	         p.admitted_at != 0);
	e = gate_emit_commit(ctx, &m, AUDIT_TELEHEALTH_SIGNAL, "telehealth_participant",
	                     p.public_id, detail);
	if (e != ERR_OK)
		goto out;
	memcpy(out->room, r.public_id, sizeof out->room);
	memcpy(out->participant, p.public_id, sizeof out->participant);
	out->host = m.host;
	out->admitted = p.admitted_at != 0;
	memcpy(out->clients, m.clients, sizeof out->clients);
	out->nclients = m.nclients;
out:
	if (e != ERR_OK)
		memset(out, 0, sizeof *out);
	appt_cleanup(&a);
	return e;
}

enum err domain_telehealth_consent_client(struct domain_ctx *ctx, const char *consent_id,
                                          int64_t *client_id, int *telehealth)
{
	struct consent c;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_consent_get(ctx->store, ctx->vault, consent_id, 0, &c);
	store_rollback(ctx->store);
	if (e != ERR_OK)
		return e;
	*client_id = c.client_id;
	*telehealth = strcmp(c.purpose, domain_consent_purpose_name(CONSENT_TELEHEALTH)) == 0;
	consent_cleanup(&c);
	return ERR_OK;
}
