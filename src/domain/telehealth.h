/*
 * telehealth.h - video sessions of telehealth appointments: who may start
 * or join one, the consent gate, the waiting room, short-lived join tokens
 * and TURN credentials, and ending a session.
 *
 * The video travels browser to browser (WebRTC, DTLS-SRTP end to end);
 * the server only authenticates, relays signaling between admitted
 * participants and mints relay credentials. Nothing is recorded.
 *
 * Who may do what (docs/decisions.md, "Telehealth"):
 *  - start or join: the appointment's clinician and co-facilitators
 *    (hosts) and the appointment's clients through their portal accounts
 *    (guests); everyone else gets an audited 404;
 *  - every start and every join asks the consent gate for purpose
 *    "telehealth" for every client of the appointment: without it the join
 *    is refused (ERR_CONSENT, audited) and no room or token is made, so a
 *    withdrawn consent stops the next join;
 *  - guests wait until a host admits them; hosts are admitted at once;
 *  - admit and end: hosts only (admitting a client asks the gate again).
 * Never: puts a name, a token or a secret in an event or a message; uses
 * the appointment's id as the room id; lets a token outlive the room.
 */
#ifndef CONFIDANT_DOMAIN_TELEHEALTH_H
#define CONFIDANT_DOMAIN_TELEHEALTH_H

#include "auth/auth.h"
#include "auth/turn.h"
#include "domain/domain.h"
#include "store/schedule.h"
#include "store/telehealth.h"

#define TH_GRACE_SECONDS 300 /* a room (and its tokens) lasts this long past the appointment */
#define TH_TURN_URLS_MAX 8   /* relay URIs offered at most */
#define TH_TURN_URL_MAX 128  /* bytes of one URI with its NUL */

/* The relay offered with a join: none when no TURN is configured (then
 * browsers use host candidates only: fine on a LAN or loopback). */
struct th_ice {
	size_t nurls;                                 /* 0: no relay */
	char urls[TH_TURN_URLS_MAX][TH_TURN_URL_MAX]; /* "turn:host:3478"... */
	char username[TURN_USERNAME_MAX];             /* "expiry:random" */
	char credential[TURN_CREDENTIAL_MAX];         /* base64 HMAC-SHA1 */
	int64_t expires_at;                           /* when the credential ends */
};

/* What a join hands back. token is a secret for the joiner only. */
struct th_join {
	char room[33];                    /* room id */
	char appointment[33];             /* the appointment's public id */
	char participant[33];             /* the joiner's participant id */
	char token[AUTH_TOKEN_CHARS + 1]; /* join token (signaling) */
	int64_t token_expires_at;         /* its end */
	int host;                         /* 1: clinician or co-facilitator */
	int admitted;                     /* 0: in the waiting room */
	struct th_ice ice;                /* relay, if configured */
};

/* domain_telehealth_join - start (open a room) or join the video session
 * of telehealth appointment appt_public_id. ERR_NOTFOUND (audited) for
 * anyone not in the appointment; ERR_CONFLICT with ctx->message for an
 * appointment that is not telehealth, was cancelled or has ended;
 * ERR_CONSENT (audited, message naming the purpose) when a client of the
 * appointment has no telehealth consent in force. Audited as
 * telehealth.join per client. out->token is wiped by the caller. */
enum err domain_telehealth_join(struct domain_ctx *ctx, const char *appt_public_id,
                                struct th_join *out);

/* A room as its participants see it. */
struct th_state {
	struct th_room room;                                /* the room */
	char appointment[33];                               /* its appointment */
	int host;                                           /* the reader hosts */
	struct th_participant p[STORE_TH_PARTICIPANTS_MAX]; /* hosts see all, guests themselves */
	size_t n;                                           /* how many */
};

/* domain_telehealth_get - the room for one of its appointment's members
 * (audited 404 for anyone else). Audited as telehealth.read. */
enum err domain_telehealth_get(struct domain_ctx *ctx, const char *room, struct th_state *out);

/* domain_telehealth_admit - a host admits participant (its participant
 * id) from the waiting room; for a client the consent gate is asked again.
 * ERR_NOTFOUND for a non-host or an unknown participant, ERR_CONFLICT for
 * an ended room. *out is the participant afterwards. */
enum err domain_telehealth_admit(struct domain_ctx *ctx, const char *room, const char *participant,
                                 struct th_participant *out);

/* domain_telehealth_end - a host ends the session: the room closes and
 * every token of it expires. ERR_CONFLICT if it already ended. */
enum err domain_telehealth_end(struct domain_ctx *ctx, const char *room);

/* What a signaling join hands the WebSocket hub. */
struct th_signal {
	char room[33];                       /* the room id: the hub's channel */
	char participant[33];                /* the joiner's participant id: their key in it */
	int host;                            /* 1: clinician or co-facilitator */
	int admitted;                        /* 0: in the waiting room (nothing relayed) */
	int64_t clients[STORE_APPT_MEMBERS]; /* the appointment's clients (row ids, kept in
	                                        memory only: a withdrawal closes by them) */
	size_t nclients;                     /* how many */
};

/* domain_telehealth_signal - the first message of a signaling connection:
 * token (len bytes) must be the actor's own current join token of a room
 * still open, the actor still in the appointment, and every client's
 * telehealth consent in force (asked again). Audited as telehealth.signal
 * (ids and the admitted flag only). ERR_NOTFOUND (audited) for a wrong,
 * expired or someone else's token; ERR_CONSENT (audited) when the gate
 * refuses. A guest not yet admitted gets out->admitted = 0.
 * WARNING: the token is compared by its hash only and never kept. */
enum err domain_telehealth_signal(struct domain_ctx *ctx, const char *token, size_t len,
                                  struct th_signal *out);

/* domain_telehealth_consent_client - for consent public id: its client's
 * row id and 1 in *telehealth when its purpose is telehealth. Not
 * audited (the withdrawal itself was): it only tells the hub which
 * connections to close. ERR_NOTFOUND. */
enum err domain_telehealth_consent_client(struct domain_ctx *ctx, const char *consent_id,
                                          int64_t *client_id, int *telehealth);

#endif
