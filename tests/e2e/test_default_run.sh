#!/usr/bin/env bash
# The default run on QEMU: every device of the reference target is found on
# both transports, every check reports a verdict, the reports are written and
# the exit code matches the verdict.
. "$(dirname "$0")/lib.sh"
out="$scratch/run"
set +e
"$PLUGFEST" run -o "$out" > "$scratch/stdout" 2>&1
rc=$?
set -e
cat "$scratch/stdout"
r="$out/results.json"
[ -f "$r" ] || fail "no results.json"
for f in junit.xml report.md report.html report.pdf journal.jsonl console.log hypervisor.log; do
  [ -s "$out/$f" ] || fail "$f missing or empty"
done
pass "reports written"
assert_jq "$r" '.schema == "plugfest-results/1"' "schema named"
for t in net blk scsi 9p console rng gpu input crypto; do
  assert_jq "$r" "[.devices[] | select(.type == \"$t\" and .transport == \"mmio\")] | length >= 1" "$t on mmio found"
  assert_jq "$r" "[.devices[] | select(.type == \"$t\" and .transport == \"pci\")] | length >= 1" "$t on pci found"
done
assert_jq "$r" '[.devices[] | select(.type == "balloon")] | length == 1' "balloon found once"
assert_jq "$r" '[.devices[] | select(.type == "mem" and .transport == "pci")] | length == 1' "virtio-mem on pci found"
assert_jq "$r" '[.devices[] | select(.transport == "mmio") | .mode] | unique == ["modern"]' "mmio devices are Version 2"
assert_jq "$r" '[.devices[] | select(.transport == "mmio") | .version] | unique == [2]' "mmio Version register reads 2"
assert_jq "$r" '.devices | all(.feature_bits | index(32))' "every modern device offers VERSION_1"
assert_jq "$r" '.devices | all(.queues | length >= 1)' "every device has a queue"
assert_jq "$r" '(.devices | length) as $n | [.results[] | select(.test == "basic.init.sequence")] | length == $n' "init sequence checked on every device"
assert_jq "$r" '[.results[] | select(.test == "basic.init.sequence") | .verdict] | all(. == "pass")' "init sequence passes on QEMU"
assert_jq "$r" '.results | all((.labels | length >= 1) or .level == "may")' "every result names spec labels (informational checks excepted)"
assert_jq "$r" '.results | all(.verdict | IN("pass","fail","warn","skip","na","error","xfail","xpass","waived"))' "verdicts from the vocabulary"
assert_jq "$r" '.summary.verdict | IN("conformant","conformant-with-warnings","conformant-with-known-failures","non-conformant")' "a summary verdict"
assert_jq "$r" '.run.expect.devices == 25 and ([.summary.reasons[] | select(test("device\\(s\\) found|no virtio device"))] | length == 0)' "the 25 devices the target expects were found"
assert_jq "$r" '[.diagnostics[]?] | length == 0' "clean stream from the real probe"
v=$(jq -r .summary.verdict "$r")
case "$v" in
  conformant|conformant-with-warnings|conformant-with-known-failures) [ $rc -eq 0 ] || fail "verdict $v but exit code $rc";;
  non-conformant) [ $rc -eq 1 ] || fail "verdict $v but exit code $rc";;
  *) fail "unexpected verdict $v";;
esac
pass "exit code $rc matches verdict $v"
grep -q "^run verdict: $v (" "$scratch/stdout" || fail "console summary does not show verdict $v"
grep -q "^\*\*Overall: $v\*\*" "$out/report.md" || fail "report.md does not show verdict $v"
grep -q "verdict-banner v-$v\"" "$out/report.html" || fail "report.html does not show verdict $v"
grep -q "<property name=\"verdict\" value=\"$v\"/>" "$out/junit.xml" || fail "junit.xml does not show verdict $v"
pass "one headline verdict: console, results.json, report.md, report.html, junit.xml"
# Live progress lines show the verdict after known failures: a known
# failure is an xfail line, never a fail line.
fl=$(grep -c '^  fail  ' "$scratch/stdout" || true)
xl=$(grep -c '^  xfail ' "$scratch/stdout" || true)
[ "$fl" -eq "$(jq '[.results[] | select(.verdict == "fail")] | length' "$r")" ] || fail "$fl fail lines in the progress, results.json has $(jq '[.results[] | select(.verdict == "fail")] | length' "$r")"
[ "$xl" -eq "$(jq '[.results[] | select(.verdict == "xfail")] | length' "$r")" ] || fail "$xl xfail lines in the progress, results.json has $(jq '[.results[] | select(.verdict == "xfail")] | length' "$r")"
pass "progress lines: $fl fail, $xl xfail, as in results.json"
"$PF_SOURCE_DIR/tests/browser/test_html_report.sh" "$out/report.html" || fail "report.html did not render cleanly in Chromium"
pass "report.html renders in headless Chromium without console errors"
head -c 5 "$out/report.pdf" | grep -q '%PDF-' || fail "report.pdf is not a PDF"
pass "report.pdf is a PDF"
# every format re-rendered from results.json alone
"$PLUGFEST" report "$out/results.json" -o "$scratch/again" > /dev/null || fail "plugfest report failed"
for f in results.json junit.xml report.md report.html report.pdf; do
  [ -s "$scratch/again/$f" ] || fail "plugfest report did not write $f"
done
pass "plugfest report re-renders every format"
# a submission package verifies, and a tampered one does not
"$PLUGFEST" package -o "$scratch/run.tar" "$out" > /dev/null || fail "plugfest package failed"
"$PLUGFEST" verify "$scratch/run.tar" > /dev/null || fail "a fresh package does not verify"
pass "package verifies"
cp "$scratch/run.tar" "$scratch/bad.tar"
off=$(grep -m 1 -abo '"verdict": "pass"' "$scratch/bad.tar" | cut -d: -f1 | sed -n 1p)
printf 'f' | dd of="$scratch/bad.tar" bs=1 seek=$((off + 12)) conv=notrunc status=none
set +e; "$PLUGFEST" verify "$scratch/bad.tar" > "$scratch/verify.out"; vrc=$?; set -e
[ $vrc -eq 1 ] || fail "a tampered package verified (exit $vrc)"
grep -q "results.json" "$scratch/verify.out" || fail "verify does not name the tampered file"
pass "tampered package rejected, naming results.json"
grep -q "not used" "$scratch/stdout" && fail "a profile or known-failure file was rejected: $(grep "not used" "$scratch/stdout")"
pass "every shipped profile and known-failure file loaded"
xmllint --noout "$out/junit.xml" || fail "junit.xml is not well-formed XML"
# one testcase per check result in the device suites, plus one per
# profile requirement in the profile suites
[ "$(grep -c '<testcase ' "$out/junit.xml")" -ge "$(jq '.results | length' "$r")" ] || fail "junit.xml has fewer testcases than results"
grep -q '<testsuite name="profile virtio-1.4-core' "$out/junit.xml" || fail "junit.xml has no suite for the core profile"
pass "junit.xml well-formed, a testcase per result and per profile requirement"
