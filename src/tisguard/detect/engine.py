"""The engine: run the configured detectors in order, then the scorer; a pure function of
(listing, reference snapshot, config). The same object scores one listing in the upload path and
millions in a batch."""

from __future__ import annotations

from tisguard.detect.config import load_config
from tisguard.detect.context import ListingContext, Reference
from tisguard.detect.detectors.base import Detector
from tisguard.detect.detectors.category import CategoryDetector
from tisguard.detect.detectors.context_signals import (
    CrossBorderDetector,
    LowPriceDetector,
    SellerHistoryDetector,
    UnregisteredSellerDetector,
)
from tisguard.detect.detectors.licence_check import LicenceVerifier
from tisguard.detect.detectors.marks import LicenceNumberDetector, StandardNumberDetector, VagueClaimDetector
from tisguard.detect.evidence import Assessment
from tisguard.detect.scorer import decide
from tisguard.images.detector import ImageEvidenceDetector
from tisguard.spec.listing import Listing

ENGINE_VERSION = "1.0"
DETECTORS: dict[str, type[Detector]] = {
    d.name: d
    for d in (
        StandardNumberDetector,
        LicenceNumberDetector,
        VagueClaimDetector,
        CategoryDetector,
        ImageEvidenceDetector,
        LicenceVerifier,
        CrossBorderDetector,
        LowPriceDetector,
        UnregisteredSellerDetector,
        SellerHistoryDetector,
    )
}


def register_detector(cls: type[Detector]) -> type[Detector]:
    """Add a detector class to the registry (used by optional detectors such as image evidence)."""
    DETECTORS[cls.name] = cls
    return cls


class Engine:
    def __init__(self, ref: Reference, config: dict | None = None):
        self.ref = ref
        self.config = config or load_config()
        params = self.config.get("params", {})
        unknown = [n for n in self.config["detectors"] if n not in DETECTORS]
        if unknown:
            raise ValueError(f"unknown detectors in config: {unknown}; known: {sorted(DETECTORS)}")
        self.detectors = [DETECTORS[n](**params.get(n, {})) for n in self.config["detectors"]]
        self.timings: dict[str, float] | None = None

    @property
    def version(self) -> str:
        dets = ",".join(f"{d.name}@{d.version}" for d in self.detectors)
        return f"engine@{ENGINE_VERSION};{dets};model={self.ref.model.version};lexicon={self.ref.lexicon.digest}"

    def context(self, listing: Listing) -> ListingContext:
        ctx = ListingContext(listing, self.ref)
        if self.timings is None:
            for d in self.detectors:
                ctx.evidence.extend(d.detect(ctx))
        else:
            from time import perf_counter

            for d in self.detectors:
                t = perf_counter()
                ctx.evidence.extend(d.detect(ctx))
                self.timings[d.name] = self.timings.get(d.name, 0.0) + perf_counter() - t
        return ctx

    def assess(self, listing: Listing) -> Assessment:
        return self._assessment(self.context(listing))

    def assess_many(self, listings: list[Listing]) -> list[Assessment]:
        """The batch path: detectors with `detect_batch` (the category model) see the whole batch at once;
        results are the same as `assess` on each listing."""
        from time import perf_counter

        ctxs = [ListingContext(l, self.ref) for l in listings]
        for d in self.detectors:
            t = perf_counter()
            if hasattr(d, "detect_batch"):
                for ctx, found in zip(ctxs, d.detect_batch(ctxs)):
                    ctx.evidence.extend(found)
            else:
                for ctx in ctxs:
                    ctx.evidence.extend(d.detect(ctx))
            if self.timings is not None:
                self.timings[d.name] = self.timings.get(d.name, 0.0) + perf_counter() - t
        return [self._assessment(ctx) for ctx in ctxs]

    def _assessment(self, ctx: ListingContext) -> Assessment:
        listing = ctx.listing
        d = decide(ctx, self.config)
        reasons = [
            {"code": e.signal, "th": e.reason_th, "en": e.reason_en}
            for e in ctx.evidence
            if e.signal in d["driver"] or e.signal in ("regulated_product", "not_regulated_product")
        ]
        if "no_tis_evidence" in d["driver"]:
            reasons.append(
                {
                    "code": "no_tis_evidence",
                    "th": "ไม่พบเครื่องหมาย มอก. เลขมาตรฐาน หรือเลขที่ใบอนุญาตในประกาศขาย",
                    "en": "the listing shows no TIS mark, standard number or licence number",
                }
            )
        if d["verdict"] != "not_regulated":
            reasons += [
                {"code": e.signal, "th": e.reason_th, "en": e.reason_en}
                for e in ctx.evidence
                if e.signal in ("cross_border", "price_low", "seller_not_dbd", "seller_past_violations")
            ]
        std = self.ref.catalogue.current(d["tis"]) if d["tis"] else None
        standard = (
            {
                "tis_number": std.tis_number,
                "year_be": std.year_be,
                "name_th": std.name_th,
                "name_en": std.name_en,
                "source": std.source,
            }
            if std
            else None
        )
        return Assessment(
            listing.platform,
            listing.listing_id,
            d["verdict"],
            d["tis"],
            d["risk"],
            reasons,
            ctx.evidence,
            d["waterfall"],
            standard,
            self.version,
            d["fixes"],
        )
