#!/bin/bash
# SPDX-License-Identifier: MIT
# The vhost-user fault bench: runs the core suite through QEMU 7.2 against
# pf-vhost-user-dev, clean and with each fault or control of its table
# (`pf-vhost-user-dev --list-faults`), and compares what the kit reported
# with what the table expects.
#
#   bench.sh subset|full OUTDIR     (PLUGFEST and VU_DEV in the environment)
#
# BENCH_ONLY=NAME[,NAME] runs only those faults and controls (after the
# clean runs, which every comparison needs); BENCH_FILTER replaces the
# checks run (plugfest --filter). BENCH_TARGET replaces the target and
# BENCH_DEVICES (default any,rng,blk: what the bench target offers) picks
# the faults by the device type they apply to.
#
# subset: each fault and each control once (split ring unless it only
#         exists on the packed ring; out-of-order on the packed ring)
# full:   every fault and control on every ring layout it applies to
# Each run has both transports (virtio-mmio and PCI), so every outcome is
# reported per configuration: mmio-split, pci-split, mmio-packed, pci-packed.
#
# A fault is "caught" in a configuration when one of its checks fails (or
# warns, for SHOULD statements) on a device of that transport and type; a
# control is "flagged" when any check fails or warns there that does not
# on the clean device. The table's missed_in column says where the kit is
# known not to catch a fault (or to flag a control) today; anything else
# is a mismatch and makes this script exit 1. Exit 3: the bench itself
# could not run.
set -uo pipefail
mode=${1:?usage: bench.sh subset|full OUTDIR}
out=${2:?usage: bench.sh subset|full OUTDIR}
: "${PLUGFEST:?}" "${VU_DEV:?}"
here=$(cd "$(dirname "$0")" && pwd)
target=${BENCH_TARGET:-$here/qemu-aarch64-vhost-user-bench.yaml}
devices=${BENCH_DEVICES:-any,rng,blk}
deviations=$here/clean-deviations.tsv
# The checks a back-end can influence: rings, notifications, reset. The
# subset leaves out split.index-wrap (65536 buffers per device, most of a
# run's time); basic.no-use-before-driver-ok is QEMU's business (its
# front-ends hand the rings over at DRIVER_OK). The device suites of the
# back-ends' types run too.
others=rng.*,blk.*,packed.*,basic.reset.*,basic.needs-reset.*,mmio.irq.*,mmio.interrupt-status-idle,pci.irq.*,vq-reset.*,features.in-order
if [ "$mode" = full ]; then
  filter=${BENCH_FILTER:-split.*,$others}
else
  filter=${BENCH_FILTER:-split.used-len-and-id,split.readable-untouched,split.chain-framing,split.indirect,split.used-notification,split.event-idx,split.used-flags,$others}
fi
mkdir -p "$out"
summary=$out/summary.tsv
printf 'item\tkind\tconfig\toutcome\texpected\tstatus\tdetail\n' > "$summary"
mismatches=0

# run NAME FAULT PACKED: one plugfest run; prints its directory
run() {
  local dir=$out/$1 rc
  rm -rf "$dir"
  "$PLUGFEST" run -t "$target" --set "backend=$VU_DEV" --set "fault=$2" --set "packed=$3" \
    --filter "$filter" --seed 7 --formats json --max-restarts 1 -o "$dir" > "$dir.log" 2>&1
  rc=$?
  # an incomplete run (a wedged or crashed hypervisor the restarts did not
  # get past) still has its results: the hang is a finding, not a bench error
  if [ "$rc" -eq 3 ] && jq -e '.run.boots >= 1 and (.results | length) > 0' "$dir/results.json" > /dev/null 2>&1; then
    rc=1
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "bench: run $1 ended with exit code $rc (see $dir.log)" >&2
    exit 3
  fi
}

