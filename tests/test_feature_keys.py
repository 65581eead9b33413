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
