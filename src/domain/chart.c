/*
 * chart.c - the client chart beyond demographics (see chart.h): the
 * collection rule, contact routing, the history of the chart and of note
 * drafts, guardians and the care team as the chart shows it.
 *
 * A change is kept as the names of the fields it touched (in the clear)
 * and their new values (sealed), encoded as name RS ('=' value | '!') US
 * for each field: chart values never hold control characters other than a
 * line break, so the separators cannot occur in them.
 * Never: puts a value in an audit event or a message; skips the history of
 * a change it made.
 */
#include "domain/chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "domain/identity.h"
#include "domain/notes.h"
#include "domain/settings.h"

#define RS '\x1e' /* between a field's name and its value */
#define US '\x1f' /* after each field */
#define CHANGES_MAX (64 * 1024)

/* ---- contact routing ------------------------------------------------- */

static const char *const channel_names[CONTACT__COUNT] = {"email", "sms", "voice", "post"};

const char *domain_contact_channel_name(enum contact_channel ch)
{
	return (unsigned)ch < CONTACT__COUNT ? channel_names[ch] : "unknown";
}

static const char *nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

enum err domain_client_contact_route(const struct client *c, enum contact_channel ch,
                                     struct contact_route *out)
{
	const char *flag, *alt, *primary;
	struct contact_route r = {0, NULL, 0, "ok"};

	switch (ch) {
	case CONTACT_EMAIL: flag = c->may_email, alt = c->alt_email, primary = c->email; break;
	case CONTACT_SMS: flag = c->may_text, alt = c->alt_phone, primary = c->phone; break;
	case CONTACT_VOICE: flag = c->may_voicemail, alt = c->alt_phone, primary = c->phone; break;
	case CONTACT_POST: flag = "1", alt = c->alt_address, primary = c->address; break;
	default: return ERR_INVAL;
	}
	if (flag == NULL) {
		r.reason = "not_asked"; /* deny by default: nobody asked the client */
	} else if (strcmp(flag, "1") != 0) {
		r.reason = "refused";
	} else if (nonempty(alt) != NULL) {
		r.allowed = 1;
		r.to = alt;
		r.confidential = 1;
	} else if (nonempty(primary) != NULL) {
		r.allowed = 1;
		r.to = primary;
	} else {
		r.reason = "no_destination";
	}
	*out = r;
	return ERR_OK;
}

/* ---- encoding of a change ------------------------------------------------ */

/* put - one field of a change. */
static enum err put(struct buf *b, const char *name, const char *value)
{
	enum err e = buf_puts(b, name);
	char tag[2] = {RS, value != NULL ? '=' : '!'};

	if (e == ERR_OK)
		e = buf_append(b, tag, 2);
	if (e == ERR_OK && value != NULL)
		e = buf_puts(b, value);
	if (e == ERR_OK)
		e = buf_append(b, (char[]){US}, 1);
	return e;
}

/* A change being built: field names and values (borrowed). */
struct change {
	size_t n;                                   /* fields */
	const char *name[CHART_CHANGE_FIELDS_MAX];  /* their names */
	const char *value[CHART_CHANGE_FIELDS_MAX]; /* new values, NULL: cleared */
};

static enum err add(struct change *ch, const char *name, const char *value)
{
	if (ch->n == CHART_CHANGE_FIELDS_MAX)
		return ERR_TOOBIG;
	ch->name[ch->n] = name;
	ch->value[ch->n] = value;
	ch->n++;
	return ERR_OK;
}

