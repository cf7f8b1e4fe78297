#!/usr/bin/env bash
# check-icd10.sh [FILE] - offline checks of the shipped ICD-10-CM list
# (data/icd10cm.tsv by default) beyond what embed-icd10.sh refuses. No
# network is needed or used: the CMS code files cannot be fetched here, so
# these are the errors that can be found from the list alone
# (docs/icd10.md):
#   1. format: CODE<TAB>TITLE; a code is a letter, two characters, then an
#      optional dot and 1-4 characters; no blank, padded or doubled-space
#      titles; no CR line ends;
#   2. duplicates: of codes (with or without the dot) and of titles;
#   3. parent/child: the list holds billable codes only, so no code may be
#      the parent (a prefix) of another code in the list (a parent is a
#      category header, never billable);
#   4. 7th characters: injury and poisoning codes (S, T) and the other
#      codes that take a 7th character here (R40.2x coma scale) must have
#      all 7, with X placeholders only in the 5th and 6th places, and no
#      other code may use an X placeholder;
#   5. sorted by byte (LC_ALL=C), as domain/icd10.c bisects it.
# Prints each problem and exits 1 if there is any.
set -euo pipefail
# Plain POSIX awk (mawk has no {m,n} intervals).
list=${1:-data/icd10cm.tsv}
export LC_ALL=C
awk -F'\t' '
function problem(msg) { printf "check-icd10: %s:%d: %s\n", FILENAME, NR, msg; bad = 1 }
/^#/ { next }
/\r$/ { problem("CR line end") }
{
	if (NF != 2) { problem("not CODE<TAB>TITLE"); next }
	code = $1; title = $2
	if (code !~ /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z][0-9A-Z]?[0-9A-Z]?[0-9A-Z]?)?$/) problem("malformed code " code)
	if (title ~ /^ | $/) problem("title of " code " has leading or trailing spaces")
	if (title ~ /  /) problem("title of " code " has doubled spaces")
	if (title == "") problem("empty title for " code)
	bare = code; gsub(/\./, "", bare)
	if (bare in seen) problem("duplicate code " code " (line " seen[bare] ")")
	seen[bare] = NR
	if (title in titles) problem("duplicate title of " code " and " titles[title])
	titles[title] = code
	if (prev != "" && code <= prev) problem("not sorted: " code " after " prev)
	prev = code
	codes[NR] = bare; orig[bare] = code
	seven = (bare ~ /^[ST]/) || (bare ~ /^R402[0-4]/)
	if (seven && length(bare) != 7) problem(code " needs a 7th character")
	if (seven && substr(bare, 4, 3) !~ /^[0-9A-WYZ]*X*$/) problem(code " has a misplaced X placeholder")
	if (!seven && bare ~ /X/ && length(bare) == 7) problem(code " has a 7th character it does not take")
}
END {
	for (i in codes) for (j in codes) {
		a = codes[i]; b = codes[j]
		if (a != b && length(a) < length(b) && substr(b, 1, length(a)) == a)
			problem("line " i ": " orig[a] " is the parent of " orig[b] " (a header is not billable)")
	}
	exit bad
}' "$list"
echo "check-icd10: $list: $(grep -vc '^#' "$list") codes, no problems found"
