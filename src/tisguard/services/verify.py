"""Verify a licence or a mark for the public: by licence number (any spelling), by a QR code's text or URL
(pasted, or decoded from a photo), or by brand.

The answer says who holds the licence, for which standard and products, its status, and what the label
should show (services/labels.py); a QR code that does not lead to TISI's own site is called out. Numbers
are read and compared only through tisno (via the registry); the registry and catalogue are the engine's
reference snapshot, so this page and the detectors always agree. Nothing here shows a licensee's tax id.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tisguard.catalogue.model import Catalogue
from tisguard.images.qr import qr_host
from tisguard.registry.model import Licence, Registry
from tisguard.services.errors import FieldError
from tisguard.services.labels import label_requirements
from tisguard.tisno import licence_key, licence_parts

MAX_NUMBER = 60
MAX_QR = 2_000
MAX_BRAND = 100
MAX_BRAND_RESULTS = 50
PHOTO_MAX_BYTES = 8 * 1024 * 1024

LICENCE_TYPES = {
    "ท": {"th": "ใบอนุญาตทำ (ผลิตในประเทศ)", "en": "licence to make (manufactured in Thailand)"},
    "น": {"th": "ใบอนุญาตนำเข้า", "en": "licence to import"},
    "นค": {"th": "ใบอนุญาตนำเข้าเฉพาะคราว", "en": "one-time import licence"},
    "ส": {"th": "ใบอนุญาตแสดงเครื่องหมาย", "en": "licence to display the mark"},
}
STATUSES = {
    "active": {
        "th": "ใช้ได้: ใบอนุญาตยังมีผล",
        "en": "valid: the licence is in force",
        "ok": True,
    },
    "suspended": {
        "th": "ถูกพักใช้: ระหว่างพักใช้ สินค้าภายใต้ใบอนุญาตนี้ไม่ควรวางขาย",
        "en": "suspended: products under this licence should not be on sale while it is suspended",
        "ok": False,
    },
    "revoked": {
        "th": "ถูกเพิกถอน: ใบอนุญาตนี้ใช้ไม่ได้แล้ว",
        "en": "revoked: this licence is no longer valid",
        "ok": False,
    },
    "cancelled": {
        "th": "ถูกยกเลิก: ใบอนุญาตนี้ใช้ไม่ได้แล้ว",
        "en": "cancelled: this licence is no longer valid",
        "ok": False,
    },
}


def _text(field: str, value: str | None, max_chars: int) -> str:
    v = (value or "").strip()
    if len(v) > max_chars:
        raise FieldError(field, f"must be at most {max_chars} characters")
    if "\x00" in v:
        raise FieldError(field, "contains characters that are not valid text")
    return v


def licence_type(code: str | None) -> dict | None:
    if not code:
        return None
    return {"code": code, **LICENCE_TYPES.get(code, {"th": code, "en": code})}


def standard_info(catalogue: Catalogue, tis: str | None, year_be: int | None = None, stats=None) -> dict | None:
    """The standard's label and names (the edition given, else the current one); the English title from
    TISI's licence statistics when the catalogue has none."""
    if not tis:
        return None
    s = (catalogue.edition(tis, year_be) if year_be else None) or catalogue.current(tis)
    name_en = s.name_en if s else None
    if not name_en and stats is not None:
        name_en = next((r.name_en for r in stats.for_tis(tis) if r.name_en), None)
    year = s.year_be if s else year_be
    return {
        "tis": tis,
        "year_be": year,
        "label": f"มอก. {tis}-{year}" if year else f"มอก. {tis}",
        "name_th": s.name_th if s else None,
        "name_en": name_en,
        "in_catalogue": s is not None,
    }


def public_licence(l: Licence, catalogue: Catalogue, stats=None, written: str | None = None) -> dict:
    """A licence as the public may see it: holder, standard, brands, status, label; never the tax id."""
    status = STATUSES.get(l.status, {"th": l.status, "en": l.status, "ok": False})
    labels = label_requirements(l.tis_number, l.tis_year)
    parts = licence_parts(l.licence_no) or {}
    return {
        "licence_no": l.licence_no,
        "type": licence_type(l.licence_type or parts.get("type")),
        "licensee": l.licensee,
        "brands": list(l.brands),
        "status": {"code": l.status, **status},
        "issued_on": l.issued_on,
        "standard": standard_info(catalogue, l.tis_number, l.tis_year, stats),
        "label": labels.as_dict() if labels else None,
        "written_differently": bool(written) and licence_key(written) != licence_key(l.licence_no),
    }


def by_number(registry: Registry, catalogue: Catalogue, number: str, stats=None) -> dict:
    """A licence number as written anywhere (spaces, Thai digits, the part of a multi-part standard)."""
    number = _text("number", number, MAX_NUMBER)
    if not number:
        raise FieldError("number", "write a licence number, e.g. ท1234-5/2432")
    parts = licence_parts(number)
    if parts is None:
        raise FieldError("number", "not a licence number: expected e.g. ท1234-5/2432 or ท 1588-22/685 เล่ม 1")
    hit = registry.by_number(number)
    out = {"kind": "number", "query": number, "found": hit is not None, "licences": []}
    if hit is not None:
        lic = public_licence(hit, catalogue, stats, number)
        out["licences"] = [lic]
        out["warnings"] = [] if hit.status == "active" else [dict(STATUSES.get(hit.status, {}), code="not_active")]
    else:
        out["warnings"] = [
            {
                "code": "not_found",
                "th": "ไม่พบเลขนี้ในทะเบียนใบอนุญาต: อาจเป็นเลขปลอม พิมพ์ผิด หรือทะเบียนยังไม่ได้ปรับปรุง",
                "en": "this number is not in the licence registry: it may be fake, mistyped, or newer than our copy",
            }
        ]
        out["standard"] = standard_info(catalogue, parts["tis"], None, stats)
    return out