static int differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* write_change - append ch to the client's history as one row. */
static enum err write_change(struct domain_ctx *ctx, int64_t client_id, int64_t actor, int64_t at,
                             const char *action, const char *object_type, const char *object_id,
                             const struct change *ch)
{
	struct buf names, values;
	struct chart_change_row r;
	size_t i;
	enum err e = ERR_OK;

	buf_init(&names, 4096, 0);
	buf_init(&values, CHANGES_MAX, 1);
	for (i = 0; e == ERR_OK && i < ch->n; i++) {
		if (i > 0)
			e = buf_puts(&names, ",");
		if (e == ERR_OK)
			e = buf_puts(&names, ch->name[i]);
		if (e == ERR_OK)
			e = put(&values, ch->name[i], ch->value[i]);
	}
	if (e == ERR_OK) {
		r.client_id = client_id;
		r.actor_id = actor;
		r.at = at;
		r.action = action;
		r.object_type = object_type;
		r.object_id = object_id;
		r.changed = names.data != NULL ? names.data : "";
		r.changes = values.data != NULL ? values.data : "";
		e = store_chart_version_add(ctx->store, ctx->vault, &r);
	}
	buf_cleanup(&names);
	buf_cleanup(&values);
	return e;
}

/* ---- the client record ------------------------------------------------------ */

static int collects(struct domain_ctx *ctx, const char *key)
{
	const struct setting *s = domain_setting_find(key);

	return domain_setting_int(ctx, key, s != NULL ? s->dflt : 0) == 1;
}

/* Messages for a field the practice does not collect; static, PHI-free. */
static const struct {
	const char *field;   /* the field */
	const char *message; /* what a refused write is told */
} not_collected[] = {
        {"emergency_name", "emergency_name is not collected by this practice "
                           "(setting collect_emergency_contact)"},
        {"emergency_relationship", "emergency_relationship is not collected by this practice "
                                   "(setting collect_emergency_contact)"},
        {"emergency_phone", "emergency_phone is not collected by this practice "
                            "(setting collect_emergency_contact)"},
        {"intake_date", "intake_date is not collected by this practice "
                        "(setting collect_intake_date)"},
        {"referral_source", "referral_source is not collected by this practice "
                            "(setting collect_referral_source)"},
};

static const char *not_collected_message(const char *field)
{
	size_t i;

	for (i = 0; i < sizeof not_collected / sizeof not_collected[0]; i++)
		if (strcmp(not_collected[i].field, field) == 0)
			return not_collected[i].message;
	return "a field is not collected by this practice";
}

enum err domain_chart_check(struct domain_ctx *ctx, const struct client *old,
                            const struct client *c)
{
	unsigned i;
	int yes = 0;
	enum err e;

	for (i = 0; i < client_field_count; i++) {
		const struct client_field *f = &client_fields[i];
		const char *now = *client_field_ptr((struct client *)(uintptr_t)c, f);
		const char *was =
		        old != NULL ? *client_field_ptr((struct client *)(uintptr_t)old, f) : NULL;

		if (f->collect == NULL || now == NULL || !differ(now, was))
			continue;
		if (!collects(ctx, f->collect)) {
			ctx->message = not_collected_message(f->name);
			return ERR_INVAL;
		}
	}
	if (c->primary_clinician[0] == '\0' ||
	    (old != NULL && strcmp(old->primary_clinician, c->primary_clinician) == 0))
		return ERR_OK;
	if (old == NULL) {
		ctx->message = "primary_clinician is set once the client has a care team (PATCH)";
		return ERR_INVAL;
	}
	e = store_care_team_member(ctx->store, old->id, c->primary_clinician, &yes);
	if (e == ERR_OK && !yes) {
		ctx->message = "primary_clinician must be a member of the client's care team";
		e = ERR_INVAL;
	}
	return e;
}

/* state - every recorded field of c, and its status (a create, a baseline). */
static enum err state(const struct client *c, struct change *ch)
{
	unsigned i;
	enum err e = add(ch, "status", client_status_name(c->status));

	for (i = 0; e == ERR_OK && i < client_field_count; i++) {
		const char *v = *client_field_ptr((struct client *)(uintptr_t)c, &client_fields[i]);

		if (v != NULL)
			e = add(ch, client_fields[i].name, v);
	}
	if (e == ERR_OK && c->primary_clinician[0] != '\0')
		e = add(ch, "primary_clinician", c->primary_clinician);
	return e;
}

