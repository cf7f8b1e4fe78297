/*
 * reminders.c - appointment reminders without PHI (see reminders.h for the
 * rules): the gate, the contact route, the message, the claim, the send
 * and the record of each attempt. Never: puts a name, a service, the
 * practice's name (unless opted in), an address or a number anywhere but
 * the message handed to the transport.
 */
#include "domain/reminders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "domain/chart.h"
#include "domain/consent.h"
#include "domain/dates.h"
#include "domain/erasure.h"
#include "domain/identity.h"
#include "domain/recur.h"
#include "domain/settings.h"
#include "store/schedule.h"

/* The practice's reminder configuration; secrets on the heap, wiped. */
struct config {
	char smtp_host[256];     /* smtp_host */
	char smtp_from[256];     /* smtp_from */
	char smtp_username[256]; /* smtp_username */
	char sms_url[512];       /* sms_gateway_url */
	char link[320];          /* reminder_link */
	char phone[64];          /* reminder_phone */
	char practice[256];      /* practice_name, "" unless opted in */
	int smtp_port;           /* smtp_port */
	int smtp_security;       /* smtp_security */
	int64_t hours;           /* reminder_hours_before */
	char *smtp_password;     /* secret or NULL */
	char *sms_token;         /* secret or NULL */
};

/* Outcomes of one attempt. */
enum outcome { NOT_DUE, SENT, FAILED, SKIPPED };

const char *domain_reminder_channel_name(int channel)
{
	return channel == REMINDER_SMS ? "sms" : "email";
}

static void config_cleanup(struct config *c)
{
	mem_free_wiped_str(c->smtp_password);
	mem_free_wiped_str(c->sms_token);
	mem_wipe(c, sizeof *c);
}

/* secret - an integration secret, or NULL when unset. */
static enum err secret(struct domain_ctx *ctx, const char *name, char **out)
{
	enum err e = store_secret_get(ctx->store, ctx->vault, name, out);

	if (e == ERR_NOTFOUND) {
		*out = NULL;
		e = ERR_OK;
	}
	return e;
}

/* config_load - inside a transaction (read or write). */
static enum err config_load(struct domain_ctx *ctx, struct config *c)
{
	enum err e;

	memset(c, 0, sizeof *c);
	domain_text_setting(ctx, "smtp_host", c->smtp_host, sizeof c->smtp_host);
	domain_text_setting(ctx, "smtp_from", c->smtp_from, sizeof c->smtp_from);
	domain_text_setting(ctx, "smtp_username", c->smtp_username, sizeof c->smtp_username);
	domain_text_setting(ctx, "sms_gateway_url", c->sms_url, sizeof c->sms_url);
	domain_text_setting(ctx, "reminder_link", c->link, sizeof c->link);
	domain_text_setting(ctx, "reminder_phone", c->phone, sizeof c->phone);
	if (domain_setting_int(ctx, "reminder_name_practice", 0) == 1)
		domain_text_setting(ctx, "practice_name", c->practice, sizeof c->practice);
	c->smtp_port = (int)domain_setting_int(ctx, "smtp_port", 587);
	c->smtp_security = (int)domain_setting_int(ctx, "smtp_security", 1);
	c->hours = domain_setting_int(ctx, "reminder_hours_before", 24);
	e = secret(ctx, "smtp_password", &c->smtp_password);
	if (e == ERR_OK)
		e = secret(ctx, "sms_gateway_token", &c->sms_token);
	if (e != ERR_OK)
		config_cleanup(c);
	return e;
}

/* loopback - host names this machine. */
static int loopback(const char *host, size_t n)
{
	static const char *const names[] = {"localhost", "127.0.0.1", "::1", "[::1]"};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && memcmp(host, names[i], n) == 0)
			return 1;
	return n > 4 && memcmp(host, "127.", 4) == 0;
}

/* url_host - the host part of an http(s) URL after its scheme. */
static void url_host(const char *rest, const char **host, size_t *n)
{
	size_t k = 0;

	if (rest[0] == '[') {
		while (rest[k] && rest[k] != ']')
			k++;
		if (rest[k] == ']')
			k++;
	} else {
		while (rest[k] && rest[k] != ':' && rest[k] != '/')
			k++;
	}
	*host = rest;
	*n = k;
}

