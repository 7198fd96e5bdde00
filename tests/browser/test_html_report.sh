#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Renders report.html in headless Chromium and checks what a person would
# see: the page loads with no console message (no script error, no blocked
# external load: the report's Content-Security-Policy would log one), the
# DOM has the report's content, and a screenshot of it is a real picture.
#
#   tests/browser/test_html_report.sh [REPORT.html]
#
# Without an argument a report is rendered from a fixture run by the runner
# (`plugfest report ... --format html`; $PLUGFEST, else build/plugfest).
# Exit: 0 pass, 1 fail. Chromium is a required tool (ci/setup.sh installs
# it, the PDF report needs it): without it the test fails rather than skips.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=${PF_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
chromium=${PF_CHROMIUM:-}
if [ -z "$chromium" ]; then
	for c in chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
	done
fi
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
	echo "FAIL: Chromium not found (apt-get install chromium, or set PF_CHROMIUM)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pf-browser-XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

fixture="$src/harness/tests/data/results/qemu-7.2-legacy.json"
if [ $# -ge 1 ]; then
	report=$1
else
	# The runner renders the fixture: $PLUGFEST (set by ctest), else the
	# default build's binary.
	plugfest=${PLUGFEST:-$src/build/plugfest}
	[ -x "$plugfest" ] || { echo "FAIL: no plugfest binary at $plugfest (build first, or set PLUGFEST)"; exit 1; }
	report="$tmp/report.html"
	"$plugfest" report "$fixture" --rescore --format html -o "$tmp" > /dev/null
fi
[ -s "$report" ] || { echo "FAIL: no report at $report"; exit 1; }
case $report in /*) ;; *) report="$(pwd)/$report" ;; esac

fail=0
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-extensions --disable-dev-shm-usage
       --no-default-browser-check"
run_chromium() { # profile-dir, extra args...
	prof=$1; shift
	# shellcheck disable=SC2086
	# 300 s: a screenshot took over 120 s once with two suites and a QEMU
	# bench sharing 2 cores; a hang still ends well within ctest's limit.
	timeout 300 "$chromium" $flags --user-data-dir="$prof" "$@"
}

# 1. Load and dump the DOM, with console messages logged to stderr.
run_chromium "$tmp/p1" --enable-logging=stderr --v=0 --dump-dom "file://$report" \
	>"$tmp/dom.html" 2>"$tmp/console.log" || { echo "FAIL: chromium --dump-dom exited $?"; fail=1; }
if grep -E "CONSOLE|Uncaught|Refused to" "$tmp/console.log" >"$tmp/errors.txt"; then
	echo "FAIL: console messages while loading the report:"
	cat "$tmp/errors.txt"
	fail=1
fi
for want in "Virtio conformance report" "Verdict per profile" "virtio-1.4-core" "avps-ivi" "Environment and reproduction"; do
	grep -q "$want" "$tmp/dom.html" || { echo "FAIL: rendered DOM lacks '$want'"; fail=1; }
done
n=$(grep -o "<svg" "$tmp/dom.html" | wc -l)
[ "$n" -ge 3 ] || { echo "FAIL: expected inline SVG charts, found $n"; fail=1; }

# 2. Screenshot: a PNG of the requested size with real content.
png="$tmp/report.png"
run_chromium "$tmp/p2" --hide-scrollbars --window-size=1280,1600 --screenshot="$png" "file://$report" \
	>"$tmp/shot.log" 2>&1 || { echo "FAIL: chromium --screenshot exited $?"; tail -n 20 "$tmp/shot.log"; fail=1; }
if [ ! -s "$png" ]; then
	echo "FAIL: no screenshot written"
	fail=1
else
	sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
	[ "$sig" = "89504e470d0a1a0a" ] || { echo "FAIL: screenshot is not a PNG ($sig)"; fail=1; }
	dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print ($1*16777216+$2*65536+$3*256+$4) "x" ($5*16777216+$6*65536+$7*256+$8)}')
	[ "$dims" = "1280x1600" ] || { echo "FAIL: screenshot is $dims, expected 1280x1600"; fail=1; }
	size=$(wc -c <"$png")
	# a blank page compresses to a few KB; the report is tables, charts, colour
	[ "$size" -gt 40000 ] || { echo "FAIL: screenshot only $size bytes (blank page?)"; fail=1; }
	if [ -n "${PF_SCREENSHOT_OUT:-}" ]; then cp "$png" "$PF_SCREENSHOT_OUT"; fi
fi

if [ "$fail" -ne 0 ]; then
	echo "FAIL: the report did not render cleanly (see above)"
	exit 1
fi
echo "report rendered without console messages; screenshot $dims, $size bytes"
