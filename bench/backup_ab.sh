#!/usr/bin/env bash
# backup_ab.sh - A/B of `confidant backup` and `restore` between binaries,
# alternated round by round on the same practice, each run starting from
# the same page-cache state, next to cp + fsync of the same database.
#
#   bench/backup_ab.sh PRACTICE_DIR KEYFILE ROUNDS BIN...
#   BACKUP_AB_CACHE=cold|warm   (default cold) state of each run's input
#   BACKUP_AB_WORK=DIR          scratch (default /tmp/backup-ab-$$; removed)
#
# PRACTICE_DIR is written to (each backup appends one audit event): give
# it a copy. Needs build/bench/pagecache (scripts/bench.sh builds it, or
# cc -O2 -o build/bench/pagecache bench/pagecache.c). Prints one line per
# run and the median of each binary's wall time, MB/s (database bytes per
# second) and CPU seconds (user + system, all threads).
set -euo pipefail
if [ $# -lt 4 ]; then
	sed -n '2,15p' "$0" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
data=$1 key=$2 rounds=$3
shift 3
cache=${BACKUP_AB_CACHE:-cold}
pc=$root/build/bench/pagecache
[ -x "$pc" ] || { echo "backup_ab: build $pc first" >&2; exit 2; }
work=${BACKUP_AB_WORK:-/tmp/backup-ab-$$}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
db=$data/confidant.db
res=$work/results.txt
: >"$res"

# run LABEL INPUT CMD... - put INPUT in the cache state, run CMD; prints
# "LABEL wall user+sys resident-before".
run() {
	local label=$1 input=$2 state t
	shift 2
	state=$("$pc" "$cache" "$input" | sed 's/.*"resident_bytes": \([0-9]*\).*/\1/')
	/usr/bin/time -o "$work/time" -f '%e %U %S' "$@" >/dev/null 2>&1
	echo "$label $(awk '{printf "%s %.2f", $1, $2 + $3}' "$work/time") $state"
}

for r in $(seq 1 "$rounds"); do
	i=0
	for bin in "$@"; do
		i=$((i + 1))
		out=$work/b$i.cbk
		rm -rf "$out" "$work/r$i" "$work/c.db"
		mb=$(stat -c %s "$db")
		line=$(run "backup $i" "$db" "$bin" backup --data "$data" --out "$out" --keyfile "$key")
		echo "$line $mb $(stat -c %s "$out")" | tee -a "$res"
		line=$(run "restore $i" "$out" "$bin" restore --in "$out" --data "$work/r$i" --keyfile "$key")
		echo "$line $mb" | tee -a "$res"
		[ -f "$work/r$i/confidant.db" ] || { echo "backup_ab: restore $i wrote nothing" >&2; exit 1; }
		rm -rf "$out" "$work/r$i"
	done
	line=$(run "cp 0" "$db" sh -c 'cp "$1" "$2" && sync "$2"' cp "$db" "$work/c.db")
	echo "$line $(stat -c %s "$db")" | tee -a "$res"
	rm -f "$work/c.db"
done

echo "medians over $rounds rounds, input $cache (bin 0 = cp + fsync):"
awk '{ k = $1 " " $2; n[k]++; w[k, n[k]] = $3; c[k, n[k]] = $4; b[k] = $6 }
function med(a, k, m,   i, j, t, x) {
	for (i = 1; i <= m; i++) x[i] = a[k, i]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
	return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
}
END { for (k in n) { mw = med(w, k, n[k]); printf "  %-10s wall %6.2f s  %7.1f MB/s  cpu %6.2f s\n", k, mw, b[k] / 1e6 / mw, med(c, k, n[k]) } }' "$res" | sort
