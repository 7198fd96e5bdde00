#!/usr/bin/env bash
# Killing the hypervisor is a finding. Inside a check (after its `begin`,
# before its `result`) the check gets verdict crash and the guest resumes
# after it; between two checks (after a `result`, before the next `begin`)
# no check is blamed and the guest resumes at the next step. Either way
# every (device, check) pair ends with exactly one result.
#
# pf.pace=MS holds the guest for MS ms before each result and again after
# it, so a kill timed from the arrival of a result lands inside a check or
# between two checks with a margin of MS/2 ms either way.
. "$(dirname "$0")/lib.sh"
out="$scratch/run"
pace=250
"$PLUGFEST" run -o "$out" --formats json,md --max-restarts 2 --filter basic.init.sequence \
  --bootargs "pf.pace=$pace" > "$scratch/stdout" 2>&1 &
runner=$!

count() { grep -c "\"t\":\"$1\"" "$out/journal.jsonl" 2>/dev/null || true; }

# wait_result BOOTS N: until the guest of boot BOOTS is up and N results
# are in (the moment the N-th arrives, within 20 ms). Bounded (60 s).
wait_result() {
  local h r
  for _ in $(seq 1 3000); do
    h=$(count hello); r=$(count result)
    [ "${h:-0}" -ge "$1" ] && [ "${r:-0}" -ge "$2" ] && return 0
    kill -0 "$runner" 2>/dev/null || fail "runner ended before the kill point"
    sleep 0.02
  done
  fail "kill point not reached (boot $1, $2 results)"
}

kill_vmm() {
  local vmm
  vmm=$(pgrep -P "$runner" | head -n 1)
  [ -n "$vmm" ] || fail "no hypervisor child found"
  kill -KILL "$vmm"
}

last_result_step() { grep '"t":"result"' "$out/journal.jsonl" | tail -n 1 | jq -r '.rec.step'; }

# Per step the guest sends begin, runs the check, pauses $pace ms, sends
# the result and pauses $pace ms again. 1. inside a check: 1.5 paces after
# a result, the next check is open with a margin of half a pace each side.
wait_result 1 3
sleep "$(awk "BEGIN { print 1.5 * $pace / 1000 }")"
kill_vmm
# 2. between checks, in the second boot: right after a result.
wait_result 2 $(( $(count result) + 2 ))
kill_vmm

set +e
wait "$runner"
rc=$?
set -e
cat "$scratch/stdout"
r="$out/results.json"
[ -f "$r" ] || fail "no results.json after a crash"
assert_jq "$r" '.run.launches == 3' "guest started three times (two restarts)"
assert_jq "$r" '[.results[] | select(.verdict == "crash")] | length >= 1' "the check in flight has verdict crash"
assert_jq "$r" '[.results[] | select(.verdict == "crash") | .step] as $s
  | [.findings[] | select(.kind == "crash" and .test != null) | .step] == $s' \
  "each crash verdict has its crash finding pinned on that check"
# The second kill may land on either side of a result (records reach the
# runner late by up to a pace): whichever, the rule must hold.
assert_jq "$r" "[.findings[] | select(.kind == \"crash\" and .test == null)] | all(.step == null
  and (.message | test(\"between checks: after step [0-9]+, no check in flight\")))" \
  "a crash between checks blames no check and names the last finished step"
assert_jq "$r" '[.findings[] | select(.kind == "crash")] | length == 2' "two crash findings"
assert_jq "$r" '[.results[] | select(.verdict == "pass")] | length >= 5' "results before the crashes kept"
# every device has exactly one result for the check, none missing, none twice
assert_jq "$r" '(.devices | length) as $n | ($n > 3) and (.results | length) == $n
  and ([.results[] | [.device, .test]] | unique | length) == $n
  and ([.results[] | .device] | unique | length) == $n' \
  "every (device, check) pair has exactly one result"
assert_jq "$r" '[.diagnostics[]? | select(.kind == "duplicate-result")] | length == 0' "no duplicate result"
assert_jq "$r" '.summary.verdict == "non-conformant"' "a crash is non-conformant"
[ $rc -eq 1 ] || fail "exit code $rc, expected 1"
pass "exit code 1"
grep -q 'crash' "$out/report.md" || fail "report.md does not mention the crash"
pass "summary mentions the crash"
