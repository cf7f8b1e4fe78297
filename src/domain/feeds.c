/*
 * feeds.c - calendar feeds (see feeds.h): tokens (random, kept hashed),
 * and the RFC 5545 text: CRLF line ends, lines folded at 75 octets
 * (never inside a UTF-8 character), UID, DTSTAMP, UTC times, escaped
 * TEXT values. Never: keeps a token, or shows a name the feed_label
 * setting does not ask for.
 */
#include "domain/feeds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "domain/identity.h"
#include "domain/erasure.h"
#include "store/remind.h"
#include "domain/schedule.h"

#define FOLD 75 /* octets per line, CRLF excluded (RFC 5545 3.1) */

/* owner_or_self - the row id of clinician; the actor must be them or the
 * owner (else ERR_NOTFOUND, as for an unknown user). */
static enum err owner_or_self(struct domain_ctx *ctx, const char *clinician, int64_t *id)
{
	struct user_auth u;
	enum err e;

	if (clinician == NULL)
		return ERR_NOTFOUND;
	e = store_user_auth_by_public(ctx->store, clinician, &u);
	if (e == ERR_OK && (strcmp(u.role, "clinician") != 0 && strcmp(u.role, "supervisor") != 0))
		e = ERR_NOTFOUND;
	if (e == ERR_OK && ctx->role != ROLE_OWNER && u.id != ctx->actor_id)
		e = ERR_NOTFOUND;
	if (e == ERR_OK)
		*id = u.id;
	mem_wipe(&u, sizeof u);
	return e;
}

static enum err finish(struct domain_ctx *ctx, enum err e)
{
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* token_hash - the hash kept for a token. */
static void token_hash(unsigned char out[32], const char *token)
{
	vault_hash(out, token, strlen(token));
}

enum err domain_feed_create(struct domain_ctx *ctx, const char *clinician,
                            char token[FEED_TOKEN_HEX + 1])
{
	unsigned char hash[32];
	char t[FEED_TOKEN_HEX + 1], detail[32];
	int64_t id = 0, n = 0;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = owner_or_self(ctx, clinician, &id);
	domain_random_hex(t, FEED_TOKEN_HEX / 2);
	token_hash(hash, t);
	if (e == ERR_OK)
		e = store_feed_revoke(ctx->store, id, ctx->now, &n);
	if (e == ERR_OK)
		e = store_feed_add(ctx->store, id, hash, ctx->now);
	snprintf(detail, sizeof detail, "made=1,revoked=%lld", (long long)n);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_FEED_SETUP, 0, "user", clinician, detail);
	e = finish(ctx, e);
	if (e == ERR_OK)
		memcpy(token, t, sizeof t);
	mem_wipe(t, sizeof t);
	return e;
}

enum err domain_feed_revoke(struct domain_ctx *ctx, const char *clinician)
{
	int64_t id = 0, n = 0;
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = owner_or_self(ctx, clinician, &id);
	if (e == ERR_OK)
		e = store_feed_revoke(ctx->store, id, ctx->now, &n);
	if (e == ERR_OK && n == 0) {
		ctx->message = "the clinician has no calendar feed";
		e = ERR_NOTFOUND;
	}
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_FEED_SETUP, 0, "user", clinician, "made=0,revoked=1");
	return finish(ctx, e);
}

enum err domain_feed_status(struct domain_ctx *ctx, const char *clinician, int *active,
                            int64_t *created_at)
{
	int64_t id = 0, at = 0;
	enum err e = store_begin_read(ctx->store);

	if (e != ERR_OK)
		return e;
	e = owner_or_self(ctx, clinician, &id);
	if (e == ERR_OK) {
		e = store_feed_active(ctx->store, id, &at);
		*active = e == ERR_OK;
		*created_at = e == ERR_OK ? at : 0;
		if (e == ERR_NOTFOUND)
			e = ERR_OK;
	}
	store_end_read(ctx->store);
	return e;
}

/* ---- RFC 5545 text ------------------------------------------------------- */

/* line - one content line, folded: at most 75 octets a line, a break never
 * inside a UTF-8 sequence; continuation lines start with a space. */
static enum err line(struct buf *b, const char *s)
{
	size_t len = strlen(s), at = 0, room = FOLD, k;
	enum err e = ERR_OK;

