"""Image evidence as a detector: runs only when the text left the verdict open (a regulated product
without a licence the registry holds as active), on at most a few images per listing. What it reads
goes through the same standard-number and licence detectors as listing text, so a licence found in a
photo is verified against the registry exactly like one found in the title."""

from __future__ import annotations

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.detectors.marks import LicenceNumberDetector, StandardNumberDetector
from tisguard.detect.evidence import Evidence
from tisguard.detect.text import normalize


def _text_settled(ctx: ListingContext) -> bool:
    reg = ctx.ref.registry
    for e in ctx.found("licence_number"):
        lic = reg.by_number(e.value["licence_no"])
        if lic is not None and lic.status == "active":
            return True
    return False


class ImageEvidenceDetector(Detector):
    name, version = "image_evidence", "1.1"
    emits = {
        "standard_number": Signal(Group.CLAIM, weight=-0.8),  # read from a label photo
        "licence_number": Signal(Group.FINDING),  # read from a label photo or a QR code; verified later
        "qr_tisi": Signal(Group.CLAIM, weight=-0.5),
        "tis_mark_image": Signal(Group.CLAIM, weight=-0.6),
        "qr_suspicious": Signal(Group.CONTEXT, weight=1.5),
        "image_rejected": Signal(Group.INFO),
    }
    requires = ("product",)
    after = ("product",)

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        analyzer = getattr(ctx.ref, "images", None)
        product = ctx.product
        if analyzer is None or not ctx.listing.images or product is None or not product.regulated or _text_settled(ctx):
            return []
        from tisguard.images.analyze import box_key
        from tisguard.images.ocr import clean_ocr_text
        from tisguard.images.qr import QrFinding, qr_text_for_matching

        std_det, lic_det = StandardNumberDetector(), LicenceNumberDetector()
        out: list[Evidence] = []
        seen: set = set()
        for a in analyzer.analyse_listing_images(ctx.listing.images):
            if a.error:
                out.append(
                    self.evidence(
                        "image_rejected",
                        "image",
                        f"อ่านรูปภาพไม่ได้: {a.error}",
                        f"image not usable: {a.error}",
                        value={"source": a.source},
                    )
                )
                continue
            base = {
                "image_sha256": a.sha256,
                "ocr_confidence": round(a.ocr_confidence, 1),
                "image_seconds": round(a.seconds, 3),
            }
            lines = [(normalize(clean_ocr_text(l["text"])).text, l) for l in a.ocr_lines]
            found = std_det.from_text(ctx, "image", normalize(clean_ocr_text(a.ocr_text)), loose=True)
            found += lic_det.from_text("image", normalize(clean_ocr_text(a.ocr_text)), seen)
            for e in found:
                needle = normalize(e.text or "").text
                line = next((l for t, l in lines if needle and needle in t), None)
                e.detector, e.version = self.name, self.version
                e.value.update(
                    base,
                    ocr_text=line["text"] if line else None,
                    box=line["box"] if line else None,
                    thumbnail=a.thumbnails.get(box_key(line["box"])) if line else None,
                    line_confidence=line["confidence"] if line else None,
                )
                e.span = None
                out.append(e)
            for q in a.qrs:
                qf = QrFinding(q["text"], tuple(q["box"]), q["host"], q["tisi_host"])
                qv = {**base, "qr_text": q["text"], "box": q["box"], "thumbnail": a.thumbnails.get(box_key(q["box"]))}
                if q["tisi_host"]:
                    out.append(
                        self.evidence(
                            "qr_tisi",
                            "image",
                            f"QR code ชี้ไปที่เว็บไซต์ สมอ. ({q['host']})",
                            f"QR code points to a TISI host ({q['host']})",
                            text=q["text"],
                            value=qv,
                        )
                    )
                else:
                    out.append(
                        self.evidence(
                            "qr_suspicious",
                            "image",
                            f"QR code ไม่ได้ชี้ไปที่เว็บไซต์ สมอ. ({q['host'] or q['text'][:40]})",
                            f"QR code does not point to a TISI host ({q['host'] or q['text'][:40]})",
                            text=q["text"],
                            value=qv,
                        )
                    )
                for e in lic_det.from_text("image", normalize(qr_text_for_matching(qf)), seen):
                    e.detector, e.version, e.span = self.name, self.version, None
                    e.value.update(qv, via="qr")
                    out.append(e)
            if a.marks and not any(e.signal == "licence_number" for e in found):
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
                        },
                        score=m["score"],
                    )
                )
        return out