def licence_numbers_in(text: str) -> list[str]:
    """Licence numbers in a QR payload, read as the licence_number detector reads one (URL-decoded)."""
    from tisguard.detect.detectors.marks import LicenceNumberDetector
    from tisguard.detect.text import normalize
    from tisguard.images.qr import QrFinding, qr_text_for_matching

    readable = qr_text_for_matching(QrFinding(text, (0, 0, 0, 0), None, False))
    found = LicenceNumberDetector().from_text("qr", normalize(readable, fold_repeats=False))
    return [e.value["licence_no"] for e in found]


def by_qr(registry: Registry, catalogue: Catalogue, text: str, stats=None) -> dict:
    """A QR code's text: is it TISI's site, and which licences (if any) does it name."""
    text = _text("qr", text, MAX_QR)
    if not text:
        raise FieldError("qr", "paste the text or address the QR code holds")
    host = qr_host(text)
    numbers = licence_numbers_in(text)
    licences, missing = [], []
    for n in numbers:
        hit = registry.by_number(n)
        if hit is None:
            missing.append(n)
        else:
            licences.append(public_licence(hit, catalogue, stats, n))
    warnings = []
    if host["is_url"] and not host["tisi_host"]:
        warnings.append(
            {
                "code": "qr_not_tisi",
                "th": f"QR นี้ไม่ได้พาไปที่เว็บไซต์ของ สมอ. (ไปที่ {host['host'] or '?'}): อาจเป็นฉลากปลอม อย่าเชื่อข้อมูลในหน้านั้น",
                "en": f"this QR code does not lead to TISI's site (it goes to {host['host'] or '?'}): the label may be "
                "fake; do not trust that page",
            }
        )
    elif not host["is_url"]:
        warnings.append(
            {
                "code": "qr_not_url",
                "th": "QR นี้ไม่ใช่ที่อยู่เว็บ: QR บนฉลาก มอก. จริงพาไปที่เว็บไซต์ของ สมอ.",
                "en": "this QR code is not a web address: QR codes on genuine TIS labels lead to TISI's site",
            }
        )
    elif not host["https"]:
        warnings.append(
            {
                "code": "qr_not_https",
                "th": "QR นี้ใช้ http ไม่ใช่ https: ตรวจว่าที่อยู่ขึ้นต้นด้วย tisi.go.th จริง",
                "en": "this QR code uses http, not https: check the address really is tisi.go.th",
            }
        )
    for n in missing:
        warnings.append(
            {
                "code": "not_found",
                "th": f"ไม่พบใบอนุญาต {n} ในทะเบียน",
                "en": f"licence {n} is not in the registry",
            }
        )
    return {
        "kind": "qr",
        "query": text,
        "qr": host,
        "numbers": numbers,
        "found": bool(licences),
        "licences": licences,
        "warnings": warnings,
    }


def by_brand(registry: Registry, catalogue: Catalogue, brand: str, stats=None) -> dict:
    """Licences whose registered brands include `brand` (case-insensitive), active first."""
    brand = _text("brand", brand, MAX_BRAND)
    if len(brand) < 2:
        raise FieldError("brand", "write a brand of at least 2 characters")
    hits = sorted(registry.by_brand(brand), key=lambda l: (l.status != "active", l.tis_number, l.licence_no))
    return {
        "kind": "brand",
        "query": brand,
        "found": bool(hits),
        "total": len(hits),
        "licences": [public_licence(l, catalogue, stats) for l in hits[:MAX_BRAND_RESULTS]],
        "warnings": []
        if hits
        else [
            {
                "code": "brand_not_found",
                "th": "ไม่พบยี่ห้อนี้ในทะเบียนใบอนุญาต: ตรวจจากเลขที่ใบอนุญาตบนฉลากแทน",
                "en": "no licence lists this brand: check the licence number on the label instead",
            }
        ],
    }


def qr_texts_from_photo(data: bytes) -> list[str]:
    """The QR codes in an uploaded photo. The bytes go through the safe loader (images/fetch.py: size limit,
    decompression-bomb and format checks) before any decoder sees them; raises FieldError('photo', ...)."""
    from tisguard.images.fetch import ImageRejected, load_local
    from tisguard.images.prep import downscale
    from tisguard.images.qr import decode_qr

    if not data:
        raise FieldError("photo", "the photo is empty")
    if len(data) > PHOTO_MAX_BYTES:
        raise FieldError("photo", f"the photo is larger than {PHOTO_MAX_BYTES // 2**20} MiB")
    with tempfile.TemporaryDirectory(prefix="tg-verify-") as tmp:
        path = Path(tmp) / "photo"
        path.write_bytes(data)
        try:
            loaded = load_local(path)
        except ImageRejected as e:
            raise FieldError("photo", str(e).replace(str(path), "photo")) from None
    img, _ = downscale(loaded.image)
    found = decode_qr(img)
    if not found:
        from PIL import ImageFilter

        found = decode_qr(img.filter(ImageFilter.MedianFilter(3)))
    return list(dict.fromkeys(q.text for q in found))


def by_photo(registry: Registry, catalogue: Catalogue, data: bytes, stats=None) -> dict:
    texts = qr_texts_from_photo(data)
    if not texts:
        raise FieldError("photo", "no QR code could be read in this photo: try a sharper, closer photo")
    answers = [by_qr(registry, catalogue, t[:MAX_QR], stats) for t in texts[:3]]
    first = answers[0]
    first["kind"] = "photo"
    first["others"] = answers[1:]
    return first
