"""The buyer's check: the same assessment the officers see, phrased for someone about to buy.

A pasted address of a listing the store holds answers with that listing's latest assessment (what the
review queue shows); pasted text and photos are assessed by the same engine (pipeline.runners.check_answer).
The buyer is told what the verdict means for them, why (only the reasons about the product and its licence;
never the officers' context about the seller), what the label must show, and gets a one-click way to report.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from tisguard.catalogue.model import Catalogue
from tisguard.services.labels import label_requirements
from tisguard.services.listing_lookup import find_by_url
from tisguard.services.privacy import scrub
from tisguard.services.publication import NO_TIS, PUBLIC_CONTEXT_CODES, PUBLIC_REASON_GROUPS
from tisguard.services.verify import standard_info
from tisguard.store.tables import assessments, listings

HEADLINES = {
    "non_compliant": {
        "th": "ระวัง: สินค้านี้ต้องมี มอก. แต่ประกาศขายไม่แสดงใบอนุญาตที่ถูกต้อง",
        "en": "Careful: this product needs a TIS licence, and the listing shows no valid one",
        "advice_th": "อย่าเพิ่งซื้อ ถามเลขที่ใบอนุญาตจากผู้ขาย แล้วตรวจที่หน้า ตรวจสอบใบอนุญาต หรือแจ้งเราด้านล่าง",
        "advice_en": "Hold off: ask the seller for the licence number and check it on the Verify page, or report it below",
    },
    "unverified": {
        "th": "ยังยืนยันไม่ได้: ประกาศขายอ้างว่ามี มอก. แต่ไม่มีเลขที่ใบอนุญาตให้ตรวจสอบ",
        "en": "Not confirmed: the listing claims a TIS licence but shows nothing that can be checked",
        "advice_th": "ขอเลขที่ใบอนุญาตหรือรูปฉลากจากผู้ขาย แล้วตรวจที่หน้า ตรวจสอบใบอนุญาต",
        "advice_en": "Ask the seller for the licence number or a photo of the label, then check it on the Verify page",
    },
    "compliant": {
        "th": "ใบอนุญาตที่แสดงตรงกับทะเบียนของ สมอ.",
        "en": "The licence shown matches TISI's registry",
        "advice_th": "เมื่อได้รับสินค้า ตรวจว่าฉลากมีเครื่องหมาย มอก. และเลขที่ใบอนุญาตเดียวกัน",
        "advice_en": "When it arrives, check that the label carries the TIS mark and the same licence number",
    },
    "not_regulated": {
        "th": "สินค้านี้ไม่อยู่ในมาตรฐานบังคับ มอก. ตามข้อมูลที่เรามี",
        "en": "As far as we can tell, this product is not under a mandatory TIS standard",
        "advice_th": "บัญชีมาตรฐานของเรายังไม่ครบทุกรายการ หากสงสัย ตรวจกับ สมอ.",
        "advice_en": "Our catalogue is not complete; if in doubt, ask TISI",
    },
}


def signal_groups(engine) -> dict[str, str]:
    """Each signal's scorer group, from the engine that produced the assessment."""
    return {name: str(sig.group) for name, sig in engine.plan.signals.items()}


def buyer_reasons(reasons: list[dict] | None, groups: dict[str, str]) -> list[dict]:
    """The product reasons and those that decided the verdict, scrubbed; nothing about the seller."""
    keep = ("product", *PUBLIC_REASON_GROUPS)
    out = []
    for r in reasons or []:
        code = r.get("code", "")
        if code in (NO_TIS, "admission_on_uncertain_product", *PUBLIC_CONTEXT_CODES) or groups.get(code) in keep:
            out.append({"code": code, "th": scrub(r.get("th")), "en": scrub(r.get("en"))})
    return out


def phrase(verdict: str, tis: str | None, reasons, groups, catalogue: Catalogue, stats=None) -> dict:
    std = standard_info(catalogue, tis, None, stats) if tis else None
    labels = label_requirements(tis, std["year_be"] if std else None) if tis else None
    return {
        "verdict": verdict,
        **HEADLINES.get(verdict, HEADLINES["unverified"]),
        "standard": std,
        "reasons": buyer_reasons(reasons, groups),
        "label": labels.as_dict() if labels else None,
        "report": verdict in ("non_compliant", "unverified"),
    }


def stored_for_url(db: Engine, url: str):
    """(listing, its latest assessment) for a stored listing at `url`, or None."""
    with db.connect() as conn:
        hit = find_by_url(conn, url)
        if hit is None:
            return None
        row = conn.execute(
            select(
                listings.c.id,
                listings.c.title,
                listings.c.url,
                listings.c.platform,
                assessments.c.verdict,
                assessments.c.tis_number,
                assessments.c.reasons,
                assessments.c.created_at,
            )
            .join(assessments, (assessments.c.listing_pk == listings.c.id) & assessments.c.is_latest.is_(True))
            .where(listings.c.id == hit.id)
        ).first()
    return row


def answer_for_url(db: Engine, url: str, groups, catalogue: Catalogue, stats=None) -> dict | None:
    row = stored_for_url(db, url)
    if row is None:
        return None
    out = phrase(row.verdict, row.tis_number, row.reasons, groups, catalogue, stats)
    out.update(source="stored", title=scrub(row.title), platform=row.platform, assessed_at=row.created_at)
    return out


def answer_for_check(result: dict, groups, catalogue: Catalogue, stats=None) -> dict:
    out = phrase(result["verdict"], result.get("tis"), result.get("reasons"), groups, catalogue, stats)
    out.update(source="check")
    if "images" in result:
        out["images"] = result["images"]
    return out
