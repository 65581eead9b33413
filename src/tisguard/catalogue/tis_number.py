"""Parse and format TIS numbers: '685 เล่ม 1', '60335 เล่ม 2(32)', '2432'."""

from __future__ import annotations

import re
from dataclasses import dataclass

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TIS = re.compile(r"^\s*(\d{1,5})\s*(?:(?:เล่ม|part|pt\.?)\s*(\d{1,2}(?:\s*\(\s*\d{1,3}\s*\))?))?\s*$", re.I)


@dataclass(frozen=True, order=True)
class TisNumber:
    number: int
    part: str | None = None

    def __str__(self) -> str:
        return f"{self.number} เล่ม {self.part}" if self.part else str(self.number)


def parse_tis_number(text: str) -> TisNumber:
    """'60335 เล่ม 2(32)' -> TisNumber(60335, '2(32)'); raises ValueError naming the text."""
    m = _TIS.match(str(text).translate(THAI_DIGITS))
    if not m:
        raise ValueError(f"not a TIS number: {text!r} (expected e.g. '2432' or '685 เล่ม 1')")
    part = re.sub(r"\s+", "", m.group(2)) if m.group(2) else None
    return TisNumber(int(m.group(1)), part)


def canonical_tis(text: str) -> str:
    return str(parse_tis_number(text))