enum err domain_chart_record(struct domain_ctx *ctx, const struct client *old,
                             const struct client *c)
{
	struct change ch;
	size_t count = 0;
	unsigned i;
	enum err e = ERR_OK;

	memset(&ch, 0, sizeof ch);
	if (old == NULL) {
		e = state(c, &ch);
		if (e == ERR_OK)
			e = write_change(ctx, c->id, ctx->actor_id, ctx->now, "create", "client",
			                 c->public_id, &ch);
		return e;
	}
	/* A record from before the history: keep what it was first. */
	e = store_chart_version_count(ctx->store, c->id, &count);
	if (e == ERR_OK && count == 0) {
		e = state(old, &ch);
		if (e == ERR_OK)
			e = write_change(ctx, c->id, 0, old->updated_at, "baseline", "client",
			                 c->public_id, &ch);
		memset(&ch, 0, sizeof ch);
	}
	if (e == ERR_OK && old->status != c->status)
		e = add(&ch, "status", client_status_name(c->status));
	for (i = 0; e == ERR_OK && i < client_field_count; i++) {
		const struct client_field *f = &client_fields[i];
		const char *now = *client_field_ptr((struct client *)(uintptr_t)c, f);
		const char *was = *client_field_ptr((struct client *)(uintptr_t)old, f);

		if (differ(now, was))
			e = add(&ch, f->name, now);
	}
	if (e == ERR_OK && strcmp(old->primary_clinician, c->primary_clinician) != 0)
		e = add(&ch, "primary_clinician",
		        c->primary_clinician[0] != '\0' ? c->primary_clinician : NULL);
	if (e == ERR_OK && ch.n > 0)
		e = write_change(ctx, c->id, ctx->actor_id, ctx->now, "update", "client",
		                 c->public_id, &ch);
	return e;
}

/* ---- history ------------------------------------------------------------------ */

void chart_entry_cleanup(struct chart_entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		mem_free_wiped_str(e->field[i]);
		mem_free_wiped_str(e->value[i]);
		mem_free_wiped_str(e->before[i]);
	}
	chart_version_cleanup(&e->row);
	mem_wipe(e, sizeof *e);
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* decode - split the entry's encoded values into field/value pairs. */
static enum err decode(struct chart_entry *en)
{
	const char *p = en->row.changes;

	while (*p != '\0') {
		const char *rs = strchr(p, RS), *us;

		if (rs == NULL || en->n == CHART_CHANGE_FIELDS_MAX ||
		    (rs[1] != '=' && rs[1] != '!'))
			return ERR_CRYPTO; /* opened, but not what we wrote */
		us = strchr(rs + 2, US);
		if (us == NULL)
			return ERR_CRYPTO;
		en->field[en->n] = dup_n(p, (size_t)(rs - p));
		en->value[en->n] = rs[1] == '=' ? dup_n(rs + 2, (size_t)(us - rs - 2)) : NULL;
		en->n++;
		if (en->field[en->n - 1] == NULL || (rs[1] == '=' && en->value[en->n - 1] == NULL))
			return ERR_NOMEM;
		p = us + 1;
	}
	return ERR_OK;
}

/* fill_before - each field's value before entry i: the latest earlier
 * change of the same object that set it. */
static enum err fill_before(struct chart_entry *all, size_t i)
{
	size_t k, j, f;

	for (k = 0; k < all[i].n; k++) {
		int found = 0;

		for (j = i; j-- > 0 && !found;) {
			if (strcmp(all[j].row.object_id, all[i].row.object_id) != 0)
				continue;
			for (f = 0; f < all[j].n && !found; f++) {
				if (strcmp(all[j].field[f], all[i].field[k]) != 0)
					continue;
				found = 1;
				if (all[j].value[f] != NULL) {
					all[i].before[k] = mem_strdup(all[j].value[f]);
					if (all[i].before[k] == NULL)
						return ERR_NOMEM;
				}
			}
		}
	}
	return ERR_OK;
}

