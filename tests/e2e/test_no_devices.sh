#!/usr/bin/env bash
# A machine without any virtio device: the real probe boots, finds nothing,
# and the run is incomplete (exit code 3) in the console summary and every
# report, never conformant. --gate follows: nothing tested passes no profile;
# on a complete run the exit code follows the named profile.
. "$(dirname "$0")/lib.sh"
cat > "$scratch/no-virtio.yaml" <<'YAML'
name: no-virtio
description: QEMU aarch64 virt without any virtio device
arch: aarch64
probe: probe-aarch64.img
hypervisor:
  name: qemu
  binary: qemu-system-aarch64
timeouts:
  overall_s: 120
  inactivity_s: 30
  boot_s: 30
argv: ["${binary}", -M, virt, -cpu, cortex-a57, -m, 512M, -nodefaults, -display, none,
       -monitor, none, -serial, stdio, -kernel, "${probe}", -append, "${bootargs}"]
YAML
out="$scratch/run"
set +e; "$PLUGFEST" run -t "$scratch/no-virtio.yaml" --formats json,junit,md,html -o "$out" > "$scratch/stdout" 2>&1; rc=$?; set -e
cat "$scratch/stdout"
r="$out/results.json"
assert_jq "$r" '.run.boots == 1 and .run.end.status == "ok"' "the probe booted and ended normally"
assert_jq "$r" '(.devices | length) == 0' "no device found"
assert_jq "$r" '.summary.verdict == "incomplete"' "results.json: incomplete"
assert_jq "$r" '[.summary.reasons[] | select(test("no virtio device found"))] | length == 1' "results.json: the reason"
[ $rc -eq 3 ] || fail "exit code $rc, expected 3"
pass "exit code 3"
grep -q '^run verdict: incomplete' "$scratch/stdout" || fail "console summary is not incomplete"
grep -q 'no virtio device found' "$scratch/stdout" || fail "console summary does not say why"
pass "console summary: incomplete, with the reason"
grep -q '\*\*Overall: incomplete\*\*' "$out/report.md" || fail "report.md headline is not incomplete"
grep -q 'no virtio device found' "$out/report.md" || fail "report.md does not say why"
pass "report.md: incomplete, with the reason"
grep -q 'verdict-banner v-incomplete' "$out/report.html" || fail "report.html headline is not incomplete"
grep -q 'no virtio device found' "$out/report.html" || fail "report.html does not say why"
pass "report.html: incomplete, with the reason"
grep -q '<error type="incomplete" message="incomplete: no virtio device found' "$out/junit.xml" \
  || fail "junit.xml has no incomplete run verdict"
if command -v xmllint > /dev/null; then
  xmllint --noout "$out/junit.xml" || fail "junit.xml is not well-formed"
fi
pass "junit.xml: the run verdict is an error with the reason"

# Gating on a profile does not turn nothing tested into a pass.
set +e; "$PLUGFEST" run -t "$scratch/no-virtio.yaml" --formats json --gate avps-base -o "$scratch/gate" > /dev/null 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || fail "--gate avps-base with no device: exit code $rc, expected 3"
pass "--gate on an incomplete run: exit code 3"

# --gate on a complete run: the exit code follows the named profile, even
# when the run's own verdict would exit differently.
cat > "$scratch/gate-pass.yaml" <<'YAML'
schema: plugfest-profile/1
id: gate-pass
title: Every device initialises
version: "1.0"
spec: {name: VIRTIO, version: "1.4"}
requirements:
  - id: INIT
    title: initialisation
    level: must
    status: mandatory
    evidence: spec
    satisfied_by: {checks: ["basic.init.*"]}
YAML
sed -e 's/gate-pass/gate-fail/' -e 's/Every device initialises/A sound device/' "$scratch/gate-pass.yaml" > "$scratch/gate-fail.yaml"
cat >> "$scratch/gate-fail.yaml" <<'YAML'
  - id: SOUND
    title: a sound device
    level: must
    status: mandatory
    evidence: spec
    presence: required
    applies_to: {device: [sound]}
    satisfied_by: {checks: ["sound.*"]}
YAML
for g in pass fail; do
  set +e
  "$PLUGFEST" run -f 'basic.init*' --formats json --profile "$scratch/gate-$g.yaml" --gate "gate-$g" -o "$scratch/g-$g" > /dev/null 2>&1
  rc=$?
  set -e
  assert_jq "$scratch/g-$g/results.json" '.summary.verdict | startswith("conformant")' "gate-$g: the run itself is conformant"
  case $g in
    pass) [ $rc -eq 0 ] || fail "--gate gate-pass: exit code $rc, expected 0";;
    fail) [ $rc -eq 1 ] || fail "--gate gate-fail (no sound device): exit code $rc, expected 1";;
  esac
  pass "--gate gate-$g: exit code $rc"
done
set +e; "$PLUGFEST" run --gate no-such-profile -o "$scratch/g-none" > /dev/null 2> "$scratch/g-none.err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "--gate with an unknown profile: exit code $rc, expected 2"
grep -q "no profile 'no-such-profile'" "$scratch/g-none.err" || fail "--gate: unknown profile not named"
[ ! -e "$scratch/g-none/results.json" ] || fail "--gate: an unknown profile still booted"
pass "--gate with an unknown profile: usage error before booting"
