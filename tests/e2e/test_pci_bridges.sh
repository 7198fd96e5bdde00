#!/usr/bin/env bash
# virtio-pci devices behind PCIe root ports, a PCIe-to-PCI bridge and a PCI
# bridge nested behind that, and a PCIe switch (profiles/targets/qemu-aarch64-virt-rootports.yaml,
# libvirt's layout) under QEMU 7.2 with no firmware: the probe must number
# the buses, program the bridge windows, find every device at its real bus
# number and run the PCI checks on it, interrupts included (INTx through the
# bridge swizzle; MSI-X through the ITS with the bridges' requester IDs, and
# through GICv2m), failing only where QEMU's deviation is on file. The PCI
# checks and basic.init.sequence are run (the interrupt checks drive queues,
# so DMA crosses the bridges too); the ring suites, whose 100 ms bounds a
# loaded CI machine can starve, have their own test on the default target.
. "$(dirname "$0")/lib.sh"
# device -> bus:dev.fn: root ports 00:01.0-7 get buses 1..8 in scan order,
# the PCIe-to-PCI bridge in the last one bus 9, the PCI bridge behind it 10;
# the root port 00:02.0 bus 11, the switch's upstream port 12, its
# downstream ports 13 and 14
expect='{"pci@0000:01:00.0":"net","pci@0000:02:00.0":"blk","pci@0000:03:00.0":"console",
  "pci@0000:04:00.0":"rng","pci@0000:05:00.0":"scsi","pci@0000:06:00.0":"input",
  "pci@0000:09:01.0":"rng","pci@0000:0a:03.0":"blk","pci@0000:0d:00.0":"rng",
  "pci@0000:0e:00.0":"console"}'
for gic in 3 2; do
  out="$scratch/gic$gic"
  set +e
  "$PLUGFEST" run -t qemu-aarch64-virt-rootports --set gic=$gic -f 'pci.*,basic.init.*' \
    --formats json -o "$out" \
    > "$scratch/gic$gic.log" 2>&1
  rc=$?
  set -e
  r="$out/results.json"
  [ -f "$r" ] || { cat "$scratch/gic$gic.log"; fail "[gic=$gic] no results.json"; }
  assert_jq "$r" '.run.boots == 1 and ([.findings[]] | length == 0)' "[gic=$gic] one boot, no crash or hang"
  assert_jq "$r" "([.devices[] | {(.id): .type}] | add) == $expect" \
    "[gic=$gic] all 10 devices found behind the bridges, at their bus numbers ($(jq -r '[.devices[].id] | join(" ")' "$r"))"
  grep -q '"msg":"PCI 0000: 14 bridge(s) configured, buses 00..0e"' "$out/journal.jsonl" ||
    fail "[gic=$gic] the probe did not report 14 configured bridges"
  pass "[gic=$gic] 14 bridges configured"
  n=$(jq -s '[.[] | select(.rec.t == "log" and (.rec.level == "error" or .rec.level == "warn"))] | length' "$out/journal.jsonl")
  [ "$n" -eq 0 ] || fail "[gic=$gic] $n warning/error log record(s): $(jq -c -s '[.[] | select(.rec.t == "log" and (.rec.level == "error" or .rec.level == "warn")) | .rec.msg]' "$out/journal.jsonl")"
  pass "[gic=$gic] no warning or error logged"
  assert_jq "$r" '[.devices[].id] as $d | [$d[] as $n | [.results[] | select(.device == $n and (.test | startswith("pci.")))] | length >= 15] | all' \
    "[gic=$gic] the pci.* checks ran on every device"
  assert_jq "$r" '[.results[] | select(.verdict == "fail" or .verdict == "error")] | length == 0' \
    "[gic=$gic] every failure is a known QEMU deviation ($(jq -r '[.results[] | select(.verdict == "fail" or .verdict == "error") | "\(.test)@\(.device): \(.message)"] | unique | join("; ")' "$r"))"
  assert_jq "$r" '[.results[] | select(.test == "basic.init.sequence") | .verdict] | (length == 10 and all(. == "pass"))' \
    "[gic=$gic] every device initialises"
  # rng, blk, net and console have peer-free workloads: interrupts are driven
  for t in pci.irq.intx pci.irq.msix-delivery pci.irq.msix-mapping; do
    assert_jq "$r" "[.results[] | select(.test == \"$t\" and (.device | test(\"0000:(01|02|03|04|09|0a|0d|0e):\"))) | .verdict] | (length == 8 and all(. == \"pass\"))" \
      "[gic=$gic] $t passes behind root ports, both PCI bridges and the switch"
  done
  [ $rc -eq 0 ] || fail "[gic=$gic] exit code $rc with only known failures"
  pass "[gic=$gic] exit code 0"
done