/* not_ready - why channel ch cannot be used (static message), or NULL. */
static const char *not_ready(const struct config *c, int ch)
{
	const char *host;
	size_t n;

	if (ch == REMINDER_EMAIL) {
		if (c->smtp_host[0] == '\0' || c->smtp_from[0] == '\0')
			return "email reminders are not configured (settings smtp_host and "
			       "smtp_from)";
		if (c->smtp_security == 0 && !loopback(c->smtp_host, strlen(c->smtp_host)))
			return "smtp_security 0 (no TLS) is allowed only for a server on this "
			       "machine";
		return NULL;
	}
	if (c->sms_url[0] == '\0')
		return "SMS reminders are not configured (setting sms_gateway_url)";
	if (strncmp(c->sms_url, "https://", 8) == 0)
		return NULL;
	if (strncmp(c->sms_url, "http://", 7) == 0) {
		url_host(c->sms_url + 7, &host, &n);
		if (loopback(host, n))
			return NULL;
	}
	return "sms_gateway_url must be https:// (http:// only for a gateway on this machine)";
}

/* compose - the message for an appointment at t in zone tz: its time and
 * how to confirm; the practice's name only when opted in. */
static enum err compose(const struct config *c, int ch, int64_t t, const char *tz, char *out,
                        size_t size)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct recur_local l;
	char when[96];
	const char *nl = ch == REMINDER_EMAIL ? "\r\n" : " ";
	int k;
	enum err e = recur_from_utc(tz, t, &l);

	if (e != ERR_OK)
		return e;
	snprintf(when, sizeof when, "%s %d %s %d at %02d:%02d (%s)", wd[l.wday % 7], l.day,
	         mo[(l.month + 11) % 12], l.year, l.hour, l.minute, tz);
	k = snprintf(out, size, "Reminder: you have an appointment on %s.%s", when, nl);
	if (k >= 0 && (size_t)k < size && c->link[0])
		k += snprintf(out + k, size - (size_t)k, "To confirm or change it: %s%s", c->link,
		              nl);
	if (k >= 0 && (size_t)k < size && c->phone[0])
		k += snprintf(out + k, size - (size_t)k, "%s %s%s",
		              c->link[0] ? "Or call" : "To confirm or change it, call", c->phone,
		              nl);
	if (k >= 0 && (size_t)k < size && c->practice[0])
		k += snprintf(out + k, size - (size_t)k, "%s%s%s", ch == REMINDER_EMAIL ? nl : "",
		              c->practice, nl);
	if (k < 0 || (size_t)k >= size)
		return ERR_TOOBIG;
	return ERR_OK;
}

/* record - the outcome of an attempt, in its own transaction. */
static enum err record(struct domain_ctx *ctx, const struct reminder_candidate *c, int ch,
                       int state, int attempts, int64_t next_at, int outcome, const char *cls)
{
	enum err e = store_begin(ctx->store);

	if (e != ERR_OK)
		return e;
	e = store_reminder_set(ctx->store, c->appt_id, c->client_id, ch, c->starts_at, state,
	                       attempts, next_at);
	if (e == ERR_OK)
		e = store_reminder_attempt_add(ctx->store, c->appt_id, c->client_id, ch,
		                               attempts > 0 ? attempts : 1, ctx->now, outcome, cls);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}

/* skip - record that this reminder may not be sent (never tried again). */
static enum err skip(struct domain_ctx *ctx, const struct reminder_candidate *c, int ch,
                     int attempts, const char *cls, enum outcome *out)
{
	*out = SKIPPED;
	return record(ctx, c, ch, REMINDER_SKIPPED, attempts, 0, 2, cls);
}

/* attempt - one client's reminder on one channel: due (unless force),
 * the gate, the route, the claim with its disclosure event, the send and
 * its record. *refusal is ERR_CONSENT or ERR_CONFLICT (ctx->message) when
 * the reminder may not be sent; the return is for failures of our own. */
