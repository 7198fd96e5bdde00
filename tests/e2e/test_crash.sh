#!/usr/bin/env bash
# Killing the hypervisor mid-run is a crash finding pinned on the check in
# flight; the records before it are kept and the run resumes after it.
. "$(dirname "$0")/lib.sh"
out="$scratch/run"
"$PLUGFEST" run -o "$out" --formats json,md --max-restarts 1 --bootargs pf.pace=20 > "$scratch/stdout" 2>&1 &
runner=$!
# Wait until the probe is well into the suite, then kill the VMM (our child).
for _ in $(seq 1 600); do
  n=$(grep -c '"t":"result"' "$out/journal.jsonl" 2>/dev/null || true)
  [ "${n:-0}" -ge 5 ] && break
  sleep 0.05
done
vmm=$(pgrep -P "$runner" | head -n 1)
[ -n "$vmm" ] || fail "no hypervisor child found"
kill -KILL "$vmm"
set +e
wait "$runner"
rc=$?
set -e
cat "$scratch/stdout"
r="$out/results.json"
[ -f "$r" ] || fail "no results.json after a crash"
assert_jq "$r" '[.findings[] | select(.kind == "crash")] | length >= 1' "crash finding recorded"
assert_jq "$r" '[.results[] | select(.verdict == "crash")] | length == 1' "the check in flight has verdict crash"
assert_jq "$r" '[.results[] | select(.verdict == "pass")] | length >= 5' "results before the crash kept"
assert_jq "$r" '.run.boots == 2' "guest restarted once"
assert_jq "$r" '.summary.verdict == "non-conformant"' "a crash is non-conformant"
[ $rc -eq 1 ] || fail "exit code $rc, expected 1"
pass "exit code 1"
# The Findings section must list this crash with the check and device it
# is pinned on: the bare word "crash" also appears in profile titles.
ct=$(jq -r '[.findings[] | select(.kind == "crash")][0] | "\(.test) on \(.device)"' "$r")
grep -qF -- "- **crash** in $ct: " "$out/report.md" || fail "report.md does not list the crash finding in $ct"
pass "report.md lists the crash finding in $ct"
