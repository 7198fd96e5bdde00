#!/usr/bin/env bash
# Usage errors, target errors and the catalogue commands.
. "$(dirname "$0")/lib.sh"
set +e
"$PLUGFEST" run -t no-such-target -o "$scratch/x" 2> "$scratch/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown target: exit code $rc, expected 2"
grep -q "qemu-aarch64-virt" "$scratch/err" || fail "unknown target: available targets not listed"
pass "unknown target lists the available ones"

printf 'name: broken\nargv: [a, b\n' > "$scratch/broken.yaml"
set +e; "$PLUGFEST" run -t "$scratch/broken.yaml" -o "$scratch/y" 2> "$scratch/err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "malformed target: exit code $rc"
grep -q "broken.yaml:[0-9]*:[0-9]*" "$scratch/err" || fail "malformed target: no file:line:col in '$(cat "$scratch/err")'"
pass "malformed target names file, line and column"

set +e; "$PLUGFEST" frobnicate 2>/dev/null; rc=$?; set -e
[ $rc -eq 2 ] || fail "unknown command: exit code $rc"
pass "unknown command is a usage error"

"$PLUGFEST" list --json > "$scratch/list.json"
assert_jq "$scratch/list.json" 'length >= 2 and all(.[]; has("id") and has("area") and has("level") and ((.labels | length >= 1) or .level == "may"))' "list --json"
assert_jq "$scratch/list.json" '[.[].id] | length == (unique | length)' "check ids are unique"
assert_jq "$scratch/list.json" 'all(.[]; has("unknown_reqs") | not)' "every statement named by a check exists in the spec"
"$PLUGFEST" coverage --json > "$scratch/cov.json"
assert_jq "$scratch/cov.json" '.core.total >= 90 and (.unknown_reqs | length == 0)' "coverage --json"
assert_jq "$scratch/cov.json" '.core.full + .core.partial == .core.covered and .core.percent == .core.percent_full and all(.claims[]; .claim == "full" or (.claim == "partial" and (.reason | length > 0)))' "coverage --json: full and partial claims apart"
"$PLUGFEST" targets | grep -q qemu-aarch64-virt || fail "targets does not list the default"
pass "targets"

printf 'schema: plugfest-profile/1\nid: p\ntitle: t\nversion: "1"\nspec: {name: VIRTIO, version: "1.4"}\nrequirements:\n  - id: R1\n    levle: must\n' > "$scratch/badprofile.yaml"
set +e; "$PLUGFEST" run --profile "$scratch/badprofile.yaml" -o "$scratch/z" 2> "$scratch/err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "malformed profile: exit code $rc, expected 2"
grep -q "badprofile.yaml:[0-9]*:[0-9]*: field '[^']*'" "$scratch/err" || fail "malformed profile: no file:line:col and field in '$(cat "$scratch/err")'"
[ ! -e "$scratch/z/results.json" ] || fail "malformed profile: the run went ahead"
pass "malformed profile refused before booting, naming file, line, column and field"
