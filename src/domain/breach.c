/*
 * breach.c - breach records, deadlines and notification letters (see
 * domain/breach.h). A letter states what HIPAA 164.404(c)(1) and GDPR
 * 34(2) (by reference to 33(3)(b)-(d)) ask for: what happened with the
 * dates of the breach and of its discovery, the kinds of information
 * involved, the steps the person should take, what the practice is doing,
 * the likely consequences, and how to contact the practice. Never: logs or
 * audits a letter's content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/audit_report.h"
#include "domain/breach.h"
#include "domain/dates.h"

#define DAY 86400

void domain_breach_deadlines(const struct breach *b, struct breach_deadlines *out)
{
	struct tm tm;
	time_t t = (time_t)b->discovered_at;

	memset(out, 0, sizeof *out);
	out->individuals = b->discovered_at + 60 * DAY;
	out->authority = b->discovered_at + 72 * 3600;
	if (b->affected >= BREACH_HHS_THRESHOLD) {
		out->hhs = out->individuals;
		out->media = out->individuals;
	} else if (gmtime_r(&t, &tm) != NULL) {
		/* 60 days after the end of the calendar year of discovery. */
		memset(&tm, 0, sizeof tm);
		gmtime_r(&t, &tm);
		tm.tm_year += 1;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		out->hhs = (int64_t)timegm(&tm) + 60 * DAY;
	}
}

static int may(const struct domain_ctx *ctx)
{
	return ctx->role == ROLE_OWNER || ctx->role == ROLE_AUDITOR ||
	       (ctx->role == 0 && ctx->actor_id == 0);
}

/* filter_of - the audit filter a breach stores. */
static void filter_of(const struct breach *b, struct audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->actor = b->actor[0] ? b->actor : NULL;
	f->session = b->session[0] ? b->session : NULL;
	f->source = b->source[0] ? b->source : NULL;
	f->from = b->window_from;
	f->to = b->window_to;
}

/* text_ok - required text of at most max-1 bytes, clean of control
 * characters but line breaks. */
static int text_ok(struct domain_ctx *ctx, const char *s, size_t max, const char *message)
{
	if (s[0] == '\0' || strlen(s) >= max || !domain_text_clean(s, 1)) {
		ctx->message = message;
		return 0;
	}
	return 1;
}

/* Collected touches: client public ids and their counts and times. */
struct touched {
	struct audit_touch *v; /* entries (heap) */
	size_t n;              /* how many */
	size_t cap;            /* allocated */
};

static enum err add(void *arg, const struct audit_touch *t)
{
	struct touched *tt = arg;

	if (t->client[0] == '\0')
		return ERR_OK; /* no one client, or one erased since */
	if (tt->n == tt->cap) {
		size_t cap = tt->cap ? tt->cap * 2 : 64;
		struct audit_touch *p;

		if (cap > AUDIT_REPORT_CLIENTS_MAX)
			return ERR_TOOBIG;
		p = reallocarray(tt->v, cap, sizeof *p);
		if (p == NULL)
			return ERR_NOMEM;
		tt->v = p;
		tt->cap = cap;
	}
	tt->v[tt->n++] = *t;
	return ERR_OK;
}

enum err domain_breach_record(struct domain_ctx *ctx, struct breach *b)
{
	struct audit_filter f;
	struct touched tt = {NULL, 0, 0};
	char detail[48];
	int64_t user = ctx->actor_id;
	enum err e;

