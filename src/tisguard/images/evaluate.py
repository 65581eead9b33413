"""Image-path figures on a labelled image set (manifest.jsonl beside the images)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tisguard.catalogue.store import catalogue_from_csv
from tisguard.detect.context import ListingContext, Reference
from tisguard.detect.detectors.marks import LicenceNumberDetector, StandardNumberDetector
from tisguard.detect.lexicon import Lexicon
from tisguard.detect.text import normalize
from tisguard.tisno import licence_key
from tisguard.registry.model import Registry


def read_image_set(manifest: Path):
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def evaluate_images(manifest: Path) -> dict:
    from tisguard.images.analyze import analyse
    from tisguard.images.fetch import load_local
    from tisguard.images.ocr import clean_ocr_text
    from tisguard.images.qr import QrFinding, qr_text_for_matching
    from tisguard.spec.listing import Listing

    ref = Reference(catalogue_from_csv(), Registry([]), Lexicon.load(), model=None)
    ctx = ListingContext(
        Listing.model_validate({"platform": "other", "listing_id": "img", "title": "x", "seller": {"id": "x"}}), ref
    )
    std_det, lic_det = StandardNumberDetector(), LicenceNumberDetector()
    n = std_n = std_ok = lic_n = lic_ok = qr_n = qr_ok = tp = fp = fn = 0
    seconds = 0.0
    for row in read_image_set(manifest):
        t0 = time.perf_counter()
        a = analyse(load_local(manifest.parent / row["image"]))
        seconds += time.perf_counter() - t0
        n += 1
        text = normalize(clean_ocr_text(a.ocr_text))
        stds = {(e.value["tis"], e.value["year_be"]) for e in std_det.from_text(ctx, "image", text, loose=True)}
        lics = {licence_key(e.value["licence_no"]) for e in lic_det.from_text("image", text)}
        for q in a.qrs:
            lics |= {
                licence_key(e.value["licence_no"])
                for e in lic_det.from_text(
                    "image",
                    normalize(qr_text_for_matching(QrFinding(q["text"], tuple(q["box"]), q["host"], q["tisi_host"]))),
                )
            }
        if row.get("standard"):
            std_n += 1
            num, year = row["standard"].rsplit("-", 1)
            std_ok += (num, int(year)) in stds
        if row.get("licence"):
            lic_n += 1
            lic_ok += licence_key(row["licence"]) in lics
        if row.get("qr"):
            qr_n += 1
            qr_ok += any(q["text"] == row["qr"] for q in a.qrs)
        found = bool(a.marks)
        tp += found and row["mark"]
        fp += found and not row["mark"]
        fn += (not found) and row["mark"]
    return {
        "images": n,
        "standard_number_exact": round(std_ok / std_n, 3) if std_n else None,
        "licence_number_exact": round(lic_ok / lic_n, 3) if lic_n else None,
        "qr_decode_rate": round(qr_ok / qr_n, 3) if qr_n else None,
        "mark_precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "mark_recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "seconds_per_image": round(seconds / n, 3) if n else None,
    }
