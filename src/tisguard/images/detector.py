"""Image evidence as a detector: runs only when the text left the verdict open (a regulated product
without a licence the registry holds as active), on at most a few photos per listing, within the
analyzer's time limits. What a label says is read by `labelread` and checked against the catalogue and
the registry; a licence read from a photo then goes through the same licence verification as one in
the title. A registry licence carried by the photo's QR code counts as read (and settles misread printed numbers
beside it); its evidence line says it came from the QR code, not the print. When a time limit cut the reading
short, an INFO line says so."""

from __future__ import annotations

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.detect.text import normalize


def _text_settled(ctx: ListingContext) -> bool:
    reg = ctx.ref.registry
    for e in ctx.found("licence_number"):
        lic = reg.by_number(e.value["licence_no"])
        if lic is not None and lic.status == "active":
            return True
    return False


def wants_images(ctx: ListingContext) -> bool:
    """Whether photos could change this listing's verdict: it has some, the product is regulated and the
    text shows no licence the registry holds as active."""
    product = ctx.product
    return bool(ctx.listing.images) and product is not None and product.regulated and not _text_settled(ctx)


class ImageEvidenceDetector(Detector):
    name, version = "image_evidence", "2.3"
    emits = {
        "standard_number": Signal(Group.CLAIM, weight=-0.8),  # read from a label photo
        "licence_number": Signal(Group.FINDING),  # read from a label photo or a QR code; verified later
        "qr_tisi": Signal(Group.CLAIM, weight=-0.5),
        "tis_mark_image": Signal(Group.CLAIM, weight=-0.6),
        "qr_suspicious": Signal(Group.CONTEXT, weight=1.5),
        "image_rejected": Signal(Group.INFO),
        "image_deadline": Signal(Group.INFO),  # Tesseract's per-photo deadline cut the reading short
        "image_budget": Signal(Group.INFO),  # the listing's time budget ran out before a photo was read
        # a standard or registry licence read in a photo re-ranks the product type, as one in the text does
        "product_from_image": Signal(Group.PRODUCT),
    }
    requires = ("product",)
    after = ("product",)
    provides = ("product",)

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        analyzer = getattr(ctx.ref, "images", None)
        if analyzer is None or not wants_images(ctx):
            return []
        out: list[Evidence] = []
        seen: set = set()
        for a in analyzer.analyse_listing_images(ctx.listing.images):
            out.extend(self._one(ctx, a, seen))
        restated = self._restate_product(ctx, out)
        return out + ([restated] if restated else [])

    def _restate_product(self, ctx: ListingContext, found: list[Evidence]) -> Evidence | None:
        """Numbers read in a photo are evidence about which standard the product falls under, exactly as
        numbers in the text are (see detectors.category): the product odds are re-ranked with both, within
        the regulated mass only. Returns an evidence line when that changes the product's standard."""
        from tisguard.detect.context import ProductType
        from tisguard.detect.detectors.category import REGISTERED_LR, STATED_LR, CategoryDetector, restate

        ref, old = ctx.ref, ctx.product
        classes = ref.model.classes
        stated: dict[str, float] = {}
        for e in [*ctx.evidence, *found]:
            if e.signal not in ("standard_number", "licence_number"):
                continue
            lic = ref.registry.by_number(e.value["licence_no"]) if e.signal == "licence_number" else None
            tis, lr = (lic.tis_number, REGISTERED_LR) if lic else (e.value.get("tis"), STATED_LR)
            tis = ref.lexicon.reported(tis) if tis else tis
            if tis in classes:
                stated[tis] = max(stated.get(tis, 1.0), lr)
        if not stated or set(stated) <= set(old.stated):
            return None
        none_i = ref.model.none_index
        probs = ref.model.predict_proba_keys(CategoryDetector().features(ctx)[0])
        probs = restate(probs, none_i, [(classes.index(t), lr) for t, lr in stated.items()])
        order = [int(i) for i in probs.argsort()[::-1][:4]]
        best = order[1] if order[0] == none_i else order[0]
        tis = ref.lexicon.reported(classes[best])
        top = tuple((classes[i], float(probs[i])) for i in order[:3])
        ctx.product = ProductType(tis, old.p_regulated, float(probs[best]), top, tuple(sorted(stated)))
        if tis == old.tis:
            return None
        std = ref.catalogue.current(tis)
        return self.evidence(
            "product_from_image",
            "image",
            f"เลขมาตรฐาน/ใบอนุญาตที่อ่านได้จากรูปภาพระบุว่าสินค้าอยู่ภายใต้ มอก. {tis}"
            + (f" ({std.name_th})" if std else "")
            + f" (แบบจำลองเลือก มอก. {old.tis} จากข้อความ)",
            f"the standard or licence read in a photo places the product under TIS {tis}"
            + (f" ({std.name_en or std.name_th})" if std else "")
            + f"; from the text alone the model chose TIS {old.tis}",
            value={"tis": tis, "was": old.tis, "stated": sorted(stated), "p_standard": round(float(probs[best]), 4)},
        )

    def _qr_licence(self, lic: dict, value: dict) -> Evidence:
        """A registry licence the label's QR code carries: what the QR says, and that it is not the print."""
        return self.evidence(
            "licence_number",
            "image",
            f"แสดงเลขที่ใบอนุญาต {lic['licence_no']} (จาก QR code ในรูปภาพ ไม่ได้อ่านจากตัวอักษรบนฉลาก)",
            f"shows licence number {lic['licence_no']} (in a photo's QR code, not read in the label's print)",
            text=lic["qr_text"],
            value=value,
        )

    def _one(self, ctx: ListingContext, a, seen: set) -> list[Evidence]:
        from tisguard.detect.detectors.marks import LicenceNumberDetector
        from tisguard.images.analyze import box_key
        from tisguard.images.labelread import read
        from tisguard.images.qr import QrFinding, qr_text_for_matching
        from tisguard.tisno import licence_key

        if a.skipped:
            return [
                self.evidence(
                    "image_budget",
                    "image",
                    f"หมดเวลาที่กำหนดก่อนอ่านรูปภาพนี้: {a.source[:80]}",
                    f"time budget for this listing's photos ran out before this one was read: {a.source[:80]}",
                    value={"source": a.source, "limit": "listing_budget"},
                )
            ]
        if a.error:
            return [
                self.evidence(
                    "image_rejected",
                    "image",
                    f"อ่านรูปภาพไม่ได้: {a.error}",
                    f"image not usable: {a.error}",
                    value={"source": a.source},
                )
            ]
        out: list[Evidence] = []
        base = {
            "image_sha256": a.sha256,
            "image_source": a.source,
            "ocr_confidence": round(a.ocr_confidence, 1),
            "image_seconds": round(a.seconds, 3),
        }
        if a.timed_out:
            out.append(
                self.evidence(
                    "image_deadline",
                    "image",
                    "อ่านข้อความในรูปภาพไม่ครบ: หมดเวลาที่กำหนดต่อภาพ",
                    "the photo was not read completely: its OCR deadline ran out",
                    value={**base, "limit": "image_deadline", "passes": a.passes},
                )
            )

        def at(line) -> dict:
            box = list(line.box) if line is not None and line.box else None
            return {
                **base,
                "ocr_text": line.raw if line is not None else None,
                "box": box,
                "thumbnail": a.thumbnails.get(box_key(box)) if box else None,
                "line_confidence": line.confidence if line is not None else None,
            }

        reading = read(a.ocr_lines, a.marks, ctx.ref, a.qrs)
        for s in reading.standards:
            label = f"มอก. {s['tis']}-{s['year_be']}"
            out.append(
                self.evidence(
                    "standard_number",
                    "image",
                    f"ประกาศเลขมาตรฐาน {label} (จากรูปภาพ)",
                    f"states standard {label} (in a photo)",
                    text=s["line"].raw,
                    value={"tis": s["tis"], "year_be": s["year_be"], "in_catalogue": True, **at(s["line"])},
                )
            )
        licensee = reading.licensee
        for lic in reading.licences:
            key = licence_key(lic["licence_no"])
            if key in seen:
                continue
            seen.add(key)
            v = {"licence_no": lic["licence_no"], "licence_key": key, "tis": lic["tis"], "read_as": lic["how"]}
            if lic.get("read_as"):  # taken for a registry licence one digit away: what the photo was read as
                v["read_text"] = lic["read_as"]
            if licensee:
                v["licensee_read"] = licensee["name"]
                v["licensee_match"] = licensee["registry_match"]
            if lic["how"] == "qr":  # read in the label's QR code (and found in the registry), not in its print
                out.append(self._qr_licence(lic, {**v, **at(lic["line"]), "qr_text": lic["qr_text"], "via": "qr"}))
                continue
            out.append(
                self.evidence(
                    "licence_number",
                    "image",
                    f"แสดงเลขที่ใบอนุญาต {lic['licence_no']} (จากรูปภาพ"
                    + (f" อ่านได้ {lic['read_as']} ต่างจากทะเบียน 1 หลัก โปรดตรวจรูป)" if lic.get("read_as") else ")"),
                    f"shows licence number {lic['licence_no']} (in a photo"
                    + (
                        f"; read as {lic['read_as']}, one digit from the registry's: check the photo)"
                        if lic.get("read_as")
                        else ")"
                    ),
                    text=lic["line"].raw,
                    value={**v, **at(lic["line"])},
                )
            )
        lic_det = LicenceNumberDetector()
        for q in a.qrs:
            qf = QrFinding(q["text"], tuple(q["box"]), q["host"], q["tisi_host"])
            qv = {**base, "qr_text": q["text"], "box": q["box"], "thumbnail": a.thumbnails.get(box_key(q["box"]))}
            host = q["host"] or q["text"][:40]
            if q["tisi_host"]:
                out.append(
                    self.evidence(
                        "qr_tisi",
                        "image",
                        f"QR code ชี้ไปที่เว็บไซต์ สมอ. ({host})",
                        f"QR code points to a TISI host ({host})",
                        text=q["text"],
                        value=qv,
                    )
                )
            else:
                out.append(
                    self.evidence(
                        "qr_suspicious",
                        "image",
                        f"QR code ไม่ได้ชี้ไปที่เว็บไซต์ สมอ. ({host})",
                        f"QR code does not point to a TISI host ({host})",
                        text=q["text"],
                        value=qv,
                    )
                )
            for e in lic_det.from_text("image", normalize(qr_text_for_matching(qf)), seen):
                e.detector, e.version, e.span = self.name, self.version, None
                e.reason_th += " (จาก QR code ในรูปภาพ)"
                e.reason_en += " (in a photo's QR code)"
                e.value.update(qv, via="qr")
                out.append(e)
        if a.marks and not reading.licences:
            m = max(a.marks, key=lambda m: m["score"])
            out.append(
                self.evidence(
                    "tis_mark_image",
                    "image",
                    "พบเครื่องหมาย มอก. ในรูปภาพ แต่อ่านเลขที่ใบอนุญาตไม่ได้",
                    "TIS mark shown in a photo, but no readable licence number",
                    value={
                        **base,
                        "box": m["box"],
                        "score": m["score"],
                        "thumbnail": a.thumbnails.get(box_key(m["box"])),
                        "unconfirmed": [{"text": d["licence_no"], "why": d["why"]} for d in reading.dropped][:3],
                    },
                    score=m["score"],
                )
            )
        return out
