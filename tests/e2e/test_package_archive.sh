#!/usr/bin/env bash
# plugfest package / verify against tar(1): the package lists with tar, and
# archives made by tar that hold what a package never holds (a symlink, a
# hardlink, an absolute or ".." name, a duplicate, a member the manifest
# does not list, garbage, a cut) are refused with exit 3, naming the
# archive and the member. No hypervisor needed: the run is a fixture.
. "$(dirname "$0")/lib.sh"
command -v tar > /dev/null || fail "tar is not installed"

run="$scratch/run"
mkdir -p "$run"
cp "$PF_SOURCE_DIR/harness/tests/data/results/qemu-7.2-legacy.json" "$run/results.json"
echo "console" > "$run/console.log"
"$PLUGFEST" package -o "$scratch/pkg.tar" "$run" > /dev/null || fail "plugfest package failed"
tar -tf "$scratch/pkg.tar" > "$scratch/list" || fail "tar cannot list the package"
[ "$(head -n 1 "$scratch/list")" = MANIFEST.json ] || fail "MANIFEST.json is not the first member"
[ "$(tail -n 1 "$scratch/list")" = MANIFEST.sha256 ] || fail "MANIFEST.sha256 is not the last member"
grep -qx run/results.json "$scratch/list" || fail "tar does not list run/results.json"
pass "tar lists the package"
# readable: any verdict but "refused" (this fixture run has no nonce)
set +e; "$PLUGFEST" verify "$scratch/pkg.tar" > "$scratch/v.out" 2> "$scratch/v.err"; rc=$?; set -e
[ $rc -eq 1 ] || fail "fixture package: exit $rc, expected 1 (no nonce): $(cat "$scratch/v.err")"
grep -q "problem: nonce" "$scratch/v.out" || fail "fixture package: the missing nonce is not reported"
pass "a package written by plugfest is read"

# The package's own members unpacked, to build the hostile variants from.
x="$scratch/x"
mkdir -p "$x" && tar -xf "$scratch/pkg.tar" -C "$x"

# refused NAME MEMBER WHY: plugfest verify NAME.tar exits 3 with an error
# naming the archive, the member and why.
refused() {
  local a="$scratch/$1.tar" rc
  set +e; "$PLUGFEST" verify "$a" > /dev/null 2> "$scratch/$1.err"; rc=$?; set -e
  [ $rc -eq 3 ] || fail "$1: exit $rc, expected 3"
  grep -qF "$a: member '$2': $3" "$scratch/$1.err" ||
    fail "$1: error does not name the archive, member '$2' and '$3': $(cat "$scratch/$1.err")"
  pass "$1 refused: $(cat "$scratch/$1.err")"
}
members=(MANIFEST.json run/console.log run/results.json MANIFEST.sha256)

ln -s /etc/passwd "$x/run/link"
tar -cf "$scratch/symlink.tar" -C "$x" "${members[@]}" run/link
refused symlink run/link "is a symlink (to '/etc/passwd')"

ln "$x/run/console.log" "$x/run/hard"
tar -cf "$scratch/hardlink.tar" -C "$x" "${members[@]}" run/hard
refused hardlink run/hard "is a hardlink (to 'run/console.log')"
rm "$x/run/hard"

echo '* * * * * root sh' > "$scratch/evil"
tar -cf "$scratch/absolute.tar" -C "$x" -P "${members[@]}" "$scratch/evil"
refused absolute "$scratch/evil" "has an absolute name"

mkdir -p "$x/sub"
(cd "$x/sub" && tar -cf "$scratch/dotdot.tar" -P ../MANIFEST.json)
refused dotdot ../MANIFEST.json "has a '..' component"

tar -cf "$scratch/duplicate.tar" -C "$x" --hard-dereference "${members[@]}" run/console.log
refused duplicate run/console.log "appears more than once"

echo '#!/bin/sh' > "$x/run/extra.sh"
tar -cf "$scratch/extra.tar" -C "$x" "${members[@]}" run/extra.sh
refused extra run/extra.sh "not listed in MANIFEST.json"

# cut 100 bytes into the first member's data
head -c 612 "$scratch/pkg.tar" > "$scratch/cut.tar"
set +e; "$PLUGFEST" verify "$scratch/cut.tar" > /dev/null 2> "$scratch/cut.err"; rc=$?; set -e
[ $rc -eq 3 ] && grep -qF "$scratch/cut.tar: member 'MANIFEST.json'" "$scratch/cut.err" ||
  fail "a cut package: exit $rc: $(cat "$scratch/cut.err")"
pass "cut package refused: $(cat "$scratch/cut.err")"

head -c 4096 /dev/urandom > "$scratch/garbage.tar"
set +e; "$PLUGFEST" verify "$scratch/garbage.tar" > /dev/null 2> "$scratch/garbage.err"; rc=$?; set -e
[ $rc -eq 3 ] && grep -qF "$scratch/garbage.tar: not a tar archive" "$scratch/garbage.err" ||
  fail "garbage: exit $rc: $(cat "$scratch/garbage.err")"
pass "garbage refused"
