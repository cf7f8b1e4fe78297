#!/usr/bin/env bash
# test-api.sh BIN - run the API integration tests (tests/api/*.test.mjs,
# Node built-ins only) against the confidant binary BIN over loopback HTTPS.
# Exit status: node's.
set -uo pipefail
if [ $# -ne 1 ]; then
	echo "usage: scripts/test-api.sh BIN" >&2
	exit 2
fi
if [ ! -x "$1" ]; then
	echo "test-api: $1 is not an executable (build it first: make)" >&2
	exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
CONFIDANT_BIN="$bin" node --test --test-reporter=spec --test-concurrency=2 tests/api/
exit $?
