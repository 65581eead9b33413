"""Parametrized tables per detector: positive, negative and tricky rows."""

import pytest

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.marks import LicenceNumberDetector, StandardNumberDetector, VagueClaimDetector
from tisguard.spec.listing import Listing


def ctx_for(reference, title="สินค้า", description=None, attributes=None):
    l = Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "x",
            "title": title,
            "description": description,
            "attributes": attributes or {},
            "seller": {"id": "s"},
        }
    )
    return ListingContext(l, reference)


STANDARD_ROWS = [
    ("ปลั๊กไฟ มอก.2432-2555", [("2432", 2555)]),
    ("ปลั๊กไฟ มอก 2432/2555", [("2432", 2555)]),
    ("power strip TIS 2432-2555", [("2432", 2555)]),
    ("ม.อ.ก. ๒๔๓๒-๒๕๕๕", [("2432", 2555)]),
    ("มาตรฐาน มอก. 2432", [("2432", None)]),
    ("ของเล่น มอก.685 เล่ม 1-2562", [("685 เล่ม 1", 2562)]),
    ("เครื่องนวด มอก. 60335 เล่ม 2(32)-2564", [("60335 เล่ม 2(32)", 2564)]),
    ("มอก.124320", []),  # never inside a longer number
    ("รุ่น 2432-2555 ไม่มีคำว่ามาตรฐาน", []),  # a bare number is not a standard
    ("model TIS2432X", []),
    ("มอก.2432-2555 และ มอก.166-2549", [("2432", 2555), ("166", 2549)]),
]


@pytest.mark.parametrize("title,expected", STANDARD_ROWS)
def test_standard_number(reference, title, expected):
    found = StandardNumberDetector().detect(ctx_for(reference, title))
    assert [(e.value["tis"], e.value["year_be"]) for e in found] == expected
    for e in found:
        assert e.span is not None and title[e.span[0] : e.span[1]] == e.text


def test_a_flood_of_one_standard_number_keeps_a_bounded_evidence_list(reference):
    from tisguard.detect.detectors.marks import MAX_MENTIONS

    description = ("ได้มาตรฐาน มอก. 2432-2555" + " " * 90 + "\n") * 800  # the load test's hostile payload
    found = StandardNumberDetector().detect(ctx_for(reference, "ปลั๊กพ่วง 🔥 มอก.2432-2555", description))
    assert len(found) == 1 + MAX_MENTIONS
    for e in found:  # offsets still map back through the collapsed whitespace
        text = description if e.source == "description" else "ปลั๊กพ่วง 🔥 มอก.2432-2555"
        assert text[e.span[0] : e.span[1]] == e.text


def test_standard_number_in_attributes(reference):
    found = StandardNumberDetector().detect(ctx_for(reference, attributes={"เลขที่ มอก.": "๒๔๓๒-๒๕๕๕", "สี": "ขาว"}))
    assert [(e.value["tis"], e.source) for e in found] == [("2432", "attributes")]
    assert found[0].value["in_catalogue"] is True


LICENCE_ROWS = [
    ("ใบอนุญาตเลขที่ ท 1234-5/2432", ["ท1234-5/2432"]),
    ("License No. ท1234-5/2432", ["ท1234-5/2432"]),
    ("ใบอนุญาต\nท1234-5\n/2432", ["ท1234-5/2432"]),
    ("(ท)๑๒๓๔-๕/๒๔๓๒", ["ท1234-5/2432"]),
    ("นค 12-3/685 เล่ม 1", ["นค12-3/685 เล่ม 1"]),
    ("licence no: 1234-5/2432", ["1234-5/2432"]),  # no type letter, but a licence keyword
    ("ใบอนุญาตเลขที่ท1234-5/2432", ["ท1234-5/2432"]),  # no space after เลขที่
    ("วันที่ 12-3/2566", []),  # a date is not a licence
    ("ขนาด 1234-5/2432", []),  # no type letter and no keyword
    ("ท1234-5/243200", []),  # TIS part runs into a longer number
    ("ใบอนุญาต ท1588-22/685(1)", ["ท1588-22/685(1)"]),  # multi-part standards, however the part is written
    ("ท4172-15/60335 (2-7)", ["ท4172-15/60335(2-7)"]),
    ("น2001-3/11(3)", ["น2001-3/11(3)"]),
    ("ใบอนุญาต ท1234-5/2432 (2 ชิ้น)", ["ท1234-5/2432"]),  # a bracket that is not a part
]


@pytest.mark.parametrize("text,expected", LICENCE_ROWS)
def test_licence_number(reference, text, expected):
    found = LicenceNumberDetector().detect(ctx_for(reference, description=text))
    assert [e.value["licence_no"] for e in found] == expected


@pytest.mark.parametrize(
    "text,tis", [("ท1588-22/685(1)", "685 เล่ม 1"), ("ท4172-15/60335(2-7)", "60335 เล่ม 2(7)"), ("น2001-3/11", "11")]
)
def test_licence_number_names_its_standard(reference, text, tis):
    (found,) = LicenceNumberDetector().detect(ctx_for(reference, description=text))
    assert found.value["tis"] == tis


def test_licence_number_in_attributes(reference):
    found = LicenceNumberDetector().detect(ctx_for(reference, attributes={"เลขที่ใบอนุญาต": "ท1234-5/2432"}))
    assert [(e.value["licence_no"], e.source) for e in found] == [("ท1234-5/2432", "attributes")]


VAGUE_ROWS = [
    ("สินค้ามีมอก.ค่ะ", "vague_claim"),
    ("ผ่านมาตรฐาน ปลอดภัย", "vague_claim"),
    ("มี ม.อ.ก.", "vague_claim"),
    ("TIS certified", "vague_claim"),
    ("ไม่มี มอก. นะคะ", "no_tis_admitted"),
    ("สินค้านำเข้า ไม่มีมอก", "no_tis_admitted"),
    ("ไม่ได้มาตรฐาน มอก.", "no_tis_admitted"),
    ("no tissue box included", None),  # 'no tis' inside a word is not an admission
    ("ขนาดมาตรฐาน", None),
    ("ราคามาตรฐาน", None),
]


@pytest.mark.parametrize("text,signal", VAGUE_ROWS)
def test_vague_claims(reference, text, signal):
    found = VagueClaimDetector().detect(ctx_for(reference, description=text))
    assert [e.signal for e in found] == ([signal] if signal else [])
