"""Crafted data for the investigation tests (issue 13): photos drawn with Pillow, listings, a registry.

- a relisting: A (shopee, confirmed later) and B (lazada, another seller): reworded title, the same
  description, the same photo saved again as JPEG at another size;
- a lookalike of A: same product type, another brand, its own photo and words;
- licence ท1234-5/2432 of บริษัท ปลั๊กดี จำกัด (brand PLUGDEE) shown by four unrelated shops, by the
  licensee itself and by a reseller of PLUGDEE;
- three shops linked by one LINE id (n1, n2) and one photo (n2, n3);
- a generic stock photo on `STOCK_SHOPS` shops selling different things;
- a power bank of a brand and model recalled in the shipped CPSC sample (INIU BI-B41), and lookalikes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

INVESTIGATION = ("relisting", "duplicate_group", "licence_shared", "recall_match", "seller_network")
STOCK_SHOPS = 150
LICENCE = "ท1234-5/2432"
REGISTRY_CSV = (
    "licence_no,licence_type,tis_number,tis_year,licensee,licensee_juristic_id,brands,status,issued_on\n"
    f"{LICENCE},ท,2432,2555,บริษัท ปลั๊กดี จำกัด,0105551234567,PLUGDEE,active,2015-01-10\n"
)
DESC_A = (
    "ปลั๊กพ่วงคุณภาพสูง สายไฟทองแดงแท้ หนา 3x0.75 ตร.มม. รองรับไฟ 2300 วัตต์ มีสวิตช์เปิดปิดแยกทุกช่อง "
    "ไฟแสดงสถานะ ตัวรางทำจากพลาสติก ABS ไม่ลามไฟ ขากราวด์ครบ ใช้งานในบ้านและสำนักงาน ส่งไว ภายใน 24 ชม."
)


def photo(path: Path, seed: int, size: int = 320, fmt: str = "PNG") -> Path:
    """A photo of its own: blocks of colour from `seed` (different seeds give unrelated pHashes)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (size, size), (255, 255, 255))
    d = ImageDraw.Draw(img)
    for _ in range(14):
        x0, y0 = rng.randrange(size), rng.randrange(size)
        x1, y1 = x0 + rng.randrange(20, size // 2), y0 + rng.randrange(20, size // 2)
        d.rectangle((x0, y0, x1, y1), fill=tuple(rng.randrange(256) for _ in range(3)))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return path


def resaved(src: Path, dst: Path, size: int) -> Path:
    """The same photo as a relister uploads it again: resized, JPEG."""
    from PIL import Image

    with Image.open(src) as im:
        im.convert("RGB").resize((size, size)).save(dst, "JPEG", quality=75)
    return dst


def L(platform: str, lid: str, seller: dict, title: str, **kw) -> dict:
    return {"platform": platform, "listing_id": lid, "title": title, "seller": seller, "price": 390, **kw}


def make(folder: Path) -> dict[str, list[dict]]:
    """Write the photos under `folder` and return the listings by role (paths relative to `folder`)."""
    img = folder / "img"
    photo(img / "a.png", 1)
    resaved(img / "a.png", img / "a-again.jpg", 280)
    photo(img / "lookalike.png", 2)
    photo(img / "net.png", 3)
    photo(img / "stock.png", 4)
    photo(img / "iniu.png", 5)
    for i in range(8):
        photo(img / f"shop{i}.png", 100 + i)
    out: dict[str, list[dict]] = {}
    out["original"] = [
        L(
            "shopee",
            "A-1",
            {"id": "sa", "name": "ร้านไฟฟ้าถูกดี", "country": "TH"},
            "ปลั๊กพ่วง 5 ช่อง สายยาว 5 เมตร รุ่นใหม่ สวิตช์แยก",
            description=DESC_A,
            brand="No Brand",
            images=[{"path": "img/a.png"}],
        )
    ]
    out["relisted"] = [
        L(
            "lazada",
            "B-9",
            {"id": "sb", "name": "Power Home Shop", "country": "CN"},
            "รางปลั๊กไฟ 5ช่อง ยาว5ม. สายหนา ขายดี ส่งฟรี",
            description=DESC_A,
            images=[{"path": "img/a-again.jpg"}],
        )
    ]
    out["lookalike"] = [
        L(
            "shopee",
            "C-2",
            {"id": "sc", "name": "Toshino Official", "country": "TH"},
            "ปลั๊กพ่วง Toshino 5 ช่อง 5 เมตร มอก.",
            description="ปลั๊กไฟ Toshino รับประกัน 1 ปี มีระบบตัดไฟอัตโนมัติ สายไฟยาว 5 เมตร",
            brand="Toshino",
            images=[{"path": "img/lookalike.png"}],
        )
    ]
    shops = ["ร้านเจริญการไฟฟ้า", "Lucky Plug Store", "ปลั๊กถูกใจ", "MegaVolt Mall"]
    out["renters"] = [
        L(
            ["shopee", "lazada", "tiktok", "shopee"][i],
            f"R-{i}",
            {"id": f"renter{i}", "name": shops[i], "country": "TH"},
            f"ปลั๊กพ่วง {3 + i} ช่อง {shops[i]} ใบอนุญาตเลขที่ {LICENCE}",
            brand=["No Brand", "LUCKY", "-", "MegaVolt"][i],
            images=[{"path": f"img/shop{i}.png"}],
        )
        for i in range(4)
    ]
    out["licensee"] = [
        L(
            "shopee",
            "OWN-1",
            {"id": "plugdee", "name": "บริษัท ปลั๊กดี จำกัด", "country": "TH"},
            f"ปลั๊กพ่วง PLUGDEE 4 ช่อง ใบอนุญาตเลขที่ {LICENCE}",
            brand="PLUGDEE",
        ),
        L(
            "lazada",
            "RESELL-1",
            {"id": "reseller", "name": "ร้านตัวแทน", "country": "TH"},
            f"PLUGDEE ปลั๊กพ่วง 6 ช่อง ของแท้ ใบอนุญาตเลขที่ {LICENCE}",
            brand="PLUGDEE",
        ),
    ]
    out["network"] = [
        L(
            "shopee",
            "N-1",
            {"id": "n1", "name": "Cheap Plug 1", "country": "CN"},
            "หม้อหุงข้าว 1.8 ลิตร",
            description="สอบถามเพิ่มเติม ไลน์ไอดี: @cheapplug88",
            images=[{"path": "img/shop5.png"}],
        ),
        L(
            "lazada",
            "N-2",
            {"id": "n2", "name": "Good Volt", "country": "CN"},
            "พัดลมตั้งพื้น 16 นิ้ว",
            description="ติดต่อ line id @cheapplug88 ได้ตลอด",
            images=[{"path": "img/net.png"}],
        ),
        L(
            "tiktok",
            "N-3",
            {"id": "n3", "name": "Siam Gadget", "country": "CN"},
            "เตารีดไอน้ำ 2200W",
            images=[{"path": "img/net.png"}],
        ),
    ]
    rng = random.Random(7)
    words = ["เสื้อยืด", "กระเป๋า", "รองเท้า", "หมวก", "ถุงเท้า", "ผ้าพันคอ", "แก้วน้ำ", "ตุ๊กตา", "สมุด", "ปากกา"]
    words += ["cotton", "vintage", "premium", "kids", "summer", "sport", "leather", "canvas", "mini", "classic"]
    out["stock"] = [
        L(
            "shopee",
            f"S-{i}",
            {"id": f"stock{i}", "name": f"Shop {i}", "country": "TH"},
            " ".join(rng.sample(words, 4)) + f" {rng.randrange(10**6)}",
            images=[{"path": "img/stock.png"}],
        )
        for i in range(STOCK_SHOPS)
    ]
    out["recalled"] = [
        L(
            "shopee",
            "P-1",
            {"id": "pb1", "name": "Gadget TH", "country": "TH"},
            "พาวเวอร์แบงค์ INIU 10000mAh รุ่น BI-B41 ชาร์จเร็ว",
            images=[{"path": "img/iniu.png"}],
        )
    ]
    out["recall_lookalikes"] = [
        L("shopee", "P-2", {"id": "pb2", "name": "Anker Store"}, "พาวเวอร์แบงค์ Anker 10000mAh ชาร์จเร็ว", brand="Anker"),
        L("shopee", "P-3", {"id": "pb3", "name": "Mobile Plus"}, "พาวเวอร์แบงค์ 10000mAh รุ่น BIB410 ชาร์จเร็ว"),
        L("shopee", "P-4", {"id": "pb4", "name": "Mobile Plus"}, "พาวเวอร์แบงค์ MINIU 10000mAh รุ่น BI-B41X"),
    ]
    return out


def write(folder: Path, rows: list[dict], name: str = "listings.jsonl") -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def registry(folder: Path) -> Path:
    path = folder / "registry.csv"
    path.write_text(REGISTRY_CSV, encoding="utf-8")
    return path


# ---- helpers the tests share ----
def signals(assessment) -> dict[str, list[dict]]:
    ev = assessment.evidence if hasattr(assessment, "evidence") else assessment["evidence"]
    out: dict[str, list[dict]] = {}
    for e in ev:
        d = e if isinstance(e, dict) else e.as_dict()
        if d["signal"] in INVESTIGATION:
            out.setdefault(d["signal"], []).append(d["value"])
    return out


def latest(db) -> dict[str, dict]:
    """listing_id → its latest stored assessment (verdict, risk, evidence)."""
    from sqlalchemy import select

    from tisguard.store.tables import assessments, listings

    with db.connect() as conn:
        rows = conn.execute(
            select(listings.c.listing_id, assessments.c.verdict, assessments.c.risk, assessments.c.evidence)
            .join(assessments, assessments.c.listing_pk == listings.c.id)
            .where(assessments.c.is_latest.is_(True))
        ).all()
    return {r.listing_id: {"verdict": r.verdict, "risk": r.risk, "evidence": r.evidence} for r in rows}


def listing_pk(db, platform: str, listing_id: str) -> int:
    from tisguard.services.investigation import pk_of

    return pk_of(db, platform, listing_id)


def store_engine(db, folder):
    """An engine over the store (registry imported), reading the crafted photos under `folder`."""
    from tisguard.config import resolve_settings
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.build import ImageSource, build_engine
    from tisguard.registry.store import import_registry, read_registry_csv

    import_registry(db, read_registry_csv(registry(folder))[0])
    settings = resolve_settings()
    return settings, build_engine(settings, EngineConfig(), db, None, ImageSource(folder))


def push(db, engine, rows: list[dict]):
    from tisguard.pipeline.store import assess_and_store
    from tisguard.spec.listing import Listing

    return assess_and_store(db, engine, [Listing.model_validate(r) for r in rows])


def confirm(db, settings, platform: str, listing_id: str) -> None:
    from tisguard.services.decisions import decide

    decide(db, settings, listing_pk(db, platform, listing_id), "confirm", "officer", "sec20")
