/*
 * blake2b_limit.c - the hashing limit `confidant audit verify` is measured
 * against: keyed BLAKE2b-256 (libsodium crypto_generichash, as vault_mac)
 * over the same bytes verify hashes, read from the same database.
 *
 *   blake2b_limit DB
 *
 * Reads every audit event (the columns and order verify reads), builds the
 * format-2 canonical bytes (prev_hash, then length-prefixed fields,
 * docs/internals/audit.md) into 64 MiB arenas, and hashes each arena's
 * events with a random key. Prints one JSON object:
 *   hash_events_per_s  events per second of hashing alone (the limit)
 *   hash_mb_per_s      the same in canonical bytes
 *   scan_events_per_s  events per second of reading rows and building the
 *                      bytes, hashing included (what any verifier must do)
 * The chain is not checked: this is the cost of the arithmetic, not a
 * verifier.
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARENA (64u << 20)
#define ROW_MAX (64u << 10)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char *put(unsigned char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static unsigned char *put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static unsigned char *put_lp(unsigned char *p, const unsigned char *s, size_t n)
{
	int i;

	for (i = 0; i < 4; i++)
		*p++ = (unsigned char)(n >> (8 * i));
	return n ? put(p, s, n) : p;
}

/* hash_arena - hash each event in the arena (lengths in len[]); seconds. */
static double hash_arena(const unsigned char *a, const uint32_t *len, size_t n,
                         const unsigned char key[32], unsigned char out[32])
{
	double t0 = now();
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		crypto_generichash(out, 32, a + off, len[i], key, 32);
		off += len[i];
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	/* text columns in the order row_hash_v2 puts them */
	static const int text[] = {2, 11, 12, 13, 3, 14, 15, 16, 5, 6, 7};
	unsigned char key[32], out[32], *arena, *p;
	uint32_t *len;
	size_t n = 0, total = 0, bytes = 0, i;
	double t0, hashing = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: blake2b_limit DB\n");
		return 2;
	}
	arena = malloc(ARENA);
	len = malloc(sizeof *len * (ARENA / 64));
	if (arena == NULL || len == NULL)
		return 1;
	randombytes_buf(key, sizeof key);
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT seq, at, actor, event, client_id, outcome, request_id, "
	                       "detail, prev_hash, hash, format, actor_role, session, source, "
	                       "object_type, object_id, purpose FROM audit_events ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "blake2b_limit: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = now();
	p = arena;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char *start;
		size_t k;

		if ((size_t)(p - arena) + ROW_MAX > ARENA || n == ARENA / 64) {
			hashing += hash_arena(arena, len, n, key, out);
			total += n;
			n = 0;
			p = arena;
		}
		start = p;
		if (sqlite3_column_bytes(st, 8) == 32)
			p = put(p, sqlite3_column_blob(st, 8), 32);
		else
			p = put(p, out, 32);
		p = put_lp(p, (const unsigned char *)"confidant/audit/v2", 18);
		p = put_u64(p, (uint64_t)sqlite3_column_int64(st, 0));
		p = put_u64(p, (uint64_t)sqlite3_column_int64(st, 1));
		p = put_u64(p, (uint64_t)sqlite3_column_int64(st, 4));
		for (k = 0; k < sizeof text / sizeof text[0]; k++) {
			const unsigned char *s = sqlite3_column_text(st, text[k]);
			size_t sl = (size_t)sqlite3_column_bytes(st, text[k]);

			if (sl > 4096)
				sl = 4096;
			p = put_lp(p, s, s ? sl : 0);
		}
		len[n++] = (uint32_t)(p - start);
		bytes += (size_t)(p - start);
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "blake2b_limit: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	hashing += hash_arena(arena, len, n, key, out);
	total += n;
	t0 = now() - t0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	for (i = 0; i < 32; i++) /* keep the result live */
		key[0] ^= out[i];
	printf("{\"events\": %zu, \"bytes\": %zu, \"hash_events_per_s\": %.0f, "
	       "\"hash_mb_per_s\": %.1f, \"scan_events_per_s\": %.0f, \"seconds\": %.3f, "
	       "\"check\": %u}\n",
	       total, bytes, (double)total / hashing, (double)bytes / hashing / 1e6,
	       (double)total / t0, t0, key[0]);
	free(arena);
	free(len);
	return 0;
}
