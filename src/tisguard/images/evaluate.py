"""Image-path figures on a labelled photo set (manifest.jsonl beside the photos).

Per photo: standard number exact, licence number exact, QR decoded, TIS mark found (precision, recall,
photos without a mark on which one was "found"), seconds. Per listing whose licence is only in a photo:
whether the verdict equals the verdict of the same listing with the licence written in its text; the
listing is the licence's product (its standard's name as title, its registered brand), assessed by the
pipeline's engine with image evidence on.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from tisguard.detect.context import Reference
from tisguard.tisno import licence_key


def read_image_set(manifest: Path):
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def _default_reference() -> Reference:
    from tisguard.catalogue.store import catalogue_from_csv
    from tisguard.detect.lexicon import Lexicon
    from tisguard.detect.model import CategoryModel
    from tisguard.registry.model import Registry

    return Reference(catalogue_from_csv(), Registry([]), Lexicon.load(), CategoryModel.load(None))


def _ratio(ok: int, n: int) -> float | None:
    return round(ok / n, 3) if n else None


def evaluate_images(manifest: Path, ref: Reference | None = None) -> dict:
    """Figures for one labelled set. `ref`: the reference snapshot (its registry verifies licences and
    gives the verdict comparison); without one, the packaged catalogue and an empty registry."""
    from tisguard.images.fetch import load_local
    from tisguard.images.labelread import read
    from tisguard.pipeline.build import ImageSource, make_engine
    from tisguard.pipeline.image_jobs import detached_ref

    ref = ref or _default_reference()
    engine = make_engine(detached_ref(ref, True), None, ImageSource(manifest.parent))
    analyzer = engine.ref.images
    rows = list(read_image_set(manifest))
    c = dict.fromkeys(("std_n", "std_ok", "lic_n", "lic_ok", "lic_ocr_ok", "qr_n", "qr_ok", "tp", "fp", "fn", "neg"), 0)
    seconds, cpu, near_1000, timed_out = [], [], [], 0
    for row in rows:
        loaded = load_local(manifest.parent / row["image"])
        c0 = time.process_time()  # CPU time: wall time depends on what else the machine runs
        a = analyzer.analyse_loaded(loaded)
        cpu.append(time.process_time() - c0)
        seconds.append(a.seconds)
        if a.size and 800 <= max(a.size) <= 1200:
            near_1000.append(cpu[-1])
        timed_out += a.timed_out
        reading = read(a.ocr_lines, a.marks, engine.ref, a.qrs)
        stds = {(s["tis"], s["year_be"]) for s in reading.standards}
        # the label's print alone: read without the QR codes, which also settle some printed numbers
        from_ocr = {licence_key(l["licence_no"]) for l in read(a.ocr_lines, a.marks, engine.ref).licences}
        lics = from_ocr | _qr_licences(a.qrs)
        if row.get("standard"):
            c["std_n"] += 1
            num, year = row["standard"].rsplit("-", 1)
            c["std_ok"] += (num, int(year)) in stds
        if row.get("licence"):
            c["lic_n"] += 1
            c["lic_ok"] += licence_key(row["licence"]) in lics
            c["lic_ocr_ok"] += licence_key(row["licence"]) in from_ocr
        if row.get("qr"):
            c["qr_n"] += 1
            c["qr_ok"] += any(q["text"] == row["qr"] for q in a.qrs)
        found = bool(a.marks)
        c["tp"] += found and row["mark"]
        c["fp"] += found and not row["mark"]
        c["fn"] += (not found) and row["mark"]
        c["neg"] += not row["mark"]
    figs = {
        "images": len(rows),
        "standard_number_exact": _ratio(c["std_ok"], c["std_n"]),
        "licence_number_exact": _ratio(c["lic_ok"], c["lic_n"]),  # read in the label or its QR code
        "licence_number_exact_ocr": _ratio(c["lic_ocr_ok"], c["lic_n"]),  # read in the label's text alone
        "qr_decode_rate": _ratio(c["qr_ok"], c["qr_n"]),
        "mark_precision": _ratio(c["tp"], c["tp"] + c["fp"]),
        "mark_recall": _ratio(c["tp"], c["tp"] + c["fn"]),
        "false_marks": c["fp"],
        "photos_without_mark": c["neg"],
        "seconds_per_image": round(statistics.fmean(seconds), 3) if seconds else None,
        "seconds_p95": round(sorted(seconds)[int(0.95 * (len(seconds) - 1))], 3) if seconds else None,
        "cpu_seconds_per_image": round(statistics.fmean(cpu), 3) if cpu else None,
        "cpu_seconds_per_image_800_1200px": round(statistics.fmean(near_1000), 3) if near_1000 else None,
        "deadline_hit": timed_out,
    }
    figs.update(_verdict_parity(engine, rows, manifest))
    return figs


def _qr_licences(qrs: list[dict]) -> set[str]:
    from tisguard.detect.detectors.marks import LicenceNumberDetector
    from tisguard.detect.text import normalize
    from tisguard.images.qr import QrFinding, qr_text_for_matching

    det, out = LicenceNumberDetector(), set()
    for q in qrs:
        text = normalize(qr_text_for_matching(QrFinding(q["text"], tuple(q["box"]), q["host"], q["tisi_host"])))
        out |= {licence_key(e.value["licence_no"]) for e in det.from_text("image", text)}
    return out


def _verdict_parity(engine, rows: list[dict], manifest: Path) -> dict:
    """The verdict with the licence only in a photo against the verdict with it in the text."""
    from tisguard.spec.listing import Listing

    reg, cat = engine.ref.registry, engine.ref.catalogue
    n = same = compliant = 0
    for i, row in enumerate(rows):
        lic = reg.by_number(row["licence"]) if row.get("licence") and len(reg) else None
        if lic is None:
            continue
        std = cat.current(lic.tis_number)
        base = {
            "platform": "other",
            "listing_id": f"img-{i}",
            "title": row.get("title") or (std.name_th if std else lic.tis_number),
            "brand": row.get("brand") or (lic.brands[0] if lic.brands else None),
            "seller": {"id": "eval"},
        }
        in_text = engine.assess(Listing.model_validate({**base, "description": f"ใบอนุญาตเลขที่ {lic.licence_no}"}))
        in_photo = engine.assess(Listing.model_validate({**base, "images": [{"path": row["image"]}]}))
        n += 1
        same += in_text.verdict == in_photo.verdict
        compliant += in_text.verdict == "compliant"
    return {"verdict_parity": _ratio(same, n), "verdict_parity_listings": n, "compliant_with_text": compliant}
