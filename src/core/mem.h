/*
 * mem.h - allocation helpers with overflow checks, and wiping.
 *
 * Responsible for: the arithmetic that must never overflow when sizing
 * memory, and zeroing memory that held secrets or plaintext PHI.
 * Never: aborts on a failed allocation; callers get NULL and return ERR_NOMEM.
 */
#ifndef CONFIDANT_CORE_MEM_H
#define CONFIDANT_CORE_MEM_H

#include <stddef.h>
#include <stdint.h>

/* mem_calloc_array - zeroed n*size bytes; NULL on overflow or no memory. */
void *mem_calloc_array(size_t n, size_t size);

/* mem_malloc_array - n*size bytes, not zeroed (for arrays whose filler
 * sets every element it hands back); NULL on overflow or no memory. */
void *mem_malloc_array(size_t n, size_t size);

/* mem_add_ok - non-zero when a + b fits in size_t (written to *out). */
int mem_add_ok(size_t a, size_t b, size_t *out);

/* mem_wipe - zero n bytes in a way the compiler cannot remove. */
void mem_wipe(void *p, size_t n);

/* mem_free_wiped_str - wipe a NUL-terminated string and free it. NULL ok. */
void mem_free_wiped_str(char *s);

/* mem_strdup - strdup that returns NULL on NULL input or no memory. */
char *mem_strdup(const char *s);

#endif
