#!/usr/bin/env bash
# test-unit.sh BIN... - run each unit test binary; fail if any fails.
set -uo pipefail
fail=0
for t in "$@"; do
	if ! "$t"; then
		echo "FAILED: $t" >&2
		fail=1
	fi
done
exit $fail
