#!/usr/bin/env bash
# Through the real runner: a known failure excuses only the failure it
# describes. split.indirect on a QEMU 7.2 blk device is a known failure for
# the "direct then indirect" chain; the same check failing on a whole
# indirect table is a different failure and fails the run. Then
# `known-failures suggest` drafts an entry that excuses exactly it.
. "$(dirname "$0")/lib.sh"
fake="$PF_SOURCE_DIR/tests/e2e/fake-vmm.sh"
t=$(fake_target indirect "$fake")
sed -i 's/^  name: fake$/  name: qemu/' "$t"
export FAKE_VMM_MODE=indirect FAKE_VMM_VERSION="QEMU emulator version 7.2.0"

run() { # run NAME FINGERPRINT: exit code of plugfest run
  set +e
  FAKE_VMM_SUB=$2 "$PLUGFEST" run --formats json,md,junit -t "$t" -o "$scratch/$1" >"$scratch/$1.log" 2>&1
  echo $?
  set -e
}

rc=$(run described direct-then-indirect/no-used)
r="$scratch/described/results.json"
assert_jq "$r" '.run.hypervisor.name == "qemu" and (.run.hypervisor.version | startswith("7.2"))' "the run is a QEMU 7.2 run"
assert_jq "$r" '.results[0] | .verdict == "xfail" and .waiver.id == "QEMU72-MIXED-INDIRECT-CHAIN" and .sub == "direct-then-indirect/no-used"' \
  "the described failure is a known failure"
[ "$rc" -eq 0 ] || { cat "$scratch/described.log"; fail "described failure: exit code $rc, expected 0"; }
pass "described failure: exit code 0"

rc=$(run other whole-indirect/blk-status)
r="$scratch/other/results.json"
assert_jq "$r" '.results[0] | .verdict == "fail" and (.waiver | not) and .waiver_not_covered.id == "QEMU72-MIXED-INDIRECT-CHAIN" and .waiver_not_covered.not_covered == ["whole-indirect/blk-status"]' \
  "another failure of the same check stays a failure"
assert_jq "$r" '.summary.verdict == "non-conformant"' "the run is non-conformant"
[ "$rc" -eq 1 ] || fail "other failure: exit code $rc, expected 1"
pass "other failure: exit code 1"
grep -q 'whole-indirect/blk-status\\\]; not excused by QEMU72-MIXED-INDIRECT-CHAIN' "$scratch/other/report.md" \
  || fail "report.md does not name the unexcused fingerprint"
grep -q 'message="fail: m \[whole-indirect/blk-status\]' "$scratch/other/junit.xml" \
  || fail "junit.xml failure message lacks the fingerprint"
grep -q 'split.indirect .* m \[whole-indirect/blk-status\]' "$scratch/other.log" \
  || { cat "$scratch/other.log"; fail "the run's output lacks the fingerprint"; }
pass "reports name the fingerprint"

"$PLUGFEST" known-failures suggest "$r" --date 2026-12-07 > "$scratch/draft.yaml" 2>/dev/null \
  || fail "known-failures suggest failed"
grep -q '    subcases: \[whole-indirect/blk-status\]' "$scratch/draft.yaml" || { cat "$scratch/draft.yaml"; fail "draft lacks the subcase"; }
grep -q '    expires: 2027-06-05' "$scratch/draft.yaml" || fail "draft expiry is not 180 days ahead"
set +e
"$PLUGFEST" report "$r" --known-failures "$scratch/draft.yaml" --format json -o "$scratch/rescored" >/dev/null 2>&1
set -e
assert_jq "$scratch/rescored/results.json" '.results[0].verdict == "xfail" and .summary.verdict == "conformant-with-known-failures"' \
  "the drafted entry excuses exactly that failure"
set +e; "$PLUGFEST" known-failures nonsense >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "unknown known-failures subcommand: exit code $rc, expected 2"
pass "known-failures usage errors exit 2"
