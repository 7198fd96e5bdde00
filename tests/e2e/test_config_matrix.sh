#!/usr/bin/env bash
# The core suite against QEMU 7.2 in every configuration the reference
# target offers: virtio-mmio legacy and Version 2, PCI, packed rings on and
# off, EVENT_IDX on and off, indirect descriptors on and off, GICv2 and
# GICv3. Each run must complete in one boot, find every device, and fail
# only where QEMU's deviation is on file in profiles/known-failures/ (such
# results carry the verdict xfail); anything else is a new finding or a
# probe bug to investigate.
. "$(dirname "$0")/lib.sh"
configs=(
  "gic=3"
  "gic=2"
  "mmio_legacy=true"
  "packed=on"
  "event_idx=off"
  "indirect_desc=off"
  "packed=on event_idx=off indirect_desc=off gic=2"
)
i=0
for cfg in "${configs[@]}"; do
  i=$((i + 1))
  sets=()
  for kv in $cfg; do sets+=(--set "$kv"); done
  out="$scratch/c$i"
  set +e
  "$PLUGFEST" run --formats json "${sets[@]}" -o "$out" > "$scratch/c$i.log" 2>&1
  rc=$?
  set -e
  r="$out/results.json"
  [ -f "$r" ] || { cat "$scratch/c$i.log"; fail "[$cfg] no results.json"; }
  assert_jq "$r" '.run.boots == 1 and ([.findings[]] | length == 0)' "[$cfg] one boot, no crash or hang"
  assert_jq "$r" '(.devices | length) == 25' "[$cfg] all 25 devices found"
  assert_jq "$r" '[.results[] | select(.verdict == "fail" or .verdict == "error")] | length == 0' \
    "[$cfg] every failure is a known QEMU deviation ($(jq -r '[.results[] | select(.verdict == "fail" or .verdict == "error") | "\(.test)@\(.device)[\(.subs // [] | join(","))]: \(.message)"] | unique | join(" ")' "$r"))"
  case "$cfg" in
    *mmio_legacy=true*) assert_jq "$r" '[.devices[] | select(.transport == "mmio") | .mode] | unique == ["legacy"]' "[$cfg] mmio devices legacy";;
    *) assert_jq "$r" '[.devices[] | select(.transport == "mmio") | .mode] | unique == ["modern"]' "[$cfg] mmio devices modern";;
  esac
  case "$cfg" in
    *packed=on*) assert_jq "$r" '[.devices[] | select(.mode == "modern") | .feature_bits | index(34)] | length > 0 and all' "[$cfg] packed offered";;
    *) assert_jq "$r" '[.devices[] | .feature_bits | index(34)] | all(. == null)' "[$cfg] packed not offered";;
  esac
  case "$cfg" in
    *event_idx=off*) assert_jq "$r" '[.devices[] | .feature_bits | index(29)] | all(. == null)' "[$cfg] EVENT_IDX not offered";;
  esac
  [ $rc -eq 0 ] || fail "[$cfg] exit code $rc with only known failures"
  pass "[$cfg] exit code 0"
done
# The plug-fest matrix of these runs, in every format.
"$PLUGFEST" matrix -o "$scratch/matrix" "$scratch"/c*/results.json > /dev/null || fail "plugfest matrix failed"
for f in matrix.html matrix.md matrix.json; do
  [ -s "$scratch/matrix/$f" ] || fail "matrix: $f missing"
done
assert_jq "$scratch/matrix/matrix.json" "(.runs | length) == ${#configs[@]}" "matrix holds every run"
grep -q "virtio-1.4-core" "$scratch/matrix/matrix.md" || fail "matrix.md has no profile column"
pass "matrix rendered"