static enum err attempt(struct domain_ctx *ctx, const struct reminder_transport *t,
                        const struct config *cfg, const struct reminder_candidate *c, int ch,
                        int force, enum outcome *out, enum err *refusal, const char **cls_out)
{
	enum audit_event ev = ch == REMINDER_SMS ? AUDIT_REMINDER_SMS : AUDIT_REMINDER_EMAIL;
	enum consent_purpose p = ch == REMINDER_SMS ? CONSENT_SMS : CONSENT_EMAIL;
	struct reminder_outbound m;
	struct contact_route route;
	struct client cl;
	char *to = NULL, *text = NULL, detail[80];
	const char *cls = "", *why;
	int state = 0, attempts = 0, done = 0, restricted = 0;
	int64_t next_at = 0;
	enum err e, sent;

	*out = NOT_DUE;
	*refusal = ERR_OK;
	memset(&cl, 0, sizeof cl);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_reminder_get(ctx->store, c->appt_id, c->client_id, ch, c->starts_at, &state,
	                       &attempts, &next_at);
	if (e == ERR_NOTFOUND)
		e = ERR_OK;
	else if (e == ERR_OK && !force && (state != REMINDER_DUE || next_at > ctx->now))
		done = 1;
	/* A restricted record gets no reminders; not recorded, so they resume
	 * when the restriction is lifted (send-now refused it already). */
	if (e == ERR_OK && !done)
		e = domain_restricted(ctx, c->client_id, &restricted);
	done = done || restricted;
	if (e != ERR_OK || done) {
		store_rollback(ctx->store);
		return e;
	}
	if (attempts >= REMINDER_ATTEMPTS_MAX && !force)
		attempts = REMINDER_ATTEMPTS_MAX - 1;
	e = domain_consent_require(ctx, c->client_id, p, NULL, ev, NULL);
	if (e == ERR_CONSENT) { /* refused and audited; its transaction is gone */
		*refusal = ERR_CONSENT;
		return skip(ctx, c, ch, attempts, "no_consent", out);
	}
	if (e == ERR_OK)
		e = store_client_get(ctx->store, ctx->vault, c->client_public_id, &cl);
	if (e == ERR_OK)
		e = domain_client_contact_route(
		        &cl,
		        (enum contact_channel)(ch == REMINDER_SMS ? CONTACT_SMS : CONTACT_EMAIL),
		        &route);
	if (e == ERR_OK && !route.allowed) {
		store_rollback(ctx->store);
		client_cleanup(&cl);
		*refusal = ERR_CONFLICT;
		ctx->message =
		        ch == REMINDER_SMS
		                ? "the client's contact preferences do not allow text messages"
		                : "the client's contact preferences do not allow email";
		return skip(ctx, c, ch, attempts, route.reason, out);
	}
	why = e == ERR_OK ? not_ready(cfg, ch) : NULL;
	if (why != NULL) {
		store_rollback(ctx->store);
		client_cleanup(&cl);
		*refusal = ERR_CONFLICT;
		ctx->message = why;
		return ERR_OK; /* not recorded: the practice may configure it later */
	}
	if (e == ERR_OK) {
		to = mem_strdup(route.to);
		text = calloc(1, REMINDER_TEXT_MAX);
		if (to == NULL || text == NULL)
			e = ERR_NOMEM;
	}
	if (e == ERR_OK)
		e = compose(cfg, ch, c->starts_at, c->tzid, text, REMINDER_TEXT_MAX);
	attempts++;
	if (e == ERR_OK)
		e = store_reminder_set(ctx->store, c->appt_id, c->client_id, ch, c->starts_at,
		                       REMINDER_DUE, attempts, ctx->now + REMINDER_LEASE_S);
	snprintf(detail, sizeof detail, "channel=%s,attempt=%d,alternate=%d",
	         domain_reminder_channel_name(ch), attempts, route.confidential ? 1 : 0);
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, c->client_id, "appointment", c->appt_public_id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	client_cleanup(&cl);
	if (e == ERR_OK) {
		memset(&m, 0, sizeof m);
		m.channel = ch;
		m.to = to;
		m.subject = "Appointment reminder";
		m.text = text;
		m.now = ctx->now;
		m.smtp_host = cfg->smtp_host;
		m.smtp_port = cfg->smtp_port;
		m.smtp_security = cfg->smtp_security;
		m.smtp_from = cfg->smtp_from;
		m.smtp_username = cfg->smtp_username;
		m.smtp_password = cfg->smtp_password ? cfg->smtp_password : "";
		m.sms_url = cfg->sms_url;
		m.sms_token = cfg->sms_token ? cfg->sms_token : "";
		sent = t != NULL && t->send != NULL ? t->send(t->self, &m, &cls) : ERR_INTERNAL;
		if (sent == ERR_OK) {
			*out = SENT;
			e = record(ctx, c, ch, REMINDER_SENT, attempts, 0, 0, "");
		} else {
			int64_t wait = REMINDER_BACKOFF_S;
			int k;

			for (k = 1; k < attempts; k++)
				wait *= 3;
			if (cls == NULL || cls[0] == '\0')
				cls = t == NULL || t->send == NULL ? "config" : "unknown";
			*out = FAILED;
			*cls_out = cls;
			e = record(ctx, c, ch,
			           attempts >= REMINDER_ATTEMPTS_MAX ? REMINDER_GAVE_UP
			                                             : REMINDER_DUE,
			           attempts, ctx->now + wait, 1, cls);
		}
	}
	mem_free_wiped_str(to);
	if (text != NULL) {
		mem_wipe(text, REMINDER_TEXT_MAX);
		free(text);
	}
	return e;
}

