#!/usr/bin/env bash
# The IOMMU target (profiles/targets/qemu-aarch64-virt-iommu.yaml): a
# virtio-iommu-pci in front of a PCI rng and blk, a virtio-mmio rng and blk
# beside it, under QEMU 7.2. The whole default suite runs: a complete run
# (every expected device found, one boot, no crash or hang), the iommu suite
# run on the IOMMU with its PCI functions as endpoints, every failure a
# documented QEMU deviation, and the devices behind the IOMMU initialising
# and moving data as on the default target (boot-bypass keeps their DMA
# untranslated; the IOMMU checks detach whatever they attach).
. "$(dirname "$0")/lib.sh"
out="$scratch/run"
set +e
"$PLUGFEST" run -t qemu-aarch64-virt-iommu -o "$out" --formats json > "$scratch/stdout" 2>&1
rc=$?
set -e
r="$out/results.json"
[ -f "$r" ] || { cat "$scratch/stdout"; fail "no results.json"; }
assert_jq "$r" '.run.boots == 1 and ([.findings[]] | length == 0)' "one boot, no crash or hang"
assert_jq "$r" '.run.expect.devices == 5 and ([.summary.reasons[] | select(test("device\\(s\\) found|no virtio device"))] | length == 0)' \
  "the 5 devices the target expects were found"
assert_jq "$r" '[.devices[] | select(.type == "iommu" and .transport == "pci")] | length == 1' "the IOMMU found on PCI"
assert_jq "$r" '[.diagnostics[]?] | length == 0' "clean stream from the real probe"
assert_jq "$r" '[.results[] | select(.test | startswith("iommu.")) | .test] | unique | length == 6' \
  "the six iommu checks ran ($(jq -r '[.results[] | select(.test | startswith("iommu.")) | "\(.test)=\(.verdict)"] | join(" ")' "$r"))"
assert_jq "$r" '[.results[] | select(.test | startswith("iommu.")) | .verdict] | all(. != "na" and . != "skip")' \
  "every iommu check found its endpoints and features"
assert_jq "$r" '[.results[] | select(.verdict == "fail" or .verdict == "error")] | length == 0' \
  "every failure is a known QEMU deviation ($(jq -r '[.results[] | select(.verdict == "fail" or .verdict == "error") | "\(.test)@\(.device): \(.message)"] | unique | join("; ")' "$r"))"
assert_jq "$r" '[.results[] | select(.test == "iommu.attach") | .verdict] == ["xfail"]' \
  "iommu.attach: the reserved-field deviation is caught and on file"
assert_jq "$r" '(.devices | length) as $n | [.results[] | select(.test == "basic.init.sequence") | .verdict] | (length == $n and all(. == "pass"))' \
  "every device initialises, those behind the IOMMU included"
assert_jq "$r" '[.results[] | select(.test == "rng.entropy") | .verdict] | (length == 2 and all(. == "pass"))' \
  "both rngs deliver entropy after the IOMMU checks"
v=$(jq -r .summary.verdict "$r")
case "$v" in
  conformant|conformant-with-warnings|conformant-with-known-failures) [ $rc -eq 0 ] || fail "verdict $v but exit code $rc";;
  *) fail "verdict $v (exit code $rc): $(grep -A3 '^run verdict' "$scratch/stdout")";;
esac
pass "verdict $v, exit code 0"
