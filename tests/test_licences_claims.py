"""Licences and claims, as tables: one row per failure named in issue 10 (multi-part licence, other-standard
licence, brand mismatch, brand licensed, claim-only, admission), each with the rows that must not fire.

The registry is a small CSV read by the real registry code; the engine is the real one over the shipped
catalogue, lexicon and model (`make_engine`)."""

from __future__ import annotations

import copy
import csv

import pytest

from tisguard.detect.config import ConfigError, EngineConfig
from tisguard.detect.context import ListingContext, Reference
from tisguard.detect.detectors.marks import LicenceNumberDetector, VagueClaimDetector
from tisguard.detect.lexicon import Lexicon
from tisguard.pipeline.build import make_engine
from tisguard.registry.store import COLUMNS, registry_from_csv
from tisguard.spec.listing import Listing

TOSHIBA = "Toshiba Consumer Products (Thailand) Co., Ltd."
REGISTRY_ROWS = [
    # licence_no, type, tis_number, licensee, brands, status
    ("ท1588-22/685(1)", "ท", "685 เล่ม 1", "บริษัท ทอยแลนด์ จำกัด", "Toylandia", "active"),
    ("ท4172-15/60335(2-7)", "ท", "60335 เล่ม 2(7)", "บริษัท วอชโช่ จำกัด", "Washolux", "active"),
    ("น2001-3/11(3)", "น", "11 เล่ม 3", "บริษัท สายไฟไทย จำกัด", "Wirethai", "active"),
    ("ท5000-1/166", "ท", "166", "บริษัท ปลั๊กดี จำกัด", "Plugdee", "active"),
    ("ท5000-2/2432", "ท", "2432", "บริษัท ปลั๊กดี จำกัด", "Plugdee", "active"),
    ("ท7000-1/2214", "ท", "2214", TOSHIBA, "Toshiba", "active"),
    ("ท7100-4/2214", "ท", "2214", "บริษัท ฮิตาริ จำกัด", "Hitari", "suspended"),
]


def write_registry(path, rows=REGISTRY_ROWS):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for no, typ, tis, licensee, brands, status in rows:
            w.writerow(
                {"licence_no": no, "licence_type": typ, "tis_number": tis, "licensee": licensee}
                | {"brands": brands, "status": status, "issued_on": "2020-01-15"}
            )
    registry, errors = registry_from_csv(path)
    assert errors == [] and len(registry) == len(rows)
    return registry


def lexicon_with(base: Lexicon, related: dict[str, list[str]]) -> Lexicon:
    """The shipped lexicon with some standards' co-applicable (`related`) lists replaced."""
    data = copy.deepcopy(base.data)
    for tis, rel in related.items():
        data["standards"][tis]["related"] = rel
    return Lexicon(data)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return write_registry(tmp_path_factory.mktemp("reg") / "registry.csv")


@pytest.fixture(scope="module")
def ref(reference, registry):
    # the power strip (2432) and the plug (166) are not co-applicable: a plug licence does not cover a strip
    lex = lexicon_with(reference.lexicon, {"2432": [], "166": []})
    return Reference(reference.catalogue, registry, lex, reference.model)


@pytest.fixture(scope="module")
def eng(ref):
    return make_engine(ref)


def L(title, description=None, brand=None, attributes=None, seller=None):
    return Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "t",
            "title": title,
            "description": description,
            "brand": brand,
            "attributes": attributes or {},
            "seller": seller or {"id": "s", "country": "TH"},
        }
    )


def codes(a) -> set[str]:
    return {r["code"] for r in a.reasons}


# ---- multi-part licence: every spelling of the part finds the registry's licence ----------------------
MULTIPART_ROWS = [
    # (written in the listing, registry licence it must find or None)
    ("ท1588-22/685(1)", "ท1588-22/685(1)"),
    ("ท1588-22/685", "ท1588-22/685(1)"),
    ("ท1588-22/685 เล่ม 1", "ท1588-22/685(1)"),
    ("ท 1588 - 22 / 685 (1)", "ท1588-22/685(1)"),
    ("(ท)๑๕๘๘-๒๒/๖๘๕(๑)", "ท1588-22/685(1)"),
    ("1588-22/685(1)", "ท1588-22/685(1)"),  # no type letter: the only licence with that number
    ("ท4172-15/60335(2-7)", "ท4172-15/60335(2-7)"),
    ("ท4172-15/60335 เล่ม 2(7)", "ท4172-15/60335(2-7)"),
    ("ท4172-15/60335", "ท4172-15/60335(2-7)"),
    ("น2001-3/11(3)", "น2001-3/11(3)"),
    ("น2001-3/11 เล่ม 3", "น2001-3/11(3)"),
    ("น2001-3/11", "น2001-3/11(3)"),
    ("ท1588-23/685(1)", None),  # another sub-number
    ("น1588-22/685(1)", None),  # another licence type
    ("ท1588-22/686(1)", None),  # another standard number
]


