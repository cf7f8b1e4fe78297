#!/usr/bin/env bash
# deps.sh - install the Debian packages Confidant needs, only when missing.
# A library counts as present when pkg-config finds it; a tool when it is on
# PATH. apt-get runs only if something is missing, so a set-up machine
# never touches the network.
set -euo pipefail

libs=(libmicrohttpd:libmicrohttpd-dev jansson:libjansson-dev sqlite3:libsqlite3-dev
      libsodium:libsodium-dev libzstd:libzstd-dev gnutls:libgnutls28-dev cmocka:libcmocka-dev
      liboath:liboath-dev libqrencode:libqrencode-dev)
libs+=(libical:libical-dev) # RRULE expansion and zones (scheduling)
libs+=(libcurl:libcurl4-gnutls-dev) # reminders: SMTP and the SMS gateway (GnuTLS, like the server)
libs+=(zlib:zlib1g-dev)            # gzip copies of the web app's text files
libs+=(cairo:libcairo2-dev pangocairo:libpango1.0-dev) # PDF documents (src/pdf/)
tools=(pkg-config:pkg-config openssl:openssl curl:curl node:nodejs sqlite3:sqlite3
       clang-format:clang-format chromium:chromium clang:clang)
tools+=(pdftotext:poppler-utils pdfinfo:poppler-utils) # tests/api/pdf.test.mjs reads the PDFs

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
for pair in "${libs[@]}"; do
	pc=${pair%%:*} deb=${pair#*:}
	if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$pc"; then
		missing+=("$deb")
	fi
done
for pair in "${tools[@]}"; do
	cmd=${pair%%:*} deb=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing+=("$deb")
done
# WebSocket framing (signaling); libwslay-dev ships no pkg-config file
[ -e /usr/include/wslay/wslay.h ] || missing+=(libwslay-dev)
# iCalendar feeds are checked with Debian's python3-icalendar (tests/api/feeds.test.mjs)
/usr/bin/python3 -c 'import icalendar' >/dev/null 2>&1 || missing+=(python3-icalendar)
# PDFs need a font fontconfig can find; DejaVu covers Latin, Greek and Cyrillic names
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# gcc's sanitizer runtimes come with gcc on Debian; libFuzzer's (for
# scripts/fuzz.sh) comes with a separate package.
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null ||
	missing+=(libclang-rt-14-dev)

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "deps: installing ${missing[*]}" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
