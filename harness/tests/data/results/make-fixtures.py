#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates the plugfest-results/1 fixtures used by the reporting tests.

The runs are synthetic but shaped like real ones: device inventories as QEMU
7.2 and other VMMs present them, check ids of the real catalogue (`plugfest
list --json`), and spec statement ids, sections and labels taken from
profiles/spec (so a fixture never cites a statement the fact base lacks).
The catalogue has no device-type checks yet; the few device-type ids below
stand in for them and are listed, with their reason, in
harness/tests/data/unknown-check-ids.txt (tests/e2e/test_fixture_check_ids.sh
fails on any other id the catalogue lacks). Run from the repository root:

    python3 harness/tests/data/results/make-fixtures.py
"""
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(ROOT, "..", "..", "..", "..", "profiles", "spec", "virtio-1.4-normative.yaml")

# Areas whose checks apply to every device; any other area names the
# transport or device type its checks apply to.
GENERIC_AREAS = ("basic", "split-ring", "packed-ring")


def check(id_, area, level, title, reqs, needs_feature=None, cls="conformance"):
    """A catalogue entry: (id, area, level, class, title, reqs, applies,
    needs_feature), where applies is "all" or a transport or device type."""
    applies = "all" if area in GENERIC_AREAS else area
    return (id_, area, level, cls, title, reqs, applies, needs_feature)


CHECKS = [
    check("basic.init.sequence", "basic", "must",
          "Driver initialisation sequence: reset reads 0, ACKNOWLEDGE, DRIVER, FEATURES_OK kept, DRIVER_OK",
          ["basic.reset.status-zero", "basic.features.reject-via-features-ok"]),
    check("basic.reset.after-driver-ok", "basic", "must",
          "Reset of a live device: status reads back 0 and the device is re-initialisable",
          ["basic.reset.status-zero"]),
    check("features.version-1-offered", "basic", "must", "The device offers VIRTIO_F_VERSION_1",
          ["features.version1-offered"]),
    check("features.dependencies", "basic", "must",
          "No feature is offered without the features it depends on",
          ["basic.features.no-dependent-without-base"]),
    check("features.valid-subsets-accepted", "basic", "should",
          "The device accepts the minimal valid feature subset {VERSION_1}",
          ["basic.features.accept-valid-subset"]),
    check("config.readable-before-features-ok", "basic", "must",
          "Device configuration is readable before FEATURES_OK",
          ["basic.config.readable-before-features-ok"]),
    check("split.used-len-and-id", "split-ring", "must",
          "used.len never exceeds the device-writable bytes and covers what was written",
          ["split.used.len-bytes-written"]),
    check("split.readable-untouched", "split-ring", "must",
          "Device-readable buffers and the descriptor table are never written",
          ["split.desc.no-write-readable", "split.desc.no-write-desc-table"]),
    check("split.indirect", "split-ring", "must",
          "Direct descriptors followed by one INDIRECT descriptor are accepted",
          ["split.indirect.mixed-chain"], 28),
    check("split.used-notification", "split-ring", "must",
          "Spurious available-buffer notifications are tolerated",
          ["split.avail-notif.spurious-ok"]),
    check("split.event-idx", "split-ring", "must",
          "With EVENT_IDX the device notifies when crossing used_event",
          ["split.used-notif.event-idx-notify"], 29),
    check("packed.readable-untouched", "packed-ring", "must",
          "Packed ring: device-readable buffers are never written",
          ["packed.desc.no-write-readable"], 34),
    check("mmio.magic-and-version", "mmio", "must",
          "MagicValue reads 0x74726976 and Version reads 2 (non-legacy register layout)",
          ["mmio.magic", "mmio.version-2"]),
    check("mmio.interrupt-status-idle", "mmio", "must",
          "InterruptStatus bits of events that did not happen read 0",
          ["mmio.isr.no-spurious-bits"]),
    check("vq-reset.mmio-registers", "mmio", "must",
          "Queue reset through QueueReset: reads 1 while ongoing, 0 when done, the queue's registers reset",
          ["mmio.queue-reset.zero-on-reset", "mmio.queue-reset.performs-reset"]),
    check("pci.vendor-id", "pci", "must", "PCI vendor id is 0x1AF4", ["pci.vendor-id"]),
    check("pci.device-id", "pci", "must", "PCI device id is 0x1040+type or the transitional id",
          ["pci.device-id"]),
    check("pci.modern-ids", "pci", "should", "Non-transitional device has revision >= 1",
          ["pci.modern-revision"]),
    check("pci.caps.present", "pci", "must",
          "The COMMON, NOTIFY, ISR, DEVICE and PCI_CFG capabilities are present",
          ["pci.common.present", "pci.notify.present"]),
    check("pci.notify.multiplier", "pci", "must", "notify_off_multiplier is an even power of 2 or 0",
          ["pci.notify.multiplier-even-pow2"]),
    check("pci.pci-cfg.read", "pci", "must", "PCI_CFG access window forwards reads",
          ["pci.pci-cfg.read-forward"]),
    check("pci.irq.msix-mapping", "pci", "must", "All MSI-X vectors read NO_VECTOR after reset",
          ["pci.msix.unmapped-on-reset"]),
    check("net.cfg.mtu-range", "net", "must", "mtu is within 68..65535", ["net.cfg.mtu-range"], 3),
    check("net.cfg.mtu-min", "net", "should", "mtu is at least 1280", ["net.cfg.mtu-min-1280"], 3),
    check("net.cfg.max-vq-pairs", "net", "must", "max_virtqueue_pairs is within 1..0x8000",
          ["net.cfg.max-vq-pairs-range"], 22),
    check("net.ctrl.rx-promisc", "net", "must", "RX_PROMISC and RX_ALLMULTI are accepted",
          ["net.ctrl-rx.support-promisc-allmulti"], 18),
    check("blk.features.flush", "blk", "should", "VIRTIO_BLK_F_FLUSH is offered",
          ["blk.features.flush-offered"]),
    check("blk.ro.write-ioerr", "blk", "must", "A write to a read-only device completes with IOERR",
          ["blk.ro.write-ioerr"], 5),
    check("blk.discard.unknown-flags", "blk", "must",
          "Discard/write-zeroes with unknown flag bits complete with UNSUPP",
          ["blk.discard-wz.unknown-flags-unsupp"], 13),
    check("blk.cfg.unused-zero", "blk", "must", "Config padding reads 0", ["blk.cfg.unused-zero"]),
    check("console.emerg-write", "console", "must", "emerg_wr is writable before configuration",
          ["console.emerg-wr.always-writable"], 2),
    check("console.multiport.add-valid", "console", "must", "DEVICE_ADD names only new, valid ports",
          ["console.mp.add-valid-port"], 1),
    check("rng.fill", "rng", "must", "Every entropy request returns at least one byte", ["rng.fill-nonzero"]),
    check("gpu.capset-info", "gpu", "must", "GET_CAPSET_INFO returns defined capset ids",
          ["gpu.capset-info.id"], 0),
    check("gpu.fence", "gpu", "must", "Fenced requests answer with FENCE and the fence id",
          ["gpu.fence.response"]),
    check("input.cfg.unsupported-select", "input", "must", "Unsupported select/subsel reads size 0",
          ["input.cfg.size-zero-unsupported"]),
    check("basic.needs-reset.malformed-chain", "basic", "must",
          "A malformed descriptor chain does not hang or crash the device; it may set DEVICE_NEEDS_RESET",
          ["basic.status.needs-reset-on-error"], cls="adversarial"),
    check("pci.common.queue-size", "pci", "must",
          "queue_select beyond num_queues reads queue_size 0 and the VMM survives",
          ["pci.common.queue-size-zero-if-absent"]),
]

SPEC_BY_ID = {}


def spec():
    global SPEC_BY_ID
    if not SPEC_BY_ID:
        with open(SPEC) as f:
            SPEC_BY_ID = {e["id"]: e for e in yaml.safe_load(f)}
    return SPEC_BY_ID


def dev(id_, type_, devid, transport, mode, bits, queues, version=None):
    feats = 0
    for b in bits:
        if b < 64:
            feats |= 1 << b
    return {
        "id": id_, "type": type_, "device_id": devid, "transport": transport,
        "address": "0x" + id_.split("@")[1].replace(":", "").replace(".", "") if transport == "mmio"
        else id_.split("@")[1],
        "vendor_id": "0x554d4551" if transport == "mmio" else "0x1af4",
        "version": version if version is not None else (2 if mode != "legacy" else 1),
        "mode": mode, "features": "0x%016x" % feats, "feature_bits": sorted(bits),
        "queues": [{"index": i, "max_size": s} for i, s in enumerate(queues)],
    }


def applies(check, d):
    a = check[6]
    return a == "all" or a == d["transport"] or a == d["type"]


def make_run(name, target, hv, hv_ver, arch, devices, overrides, findings=(), missing=(),
             started="2026-11-20T09:14:03Z", duration=2.84, exit_=None, summary_verdict=None):
    sp = spec()
    results = []
    step = 0
    for d in devices:
        for c in CHECKS:
            cid, area, level, cls, title, reqs, _, feat = c
            if not applies(c, d):
                continue
            step += 1
            key = (cid, d["id"])
            if key in missing or (cid, "*") in missing:
                continue
            verdict, msg = "pass", ""
            if feat is not None and feat not in d["feature_bits"]:
                verdict, msg = "skip", "feature bit %d not offered" % feat
            if key in overrides:
                verdict, msg = overrides[key]
            labels = sorted({sp[r]["label"] for r in reqs if sp[r].get("label")})
            sections = sorted({sp[r]["section"] for r in reqs})
            results.append({
                "test": cid, "device": d["id"], "step": step, "verdict": verdict, "level": level,
                "class": cls, "area": area, "title": title, "reqs": reqs, "labels": labels,
                "sections": sections, "message": msg, "duration_us": 180 + (step * 37) % 900,
            })
    counts = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    must_failed = sum(1 for r in results if r["level"] == "must" and r["verdict"] in
                      ("fail", "crash", "wedged", "timeout"))
    if summary_verdict is None:
        summary_verdict = ("non-conformant" if must_failed else
                           "conformant-with-warnings" if counts.get("warn") else "conformant")
    return {
        "schema": "plugfest-results/1",
        "tool": {"name": "plugfest", "version": "0.3.0"},
        "run": {
            "target": target, "target_file": "profiles/targets/%s.yaml" % target,
            "hypervisor": {"name": hv, "version": hv_ver},
            "started": started, "finished": started.replace("09:14:03", "09:14:06"),
            "duration_s": duration,
            "argv": ["plugfest", "run", "--target", "profiles/targets/%s.yaml" % target, "-o", "out/" + name],
            "exit": exit_ or {"how": "exited", "code": 0, "signal": None},
            "probe": {"version": "0.3.0", "arch": arch, "image": "probe-%s-0.3.0" % arch,
                      "image_path": "build/probe/%s/probe.img" % arch,
                      "image_sha256": "5f0c6a8e0d2b7c31a94e3f7d8b1c2a6e9f4d3b2a1c0e9f8d7c6b5a4f3e2d1c0b",
                      "options": {"filter": "", "seed": 1, "verbose": 0}},
            "boots": 1 + sum(1 for f in findings if f["kind"] in ("crash", "wedged")),
        },
        "devices": devices,
        "results": results,
        "findings": list(findings),
        "diagnostics": [], "metrics": [{"name": "boot_to_hello", "value": 212, "unit": "ms"}],
        "logs": [],
        "summary": {"verdict": summary_verdict, "counts": counts, "devices": len(devices),
                    "checks": len(results), "must_failed": must_failed},
    }


VIRTIO_COMMON = [28, 29, 32, 33]  # INDIRECT_DESC, EVENT_IDX, VERSION_1, ACCESS_PLATFORM


def main():
    out = {}
    # 1. QEMU 7.2, modern mmio + pci: conformant core
    devs = [
        dev("mmio@0a003e00", "blk", 2, "mmio", "modern", [2, 6, 9, 10, 11, 13, 14] + VIRTIO_COMMON, [256]),
        dev("mmio@0a003c00", "console", 3, "mmio", "modern", [1, 2] + VIRTIO_COMMON, [128, 128, 128, 128]),
        dev("mmio@0a003a00", "input", 18, "mmio", "modern", VIRTIO_COMMON, [64, 64]),
        dev("pci@0000:00:01.0", "net", 1, "pci", "modern", [0, 1, 5, 15, 16, 17, 18, 19, 20, 21, 23] + VIRTIO_COMMON,
            [256, 256, 64], version=1),
        dev("pci@0000:00:02.0", "rng", 4, "pci", "modern", VIRTIO_COMMON, [1024], version=1),
        dev("pci@0000:00:03.0", "gpu", 16, "pci", "modern", [1] + VIRTIO_COMMON, [256, 16], version=1),
    ]
    out["qemu-7.2-modern.json"] = make_run(
        "qemu-7.2-modern", "qemu-virt-aarch64-modern", "qemu", "7.2.11", "aarch64", devs,
        {("gpu.capset-info", "pci@0000:00:03.0"): ("skip", "VIRTIO_GPU_F_VIRGL not offered: no capsets")})

    # 2. QEMU 7.2 defaults: legacy virtio-mmio, failures and warnings
    devs = [
        dev("mmio@0a003e00", "blk", 2, "mmio", "legacy", [2, 6, 9, 10, 11, 13, 14, 28, 29], [256]),
        dev("mmio@0a003c00", "console", 3, "mmio", "legacy", [1, 2, 28, 29], [128, 128, 128, 128]),
        dev("mmio@0a003a00", "rng", 4, "mmio", "legacy", [28, 29], [1024]),
        dev("pci@0000:00:01.0", "net", 1, "pci", "transitional", [0, 1, 3, 5, 15, 16, 17, 18, 22] + VIRTIO_COMMON,
            [256, 256, 64], version=0),
        dev("pci@0000:00:02.0", "gpu", 16, "pci", "modern", [0, 1] + VIRTIO_COMMON, [256, 16], version=1),
    ]
    legacy = "legacy interface (MMIO Version 1): VIRTIO_F_VERSION_1 cannot be offered"
    ov = {}
    for d in devs[:3]:
        ov[("features.version-1-offered", d["id"])] = ("fail", legacy)
        ov[("mmio.magic-and-version", d["id"])] = ("fail", "Version register reads 0x1, expected 0x2")
    ov[("blk.discard.unknown-flags", "mmio@0a003e00")] = (
        "fail", "DISCARD with flags=0x2 completed with VIRTIO_BLK_S_OK (0), expected VIRTIO_BLK_S_UNSUPP (2)")
    ov[("net.cfg.mtu-min", "pci@0000:00:01.0")] = ("warn", "mtu is 576, the spec recommends at least 1280")
    ov[("pci.modern-ids", "pci@0000:00:01.0")] = ("skip", "transitional device: revision 0 is expected")
    ov[("gpu.fence", "pci@0000:00:02.0")] = (
        "fail", "fenced RESOURCE_FLUSH answered without VIRTIO_GPU_FLAG_FENCE <&> \"quoted\" </script>")
    ov[("split.used-len-and-id", "mmio@0a003a00")] = ("error", "probe could not allocate a 4 KiB DMA buffer")
    out["qemu-7.2-legacy.json"] = make_run(
        "qemu-7.2-legacy", "qemu-virt-aarch64-default", "qemu", "7.2.11", "aarch64", devs, ov,
        started="2026-11-20T10:02:41Z")

    # 3. A vendor hypervisor: the VMM crashes on one check, wedges on another
    devs = [
        dev("pci@0000:00:04.0", "net", 1, "pci", "modern", [0, 1, 5, 16, 17, 18] + VIRTIO_COMMON, [256, 256, 64], 1),
        dev("pci@0000:00:05.0", "blk", 2, "pci", "modern", [9, 13] + VIRTIO_COMMON, [128], 1),
        dev("pci@0000:00:06.0", "console", 3, "pci", "modern", [0] + VIRTIO_COMMON, [64, 64], 1),
        dev("pci@0000:00:07.0", "rng", 4, "pci", "modern", VIRTIO_COMMON, [64], 1),
        dev("pci@0000:00:08.0", "gpu", 16, "pci", "modern", [0, 1, 3, 4] + VIRTIO_COMMON, [256, 16], 1),
        dev("pci@0000:00:09.0", "input", 18, "pci", "modern", VIRTIO_COMMON, [64, 64], 1),
    ]
    ov = {
        ("basic.needs-reset.malformed-chain", "pci@0000:00:04.0"): (
            "crash", "VMM exited with signal 6 (SIGABRT) while walking a looping descriptor chain"),
        ("split.event-idx", "pci@0000:00:05.0"): (
            "wedged", "no used-buffer notification within 2000 ms after crossing used_event; device stopped responding"),
        ("rng.fill", "pci@0000:00:07.0"): ("timeout", "entropy request not completed within 5000 ms"),
        ("pci.irq.msix-mapping", "pci@0000:00:06.0"): (
            "fail", "config_msix_vector reads 0x0000 after reset, expected NO_VECTOR (0xffff)"),
    }
    findings = [
        {"kind": "crash", "message": "hypervisor process exited with signal 6 (SIGABRT); guest restarted, resumed at step 241",
         "test": "basic.needs-reset.malformed-chain", "device": "pci@0000:00:04.0", "step": 40},
        {"kind": "wedged", "message": "device stopped responding; VMM alive; guest restarted",
         "test": "split.event-idx", "device": "pci@0000:00:05.0", "step": 52},
    ]
    out["acrn-3.2-crash.json"] = make_run(
        "acrn-3.2-crash", "acrn-industry-x86_64", "acrn", "3.2", "x86_64", devs, ov, findings,
        started="2026-11-21T14:30:00Z", duration=11.7)

    # 4. Firecracker-like: mmio only, run cut short (incomplete)
    devs = [
        dev("mmio@d0000000", "net", 1, "mmio", "modern", [0, 1, 5, 7, 10, 11, 15] + VIRTIO_COMMON, [256, 256], 2),
        dev("mmio@d0001000", "blk", 2, "mmio", "modern", [5, 9] + VIRTIO_COMMON, [256], 2),
    ]
    missing = {(c[0], "mmio@d0001000") for c in CHECKS if c[0].startswith(("blk.", "split."))}
    ov = {("basic.reset.after-driver-ok", "mmio@d0000000"): ("fail", "device_status reads 0x0f 100 ms after writing 0")}
    out["firecracker-1.9-incomplete.json"] = make_run(
        "firecracker-1.9-incomplete", "firecracker-x86_64", "firecracker", "1.9.0", "x86_64", devs, ov,
        [{"kind": "timeout", "message": "no record for 30 s; run aborted", "test": "config.readable-before-features-ok",
          "device": "mmio@d0001000", "step": 30}],
        missing=missing, started="2026-11-22T08:00:00Z", duration=31.2,
        exit_={"how": "killed", "code": None, "signal": 9}, summary_verdict="incomplete")

    for name, doc in out.items():
        with open(os.path.join(ROOT, name), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        print("wrote", name, len(doc["results"]), "results", file=sys.stderr)


if __name__ == "__main__":
    main()