enum err domain_client_history(struct domain_ctx *ctx, const char *client_public_id,
                               struct chart_entry *out, size_t max, size_t *n)
{
	struct chart_version *rows = NULL;
	int64_t cid = 0;
	size_t k = 0, i;
	char detail[32];
	enum err e;

	rows = mem_calloc_array(max > 0 ? max : 1, sizeof *rows);
	if (rows == NULL)
		return ERR_NOMEM;
	e = store_begin(ctx->store);
	if (e != ERR_OK) {
		free(rows);
		return e;
	}
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = domain_client_access(ctx, cid, ACCESS_READ);
	if (e == ERR_OK)
		e = store_chart_versions(ctx->store, ctx->vault, cid, rows, max, &k);
	/* The rows move into out (they are freed with it), then decode. */
	for (i = 0; e == ERR_OK && i < k; i++) {
		memset(&out[i], 0, sizeof out[i]);
		out[i].row = rows[i];
	}
	for (i = 0; e == ERR_OK && i < k; i++)
		e = decode(&out[i]);
	for (i = 0; e == ERR_OK && i < k; i++)
		e = fill_before(out, i);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", k);
		e = domain_emit(ctx, AUDIT_CLIENT_HISTORY, cid, "client", client_public_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		for (i = 0; i < k; i++)
			chart_entry_cleanup(&out[i]);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_CLIENT_HISTORY, cid, e);
		free(rows);
		return e;
	}
	free(rows);
	*n = k;
	return ERR_OK;
}

enum err domain_note_history(struct domain_ctx *ctx, const char *note_public_id, struct note *head,
                             struct note_version *out, size_t max, size_t *n)
{
	struct note h;
	size_t k = 0, i;
	char detail[32];
	enum err e;

	memset(&h, 0, sizeof h);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_note_get(ctx->store, ctx->vault, note_public_id, 0, &h);
	if (e == ERR_OK)
		e = domain_note_team_access(ctx, h.client_id, AUDIT_NOTE_HISTORY);
	if (e == ERR_OK)
		e = store_note_versions(ctx->store, ctx->vault, &h, out, max, &k);
	if (e == ERR_OK && k == 0 && max > 0) {
		/* A note from before the history: its one version is itself. */
		note_cleanup(&h);
		e = store_note_get(ctx->store, ctx->vault, note_public_id, 1, &h);
		if (e == ERR_OK) {
			memset(&out[0], 0, sizeof out[0]);
			out[0].version = 1;
			out[0].at = h.created_at;
			snprintf(out[0].actor, sizeof out[0].actor, "%s", h.author_public_id);
			snprintf(out[0].date, sizeof out[0].date, "%s", h.date);
			out[0].content = h.content;
			h.content = NULL;
			k = 1;
		}
	}
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "count=%zu", k);
		e = domain_emit(ctx, AUDIT_NOTE_HISTORY, h.client_id, "note", h.public_id, detail);
	}
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		for (i = 0; i < k; i++)
			note_version_cleanup(&out[i]);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_NOTE_HISTORY, h.client_id, e);
		note_cleanup(&h);
		return e;
	}
	*head = h;
	*n = k;
	return ERR_OK;
}

enum err domain_note_keep(struct domain_ctx *ctx, const struct note *n, int baseline)
{
	struct note cur;
	size_t count = 0;
	enum err e;

	if (!baseline)
		return store_note_version_add(ctx->store, ctx->vault, n, ctx->actor_id, ctx->now);
	e = store_note_version_count(ctx->store, n->id, &count);
	if (e != ERR_OK || count > 0)
		return e;
	memset(&cur, 0, sizeof cur);
	e = store_note_get(ctx->store, ctx->vault, n->public_id, 1, &cur);
	if (e == ERR_OK)
		e = store_note_version_add(ctx->store, ctx->vault, &cur, cur.author_id,
		                           cur.updated_at);
	note_cleanup(&cur);
	return e;
}