# flagged DIR: "transport<TAB>type<TAB>check<TAB>verdict<TAB>message" per bad
# result
flagged() {
  jq -r '(.devices | map({key: .id, value: .type}) | from_entries) as $ty
    | .results[] | select(.verdict | test("^(fail|xfail|warn|crash|wedged|timeout)$"))
    | [(.device | split("@")[0]), $ty[.device], .test, .verdict,
       ((.message // "") | gsub("[\t\n]"; " ") | .[0:140])] | @tsv' "$1/results.json"
}

# expect_of LIST CONFIG DEFAULT OTHER: OTHER if LIST names CONFIG (mmio-split,
# mmio, split or all), "either" if it names it with a leading '~' (the
# outcome depends on timing), else DEFAULT
expect_of() {
  local t
  for t in ${1//,/ }; do
    case "$t" in
      all|"$2"|"${2%-*}"|"${2#*-}") echo "$4"; return;;
      "~all"|"~$2"|"~${2%-*}"|"~${2#*-}") echo either; return;;
    esac
  done
  echo "$3"
}

# documented CONFIG TYPE CHECK: a known deviation of the clean device?
documented() {
  awk -F'\t' -v c="$1" -v t="$2" -v k="$3" '
    BEGIN { tr = substr(c, 1, index(c, "-") - 1); ring = substr(c, index(c, "-") + 1) }
    !/^#/ && ($1 == c || $1 == tr || $1 == ring || $1 == "all") &&
    ($2 == t || $2 == "any") && $3 == k { f = 1 } END { exit !f }' "$deviations"
}

# new_flags FLAGS RING CONFIG: results not on the clean device nor documented
new_flags() {
  local tr ty check verdict msg
  while IFS=$'\t' read -r tr ty check verdict msg; do
    [ -n "$tr" ] || continue
    documented "$3" "$ty" "$check" && continue
    awk -F'\t' -v a="$tr" -v b="$ty" -v k="$check" '$1 == a && $2 == b && $3 == k { f = 1 } END { exit !f }' \
      "$out/clean-$2.flags" && continue
    printf '%s\t%s\t%s\t%s\t%s\n' "$tr" "$ty" "$check" "$verdict" "$msg"
  done <<< "$1"
}

record() { # item kind config outcome expected detail
  local status=ok
  [ "$4" = "$5" ] || [ "$5" = either ] || { status=MISMATCH; mismatches=$((mismatches + 1)); }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$status" "$6" >> "$summary"
  printf '%-30s %-7s %-12s %-8s (expected %-8s) %s\n' "$1" "$2" "$3" "$4" "$5" "$status"
}

# --- clean device -----------------------------------------------------------
for ring in split packed; do
  packed=off; [ $ring = packed ] && packed=on
  run "clean-$ring" "" $packed
  flagged "$out/clean-$ring" > "$out/clean-$ring.flags"
  while IFS=$'\t' read -r tr ty check verdict msg; do
    if documented "$tr-$ring" "$ty" "$check"; then
      record clean device "$tr-$ring" "$check:$verdict" "$check:$verdict" "documented deviation ($ty)"
    else
      record clean device "$tr-$ring" "$check:$verdict" none "undocumented on the clean $ty device: $msg"
    fi
  done < "$out/clean-$ring.flags"
done

# --- faults and controls ------------------------------------------------------
"$VU_DEV" --list-faults | grep -v '^#' |
  awk -F'\t' -v only="${BENCH_ONLY:-}" -v dev="$devices" \
    '(only == "" || index("," only ",", "," $1 ",")) && index("," dev ",", "," $3 ",")' > "$out/faults.tsv"
[ -s "$out/faults.tsv" ] || { echo "bench: no fault or control named '${BENCH_ONLY:-}'" >&2; exit 3; }
while IFS=$'\t' read -r name kind device ring statement checks missed comment; do
  case "$mode:$ring" in
    full:any) rings="split packed";;
    *:any) rings=split; [ "$name" = out-of-order ] && rings=packed;;
    *) rings=$ring;;
  esac
  for r in $rings; do
    packed=off; [ "$r" = packed ] && packed=on
    run "$name-$r" "$name" $packed
    flagged "$out/$name-$r" > "$out/$name-$r.flags"
    for tr in mmio pci; do
      config=$tr-$r
      mine=$(awk -F'\t' -v tr="$tr" -v dev="$device" '$1 == tr && (dev == "any" || $2 == dev)' "$out/$name-$r.flags")
      if [ "$kind" = fault ]; then
        hit=""
        for c in $checks; do
          case "$r:$c" in packed:split.*|split:packed.*) continue;; esac
          h=$(printf '%s\n' "$mine" | awk -F'\t' -v c="$c" '$3 == c { print $2 " " $3 ":" $4; exit }')
          [ -n "$h" ] && hit="$hit${hit:+, }$h"
        done
        expected=$(expect_of "$missed" "$config" caught missed)
        if [ -n "$hit" ]; then
          record "$name" fault "$config" caught $expected "$statement: $hit"
        else
          other=$(new_flags "$mine" "$r" "$config" | awk -F'\t' 'NF { printf "%s%s %s:%s", s, $2, $3, $4; s = ", " }')
          record "$name" fault "$config" missed $expected "$statement; checks: $checks${other:+; other results: $other}"
        fi
      else
        new=$(new_flags "$mine" "$r" "$config" | awk -F'\t' 'NF { printf "%s%s %s:%s (%s)", s, $2, $3, $4, $5; s = "; " }')
        expected=$(expect_of "$missed" "$config" clean flagged)
        if [ -n "$new" ]; then
          record "$name" control "$config" flagged $expected "$new"
        else
          record "$name" control "$config" clean $expected "$statement (MAY)"
        fi
      fi
    done
  done
done < "$out/faults.tsv"

echo "bench: $mismatches mismatch(es); table in $summary"
grep -P '\tMISMATCH\t' "$summary" | cut -f1,3,4,5,7 | sed 's/^/  MISMATCH: /' || true
[ "$mismatches" -eq 0 ]
