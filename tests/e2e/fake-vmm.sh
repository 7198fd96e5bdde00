#!/bin/sh
# A stand-in hypervisor for end-to-end tests of the runner's error handling.
# Called as: fake-vmm.sh PROBE BOOTARGS. Records are checksummed with the
# run's nonce taken from pf.nonce= in BOOTARGS, as the probe does.
# Behaviour is chosen by the environment variable FAKE_VMM_MODE:
#   random   1 MiB of random bytes on the "serial line", then exit 0
#   garbage  noise and broken records around a valid hello, then exit 0
#   hang     a hello record, then silence forever, with a child of its
#            own; both PIDs are written to FAKE_VMM_PIDS when it is set
#   exit     a hello record, then exit 7 mid-run
#   indirect one blk device on virtio-mmio whose split.indirect fails with
#            the failure fingerprint $FAKE_VMM_SUB, then a clean end
#   flood    a hello record, then 20 s of console text and broken records
#            on stdout, never a valid record (FAKE_VMM_FLOOD_FD=2: on stderr)
#   replay   the file FAKE_VMM_REPLAY (an old console.log) on stdout, exit 0
#   records  a hello and 40 valid log records, then silence forever
# FAKE_VMM_VERSION replaces the --version line.
case "$1" in --version) echo "${FAKE_VMM_VERSION:-fake-vmm version 1.0.0}"; exit 0;; esac
nonce=
for w in $2; do
  case "$w" in pf.nonce=*) nonce=${w#pf.nonce=};; esac
done
rec() { # rec SEQ JSON: one framed record (CRC-32 over "NONCE SEQ JSON")
  body="$1 $2"
  crc=$(printf '%s%s' "$nonce" "$body" | gzip -c | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n')
  printf '@@PF2 %s *%s\n' "$body" "$crc"
}
hello='{"t":"hello","proto":2,"nonce":"'"$nonce"'","probe":"0.1.0","arch":"aarch64","image":"fake","options":{}}'
flood() { # 20 s of output without one valid record, then exit 0
  line='noise noise noise noise noise noise noise noise noise noise noise noise'
  line="$line @@PF2 1 {\"t\":\"log\"} *00000000 $line"
  end=$(( $(date +%s) + 20 ))
  while [ "$(date +%s)" -lt $end ]; do
    # a burst of ~4 MB per date call keeps the loop cheap
    yes "$line" | head -c 4194304
  done
}
case "${FAKE_VMM_MODE:-random}" in
  random) head -c 1048576 /dev/urandom; exit 0;;
  garbage)
    printf 'firmware banner\r\n@@PF2 0 {"t":"hel'; printf '\n'
    rec 0 "$hello"
    printf '@@PF2 1 {"t":"log","level":"info","msg":"x"} *00000000\n'
    printf 'noise @@PF2 2 not json *12345678\n'
    head -c 4096 /dev/urandom | tr -d '\n'; printf '\n'
    exit 0;;
  hang)
    rec 0 "$hello"
    sleep 3600 &
    [ -z "${FAKE_VMM_PIDS:-}" ] || echo "$$ $!" > "$FAKE_VMM_PIDS"
    exec sleep 3600;;
  exit) rec 0 "$hello"; exit 7;;
  indirect)
    dev=mmio@0a003e00
    rec 0 "$hello"
    rec 1 '{"t":"device","dev":"'$dev'","type":"blk","device_id":2,"transport":"mmio","mode":"modern"}'
    rec 2 '{"t":"begin","step":0,"test":"split.indirect","dev":"'$dev'"}'
    rec 3 '{"t":"result","step":0,"test":"split.indirect","dev":"'$dev'","verdict":"fail","level":"must","msg":"m","sub":"'"$FAKE_VMM_SUB"'","subs":["'"$FAKE_VMM_SUB"'"],"us":1}'
    rec 4 '{"t":"end","counts":{"fail":1},"records":4,"status":"ok"}'
    exit 0;;
  flood)
    rec 0 "$hello"
    if [ "${FAKE_VMM_FLOOD_FD:-1}" = 2 ]; then flood >&2; else flood; fi
    exit 0;;
  replay) exec cat "${FAKE_VMM_REPLAY:?}";;
  records)
    rec 0 "$hello"
    for i in $(seq 1 40); do
      rec "$i" '{"t":"log","level":"info","msg":"record '"$i"' of a guest that talks too much"}'
    done
    exec sleep 3600;;
esac
