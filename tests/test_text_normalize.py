import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tisguard.detect.text import normalize, normalized_text


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


# Characters that exercise every branch of normalize: Thai letters and digits, sara am, ASCII, whitespace of
# several kinds, emoji, invisible marks, full-width forms, dashes, entities' '&', and letters to repeat.
_ALPHABET = "กขปลั๊ำ๒๕ aAbB1 \n\t\u00a0\u3000\u2028🔥✅\u200b\ufeffＴｓ－\u2013&#;ﬁ²¨´"


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=60), fold=st.booleans())
def test_normalized_text_is_normalize_without_offsets(text, fold):
    assert normalized_text(text, fold) == normalize(text, fold).text


@pytest.mark.parametrize("fold", [True, False])
@pytest.mark.parametrize(
    "raw",
    ["ปลั๊กพ่วง 4 ช่อง\n\n  สายยาว ๓ เมตร", "Power  Strip\t\tTIS 2432", "ดีมากกกก  สุดๆ", "A&amp;B  ＴＩＳ", "ﬁne  ²"],
)
def test_normalized_text_examples(raw, fold):
    assert normalized_text(raw, fold) == normalize(raw, fold).text


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=60), fold=st.booleans())
@example(text="a ¨", fold=False)  # NFKC of '¨' is a space and a combining mark: spaces meet only after it
@example(text="x \u200b y", fold=True)  # an invisible character between spaces
@example(text="🔥 ok", fold=True)  # an emoji becomes a space beside a space
def test_normalized_text_never_holds_a_whitespace_run(text, fold):
    out = normalize(text, fold)
    assert not re.search(r"\s{2,}", out.text)
    a, b = out.span_in_original(0, len(out.text))
    assert 0 <= a <= b <= len(text)
