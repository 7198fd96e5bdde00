#!/usr/bin/env bash
# The result fixtures and the known-failure/waiver fixtures name checks of
# the real catalogue: a fixture that outlives a renamed check would keep
# testing reports of results no run can produce. Ids the catalogue lacks are
# allowed only through harness/tests/data/unknown-check-ids.txt, each with
# its reason; an entry there that no fixture uses, or that the catalogue now
# has, is stale and fails too.
. "$(dirname "$0")/lib.sh"
data="$PF_SOURCE_DIR/harness/tests/data"
"$PLUGFEST" list --json | jq -r '.[].id' | sort -u > "$scratch/catalogue"
[ "$(wc -l < "$scratch/catalogue")" -ge 10 ] || fail "plugfest list --json gave $(wc -l < "$scratch/catalogue") check ids"
grep -v '^[[:space:]]*\(#\|$\)' "$data/unknown-check-ids.txt" | awk '{ print $1 }' | sort -u > "$scratch/allowed"
[ -s "$scratch/allowed" ] || fail "unknown-check-ids.txt lists nothing"

fixtures=("$data"/results/*.json)
[ ${#fixtures[@]} -ge 4 ] || fail "only ${#fixtures[@]} result fixtures found"
jq -r '.results[].test, (.findings[] | .test // empty)' "${fixtures[@]}" | sort -u > "$scratch/ids"
[ "$(wc -l < "$scratch/ids")" -ge 10 ] || fail "the result fixtures name $(wc -l < "$scratch/ids") check ids"
awk '/^    test:/ { gsub(/"/, "", $2); print $2 }' "$data"/profiles/*-fixture.yaml | sort -u > "$scratch/patterns"
[ -s "$scratch/patterns" ] || fail "no test: patterns found in the waiver fixtures"

bad=0
# a result names one check id: it must be in the catalogue or allowed
while read -r id; do
  grep -qxF -- "$id" "$scratch/catalogue" && continue
  grep -qxF -- "$id" "$scratch/allowed" && continue
  echo "FAIL: a result fixture names '$id', which is not in the catalogue" >&2
  bad=1
done < "$scratch/ids"
# a known-failure/waiver pattern must match a catalogue check or be allowed
matches_catalogue() {
  local c
  while read -r c; do
    # shellcheck disable=SC2053
    [[ $c == $1 ]] && return 0
  done < "$scratch/catalogue"
  return 1
}
while read -r pat; do
  matches_catalogue "$pat" && continue
  grep -qxF -- "$pat" "$scratch/allowed" && continue
  echo "FAIL: a waiver fixture's test '$pat' matches no check in the catalogue" >&2
  bad=1
done < "$scratch/patterns"
# every allowed id is still needed: used by a fixture, absent from the catalogue
while read -r a; do
  grep -qxF -- "$a" "$scratch/ids" || grep -qxF -- "$a" "$scratch/patterns" ||
    { echo "FAIL: unknown-check-ids.txt lists '$a', which no fixture names" >&2; bad=1; }
  if matches_catalogue "$a"; then
    echo "FAIL: unknown-check-ids.txt lists '$a', but the catalogue has it now: use the real check" >&2
    bad=1
  fi
done < "$scratch/allowed"
[ $bad -eq 0 ] || fail "fixtures name check ids outside the catalogue"
pass "$(wc -l < "$scratch/ids") check ids and $(wc -l < "$scratch/patterns") waiver patterns in the fixtures: all in the catalogue or allowed with a reason"
