/*
 * feeds.h - per-clinician calendar feeds (.ics, RFC 5545).
 *
 * A clinician (or the owner for them) makes a secret feed URL; making it
 * again rotates the token (the old one stops working), revoking ends it.
 * Only a hash of the token is kept. The feed lists the clinician's own and
 * co-facilitated appointments from FEED_PAST_DAYS ago to FEED_FUTURE_DAYS
 * ahead, each occurrence of a series as its own event (the rows the views
 * show, exceptions included), times in UTC. An event names its client by
 * the feed_label setting: an internal id (default, "C-" and 8 hex digits of
 * the client's public id), initials, or first name; never the service, a
 * memo or anything clinical. A group is "Group appointment".
 *
 * Consent: the default feed carries no PHI (a time and an opaque id), and
 * it goes to the clinician's own calendar; no client consent is asked.
 * Initials or a first name make it PHI held by the clinician's calendar
 * provider: the practice chooses that with the setting (docs/decisions.md).
 * Never: keeps or logs a token; shows a feed for a revoked token.
 */
#ifndef CONFIDANT_DOMAIN_FEEDS_H
#define CONFIDANT_DOMAIN_FEEDS_H

#include "core/buf.h"
#include "domain/domain.h"

#define FEED_TOKEN_HEX 64                /* hex digits of a token (32 random bytes) */
#define FEED_PAST_DAYS 30                /* the feed starts this many days ago */
#define FEED_FUTURE_DAYS 180             /* and ends this many days ahead */
#define FEED_EVENTS_MAX 2000             /* events one feed lists at most */
#define FEED_BYTES_MAX (2 * 1024 * 1024) /* largest feed */

/* domain_feed_create - a new feed for clinician (the clinician themself or
 * the owner), revoking any before it; token gets the secret (shown once).
 * Audited as feed.setup. */
enum err domain_feed_create(struct domain_ctx *ctx, const char *clinician,
                            char token[FEED_TOKEN_HEX + 1]);

/* domain_feed_revoke - end the clinician's feed; ERR_NOTFOUND if none. */
enum err domain_feed_revoke(struct domain_ctx *ctx, const char *clinician);

/* domain_feed_status - whether the clinician has a feed, and since when. */
enum err domain_feed_status(struct domain_ctx *ctx, const char *clinician, int *active,
                            int64_t *created_at);

/* domain_feed_render - the feed of token into out (text/calendar). Public:
 * the token is the credential. ERR_NOTFOUND for an unknown or revoked
 * token. The feed acts as its clinician: who gets their public id and
 * ctx->actor points at it. Audited as feed.read, with the event count. */
enum err domain_feed_render(struct domain_ctx *ctx, const char *token, char who[33],
                            struct buf *out);

#endif
