#!/usr/bin/env bash
# The core suite against qemu-storage-daemon's stock vhost-user-blk export
# through the shipped target qemu-aarch64-vhost-user-qsd: the runner creates
# the disk images, starts the daemon before QEMU, stops it after (checked by
# PID), and the run shows no failure that is not a documented deviation
# (QEMU 7.2's front-end entries and profiles/known-failures/vhost-user/).
. "$(dirname "$0")/lib.sh"
command -v qemu-storage-daemon >/dev/null || fail "qemu-storage-daemon missing (ci/setup.sh installs it)"
command -v qemu-system-aarch64 >/dev/null || fail "qemu-system-aarch64 missing (ci/setup.sh installs it)"
out=$scratch/qsd
set +e
"$PLUGFEST" run -t qemu-aarch64-vhost-user-qsd -o "$out" --formats json,junit \
  --known-failures "$PF_SOURCE_DIR/profiles/known-failures/vhost-user/libvhost-user-qemu-7.2.yaml" > "$scratch/stdout" 2>&1
rc=$?
set -e
r=$out/results.json
[ -f "$r" ] || { cat "$scratch/stdout"; fail "no results.json"; }
[ $rc -eq 0 ] || [ $rc -eq 1 ] || { cat "$scratch/stdout" "$out/services.log"; fail "exit code $rc: no verdict"; }
pass "run reached a verdict (exit $rc)"
assert_jq "$r" '.run.end.status == "ok"' "the probe finished"
assert_jq "$r" '[.results[] | select(.verdict | IN("fail", "error", "crash", "wedged", "timeout")) | "\(.test)@\(.device) [\(.sub)]"] | if length == 0 then true else error(join(", ")) end' \
  "no failure that is not a documented deviation"
[ $rc -eq 0 ] || fail "exit code $rc with every failure documented"
assert_jq "$r" '[.devices[] | select(.type == "blk")] | map(.transport) | sort == ["mmio", "pci"]' \
  "a vhost-user-blk device on virtio-mmio and one on PCI"
assert_jq "$r" '[.results[] | select(.test | startswith("split.")) | select(.verdict == "pass")] | length >= 6' \
  "split ring checks ran and passed on the daemon's rings"
[ -s "$out/vu-mmio.img" ] && [ -s "$out/vu-pci.img" ] || fail "disk images not created in the output directory"
pass "disk images created by the 'disks' service"

pid=$(sed -n "s/^\[plugfest\] service 'qsd' started, pid \([0-9]*\)$/\1/p" "$out/services.log" | head -n 1)
[ -n "$pid" ] || { cat "$out/services.log"; fail "services.log does not name the daemon's PID"; }
grep -q "^\[plugfest\] service 'qsd' (pid $pid) .*after we sent SIGTERM" "$out/services.log" ||
  { cat "$out/services.log"; fail "the runner did not stop the daemon (pid $pid)"; }
if kill -0 "$pid" 2>/dev/null && [ "$(ps -o comm= -p "$pid")" = qemu-storage-d ]; then
  fail "qemu-storage-daemon (pid $pid) still running after the run"
fi
pass "runner started qemu-storage-daemon (pid $pid) and stopped it: no leftover process"

# The block device suite alone, on a daemon no malformed chain has brought
# down: every failure is a documented deviation, and the suite's requests
# complete (no no-used, which the full run excuses; a pass there shows as
# xpass of that entry).
bo=$scratch/qsd-blk
set +e
"$PLUGFEST" run -t qemu-aarch64-vhost-user-qsd -o "$bo" -f 'blk.*' --formats json \
  --known-failures "$PF_SOURCE_DIR/profiles/known-failures/vhost-user/libvhost-user-qemu-7.2.yaml" > "$scratch/stdout-blk" 2>&1
brc=$?
set -e
[ $brc -eq 0 ] || { cat "$scratch/stdout-blk"; fail "blk suite alone: exit code $brc"; }
assert_jq "$bo/results.json" '[.results[] | select(.verdict | IN("fail", "error", "crash", "wedged", "timeout", "xfail", "warn")) | select(any(.subs[]?; . == "no-used"))] | length == 0' \
  "blk suite alone: every request completed"
assert_jq "$bo/results.json" '[.results[] | select(.test == "blk.discard" or .test == "blk.write-zeroes" or .test == "blk.zoned-without-feature") | .verdict] | length == 6 and all(IN("pass", "xpass"))' \
  "blk suite alone: DISCARD, WRITE_ZEROES and ZONE_* answered as 5.2.6.2 says on both transports"

echo "failures and warnings on qemu-storage-daemon's vhost-user-blk:"
jq -r '.results[] | select(.verdict | test("^(fail|xfail|warn|crash|wedged|timeout)$"))
  | "  \(.verdict)\t\(.device)\t\(.test)\t\(.message // "" | .[0:150])"' "$r"
