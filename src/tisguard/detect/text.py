"""Text normalisation shared by every detector, keeping offsets back to the original text.

Normalised text is NFKC (full-width → ASCII), Thai digits → Arabic, HTML entities decoded,
zero-width characters and emoji removed, runs of 3+ identical letters folded to one, lower case.
Most listings need none of the expensive steps: a cheap gate sends them down a path where the
normalised text has the same length as the original, so offsets are the identity.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NEEDS_SLOW = re.compile(
    "[&\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\uff00-\uffef\U0001F000-\U0001FFFF\u2600-\u27bf\ufe0f\u3000]"
    r"|([^\W\d_])\1{2,}")
SARA_AM = "\u0e33"  # NFKC would split ำ into ํ + า; Thai text keeps it whole
_ZERO_WIDTH = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufe0f")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def _is_emoji(ch: str) -> bool:
    o = ord(ch)
    return 0x1F000 <= o <= 0x1FFFF or 0x2600 <= o <= 0x27BF


@dataclass(frozen=True)
class NormText:
    """`text` is normalised; `offsets[i]` is the index in `original` that text[i] came from."""

    original: str
    text: str
    offsets: tuple[int, ...] | None = None  # None: identity

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        if self.offsets is None:
            return start, end
        if start >= len(self.offsets):
            return len(self.original), len(self.original)
        o_end = self.offsets[end - 1] + 1 if end > start else self.offsets[start]
        return self.offsets[start], o_end

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.span_in_original(start, end)
        return self.original[a:b]


def normalize(text: str | None) -> NormText:
    if not text:
        return NormText("", "")
    if _NEEDS_SLOW.search(text) is None and unicodedata.is_normalized("NFKC", text.replace(SARA_AM, "")):
        return NormText(text, text.translate(THAI_DIGITS).lower())
    return _normalize_slow(text)


_RUN = re.compile(r"([^\W\d_])\1{2,}")


def _normalize_slow(text: str) -> NormText:
    drop = {k for m in _RUN.finditer(text) for k in range(m.start() + 1, m.end())}
    out: list[str] = []
    offs: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&" and (m := _ENTITY.match(text, i)) and (dec := html.unescape(m.group(0))) != m.group(0):
            for c in unicodedata.normalize("NFKC", dec):
                out.append(c)
                offs.append(i)
            i = m.end()
            continue
        if i in drop or ch in _ZERO_WIDTH:
            i += 1
            continue
        for c in (" ",) if _is_emoji(ch) else ch if ch == SARA_AM else unicodedata.normalize("NFKC", ch):
            out.append(c)
            offs.append(i)
        i += 1
    return NormText(text, "".join(out).translate(THAI_DIGITS).lower(), tuple(offs))
