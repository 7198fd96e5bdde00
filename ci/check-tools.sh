#!/usr/bin/env bash
# Fails when a tool the test suite needs is missing, so a machine without it
# gets a red suite with the tool's name instead of tests that skip into a
# pass. ci/setup.sh installs all of them on Debian 12.
set -euo pipefail
missing=()
for tool in cmake cc pkg-config qemu-system-aarch64 qemu-storage-daemon aarch64-linux-gnu-gcc \
	chromium xmllint jq tar gzip bc pgrep clang-format pdftotext; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
pkg-config --exists cmocka || missing+=("cmocka (libcmocka-dev)")
if [ ${#missing[@]} -gt 0 ]; then
	echo "ci/check-tools.sh: required test tools missing: ${missing[*]} (run ci/setup.sh as root)" >&2
	exit 3
fi
