/*
 * random.c - random identifiers for the domain: export ids, pseudonyms,
 * tokens. Never: seeds or implements a generator (the vault's does).
 */
#include "domain/domain.h"

#include "core/mem.h"

void domain_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[64];
	size_t i;

	if (nbytes > sizeof b)
		nbytes = sizeof b;
	vault_random(b, nbytes);
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * nbytes] = '\0';
	mem_wipe(b, nbytes); /* a token's bytes must not linger on the stack */
}
