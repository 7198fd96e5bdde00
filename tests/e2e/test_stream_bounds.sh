#!/usr/bin/env bash
# A hypervisor that floods its console or its stderr with text that holds
# no valid record: the run ends wedged after inactivity_s (not at the
# overall timeout), and console.log / hypervisor.log stay within their cap
# while the stream is still parsed in full.
. "$(dirname "$0")/lib.sh"
fake="$PF_SOURCE_DIR/tests/e2e/fake-vmm.sh"
t=$(fake_target flood "$fake" 60 3 5)

# run NAME FD [plugfest args...]: flood on fd FD; sets rc, el (seconds)
run() {
  local name=$1 fd=$2
  shift 2
  local start
  start=$(date +%s)
  set +e
  FAKE_VMM_MODE=flood FAKE_VMM_FLOOD_FD=$fd "$PLUGFEST" run --formats json -t "$t" \
    -o "$scratch/$name" "$@" > "$scratch/$name.out" 2>&1
  rc=$?
  set -e
  el=$(( $(date +%s) - start ))
  [ -f "$scratch/$name/results.json" ] || { cat "$scratch/$name.out"; fail "$name: no results.json"; }
}

# size of a directory in bytes
dsize() { du -sb "$1" | cut -f1; }

for fd in 1 2; do
  what=$([ $fd = 1 ] && echo stdout || echo stderr)
  run "$what" $fd
  r="$scratch/$what/results.json"
  [ $el -lt 15 ] || fail "$what flood: the run took ${el}s; inactivity_s is 3, the flood 20 s"
  assert_jq "$r" '[.findings[].kind] | index("wedged") != null' "$what flood: wedged"
  assert_jq "$r" '.run.boots == 1' "$what flood: the hello was taken"
  # the flood ends the run before any device is found: nothing was tested
  assert_jq "$r" '.summary.verdict == "incomplete"' "$what flood: incomplete"
  [ $rc -eq 3 ] || fail "$what flood: exit code $rc, expected 3 (incomplete)"
  sz=$(dsize "$scratch/$what")
  [ "$sz" -lt $((100 << 20)) ] || fail "$what flood: output directory holds $sz bytes"
  pass "$what flood: ended after ${el}s, output directory $sz bytes"
done
[ "$(stat -c %s "$scratch/stderr/hypervisor.log")" -gt 0 ] || fail "stderr flood: hypervisor.log empty"
# broken records in the flood are diagnosed, but only so many are listed
assert_jq "$scratch/stdout/results.json" \
  '([.diagnostics[] | select(.kind == "malformed")] | length == 256) and
   ([.diagnostics[] | select(.kind == "suppressed" and .field == "malformed" and .count > 0)] | length == 1)' \
  "stdout flood: 256 malformed diagnostics itemised, the rest summed up"

# With a small cap the cut is certain: the logs keep their first bytes and
# a notice, results.json says how much was dropped, and parsing went on.
cap=1048576
run stdout-cap 1 --max-log-bytes 1M
r="$scratch/stdout-cap/results.json"
sz=$(stat -c %s "$scratch/stdout-cap/console.log")
[ "$sz" -gt $cap ] && [ "$sz" -lt $((cap + 200)) ] || fail "console.log is $sz bytes with a cap of $cap"
tail -c 150 "$scratch/stdout-cap/console.log" | grep -q "reached its size cap" || fail "console.log: no notice where it was cut"
assert_jq "$r" '[.diagnostics[] | select(.kind == "log-cut" and .field == "console.log" and .count > 0)] | length == 1' \
  "console.log cut recorded with the bytes dropped"
assert_jq "$r" '([.diagnostics[] | select(.kind == "suppressed" and .field == "malformed")][0].count + 256) * 150 > '$cap \
  "the stream was parsed beyond the cap"
assert_jq "$r" '[.findings[].kind] | index("wedged") != null' "capped stdout flood: wedged"
grep -q '"t":"hello"' "$scratch/stdout-cap/journal.jsonl" || fail "journal lost the hello"

run stderr-cap 2 --max-log-bytes 1M
sz=$(stat -c %s "$scratch/stderr-cap/hypervisor.log")
[ "$sz" -gt $cap ] && [ "$sz" -lt $((cap + 200)) ] || fail "hypervisor.log is $sz bytes with a cap of $cap"
assert_jq "$scratch/stderr-cap/results.json" \
  '[.diagnostics[] | select(.kind == "log-cut" and .field == "hypervisor.log" and .count > 0)] | length == 1' \
  "hypervisor.log cut recorded with the bytes dropped"

# More valid records than journal.jsonl may hold: the run is stopped, the
# journal stays bounded, and results.json scores only what it journaled.
t=$(fake_target records "$fake" 60 30 5)
set +e
FAKE_VMM_MODE=records "$PLUGFEST" run --formats json -t "$t" -o "$scratch/records" --max-log-bytes 4K \
  > "$scratch/records.out" 2>&1
rc=$?
set -e
r="$scratch/records/results.json"
[ -f "$r" ] || { cat "$scratch/records.out"; fail "records: no results.json"; }
sz=$(stat -c %s "$scratch/records/journal.jsonl")
[ "$sz" -le $((4096 + 8192)) ] || fail "records: journal.jsonl is $sz bytes with a cap of 4 KiB"
n=$(grep -c '"rec":' "$scratch/records/journal.jsonl")
[ "$n" -lt 41 ] || fail "records: all 41 records journaled despite the cap"
assert_jq "$r" '[.findings[] | select(.kind == "protocol" and (.message | test("journal.jsonl reached its size cap")))] | length == 1' \
  "records: the run was stopped at the journal cap"
assert_jq "$r" '[.diagnostics[] | select(.kind == "log-cut" and .field == "journal.jsonl" and .count > 0)] | length == 1' \
  "records: the records not journaled are counted"
assert_jq "$r" '.run.boots == 1' "records: not restarted"

set +e; "$PLUGFEST" run --max-log-bytes 12X -o "$scratch/x" > /dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "--max-log-bytes 12X: exit code $rc, expected 2"
pass "a bad --max-log-bytes is a usage error"