@pytest.mark.parametrize("written,expected", MULTIPART_ROWS)
def test_multipart_licence_found_whatever_the_suffix(registry, written, expected):
    lic = registry.by_number(written)
    assert (lic.licence_no if lic else None) == expected


@pytest.mark.parametrize(
    "title,written,brand,tis",
    [
        ("ของเล่นเด็ก ตัวต่อ 100 ชิ้น", "ท1588-22/685(1)", "Toylandia", "685 เล่ม 1"),
        ("ของเล่นเด็ก ตัวต่อ 100 ชิ้น", "ท1588-22/685", "Toylandia", "685 เล่ม 1"),
        ("ของเล่นเด็ก ตัวต่อ 100 ชิ้น", "ท1588-22/685 เล่ม 1", "Toylandia", "685 เล่ม 1"),
        ("เครื่องซักผ้าฝาบน 10 กก.", "ท4172-15/60335(2-7)", "Washolux", "60335 เล่ม 2(7)"),
        ("เครื่องซักผ้าฝาบน 10 กก.", "ท4172-15/60335", "Washolux", "60335 เล่ม 2(7)"),
    ],
)
def test_multipart_licence_makes_the_listing_compliant(eng, title, written, brand, tis):
    found = LicenceNumberDetector().detect(ListingContext(L(title, f"ใบอนุญาตเลขที่ {written}"), eng.ref))
    assert [e.value["licence_no"] for e in found] == [written]
    a = eng.assess(L(title, f"ใบอนุญาตเลขที่ {written}", brand=brand))
    assert a.verdict == "compliant" and "licence_verified" in codes(a)
    ev = next(e for e in a.evidence if e.signal == "licence_verified")
    assert ev.value["licence"]["tis_number"] == tis


