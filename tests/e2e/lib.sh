# Shared by the end-to-end tests: paths, a scratch directory, assertions.
# Environment (set by ctest): PLUGFEST, PF_SOURCE_DIR, PF_BUILD_DIR.
set -euo pipefail
: "${PLUGFEST:?run through ctest}"
: "${PF_SOURCE_DIR:?run through ctest}"
# Known failures expire; the tests apply them on a fixed date inside the
# shipped entries' validity so CI does not turn red on an expiry day with no
# change. test_known_failure_expiry.sh checks the shipped entries against the
# real date instead, 60 days ahead.
export PF_TODAY=${PF_TODAY:-2027-01-15}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pf-e2e.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# assert_jq FILE FILTER MESSAGE: FILTER must output true
assert_jq() {
  local out
  out=$(jq -e "$2" "$1" 2>&1) || fail "$3 (jq '$2' gave: ${out:-false})"
  pass "$3"
}

# A target whose "hypervisor" is a test script, for fault scenarios that a
# real VMM cannot produce on demand. Args: NAME SCRIPT [TIMEOUTS_YAML]
fake_target() {
  local name=$1 script=$2
  cat > "$scratch/$name.yaml" <<YAML
name: $name
description: test double for $name
arch: aarch64
probe: probe-aarch64.img
hypervisor:
  name: fake
  binary: $script
  version_args: [--version]
timeouts:
  overall_s: ${3:-20}
  inactivity_s: ${4:-3}
  boot_s: ${5:-5}
argv: ["\${binary}", "\${probe}", "\${bootargs}"]
YAML
  echo "$scratch/$name.yaml"
}
