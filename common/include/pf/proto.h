/* SPDX-License-Identifier: MIT */
/*
 * Wire protocol between the probe and the runner (see docs/protocol.md).
 *
 * One record per line:   @@PF2 <seq> <json> *<crc32>\n
 *
 * <seq> is a decimal sequence number starting at 0 for the hello record,
 * <json> a single-line JSON object whose "t" member names the record type,
 * <crc32> eight lowercase hex digits of CRC-32 (IEEE 802.3) computed over
 * the run's nonce (its hex text, as passed in pf.nonce=) followed by the
 * bytes between the marker's trailing space and the " *" separator, i.e.
 * over "<nonce><seq> <json>". The nonce binds every record to one run: a
 * recorded stream does not verify in another run. The checksum comes last
 * so a freestanding probe can stream a record byte by byte without
 * buffering it.
 *
 * This header is shared by the probe (freestanding) and the host runner.
 */
#ifndef PF_PROTO_H
#define PF_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PF_PROTO_VERSION 2
#define PF_PROTO_MARKER "@@PF2 "
#define PF_PROTO_MARKER_LEN 6
/* Offset of the version digit in a marker "@@PF<digit> ". */
#define PF_PROTO_MARKER_DIGIT 4
/* A record line longer than this (marker to newline) is rejected as oversized. */
#define PF_PROTO_MAX_LINE 8192

/* The run nonce: lowercase hex. The runner sends PF_PROTO_NONCE_HEX digits
 * (128 bits); anything from 16 (64 bits) to PF_PROTO_NONCE_MAX digits is a
 * well-formed nonce. */
#define PF_PROTO_NONCE_HEX 32
#define PF_PROTO_NONCE_MIN 16
#define PF_PROTO_NONCE_MAX 64

/* Incremental CRC-32 (IEEE, reflected, poly 0xEDB88320).
 * Start with crc = 0, feed pieces, the result is the final value. */
uint32_t pf_crc32_update(uint32_t crc, const void *data, size_t len);

/* True when nonce[0..len) is a well-formed nonce (see above). */
bool pf_proto_nonce_ok(const char *nonce, size_t len);

/* Start value of every record checksum of a run: the CRC-32 of the nonce's
 * hex text (len 0: no nonce, 0). Continue it with pf_crc32_update over
 * "<seq> <json>". */
uint32_t pf_proto_crc_seed(const char *nonce, size_t len);

#endif
