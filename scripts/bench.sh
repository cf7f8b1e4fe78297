#!/usr/bin/env bash
# bench.sh BIN - `make bench` (issue 8): install wrk and nginx if missing,
# build the raw-limit programs, make the data set once, run bench/run.mjs.
#
#   BENCH_SIZE=large|medium     data set (default large; medium for a quick run)
#   BENCH_AUDIT_EVENTS=N        audit events appended to the data set
#                               (default 10,000,000 large, as issue 8 asks; 200,000 medium)
#   BENCH_SECONDS=5 BENCH_ROUNDS=3   one timed run, runs per figure (median)
#   BENCH_BACKUP_CACHE=cold,warm   page-cache states of the backup, restore
#                               and cp rows (each state's input set by
#                               build/bench/pagecache; cold is judged)
#
# The data set lives in build/bench/data-SIZE-sSCHEMA-HASH-eEVENTS: keyed by
# the binary's schema version (PRAGMA user_version of a practice it makes)
# and a hash of those migrations, the demo generator and the audit filler,
# so it is remade when any of them changes and reused otherwise. Runs on
# loopback only.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: scripts/bench.sh BIN (build it first: make)" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$root/$1
[ -x "$bin" ] || bin=$1

# ---- tools: wrk and nginx from Debian, only if missing
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench: installing ${missing[*]}" >&2
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# nginx's package starts the system service on port 80: not ours to run.
	$sudo systemctl disable --now nginx >/dev/null 2>&1 || $sudo service nginx stop >/dev/null 2>&1 || true
fi
export PATH=$PATH:/usr/sbin

# ---- the raw-limit programs, and the audit filler (linked with the
# release objects, so it appends events exactly as the server does)
tools=$root/build/bench
mkdir -p "$tools"
cflags=(-std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror)
build() { # build OUT SRC LIBS...
	local out=$1 src=$2
	shift 2
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ "$bin" -nt "$out" ]; then
		cc "${cflags[@]}" -o "$out" "$src" "$@"
	fi
}
build "$tools/sqlite_limit" bench/sqlite_limit.c -lsqlite3
build "$tools/blake2b_limit" bench/blake2b_limit.c -lsodium -lsqlite3
build "$tools/argon2_limit" bench/argon2_limit.c -lsodium -lpthread
build "$tools/pagecache" bench/pagecache.c
# The Makefile's own library list (make bench passes it), so they cannot drift.
pkgs=${PKGS:-$(make -s -C "$(dirname "$0")/.." --no-print-directory print-pkgs)}
objdir=$(dirname "$1")/obj
mapfile -t objs < <(find "$objdir" -name '*.o' ! -path '*/cli/main.o' | sort)
# shellcheck disable=SC2046
build "$tools/audit_fill" bench/audit_fill.c -Isrc -I"$(dirname "$1")/gen" \
	$(pkg-config --cflags $pkgs) "${objs[@]}" $(pkg-config --libs $pkgs) -lpthread -lwslay

# ---- the data set, made once
size=${BENCH_SIZE:-large}
case $size in
large) events=${BENCH_AUDIT_EVENTS:-10000000} ;; # issue 8's size
medium) events=${BENCH_AUDIT_EVENTS:-200000} ;;
*) echo "bench: BENCH_SIZE must be large or medium" >&2; exit 2 ;;
esac
# The binary's schema version: what a fresh practice made by it records.
probe=$(mktemp -d)
"$bin" init --data "$probe/p" --keyfile "$probe/key" --no-passphrase >/dev/null 2>&1
schema=$(sqlite3 "$probe/p/confidant.db" 'PRAGMA user_version')
rm -rf "$probe"
schema=$(printf '%04d' "$schema")
hash=$(for m in src/store/migrations/[0-9]*.sql; do
	[ "$(basename "$m" | cut -c1-4)" -le "$((10#$schema))" ] 2>/dev/null && cat "$m"
done; cat src/cli/demo.c bench/audit_fill.c)
hash=$(printf '%s' "$hash" | sha256sum | cut -c1-10)
data=$root/build/bench/data-$size-s$schema-$hash-e$events
if [ ! -f "$data/meta.json" ]; then
	rm -rf "$data" "$data.tmp"
	mkdir -p "$data.tmp"
	chmod 700 "$data.tmp"
	echo "bench: making the $size data set in $data (once; reused while the schema and generator stay the same)" >&2
	"$bin" init --data "$data.tmp/p" --keyfile "$data.tmp/key" --no-passphrase \
		--practice-name "Bench practice" >"$data.tmp/init.txt" 2>/dev/null
	chmod 600 "$data.tmp/init.txt"
	t0=$(date +%s.%N)
	"$bin" demo --data "$data.tmp/p" --keyfile "$data.tmp/key" --size "$size" 2>/dev/null \
		| tee "$data.tmp/demo.txt" >&2
	t1=$(date +%s.%N)
	fill=$("$tools/audit_fill" "$data.tmp/p" "$data.tmp/key" "$events" 2>/dev/null)
	t2=$(date +%s.%N)
	read -r clients appts notes < <(sed -n 's/^Added [0-9]* clinicians, \([0-9]*\) clients, \([0-9]*\) appointments, \([0-9]*\) notes\..*/\1 \2 \3/p' "$data.tmp/demo.txt")
	cat >"$data.tmp/meta.json" <<JSON
{
	"size": "$size",
	"schema": $((10#$schema)),
	"key": "$(basename "$data")",
	"generated_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
	"clients": ${clients:-0},
	"appointments": ${appts:-0},
	"notes": ${notes:-0},
	"audit_events_filled": $events,
	"audit_fill": $fill,
	"generate_seconds": {"demo": $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}"), "audit_fill": $(awk "BEGIN{printf \"%.1f\", $t2 - $t1}")},
	"db_bytes": $(stat -c %s "$data.tmp/p/confidant.db")
}
JSON
	mv "$data.tmp" "$data"
	# older data sets of the same size are stale now
	find "$root/build/bench" -maxdepth 1 -name "data-$size-*" ! -path "$data" -exec rm -rf {} +
else
	echo "bench: reusing the $size data set $data" >&2
fi

mkdir -p bench/results
CONFIDANT_BIN=$bin BENCH_DATA=$data BENCH_TOOLS=$tools BENCH_WORK=$root/build/bench/work \
	BENCH_OUT=$root/bench/results timeout --foreground 900 node bench/run.mjs
