#!/usr/bin/env bash
# Installs what building and running the kit needs on Debian 12, if missing.
# Idempotent: when everything is present it changes nothing and needs no
# network. Run as root (or with sudo available).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
  cmake make gcc pkg-config ca-certificates
  libjansson-dev libyaml-dev libcmocka-dev libfdt-dev libssl-dev libarchive-dev
  gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  qemu-system-arm qemu-system-common
  chromium fonts-dejavu-core jq bc procps gzip libxml2-utils clang-format poppler-utils
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ci/setup.sh: not root and no sudo; install: ${packages[*]}" >&2; exit 3; }
  sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci/setup.sh: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$here/deps.sh"
