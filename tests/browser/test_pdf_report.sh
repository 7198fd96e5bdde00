#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Prints report.pdf from a fixture run with headless Chromium and checks what
# its reader gets, from the PDF's own text (pdftotext): the headline and
# per-profile verdicts, each check not passed with its spec statement and
# sub-case id, the known failures applied, the environment (hypervisor,
# target, nonce, kit version) and the verdict counts per device; and not the
# table of every check, which keeps the PDF under 1 MB.
#
#   tests/browser/test_pdf_report.sh      ($PLUGFEST: the runner to use)
# Exit: 0 pass, 1 fail. Chromium and pdftotext are required tools.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=${PF_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
pf=${PLUGFEST:-${PF_BUILD_DIR:-$src/build}/plugfest}
for tool in pdftotext jq; do
	command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool not found (run ci/setup.sh)"; exit 1; }
done
[ -x "$pf" ] || { echo "FAIL: no runner at $pf"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pf-pdf-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# A fixture run with a nonce and a failed sub-case, as a probe would report.
jq '.run.nonce = "0123456789abcdef0123456789abcdef"
    | (.results[] | select(.test == "features.version-1-offered")).sub = "legacy-window"' \
	"$src/harness/tests/data/results/qemu-7.2-legacy.json" >"$tmp/results.json"
"$pf" report "$tmp/results.json" --rescore --format pdf,html -o "$tmp" >/dev/null
[ -s "$tmp/report.pdf" ] || { echo "FAIL: no report.pdf"; exit 1; }
pdftotext -raw "$tmp/report.pdf" "$tmp/report.txt"
# words wrapped inside table cells: compare without line breaks and spaces
tr -d ' \n' <"$tmp/report.txt" >"$tmp/flat.txt"

fail=0
has() { # what, text
	flat=$(printf '%s' "$2" | tr -d ' ')
	grep -qF -- "$flat" "$tmp/flat.txt" || { echo "FAIL: the PDF lacks $1: '$2'"; fail=1; }
}
lacks() { # what, text
	flat=$(printf '%s' "$2" | tr -d ' ')
	if grep -qF -- "$flat" "$tmp/flat.txt"; then echo "FAIL: the PDF has $1: '$2'"; fail=1; fi
}
has "the headline verdict" "Overall: incomplete"
has "a profile verdict" "non-conformant"
has "the per-profile verdicts" "Verdict per profile"
for p in virtio-1.4-core avps-base avps-ivi; do has "profile $p" "$p"; done
has "the failed check" "features.version-1-offered"
has "its spec statement" "devicenormative:Reserved Feature Bits"
has "its message" "VIRTIO_F_VERSION_1 cannot be offered"
has "its sub-case id" "[legacy-window]"
has "the known failures applied" "Waivers and known failures"
has "the hypervisor" "qemu 7.2.11"
has "the target" "qemu-virt-aarch64-default"
has "the nonce" "0123456789abcdef0123456789abcdef"
has "the kit version" "Kit version (runner)"
has "the per-device summary" "Verdicts per device"
lacks "the table of every check" "Devices and checks"
lacks "a check that passed everywhere" "basic.init.sequence"
grep -q "basic.init.sequence" "$tmp/report.html" || { echo "FAIL: report.html lacks a passed check"; fail=1; }

size=$(wc -c <"$tmp/report.pdf")
pages=$(pdfinfo "$tmp/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
[ "$size" -lt 1000000 ] || { echo "FAIL: report.pdf is $size bytes (limit 1 MB)"; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "report.pdf: $size bytes, ${pages:-?} pages, with verdicts, failures, environment and devices"
