#!/usr/bin/env bash
# Fetches libfdt for the aarch64 probe: Debian's libfdt-dev:arm64 package,
# unpacked into .deps/ of the source tree. It cannot be installed beside the
# native libfdt-dev (the two conflict), and the probe only needs its static
# library and headers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.deps/libfdt-arm64"
[ -f "$dest/usr/lib/aarch64-linux-gnu/libfdt.a" ] && exit 0

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
fi
mkdir -p "$root/.deps"
tmp=$(mktemp -d "$root/.deps/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 0777 "$tmp" # apt's download sandbox user must be able to write here
( cd "$tmp" && apt-get download -qq libfdt-dev:arm64 2>/dev/null || {
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt-get download -qq libfdt-dev:arm64; } )
deb=$(ls "$tmp"/libfdt-dev_*_arm64.deb)
rm -rf "$dest"
dpkg-deb -x "$deb" "$dest"
echo "ci/deps.sh: libfdt for aarch64 in .deps/libfdt-arm64"
