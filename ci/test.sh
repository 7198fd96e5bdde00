#!/usr/bin/env bash
# The whole test suite: unit tests (host code under AddressSanitizer and
# UndefinedBehaviorSanitizer) and end-to-end tests that boot the probe under
# QEMU. Installs what is missing and builds what is stale first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-test"
"$root/ci/setup.sh"
"$root/ci/check-tools.sh"
"$root/ci/format-check.sh"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DPF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)"
# The main job's optimised build (ci/run-default.sh) warns where -O0 does not
# (e.g. -Wformat-truncation): it must build too, with warnings as errors.
release="$root/build"
[ -f "$release/CMakeCache.txt" ] || cmake -S "$root" -B "$release" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$release" -j"$(nproc)" > "$release/last-build.log" 2>&1 || { cat "$release/last-build.log"; exit 1; }
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
