# SPDX-License-Identifier: MIT
# Writes the bytes of IN as a NUL-terminated C array named NAME into OUT, so
# a text asset kept as its own file in the source tree (reports/report.css)
# is compiled into the runner and reports need nothing at run time.
#   cmake -DIN=report.css -DOUT=report_css.c -DNAME=pf_report_css -P embed.cmake
if(NOT IN OR NOT OUT OR NOT NAME)
  message(FATAL_ERROR "embed.cmake: IN, OUT and NAME are required")
endif()
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
get_filename_component(src "${IN}" NAME)
file(WRITE "${OUT}.tmp"
  "/* Generated from ${src} by embed.cmake: do not edit. */\n"
  "const char ${NAME}[] = {\n${bytes}0x00\n};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
