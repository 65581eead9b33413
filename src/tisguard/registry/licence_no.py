"""Tolerant licence-number keys: 'ท 1234-5/2432' ≡ 'ท1234-5/2432' ≡ '(ท)๑๒๓๔-๕/๒๔๓๒'."""

from __future__ import annotations

import re

_TRANS = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate("๐๑๒๓๔๕๖๗๘๙")},
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
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff.]+")
_SHAPE = re.compile(r"^(นค|ท|น|ส)?(\d{1,7})-(\d{1,5})/(\d{1,5}(?:เล่ม\d{1,2}(?:\(\d{1,3}\))?)?)$")


def licence_key(text: str) -> str:
    """The comparison key of a licence number: digits Arabic, no spaces/brackets/dots, dashes unified."""
    return _SPACE.sub("", str(text).translate(_TRANS)).upper()


def licence_parts(text: str) -> dict | None:
    """Split a licence number into type, running number, sub-number and TIS number, or None."""
    m = _SHAPE.match(licence_key(text))
    if not m:
        return None
    return {"type": m.group(1), "running": m.group(2), "sub": m.group(3), "tis": m.group(4).replace("เล่ม", " เล่ม ")}
