/*
 * access.c - who may see which client: the one place the minimum-necessary
 * rule for client records is decided.
 *
 * Staff who run the practice (owner, front desk) see every client's
 * demographics; billing and the privacy officer may read them; clinicians
 * see the clients of their care teams and supervisors their supervisees'
 * clients; a break-glass grant opens one client for a while; a client sees
 * only their own record. Never: reveals whether a refused client exists.
 */
#include <string.h>

#include "domain/domain.h"
#include "store/erasure.h"

static const struct {
	unsigned bit;     /* ROLE_* */
	const char *name; /* stored and shown name */
} roles[] = {
        {ROLE_OWNER, "owner"},     {ROLE_CLINICIAN, "clinician"}, {ROLE_SUPERVISOR, "supervisor"},
        {ROLE_BILLER, "biller"},   {ROLE_SCHEDULER, "scheduler"}, {ROLE_CLIENT, "client"},
        {ROLE_AUDITOR, "auditor"},
};

unsigned domain_role_bit(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].bit;
	return 0;
}

const char *domain_role_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].bit == bit)
			return roles[i].name;
	return "unknown";
}

void domain_ctx_system(struct domain_ctx *ctx, struct store *s, const struct vault *v)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->store = s;
	ctx->vault = v;
	ctx->actor = "system";
	ctx->role_name = "system";
	ctx->session = "";
	ctx->source = "";
	ctx->request_id = "";
	ctx->purpose = "operations";
	ctx->now = domain_now();
}

/* domain_reaches_client - is the client on the actor's care teams (or
 * their supervisees'), or opened to them by an active break-glass grant?
 * Sets ctx->purpose to match. */
/* reach - the care-team or break-glass part of domain_reaches_client,
 * writing nothing; sets ctx->purpose to match. */
static enum err reach(struct domain_ctx *ctx, int64_t client_id, int *yes)
{
	enum err e = store_care_team_reaches(ctx->store, client_id, ctx->actor_id, yes);

	if (e == ERR_OK && *yes) {
		ctx->purpose = "treatment";
	} else if (e == ERR_OK) {
		e = store_break_glass_active(ctx->store, ctx->actor_id, client_id, ctx->now, yes);
		if (e == ERR_OK && *yes)
			ctx->purpose = "break-glass"; /* flagged in every event it allows */
	}
	return e;
}

enum err domain_reaches_client(struct domain_ctx *ctx, int64_t client_id, int *yes)
{
	enum err e = reach(ctx, client_id, yes);

	if (e == ERR_OK && *yes)
		e = domain_restriction_check(ctx, client_id, 2);
	if (e != ERR_OK)
		*yes = 0;
	return e;
}

enum err domain_restriction_check(struct domain_ctx *ctx, int64_t client_id, int write)
{
	char basis[16] = "";
	enum err e;

	if (ctx->role == 0 && ctx->actor_id == 0)
		return ERR_OK; /* the practice itself: storage, backup, erasure */
	e = store_restriction_get(ctx->store, client_id, basis);
	if (e != ERR_OK || basis[0] == '\0')
		return e;
	if (!write && ctx->role == ROLE_CLIENT && ctx->client_self == client_id)
		return ERR_OK; /* the client keeps their right of access */
	if (!write && (ctx->role == ROLE_OWNER || ctx->role == ROLE_AUDITOR)) {
		ctx->purpose = "legal-claims";
		return ERR_OK;
	}
	domain_audit_refusal_detail(ctx, AUDIT_RESTRICT_REFUSE, client_id, ERR_RESTRICT,
	                            write == 2 ? "need=treatment"
	                            : write    ? "need=write"
	                                       : "need=read");
	return ERR_RESTRICT;
}

enum err domain_client_may(struct domain_ctx *ctx, int64_t client_id, enum access need, int *yes)
{
	enum err e = ERR_OK;

	*yes = 0;
	switch (ctx->role) {
	case 0: /* the CLI acting as the practice itself */ *yes = ctx->actor_id == 0; break;
	case ROLE_OWNER:
	case ROLE_SCHEDULER: *yes = 1; break;
	case ROLE_BILLER:
	case ROLE_AUDITOR: *yes = need == ACCESS_READ; break;
	case ROLE_CLINICIAN: e = domain_reaches_client(ctx, client_id, yes); break;
	case ROLE_SUPERVISOR:
		if (need == ACCESS_READ)
			e = domain_reaches_client(ctx, client_id, yes);
		break;
	case ROLE_CLIENT:
		*yes = need == ACCESS_READ && ctx->client_self != 0 &&
		       ctx->client_self == client_id;
		break;
	default: *yes = 0;
	}
	/* Clinicians and supervisors were checked in domain_reaches_client. */
	if (e == ERR_OK && *yes && ctx->role != ROLE_CLINICIAN && ctx->role != ROLE_SUPERVISOR)
		e = domain_restriction_check(ctx, client_id, need == ACCESS_WRITE);
	if (e != ERR_OK)
		*yes = 0;
	return e;
}

enum err domain_client_access(struct domain_ctx *ctx, int64_t client_id, enum access need)
{
	int yes = 0;
	enum err e = domain_client_may(ctx, client_id, need, &yes);

	if (e != ERR_OK)
		return e;
	if (yes)
		return ERR_OK;
	domain_audit_refusal(ctx, need == ACCESS_READ ? AUDIT_CLIENT_READ : AUDIT_CLIENT_UPDATE,
	                     client_id, ERR_DENIED);
	return ERR_NOTFOUND;
}

enum err domain_reaches_client_quiet(struct domain_ctx *ctx, int64_t client_id, int *yes,
                                     int *restricted)
{
	char basis[16] = "";
	enum err e = reach(ctx, client_id, yes);

	*restricted = 0;
	/* Treatment is refused on a restricted record for everyone but the
	 * practice itself, as in domain_restriction_check(write 2). */
	if (e == ERR_OK && *yes && !(ctx->role == 0 && ctx->actor_id == 0))
		e = store_restriction_get(ctx->store, client_id, basis);
	if (e == ERR_OK && basis[0] != '\0')
		*restricted = 1;
	if (e != ERR_OK || *restricted)
		*yes = 0;
	return e;
}
