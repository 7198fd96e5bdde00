#!/usr/bin/env bash
# `plugfest attach`: the same run on a stream the kit did not start. A
# recorded serial stream of a live run, replayed with that run's nonce,
# reproduces the live verdicts; with another nonce it is rejected. A guest
# QEMU started outside the kit is attached to over a unix socket. A stream
# that stops early or goes quiet is a finding, and bad sources are refused.
. "$(dirname "$0")/lib.sh"

filter='basic.init*,rng.*,blk.*'
set +e
"$PLUGFEST" run -f "$filter" --formats json -o "$scratch/live" > "$scratch/live.out" 2>&1
live_rc=$?
set -e
live="$scratch/live/results.json"
[ -f "$live" ] || { cat "$scratch/live.out"; fail "live run: no results.json"; }
nonce=$(jq -r .run.nonce "$live")
hv_version=$(jq -r .run.hypervisor.version "$live")
verdicts() { jq -c '[.results[] | [.test, .device, .sub, .verdict, .waiver.id]] | sort' "$1"; }

# 1. Replay with the live run's nonce: the same verdicts, the same exit code.
set +e
"$PLUGFEST" attach "file:$scratch/live/console.log" --nonce "$nonce" -t qemu-aarch64-virt \
  --hypervisor qemu --hypervisor-version "$hv_version" --formats json -o "$scratch/replay" \
  > "$scratch/replay.out" 2>&1
rc=$?
set -e
r="$scratch/replay/results.json"
[ -f "$r" ] || { cat "$scratch/replay.out"; fail "replay: no results.json"; }
[ "$rc" -eq "$live_rc" ] || fail "replay exit code $rc, live run's $live_rc"
[ "$(verdicts "$live")" = "$(verdicts "$r")" ] || {
  diff <(verdicts "$live" | jq -c '.[]') <(verdicts "$r" | jq -c '.[]') || true
  fail "replayed verdicts differ from the live run's"
}
assert_jq "$r" '(.results | length > 20) and ([.results[] | select(.waiver)] | length > 0)' \
  "replay: results and known failures as live"
assert_jq "$r" '.run.attach.source == "file:'"$scratch"'/live/console.log" and .run.nonce == "'"$nonce"'"' \
  "replay: source and nonce recorded"
jq -e --slurpfile l "$live" '(.devices == $l[0].devices) and (.findings | length == 0)' "$r" > /dev/null ||
  fail "replay: devices or findings differ from the live run's"
pass "replay: the same devices, no finding"
grep -q "\"nonce\":\"$nonce\"" "$scratch/replay/journal.jsonl" || fail "replay journal does not name the nonce"

# 2. Another nonce: the stream is not this run's and is rejected whole.
set +e
"$PLUGFEST" attach "$scratch/live/console.log" --nonce 0123456789abcdef0123456789abcdef \
  --formats json -o "$scratch/other" > /dev/null 2> "$scratch/other.err"
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "another nonce: exit code $rc, expected 3"
grep -q "stream rejected" "$scratch/other.err" || fail "another nonce: no rejection on stderr"
assert_jq "$scratch/other/results.json" \
  '(.results | length == 0) and ([.diagnostics[] | select(.kind == "nonce")] | length > 0) and ([.findings[] | select(.kind == "protocol")] | length == 1)' \
  "another nonce: rejected, nothing scored"

# 3. No --nonce: a fresh one is printed for the operator.
set +e
"$PLUGFEST" attach "$scratch/live/console.log" --formats json -o "$scratch/fresh" > "$scratch/fresh.out" 2>&1
set -e
fresh=$(jq -r .run.nonce "$scratch/fresh/results.json")
grep -q "start the guest with: pf.nonce=$fresh" "$scratch/fresh.out" || fail "the fresh nonce is not printed"
[ "$fresh" != "$nonce" ] || fail "no fresh nonce"
pass "a fresh nonce is printed for the guest's command line"

# 4. A stream cut in the middle of a check: a crash finding on that check.
cut=$(grep -n '"t":"begin"' "$scratch/live/console.log" | sed -n 5p | cut -d: -f1)
head -n "$cut" "$scratch/live/console.log" > "$scratch/cut.log"
set +e
"$PLUGFEST" attach "$scratch/cut.log" --nonce "$nonce" --formats json -o "$scratch/cut" > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a cut stream passed"
assert_jq "$scratch/cut/results.json" \
  '[.results[] | select(.verdict == "crash" and (.message | test("ended before the probe.s end record")))] | length == 1' \
  "cut stream: the check in flight gets the crash"

