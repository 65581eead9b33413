import pytest

from tisguard.detect.text import normalize


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("ปลั๊กไฟ มอก.๒๔๓๒-๒๕๕๕", "ปลั๊กไฟ มอก.2432-2555"),
        ("ＴＩＳ　２４３２", "tis 2432"),  # full-width forms and ideographic space
        ("ถูก\u200bมาก", "ถูกมาก"),  # zero-width space
        ("A&amp;B &#3585;", "a&b ก"),  # HTML entities
        ("🔥ลดราคา🔥", " ลดราคา "),  # emoji
        ("ดีมากกกกก", "ดีมาก"),  # repeated letters
        ("ไฟฟ้า 555", "ไฟฟ้า 555"),  # two letters and digits are left alone
        ("บริษัท จำกัด", "บริษัท จำกัด"),  # sara am survives NFKC
        (" 🔥", " "),  # an emoji beside a space: the spaces meet only after replacement
        ("x \u200b y", "x y"),  # so do spaces around an invisible character
        ("ปลั๊ก 🔥\n🔥 มอก.", "ปลั๊ก\nมอก."),  # a run holding a newline keeps the newline
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw,needle",
    [
        ("🔥 ขายดี มอก.๒๔๓๒ ✅", "2432"),
        ("ถูก\u200bมาก มอก.2432", "มอก.2432"),
        ("&amp; ดีมากกกก ใบอนุญาต", "ใบอนุญาต"),
        ("ขาย 🔥 🔥 มอก.๒๔๓๒ 🔥 ใบอนุญาต", "ใบอนุญาต"),  # offsets survive the second whitespace pass
    ],
)
def test_offsets_map_back_to_original(raw, needle):
    n = normalize(raw)
    i = n.text.index(needle)
    original = n.original_slice(i, i + len(needle))
    assert normalize(original).text == needle
