"""TIS numbers, licence numbers and Thai digits: the one module that knows how they are written.

'685 เล่ม 1', '60335 เล่ม 2(32)', '2432' are standard numbers; 'ท 1234-5/2432' ≡ 'ท1234-5/2432' ≡
'(ท)๑๒๓๔-๕/๒๔๓๒' are one licence. Every other module parses, formats and compares them through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_HAS_THAI_DIGIT = re.compile(f"[{THAI_DIGITS}]")


def arabic_digits(s: str) -> str:
    """Thai digits → Arabic; str.translate is slow on Thai text, so only when there are any."""
    return s.translate(_TO_ARABIC) if _HAS_THAI_DIGIT.search(s) else s


def thai_digits(s: str) -> str:
    """Arabic digits → Thai (for Thai-style display)."""
    return s.translate(_TO_THAI)


# ---- standard numbers -------------------------------------------------------------------------------
_TIS = re.compile(r"^\s*+(\d{1,5})\s*+(?:(?:เล่ม|part|pt\.?)\s*+(\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?))?\s*+$", re.I)


@dataclass(frozen=True, order=True)
class TisNumber:
    number: int
    part: str | None = None

    def __str__(self) -> str:
        return f"{self.number} เล่ม {self.part}" if self.part else str(self.number)


def parse_tis_number(text: str) -> TisNumber:
    """'60335 เล่ม 2(32)' -> TisNumber(60335, '2(32)'); raises ValueError naming the text."""
    m = _TIS.match(arabic_digits(str(text)))
    if not m:
        raise ValueError(f"not a TIS number: {text!r} (expected e.g. '2432' or '685 เล่ม 1')")
    part = re.sub(r"\s+", "", m.group(2)) if m.group(2) else None
    return TisNumber(int(m.group(1)), part)


def canonical_tis(text: str) -> str:
    return str(parse_tis_number(text))


def tis_label(number: str, part: str | None) -> str:
    """The canonical standard from a matched number and optional part ('2(7)')."""
    return f"{int(number)} เล่ม {part}" if part else str(int(number))


def canonical_part(part: str | None) -> str | None:
    return re.sub(r"\s+", "", part) if part else None


# ---- licence numbers ----------------------------------------------------------------------------------
_LIC_TRANS = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(THAI_DIGITS)},
        "–": "-",
        "—": "-",
        "‐": "-",
        "−": "-",
        "／": "/",
        "(": None,
        ")": None,
        "[": None,
        "]": None,
    }
)
_LIC_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff.]+")
_LIC_SHAPE = re.compile(r"^(นค|ท|น|ส)?(\d{1,7})-(\d{1,5})/(\d{1,5}(?:เล่ม\d{1,2}(?:\(\d{1,3}\))?)?)$")


def licence_key(text: str) -> str:
    """The comparison key of a licence number: digits Arabic, no spaces/brackets/dots, dashes unified."""
    return _LIC_SPACE.sub("", str(text).translate(_LIC_TRANS)).upper()


def licence_parts(text: str) -> dict | None:
    """Split a licence number into type, running number, sub-number and TIS number, or None."""
    m = _LIC_SHAPE.match(licence_key(text))
    if not m:
        return None
    return {"type": m.group(1), "running": m.group(2), "sub": m.group(3), "tis": m.group(4).replace("เล่ม", " เล่ม ")}