	while (e == ERR_OK && len - at > room) {
		k = room;
		while (k > 0 && ((unsigned char)s[at + k] & 0xC0) == 0x80)
			k--; /* s[at + k] would start the next line: keep characters whole */
		e = buf_append(b, s + at, k);
		if (e == ERR_OK)
			e = buf_append(b, "\r\n ", 3);
		at += k;
		room = FOLD - 1;
	}
	if (e == ERR_OK)
		e = buf_append(b, s + at, len - at);
	if (e == ERR_OK)
		e = buf_append(b, "\r\n", 2);
	return e;
}

/* text - escape s as an RFC 5545 TEXT value into out (size bytes). */
static void text(const char *s, char *out, size_t size)
{
	size_t k = 0;

	for (; *s && k + 3 < size; s++) {
		if (*s == '\\' || *s == ';' || *s == ',') {
			out[k++] = '\\';
			out[k++] = *s;
		} else if (*s == '\n') {
			out[k++] = '\\';
			out[k++] = 'n';
		} else if ((unsigned char)*s >= 0x20) {
			out[k++] = *s;
		}
	}
	out[k] = '\0';
}

/* utc - t as YYYYMMDDTHHMMSSZ. */
static void utc(int64_t t, char out[17])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* utf8_len - bytes of the UTF-8 character starting at s (1 if invalid). */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, i;

	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

/* label - how the event names its client, by the feed_label setting. */
static enum err label(struct domain_ctx *ctx, int how, const struct appt *a, char *out, size_t size)
{
	char *name = NULL;
	size_t k = 0, n;
	const char *p;
	enum err e;

	if (a->kind == 3) {
		snprintf(out, size, "Group appointment");
		return ERR_OK;
	}
	{ /* a restricted record (GDPR Art. 18) is not named, not even by id */
		int restricted = 0;

		e = domain_restricted(ctx, a->client_id, &restricted);
		if (e != ERR_OK || restricted) {
			snprintf(out, size, "Appointment");
			return e;
		}
	}
	if (how == 0) {
		snprintf(out, size, "Appointment C-%.8s", a->client_public_id);
		return ERR_OK;
	}
	e = store_client_name(ctx->store, ctx->vault, a->client_id, &name);
	if (e != ERR_OK)
		return e;
	k = (size_t)snprintf(out, size, "Appointment ");
	for (p = name; *p && k + 6 < size;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n = utf8_len(p);
		if (how == 2) { /* the first word */
			while (*p && *p != ' ' && k + n + 1 < size) {
				memcpy(out + k, p, n);
				k += n;
				p += n;
				n = utf8_len(p);
			}
			break;
		}
		memcpy(out + k, p, n); /* initials: each word's first character */
		k += n;
		out[k++] = '.';
		while (*p && *p != ' ')
			p++;
	}
	out[k] = '\0';
	mem_free_wiped_str(name);
	return ERR_OK;
}

/* event - one VEVENT for a. */
static enum err event(struct domain_ctx *ctx, struct buf *b, int how, const struct appt *a,
                      const char *stamp)
{
	char l[512], lab[160], esc[400], s[17], t[17];
	enum err e = label(ctx, how, a, lab, sizeof lab);

	if (e != ERR_OK)
		return e;
	utc(a->starts_at, s);
	utc(a->ends_at, t);
	e = line(b, "BEGIN:VEVENT");
	snprintf(l, sizeof l, "UID:%s@confidant", a->public_id);
	if (e == ERR_OK)
		e = line(b, l);
	snprintf(l, sizeof l, "DTSTAMP:%s", stamp);
	if (e == ERR_OK)
		e = line(b, l);
	snprintf(l, sizeof l, "DTSTART:%s", s);
	if (e == ERR_OK)
		e = line(b, l);
	snprintf(l, sizeof l, "DTEND:%s", t);
	if (e == ERR_OK)
		e = line(b, l);
	text(lab, esc, sizeof esc);
	snprintf(l, sizeof l, "SUMMARY:%s", esc);
	mem_wipe(lab, sizeof lab);
	if (e == ERR_OK)
		e = line(b, l);
	text(a->telehealth ? "Video session" : a->room_name, esc, sizeof esc);
	snprintf(l, sizeof l, "LOCATION:%s", esc);
	if (e == ERR_OK && (a->telehealth || a->room_name[0]))
		e = line(b, l);
	snprintf(l, sizeof l, "STATUS:%s", a->status == APPT_CONFIRMED ? "CONFIRMED" : "TENTATIVE");
	if (e == ERR_OK)
		e = line(b, l);
	snprintf(l, sizeof l, "SEQUENCE:%lld", (long long)(a->version > 0 ? a->version - 1 : 0));
	if (e == ERR_OK)
		e = line(b, l);
	if (e == ERR_OK)
		e = line(b, "DESCRIPTION:Open this appointment in Confidant for its details. This "
		            "feed shows times only and no clinical information.");
	if (e == ERR_OK)
		e = line(b, "END:VEVENT");
	mem_wipe(l, sizeof l);
	mem_wipe(esc, sizeof esc);
	return e;
}

