#!/usr/bin/env bash
# `plugfest run -j N` over several targets and --variant sets: each an
# ordinary run in its own output directory, at most N at a time, merged
# into one matrix report; the exit code is the worst of the runs; an
# unknown target is refused before anything starts.
. "$(dirname "$0")/lib.sh"
filter='basic.init*,rng.*'

# 1. Two targets, two at a time.
"$PLUGFEST" run -j 2 -t qemu-aarch64-virt -t qemu-aarch64-virt-rootports -f "$filter" --formats json \
  -o "$scratch/m" > "$scratch/m.out" 2>&1 || { cat "$scratch/m.out"; fail "two targets: non-zero exit"; }
for t in qemu-aarch64-virt qemu-aarch64-virt-rootports; do
  assert_jq "$scratch/m/$t/results.json" '.run.target == "'"$t"'" and .run.end.status == "ok" and ([.results[] | select(.test | startswith("rng."))] | length) >= 2' \
    "$t: its own complete run"
  [ -s "$scratch/m/$t.log" ] || fail "$t: no console log of the run"
done
assert_jq "$scratch/m/matrix.json" '(.runs | length) == 2 and ([.runs[].target] | sort) == ["qemu-aarch64-virt", "qemu-aarch64-virt-rootports"]' \
  "one matrix over both runs"
[ -f "$scratch/m/matrix.html" ] || fail "no matrix.html"
# they overlapped: the second started before the first finished
grep -n '^started\|^finished' "$scratch/m.out" | head -2 | grep -c started | grep -q 2 ||
  fail "with -j 2 both runs did not start together: $(cat "$scratch/m.out")"
pass "-j 2 runs two targets side by side"

# 2. Variants of one target: each variant's variables reach its run.
"$PLUGFEST" run -j 2 --variant gic=2 --variant gic=3,packed=on -f "$filter" --formats json \
  -o "$scratch/v" > "$scratch/v.out" 2>&1 || { cat "$scratch/v.out"; fail "variants: non-zero exit"; }
assert_jq "$scratch/v/qemu-aarch64-virt-gic-2/results.json" '[.run.argv[] | select(test("gic-version=2"))] | length == 1' \
  "variant gic=2 booted GICv2"
assert_jq "$scratch/v/qemu-aarch64-virt-gic-3_packed-on/results.json" \
  '([.run.argv[] | select(test("gic-version=3"))] | length == 1) and ([.run.argv[] | select(. == "virtio-device.packed=on")] | length == 1)' \
  "variant gic=3,packed=on: both variables set"
assert_jq "$scratch/v/matrix.json" '(.runs | length) == 2' "one matrix over both variants"

# 3. The worst exit code wins: a run whose probe cannot boot is incomplete.
printf 'not an image' > "$scratch/bad.img"
set +e
"$PLUGFEST" run -j 2 -t qemu-aarch64-virt -t qemu-aarch64-virt-rootports -f "$filter" --formats json \
  --timeout 20 --max-restarts 0 --probe "$scratch/bad.img" -o "$scratch/bad" > "$scratch/bad.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "runs that never booted: exit $rc, expected 3"
pass "an incomplete run makes the matrix exit 3"

# 4. An unknown target is refused before anything starts.
set +e
"$PLUGFEST" run -j 2 -t qemu-aarch64-virt -t no-such-target -o "$scratch/unknown" > /dev/null 2> "$scratch/unknown.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown target: exit $rc, expected 2"
grep -q "unknown target 'no-such-target'" "$scratch/unknown.err" || fail "unknown target not named: $(cat "$scratch/unknown.err")"
[ ! -e "$scratch/unknown/qemu-aarch64-virt" ] || fail "a run started although a target was unknown"
pass "an unknown target is refused before any run starts"
