"""The SME self-check: a seller describes a product (or pastes a draft listing) and learns which mandatory
standard applies and why, what the label must show, which licence they need (make / import / one-time
import, or none of their own when they resell), and what their listing must show.

The standard comes from the same engine the officers use (pipeline.runners.check_answer), so a seller who
follows the advice passes the same check; the label requirements come from the catalogue
(services/labels.py); licence counts from TISI's licence statistics (CC BY 4.0, attributed on the page).
"""

from __future__ import annotations

import os

from tisguard.catalogue.model import Catalogue
from tisguard.services.buyer_check import buyer_reasons
from tisguard.services.decisions import LEGAL_BASES
from tisguard.services.errors import FieldError
from tisguard.services.labels import label_requirements
from tisguard.services.verify import LICENCE_TYPES, by_number, standard_info

LIMITS = {"product": 2_000, "listing": 20_000, "brand": 200, "licence": 60}
# TISI's online licence service; set TISGUARD_TISI_ELICENCE_URL to the address in force
ELICENCE_URL = os.environ.get("TISGUARD_TISI_ELICENCE_URL", "https://www.tisi.go.th/")
ORIGINS = {
    "make": {"licence": "ท", "basis": "sec20", "th": "ผลิตเองในประเทศไทย", "en": "I make it in Thailand"},
    "import": {"licence": "น", "basis": "sec20bis", "th": "นำเข้ามาขายเป็นประจำ", "en": "I import it to sell regularly"},
    "import_once": {
        "licence": "นค",
        "basis": None,
        "th": "นำเข้าเฉพาะคราว (ครั้งเดียว)",
        "en": "I import one consignment only",
    },
    "resell": {
        "licence": None,
        "basis": None,
        "th": "ซื้อจากผู้ผลิตหรือผู้นำเข้าในประเทศมาขายต่อ",
        "en": "I buy it from a Thai maker or importer and resell it",
    },
}


def _text(field: str, value: str | None, max_chars: int) -> str:
    v = (value or "").strip()
    if len(v) > max_chars:
        raise FieldError(field, f"must be at most {max_chars} characters")
    if "\x00" in v:
        raise FieldError(field, "contains characters that are not valid text")
    return v


def licence_advice(origin: str, tis: str) -> dict:
    o = ORIGINS[origin]
    code = o["licence"]
    if code is None:
        return {
            "code": None,
            "th": "คุณไม่ต้องขอใบอนุญาตเอง แต่สินค้าทุกชิ้นต้องมีเครื่องหมาย มอก. และใบอนุญาตของผู้ผลิตหรือผู้นำเข้า "
            "ขอเลขที่ใบอนุญาตจากผู้ขายส่ง แล้วตรวจที่หน้า ตรวจสอบใบอนุญาต ก่อนวางขาย",
            "en": "You need no licence of your own, but every unit must carry the TIS mark and the maker's or "
            "importer's licence: ask your supplier for the licence number and check it on the Verify page before "
            "you list it",
            "basis": None,
        }
    t = LICENCE_TYPES[code]
    basis = LEGAL_BASES.get(o["basis"] or "")
    return {
        "code": code,
        "th": f"{t['th']} (เลขที่ใบอนุญาตขึ้นต้นด้วย {code}) สำหรับ มอก. {tis} ก่อน{'ผลิต' if code == 'ท' else 'นำเข้า'}และวางขาย",
        "en": f"a {t['en']} (its number starts with {code}) for TIS {tis}, before you "
        f"{'make' if code == 'ท' else 'import'} and sell it",
        "basis": basis,
    }


def listing_must_show(tis: str, year_be: int | None, code: str | None) -> list[dict]:
    edition = f"{tis}-{year_be}" if year_be else tis
    example = f"{code or 'ท'}1234-5/{tis.split(' ')[0]}"
    return [
        {"th": f"เลขมาตรฐาน มอก. {edition}", "en": f"the standard number, TIS {edition}"},
        {
            "th": f"เลขที่ใบอนุญาตเต็ม เช่น {example} (ไม่ใช่แค่คำว่า 'ได้มาตรฐาน มอก.')",
            "en": f"the full licence number, e.g. {example} (not just 'meets TIS')",
        },
        {
            "th": "รูปฉลากจริงที่เห็นเครื่องหมาย มอก. เลขที่ใบอนุญาต และ QR code ของ สมอ. ชัดเจน",
            "en": "a photo of the real label where the TIS mark, the licence number and TISI's QR code are readable",
        },
        {
            "th": "ยี่ห้อเดียวกับที่จดไว้ในใบอนุญาต",
            "en": "the same brand as the one registered on the licence",
        },
    ]


def self_check(
    db,
    engine,
    catalogue: Catalogue,
    product: str,
    listing: str = "",
    brand: str = "",
    origin: str = "import",
    licence: str = "",
    stats=None,
) -> dict:
    """The seller's answer; FieldError names a bad field."""
    from tisguard.pipeline import runners
    from tisguard.services.buyer_check import signal_groups

    product = _text("product", product, LIMITS["product"])
    listing = _text("listing", listing, LIMITS["listing"])
    brand = _text("brand", brand, LIMITS["brand"])
    licence = _text("licence", licence, LIMITS["licence"])
    if not product:
        raise FieldError("product", "describe the product (what it is, e.g. ปลั๊กพ่วง 4 ช่อง)")
    if origin not in ORIGINS:
        raise FieldError("origin", f"choose one of {', '.join(ORIGINS)}")
    raw = {
        "platform": "other",
        "listing_id": "sme-self-check",
        "title": product,
        "description": f"{listing}\n{licence}".strip(),
        "brand": brand or None,
        "seller": {"id": "sme-self-check"},
    }
    try:
        result = runners.check_answer(db, engine, raw, None, False)
    except runners.CheckRefused as e:
        err = e.errors[0]
        field = {"title": "product", "description": "listing"}.get(err.field, err.field)
        raise FieldError(field, err.reason) from None
    tis = result["tis"]
    groups = signal_groups(engine)
    out = {
        "verdict": result["verdict"],
        "regulated": bool(tis),
        "origin": {"code": origin, **{k: ORIGINS[origin][k] for k in ("th", "en")}},
        "why": buyer_reasons(result["reasons"], groups),
        "fixes": result.get("fixes") or [],
        "elicence_url": ELICENCE_URL,
    }
    if not tis:
        return out
    std = standard_info(catalogue, tis, None, stats)
    advice = licence_advice(origin, tis)
    labels = label_requirements(tis, std["year_be"])
    counts = stats.edition(tis, std["year_be"]) if stats is not None and std["year_be"] else None
    out.update(
        standard=std,
        licence=advice,
        label=labels.as_dict() if labels else None,
        listing_must_show=listing_must_show(tis, std["year_be"], advice["code"]),
        licence_counts=None
        if counts is None
        else {
            "make": counts.make_licences,
            "import": counts.import_licences,
            "total": counts.total_licences,
            "attribution": stats.attribution,
        },
    )
    if licence:
        try:
            out["licence_check"] = by_number(engine.ref.registry, catalogue, licence, stats)
        except FieldError as e:
            raise FieldError("licence", str(e)) from None
        lic = (out["licence_check"]["licences"] or [None])[0]
        if lic and lic["standard"] and lic["standard"]["tis"] != tis:
            out["licence_check"]["warnings"].append(
                {
                    "code": "other_standard",
                    "th": f"ใบอนุญาตนี้เป็นของ มอก. {lic['standard']['tis']} ไม่ใช่ มอก. {tis}",
                    "en": f"this licence is for TIS {lic['standard']['tis']}, not TIS {tis}",
                }
            )
    return out