enum err domain_reminders_run(struct domain_ctx *ctx, const struct reminder_transport *t,
                              struct reminder_stats *out)
{
	struct reminder_candidate *cands;
	struct reminder_stats st = {0, 0, 0, 0};
	struct config cfg;
	size_t n = 0, i;
	int ch, ready[2];
	const char *cls = NULL;
	enum outcome o;
	enum err e, refusal;

	if (ctx->role != 0)
		return ERR_DENIED;
	cands = mem_calloc_array(REMINDER_BATCH_MAX, sizeof *cands);
	if (cands == NULL)
		return ERR_NOMEM;
	e = store_begin_read(ctx->store);
	if (e == ERR_OK) {
		e = config_load(ctx, &cfg);
		if (e == ERR_OK) {
			e = store_reminder_candidates(ctx->store, ctx->now,
			                              ctx->now + cfg.hours * 3600, cands,
			                              REMINDER_BATCH_MAX, &n);
			if (e != ERR_OK)
				config_cleanup(&cfg);
		}
		store_end_read(ctx->store);
	}
	if (e != ERR_OK) {
		free(cands);
		return e;
	}
	ready[REMINDER_EMAIL] = not_ready(&cfg, REMINDER_EMAIL) == NULL;
	ready[REMINDER_SMS] = not_ready(&cfg, REMINDER_SMS) == NULL;
	for (i = 0; e == ERR_OK && i < n; i++) {
		for (ch = REMINDER_EMAIL; e == ERR_OK && ch <= REMINDER_SMS; ch++) {
			if (!ready[ch])
				continue;
			st.considered++;
			e = attempt(ctx, t, &cfg, &cands[i], ch, 0, &o, &refusal, &cls);
			st.sent += o == SENT;
			st.failed += o == FAILED;
			st.skipped += o == SKIPPED;
		}
	}
	ctx->message = NULL;
	config_cleanup(&cfg);
	free(cands);
	if (e == ERR_OK)
		*out = st;
	return e;
}

/* may_book - owner and front desk; a clinician for clients they reach. */
static enum err may_book(struct domain_ctx *ctx, int64_t client_id, enum audit_event ev)
{
	int yes = 0;
	enum err e = ERR_OK;

	if (ctx->role == ROLE_OWNER || ctx->role == ROLE_SCHEDULER) {
		yes = 1;
		ctx->purpose = "operations";
		e = domain_restriction_check(ctx, client_id, ev != AUDIT_REMINDER_READ);
	} else if (ctx->role == ROLE_CLINICIAN || ctx->role == ROLE_SUPERVISOR) {
		e = domain_reaches_client(ctx, client_id, &yes);
	}
	if (e == ERR_OK && !yes) {
		domain_audit_refusal(ctx, ev, client_id, ERR_DENIED);
		return ERR_NOTFOUND;
	}
	return e;
}

/* clients_of - the candidates (one per client) of appointment a. */
static enum err clients_of(struct domain_ctx *ctx, const struct appt *a,
                           struct reminder_candidate *out, size_t *n)
{
	struct appt_member m[2 * STORE_APPT_MEMBERS];
	size_t nm = 0, i, k = 0;
	enum err e = store_appt_members(ctx->store, a->id, m, 2 * STORE_APPT_MEMBERS, &nm);

	for (i = 0; e == ERR_OK && i <= nm && k < STORE_APPT_MEMBERS + 1; i++) {
		struct reminder_candidate *c = &out[k];

		if (i < nm && (m[i].role != APPT_MEMBER_CLIENT || m[i].member_id == a->client_id))
			continue; /* staff, or the first client (added last) */
		memset(c, 0, sizeof *c);
		c->appt_id = a->id;
		snprintf(c->appt_public_id, sizeof c->appt_public_id, "%s", a->public_id);
		c->client_id = i == nm ? a->client_id : m[i].member_id;
		c->starts_at = a->starts_at;
		snprintf(c->tzid, sizeof c->tzid, "%s", a->tzid);
		e = store_client_public_of(ctx->store, c->client_id, c->client_public_id);
		k++;
	}
	/* the first client first */
	if (e == ERR_OK && k > 1) {
		struct reminder_candidate first = out[k - 1];

		memmove(&out[1], &out[0], (k - 1) * sizeof out[0]);
		out[0] = first;
	}
	if (e == ERR_OK)
		*n = k;
	return e;
}