/* ---- guardians ------------------------------------------------------------------ */

static const char *const scope_names[] = {"scheduling", "billing", "records"};

const char *domain_guardian_scope_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < 3; i++)
		if (bit == 1u << i)
			return scope_names[i];
	return "unknown";
}

unsigned domain_guardian_scope_parse(const char *name)
{
	unsigned i;

	for (i = 0; i < 3; i++)
		if (strcmp(name, scope_names[i]) == 0)
			return 1u << i;
	return 0;
}

/* scopes_text - the scopes as "scheduling,records" (for the history). */
static void scopes_text(unsigned scopes, char out[40])
{
	size_t at = 0;
	unsigned i;
	int n;

	out[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!(scopes & (1u << i)))
			continue;
		n = snprintf(out + at, 40 - at, "%s%s", at > 0 ? "," : "", scope_names[i]);
		if (n > 0 && (size_t)n < 40 - at)
			at += (size_t)n;
	}
}

static int controls(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

static enum err guardian_check(struct domain_ctx *ctx, const struct guardian *g)
{
	static const struct {
		size_t max;          /* bytes */
		const char *message; /* when too long or malformed */
	} rule[] = {
	        {CLIENT_NAME_MAX, "name is required: at most 200 characters of text"},
	        {100, "relationship must be at most 100 characters of text"},
	        {40, "phone must be at most 40 characters of text"},
	        {254, "email must be an address with @, at most 254 characters"},
	};
	const char *v[] = {g->name, g->relationship, g->phone, g->email};
	unsigned i;

	if (g->name == NULL || g->name[0] == '\0') {
		ctx->message = rule[0].message;
		return ERR_INVAL;
	}
	for (i = 0; i < 4; i++) {
		if (v[i] != NULL && (strlen(v[i]) > rule[i].max || controls(v[i]))) {
			ctx->message = rule[i].message;
			return ERR_INVAL;
		}
	}
	if (g->email != NULL && strchr(g->email, '@') == NULL) {
		ctx->message = rule[3].message;
		return ERR_INVAL;
	}
	if (g->scopes > GUARDIAN_SCOPES_ALL) {
		ctx->message = "scopes must be a list of scheduling, billing, records";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* guardian_change - the fields of g that differ from old (all, old NULL). */
static enum err guardian_change(const struct guardian *old, const struct guardian *g,
                                const char *scopes_now, const char *scopes_was, struct change *ch)
{
	static const char *const names[] = {"name", "relationship", "phone", "email"};
	const char *now[] = {g->name, g->relationship, g->phone, g->email};
	const char *was[4] = {NULL, NULL, NULL, NULL};
	unsigned i;
	enum err e = ERR_OK;

	if (old != NULL) {
		was[0] = old->name;
		was[1] = old->relationship;
		was[2] = old->phone;
		was[3] = old->email;
	}
	for (i = 0; e == ERR_OK && i < 4; i++)
		if (old == NULL ? now[i] != NULL : differ(now[i], was[i]))
			e = add(ch, names[i], now[i]);
	if (e == ERR_OK && (old == NULL || strcmp(scopes_now, scopes_was) != 0))
		e = add(ch, "scopes", scopes_now);
	return e;
}

/* finish - emit ev and commit, or roll back. */
static enum err finish(struct domain_ctx *ctx, enum err e, enum audit_event ev, int64_t client_id,
                       const char *type, const char *id, const char *detail)
{
	if (e == ERR_OK)
		e = domain_emit(ctx, ev, client_id, type, id, detail);
	if (e == ERR_OK)
		e = store_commit(ctx->store);
	if (e != ERR_OK)
		store_rollback(ctx->store);
	return e;
}

enum err domain_guardian_add(struct domain_ctx *ctx, const char *client_public_id,
                             struct guardian *g)
{
	struct change ch;
	char sc[40];
	size_t count = 0;
	enum err e = guardian_check(ctx, g);

	if (e != ERR_OK)
		return e;
	memset(&ch, 0, sizeof ch);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &g->client_id);
	if (e == ERR_OK)
		e = domain_client_access(ctx, g->client_id, ACCESS_WRITE);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	if (!collects(ctx, "collect_guardians")) {
		ctx->message =
		        "guardians are not collected by this practice (setting collect_guardians)";
		e = ERR_INVAL;
	}
	if (e == ERR_OK)
		e = store_guardian_count(ctx->store, g->client_id, &count);
	if (e == ERR_OK && count >= GUARDIANS_PER_CLIENT_MAX) {
		ctx->message = "this client has the most guardians a chart may hold";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = store_guardian_add(ctx->store, ctx->vault, g, ctx->now);
	scopes_text(g->scopes, sc);
	if (e == ERR_OK)
		e = guardian_change(NULL, g, sc, "", &ch);
	if (e == ERR_OK)
		e = write_change(ctx, g->client_id, ctx->actor_id, ctx->now, "guardian.add",
		                 "guardian", g->public_id, &ch);
	snprintf(g->client_public_id, sizeof g->client_public_id, "%s", client_public_id);
	return finish(ctx, e, AUDIT_GUARDIAN_ADD, g->client_id, "guardian", g->public_id, "");
}

enum err domain_guardian_list(struct domain_ctx *ctx, const char *client_public_id,
                              struct guardian *out, size_t max, size_t *n)
{
	int64_t cid = 0;
	char detail[32];
	size_t k = 0, i;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = domain_client_access(ctx, cid, ACCESS_READ);
	if (e == ERR_OK)
		e = store_guardian_list(ctx->store, ctx->vault, cid, out, max, &k);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_GUARDIAN_LIST, cid, e);
		return e;
	}
	snprintf(detail, sizeof detail, "count=%zu", k);
	e = finish(ctx, ERR_OK, AUDIT_GUARDIAN_LIST, cid, "client", client_public_id, detail);
	if (e != ERR_OK) {
		for (i = 0; i < k; i++)
			guardian_cleanup(&out[i]);
		return e;
	}
	*n = k;
	return ERR_OK;
}

/* load_guardian - the stored guardian, after the access check. */
static enum err load_guardian(struct domain_ctx *ctx, const char *public_id, enum access need,
                              struct guardian *out)
{
	struct guardian head;
	enum err e;

	memset(&head, 0, sizeof head);
	e = store_guardian_get(ctx->store, ctx->vault, public_id, 0, &head);
	if (e == ERR_OK)
		e = domain_client_access(ctx, head.client_id, need);
	guardian_cleanup(&head);
	if (e == ERR_OK)
		e = store_guardian_get(ctx->store, ctx->vault, public_id, 1, out);
	return e;
}

/* merge - the members of old that `set` does not name, into g. */
static enum err merge(const struct guardian *old, struct guardian *g, unsigned set)
{
	char *const from[] = {old->name, old->relationship, old->phone, old->email};
	char **to[] = {&g->name, &g->relationship, &g->phone, &g->email};
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (set & (1u << i))
			continue;
		mem_free_wiped_str(*to[i]);
		*to[i] = NULL;
		if (from[i] != NULL && (*to[i] = mem_strdup(from[i])) == NULL)
			return ERR_NOMEM;
	}
	if (!(set & GUARDIAN_SET_SCOPES))
		g->scopes = old->scopes;
	return ERR_OK;
}

