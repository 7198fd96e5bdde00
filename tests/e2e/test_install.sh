#!/usr/bin/env bash
# After `cmake --install`, plugfest finds its data files and probe image
# relative to itself, without flags, and a run works from the prefix.
. "$(dirname "$0")/lib.sh"
: "${PF_BUILD_DIR:?run through ctest}"
cmake --install "$PF_BUILD_DIR" --prefix "$scratch/prefix" > /dev/null || fail "cmake --install failed"
pf="$scratch/prefix/bin/plugfest"
[ -x "$pf" ] || fail "no installed plugfest"
[ -f "$scratch/prefix/lib/plugfest/probe-aarch64.img" ] || fail "probe image not installed"
cd "$scratch"   # nowhere near the source or build tree
"$pf" targets | grep -q '^qemu-aarch64-virt' || fail "installed plugfest does not find its targets"
"$pf" list --json | jq -e 'length > 0' > /dev/null || fail "installed plugfest does not find the spec fact base"
pass "installed plugfest finds targets and the catalogue"
set +e; "$pf" run -f 'basic.init*' --formats json -o "$scratch/run" > /dev/null 2>&1; rc=$?; set -e
[ $rc -eq 0 ] || fail "run from the prefix: exit code $rc"
assert_jq "$scratch/run/results.json" '(.devices | length) == 25 and (.run.probe.image_path | startswith("'"$scratch"'/prefix/lib/plugfest/"))' "run from the prefix uses the installed image"
