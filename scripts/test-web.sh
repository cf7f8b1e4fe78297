#!/usr/bin/env bash
# test-web.sh BIN - run the browser tests (tests/web/*.test.mjs: node:test,
# playwright-core driving Debian's /usr/bin/chromium, @axe-core/playwright)
# against the confidant binary BIN, one test file at a time.
# Installs the npm test tools from package-lock.json (npm ci) when
# node_modules is missing or older than the lock file. Exit status: node's.
set -uo pipefail
if [ $# -ne 1 ]; then
	echo "usage: scripts/test-web.sh BIN" >&2
	exit 2
fi
if [ ! -x "$1" ]; then
	echo "test-web: $1 is not an executable (build it first: make)" >&2
	exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
chromium=${CONFIDANT_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
	echo "test-web: $chromium is missing (scripts/deps.sh installs Debian's chromium)" >&2
	exit 2
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund || exit 2
	touch node_modules
fi
CONFIDANT_BIN="$bin" node --test --test-reporter=spec --test-concurrency=1 tests/web/
exit $?
