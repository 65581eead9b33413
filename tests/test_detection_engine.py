"""Category, licence verification, scoring and the whole engine, as scenario tables."""

from __future__ import annotations

import math

import pytest

from tisguard.spec.listing import Listing


def L(title, description=None, brand=None, attributes=None, seller=None, price=None):
    return Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "t",
            "title": title,
            "description": description,
            "brand": brand,
            "attributes": attributes or {},
            "seller": seller or {"id": "s", "country": "TH"},
            "price": price,
        }
    )


CATEGORY_ROWS = [
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "2432"),
    ("ปลั้กไฟ 3 ตา สายยาว 5 ม.", "2432"),
    ("插线板 USB 4位", "2432"),
    ("หมวกกันน็อคเต็มใบ ไซส์ L", "369"),
    ("พาวเวอร์แบงค์ 20000mAh ชาร์จเร็ว", "2879"),
    ("ไดร์เป่าผม 2000W", "1985"),
    ("เตารีดไอน้ำ 1200W", "366"),
    ("ของเล่นเด็ก ตัวต่อ 100 ชิ้น", "685 เล่ม 1"),
    ("หลอดไฟ LED E27 9W", "2780"),
    ("ถังแก๊ส 15 กก.", "27"),
    ("ยางรถยนต์ 185/65R15", "2718"),
    # hard negatives
    ("กระเป๋าใส่หมวกกันน็อค กันน้ำ", None),
    ("หมวกจักรยาน เสือภูเขา", None),
    ("เคสพาวเวอร์แบงค์ ซิลิโคน", None),
    ("โต๊ะรีดผ้า ปรับระดับได้", None),
    ("ที่แขวนไดร์เป่าผม ติดผนัง", None),
    ("เสื้อยืด cotton 100%", None),
    ("ฝาครอบปลั๊ก กันเด็ก", None),
    ("ของเล่นแมว ขนนก", None),
]


@pytest.mark.parametrize("title,tis", CATEGORY_ROWS)
def test_category(engine, title, tis):
    a = engine.assess(L(title))
    assert a.tis == tis, (a.verdict, a.tis, [r["en"] for r in a.reasons])
    assert (a.verdict == "not_regulated") == (tis is None)


def _licence(dev_registry, tis, status="active"):
    return next(l for l in dev_registry.licences if l.tis_number == tis and l.status == status)


def test_verdict_compliant_with_registry_licence(engine, dev_registry):
    lic = _licence(dev_registry, "2432")
    a = engine.assess(L("ปลั๊กพ่วง 4 ช่อง", f"ใบอนุญาตเลขที่ {lic.licence_no}", brand=lic.brands[0]))
    assert (a.verdict, a.tis) == ("compliant", "2432")
    ev = {e.signal: e for e in a.evidence}
    assert ev["licence_verified"].value["licence"]["licensee"] == lic.licensee
    assert a.risk < 0.2


@pytest.mark.parametrize("status", ["suspended", "revoked", "cancelled"])
def test_verdict_non_compliant_for_inactive_licence(engine, dev_registry, status):
    lics = [l for l in dev_registry.licences if l.status == status]
    if not lics:
        pytest.skip(f"dev registry has no {status} licence")
    lic = lics[0]
    term = engine.ref.lexicon.standards[lic.tis_number]["terms"][0]
    a = engine.assess(L(term, f"License No. {lic.licence_no}", brand=lic.brands[0]))
    assert a.verdict == "non_compliant" and f"licence_{status}" in {r["code"] for r in a.reasons}


def test_verdict_non_compliant_wrong_standard_and_brand(engine, dev_registry):
    other = _licence(dev_registry, "2879")
    a = engine.assess(L("ปลั๊กพ่วง 4 ช่อง 3 เมตร", f"ใบอนุญาต {other.licence_no}", brand=other.brands[0]))
    assert a.verdict == "non_compliant" and "licence_other_standard" in {r["code"] for r in a.reasons}
    lic = _licence(dev_registry, "2432")
    b = engine.assess(L("ปลั๊กพ่วง 4 ช่อง", f"ใบอนุญาต {lic.licence_no}", brand="TotallyOtherBrand"))
    assert b.verdict == "non_compliant" and "licence_brand_mismatch" in {r["code"] for r in b.reasons}


@pytest.mark.parametrize(
    "title,description,verdict",
    [
        ("ปลั๊กพ่วง 4 ช่อง มอก.2432-2555", None, "unverified"),
        ("ปลั๊กพ่วง 4 ช่อง", "สินค้ามี มอก. ค่ะ", "unverified"),
        ("ปลั๊กพ่วง 4 ช่อง", "ไม่มี มอก. นะคะ", "non_compliant"),
        ("ปลั๊กพ่วง 4 ช่อง", "ใบอนุญาตเลขที่ ท99999-9/2432", "non_compliant"),
        ("ปลั๊กพ่วง 4 ช่อง ราคาถูก", None, "non_compliant"),
        ("กระเป๋าใส่หมวกกันน็อค มอก.369-2557", None, "not_regulated"),
    ],
)
def test_verdicts(engine, title, description, verdict):
    assert engine.assess(L(title, description)).verdict == verdict


