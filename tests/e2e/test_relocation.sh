#!/usr/bin/env bash
# The aarch64 probe is a static PIE that relocates itself: loaded at
# another address (QEMU loads an arm64 Image at RAM base + the header's
# text_offset, so patching that field moves it) it runs its suites with the
# same verdicts, says where it ran (hello `load_address`), and takes its DMA
# arena from free RAM wherever that is.
. "$(dirname "$0")/lib.sh"
img="$PF_BUILD_DIR/probes/aarch64/probe-aarch64.img"
[ -f "$img" ] || fail "no probe image at $img"

# A copy of the image with another text_offset (bytes 8..15, little endian).
relocated() {
  local off=$1 out=$2
  cp "$img" "$out"
  printf "$(printf '%016x' "$off" | sed -E 's/(..)(..)(..)(..)(..)(..)(..)(..)/\\x\8\\x\7\\x\6\\x\5\\x\4\\x\3\\x\2\\x\1/')" |
    dd of="$out" bs=1 seek=8 count=8 conv=notrunc status=none
}
relocated $((0x180000)) "$scratch/probe-1m5.img"
relocated $((0x8000000)) "$scratch/probe-128m.img"
verdicts() { jq -c '[.results[] | [.test, .device, .sub, .verdict]] | sort' "$1"; }

# 1. Link address and 1.5 MiB into RAM: the same verdicts.
filter='basic.*,features.*,pci.*,mmio.*,rng.*,blk.*'
"$PLUGFEST" run -f "$filter" --formats json -o "$scratch/link" > "$scratch/link.out" 2>&1 ||
  { tail -20 "$scratch/link.out"; fail "run at the link address failed"; }
"$PLUGFEST" run --probe "$scratch/probe-1m5.img" -f "$filter" --formats json -o "$scratch/low" \
  > "$scratch/low.out" 2>&1 || { tail -20 "$scratch/low.out"; fail "run at 0x40180000 failed"; }
assert_jq "$scratch/link/results.json" '.run.probe.load_address == "0x40200000"' "linked and loaded at 0x40200000"
assert_jq "$scratch/low/results.json" '.run.probe.load_address == "0x40180000"' "loaded at 0x40180000"
[ "$(verdicts "$scratch/link/results.json")" = "$(verdicts "$scratch/low/results.json")" ] || {
  diff <(verdicts "$scratch/link/results.json" | jq -c '.[]') <(verdicts "$scratch/low/results.json" | jq -c '.[]') || true
  fail "verdicts differ between the link address and 0x40180000"
}
assert_jq "$scratch/low/results.json" '(.results | length) > 100' "the same verdicts at both addresses"

# 2. 128 MiB into RAM, just below where QEMU puts the DTB: the whole
# default suite, complete and conformant, the arena taken from elsewhere.
set +e
"$PLUGFEST" run --probe "$scratch/probe-128m.img" --formats json -o "$scratch/high" > "$scratch/high.out" 2>&1
rc=$?
set -e
r="$scratch/high/results.json"
[ "$rc" -eq 0 ] || { tail -30 "$scratch/high.out"; fail "default suite at 0x48000000: exit code $rc"; }
assert_jq "$r" '.run.probe.load_address == "0x48000000" and .run.end.status == "ok" and (.devices | length) == 25' \
  "default suite at 0x48000000: complete, every device"
assert_jq "$r" '[.results[] | select(.verdict == "error" or .verdict == "crash" or .verdict == "wedged")] | length == 0' \
  "default suite at 0x48000000: no check lacked memory or stopped"
