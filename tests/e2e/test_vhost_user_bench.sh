#!/usr/bin/env bash
# The vhost-user fault bench through QEMU 7.2 (tests/vhost-user/bench.sh):
# the core ring checks against the project's own back-end on virtio-mmio
# and PCI, split and packed rings, clean, with each fault once and each
# conformant control once; the outcome of every run must match the fault
# table (pf-vhost-user-dev --list-faults). The exhaustive matrix is
# ci/fault-bench. Also: the runner's handling of the back-ends as services
# (started per boot, restarted with the guest, stopped by PID, errors).
. "$(dirname "$0")/lib.sh"
: "${PF_BUILD_DIR:?run through ctest}"
vudev=$PF_BUILD_DIR/tests/vhost-user/pf-vhost-user-dev
target=$PF_SOURCE_DIR/tests/vhost-user/qemu-aarch64-vhost-user-bench.yaml
[ -x "$vudev" ] || fail "pf-vhost-user-dev not built"
command -v qemu-system-aarch64 >/dev/null || { echo "qemu-system-aarch64 missing"; exit 77; }

# pids_of OUTDIR: the PIDs the runner gave its services, from services.log
pids_of() { sed -n "s/^\[plugfest\] service '[a-z_]*' started, pid \([0-9]*\)$/\1/p" "$1/services.log"; }
no_leftover() { # OUTDIR
  local p n=0
  for p in $(pids_of "$1"); do
    n=$((n + 1))
    if kill -0 "$p" 2>/dev/null && [ "$(ps -o comm= -p "$p")" = pf-vhost-user-d ]; then
      fail "service pid $p still running after the run"
    fi
  done
  [ "$n" -ge 4 ] || fail "services.log names $n service PIDs, expected at least 4"
  pass "all $n service processes gone after the run"
}

# --- the runner's errors: a missing back-end is an infrastructure error ------
set +e
"$PLUGFEST" run -t "$target" --set backend=/nonexistent/pf-vhost-user-dev -o "$scratch/missing" \
  --formats json > "$scratch/missing.out" 2>&1
rc=$?
set -e
[ $rc -eq 3 ] || { cat "$scratch/missing.out"; fail "missing back-end: exit $rc, expected 3"; }
grep -q "qemu-aarch64-vhost-user-bench.yaml: field 'services.mmio_rng': cannot start '/nonexistent/pf-vhost-user-dev'" \
  "$scratch/missing.out" || { cat "$scratch/missing.out"; fail "error does not name the target file and the service"; }
pass "missing back-end: exit 3 naming the target file and the service"

# --- crash of the hypervisor: the services are restarted with the guest ------
out=$scratch/crash
"$PLUGFEST" run -t "$target" --set "backend=$vudev" -o "$out" --formats json --max-restarts 1 \
  --filter 'split.*' --bootargs pf.pace=20 > "$scratch/crash.out" 2>&1 &
runner=$!
for _ in $(seq 1 600); do
  n=$(grep -c '"t":"result"' "$out/journal.jsonl" 2>/dev/null || true)
  [ "${n:-0}" -ge 3 ] && break
  sleep 0.05
done
vmm=$(pgrep -P "$runner" -x qemu-system-aar | head -n 1)
[ -n "$vmm" ] || fail "no hypervisor child found"
kill -KILL "$vmm"
set +e
wait "$runner"
set -e
assert_jq "$out/results.json" '.run.boots == 2' "guest restarted once after the crash"
[ "$(grep -c -- '--- boot: starting 4 service(s) ---' "$out/services.log")" -eq 2 ] ||
  fail "services were not started again for the second boot"
[ "$(pids_of "$out" | sort -u | wc -l)" -eq 8 ] || fail "expected 8 distinct service PIDs over 2 boots"
pass "services restarted with the guest (8 distinct PIDs over 2 boots)"
no_leftover "$out"

# --- the bench: clean, each fault once, each control once --------------------
set +e
PLUGFEST=$PLUGFEST VU_DEV=$vudev "$PF_SOURCE_DIR/tests/vhost-user/bench.sh" subset "$scratch/bench"
rc=$?
set -e
[ $rc -eq 0 ] || fail "fault bench: outcomes differ from the fault table (exit $rc; see above)"
for d in "$scratch"/bench/*/; do
  [ -f "$d/services.log" ] && no_leftover "$d" > /dev/null
done
pass "fault bench outcomes match the table; no back-end left running"
