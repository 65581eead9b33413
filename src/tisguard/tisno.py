"""TIS numbers, licence numbers and Thai digits: the one module that knows how they are written.

'685 เล่ม 1', '60335 เล่ม 2(32)', '2432' are standard numbers; 'ท 1234-5/2432' ≡ 'ท1234-5/2432' ≡
'(ท)๑๒๓๔-๕/๒๔๓๒' are one licence. Every other module parses, formats and compares them through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
# A licence number is `<type><running>-<sub>/<standard>`. For a multi-part standard sellers (and TISI's own
# documents) write the part in several ways: `/685 เล่ม 1`, `/685(1)`, `/60335(2-7)`, `/60335 เล่ม 2(7)`,
# or leave it out (`/685`). The comparison key spells the part one way; `licence_base_key` leaves the
# type letter and the part out, so a registry can find the licence whatever the suffix says (its own
# `tis_number` is authoritative for which standard the licence is for).
_LIC_TRANS = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(THAI_DIGITS)},
        "–": "-",
        "—": "-",
        "‐": "-",
        "−": "-",
        "／": "/",
        "[": "(",
        "]": ")",
        "（": "(",
        "）": ")",
    }
)
_LIC_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff.]+")
# On the compacted text (no spaces or dots, upper case). Anchored, no nested repeats: cannot backtrack badly.
_LIC_SHAPE = re.compile(
    r"^\(?(นค|ท|น|ส)?\)?(\d{1,7})-(\d{1,5})/(\d{1,5})"
    r"(?:(?:เล่ม|PART|PT)(\d{1,3})(?:\((\d{1,3})\))?"  # 685เล่ม1, 60335เล่ม2(7)
    r"|\((\d{1,3})(?:-(\d{1,3})|\)\((\d{1,3}))?\))?$"  # 685(1), 60335(2-7), 60335(2)(7)
)


def _compact(text: str) -> str:
    return _LIC_SPACE.sub("", str(text).translate(_LIC_TRANS)).upper()


def licence_parts(text: str) -> dict | None:
    """Split a licence number into type, running number, sub-number and canonical TIS number, or None.
    'ท1588-22/685(1)' and 'ท1588-22/685 เล่ม 1' both give tis '685 เล่ม 1'; '/60335(2-7)' gives '60335 เล่ม 2(7)'."""
    t = _licence_parts(text)
    return None if t is None else {"type": t[0], "running": t[1], "sub": t[2], "tis": t[3]}


@lru_cache(maxsize=16384)
def _licence_parts(text: str) -> tuple[str | None, str, str, str] | None:
    # cached: a registry look-up splits the same number three or four times (key, parts, base key)
    m = _LIC_SHAPE.match(_compact(text))
    if not m:
        return None
    part = None
    if m.group(5):
        part = str(int(m.group(5))) + (f"({int(m.group(6))})" if m.group(6) else "")
    elif m.group(7):
        sub = m.group(8) or m.group(9)
        part = str(int(m.group(7))) + (f"({int(sub)})" if sub else "")
    return m.group(1), m.group(2), m.group(3), tis_label(m.group(4), part)


def licence_key(text: str) -> str:
    """The comparison key of a licence number: digits Arabic, no spaces or dots, dashes unified, the
    standard's part spelt one way ('685(1)' ≡ '685 เล่ม 1'). Text that is not licence-shaped keeps the
    older form (brackets dropped), so any string still has a key."""
    p = licence_parts(text)
    if p is None:
        return _compact(text).replace("(", "").replace(")", "")
    return f"{p['type'] or ''}{p['running']}-{p['sub']}/{p['tis'].replace(' ', '')}"


def licence_base_key(text: str) -> str | None:
    """The key without the type letter and the standard's part: `1588-22/685` for 'ท1588-22/685(1)',
    'ท1588-22/685' and '1588-22/685 เล่ม 1'. None when the text is not licence-shaped."""
    p = licence_parts(text)
    if p is None:
        return None
    return f"{p['running']}-{p['sub']}/{parse_tis_number(p['tis']).number}"
