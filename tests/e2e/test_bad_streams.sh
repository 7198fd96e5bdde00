#!/usr/bin/env bash
# A hypervisor that emits garbage, hangs or exits early: the runner neither
# crashes nor hangs, diagnoses the stream and reports the right exit code
# (3: a guest that never got past hello tested nothing).
. "$(dirname "$0")/lib.sh"
fake="$PF_SOURCE_DIR/tests/e2e/fake-vmm.sh"

t=$(fake_target random "$fake")
set +e; FAKE_VMM_MODE=random "$PLUGFEST" run --formats json -t "$t" -o "$scratch/random" >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || fail "1 MiB of random bytes: exit code $rc, expected 3 (no hello)"
assert_jq "$scratch/random/results.json" '.summary.verdict == "incomplete"' "random bytes: incomplete"
assert_jq "$scratch/random/results.json" '[.findings[] | select(.kind == "no-start")] | length == 1' "random bytes: no-start finding"
[ "$(stat -c %s "$scratch/random/console.log")" -eq 1048576 ] || fail "console.log does not hold the 1 MiB"
pass "random bytes journaled in full"

t=$(fake_target garbage "$fake")
set +e; FAKE_VMM_MODE=garbage "$PLUGFEST" run --formats json -t "$t" -o "$scratch/garbage" >/dev/null 2>&1; rc=$?; set -e
r="$scratch/garbage/results.json"
assert_jq "$r" '.run.boots == 1' "garbage: the valid hello was found among noise"
assert_jq "$r" '[.diagnostics[].kind] | (index("checksum") != null) and (index("truncated") != null or index("malformed") != null)' "garbage: checksum and malformed records diagnosed"
assert_jq "$r" '[.findings[].kind] | index("crash") != null' "garbage: exit before end is a finding"

t=$(fake_target hang "$fake" 20 2 5)
start=$(date +%s)
set +e; FAKE_VMM_MODE=hang "$PLUGFEST" run --formats json -t "$t" -o "$scratch/hang" >/dev/null 2>&1; rc=$?; set -e
el=$(( $(date +%s) - start ))
[ $el -lt 15 ] || fail "hang: runner took ${el}s, inactivity timeout is 2s"
assert_jq "$scratch/hang/results.json" '[.findings[].kind] | index("wedged") != null' "hang: wedged finding"
# the guest never got past hello: incomplete (exit 3), the wedge a reason
assert_jq "$scratch/hang/results.json" '.summary.verdict == "incomplete" and ([.summary.reasons[] | select(startswith("wedged: "))] | length == 1)' "hang: incomplete, the wedge among the reasons"
[ $rc -eq 3 ] || fail "hang: exit code $rc, expected 3"
pgrep -f "fake-vmm.sh" >/dev/null && ! pgrep -f "sleep 3600" >/dev/null || true
pgrep -f "sleep 3600" >/dev/null && fail "hang: the fake hypervisor's child survived"
pass "hang: the hypervisor and its children were ended"

t=$(fake_target exit "$fake")
set +e; FAKE_VMM_MODE=exit "$PLUGFEST" run --formats json -t "$t" -o "$scratch/exit" >/dev/null 2>&1; rc=$?; set -e
assert_jq "$scratch/exit/results.json" '.run.exit.code == 7' "early exit: exit code recorded"
assert_jq "$scratch/exit/results.json" '[.findings[].kind] | length >= 1' "early exit: finding"
assert_jq "$scratch/exit/results.json" '.summary.verdict == "incomplete" and ([.summary.reasons[] | select(startswith("crash: "))] | length == 1)' "early exit: incomplete, the crash among the reasons"
[ $rc -eq 3 ] || fail "early exit: exit code $rc, expected 3"
pass "early exit handled"
