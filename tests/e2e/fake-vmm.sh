#!/bin/sh
# A stand-in hypervisor for end-to-end tests of the runner's error handling.
# Behaviour is chosen by the environment variable FAKE_VMM_MODE:
#   random   1 MiB of random bytes on the "serial line", then exit 0
#   garbage  noise and broken records around a valid hello, then exit 0
#   hang     a hello record, then silence forever
#   exit     a hello record, then exit 7 mid-run
#   indirect one blk device on virtio-mmio whose split.indirect fails with
#            the failure fingerprint $FAKE_VMM_SUB, then a clean end
# FAKE_VMM_VERSION replaces the --version line.
case "$1" in --version) echo "${FAKE_VMM_VERSION:-fake-vmm version 1.0.0}"; exit 0;; esac
rec() { # rec SEQ JSON: one framed record (CRC-32 over "SEQ JSON")
  body="$1 $2"
  crc=$(printf '%s' "$body" | gzip -c | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n')
  printf '@@PF1 %s *%s\n' "$body" "$crc"
}
hello='{"t":"hello","proto":1,"probe":"0.1.0","arch":"aarch64","image":"fake","options":{}}'
case "${FAKE_VMM_MODE:-random}" in
  random) head -c 1048576 /dev/urandom; exit 0;;
  garbage)
    printf 'firmware banner\r\n@@PF1 0 {"t":"hel'; printf '\n'
    rec 0 "$hello"
    printf '@@PF1 1 {"t":"log","level":"info","msg":"x"} *00000000\n'
    printf 'noise @@PF1 2 not json *12345678\n'
    head -c 4096 /dev/urandom | tr -d '\n'; printf '\n'
    exit 0;;
  hang) rec 0 "$hello"; exec sleep 3600;;
  exit) rec 0 "$hello"; exit 7;;
  indirect)
    dev=mmio@0a003e00
    rec 0 "$hello"
    rec 1 '{"t":"device","dev":"'$dev'","type":"blk","device_id":2,"transport":"mmio","mode":"modern"}'
    rec 2 '{"t":"begin","step":0,"test":"split.indirect","dev":"'$dev'"}'
    rec 3 '{"t":"result","step":0,"test":"split.indirect","dev":"'$dev'","verdict":"fail","level":"must","msg":"m","sub":"'"$FAKE_VMM_SUB"'","subs":["'"$FAKE_VMM_SUB"'"],"us":1}'
    rec 4 '{"t":"end","counts":{"fail":1},"records":4,"status":"ok"}'
    exit 0;;
esac
