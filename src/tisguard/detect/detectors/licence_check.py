"""Verify each licence number found against the registry: found, status, standard, licensee/brand fit."""

from __future__ import annotations

from rapidfuzz import fuzz

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.registry.model import Licence, clean_company_name

NO_BRAND = {
    "",
    "no brand",
    "nobrand",
    "no-brand",
    "no_brand",
    "unbranded",
    "ไม่มียี่ห้อ",
    "ไม่มีแบรนด์",
    "ไม่ระบุยี่ห้อ",
    "oem",
    "generic",
    "none",
    "n/a",
    "-",
    "ไม่ระบุ",
    "อื่นๆ",
    "other",
    "others",
}
STATUS_TH = {"suspended": "ถูกพักใช้", "revoked": "ถูกเพิกถอน", "cancelled": "ถูกยกเลิก"}
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def names_brand(text: str, brand: str) -> bool:
    """Whether normalised `text` names `brand`; a Latin brand must stand as a whole word ('ON' is not in
    'extension', 'LG' not in 'lgx'), a Thai one may touch other Thai letters (Thai has no spaces)."""
    b = brand.strip().lower()
    if not b:
        return False
    i = text.find(b)
    while i >= 0:
        j = i + len(b)
        cut_before = b[0] in _LATIN and i > 0 and text[i - 1] in _LATIN
        cut_after = b[-1] in _LATIN and j < len(text) and text[j] in _LATIN
        if not cut_before and not cut_after:
            return True
        i = text.find(b, i + 1)
    return False


def is_unbranded(brand: str | None) -> bool:
    return (brand or "").strip().lower() in NO_BRAND


def brand_fit(ctx: ListingContext, lic: Licence) -> tuple[str, str]:
    """('fit' | 'mismatch' | 'unknown', why).

    Fit: a registered brand of the licence is named in the title or is the listing's brand, or the
    listing's brand or seller is the licensee. A listing that names no brand, showing the licence of a
    licensee with registered brands, is a mismatch: a licence covers the licensee's own goods, and an
    unbranded import carrying a known brand's number is the commonest borrowed licence. Unknown only
    when neither side says anything (no brand on the listing, none registered for the licence)."""
    l = ctx.listing
    title = ctx.norm("title").text
    for b in lic.brands:
        if names_brand(title, b):
            return "fit", f"brand '{b}' in title"
    brand = (l.brand or "").strip()
    unbranded = is_unbranded(brand)
    if not unbranded:
        for b in lic.brands:
            if fuzz.ratio(brand.lower(), b.lower()) >= 88:
                return "fit", f"brand '{brand}' ≈ registered '{b}'"
    cleaned = clean_company_name(lic.licensee)
    for name in ("" if unbranded else brand, l.seller.name or ""):
        if name and fuzz.ratio(clean_company_name(name), cleaned) >= 85:
            return "fit", f"'{name}' ≈ licensee '{lic.licensee}'"
    if l.seller.juristic_id and l.seller.juristic_id == lic.licensee_juristic_id:
        return "fit", "seller's juristic id is the licensee's"
    if unbranded:
        if lic.brands:
            return "mismatch", f"the listing names no brand; the licence is for {list(lic.brands)} of {lic.licensee}"
        return "unknown", "listing names no brand and the registry records none for the licence"
    return "mismatch", f"brand '{brand}' is not among {list(lic.brands)} of {lic.licensee}"


class LicenceVerifier(Detector):
    name, version = "licence_registry", "1.2"
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
                out.append(self._not_found(ctx, no, found.text))
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

    def _not_found(self, ctx: ListingContext, no: str, text: str) -> Evidence:
        """'Not in the registry', naming the registry licences one digit away for the same standard
        (`registry.near`): a typo or misread is then likelier than an unregistered licence, and the officer
        should check the text before acting on it. The finding itself stays the same."""
        from tisguard.registry.near import near_licences

        near = [l.licence_no for l in near_licences(ctx.ref.registry, no)[:2]]
        th, en = f"ไม่พบใบอนุญาตเลขที่ {no} ในทะเบียน สมอ.", f"licence {no} is not in the TISI registry"
        value: dict = {"licence_no": no}
        if near:
            th += f" (ใกล้เคียงใบอนุญาต {' / '.join(near)} ในทะเบียน ต่างกันหนึ่งหลัก: ตรวจสอบตัวเลขในข้อความ)"
            en += f" (registry licence {' / '.join(near)} is one digit away: check the text for a typo)"
            value["near_licences"] = near
        return self.evidence("licence_not_found", "registry", th, en, text=text, value=value)
