#!/usr/bin/env bash
# Targets for VMMs that need KVM (crosvm, Firecracker, Cloud Hypervisor,
# kvmtool): they load and validate, `--dry-run` prints their command line
# with the probe and its nonce, and on a host without /dev/kvm they are
# listed as untested here and refused, never run or passed.
. "$(dirname "$0")/lib.sh"
kvm_targets="crosvm-aarch64 firecracker-aarch64 cloud-hypervisor-aarch64 kvmtool-aarch64"
"$PLUGFEST" targets > "$scratch/targets.out"
for t in $kvm_targets; do
  line=$(grep "^$t " "$scratch/targets.out") || fail "$t is not listed"
  if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    ! grep -q "untested here" <<< "$line" || fail "$t marked untested although /dev/kvm is usable"
  else
    grep -q "\[untested here: needs /dev/kvm" <<< "$line" || fail "$t not marked untested here: $line"
  fi
  "$PLUGFEST" run -t "$t" --dry-run -o "$scratch/$t" > "$scratch/$t.argv" || fail "$t: --dry-run failed"
  case "$t" in
    firecracker-aarch64) grep -qx -- "--config-file" "$scratch/$t.argv" || fail "$t: no --config-file" ;;
    *) grep -q "probe-aarch64.img" "$scratch/$t.argv" || fail "$t: the probe image is not on its command line"
       grep -q "pf.nonce=[0-9a-f]\{32\}" "$scratch/$t.argv" || fail "$t: no nonce on the guest command line" ;;
  esac
  grep -q "blk-rw.img" "$scratch/$t.argv" || [ "$t" = firecracker-aarch64 ] || fail "$t: no disk"
done
pass "KVM-only targets load, validate and print their command lines"

if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
  set +e
  "$PLUGFEST" run -t kvmtool-aarch64 -o "$scratch/refused" > /dev/null 2> "$scratch/refused.err"
  rc=$?
  set -e
  [ "$rc" -eq 3 ] || fail "a KVM target on a host without KVM: exit $rc, expected 3"
  grep -q "needs /dev/kvm (kvm), which this host lacks" "$scratch/refused.err" || fail "no reason given: $(cat "$scratch/refused.err")"
  [ ! -e "$scratch/refused/results.json" ] || fail "a refused target wrote results"
  pass "without KVM a KVM target is refused, not run"
fi

# An unknown host facility is an error naming file, line and field.
sed 's/^requires: \[kvm\]/requires: [kvm, tpm]/' "$PF_SOURCE_DIR/profiles/targets/kvmtool-aarch64.yaml" > "$scratch/kvmtool-aarch64.yaml"
set +e
"$PLUGFEST" run -t "$scratch/kvmtool-aarch64.yaml" --dry-run > /dev/null 2> "$scratch/bad.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown requirement: exit $rc, expected 2"
grep -q "kvmtool-aarch64.yaml:[0-9]*:[0-9]*: field 'requires\[1\]': unknown host facility 'tpm'" "$scratch/bad.err" ||
  fail "unknown requirement not located: $(cat "$scratch/bad.err")"
pass "an unknown requirement is located in the file"
