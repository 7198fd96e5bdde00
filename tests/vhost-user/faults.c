/* SPDX-License-Identifier: MIT */
/*
 * The seedable faults and the conformant controls, each named after the
 * VIRTIO 1.4 statement it breaks (faults) or exercises (controls, MAY
 * behaviours a check must not flag), with the checks expected to catch it.
 *
 * This table is the one source of truth for the fault bench:
 * `pf-vhost-user-dev --list-faults` prints it as tab-separated lines that
 * tests/e2e/test_vhost_user_bench.sh and ci/fault-bench read.
 *
 * missed_in lists where the kit does NOT catch a fault today, or flags a
 * control falsely (configurations "mmio-split", "pci-packed", a transport
 * "mmio", a ring "split", or "all"; with a leading '~': either outcome, it
 * depends on timing), as measured through QEMU 7.2; the tests then expect
 * exactly that, so a fix in the checks shows up as a change to make here.
 */
#include <stdio.h>
#include <string.h>

#include "vu.h"

const struct vu_fault_info vu_faults[F_COUNT] = {
	[F_USED_LEN_OVER] = { "used-len-over", false, "any", "any", "split.used.len-bytes-written",
			      "split.used-len-and-id packed.used-descriptors", "",
			      "used len is 16 more than the bytes written" },
	[F_USED_ID_BOGUS] = { "used-id-bogus", false, "any", "any", "split.used.len-bytes-written",
			      "split.used-len-and-id packed.used-descriptors", "",
			      "used id is not a head (Buffer ID) in flight" },
	[F_WRITE_READABLE] = { "write-readable", false, "blk", "any",
			       "split.desc.no-write-readable",
			       "split.readable-untouched packed.readable-untouched", "",
			       "flips the first byte of the request header after the request" },
	[F_WRITE_DESC_TABLE] = { "write-desc-table", false, "any", "split",
				 "split.desc.no-write-desc-table",
				 "split.readable-untouched split.index-wrap", "",
				 "adds 1 to the len of the head descriptor in the table" },
	[F_WRITE_PAST_END] = { "write-past-end", false, "any", "any",
			       "split.desc.no-write-readable",
			       "split.used-len-and-id split.readable-untouched "
			       "packed.readable-untouched",
			       "", "flips the byte just after the last device-writable buffer" },
	[F_USED_IDX_SKIP] = { "used-idx-skip", false, "any", "split",
			      "split.used.len-bytes-written", "split.used-len-and-id", "",
			      "used idx advances by two for each used element written" },
	[F_NO_USED_NOTIFY] = { "no-used-notify", false, "any", "any",
			       "split.used-notif.flags0-notify",
			       "split.used-notification mmio.irq.used-buffer pci.irq.msix-delivery",
			       "", "never sends a used buffer notification" },
	[F_NOTIFY_DESPITE_NO_INTERRUPT] = { "notify-despite-no-interrupt", false, "any", "split",
					    "split.used-notif.flags1-suppress",
					    "split.used-notification", "",
					    "notifies after every used buffer, ignoring "
					    "NO_INTERRUPT and used_event (SHOULD NOT: a warning)" },
	[F_EVENT_IDX_USES_FLAGS] = { "event-idx-uses-flags", false, "any", "split",
				     "split.used-notif.ignore-flags-with-event-idx",
				     "split.event-idx", "",
				     "with EVENT_IDX decides by avail->flags instead of "
				     "used_event" },
	[F_USED_EVENT_WITHOUT_EVENT_IDX] = { "used-event-without-event-idx", false, "any", "split",
					     "split.used-notif.ignore-used-event-without-event-idx",
					     "split.used-notification", "",
					     "without EVENT_IDX decides by used_event anyway" },
	[F_USED_FLAGS_BAD] = { "used-flags-bad", false, "any", "split",
			       "split.avail-notif.flags-0-or-1", "split.used-flags", "",
			       "writes the undefined value 2 into used->flags" },
	[F_INDIRECT_IGNORED] = { "indirect-ignored", false, "any", "any",
				 "split.indirect.mixed-chain", "split.indirect packed.indirect", "",
				 "takes an indirect descriptor for a plain buffer" },
	[F_OLD_RING_AFTER_RESET] = { "old-ring-after-reset", false, "any", "split",
				     "basic.reset.quiesce-after-reset",
				     "basic.reset.quiesce basic.reset.after-driver-ok "
				     "vq-reset.reenable",
				     /* the stale use lands 1 to 20 ms after the stop; the
				      * reset checks watch the old ring for 50 ms at least */
				     "",
				     "keeps using a stopped ring from 1 to 20 ms after the "
				     "front-end stopped it" },
	[F_PACKED_USED_FLAGS_BAD] = { "packed-used-flags-bad", false, "any", "packed",
				      "packed.order.write-in-completion-order",
				      "packed.used-descriptors", "",
				      "used descriptors with AVAIL != USED" },
	[F_PACKED_AVAIL_FLIP_IGNORED] = { "packed-avail-flip-ignored", false, "any", "packed",
					  "packed.desc.use-only-when-avail-flipped",
					  "packed.avail-flip-required", "",
					  "takes a descriptor as available by its AVAIL bit "
					  "alone" },
	[F_PACKED_REWRITE_USED] = { "packed-rewrite-used", false, "any", "packed",
				    "packed.desc.no-change-after-used", "packed.used-unchanged", "",
				    "adds 1 to the len of the previous used descriptor" },
	[F_RNG_NO_ENTROPY] = { "rng-no-entropy", false, "rng", "any", "rng.fill-nonzero",
			       "rng.entropy", "",
			       "returns every entropy request with used len 0 (5.4.6.1: one or "
			       "more random bytes)" },
	[F_BLK_ZONE_ACCEPTED] = { "blk-zone-accepted", false, "blk", "any",
				  "blk.zoned.cmds-unsupp-without-feature",
				  "blk.zoned-without-feature", "",
				  "completes ZONE_* requests with OK although ZONED is not "
				  "offered" },
	[F_BLK_RO_WRITE_ACCEPTED] = { "blk-ro-write-accepted", false, "blk", "any",
				      "blk.ro.write-ioerr", "blk.read-only", "",
				      "offers RO, then stores a write and completes it with OK" },
	[F_BLK_DISCARD_UNMAP_ACCEPTED] = { "blk-discard-unmap-accepted", false, "blk", "any",
					   "blk.discard.unmap-unsupp", "blk.discard", "",
					   "completes DISCARD with the unmap flag with OK" },
	[F_BLK_UNKNOWN_FLAGS_IGNORED] = { "blk-unknown-flags-ignored", false, "blk", "any",
					  "blk.discard-wz.unknown-flags-unsupp", "blk.discard", "",
					  "DISCARD / WRITE_ZEROES with a reserved flag bit: OK" },
	[F_BLK_WRITE_ZEROES_NOOP] = { "blk-write-zeroes-noop", false, "blk", "any",
				      "blk.write-zeroes.reads-zero", "blk.write-zeroes", "",
				      "WRITE_ZEROES completes with OK and leaves the data" },
	[F_BLK_WRITEBACK_WITHOUT_FLUSH] = { "blk-writeback-without-flush", false, "blk", "any",
					    "blk.cfg.writeback-zero-without-flush",
					    "blk.writeback-without-flush", "",
					    "offers CONFIG_WCE with writeback 1 whatever is "
					    "negotiated" },
	[F_BLK_CONFIG_PADDING] = { "blk-config-padding", false, "blk", "any", "blk.cfg.unused-zero",
				   "blk.config", "", "configuration padding unused0 reads 0xff" },
	[C_RNG_SHORT_WRITE] = { "rng-short-write", true, "rng", "any",
				"split.used.len-bytes-written", "", "",
				"entropy device fills half of each buffer, len says so" },
	[C_LEN_UNDER] = { "len-under", true, "any", "any", "split.used.may-write-more", "", "",
			  "used len is half the bytes written" },
	[C_OUT_OF_ORDER] = { "out-of-order", true, "any", "any",
			     "packed.order.write-in-completion-order", "", "",
			     "completes the buffers taken in one pass in reverse order" },
	[C_BATCH] = { "batch", true, "any", "any", "split.used.len-before-idx", "", "",
		      "publishes the used buffers of one pass with one index update and one "
		      "notification" },
	[C_AVAIL_EVENT_STALE] = { "avail-event-stale", true, "any", "split",
				  "split.avail-notif.avail-event", "", "",
				  "never writes avail_event (MAY) and polls the ring instead" },
	[F_I2C_NO_ZERO_LENGTH] = { "i2c-no-zero-length", false, "i2c", "any",
				   "i2c.features.zero-length-offered", "i2c.features", "",
				   "does not offer VIRTIO_I2C_F_ZERO_LENGTH_REQUEST" },
	[F_I2C_ABSENT_WRITE_OK] = { "i2c-absent-write-ok", false, "i2c", "any",
				    "i2c.group-failure-status", "i2c.fail-next", "",
				    "answers OK to a write to an address no target has" },
	[F_I2C_HDR_CHANGED] = { "i2c-hdr-changed", false, "i2c", "any", "i2c.no-modify-addr-flags",
				"i2c.write-read", "",
				"clears the flags of each request's out_hdr" },
	[F_I2C_WRITES_REORDERED] = { "i2c-writes-reordered", false, "i2c", "any", "i2c.in-order",
				     "i2c.in-order", "",
				     "stores the writes made available together in reverse order" },
	[F_GPIO_CONFIG_PADDING] = { "gpio-config-padding", false, "gpio", "any",
				    "gpio.config.all-fields", "gpio.config", "",
				    "configuration padding reads 0xff" },
	[F_GPIO_NAMES_UNTERMINATED] = { "gpio-names-unterminated", false, "gpio", "any",
					"gpio.names.format", "gpio.names", "",
					"the last line name has no NUL inside gpio_names_size" },
	[F_GPIO_VALUE_UNSET] = { "gpio-value-unset", false, "gpio", "any", "gpio.resp.all-fields",
				 "gpio.requests", "", "never writes the response's value byte" },
};

int vu_faults_parse(const char *list, uint64_t *set, const char **bad)
{
	static char name[64];

	*set = 0;
	while (list && *list) {
		size_t n = strcspn(list, ",");
		unsigned i;

		if (n && n < sizeof(name)) {
			memcpy(name, list, n);
			name[n] = '\0';
			for (i = 0; i < F_COUNT; i++)
				if (!strcmp(vu_faults[i].name, name))
					break;
			if (i == F_COUNT) {
				*bad = name;
				return -1;
			}
			*set |= 1ull << i;
		} else if (n) {
			*bad = "(too long)";
			return -1;
		}
		list += n;
		if (*list == ',')
			list++;
	}
	return 0;
}

void vu_faults_print(void)
{
	printf("# name\tkind\tdevice\tring\tstatement\tchecks\tmissed_in\tcomment\n");
	for (unsigned i = 0; i < F_COUNT; i++) {
		const struct vu_fault_info *f = &vu_faults[i];

		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f->name,
		       f->control ? "control" : "fault", f->device, f->ring, f->statement,
		       *f->checks ? f->checks : "-", *f->missed_in ? f->missed_in : "-",
		       f->comment);
	}
}
