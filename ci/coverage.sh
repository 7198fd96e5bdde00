#!/usr/bin/env bash
# Line coverage of the runner's command layer by the unit tests.
#
#   ci/coverage.sh [BUILD_DIR]        (default: build-coverage)
#
# Builds the host code apart from the test build (gcc --coverage, -O0, no
# sanitizers, no probe image), runs the unit tests (ctest -L unit) and prints
# the lines executed per file of the command layer and their total, from
# gcov's own summary. Exit 0 when the tests passed, whatever the figure;
# COVERAGE_MIN=NN (percent) makes a total below NN fail (exit 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-coverage}
files=(harness/src/cli/run.c harness/src/cli/run_opts.c harness/src/cli/run_boot.c reports/reports.c harness/src/cli/cmd_reports.c harness/src/cli/cmd_catalogue.c
       harness/src/policy/coverage.c harness/src/cli/progress.c harness/src/cli/paths.c)

command -v gcov >/dev/null || { echo "ci/coverage.sh: gcov not found (Debian package gcc)" >&2; exit 3; }
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DPF_SANITIZE=OFF -DPF_BUILD_PROBE=OFF \
  -DCMAKE_C_FLAGS="--coverage -O0" -DCMAKE_EXE_LINKER_FLAGS="--coverage" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
# counters of an earlier run would add up
find "$build" -name '*.gcda' -delete
tests_rc=0
(cd "$build" && ctest -L unit -j"$(nproc)" --output-on-failure) >"$build/coverage-ctest.log" 2>&1 || tests_rc=$?
tail -n 3 "$build/coverage-ctest.log"

objdir="$build/CMakeFiles/pfhost.dir"
total_run=0
total_lines=0
printf '%-36s %8s %8s %8s\n' file executed lines percent
for f in "${files[@]}"; do
  # gcov prints "File '<path>'" then "Lines executed:P% of N" per source;
  # the first block is the file itself (headers it includes follow).
  line=$(cd "$build" && gcov -n -o "$objdir/$f.o" "$root/$f" 2>/dev/null |
         awk -v want="$f" '
           /^File / { cur = index($0, want) > 0 }
           cur && /^Lines executed:/ { sub(/^Lines executed:/, ""); print; exit }')
  if [ -z "$line" ]; then
    echo "ci/coverage.sh: no coverage data for $f" >&2
    exit 3
  fi
  pct=${line%%%*}
  n=${line##* of }
  run=$(awk -v p="$pct" -v n="$n" 'BEGIN { printf "%d", p * n / 100 + 0.5 }')
  total_run=$((total_run + run))
  total_lines=$((total_lines + n))
  printf '%-36s %8d %8d %7.2f%%\n' "$f" "$run" "$n" "$pct"
done
total_pct=$(awk -v r="$total_run" -v n="$total_lines" 'BEGIN { printf "%.2f", n ? 100 * r / n : 0 }')
printf '%-36s %8d %8d %7.2f%%\n' total "$total_run" "$total_lines" "$total_pct"

if [ "$tests_rc" -ne 0 ]; then
  echo "ci/coverage.sh: unit tests failed, see $build/coverage-ctest.log" >&2
  exit 1
fi
if [ -n "${COVERAGE_MIN:-}" ] && awk -v t="$total_pct" -v m="$COVERAGE_MIN" 'BEGIN { exit !(t < m) }'; then
  echo "ci/coverage.sh: total $total_pct% is below COVERAGE_MIN=$COVERAGE_MIN%" >&2
  exit 1
fi
