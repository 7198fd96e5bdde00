# SPDX-License-Identifier: MIT
# Cross toolchain for the aarch64 probe: Debian's gcc-aarch64-linux-gnu used
# freestanding (no glibc headers or libraries; probes/lib/libc stands in).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(PF_CROSS_PREFIX "aarch64-linux-gnu-" CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER "${PF_CROSS_PREFIX}gcc")
set(CMAKE_ASM_COMPILER "${PF_CROSS_PREFIX}gcc")
find_program(CMAKE_OBJCOPY "${PF_CROSS_PREFIX}objcopy" REQUIRED)

# Compiler checks must not try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Never look for libraries or headers of the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