	if (!may(ctx)) {
		domain_audit_refusal(ctx, AUDIT_BREACH_RECORD, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	if (b->discovered_at <= 0 || b->discovered_at > ctx->now + DAY) {
		ctx->message = "discovered_at is required and must not be in the future";
		return ERR_INVAL;
	}
	if (!text_ok(ctx, b->description, sizeof b->description,
	             "description is required: what happened, at most 2000 characters") ||
	    !text_ok(ctx, b->info_types, sizeof b->info_types,
	             "info_types is required: the kinds of information involved") ||
	    !text_ok(ctx, b->steps, sizeof b->steps,
	             "steps is required: what individuals should do to protect themselves") ||
	    !text_ok(ctx, b->actions, sizeof b->actions,
	             "actions is required: what the practice is doing about it") ||
	    !text_ok(ctx, b->contact, sizeof b->contact,
	             "contact is required: how to reach the practice") ||
	    !text_ok(ctx, b->consequences, sizeof b->consequences,
	             "consequences is required: the likely consequences of the breach"))
		return ERR_INVAL;
	filter_of(b, &f);
	if (f.actor == NULL && f.session == NULL && f.source == NULL) {
		ctx->message = "give an actor, a session or a source address";
		return ERR_INVAL;
	}
	if (!audit_id_ok(f.actor) || !audit_id_ok(f.session) || !audit_id_ok(f.source) ||
	    f.from < 0 || f.to < 0 || (f.to > 0 && f.from > f.to)) {
		ctx->message = "actor, session and source must be ids or addresses, from before to";
		return ERR_INVAL;
	}
	if (user <= 0)
		return ERR_DENIED; /* a breach is recorded by a person */
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_audit_touched(ctx->store, &f, add, &tt);
	b->affected = (int64_t)tt.n;
	b->created_at = ctx->now;
	ctx->purpose = "legal-obligation";
	if (e == ERR_OK)
		e = store_breach_insert(ctx->store, b, user);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "clients=%lld", (long long)b->affected);
		e = domain_emit(ctx, AUDIT_BREACH_RECORD, 0, "breach", b->public_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	free(tt.v);
	return e;
}

enum err domain_breach_list(struct domain_ctx *ctx, struct breach *out, size_t max, size_t *n)
{
	char detail[32];
	enum err e;

	if (!may(ctx)) {
		domain_audit_refusal(ctx, AUDIT_BREACH_READ, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_breach_list(ctx->store, out, max, n);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", *n);
		e = domain_emit(ctx, AUDIT_BREACH_READ, 0, "breach", "", detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

/* ---- letters ------------------------------------------------------------- */

/* put - s as is, or HTML-escaped when html. */
static enum err put(struct buf *out, int html, const char *s)
{
	enum err e = ERR_OK;

	if (!html)
		return buf_puts(out, s);
	for (; e == ERR_OK && *s; s++) {
		switch (*s) {
		case '&': e = buf_puts(out, "&amp;"); break;
		case '<': e = buf_puts(out, "&lt;"); break;
		case '>': e = buf_puts(out, "&gt;"); break;
		case '"': e = buf_puts(out, "&quot;"); break;
		case '\'': e = buf_puts(out, "&#39;"); break;
		case '\n': e = buf_puts(out, "<br>\n"); break;
		default: e = buf_append(out, s, 1);
		}
	}
	return e;
}

/* section - a heading and its text. */
static enum err section(struct buf *out, int html, const char *title, const char *text)
{
	enum err e = buf_puts(out, html ? "<h2>" : "\n");

	if (e == ERR_OK)
		e = put(out, html, title);
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</h2>\n<p>" : "\n");
	if (e == ERR_OK)
		e = put(out, html, text);
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</p>\n" : "\n");
	return e;
}

static void day(int64_t t, char out[11])
{
	domain_date_today(t, out);
}

/* letter - one client's letter. */
static enum err letter(struct buf *out, int html, const struct domain_ctx *ctx,
                       const struct breach *b, const struct client *c, const struct audit_touch *t)
{
	const char *name = c->legal_name ? c->legal_name : "";
	const char *addr = c->alt_address && c->alt_address[0] ? c->alt_address
	                   : c->address                        ? c->address
	                                                       : "";
	char today[11], found[11], from[11], to[11], first[11], last[11], when[256], seen[256];
	enum err e;

	day(ctx->now, today);
	day(b->discovered_at, found);
	day(b->window_from ? b->window_from : t->first, from);
	day(b->window_to ? b->window_to : t->last, to);
	day(t->first, first);
	day(t->last, last);
	snprintf(when, sizeof when,
	         "The breach took place between %s and %s. We discovered it on %s.", from, to,
	         found);
	snprintf(seen, sizeof seen,
	         "Our audit trail shows %lld access(es) to your record in that period, "
	         "between %s and %s.",
	         (long long)t->events, first, last);
	e = buf_puts(out, html ? "<section class=\"letter\">\n<p>" : "");
	if (e == ERR_OK)
		e = put(out, html, today);
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</p>\n<address>" : "\n\n");
	if (e == ERR_OK)
		e = put(out, html, name);
	if (e == ERR_OK)
		e = buf_puts(out, html ? "<br>\n" : "\n");
	if (e == ERR_OK)
		e = put(out, html, addr);
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</address>\n<h1>" : "\n\n");
	if (e == ERR_OK)
		e = put(out, html, "Notice of a breach of your health information");
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</h1>\n<p>" : "\n\nDear ");
	if (e == ERR_OK && html)
		e = buf_puts(out, "Dear ");
	if (e == ERR_OK)
		e = put(out, html, name);
	if (e == ERR_OK)
		e = put(out, html,
		        ",\n\nWe are writing to tell you about an incident that involved "
		        "information about you that our practice holds.");
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</p>\n" : "\n");
	if (e == ERR_OK)
		e = section(out, html, "What happened", b->description);
	if (e == ERR_OK)
		e = section(out, html, "When", when);
	if (e == ERR_OK)
		e = section(out, html, "Your record", seen);
	if (e == ERR_OK)
		e = section(out, html, "What information was involved", b->info_types);
	if (e == ERR_OK)
		e = section(out, html, "Likely consequences", b->consequences);
	if (e == ERR_OK)
		e = section(out, html, "What you can do", b->steps);
	if (e == ERR_OK)
		e = section(out, html, "What we are doing", b->actions);
	if (e == ERR_OK)
		e = section(out, html, "How to contact us", b->contact);
	if (e == ERR_OK)
		e = buf_puts(out, html ? "</section>\n" : "\f\n");
	return e;
}

enum err domain_breach_letters(struct domain_ctx *ctx, const char *public_id, int html,
                               struct buf *out, size_t *letters, size_t *erased)
{
	struct breach *b = calloc(1, sizeof *b);
	struct touched tt = {NULL, 0, 0};
	struct audit_filter f;
	char detail[48];
	size_t i, made = 0, gone = 0;
	enum err e;

	if (b == NULL)
		return ERR_NOMEM;
	if (!may(ctx)) {
		free(b);
		domain_audit_refusal(ctx, AUDIT_BREACH_LETTER, 0, ERR_DENIED);
		return ERR_DENIED;
	}
	e = store_begin(ctx->store);
	if (e == ERR_OK)
		e = store_breach_get(ctx->store, public_id, b);
	if (e == ERR_OK) {
		filter_of(b, &f);
		e = store_audit_touched(ctx->store, &f, add, &tt);
	}
	ctx->purpose = "legal-obligation";
	if (e == ERR_OK && html)
		e = buf_puts(out,
		             "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		             "<title>Breach notification letters</title><style>"
		             "section.letter{page-break-after:always;max-width:40em}"
		             "</style></head><body>\n");
	for (i = 0; e == ERR_OK && i < tt.n; i++) {
		struct client c;
		int64_t id = 0;

		e = store_client_id_of(ctx->store, tt.v[i].client, &id);
		if (e == ERR_NOTFOUND) {
			gone++;
			e = ERR_OK;
			continue;
		}
		if (e == ERR_OK)
			e = store_client_get(ctx->store, ctx->vault, tt.v[i].client, &c);
		if (e != ERR_OK)
			break;
		e = letter(out, html, ctx, b, &c, &tt.v[i]);
		client_cleanup(&c);
		if (e == ERR_OK)
			e = domain_emit(ctx, AUDIT_BREACH_LETTER, id, "breach", b->public_id,
			                html ? "format=html" : "format=text");
		made++;
	}
	if (e == ERR_OK && html)
		e = buf_puts(out, "</body></html>\n");
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "letters=%zu,erased=%zu", made, gone);
		e = domain_emit(ctx, AUDIT_BREACH_READ, 0, "breach", b->public_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		buf_reset(out);
	} else {
		*letters = made;
		*erased = gone;
	}
	free(tt.v);
	free(b);
	return e;
}
