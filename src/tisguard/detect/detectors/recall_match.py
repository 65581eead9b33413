"""A listing of a product recalled abroad (EU Safety Gate alert, US CPSC recall): its brand and model
number, or its brand and the same product type with alike words. Raises risk and carries the link."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.detect.text import normalized_text

SOURCE_TH = {"eu_safety_gate": "EU Safety Gate", "us_cpsc": "US CPSC"}
DESCRIPTION_HEAD = 1500


class RecallMatchDetector(Detector):
    name, version = "recall_match", "1.0"
    emits = {"recall_match": Signal(Group.CONTEXT, weight=1.5)}
    after = ("product",)

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        max_matches: int = Field(3, ge=1, le=20)
        by_type: bool = Field(True, description="also match brand + product type without a model number")

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        inv = getattr(ctx.ref, "investigation", None)
        if inv is None or not len(inv.recalls):
            return []
        l = ctx.listing
        # the description as the mark detectors already normalised it when they did (cached on the context):
        # normalising it a second time here was the costliest avoidable step of a scan with descriptions;
        # otherwise only its head is normalised
        done = ctx.norm_if_done("description")
        head = (
            done.text[:DESCRIPTION_HEAD]
            if done is not None
            else normalized_text((l.description or "")[:DESCRIPTION_HEAD], False)
        )
        text = ctx.norm("title").text + "\n" + head
        product = ctx.product
        tis = product.tis if product is not None and product.regulated and self.params.by_type else None
        out = []
        for m in inv.recalls.match(text, l.brand, tis)[: self.params.max_matches]:
            r = m.recall
            how_th = f"ยี่ห้อ {m.brand} รุ่น {m.model}" if m.model else f"ยี่ห้อ {m.brand} สินค้าประเภทเดียวกัน"
            how_en = f"brand {m.brand}, model {m.model}" if m.model else f"brand {m.brand}, same product type"
            out.append(
                self.evidence(
                    "recall_match",
                    "recalls",
                    f"ตรงกับสินค้าที่ถูกเรียกคืน ({SOURCE_TH.get(r.source, r.source)} {r.recall_id}): {r.product} — {how_th}",
                    f"matches a product recalled abroad ({SOURCE_TH.get(r.source, r.source)} {r.recall_id}): "
                    f"{r.product} ({how_en})",
                    value={
                        **r.as_value(),
                        "matched_by": m.matched_by,
                        "brand": m.brand,
                        "model": m.model,
                        "similarity": m.similarity,
                    },
                    score=m.similarity,
                )
            )
        return out
