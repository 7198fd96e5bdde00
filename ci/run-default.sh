#!/usr/bin/env bash
# The main job: a default conformance run on QEMU with the default profile.
# Installs what is missing, builds what is stale, runs, and writes the
# reports to out/default (or the directory given as $1). Exits with
# plugfest's documented code (docs/exit-codes.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/out/default}
"$root/ci/setup.sh"
[ -f "$root/build/CMakeCache.txt" ] || cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" > "$root/build/last-build.log" 2>&1 || { cat "$root/build/last-build.log"; exit 3; }
set +e
"$root/build/plugfest" run -o "$out"
rc=$?
set -e
echo "reports in $out (exit code $rc, see docs/exit-codes.md)"
exit $rc