# ---- a licence for another standard -------------------------------------------------------------------
def test_plug_licence_on_a_power_strip_is_another_standard(eng):
    a = eng.assess(L("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "ใบอนุญาตเลขที่ ท5000-1/166", brand="Plugdee"))
    assert a.verdict == "non_compliant" and a.tis == "2432"
    assert "licence_other_standard" in codes(a)
    reason = next(r for r in a.reasons if r["code"] == "licence_other_standard")
    assert "166" in reason["en"] and "2432" in reason["en"]
    # the same seller's strip licence is right
    b = eng.assess(L("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "ใบอนุญาตเลขที่ ท5000-2/2432", brand="Plugdee"))
    assert b.verdict == "compliant"


def test_co_applicable_standards_accept_each_others_licence(reference, registry):
    """Where the lexicon lists two standards as co-applicable for a product, a licence for either holds."""
    lex = lexicon_with(reference.lexicon, {"2432": ["166"], "166": ["2432"]})
    eng = make_engine(Reference(reference.catalogue, registry, lex, reference.model))
    a = eng.assess(L("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "ใบอนุญาตเลขที่ ท5000-1/166", brand="Plugdee"))
    assert a.verdict == "compliant" and "licence_other_standard" not in codes(a)


# ---- a licence whose licensee and brands do not fit the listing --------------------------------------
BRAND_ROWS = [
    # (brand, seller, expected verdict, expected licence code)
    (None, {"id": "cn1", "country": "CN"}, "non_compliant", "licence_brand_mismatch"),  # unbranded import
    ("No Brand", {"id": "cn2", "country": "CN"}, "non_compliant", "licence_brand_mismatch"),
    ("ไม่มียี่ห้อ", {"id": "th1", "country": "TH"}, "non_compliant", "licence_brand_mismatch"),
    ("Sharpex", {"id": "th2", "country": "TH"}, "non_compliant", "licence_brand_mismatch"),  # not the licensee's
    ("Toshiba", {"id": "th3", "country": "TH"}, "compliant", "licence_verified"),
    ("toshiba", {"id": "th4", "country": "TH"}, "compliant", "licence_verified"),
    (None, {"id": "th5", "country": "TH", "name": TOSHIBA}, "compliant", "licence_verified"),  # the licensee sells
]


@pytest.mark.parametrize("brand,seller,verdict,code", BRAND_ROWS)
def test_licence_brand_fit(eng, brand, seller, verdict, code):
    a = eng.assess(L("ตู้เย็น 2 ประตู 7.4 คิว", "ใบอนุญาตเลขที่ ท7000-1/2214", brand=brand, seller=seller))
    assert (a.verdict, a.tis) == (verdict, "2214")
    assert code in codes(a)


def test_a_latin_brand_counts_only_as_a_whole_word(eng):
    from tisguard.detect.detectors.licence_check import names_brand

    assert names_brand("ตู้เย็น toshiba 2 ประตู", "Toshiba")
    assert names_brand("ตู้เย็นtoshiba", "Toshiba")  # Thai letters may touch it
    assert not names_brand("ปลั๊ก extension 3 ม.", "ON")
    assert not names_brand("toshibax", "Toshiba")


# ---- a brand the registry licenses, on a listing that shows no number ----------------------------------
BRAND_LICENSED_ROWS = [
    # (title, brand, description, fires)
    ("ตู้เย็น 2 ประตู 7.4 คิว", "Toshiba", None, True),
    ("ตู้เย็น 2 ประตู Toshiba 7.4 คิว", None, None, True),  # brand written in the title only
    ("ตู้เย็น 2 ประตู 7.4 คิว", "Sharpex", None, False),  # no licence for this brand
    ("ตู้เย็น 2 ประตู 7.4 คิว", "Hitari", None, False),  # its only licence is suspended
    ("ตู้เย็น 2 ประตู 7.4 คิว", "Toshiba", "ใบอนุญาตเลขที่ ท7000-1/2214", False),  # shows a number: checked
    ("ไดร์เป่าผม 2000W", "Toshiba", None, False),  # licensed for fridges, not hair dryers
]


@pytest.mark.parametrize("title,brand,description,fires", BRAND_LICENSED_ROWS)
def test_brand_licensed_lowers_risk_without_compliance(eng, title, brand, description, fires):
    a = eng.assess(L(title, description, brand=brand))
    assert ("brand_licensed" in codes(a)) == fires
    if fires:
        assert a.verdict == "non_compliant"  # still no licence shown
        reason = next(r for r in a.reasons if r["code"] == "brand_licensed")
        assert "licensed for 2214" in reason["en"] and "2214" in reason["th"]
        unlicensed = eng.assess(L(title.replace("Toshiba", "Sharpex"), description, brand="Sharpex" if brand else None))
        assert unlicensed.verdict == "non_compliant" and a.risk < unlicensed.risk
        step = next(s for s in a.waterfall if s["step"] == "brand_licensed")
        assert step["weight"] < 0


def test_brand_licence_detector_needs_the_product(reference):
    """Adding a detector is one file, one config line and its table; the engine refuses an order in which
    it would run before the product is known."""
    from tisguard.detect.config import DEFAULT_DETECTORS

    assert "brand_licence" in DEFAULT_DETECTORS
    order = [d for d in DEFAULT_DETECTORS if d != "brand_licence"]
    order.insert(order.index("category"), "brand_licence")
    with pytest.raises(ConfigError, match="brand_licence requires 'product'"):
        make_engine(reference, EngineConfig(detectors=order))


# ---- claims with nothing checkable --------------------------------------------------------------------
CLAIM_ROWS = [
    # (title, description, attributes)
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร มอก.", None, None),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร ม.อ.ก.", None, None),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร มี มอก.", None, None),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "สินค้ามีมอก.ค่ะ", None),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "ได้มาตรฐาน มอก. ปลอดภัย", None),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", "ระวังสินค้าไม่มี มอก. ร้านเราของแท้", None),  # a warning implies a claim
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", None, {"มอก.": "มี"}),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", None, {"TIS": "Yes"}),
    ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", None, {"การรับรอง": "มี มอก. ค่ะ"}),
]


@pytest.mark.parametrize("title,description,attributes", CLAIM_ROWS)
def test_claim_only_is_unverified(eng, title, description, attributes):
    a = eng.assess(L(title, description, attributes=attributes))
    assert (a.verdict, a.tis) == ("unverified", "2432")
    assert "vague_claim" in codes(a)


NOT_A_CLAIM_ROWS = [
    ("ไฟตัดหมอก LED 12V", None, None),  # 'หมอก' (fog) holds the letters of มอก
    ("ปลั๊กพ่วง มอก.2432-2555", None, None),  # a standard number: a claim of its own kind, not a vague one
    ("ปลั๊กพ่วง มอก. 2432", None, None),
    ("ปลั๊กพ่วง ขนาดมาตรฐาน", None, None),
    ("ปลั๊กพ่วง", None, {"สี": "มี 3 สี"}),
    ("ปลั๊กพ่วง", None, {"มาตรฐาน": "ไม่มี"}),  # a generic 'standard' attribute says nothing about TIS
]


@pytest.mark.parametrize("title,description,attributes", NOT_A_CLAIM_ROWS)
def test_not_a_vague_claim(reference, title, description, attributes):
    found = VagueClaimDetector().detect(ListingContext(L(title, description, attributes=attributes), reference))
    assert found == []


# ---- admissions ---------------------------------------------------------------------------------------
ADMISSION_ROWS = [
    ("ท่อไอเสีย มอเตอร์ไซค์ สแตนเลส", "ไม่มี มอก. นะคะ", None),
    ("ท่อไอเสีย มอเตอร์ไซค์ สแตนเลส", "สินค้านำเข้า ไม่มีมอก", None),
    ("ท่อไอเสีย มอเตอร์ไซค์ สแตนเลส", "ไม่ผ่าน มอก. ใช้ในสนามเท่านั้น", None),
    ("ท่อไอเสีย มอเตอร์ไซค์ สแตนเลส", None, {"มอก.": "ไม่มี"}),
    ("ท่อไอเสีย มอเตอร์ไซค์ ไม่มี มอก.", None, None),
]


def _thresholds_around(p: float) -> EngineConfig:
    """A configuration under which `p` is below the regulated threshold but at or above the admission one,
    so the rule is tested whatever the shipped model thinks of the product."""
    assert 0 < p < 1
    return EngineConfig(regulated_threshold=(p + 1) / 2, admission_threshold=p / 2)


@pytest.mark.parametrize("title,description,attributes", ADMISSION_ROWS)
def test_admission_is_non_compliant_even_when_the_product_is_uncertain(reference, title, description, attributes):
    listing = L(title, description, attributes=attributes)
    p = make_engine(reference).context(listing).product.p_regulated
    eng = make_engine(reference, _thresholds_around(p))
    a = eng.assess(listing)
    assert a.verdict == "non_compliant" and a.tis
    assert "no_tis_admitted" in codes(a) and "admission_on_uncertain_product" in codes(a)
    assert "not_regulated_product" not in codes(a)
    # the same listing, with the admission not read, is not regulated under that configuration
    unread = EngineConfig(
        detectors=[d for d in eng.config.detectors if d != "vague_claim"],
        regulated_threshold=eng.config.regulated_threshold,
        admission_threshold=eng.config.admission_threshold,
    )
    assert make_engine(reference, unread).assess(listing).verdict == "not_regulated"


def test_admission_below_the_admission_threshold_stays_not_regulated(reference):
    listing = L("ท่อไอเสีย มอเตอร์ไซค์ สแตนเลส", "ไม่มี มอก. นะคะ")
    p = make_engine(reference).context(listing).product.p_regulated
    regulated = (p + 1) / 2
    cfg = EngineConfig(regulated_threshold=regulated, admission_threshold=(p + regulated) / 2)  # both above p
    assert make_engine(reference, cfg).assess(listing).verdict == "not_regulated"


def test_admission_on_a_phone_case_is_not_a_violation(engine):
    a = engine.assess(L("เคสโทรศัพท์ iPhone 15 ซิลิโคน", "ไม่มี มอก. นะคะ"))
    assert a.verdict == "not_regulated"


def test_admission_threshold_cannot_exceed_the_regulated_threshold():
    with pytest.raises(ValueError, match="admission_threshold"):
        EngineConfig(regulated_threshold=0.3, admission_threshold=0.4)
