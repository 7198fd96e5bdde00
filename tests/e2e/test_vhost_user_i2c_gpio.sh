#!/usr/bin/env bash
# The I2C and GPIO suites through QEMU 7.2's vhost-user-i2c and
# vhost-user-gpio front-ends (virtio-mmio and PCI) on the shipped target
# qemu-aarch64-vhost-user-i2c-gpio, backed by the project's back-end: clean,
# every check passes but the documented QEMU deviation
# (QEMU72-I2C-ZERO-LENGTH-NOT-REQUIRED) and gpio.irq, n/a because the
# front-end never offers VIRTIO_GPIO_F_IRQ; then the fault bench mechanism
# (tests/vhost-user/bench.sh) with each i2c and gpio fault: the check the
# fault table names fails on both transports.
. "$(dirname "$0")/lib.sh"
: "${PF_BUILD_DIR:?run through ctest}"
vudev=$PF_BUILD_DIR/tests/vhost-user/pf-vhost-user-dev
[ -x "$vudev" ] || fail "pf-vhost-user-dev not built"
command -v qemu-system-aarch64 >/dev/null || fail "qemu-system-aarch64 missing (ci/setup.sh installs it)"

out=$scratch/clean
set +e
"$PLUGFEST" run -t qemu-aarch64-vhost-user-i2c-gpio --set "backend=$vudev" -f 'i2c.*,gpio.*' -o "$out" \
  --formats json > "$scratch/stdout" 2>&1
rc=$?
set -e
r=$out/results.json
[ -f "$r" ] || { cat "$scratch/stdout"; fail "no results.json"; }
[ $rc -eq 0 ] || { cat "$scratch/stdout" "$out/services.log"; fail "clean run: exit code $rc"; }
assert_jq "$r" '[.devices[] | select(.type == "i2c")] | map(.transport) | sort == ["mmio", "pci"]' \
  "a vhost-user-i2c device on virtio-mmio and one on PCI"
assert_jq "$r" '[.devices[] | select(.type == "gpio")] | map(.transport) | sort == ["mmio", "pci"]' \
  "a vhost-user-gpio device on virtio-mmio and one on PCI"
assert_jq "$r" '[.results[] | select(.test | IN("i2c.features", "gpio.irq") | not) | .verdict] | (length == 16 and all(. == "pass"))' \
  "every i2c and gpio check but i2c.features and gpio.irq passes on both transports"
assert_jq "$r" '[.results[] | select(.test == "gpio.irq") | .verdict] == ["na", "na"]' \
  "gpio.irq n/a: QEMU 7.2's vhost-user-gpio does not offer VIRTIO_GPIO_F_IRQ"
assert_jq "$r" '[.results[] | select(.test == "i2c.features") | "\(.verdict)/\(.sub)"] == ["xfail/accepted-without", "xfail/accepted-without"]' \
  "i2c.features: only QEMU's documented deviation (FEATURES_OK kept without ZERO_LENGTH_REQUEST)"

set +e
BENCH_TARGET=$PF_SOURCE_DIR/profiles/targets/qemu-aarch64-vhost-user-i2c-gpio.yaml BENCH_DEVICES=i2c,gpio \
  BENCH_FILTER='i2c.*,gpio.*' PLUGFEST=$PLUGFEST VU_DEV=$vudev \
  "$PF_SOURCE_DIR/tests/vhost-user/bench.sh" subset "$scratch/bench"
rc=$?
set -e
[ $rc -eq 0 ] || fail "i2c/gpio fault bench: outcomes differ from the fault table (exit $rc)"
n=$(grep -c $'^\\(i2c\\|gpio\\)-[a-z-]*\tfault\t[a-z]*-split\tcaught\t' "$scratch/bench/summary.tsv" || true)
[ "$n" -eq 14 ] || fail "expected 4 i2c and 3 gpio faults caught on 2 transports, got $n"
pass "each i2c and gpio fault caught by its check on virtio-mmio and PCI"
# i2c.features is an xfail on the clean device: the fault must turn it
# into a failure for the reason it is about
assert_jq "$scratch/bench/i2c-no-zero-length-split/results.json" \
  '[.results[] | select(.test == "i2c.features") | "\(.verdict)/\(.sub)"] == ["fail/not-offered", "fail/not-offered"]' \
  "i2c-no-zero-length: i2c.features fails with not-offered on both transports"
