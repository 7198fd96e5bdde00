# SPDX-License-Identifier: MIT
# aarch64 port, included by probes/CMakeLists.txt (sets the PF_ARCH_*
# variables it lists): boots as an arm64 Linux Image (QEMU -M virt, and VMMs
# that boot arm64 Linux), uses libfdt from Debian's libfdt-dev:arm64.

set(PF_LIBFDT_ARM64
	"${PF_SOURCE_ROOT}/.deps/libfdt-arm64/usr/lib/aarch64-linux-gnu/libfdt.a"
	CACHE FILEPATH "Static aarch64 libfdt.a (Debian libfdt-dev:arm64)")
# The .deb layout: usr/lib/aarch64-linux-gnu/libfdt.a, usr/include/libfdt.h
get_filename_component(_pf_fdt_libdir "${PF_LIBFDT_ARM64}" DIRECTORY)
get_filename_component(_pf_fdt_inc "${_pf_fdt_libdir}/../../include" ABSOLUTE)
set(PF_LIBFDT_ARM64_INCLUDE "${_pf_fdt_inc}"
	CACHE PATH "Directory holding libfdt.h, fdt.h, libfdt_env.h")
if(NOT EXISTS "${PF_LIBFDT_ARM64}")
	message(FATAL_ERROR "libfdt.a for arm64 not found at ${PF_LIBFDT_ARM64}")
endif()
if(NOT EXISTS "${PF_LIBFDT_ARM64_INCLUDE}/libfdt.h")
	message(FATAL_ERROR "libfdt.h not found in ${PF_LIBFDT_ARM64_INCLUDE}")
endif()

# Where the image is linked. QEMU -M virt: RAM at 0x40000000, an Image with
# text_offset 0 (and image_size set) is loaded 2 MiB into RAM. The Image
# header's text_offset is derived from this (its offset in a 2 MiB block).
# The image is a static PIE and relocates itself when loaded elsewhere.
set(PF_AARCH64_LOAD_ADDR "0x40200000" CACHE STRING
	"Link (= load) address of the aarch64 probe")

file(GLOB PF_ARCH_SOURCES CONFIGURE_DEPENDS
	"${PF_PROBES}/lib/aarch64/*.c"
	"${PF_PROBES}/lib/aarch64/*.S")

# the port's own headers (arch_io.h) for the portable code
set(PF_ARCH_INCLUDE_DIRS "${PF_PROBES}/lib/aarch64" "${PF_LIBFDT_ARM64_INCLUDE}")
set(PF_ARCH_FLAGS
	-march=armv8-a
	# before the MMU is on every access is Device memory, where unaligned
	# accesses fault: never let the compiler make one up (everywhere, as
	# the boot and fault paths share libc and record code)
	-mstrict-align
	# the out-of-line LSE atomics in libgcc need a hosted auxv
	-mno-outline-atomics
	-mcmodel=small
	# position independent: runs at whatever address the loader chose
	-fpie)
set(PF_ARCH_LINK_MODE -static-pie)
set(PF_ARCH_LINK_FLAGS
	-T "${PF_PROBES}/lib/aarch64/probe.ld"
	"-Wl,--defsym=PF_LOAD_ADDR=${PF_AARCH64_LOAD_ADDR}"
	-Wl,-z,max-page-size=4096
	-Wl,-z,noexecstack
	-Wl,--no-warn-rwx-segments)
set(PF_ARCH_LIBS "${PF_LIBFDT_ARM64}")
set(PF_ARCH_LINK_DEPENDS "${PF_PROBES}/lib/aarch64/probe.ld")
