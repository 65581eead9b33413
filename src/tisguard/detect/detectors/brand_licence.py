"""A listing whose brand holds an active licence for the product's standard, but which shows no number.

The registry says the brand's owner is licensed for this kind of product, so the listing is more likely
a licensed product whose seller did not write the number than an unlicensed one: the risk goes down and
the reason says so ("brand licensed for 2214"). It stays a CONTEXT signal: the verdict is still decided
by what the listing shows (no number → non_compliant), since a licence covers the licensee's own goods
and nothing here shows that this item is one of them.

The brand is the listing's `brand` field; when the listing has none (retailer titles carry it in the
title), a registered brand written as a whole word of the title. Brands shorter than three characters
are matched only from the `brand` field, so a stray 'ON' or 'A' in a title never lowers risk.
"""

from __future__ import annotations

import re

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.detectors.licence_check import is_unbranded
from tisguard.detect.evidence import Evidence

# Words of a title that can be a brand: Latin/digit runs (with the joiners brands use) and Thai runs.
_WORD = re.compile(r"[a-z0-9][a-z0-9&+\-]*+|[ก-๙]++")
MIN_TITLE_BRAND = 3


class BrandLicenceDetector(Detector):
    name, version = "brand_licence", "1.0"
    emits = {"brand_licensed": Signal(Group.CONTEXT, weight=-1.0)}
    requires = ("product",)
    after = ("licence_number",)  # only for listings that show no licence number at all (text or photo)

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        product = ctx.product
        if product is None or not product.tis or not product.regulated or ctx.found("licence_number"):
            return []
        standards = ctx.ref.lexicon.related(product.tis)
        registry = ctx.ref.registry
        for brand in self._brands(ctx):
            lics = registry.active_for_brand(brand, standards)
            if lics:
                lic = min(lics, key=lambda l: (l.tis_number != product.tis, l.licence_no))
                return [
                    self.evidence(
                        "brand_licensed",
                        "registry",
                        f"ยี่ห้อ {brand} มีใบอนุญาต มอก. {lic.tis_number} ที่ยังมีผล ({lic.licence_no} ของ {lic.licensee}) "
                        "แต่ประกาศไม่แสดงเลขที่ใบอนุญาต",
                        f"brand {brand} is licensed for {lic.tis_number} ({lic.licence_no}, {lic.licensee}); "
                        "the listing shows no licence number",
                        value={"brand": brand, "licences": [l.licence_no for l in lics[:5]], "tis": lic.tis_number},
                    )
                ]
        return []

    @staticmethod
    def _brands(ctx: ListingContext) -> list[str]:
        brand = (ctx.listing.brand or "").strip()
        if not is_unbranded(brand):
            return [brand]
        words = _WORD.findall(ctx.norm("title").text)
        pairs = [f"{a} {b}" for a, b in zip(words, words[1:])]  # two-word brands ('zenith home')
        return [w for w in pairs + words if len(w) >= MIN_TITLE_BRAND]