enum err domain_guardian_update(struct domain_ctx *ctx, struct guardian *g, unsigned set)
{
	struct guardian old;
	struct change ch;
	char now[40], was[40];
	enum err e;

	memset(&ch, 0, sizeof ch);
	memset(&old, 0, sizeof old);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load_guardian(ctx, g->public_id, ACCESS_WRITE, &old);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		if (e == ERR_CRYPTO)
			domain_audit_refusal(ctx, AUDIT_GUARDIAN_UPDATE, 0, e);
		return e;
	}
	e = merge(&old, g, set);
	if (e == ERR_OK)
		e = guardian_check(ctx, g);
	if (e == ERR_OK && !collects(ctx, "collect_guardians")) {
		ctx->message =
		        "guardians are not collected by this practice (setting collect_guardians)";
		e = ERR_INVAL;
	} else if (e == ERR_OK && old.version != g->version) {
		ctx->message = "the guardian changed since it was read; reload it";
		e = ERR_CONFLICT;
	}
	g->id = old.id;
	g->client_id = old.client_id;
	g->created_at = old.created_at;
	memcpy(g->client_public_id, old.client_public_id, sizeof g->client_public_id);
	if (e == ERR_OK)
		e = store_guardian_update(ctx->store, ctx->vault, g, ctx->now);
	scopes_text(g->scopes, now);
	scopes_text(old.scopes, was);
	if (e == ERR_OK)
		e = guardian_change(&old, g, now, was, &ch);
	if (e == ERR_OK && ch.n > 0)
		e = write_change(ctx, g->client_id, ctx->actor_id, ctx->now, "guardian.update",
		                 "guardian", g->public_id, &ch);
	e = finish(ctx, e, AUDIT_GUARDIAN_UPDATE, old.client_id, "guardian", old.public_id, "");
	guardian_cleanup(&old);
	return e;
}

