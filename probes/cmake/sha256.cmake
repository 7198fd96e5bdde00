# SPDX-License-Identifier: MIT
# cmake -DIN=<file> -DOUT=<file> -P sha256.cmake
# Writes "<hex>  <name>\n" as sha256sum(1) does, portably.
file(SHA256 "${IN}" hash)
get_filename_component(name "${IN}" NAME)
file(WRITE "${OUT}" "${hash}  ${name}\n")
