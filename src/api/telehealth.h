/*
 * telehealth.h - handlers for video sessions (api/telehealth.c; bodies and
 * answers in docs/api.md, "Telehealth"; rules in domain/telehealth.h).
 */
#ifndef CONFIDANT_API_TELEHEALTH_H
#define CONFIDANT_API_TELEHEALTH_H

#include "api/api.h"

enum err api_telehealth_join(struct app *app, const struct http_request *rq,
                             struct http_response *rs);
enum err api_telehealth_get(struct app *app, const struct http_request *rq,
                            struct http_response *rs);
enum err api_telehealth_admit(struct app *app, const struct http_request *rq,
                              struct http_response *rs);
enum err api_telehealth_end(struct app *app, const struct http_request *rq,
                            struct http_response *rs);

/* Signaling (api/telehealth_signal.c). api_telehealth_signal upgrades
 * GET /api/v1/telehealth/{room}/signal to the signaling WebSocket. */
enum err api_telehealth_signal(struct app *app, const struct http_request *rq,
                               struct http_response *rs);
/* api_telehealth_signal_ended - room ended: close its connections. */
void api_telehealth_signal_ended(const struct http_request *rq, const char *room);
/* api_telehealth_signal_admitted - tell participant's waiting connection. */
void api_telehealth_signal_admitted(const struct http_request *rq, const char *room,
                                    const char *participant);
/* api_telehealth_signal_withdrawn - consent_id was withdrawn: if it was a
 * telehealth consent, close every connection of its client's rooms. */
void api_telehealth_signal_withdrawn(struct app *app, const struct http_request *rq,
                                     const char *consent_id);

/* api_telehealth_relay - what a joined participant self's signaling
 * message msg (len bytes) becomes when relayed: an offer, answer, ice or
 * bye with only its own fields, "to" (a participant id) taken out into to
 * ("" for everyone) and "from" set to self, written to out. ERR_INVAL for
 * anything else (nothing written). Pure: the fuzz target calls it. */
struct buf;
enum err api_telehealth_relay(const char *self, const char *msg, size_t len, struct buf *out,
                              char to[HTTP_WS_KEY_MAX]);

#endif