enum err domain_guardian_remove(struct domain_ctx *ctx, const char *public_id)
{
	static const char *const names[] = {"name", "relationship", "phone", "email", "scopes"};
	struct guardian old;
	struct change ch;
	unsigned i;
	enum err e;

	memset(&ch, 0, sizeof ch);
	memset(&old, 0, sizeof old);
	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = load_guardian(ctx, public_id, ACCESS_WRITE, &old);
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	e = store_guardian_remove(ctx->store, old.id);
	for (i = 0; e == ERR_OK && i < 5; i++)
		e = add(&ch, names[i], NULL);
	if (e == ERR_OK)
		e = write_change(ctx, old.client_id, ctx->actor_id, ctx->now, "guardian.remove",
		                 "guardian", old.public_id, &ch);
	e = finish(ctx, e, AUDIT_GUARDIAN_REMOVE, old.client_id, "guardian", old.public_id, "");
	guardian_cleanup(&old);
	return e;
}

/* ---- care team --------------------------------------------------------------------- */

enum err domain_care_team_list(struct domain_ctx *ctx, const char *client_public_id,
                               struct care_member *out, size_t max, size_t *n, char primary[33])
{
	struct client c;
	int64_t cid = 0;
	char detail[32];
	size_t k = 0;
	enum err e;

	e = store_begin(ctx->store);
	if (e != ERR_OK)
		return e;
	e = store_client_id_of(ctx->store, client_public_id, &cid);
	if (e == ERR_OK)
		e = domain_client_access(ctx, cid, ACCESS_READ);
	if (e == ERR_OK)
		e = store_care_team_list(ctx->store, cid, out, max, &k);
	if (e == ERR_OK) {
		e = store_client_get(ctx->store, ctx->vault, client_public_id, &c);
		if (e == ERR_OK) {
			memcpy(primary, c.primary_clinician, 33);
			client_cleanup(&c);
		}
	}
	if (e != ERR_OK) {
		store_rollback(ctx->store);
		return e;
	}
	snprintf(detail, sizeof detail, "count=%zu", k);
	e = finish(ctx, ERR_OK, AUDIT_CARE_TEAM_READ, cid, "client", client_public_id, detail);
	if (e == ERR_OK)
		*n = k;
	return e;
}