# 5. A source that goes quiet: wedged after --inactivity, the run goes on to
# write its results. The writer end is held open by this shell.
mkfifo "$scratch/quiet"
exec 7<> "$scratch/quiet"
head -n 3 "$scratch/live/console.log" >&7
set +e
timeout 30 "$PLUGFEST" attach "file:$scratch/quiet" --nonce "$nonce" --inactivity 1 --formats json \
  -o "$scratch/quiet-out" > /dev/null 2>&1
rc=$?
set -e
exec 7>&-
[ "$rc" -ne 124 ] || fail "attach did not bound a quiet source"
assert_jq "$scratch/quiet-out/results.json" \
  '[.findings[] | select(.kind == "wedged" and (.message | test("--inactivity")))] | length == 1' \
  "quiet source: wedged finding after --inactivity"

# 6. Bad sources and options: a clear error, exit 2.
for bad in "tcp:localhost" "tcp:127.0.0.1:99999" "unix:" ; do
  set +e
  "$PLUGFEST" attach "$bad" -o "$scratch/bad" > /dev/null 2> "$scratch/bad.err"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "source '$bad': exit code $rc, expected 2"
  grep -q "SOURCE" "$scratch/bad.err" || fail "source '$bad': error does not name SOURCE: $(cat "$scratch/bad.err")"
done
set +e
"$PLUGFEST" attach "$scratch/live/console.log" --nonce xyz > /dev/null 2> "$scratch/bad.err"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q -- "--nonce" "$scratch/bad.err" || fail "a malformed --nonce is not refused"
set +e
"$PLUGFEST" attach "unix:$scratch/nobody.sock" --nonce "$nonce" --connect-timeout 1 --formats json \
  -o "$scratch/nobody" > /dev/null 2> "$scratch/nobody.err"
rc=$?
set -e
[ "$rc" -eq 3 ] && grep -q "cannot connect" "$scratch/nobody.err" || fail "a socket nobody serves: exit $rc"
pass "bad sources are refused with a clear error"

# 7. A guest started outside the kit, attached to over a unix socket: QEMU
# waits for the connection before it runs the guest. The root-ports target
# needs no companion process, so its command line runs as printed.
ext_target=qemu-aarch64-virt-rootports
mapfile -t argv < <("$PLUGFEST" run -t "$ext_target" --dry-run -f 'basic.init*,rng.*' -o "$scratch/ext")
mkdir -p "$scratch/ext"
ext_nonce=""
for i in "${!argv[@]}"; do
  case "${argv[$i]}" in
    stdio) [ "${argv[$((i - 1))]}" = -serial ] && argv[$i]="unix:$scratch/serial.sock,server=on,wait=on" ;;
    *pf.nonce=*) ext_nonce=$(sed -E 's/.*pf\.nonce=([0-9a-f]+).*/\1/' <<< "${argv[$i]}") ;;
  esac
done
[ -n "$ext_nonce" ] || fail "no nonce on the dry-run command line"
"${argv[@]}" > "$scratch/ext-qemu.log" 2>&1 &
qemu_pid=$!
set +e
"$PLUGFEST" attach "unix:$scratch/serial.sock" --nonce "$ext_nonce" -t "$ext_target" \
  --hypervisor qemu --hypervisor-version "$hv_version" --formats json -o "$scratch/ext-out" \
  > "$scratch/ext.out" 2>&1
rc=$?
set -e
for _ in $(seq 1 100); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
kill "$qemu_pid" 2>/dev/null || true
wait "$qemu_pid" 2>/dev/null || true
[ "$rc" -eq 0 ] || { cat "$scratch/ext.out"; fail "attach to a live guest: exit code $rc"; }
assert_jq "$scratch/ext-out/results.json" \
  '(.devices | length >= 10) and ([.results[] | select(.test | startswith("rng."))] | length >= 1) and ([.results[] | select(.verdict != "pass")] | length == 0) and .run.end.status == "ok"' \
  "live guest over a unix socket: every device found, rng checks pass"
