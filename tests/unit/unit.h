/*
 * unit.h - what every unit test includes: cmocka in the right order, and
 * small helpers for temporary directories.
 */
#ifndef CONFIDANT_TEST_UNIT_H
#define CONFIDANT_TEST_UNIT_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* unit_tmpdir - a fresh private directory under $TMPDIR (or /tmp); the
 * returned path is static storage overwritten by the next call. */
static inline const char *unit_tmpdir(void)
{
	static char path[256];
	const char *base = getenv("TMPDIR");

	snprintf(path, sizeof path, "%s/confidant-unit-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(path) == NULL)
		return NULL;
	return path;
}

#endif
