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
# a hello and nothing after it tested nothing: incomplete, exit code 3
assert_jq "$r" '.summary.verdict == "incomplete"' "garbage: incomplete"
[ $rc -eq 3 ] || fail "garbage: exit code $rc, expected 3"

t=$(fake_target hang "$fake" 20 2 5)
start=$(date +%s)
set +e; FAKE_VMM_MODE=hang FAKE_VMM_PIDS="$scratch/hang.pids" "$PLUGFEST" run --formats json -t "$t" -o "$scratch/hang" >/dev/null 2>&1; rc=$?; set -e
el=$(( $(date +%s) - start ))
[ $el -lt 15 ] || fail "hang: runner took ${el}s, inactivity timeout is 2s"
assert_jq "$scratch/hang/results.json" '[.findings[].kind] | index("wedged") != null' "hang: wedged finding"
# the guest never got past hello: incomplete (exit 3), the wedge a reason
assert_jq "$scratch/hang/results.json" '.summary.verdict == "incomplete" and ([.summary.reasons[] | select(startswith("wedged: "))] | length == 1)' "hang: incomplete, the wedge among the reasons"
[ $rc -eq 3 ] || fail "hang: exit code $rc, expected 3"
# The hypervisor and the child it started must both be gone: this run's
# PIDs, not a pattern that other tests' fake hypervisors also match. A
# zombie awaiting its reaper counts as ended; the wait is bounded.
read -r vmm_pid child_pid < "$scratch/hang.pids" || fail "hang: the fake hypervisor wrote no PIDs"
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
for _ in $(seq 1 50); do
  alive "$vmm_pid" || alive "$child_pid" || break
  sleep 0.1
done
! alive "$vmm_pid" || fail "hang: the fake hypervisor (PID $vmm_pid) survived the run"
! alive "$child_pid" || fail "hang: the fake hypervisor's child (PID $child_pid) survived the run"
pass "hang: the hypervisor and its children were ended"

t=$(fake_target exit "$fake")
set +e; FAKE_VMM_MODE=exit "$PLUGFEST" run --formats json -t "$t" -o "$scratch/exit" >/dev/null 2>&1; rc=$?; set -e
assert_jq "$scratch/exit/results.json" '.run.exit.code == 7' "early exit: exit code recorded"
assert_jq "$scratch/exit/results.json" '[.findings[] | select(.kind == "crash")] | length == 1' "early exit: a crash finding"
assert_jq "$scratch/exit/results.json" '.summary.verdict == "incomplete" and ([.summary.reasons[] | select(startswith("crash: "))] | length == 1)' "early exit: incomplete, the crash among the reasons"
[ $rc -eq 3 ] || fail "early exit: exit code $rc, expected 3"
pass "early exit handled"
