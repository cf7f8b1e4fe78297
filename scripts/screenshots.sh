#!/usr/bin/env bash
# screenshots.sh BIN [DIR] - regenerate the PNG screenshots of the web app's
# main screens (default DIR: docs/screenshots) from a fresh synthetic demo
# practice that BIN serves on 127.0.0.1 (a random port), with Debian's
# Chromium and playwright-core (scripts/screenshots.mjs). Exit status: node's.
set -uo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: scripts/screenshots.sh BIN [DIR]" >&2
	exit 2
fi
if [ ! -x "$1" ]; then
	echo "screenshots: $1 is not an executable (build it first: make)" >&2
	exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
out=${2:-docs/screenshots}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund || exit 2
	touch node_modules
fi
CONFIDANT_BIN="$bin" node scripts/screenshots.mjs "$out"
