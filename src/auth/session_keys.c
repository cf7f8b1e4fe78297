/*
 * session_keys.c - the table of author keys held for sessions (see
 * session_keys.h). A small array scanned under one mutex: there are at most
 * a few hundred clinicians signed in, and each scan is a string compare.
 * Every key lives in its own sodium_malloc block (guard pages, mlock,
 * wiped on free). Never: keeps an entry past its session.
 */
#include "auth/session_keys.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

struct entry {
	char session[33];      /* session public id; "" when the slot is free */
	int64_t user_id;       /* whose key */
	int64_t expires_at;    /* the session's absolute end */
	int64_t last_used;     /* last request of the session (idle clock) */
	struct vault_key *key; /* the AK, in locked memory */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[SESSION_KEYS_MAX];
static unsigned used; /* slots [0, used) may be in use */

/* clear - wipe and free one slot. Caller holds lock. */
static void clear(struct entry *en)
{
	vault_key_free(en->key);
	sodium_memzero(en, sizeof *en);
}

/* find - the slot of session, or NULL. Caller holds lock. */
static struct entry *find(const char *session)
{
	unsigned i;

	for (i = 0; i < used; i++)
		if (table[i].session[0] != '\0' && strcmp(table[i].session, session) == 0)
			return &table[i];
	return NULL;
}

enum err auth_session_key_put(const char *session, int64_t user_id, int64_t expires_at, int64_t now,
                              const struct vault_key *ak)
{
	struct entry *en;
	unsigned i;
	enum err e = ERR_OK;

	if (session == NULL || strlen(session) != 32)
		return ERR_INVAL;
	pthread_mutex_lock(&lock);
	en = find(session);
	for (i = 0; en == NULL && i < used; i++)
		if (table[i].session[0] == '\0')
			en = &table[i];
	if (en == NULL && used < SESSION_KEYS_MAX)
		en = &table[used++];
	if (en == NULL) {
		e = ERR_BUSY;
		goto out;
	}
	if (en->key == NULL)
		en->key = vault_key_new();
	if (en->key == NULL) {
		clear(en);
		e = ERR_NOMEM;
		goto out;
	}
	memcpy(en->session, session, 33);
	en->user_id = user_id;
	en->expires_at = expires_at;
	en->last_used = now;
	*en->key = *ak;
out:
	pthread_mutex_unlock(&lock);
	return e;
}

enum err auth_session_key_get(const char *session, int64_t user_id, int64_t now,
                              struct vault_key *out)
{
	struct entry *en;
	enum err e = ERR_NOTFOUND;

	if (session == NULL)
		return ERR_NOTFOUND;
	pthread_mutex_lock(&lock);
	en = find(session);
	if (en != NULL && now >= en->expires_at)
		clear(en);
	else if (en != NULL && en->user_id == user_id) {
		*out = *en->key;
		e = ERR_OK;
	}
	pthread_mutex_unlock(&lock);
	return e;
}

void auth_session_key_touch(const char *session, int64_t now, int64_t idle)
{
	unsigned i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < used; i++) {
		struct entry *en = &table[i];

		if (en->session[0] == '\0')
			continue;
		if (session != NULL && strcmp(en->session, session) == 0)
			en->last_used = now;
		else if (now >= en->expires_at || now - en->last_used >= idle)
			clear(en);
	}
	while (used > 0 && table[used - 1].session[0] == '\0')
		used--;
	pthread_mutex_unlock(&lock);
}

void auth_session_key_drop(const char *session)
{
	struct entry *en;

	if (session == NULL)
		return;
	pthread_mutex_lock(&lock);
	en = find(session);
	if (en != NULL)
		clear(en);
	pthread_mutex_unlock(&lock);
}

void auth_session_key_drop_user(int64_t user_id)
{
	unsigned i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < used; i++)
		if (table[i].session[0] != '\0' && table[i].user_id == user_id)
			clear(&table[i]);
	pthread_mutex_unlock(&lock);
}

unsigned auth_session_key_count(void)
{
	unsigned i, n = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < used; i++)
		n += table[i].session[0] != '\0';
	pthread_mutex_unlock(&lock);
	return n;
}
