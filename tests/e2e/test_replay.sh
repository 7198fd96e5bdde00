#!/usr/bin/env bash
# A recorded stream is not a run: a "hypervisor" that prints the console.log
# of an earlier real run is rejected (nonce diagnostics, exit 3), and so is
# a stream of an older protocol version. The real run packages with its
# nonce and verifies.
. "$(dirname "$0")/lib.sh"
fake="$PF_SOURCE_DIR/tests/e2e/fake-vmm.sh"

set +e
"$PLUGFEST" run -f 'basic.init*' --formats json -o "$scratch/real" > "$scratch/real.out" 2>&1
rc=$?
set -e
r="$scratch/real/results.json"
[ -f "$r" ] || { cat "$scratch/real.out"; fail "real run: no results.json"; }
[ $rc -eq 0 ] || { cat "$scratch/real.out"; fail "real run: exit code $rc"; }
assert_jq "$r" '(.run.nonce | test("^[0-9a-f]{32}$")) and (.diagnostics | length == 0) and (.results | length > 0)' \
  "real run: nonce recorded, clean stream"
nonce=$(jq -r .run.nonce "$r")
grep -q "\"nonce\":\"$nonce\"" "$scratch/real/journal.jsonl" || fail "journal header does not name the nonce"
grep -q "pf.nonce=$nonce" "$scratch/real/results.json" || fail "the guest command line does not carry the nonce"

t=$(fake_target replay "$fake")
set +e
FAKE_VMM_MODE=replay FAKE_VMM_REPLAY="$scratch/real/console.log" \
  "$PLUGFEST" run --formats json -t "$t" -o "$scratch/replay" > "$scratch/replay.out" 2>"$scratch/replay.err"
rc=$?
set -e
r="$scratch/replay/results.json"
[ $rc -eq 3 ] || fail "replayed console.log: exit code $rc, expected 3"
grep -q "stream rejected" "$scratch/replay.err" || fail "no rejection message on stderr: $(cat "$scratch/replay.err")"
assert_jq "$r" '.diagnostics[0].kind == "nonce" and (.diagnostics[0].message | test("hello of another run \\(nonce '"${nonce:0:12}"'"))' \
  "replay: the old hello is named as another run's"
assert_jq "$r" '[.diagnostics[] | select(.kind == "nonce")] | length >= 10' "replay: every record rejected"
assert_jq "$r" '(.results | length == 0) and (.devices | length == 0) and .run.boots == 0' "replay: nothing of it was taken"
assert_jq "$r" '[.findings[] | select(.kind == "protocol" and (.message | test("stream rejected")))] | length == 1' \
  "replay: protocol finding"
assert_jq "$r" '.run.nonce != "'"$nonce"'"' "replay: a fresh nonce for the new run"

# A protocol-1 stream (marker @@PF1, checksums without a nonce).
sed 's/@@PF2 /@@PF1 /' "$scratch/real/console.log" > "$scratch/v1.log"
set +e
FAKE_VMM_MODE=replay FAKE_VMM_REPLAY="$scratch/v1.log" \
  "$PLUGFEST" run --formats json -t "$t" -o "$scratch/v1" > /dev/null 2>"$scratch/v1.err"
rc=$?
set -e
[ $rc -eq 3 ] || fail "protocol-1 stream: exit code $rc, expected 3"
assert_jq "$scratch/v1/results.json" \
  '.diagnostics[0].kind == "version" and (.diagnostics[0].message | test("protocol version 1"))' \
  "protocol-1 stream: named as another version"
grep -q "another protocol version" "$scratch/v1.err" || fail "no version message on stderr: $(cat "$scratch/v1.err")"

# The real run's package carries its nonce; verify checks the journal.
"$PLUGFEST" package -o "$scratch/real.tar" "$scratch/real" > /dev/null || fail "plugfest package failed"
"$PLUGFEST" verify "$scratch/real.tar" > "$scratch/verify.out" || { cat "$scratch/verify.out"; fail "a fresh package does not verify"; }
tar -xOf "$scratch/real.tar" MANIFEST.json | jq -e --arg n "$nonce" '.run.nonce == $n' > /dev/null ||
  fail "the manifest does not record the nonce"
pass "package records the nonce and verifies"