enum err domain_reminder_send_now(struct domain_ctx *ctx, const struct reminder_transport *t,
                                  const char *public_id, int channel, struct reminder_result *res)
{
	enum audit_event ev = channel == REMINDER_SMS ? AUDIT_REMINDER_SMS : AUDIT_REMINDER_EMAIL;
	struct reminder_candidate cands[STORE_APPT_MEMBERS + 1];
	struct reminder_result r;
	struct config cfg;
	struct appt a;
	size_t n = 0, i;
	const char *cls = NULL;
	enum outcome o;
	enum err e, refusal = ERR_OK;

	memset(&r, 0, sizeof r);
	memset(&a, 0, sizeof a);
	if (channel != REMINDER_EMAIL && channel != REMINDER_SMS)
		return ERR_INVAL;
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_appt_get(ctx->store, ctx->vault, public_id, 0, &a);
	if (e == ERR_OK)
		e = may_book(ctx, a.client_id, ev);
	if (e == ERR_OK && (a.status != APPT_SCHEDULED && a.status != APPT_CONFIRMED)) {
		ctx->message = "only a scheduled or confirmed appointment is reminded";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = clients_of(ctx, &a, cands, &n);
	if (e == ERR_OK)
		e = config_load(ctx, &cfg);
	store_rollback(ctx->store); /* nothing written; a refusal committed its own */
	appt_cleanup(&a);
	if (e != ERR_OK)
		return e;
	for (i = 0; e == ERR_OK && refusal == ERR_OK && i < n; i++) {
		e = attempt(ctx, t, &cfg, &cands[i], channel, 1, &o, &refusal, &cls);
		r.sent += o == SENT;
		r.failed += o == FAILED;
		if (o == FAILED && cls != NULL)
			snprintf(r.error_class, sizeof r.error_class, "%s", cls);
	}
	config_cleanup(&cfg);
	if (e == ERR_OK && refusal != ERR_OK && r.sent == 0)
		e = refusal;
	if (e == ERR_OK)
		*res = r;
	return e;
}

enum err domain_reminder_attempts(struct domain_ctx *ctx, const char *public_id,
                                  struct reminder_attempt *out, size_t max, size_t *n)
{
	struct appt a;
	char detail[32];
	enum err e;

	memset(&a, 0, sizeof a);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_appt_get(ctx->store, ctx->vault, public_id, 0, &a);
	if (e == ERR_OK)
		e = may_book(ctx, a.client_id, AUDIT_REMINDER_READ);
	if (e == ERR_OK)
		e = store_reminder_attempts(ctx->store, a.id, out, max, n);
	snprintf(detail, sizeof detail, "count=%zu", e == ERR_OK ? *n : 0);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_REMINDER_READ, a.client_id, "appointment", a.public_id,
		                detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	appt_cleanup(&a);
	return e;
}

enum err domain_integration_secret_set(struct domain_ctx *ctx, const char *name, const char *value)
{
	enum err e;

	if (ctx->role != ROLE_OWNER && ctx->role != 0)
		return ERR_DENIED;
	if (name == NULL ||
	    (strcmp(name, "smtp_password") != 0 && strcmp(name, "sms_gateway_token") != 0 &&
	     strcmp(name, "turn_secret") != 0)) { /* turn_secret: domain/telehealth.h */
		ctx->message = "name must be smtp_password, sms_gateway_token or turn_secret";
		return ERR_INVAL;
	}
	if (value == NULL || strlen(value) > STORE_SECRET_MAX || !domain_text_clean(value, 0)) {
		ctx->message = "value must be one line of at most 512 bytes (\"\" forgets it)";
		return ERR_INVAL;
	}
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_secret_set(ctx->store, ctx->vault, name, value, ctx->now);
	if (e == ERR_OK)
		e = domain_emit(ctx, AUDIT_INTEGRATION_SECRET, 0, "setting", name,
		                value[0] ? "set=1" : "set=0");
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	else
		store_rollback(ctx->store);
	return e;
}
