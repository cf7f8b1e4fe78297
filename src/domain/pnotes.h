/*
 * pnotes.h - psychotherapy notes (HIPAA 164.501) and the author keys that
 * seal them (docs/design/psychotherapy-notes.md).
 *
 * Who may do what: the author (a clinician or supervisor on the client's
 * care team) writes, reads and changes their own notes and shares one with
 * a supervisor who supervises them; that supervisor reads it, nothing more.
 * Everyone else - other clinicians on the team, the owner, billers,
 * schedulers, auditors, the client - gets ERR_NOTFOUND, audited. Reading or
 * writing text needs the actor's author key, held for the session since
 * sign-in or re-authentication; without it (a server restart, a password
 * reset) the answer is ERR_DENIED with a message naming the re-auth route.
 * Never: puts note text in an event, a message or a log; lets any other
 * code path (exports, search, claims, portal, AI) reach these notes.
 */
#ifndef CONFIDANT_DOMAIN_PNOTES_H
#define CONFIDANT_DOMAIN_PNOTES_H

#include "auth/auth.h"
#include "domain/domain.h"
#include "domain/recovery.h"
#include "store/pnotes.h"

#define PNOTE_BODY_MAX (64 * 1024) /* bytes of one note's text */
#define PNOTE_LIST_MAX 500         /* notes one list answers */

/* domain_author_key_unlock - after a sign-in or re-authentication of user
 * u (password in hand, code the TOTP or recovery code given, may be NULL):
 * open (or, the first time, create) u's author key and hold it for
 * session (public id) until expires_at. A recovery code opens it when the
 * password no longer does (after an owner's reset), and the key is then
 * wrapped under the password again. Only clinicians and supervisors have
 * one. Failures leave the session without a key (notes answer 403), never
 * fail the sign-in; the result is for tests and logs. */
enum err domain_author_key_unlock(struct domain_ctx *ctx, const struct user_auth *u,
                                  const char *session, int64_t expires_at, const char *password,
                                  const char *code);

/* A password wrap of an author key computed before a password change's
 * transaction (Argon2id is slow; no lock is held meanwhile). */
struct author_rewrap {
	int ready;                 /* non-zero: row holds the new wrap */
	struct author_key_row row; /* the row to store */
};

/* domain_author_key_rewrap_prepare - for p's password change from current
 * to next: the author key (held for the session, or opened with current)
 * wrapped under next into out, and held for session until expires_at. out->ready stays 0 when p has
 * no key, or it cannot be opened (then it stays under the old password until a recovery code is
 * used). */
void domain_author_key_rewrap_prepare(struct domain_ctx *ctx, int64_t user_id, const char *session,
                                      int64_t expires_at, const char *current, const char *next,
                                      struct author_rewrap *out);

/* domain_author_key_rewrap_store - store a prepared wrap, inside the
 * password change's transaction. */
enum err domain_author_key_rewrap_store(struct domain_ctx *ctx, struct author_rewrap *rw);

/* domain_author_recovery_set - after new recovery codes were made for
 * user_id (inside that transaction): wrap the author key held for session
 * under a key from each code's stretched secret (domain/recovery.h), found
 * again by its stored hash; without a held key, forget the old wraps
 * (their codes are gone). */
enum err domain_author_recovery_set(struct domain_ctx *ctx, int64_t user_id, const char *session,
                                    const struct recovery_secret *codes, size_t n);

/* domain_pnote_create - write a note on client_public_id with text body;
 * out gets the note (with its text). Audited as psychotherapy_note.create. */
enum err domain_pnote_create(struct domain_ctx *ctx, const char *client_public_id, const char *body,
                             struct pnote *out);

/* domain_pnote_list - the actor's own notes on the client and those
 * shared with them, without text. Audited with the count. */
enum err domain_pnote_list(struct domain_ctx *ctx, const char *client_public_id, struct pnote *out,
                           size_t max, size_t *n);

/* domain_pnote_get - one note with its text; for the author also whom it
 * is shared with (shares, *nshares). ERR_CRYPTO if it fails to open
 * (audited, nothing returned). */
enum err domain_pnote_get(struct domain_ctx *ctx, const char *public_id, struct pnote *out,
                          char (*shares)[33], size_t max_shares, size_t *nshares);

/* domain_pnote_update - replace the text of the author's note if it is
 * still at version (ERR_CONFLICT if not). */
enum err domain_pnote_update(struct domain_ctx *ctx, const char *public_id, int64_t version,
                             const char *body, struct pnote *out);

/* domain_pnote_share - share (on = 1) or unshare (on = 0) the author's
 * note with user_public_id, who must be a supervisor supervising the
 * author (ERR_INVAL otherwise; ERR_CONFLICT if they have no key pair yet;
 * ERR_NOTFOUND when unsharing what was not shared). */
enum err domain_pnote_share(struct domain_ctx *ctx, const char *public_id,
                            const char *user_public_id, int on);

#endif
