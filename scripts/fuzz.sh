#!/usr/bin/env bash
# fuzz.sh [SECONDS] - build the libFuzzer targets in tests/fuzz with clang
# (ASan + UBSan) and run each for SECONDS (default 10) from its seed corpus
# in tests/fuzz/corpus/NAME. Exit non-zero on the first crash; the crashing
# input is left in build/fuzz/. Needs clang and its libFuzzer runtime
# (Debian: clang, libclang-rt-14-dev / llvm's compiler-rt).
set -euo pipefail
secs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/fuzz
mkdir -p "$out"
# The libraries to link: the Makefile's list (make test-fuzz passes it), so
# a dependency added there reaches the fuzz build too.
pkgs=${PKGS:-$(make -s -C "$root" --no-print-directory print-pkgs)}
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=c17 -D_GNU_SOURCE= -I$root/src -I$root/build/release/gen $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lpthread"
libs+=" -lwslay" # WebSocket framing: libwslay-dev ships no pkg-config file
# The code under test, without main(), compiled with the fuzzer's flags.
srcs=$(find "$root/src" -name '*.c' ! -path '*/cli/*' | sort)
gen="$root/build/release/gen/migrations.c $(ls "$root"/build/release/gen/*.c | grep -v migrations.c || true)"
[ -f "$root/build/release/gen/migrations.c" ] || make -C "$root" >/dev/null
# Compile the code under test once (-fsanitize=fuzzer-no-link), link each target.
rm -rf "$out/obj" && mkdir -p "$out/obj"
objs=()
for f in $srcs $gen; do
	o="$out/obj/$(echo "${f#$root/}" | tr / _).o"
	clang ${cflags/fuzzer,/fuzzer-no-link,} -c -o "$o" "$f" &
	objs+=("$o")
	[ "$(jobs -r | wc -l)" -lt "$(nproc)" ] || wait -n
done
wait
for t in "$root"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	clang $cflags -o "$out/$name" "$t" "${objs[@]}" $libs
	corpus=$root/tests/fuzz/corpus/$name
	mkdir -p "$out/$name.corpus"
	echo "fuzz: $name for ${secs}s"
	(cd "$out" && "./$name" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
		"$out/$name.corpus" "$corpus" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true)
	if ls "$out"/crash-* >/dev/null 2>&1; then
		echo "fuzz: $name crashed; inputs in $out" >&2
		exit 1
	fi
done
