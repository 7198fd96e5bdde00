#!/usr/bin/env bash
# The whole test suite: unit tests (host code under AddressSanitizer and
# UndefinedBehaviorSanitizer) and end-to-end tests that boot the probe under
# QEMU. Installs what is missing and builds what is stale first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-test"
"$root/ci/setup.sh"
"$root/ci/check-tools.sh"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DPF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
