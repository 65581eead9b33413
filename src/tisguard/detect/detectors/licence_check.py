"""Verify each licence number found against the registry: found, status, standard, licensee/brand fit."""

from __future__ import annotations

from rapidfuzz import fuzz

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.registry.model import Licence, clean_company_name

NO_BRAND = {"", "no brand", "nobrand", "ไม่มียี่ห้อ", "oem", "generic", "none", "-", "ไม่ระบุ"}
STATUS_TH = {"suspended": "ถูกพักใช้", "revoked": "ถูกเพิกถอน", "cancelled": "ถูกยกเลิก"}


def brand_fit(ctx: ListingContext, lic: Licence) -> tuple[str, str]:
    """('fit' | 'mismatch' | 'unknown', why). Unknown when the listing names no brand at all."""
    l = ctx.listing
    title = ctx.norm("title").text
    for b in lic.brands:
        if b.lower() in title:
            return "fit", f"brand '{b}' in title"
    brand = (l.brand or "").strip()
    if brand.lower() in NO_BRAND:
        return "unknown", "listing names no brand"
    for b in lic.brands:
        if fuzz.ratio(brand.lower(), b.lower()) >= 88:
            return "fit", f"brand '{brand}' ≈ registered '{b}'"
    cleaned = clean_company_name(lic.licensee)
    for name in (brand, l.seller.name or ""):
        if name and fuzz.ratio(clean_company_name(name), cleaned) >= 85:
            return "fit", f"'{name}' ≈ licensee '{lic.licensee}'"
    if l.seller.juristic_id and l.seller.juristic_id == lic.licensee_juristic_id:
        return "fit", "seller's juristic id is the licensee's"
    return "mismatch", f"brand '{brand}' is not among {list(lic.brands)} of {lic.licensee}"


class LicenceVerifier(Detector):
    name, version = "licence_registry", "1.1"
    emits = {
        "licence_verified": Signal(Group.LICENCE_OK, weight=-5.0),
        "licence_not_found": Signal(Group.LICENCE_BAD, weight=2.5),
        "licence_suspended": Signal(Group.LICENCE_BAD, weight=3.0),
        "licence_revoked": Signal(Group.LICENCE_BAD, weight=3.0),
        "licence_cancelled": Signal(Group.LICENCE_BAD, weight=2.5),
        "licence_other_standard": Signal(Group.LICENCE_BAD, weight=2.0),
        "licence_brand_mismatch": Signal(Group.LICENCE_BAD, weight=2.0),
    }
    requires = ("licence_number",)
    after = ("licence_number", "product")  # every licence found (text or photo), checked against the product

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        out = []
        product_tis = ctx.product.tis if ctx.product else None
        related = ctx.ref.lexicon.related(product_tis) if product_tis else set()
        for found in ctx.found("licence_number"):
            no = found.value["licence_no"]
            lic = ctx.ref.registry.by_number(no)
            if lic is None:
                out.append(
                    self.evidence(
                        "licence_not_found",
                        "registry",
                        f"ไม่พบใบอนุญาตเลขที่ {no} ในทะเบียน สมอ.",
                        f"licence {no} is not in the TISI registry",
                        text=found.text,
                        value={"licence_no": no},
                    )
                )
                continue
            rec = {"licence": lic.as_dict()}
            if lic.status != "active":
                out.append(
                    self.evidence(
                        f"licence_{lic.status}",
                        "registry",
                        f"ใบอนุญาต {lic.licence_no} {STATUS_TH[lic.status]}",
                        f"licence {lic.licence_no} is {lic.status}",
                        text=found.text,
                        value=rec,
                    )
                )
                continue
            if product_tis and lic.tis_number not in related:
                out.append(
                    self.evidence(
                        "licence_other_standard",
                        "registry",
                        f"ใบอนุญาต {lic.licence_no} เป็นของ มอก. {lic.tis_number} ไม่ใช่ มอก. {product_tis} ของสินค้านี้",
                        f"licence {lic.licence_no} is for TIS {lic.tis_number}, not the product's TIS {product_tis}",
                        text=found.text,
                        value=rec,
                    )
                )
                continue
            fit, why = brand_fit(ctx, lic)
            rec["brand_check"] = why
            if fit == "mismatch":
                out.append(
                    self.evidence(
                        "licence_brand_mismatch",
                        "registry",
                        f"ใบอนุญาต {lic.licence_no} ออกให้ {lic.licensee} ยี่ห้อ {', '.join(lic.brands) or '-'} ไม่ตรงกับสินค้า",
                        f"licence {lic.licence_no} belongs to {lic.licensee}; {why}",
                        text=found.text,
                        value=rec,
                    )
                )
                continue
            out.append(
                self.evidence(
                    "licence_verified",
                    "registry",
                    f"ใบอนุญาต {lic.licence_no} ใช้ได้ ออกให้ {lic.licensee} สำหรับ มอก. {lic.tis_number}",
                    f"licence {lic.licence_no} is active, held by {lic.licensee} for TIS {lic.tis_number} ({why})",
                    text=found.text,
                    value=rec,
                    score=1.0 if fit == "fit" else 0.8,
                )
            )
        return out
