#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shipped known-failure and waiver entries against the real calendar:
# fails 60 days before any entry expires, naming it, so a maintainer
# re-reviews the deviation before CI (which applies entries on a fixed
# date, see lib.sh) and users (who apply them on today's date) diverge.
# Also shows that the fixed date is what the runner uses: the same results
# re-scored with PF_TODAY after the expiry turn the known failures into
# failures.
. "$(dirname "$0")/lib.sh"
margin_days=${PF_EXPIRY_MARGIN_DAYS:-60}
limit=$(date -u -d "+${margin_days} days" +%Y-%m-%d)
n=0
for f in "$PF_SOURCE_DIR"/profiles/known-failures/*.yaml; do
  while read -r id expires; do
    n=$((n + 1))
    [[ "$expires" > "$limit" ]] || fail "$(basename "$f"): entry $id expires on $expires, within $margin_days days (review it: still a deviation? then extend; fixed? then remove)"
  done < <(awk '/^  - id:/ { id = $3 } /^    expires:/ { print id, $2 }' "$f")
done
[ "$n" -gt 0 ] || fail "no expiry found in profiles/known-failures/*.yaml"
pass "$n shipped entries expire after $limit"

# The runner honours PF_TODAY: after every entry's expiry, a known failure
# of the fixture is reported expired instead of applied.
fixture="$PF_SOURCE_DIR/harness/tests/data/results/qemu-7.2-legacy.json"
kf="$PF_SOURCE_DIR/harness/tests/data/profiles/known-failures-fixture.yaml"
# `report` exits like `run` does: 1 for a non-conformant run (the fixture
# has failures no entry covers), 2 and no results.json for a usage error.
for when in before:2026-01-01 after:2099-01-01; do
  set +e
  PF_TODAY=${when#*:} "$PLUGFEST" report "$fixture" --rescore --known-failures "$kf" --format json \
    -o "$scratch/${when%%:*}" > "$scratch/${when%%:*}.log" 2>&1
  rc=$?
  set -e
  [ $rc -eq 0 ] || [ $rc -eq 1 ] || { cat "$scratch/${when%%:*}.log"; fail "report on ${when#*:}: exit code $rc"; }
  [ -s "$scratch/${when%%:*}/results.json" ] || fail "report on ${when#*:}: no results.json"
done
b=$(jq '[.results[] | select(.verdict == "xfail")] | length' "$scratch/before/results.json")
a=$(jq '[.results[] | select(.verdict == "xfail")] | length' "$scratch/after/results.json")
[ "$b" -gt 0 ] || fail "fixture has no known failure applied on 2026-01-01"
[ "$a" -eq 0 ] || fail "known failures still applied after expiry (PF_TODAY=2099-01-01): $a"
pass "PF_TODAY decides expiry: $b known failures before, $a after"
if PF_TODAY=2027-13-40 "$PLUGFEST" report "$fixture" --rescore --format json -o "$scratch/bad" 2>"$scratch/err"; then
  fail "an invalid PF_TODAY was accepted"
fi
grep -q "PF_TODAY" "$scratch/err" || fail "invalid PF_TODAY error does not name it: $(cat "$scratch/err")"
pass "an invalid PF_TODAY is refused with its name"
