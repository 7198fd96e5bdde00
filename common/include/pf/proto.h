/* SPDX-License-Identifier: MIT */
/*
 * Wire protocol between the probe and the runner (see docs/protocol.md).
 *
 * One record per line:   @@PF1 <seq> <json> *<crc32>\n
 *
 * <seq> is a decimal sequence number starting at 0 for the hello record,
 * <json> a single-line JSON object whose "t" member names the record type,
 * <crc32> eight lowercase hex digits of CRC-32 (IEEE 802.3) computed over the
 * bytes between the marker's trailing space and the " *" separator, i.e.
 * over "<seq> <json>". The checksum comes last so a freestanding probe can
 * stream a record byte by byte without buffering it.
 *
 * This header is shared by the probe (freestanding) and the host runner.
 */
#ifndef PF_PROTO_H
#define PF_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PF_PROTO_VERSION 1
#define PF_PROTO_MARKER "@@PF1 "
#define PF_PROTO_MARKER_LEN 6
/* A record line longer than this (marker to newline) is rejected as oversized. */
#define PF_PROTO_MAX_LINE 8192

/* Incremental CRC-32 (IEEE, reflected, poly 0xEDB88320).
 * Start with crc = 0, feed pieces, the result is the final value. */
uint32_t pf_crc32_update(uint32_t crc, const void *data, size_t len);

#endif
