"""Licence renting: one licence number shown by several sellers whose names, brands and juristic ids
do not fit the licensee. Counted over the whole corpus (listings that arrived over months, in one file
or in one batch alike); a listing that fits the licensee (its own, or a reseller of its brand) never
gets the signal."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.detectors.licence_check import brand_fit
from tisguard.detect.evidence import Evidence
from tisguard.detect.investigation.corpus import brand_label, canonical_licence


class LicenceSharedDetector(Detector):
    name, version = "licence_shared", "1.0"
    emits = {"licence_shared": Signal(Group.CONTEXT, weight=1.2)}
    after = ("licence_number",)  # every licence found, in text or in a photo

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        min_sellers: int = Field(3, ge=2, description="unrelated sellers showing one licence before it counts")

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        inv = getattr(ctx.ref, "investigation", None)
        if inv is None:
            return []
        l = ctx.listing
        out, seen = [], set()
        for found in ctx.found("licence_number"):
            lkey, number, lic = canonical_licence(found.value["licence_no"], ctx.ref.registry)
            if lkey in seen or (lic is not None and brand_fit(ctx, lic)[0] == "fit"):
                continue
            seen.add(lkey)
            use = inv.corpus.licence(lkey)
            sellers = set(use.sellers if use else ()) | {(l.platform, l.seller.id)}
            brands = set(use.brands if use else ()) | {brand_label(l.brand)}
            if len(sellers) < self.params.min_sellers:
                continue
            who = lic.licensee if lic is not None else None
            out.append(
                self.evidence(
                    "licence_shared",
                    "investigation",
                    f"ใบอนุญาต {number} ถูกใช้โดยผู้ขาย {len(sellers)} รายที่ไม่ใช่ผู้รับใบอนุญาต"
                    + (f" ({who})" if who else "")
                    + f" ยี่ห้อ {len(brands)} ยี่ห้อ",
                    f"licence {number} is shown by {len(sellers)} sellers that do not fit the licensee"
                    + (f" ({who})" if who else "")
                    + f", {len(brands)} brands",
                    text=found.text,
                    value={
                        "licence": number,
                        "licence_key": lkey,
                        "sellers": len(sellers),
                        "brands": len(brands),
                        "brand_names": sorted(brands)[:10],
                        "licensee": who,
                        "licensee_juristic_id": lic.licensee_juristic_id if lic is not None else None,
                    },
                )
            )
        return out
