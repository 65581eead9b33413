"""Feature keys of the category model that encode how Thai titles are built (issue 10)."""

from __future__ import annotations

import pytest

from tisguard.detect.features import record_keys
from tisguard.detect.lexicon import Lexicon


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon.load()


@pytest.mark.parametrize(
    "title, glued",
    [
        ("ถุงผ้าใส่ถังแก๊ส 4 กก. มีหูหิ้ว", True),  # an unknown head noun written onto the product name
        ("พัดลมตั้งพื้น 16 นิ้ว", False),  # the product name leads
        ("ผ้าคลุมพัดลม กันฝุ่น", False),  # the word before it is a known part word: its own keys say so
        ("หม้อหุงข้าว ๑.๘ ลิตร", False),
        ("Fan cover for standing fan 16 inch", False),  # not Thai: English puts the head noun last
        ("เคส iPhone 15", False),  # no product term at all
    ],
)
def test_glued_head_noun(lexicon, title, glued):
    keys, _ = record_keys({"title": title}, lexicon)
    assert ("\x00GLUE" in keys) is glued


TYPICAL = {"1529": 16000.0, "2432": 400.0}


@pytest.mark.parametrize(
    "title, price, key",
    [
        ("ขาแอร์ 12000BTU + พุก", 250, "R-6"),  # an air-con bracket: 1/64 of an air conditioner
        ("แอร์ 12000 BTU inverter", 15000, "R-1"),  # an air conditioner at about its typical price
        ("แอร์ 12000 BTU inverter", 99000, "R2"),
        ("ปลั๊กพ่วง 4 ช่อง 3 เมตร", 99, "R-3"),  # a cheap power strip is still near its own range
        ("ผ้าคลุม สำหรับ แอร์ 12000BTU", 150, "F-7"),  # the product term only after "for"
        ("แอร์ mini", 1, "R-8"),  # clipped at the low end
    ],
)
def test_relative_price_key(lexicon, title, price, key):
    keys, _ = record_keys({"title": title, "price": price}, lexicon, TYPICAL)
    rel = [k[len("\x00PR:") :] for k in keys if k.startswith("\x00PR:") and not k[len("\x00PR:") :].isdigit()]
    assert rel == [key]


@pytest.mark.parametrize(
    "rec, typical",
    [
        ({"title": "แอร์ 12000 BTU", "price": 15000}, None),  # no table (a model trained before it existed)
        ({"title": "แอร์ 12000 BTU"}, TYPICAL),  # no price
        ({"title": "แอร์ 12000 BTU", "price": 0}, TYPICAL),
        ({"title": "เคส iPhone 15", "price": 99}, TYPICAL),  # no product term
        ({"title": "หมวกกันน็อค เต็มใบ", "price": 900}, TYPICAL),  # a standard without a typical price
    ],
)
def test_no_relative_price_key(lexicon, rec, typical):
    keys, _ = record_keys(rec, lexicon, typical)
    assert not [k for k in keys if k.startswith("\x00PR:") and not k[len("\x00PR:") :].isdigit()]
