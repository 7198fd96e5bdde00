#!/usr/bin/env bash
# Killing the hypervisor is a finding. Inside a check (after its `begin`,
# before its `result`) the check gets verdict crash and the guest resumes
# after it; between two checks (after a `result`, before the next `begin`)
# no check is blamed and the guest resumes at the next step. Either way
# every (device, check) pair ends with exactly one result.
#
# Deterministic: pf.pace=MS holds the guest for MS ms before each result
# and again after it, so a kill on the arrival of a begin lands inside that
# check and a kill on the arrival of a result lands between two checks.
. "$(dirname "$0")/lib.sh"
out="$scratch/run"
pace=3000
# six devices, one check each: a long pace stays affordable
cat > "$scratch/crash6.yaml" <<'YAML'
name: crash6
description: six virtio-rng devices for the crash test
arch: aarch64
probe: probe-aarch64.img
hypervisor:
  name: qemu
  binary: qemu-system-aarch64
  version_args: [--version]
timeouts:
  overall_s: 300
  inactivity_s: 30
  boot_s: 30
argv: ["${binary}", -M, virt, -cpu, cortex-a57, -m, 256M, -nodefaults, -display, none,
       -monitor, none, -serial, stdio,
       -device, virtio-rng-device, -device, virtio-rng-device, -device, virtio-rng-device,
       -device, virtio-rng-pci, -device, virtio-rng-pci, -device, virtio-rng-pci,
       -kernel, "${probe}", -append, "${bootargs}"]
YAML
"$PLUGFEST" run --target "$scratch/crash6.yaml" -o "$out" --formats json,md --max-restarts 2 \
  --filter basic.init.sequence --bootargs "pf.pace=$pace" > "$scratch/stdout" 2>&1 &
runner=$!

count() { grep -c "\"t\":\"$1\"" "$out/journal.jsonl" 2>/dev/null || true; }

kill_vmm() {
  local vmm
  vmm=$(pgrep -P "$runner" | head -n 1)
  [ -n "$vmm" ] || fail "no hypervisor child found"
  # the hypervisor leads its own process group: all of it dies now
  kill -KILL -- "-$vmm"
}

# Follow the journal as the runner writes it (no process per poll: a loaded
# machine must not make the test late) and kill at two points:
#  1. boot 1, on the 2nd begin: inside that check (pace ms before its result);
#  2. boot 2, on its 2nd result: between that check and the next (pace ms).
in_step=""
after_step=""
hellos=0
begins=0
results=0
while IFS= read -r line; do
  case "$line" in
    *'"rec":{"t":"hello"'*) hellos=$((hellos + 1)); begins=0; results=0;;
    *'"rec":{"t":"begin"'*)
      begins=$((begins + 1))
      if [ $hellos -eq 1 ] && [ $begins -eq 2 ]; then
        kill_vmm
        in_step=$(jq -r '.rec.step' <<< "$line")
      fi;;
    *'"rec":{"t":"result"'*)
      results=$((results + 1))
      if [ $hellos -eq 2 ] && [ $results -eq 2 ]; then
        kill_vmm
        after_step=$(jq -r '.rec.step' <<< "$line")
        break
      fi;;
  esac
done < <(timeout 120 tail -s 0.01 -n +1 -F "$out/journal.jsonl" 2>/dev/null)
[ -n "$in_step" ] || fail "first kill point (inside a check) not reached"
[ -n "$after_step" ] || fail "second kill point (between checks) not reached"

set +e
wait "$runner"
rc=$?
set -e
cat "$scratch/stdout"
r="$out/results.json"
[ -f "$r" ] || fail "no results.json after a crash"
assert_jq "$r" '.run.launches == 3' "guest started three times (two restarts)"
assert_jq "$r" "[.results[] | select(.verdict == \"crash\")] | length == 1 and .[0].step == $in_step" \
  "the check in flight (step $in_step) has verdict crash"
assert_jq "$r" "[.findings[] | select(.kind == \"crash\" and .test != null)] | length == 1 and .[0].step == $in_step" \
  "crash finding pinned on step $in_step"
assert_jq "$r" "[.findings[] | select(.kind == \"crash\" and .test == null and .device == null and .step == null
  and (.message | contains(\"between checks: after step $after_step, no check in flight\")))] | length == 1" \
  "crash between checks: a run finding after step $after_step, no check blamed"
assert_jq "$r" '[.results[] | select(.verdict == "pass")] | length == 5' "every other check passed, before and after the crashes"
# every device has exactly one result for the check, none missing, none twice
assert_jq "$r" '(.devices | length) as $n | ($n == 6) and (.results | length) == $n
  and ([.results[] | [.device, .test]] | unique | length) == $n
  and ([.results[] | .device] | unique | length) == $n' \
  "every (device, check) pair has exactly one result"
assert_jq "$r" '[.diagnostics[]? | select(.kind == "duplicate-result")] | length == 0' "no duplicate result"
assert_jq "$r" '.summary.verdict == "non-conformant"' "a crash is non-conformant"
[ $rc -eq 1 ] || fail "exit code $rc, expected 1"
pass "exit code 1"
# The Findings section must list this crash with the check and device it
# is pinned on: the bare word "crash" also appears in profile titles.
ct=$(jq -r '[.findings[] | select(.kind == "crash")][0] | "\(.test) on \(.device)"' "$r")
grep -qF -- "- **crash** in $ct: " "$out/report.md" || fail "report.md does not list the crash finding in $ct"
pass "report.md lists the crash finding in $ct"
