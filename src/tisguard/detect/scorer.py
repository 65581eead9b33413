"""Combine evidence into a verdict (rules from the spec) and a risk score (additive log-odds).

The verdict follows listing-v1's definitions, written over signal groups (a licence that holds →
compliant; a licence that does not hold, or an admission → non_compliant; only claims → unverified;
nothing → non_compliant), so a new detector's signals take part by declaring their group. The risk is
a sum of signed weights shown step by step as a waterfall, so an officer sees how each piece of
evidence moved it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tisguard.detect.config import SCORER_WEIGHTS, EngineConfig
from tisguard.detect.context import NOT_ASSESSED, ListingContext
from tisguard.detect.detectors.base import DECIDING_ORDER, Group, Signal
from tisguard.detect.verdict import Verdict

VERDICT_OF_GROUP = {
    Group.LICENCE_OK: Verdict.COMPLIANT,
    Group.LICENCE_BAD: Verdict.NON_COMPLIANT,
    Group.ADMISSION: Verdict.NON_COMPLIANT,
    Group.CLAIM: Verdict.UNVERIFIED,
}
NO_TIS_EVIDENCE = ("ไม่พบหลักฐาน มอก. ใดๆ ในประกาศขาย", "no TIS evidence in the listing")
NO_TIS_REASON = {
    "code": "no_tis_evidence",
    "th": "ไม่พบเครื่องหมาย มอก. เลขมาตรฐาน หรือเลขที่ใบอนุญาตในประกาศขาย",
    "en": "the listing shows no TIS mark, standard number or licence number",
}


@dataclass(frozen=True)
class ScoringPlan:
    """The scorer's view of the configured detectors: every signal with its group and effective weight,
    in declaration order (detector order, then each detector's `emits` order)."""

    signals: dict[str, Signal]
    weights: dict[str, float]
    threshold: float
    by_group: dict[Group, tuple[str, ...]] = field(default_factory=dict)
    admission_threshold: float = 0.15

    @classmethod
    def build(cls, declared: dict[str, Signal], config: EngineConfig) -> ScoringPlan:
        signals = {n: Signal(s.group, config.weight(n, s.weight), s.count_cap) for n, s in declared.items()}
        weights = {n: config.weight(n, w) for n, w in SCORER_WEIGHTS.items()}
        by_group = {g: tuple(n for n, s in signals.items() if s.group == g) for g in Group}
        return cls(signals, weights, config.regulated_threshold, by_group, config.admission_threshold)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    tis: str | None
    risk: float
    waterfall: list[dict]
    driver: list[str]
    reasons: list[dict[str, str]]
    fixes: list[dict[str, str]]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def decide(ctx: ListingContext, plan: ScoringPlan) -> Decision:
    """The verdict and risk of one listing.

    A product the model does not think regulated (p < `threshold`) is not_regulated, whatever claims or
    numbers it shows, with one exception: the seller's own admission that it has no TIS certification
    ('ไม่มี มอก.') counts when p(regulated) reaches `admission_threshold` (0.15 by default). Sellers
    volunteer 'no TIS' about goods buyers expect to carry it, so the admission is itself evidence about
    the product type; the rule is the same as taking it as a likelihood ratio of (1 - 0.15) / 0.15 ≈ 5.7
    in favour of 'regulated' before applying the 0.5 threshold. An exhaust pipe the model half knows
    (p = 0.3) with 'ไม่มี มอก.' is then non_compliant; a phone case (p ≈ 0) stays not_regulated, as the
    remark is about a product no standard covers. Claims and stated numbers never lower the bar."""
    product = ctx.product or NOT_ASSESSED
    present = {e.signal: e for e in ctx.evidence}
    verdict, driver = Verdict.NON_COMPLIANT, ["no_tis_evidence"]
    uncertain = product.p_regulated < plan.threshold
    admitted = bool(product.tis) and any(s in present for s in plan.by_group[Group.ADMISSION])
    if uncertain and not (admitted and product.p_regulated >= plan.admission_threshold):
        verdict, driver = Verdict.NOT_REGULATED, ["not_regulated_product"]
    else:
        for g in DECIDING_ORDER:
            found = [s for s in plan.by_group[g] if s in present]
            if found:
                verdict, driver = VERDICT_OF_GROUP[g], found
                break
    tis = product.tis if verdict != Verdict.NOT_REGULATED and product.tis else None
    waterfall = _waterfall(product, present, verdict, plan)
    reasons = _reasons(ctx, plan, verdict, driver, product if uncertain else None)
    return Decision(verdict, tis, waterfall[-1]["risk"], waterfall, driver, reasons, _fixes(verdict, driver, tis))


def _uncertain_product_reason(product) -> dict[str, str]:
    return {
        "code": "admission_on_uncertain_product",
        "th": f"ผู้ขายยอมรับว่าไม่มี มอก. และสินค้าอาจเข้าข่าย มอก. {product.tis} "
        f"(ความน่าจะเป็น {product.p_regulated:.0%}: ระบบไม่แน่ใจประเภทสินค้า ควรตรวจสอบ)",
        "en": f"the seller admits no TIS certification and the product may fall under TIS {product.tis} "
        f"(p = {product.p_regulated:.2f}: the product type is uncertain; check it)",
    }


def _reasons(
    ctx: ListingContext, plan: ScoringPlan, verdict: Verdict, driver: list[str], uncertain_product=None
) -> list[dict[str, str]]:
    """The evidence that decided the verdict and the product type; then the context that raised the risk.
    A flag on a product the model is unsure of (an admission) says so instead of the model's 'not regulated'."""
    product_signals = () if uncertain_product and verdict != Verdict.NOT_REGULATED else plan.by_group[Group.PRODUCT]
    out = [
        {"code": e.signal, "th": e.reason_th, "en": e.reason_en}
        for e in ctx.evidence
        if e.signal in driver or e.signal in product_signals
    ]
    if uncertain_product and verdict != Verdict.NOT_REGULATED:
        out.insert(0, _uncertain_product_reason(uncertain_product))
    if "no_tis_evidence" in driver:
        out.append(dict(NO_TIS_REASON))
    if verdict != Verdict.NOT_REGULATED:
        context = plan.by_group[Group.CONTEXT]
        out += [{"code": e.signal, "th": e.reason_th, "en": e.reason_en} for e in ctx.evidence if e.signal in context]
    return out


def _fixes(verdict: Verdict, driver: list[str], tis: str | None) -> list[dict[str, str]]:
    """What the seller must fix, in Thai and English, for the reason that decided the verdict."""
    if verdict == Verdict.UNVERIFIED:
        return [
            {
                "th": "ระบุเลขที่ใบอนุญาต (เช่น ท1234-5/2432) หรือแสดงรูปเครื่องหมาย มอก. พร้อม QR code ที่อ่านได้",
                "en": "add the licence number (e.g. ท1234-5/2432) or a photo of the TIS mark with a readable QR code",
            }
        ]
    if verdict != Verdict.NON_COMPLIANT or driver == ["no_tis_admitted"]:
        return []
    if "no_tis_evidence" in driver:
        return [
            {
                "th": f"สินค้านี้ต้องได้รับใบอนุญาต มอก. {tis} ก่อนวางขาย: ระบุเลขที่ใบอนุญาตและเลขมาตรฐาน",
                "en": f"this product needs a TIS {tis} licence before sale: state the licence and standard numbers",
            }
        ]
    return [
        {
            "th": "แสดงเลขที่ใบอนุญาตที่ยังมีผลของผู้ผลิต/ผู้นำเข้าสำหรับ มอก. นี้ และยี่ห้อให้ตรงกับใบอนุญาต",
            "en": "show a valid licence number held for this standard and a brand that matches the licence",
        }
    ]


def _waterfall(product, present, verdict: Verdict, plan: ScoringPlan) -> list[dict]:
    w = plan.weights
    steps = [("base", w["base"], "ค่าเริ่มต้น", "prior")]
    cat_logit = min(max(_logit(product.p_regulated), -w["category_cap"]), w["category_cap"] / 2)
    steps.append(
        (
            "category",
            w["category_scale"] * cat_logit,
            f"ความน่าจะเป็นที่เป็นสินค้าควบคุม {product.p_regulated:.0%}",
            f"p(regulated) = {product.p_regulated:.2f}",
        )
    )
    if verdict != Verdict.NOT_REGULATED:
        deciding = False
        for g in DECIDING_ORDER:
            for code in plan.by_group[g]:
                if code in present:
                    deciding = True
                    if plan.signals[code].weight:
                        steps.append(
                            (code, plan.signals[code].weight, present[code].reason_th, present[code].reason_en)
                        )
        if verdict == Verdict.NON_COMPLIANT and not deciding:
            steps.append(("no_tis_evidence", w["no_tis_evidence"], *NO_TIS_EVIDENCE))
        for code in plan.by_group[Group.CONTEXT]:
            sig = plan.signals[code]
            if code in present and sig.weight:
                mult = min(present[code].value.get("count", 1), sig.count_cap) if sig.count_cap else 1
                steps.append((code, sig.weight * mult, present[code].reason_th, present[code].reason_en))
    total, out = 0.0, []
    for code, weight, th, en in steps:
        total += weight
        out.append(
            {
                "step": code,
                "weight": round(weight, 3),
                "cumulative": round(total, 3),
                "risk": round(_sigmoid(total), 4),
                "th": th,
                "en": en,
            }
        )
    return out
