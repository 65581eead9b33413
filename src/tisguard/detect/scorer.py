"""Combine evidence into a verdict (rules from the spec) and a risk score (additive log-odds).

The verdict follows listing-v1's definitions exactly; the risk is a sum of signed weights shown
step by step as a waterfall, so an officer sees how each piece of evidence moved it.
"""

from __future__ import annotations

import math

from tisguard.detect.context import ListingContext

BAD_LICENCE = (
    "licence_not_found",
    "licence_suspended",
    "licence_revoked",
    "licence_cancelled",
    "licence_other_standard",
    "licence_brand_mismatch",
)
CLAIMS = ("standard_number", "vague_claim", "tis_mark_image", "qr_tisi")
CONTEXT = ("cross_border", "price_low", "seller_not_dbd", "seller_past_violations", "qr_suspicious")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def decide(ctx: ListingContext, config: dict) -> dict:
    w = config["weights"]
    cat = ctx.category or {"p_regulated": 0.0, "tis": None}
    signals = {e.signal: e for e in ctx.evidence}
    regulated = cat["p_regulated"] >= config["regulated_threshold"]
    if not regulated:
        verdict, tis, driver = "not_regulated", None, ["not_regulated_product"]
    elif "licence_verified" in signals:
        verdict, tis, driver = "compliant", cat["tis"], ["licence_verified"]
    elif any(s in signals for s in BAD_LICENCE):
        verdict, tis, driver = "non_compliant", cat["tis"], [s for s in BAD_LICENCE if s in signals]
    elif "no_tis_admitted" in signals:
        verdict, tis, driver = "non_compliant", cat["tis"], ["no_tis_admitted"]
    elif any(s in signals for s in CLAIMS):
        verdict, tis, driver = "unverified", cat["tis"], [s for s in CLAIMS if s in signals]
    else:
        verdict, tis, driver = "non_compliant", cat["tis"], ["no_tis_evidence"]
    fixes = _fixes(verdict, driver, tis)
    waterfall = _waterfall(ctx, cat, signals, verdict, w)
    return {
        "verdict": verdict,
        "tis": tis,
        "risk": waterfall[-1]["risk"] if waterfall else 0.0,
        "waterfall": waterfall,
        "driver": driver,
        "fixes": fixes,
    }


def _fixes(verdict: str, driver: list[str], tis: str | None) -> list[dict[str, str]]:
    """What the seller must fix, in Thai and English, for the reason that decided the verdict."""
    if verdict == "unverified":
        return [
            {
                "th": "ระบุเลขที่ใบอนุญาต (เช่น ท1234-5/2432) หรือแสดงรูปเครื่องหมาย มอก. พร้อม QR code ที่อ่านได้",
                "en": "add the licence number (e.g. ท1234-5/2432) or a photo of the TIS mark with a readable QR code",
            }
        ]
    if verdict != "non_compliant" or driver == ["no_tis_admitted"]:
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


def _waterfall(ctx, cat, signals, verdict, w) -> list[dict]:
    steps = [("base", w["base"], "ค่าเริ่มต้น", "prior")]
    cat_logit = min(max(_logit(cat["p_regulated"]), -w["category_cap"]), w["category_cap"] / 2)
    steps.append(
        (
            "category",
            w["category_scale"] * cat_logit,
            f"ความน่าจะเป็นที่เป็นสินค้าควบคุม {cat['p_regulated']:.0%}",
            f"p(regulated) = {cat['p_regulated']:.2f}",
        )
    )
    if verdict != "not_regulated":
        for code in ("licence_verified", *BAD_LICENCE, "no_tis_admitted", *CLAIMS):
            if code in signals and code in w:
                steps.append((code, w[code], signals[code].reason_th, signals[code].reason_en))
        if verdict == "non_compliant" and not any(s in signals for s in (*BAD_LICENCE, "no_tis_admitted", *CLAIMS)):
            steps.append(
                (
                    "no_tis_evidence",
                    w["no_tis_evidence"],
                    "ไม่พบหลักฐาน มอก. ใดๆ ในประกาศขาย",
                    "no TIS evidence in the listing",
                )
            )
        for code in CONTEXT:
            if code in signals and code in w:
                mult = min(signals[code].value.get("count", 1), 3) if code == "seller_past_violations" else 1
                steps.append((code, w[code] * mult, signals[code].reason_th, signals[code].reason_en))
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
