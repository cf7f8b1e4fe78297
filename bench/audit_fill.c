/*
 * audit_fill.c - bench only: append N synthetic events to a practice's audit
 * trail through the real audit_emit(), so `confidant audit verify` has a
 * trail of the size issue 8 asks for (the demo writes one event).
 *
 * Linked with the release build's objects (not src/ changes): the events are
 * chained, keyed and checkpointed exactly as the server writes them. They
 * look like a busy practice's reads: mostly client.read by clinicians, some
 * list/update/login events, 20 events a second, so a signed checkpoint
 * follows every 1,000 events (AUDIT_CHECKPOINT_EVERY).
 *
 *   audit_fill DIR KEYFILE N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "store/store.h"

#define FILL_BATCH 20000   /* events per transaction */
#define FILL_PER_SECOND 20 /* events per second of "at" */

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	struct vault *v = NULL;
	char actor[32], session[40], request[40], object[32];
	long long n, i;
	int64_t first;
	struct timespec t0, t1;
	enum err e = ERR_OK;

	if (argc != 4 || (n = strtoll(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: audit_fill DIR KEYFILE N\n");
		return 2;
	}
	if (cli_practice_open("audit_fill", argv[1], argv[2], &s, &v) != ERR_OK)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	first = (int64_t)time(NULL) - n / FILL_PER_SECOND;
	for (i = 0; i < n && e == ERR_OK; i++) {
		unsigned r = (unsigned)(rnd() % 100);
		long long client = 1 + (long long)(rnd() % 20000);
		struct audit_entry a = {
		        .event = AUDIT_CLIENT_READ,
		        .actor = actor,
		        .client_id = client,
		        .outcome = ERR_OK,
		        .request_id = request,
		        .detail = "",
		        .at = first + i / FILL_PER_SECOND,
		        .actor_role = "clinician",
		        .session = session,
		        .source = "192.168.1.20",
		        .object_type = "client",
		        .object_id = object,
		        .purpose = "treatment",
		};

		if (i % FILL_BATCH == 0) {
			if (i > 0)
				e = store_commit(s);
			if (e == ERR_OK)
				e = store_begin(s);
			if (e != ERR_OK)
				break;
		}
		if (r >= 97) {
			a.event = AUDIT_CLIENT_UPDATE;
		} else if (r >= 94) {
			a.event = AUDIT_CLIENT_LIST;
			a.client_id = 0;
			a.object_id = "";
			a.detail = "count=50";
		} else if (r >= 93) {
			a.event = AUDIT_LOGIN;
			a.client_id = 0;
			a.object_type = "session";
		}
		snprintf(actor, sizeof actor, "u%016llx", (unsigned long long)(rnd() % 50));
		snprintf(session, sizeof session, "s%024llx", (unsigned long long)(i / 200));
		snprintf(request, sizeof request, "%016llx%08llx", (unsigned long long)rnd(),
		         (unsigned long long)i);
		snprintf(object, sizeof object, "c%016llx", client);
		e = audit_emit(s, v, &a);
	}
	if (e == ERR_OK)
		e = store_commit(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_close(s);
	vault_free(v);
	if (e != ERR_OK) {
		fprintf(stderr, "audit_fill: stopped at event %lld (%s)\n", i, err_name(e));
		return 1;
	}
	printf("{\"events\": %lld, \"seconds\": %.3f}\n", n,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