def test_waterfall_adds_up_and_context_moves_risk(engine):
    local = engine.assess(L("ปลั๊กพ่วง 4 ช่อง", seller={"id": "a", "country": "TH"}, price=250))
    abroad = engine.assess(L("ปลั๊กพ่วง 4 ช่อง", seller={"id": "b", "country": "CN"}, price=40))
    assert local.verdict == abroad.verdict == "non_compliant"
    assert abroad.risk > local.risk
    w = abroad.waterfall
    assert math.isclose(sum(s["weight"] for s in w), w[-1]["cumulative"], abs_tol=1e-2)
    assert {"cross_border", "price_low"} <= {s["step"] for s in w}
    assert all(s["th"] and s["en"] for s in w)


def test_every_flag_has_evidence_and_thai_reason(engine):
    a = engine.assess(L("หมวกกันน็อค ครึ่งใบ", "พร้อมส่ง"))
    assert a.verdict == "non_compliant"
    assert a.reasons and all(r["th"] for r in a.reasons)
    assert all(e.detector and e.version for e in a.evidence)
    assert "model=" in a.engine_version and "category@" in a.engine_version


CONTEXT_ROWS = [
    # (seller, price, title, expected context signals)
    ({"id": "a", "country": "CN"}, 250, "ปลั๊กพ่วง 4 ช่อง", {"cross_border"}),
    ({"id": "b", "country": "TH", "dbd_registered": False}, 250, "ปลั๊กพ่วง 4 ช่อง", {"seller_not_dbd"}),
    ({"id": "c", "country": "TH", "dbd_registered": True}, 20, "ปลั๊กพ่วง 4 ช่อง", {"price_low"}),
    ({"id": "d", "country": "TH"}, 250, "ปลั๊กพ่วง 4 ช่อง", set()),
    (
        {"id": "e", "country": "CN", "dbd_registered": False},
        5,
        "เสื้อยืด cotton",
        {"cross_border"},
    ),  # price/DBD only matter for regulated goods
]


@pytest.mark.parametrize("seller,price,title,expected", CONTEXT_ROWS)
def test_context_detectors(engine, seller, price, title, expected):
    a = engine.assess(L(title, seller=seller, price=price))
    found = {e.signal for e in a.evidence} & {"cross_border", "price_low", "seller_not_dbd", "seller_past_violations"}
    assert found == expected


def test_seller_history_detector(reference):
    from tisguard.detect.context import Reference
    from tisguard.pipeline.build import make_engine

    ref = Reference(
        reference.catalogue,
        reference.registry,
        reference.lexicon,
        reference.model,
        seller_violations={("shopee", "bad"): 2},
    )
    a = make_engine(ref).assess(L("ปลั๊กพ่วง 4 ช่อง", seller={"id": "bad", "country": "TH"}))
    step = next(s for s in a.waterfall if s["step"] == "seller_past_violations")
    assert step["weight"] == pytest.approx(2 * 0.6)


BRAND_FIT_ROWS = [
    # (listing brand, seller name, title extra, expected)
    ("{brand}", None, "", "fit"),
    ("{brand_lower}", None, "", "fit"),
    ("", None, "", "mismatch"),  # unbranded, showing a licence of a licensee with registered brands
    ("ไม่มียี่ห้อ", None, "", "mismatch"),
    ("", "{licensee_en}", "", "fit"),  # unbranded, but sold by the licensee itself
    ("", None, " {brand}", "fit"),  # registered brand named in the title
    ("SomethingElse", "{licensee_en}", "", "fit"),  # the seller is the licensee (legal form stripped)
    ("SomethingElse", "ร้านอื่น", "", "mismatch"),
]


@pytest.mark.parametrize("brand,seller_name,extra,expected", BRAND_FIT_ROWS)
def test_licence_brand_fit(reference, dev_registry, brand, seller_name, extra, expected):
    from tisguard.detect.context import ListingContext
    from tisguard.detect.detectors.licence_check import brand_fit
    from tisguard.registry.model import clean_company_name

    lic = next(l for l in dev_registry.licences if l.status == "active" and l.brands and "Co., Ltd." in l.licensee)
    fill = {
        "brand": lic.brands[0],
        "brand_lower": lic.brands[0].lower(),
        "licensee_en": clean_company_name(lic.licensee) + " Co., Ltd.",
    }
    seller = {"id": "s", **({"name": seller_name.format(**fill)} if seller_name else {})}
    ctx = ListingContext(
        L("ปลั๊กพ่วง" + extra.format(**fill), brand=brand.format(**fill) or None, seller=seller), reference
    )
    assert brand_fit(ctx, lic)[0] == expected
