"""Text normalisation shared by every detector, keeping offsets back to the original text.

Normalised text is NFKC (full-width → ASCII), Thai digits → Arabic, HTML entities decoded,
zero-width characters removed, emoji → space, runs of 3+ identical letters folded to one, lower
case. Most text needs none of the expensive steps, and the rest only in a few places: the text is
cut at the places that change (one regex pass), the pieces in between are copied whole, and the
offset map is kept per piece rather than per character.
"""
from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
SARA_AM = "\u0e33"  # NFKC would split ำ into ํ + า; Thai text keeps it whole
_SPECIAL = re.compile(
    r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});"            # HTML entity
    "|[\u200b-\u200f\u2060-\u206f\ufeff\ufe0f]+"                    # zero-width and invisible marks
    "|[\U0001F000-\U0001FFFF\u2600-\u27bf\u2b00-\u2bff]+"           # emoji and pictographs
    "|[\uff00-\uffef\u3000\u2000-\u200a\u00a0\u2010-\u2015\u2212]+"  # full-width forms, odd spaces and dashes
    r"|([^\W\d_])\1{2,}")                                          # a letter repeated 3+ times
_THAI_DIGIT = re.compile("[๐-๙]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u206f\ufeff\ufe0f]")


def _is_emoji(ch: str) -> bool:
    o = ord(ch)
    return 0x1F000 <= o <= 0x1FFFF or 0x2600 <= o <= 0x27BF or 0x2B00 <= o <= 0x2BFF


@dataclass(frozen=True)
class NormText:
    """`text` is normalised. `pieces` maps it back: (norm_start, orig_start, orig_len, same_len);
    inside a piece with same_len the offset is linear, otherwise the whole piece maps to its source."""

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, bool], ...] | None = None  # None: identity

    def _orig(self, i: int, end: bool) -> int:
        if self.pieces is None:
            return i
        starts = [p[0] for p in self.pieces]
        k = max(bisect_right(starts, i if not end else i - 1) - 1, 0)
        n0, o0, olen, same = self.pieces[k]
        if same:
            return o0 + (i - n0)
        return o0 + olen if end else o0

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        return self._orig(start, False), self._orig(end, True)

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.span_in_original(start, end)
        return self.original[a:b]


def _replacement(m: re.Match) -> str:
    s = m.group(0)
    if s[0] == "&":
        return unicodedata.normalize("NFKC", html.unescape(s))
    if _INVISIBLE.match(s):
        return ""
    if _is_emoji(s[0]):
        return " "
    if m.group(1):
        return s[0]
    return unicodedata.normalize("NFKC", s).replace("\u2010", "-").replace("\u2011", "-").replace("\u2012", "-") \
        .replace("\u2013", "-").replace("\u2014", "-").replace("\u2015", "-").replace("\u2212", "-")


def _nfkc_plain(s: str) -> str:
    if unicodedata.is_normalized("NFKC", s.replace(SARA_AM, "")):
        return s
    return "".join(c if c == SARA_AM else unicodedata.normalize("NFKC", c) for c in s)


def _digits(s: str) -> str:
    """Thai digits → Arabic; str.translate is slow on Thai text, so only when there are any."""
    return s.translate(THAI_DIGITS) if _THAI_DIGIT.search(s) else s


def normalize(text: str | None) -> NormText:
    if not text:
        return NormText("", "")
    if _SPECIAL.search(text) is None and unicodedata.is_normalized("NFKC", text.replace(SARA_AM, "")):
        return NormText(text, _digits(text).lower())
    out: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    pos = n = 0

    def add(chunk: str, o_start: int, o_len: int) -> None:
        nonlocal n
        if chunk or o_len:
            pieces.append((n, o_start, o_len, len(chunk) == o_len))
            out.append(chunk)
            n += len(chunk)

    for m in _SPECIAL.finditer(text):
        if m.start() > pos:
            plain = text[pos:m.start()]
            add(_nfkc_plain(plain), pos, len(plain))
        add(_replacement(m), m.start(), m.end() - m.start())
        pos = m.end()
    if pos < len(text):
        add(_nfkc_plain(text[pos:]), pos, len(text) - pos)
    return NormText(text, _digits("".join(out)).lower(), tuple(pieces))
