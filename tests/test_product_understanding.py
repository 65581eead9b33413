"""Product understanding: what a listing sells, not which product words it mentions (issue 10).

The titles below are written for this test and appear in no training file: each row is a failure the
issue names (an accessory read as its product, a non-electric version, a material out of scope, a toy
or not, a publication about standards, products the engine had no words for).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tisguard.spec.listing import Listing

ROOT = Path(__file__).resolve().parents[1]


def L(title, description=None, price=None, category=None):
    return Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "pu",
            "title": title,
            "description": description,
            "price": price,
            "platform_category": category,
            "seller": {"id": "s", "country": "TH"},
        }
    )


ROWS = [
    # accessories, parts and consumables: the product named is what they go with
    ("accessory", "ผ้าคลุมพัดลมตั้งพื้น ผ้ายืด กันฝุ่นเกาะใบพัด ซักได้", None),
    ("accessory", "Fan dust cover for 14-16 inch standing fan, washable", None),
    ("accessory", "ลูกบอลซักผ้าซิลิโคน 6 ลูก ใช้กับเครื่องซักผ้าฝาหน้าฝาบน กันผ้าพันกัน", None),
    ("accessory", "ถ่านคาร์บอนดับกลิ่นในตู้เย็น กล่องดูดกลิ่นอาหาร 2 ชิ้น", None),
    ("accessory", "ผ้าใบล้างแอร์บ้าน มีรางน้ำทิ้ง ใส่ได้กับแอร์ 12000-18000 BTU", None),
    # (a Teflon-coated spare inner pot was here: a fluoropolymer-coated metal vessel, which two blind writers
    # labelled TIS 2622 from its scope page; its scope leaves out electric cookers, so the spare is disputed)
    ("accessory", "ยางขอบฝาหม้อหุงข้าว 1.8 ลิตร ใช้แทนของเดิม", None),
    ("accessory", "เคสซิลิโคนใส่พาวเวอร์แบงค์ 20000mAh กันรอย", None),
    # non-electric versions of electrical products
    ("non-electric", "กระติกน้ำสูญญากาศ 1 ลิตร สแตนเลส เก็บร้อนเก็บเย็นได้นาน", None),
    ("non-electric", "เครื่องบดพริกไทย มือหมุน ไม้บีช", None),
    ("electric", "กระติกต้มน้ำร้อนไฟฟ้า 3.2 ลิตร ตัดไฟอัตโนมัติ", "2062"),
    # materials that take food ware out of 655
    ("material", "ชามเซรามิก 7 นิ้ว ลายญี่ปุ่น เข้าไมโครเวฟได้", None),
    ("material", "กล่องข้าวสแตนเลส 2 ชั้น มีหูหิ้ว", None),
    ("material", "กล่องถนอมอาหารพลาสติก PP ฝาล็อค 4 ช่อง", "655 เล่ม 1"),
    # toys for children versus pet toys, figurines and sports goods
    ("toy", "ลูกบอลเด้ง ยางใส 4.5 ซม. มีไฟกระพริบ 12 ลูก", "685 เล่ม 1"),
    ("toy", "ลูกข่างไม้ทาสี พร้อมเชือกดึง ของเล่นพื้นบ้าน", "685 เล่ม 1"),
    ("toy", "เขย่ามือไม้บีช รูปกระต่าย สำหรับเด็กแรกเกิด", "685 เล่ม 1"),
    ("not a toy", "ลูกบอลยางขัดฟัน ของเล่นสุนัข ไซส์ M", None),
    ("not a toy", "ฟิกเกอร์ นารูโตะ 20 ซม. ตั้งโชว์ ของสะสม", None),
    ("not a toy", "ลูกฟุตซอล หนังอัด เบอร์ 4", None),
    # publications about standards: a standard number does not make a book a socket
    ("publication", "หนังสือ มอก. 2432-2555 เต้าเสียบเต้ารับ พร้อมคำอธิบาย", None),
    ("publication", "คู่มือเตรียมยื่นขอใบอนุญาต มอก. 934-2558 พัดลมไฟฟ้า", None),
    ("publication", "หนังสือ เต้าเสียบเต้ารับ พร้อมคำอธิบาย", None),
    ("publication", "ตำราซ่อมพัดลมและหม้อหุงข้าว ฉบับช่าง", None),
    # products the engine had no words for
    ("miss", "แบตเตอรี่ Samsung Galaxy A12 ของแท้ 5000mAh พร้อมไขควง", "2217"),
    ("miss", "กระจกบังลมหน้า Isuzu D-Max 2012-2019 พร้อมติดตั้ง", "2602"),
    ("miss", "แก้ว SAN ทรงกระบอก 14 ออนซ์ ใส 12 ใบ", "655 เล่ม 3"),
    ("miss", "จาน PMMA ขอบหยัก 10 นิ้ว ใส", "655 เล่ม 2"),
    ("miss", "ท่อผ่า Wave 125i ปลายเลส เสียงทุ้ม", "341"),
    # scope reviews (datasets/train-extra/README.md): TIS 62368 เล่ม 1 is a closed list of 20 product types (phone
    # and tablet chargers are on it; laptop adapters, monitors, printers and routers are not); TIS 1955 covers
    # battery, USB and solar lighting but not road-vehicle lights
    ("scope", "อะแดปเตอร์โน้ตบุ๊ก HP 19.5V 2.31A หัวฟ้า 4.5mm", None),
    ("scope", "จอมอนิเตอร์ 32 นิ้ว โค้ง 2K 144Hz", None),
    ("scope", "เครื่องปริ้นเตอร์ อิงค์แท้งค์ Epson L3250 wifi", None),
    ("scope", "เราเตอร์ใส่ซิม 5G ปล่อย WiFi 6", None),
    ("scope", "หัวชาร์จ iPhone 20W USB-C ของแท้", "62368 เล่ม 1"),
    ("scope", "Studio monitor speaker 8 นิ้ว active คู่ ไฟบ้าน", "62368 เล่ม 1"),
    ("scope", "ลำโพงมอนิเตอร์ สตูดิโอ 8 นิ้ว active มีแอมป์ในตัว", "62368 เล่ม 1"),
    ("scope", "ไฟฉายคาดหัว LED ชาร์จ USB กันน้ำ", "1955"),
    ("scope", "โคมไฟโซล่าเซลล์ ติดผนัง 100 LED เซ็นเซอร์", "1955"),
    ("scope", "ไฟหน้ารถมอเตอร์ไซค์ LED Wave 110i ตรงรุ่น", None),
]


@pytest.mark.parametrize("kind,title,tis", ROWS, ids=[f"{k}:{t[:24]}" for k, t, _ in ROWS])
def test_what_the_listing_sells(engine, kind, title, tis):
    a = engine.assess(L(title))
    top = next(e.value.get("top") for e in a.evidence if e.detector == "category")
    assert a.tis == tis, (kind, a.verdict, a.tis, top)
    assert (a.verdict == "not_regulated") == (tis is None)


def test_exhaust_with_admission_is_non_compliant(engine):
    a = engine.assess(L("ท่อสูตร PCX 150 ผ่าหมก ไม่มี มอก. นะคะ"))
    assert a.tis == "341" and a.verdict == "non_compliant"


@pytest.mark.parametrize(
    "title",
    [
        "หนังสือ มาตรฐาน มอก. 166-2549 ฉบับสมบูรณ์",
        "Book: TIS 2432-2555 plugs and socket-outlets explained",
        "บริการรับยื่นขอ มอก. 685 เล่ม 1 ของเล่น ครบวงจร",
    ],
)
def test_a_stated_standard_does_not_make_a_non_product_regulated(engine, title):
    a = engine.assess(L(title))
    assert a.verdict == "not_regulated", (a.tis, [r["en"] for r in a.reasons])


@pytest.mark.parametrize(
    "hits,expected",
    [
        ([("cue", "pub", "หนังสือ", 1, 8), ("term", "166", "เต้ารับ", 20, 27)], "หนังสือ"),  # Thai head noun first
        ([("term", "166", "เต้ารับ", 1, 8), ("cue", "pub", "คู่มือ", 9, 15)], None),  # a socket with its manual
        ([("cue", "pub", "book", 1, 5), ("term", "1955", "light", 6, 11)], None),  # English: head noun last
        ([("cue", "pub", "หนังสือ", 1, 8), ("cue", "kid", "เด็ก", 12, 16)], None),  # a cloth book for babies: a toy
    ],
)
def test_publication_head(hits, expected):
    from tisguard.detect.detectors.category import publication_head
    from tisguard.detect.lexicon import LexHit

    found = publication_head([LexHit(*h) for h in hits])
    assert (found.term if found else None) == expected


def test_a_publication_head_is_what_keeps_a_book_about_a_standard_out(engine, monkeypatch):
    from tisguard.detect.detectors import category

    title = "หนังสือ มอก. 2432-2555 เต้าเสียบเต้ารับ พร้อมคำอธิบาย"
    a = engine.assess(L(title))
    cat = next(e for e in a.evidence if e.detector == "category")
    assert a.verdict == "not_regulated" and cat.value["publication_head"] == "หนังสือ"
    assert "หนังสือ" in cat.reason_th and "publication" in cat.reason_en
    monkeypatch.setattr(category, "PUBLICATION_HEAD_LR", 1.0)  # without the rule the model alone reads a socket
    assert engine.assess(L(title)).verdict != "not_regulated"


def test_a_stated_standard_reranks_only_within_regulated_classes():
    from tisguard.detect.detectors.category import restate

    probs = np.array([0.6, 0.3, 0.1])  # none, A, B
    out = restate(probs, 0, [(2, 20.0)])
    assert out[0] == pytest.approx(0.6)  # p(none) unchanged
    assert out.sum() == pytest.approx(1.0)
    assert out[2] > out[1]  # the stated standard now leads among the regulated ones
    assert out[2] / out[1] == pytest.approx(20 * 0.1 / 0.3)


def test_product_confidence_is_in_the_assessment_and_the_evidence(engine):
    sure = engine.assess(L("ปลั๊กพ่วง 4 ช่อง 2 USB สายยาว 3 เมตร"))
    d = sure.as_dict()
    assert 0.0 < d["product_confidence"] <= 1.0
    cat = next(e for e in sure.evidence if e.detector == "category")
    assert cat.value["product_confidence"] == pytest.approx(d["product_confidence"])
    vague = engine.assess(L("ชุดอุปกรณ์ 5 ชิ้น สีดำ"))
    assert vague.product_confidence < sure.product_confidence


def test_the_shipped_model_says_when_and_on_what_it_was_trained():
    from tisguard.detect.model import packaged_model_path

    meta = json.loads(packaged_model_path().read_text(encoding="utf-8"))["meta"]
    assert meta["trained_at"][:2] == "20"
    names = {s["name"] for s in meta["trained_on"]}
    assert {"synthetic", "train-extra", "real-dev"} <= names
    assert all(s["used"] > 0 and s["sha256_12"] for s in meta["trained_on"])
    cv = meta["cross_validation"]["real-dev"]
    assert cv["n_regulated"] > 1000 and cv["n_not_regulated"] > 500  # figures from held-out folds


def test_train_merges_officer_decisions_by_default(tmp_path, db, backend_env):
    from sqlalchemy import select

    from conftest import DEV
    from helpers import cli_json
    from tisguard.config import resolve_settings
    from tisguard.services.decisions import decide
    from tisguard.store.tables import assessments
    from webfixtures import seed_store

    settings = resolve_settings()
    seed_store(db, settings, n=30)
    with db.connect() as c:
        pks = (
            c.execute(
                select(assessments.c.listing_pk)
                .where(assessments.c.is_latest.is_(True), assessments.c.verdict.in_(("unverified", "non_compliant")))
                .limit(2)
            )
            .scalars()
            .all()
        )
    decide(db, settings, pks[0], "confirm", "officer", legal_basis="sec20")
    decide(db, settings, pks[1], "dismiss", "officer", reason="false_positive")
    small = tmp_path / "small.jsonl"
    small.write_text(
        "\n".join((DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()[:600]) + "\n", encoding="utf-8"
    )
    out = tmp_path / "m" / "category.json"
    r = cli_json("train", small, "--no-extra", "--out", out)
    by_name = {s["name"]: s for s in r["sources"]}
    assert by_name["officer-decisions"]["used"] == 2 and by_name["officer-decisions"]["origin"] == "store"
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert [s["name"] for s in meta["trained_on"]] == ["synthetic", "officer-decisions"]
    r2 = cli_json("train", small, "--no-extra", "--no-decisions", "--out", out)
    assert [s["name"] for s in r2["sources"]] == ["synthetic"]


def test_queue_priority_counts_product_confidence(db, backend_env):
    from sqlalchemy import select

    from tisguard.config import resolve_settings
    from tisguard.store.assessments import reach
    from tisguard.store.listings import listing_query, stored_listing
    from tisguard.store.tables import assessments, listings
    from webfixtures import seed_store

    seed_store(db, resolve_settings(), n=40)
    checked = 0
    with db.connect() as c:
        rows = c.execute(
            select(assessments.c.listing_pk, assessments.c.risk, assessments.c.priority, assessments.c.evidence).where(
                assessments.c.verdict.in_(("unverified", "non_compliant"))
            )
        ).all()
        for pk, risk, priority, evidence in rows:
            conf = next(e["value"]["product_confidence"] for e in evidence if e["detector"] == "category")
            listing = stored_listing(c.execute(listing_query().where(listings.c.id == pk)).first())
            assert priority == pytest.approx(risk * reach(listing) * conf, rel=1e-3)
            checked += 1
    assert checked > 5


def test_standard_and_licence_numbers_are_masked_for_the_product_model():
    from tisguard.detect.features import mask_marks

    assert mask_marks("หนังสือ มอก. 2432-2555 เต้ารับ") == "หนังสือ มอก. ####-#### เต้ารับ"
    assert mask_marks("ปลั๊ก ท1234-5/2432 16a") == "ปลั๊ก ท####-#/#### 16a"
    assert mask_marks("พัดลม 16 นิ้ว 220v") == "พัดลม 16 นิ้ว 220v"  # other numbers describe the product


def test_feature_roles_head_part_for_target_and_head_last_compounds():
    from tisguard.detect.features import feature_keys
    from tisguard.detect.lexicon import Lexicon
    from tisguard.detect.text import normalize

    lex = Lexicon.load()

    def keys(title):
        return {k for k in feature_keys(normalize(title).text, "", None, lex)[0] if k.startswith("\x00")}

    blade = keys("ใบพัด พัดลม 16 นิ้ว")
    assert "\x00PB" in blade and "\x00PB:934" in blade  # a part word names the head, the fan comes after
    cover = keys("ผ้าคลุมพัดลม กันฝุ่น")  # the lexicon's exclusion explains the fan inside it
    assert "\x00X:934" in cover and "\x00L:934" not in cover
    fan = keys("พัดลมตั้งพื้น 16 นิ้ว มีรีโมท")
    assert "\x00PB" not in fan and "\x00PA" not in fan  # 'มีรีโมท' is a feature, not a remote for sale
    ball = keys("ลูกบอลซักผ้า ใช้กับเครื่องซักผ้า")
    assert "\x00FONLY" in ball and not any(k.startswith("\x00L:") for k in ball)  # the product is only the target
    assert "\x00PA-adj-L" in keys("空调遥控器 万能")  # Chinese names the head last: an air-con remote
    assert "\x00HF:battery:phone" in keys("battery for iphone 11 original")  # sold: a battery, for a phone


def test_family_key_keeps_colour_and_size_variants_in_one_fold():
    from tisguard.training.crossval import family_key

    a = family_key("ตู้เย็น 2 ประตู LG GN-B222 7.4คิว สีเงิน")
    assert a == family_key("ตู้เย็น 2 ประตู LG GN-B372 11คิว สีดำ")
    assert a != family_key("ตู้เย็น 2 ประตู Sharp SJ-X300 10คิว สีเงิน")


def test_cross_validation_measures_held_out_listings_through_the_engine(tmp_path):
    """--cv with --with-real-dev: figures on listings each fold did not train on, temperature from the folds."""
    from conftest import DEV
    from helpers import cli_json

    rows = []
    for i in range(30):
        rows.append({"title": f"พัดลมตั้งพื้น รุ่น F{i} 16 นิ้ว", "tis": "934", "regulated": True})
        rows.append({"title": f"ผ้าคลุมพัดลม ลาย {i} กันฝุ่น", "tis": None, "regulated": False})
    rows.append({"title": "สินค้าไม่ทราบประเภท", "tis": None, "regulated": None})  # unlabelled: left out
    real = tmp_path / "real.jsonl"
    real.write_text(
        "".join(
            json.dumps(
                {
                    "platform": "shop",
                    "listing_id": f"r{i}",
                    "title": r["title"],
                    "seller": {"id": "s"},
                    "label": {"regulated": r["regulated"], "tis": r["tis"], "alternates": []},
                },
                ensure_ascii=False,
            )
            + "\n"
            for i, r in enumerate(rows)
        ),
        encoding="utf-8",
    )
    small = tmp_path / "small.jsonl"
    small.write_text(
        "\n".join((DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()[:500]) + "\n", encoding="utf-8"
    )
    hand = tmp_path / "handwritten.jsonl"  # a hand-written source: scored through the engine like the real one
    hand.write_text(
        "".join(
            json.dumps(
                {
                    "platform": "shop",
                    "listing_id": f"h{i}",
                    "title": t,
                    "seller": {"id": "s"},
                    "label": {"regulated": tis is not None, "tis": tis, "verdict": v},
                },
                ensure_ascii=False,
            )
            + "\n"
            for i in range(12)
            for t, tis, v in [(f"ใบพัดลม {i} แฉก อะไหล่", None, "not_regulated")]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "m" / "category.json"
    keep = tmp_path / "folds"
    r = cli_json(
        "train",
        small,
        "--extra",
        hand,
        "--no-decisions",
        "--with-real-dev",
        real,
        "--cv",
        "3",
        "--out",
        out,
        "--cv-keep",
        keep,
    )
    cv = r["cross_validation"]
    assert set(cv["engine_by_source"]) == {"real-dev", "handwritten"}  # every source but the generator's split
    assert cv["engine_by_source"]["handwritten"]["n_not_regulated"] == 12
    assert cv["engine_by_source"]["real-dev"] == cv["real-dev"]
    assert sorted(p.name for p in keep.glob("fold-*.json")) == ["fold-0.json", "fold-1.json", "fold-2.json"]
    kept = [json.loads(line) for line in (keep / "held_out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {k["source"] for k in kept} == {"real-dev", "handwritten"} and len(kept) == 72
    again = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cv_reassess.py"), str(keep)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in again.splitlines() if x.startswith("handwritten"))
    assert "of    12 not regulated" in line
    assert cv["k"] == 3 and "3-fold" in r["calibration"]
    f = cv["real-dev"]
    assert f["n_regulated"] == 30 and f["n_not_regulated"] == 30
    assert 0 <= f["false_positive_rate"] <= 1 and 0 <= f["regulated_recall"] <= 1
    by_name = {s["name"]: s for s in r["sources"]}
    assert by_name["real-dev"]["used"] == 60 and by_name["real-dev"]["skipped"] == 1
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert meta["cross_validation"]["real-dev"] == f


def test_train_names_a_broken_record(tmp_path):
    from helpers import cli

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "ok", "label": {"verdict": "not_regulated"}}\n{broken\n', encoding="utf-8")
    r = cli("train", bad, "--no-extra", "--no-decisions", "--out", tmp_path / "m.json")
    assert r.exit_code != 0 and "bad.jsonl:2" in r.output


@pytest.mark.parametrize(
    "title, price, price_named",
    [
        ("ขาแอร์ ติดผนัง 9000-24000BTU เหล็กหนา", 250, True),  # a product word at 1/90 of its typical price
        ("ฝาครอบพัดลม กันฝุ่น 16 นิ้ว", 59, False),  # an accessory word is the reason given
        ("เคส iPhone 15 ซิลิโคน", 59, False),  # no product word
    ],
)
def test_a_cheap_product_word_is_named_in_the_reason(engine, title, price, price_named):
    a = engine.assess(L(title, price=price))
    assert a.verdict == "not_regulated"
    e = next(e for e in a.evidence if e.signal == "not_regulated_product")
    assert ("price_to_typical" in e.value) is price_named
    if price_named:
        assert e.value["price_to_typical"] <= 1 / 8 and f"{price:,.0f} THB" in e.reason_en
        assert "บาท" in e.reason_th


def test_a_regulated_product_at_a_low_price_stays_regulated_without_a_price_reason(engine):
    a = engine.assess(L("พัดลมตั้งพื้น 16 นิ้ว ใบพัด 5 ใบ", price=390))
    assert a.verdict != "not_regulated" and a.tis == "934"
    assert all("price_to_typical" not in (e.value or {}) for e in a.evidence)