enum err domain_feed_render(struct domain_ctx *ctx, const char *token, char who[33],
                            struct buf *out)
{
	struct sched_query q;
	struct user_auth u;
	struct appt *rows;
	unsigned char hash[32];
	char stamp[17], detail[48];
	int64_t user_id = 0;
	size_t n = 0, i;
	int how;
	enum err e;

	if (token == NULL || strlen(token) != FEED_TOKEN_HEX)
		return ERR_NOTFOUND;
	token_hash(hash, token);
	e = store_begin_read(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_feed_find(ctx->store, hash, &user_id);
	if (e == ERR_OK)
		e = store_user_auth_by_id(ctx->store, user_id, &u);
	store_end_read(ctx->store);
	if (e == ERR_OK && u.disabled)
		e = ERR_NOTFOUND;
	if (e != ERR_OK) {
		mem_wipe(&u, sizeof u);
		return e;
	}
	/* the feed acts as its clinician, and only reads their own calendar */
	ctx->actor_id = u.id;
	ctx->purpose = "treatment";
	memcpy(who, u.public_id, 33);
	ctx->actor = who;
	ctx->role_name = "feed";
	mem_wipe(&u, sizeof u);
	rows = mem_calloc_array(FEED_EVENTS_MAX, sizeof *rows);
	if (rows == NULL)
		return ERR_NOMEM;
	memset(&q, 0, sizeof q);
	q.clinician_id = user_id;
	q.status_mask = (1u << APPT_SCHEDULED) | (1u << APPT_CONFIRMED) | (1u << APPT_ARRIVED) |
	                (1u << APPT_COMPLETED) | (1u << APPT_NO_SHOW);
	q.from = ctx->now - (int64_t)FEED_PAST_DAYS * 86400;
	q.to = ctx->now + (int64_t)FEED_FUTURE_DAYS * 86400;
	e = domain_sched_materialise(ctx, q.to);
	if (e == ERR_OK)
		e = store_begin(ctx->store);
	if (e != ERR_OK) {
		free(rows);
		return e;
	}
	how = (int)domain_setting_int(ctx, "feed_label", 0);
	e = store_sched_view(ctx->store, &q, rows, FEED_EVENTS_MAX, &n);
	utc(ctx->now, stamp);
	if (e == ERR_OK)
		e = line(out, "BEGIN:VCALENDAR");
	if (e == ERR_OK)
		e = line(out, "VERSION:2.0");
	if (e == ERR_OK)
		e = line(out, "PRODID:-//Confidant//Calendar feed//EN");
	if (e == ERR_OK)
		e = line(out, "CALSCALE:GREGORIAN");
	if (e == ERR_OK)
		e = line(out, "METHOD:PUBLISH");
	if (e == ERR_OK)
		e = line(out, "X-WR-CALNAME:Confidant");
	for (i = 0; e == ERR_OK && i < n; i++)
		e = event(ctx, out, how, &rows[i], stamp);
	if (e == ERR_OK)
		e = line(out, "END:VCALENDAR");
	for (i = 0; i < n; i++)
		appt_cleanup(&rows[i]);
	free(rows);
	snprintf(detail, sizeof detail, "events=%zu,label=%d", n, how);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_FEED_READ, 0, "user", ctx->actor, detail);
	return finish(ctx, e);
}
