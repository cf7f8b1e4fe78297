#!/usr/bin/env bash
# test-api.sh BIN - run the API integration tests (tests/api/*.test.mjs,
# Node built-ins only) against the confidant binary BIN over loopback HTTPS.
# Exit status: node's.
# The export test validates FHIR with npm tools (@asymmetrik/fhir-json-schema-
# validator, @medplum/core): installed from package-lock.json (npm ci) when
# node_modules is missing or older than the lock file, as test-web.sh does.
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
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund || exit 2
	touch node_modules
fi
CONFIDANT_BIN="$bin" node --test --test-reporter=spec --test-concurrency=2 tests/api/
exit $?
