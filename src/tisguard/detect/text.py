"""Text normalisation shared by every detector, keeping offsets back to the original text.

Normalised text is NFKC (full-width → ASCII), Thai digits → Arabic, HTML entities decoded,
zero-width characters removed, emoji → space, whitespace runs → one space or newline, runs of 3+
identical letters folded to one, lower
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
from functools import cached_property

from tisguard.tisno import arabic_digits

SARA_AM = "\u0e33"  # NFKC would split ำ into ํ + า; Thai text keeps it whole
_INVISIBLE_CHARS = "\u200b-\u200f\u2060-\u206f\ufeff\ufe0f"
_EMOJI_CHARS = "\U0001f000-\U0001ffff\u2600-\u27bf\u2b00-\u2bff"
_WIDE_CHARS = "\uff00-\uffef\u3000\u2000-\u200a\u00a0\u2010-\u2015\u2212"
# One character class finds every place that may change (a single class scans ~5× faster than alternatives).
_SPECIAL_RUN = re.compile(f"[&{_INVISIBLE_CHARS}{_EMOJI_CHARS}{_WIDE_CHARS}]+")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_RUN = re.compile(r"([^\W\d_])\1{2,}")  # a letter repeated 3+ times
# Runs of 2+ whitespace become one space (or one newline): no pattern downstream ever sees a long run.
_WS_RUN = re.compile(r"\s{2,}")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


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
    # When a second pass was needed (whitespace that met only after emoji/invisibles were replaced),
    # `pieces` map into `inner.text`, and `inner` maps on to the original.
    inner: NormText | None = None

    def _orig(self, i: int, end: bool) -> int:
        if self.pieces is None:
            j = i
        else:
            k = max(bisect_right(self._starts, i if not end else i - 1) - 1, 0)
            n0, o0, olen, same = self.pieces[k]
            j = o0 + (i - n0) if same else (o0 + olen if end else o0)
        return self.inner._orig(j, end) if self.inner is not None else j

    @cached_property
    def _starts(self) -> list[int]:
        """Where each piece starts in `text`, built once (a listing with many matches maps many offsets)."""
        return [p[0] for p in self.pieces]

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        return self._orig(start, False), self._orig(end, True)

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.span_in_original(start, end)
        return self.original[a:b]


def _special_pieces(text: str, start: int, end: int):
    """(replacement, original start, original length) for one run of special characters; may run past
    `end` when an HTML entity continues beyond the run (returns the position reached)."""
    i, out = start, []
    while i < end:
        ch = text[i]
        if ch == "&":
            m = _ENTITY.match(text, i)
            dec = html.unescape(m.group(0)) if m else ch
            if m and dec != m.group(0):
                out.append((unicodedata.normalize("NFKC", dec), i, m.end() - i))
                i = m.end()
            else:
                out.append(("&", i, 1))
                i += 1
        elif "\u200b" <= ch <= "\u200f" or "\u2060" <= ch <= "\u206f" or ch in "\ufeff\ufe0f":
            out.append(("", i, 1))
            i += 1
        elif _is_emoji(ch):
            j = i + 1
            while j < end and _is_emoji(text[j]):
                j += 1
            out.append((" ", i, j - i))
            i = j
        else:
            out.append((unicodedata.normalize("NFKC", ch).translate(_DASHES), i, 1))
            i += 1
    return out, i


def _nfkc_plain(s: str) -> str:
    if unicodedata.is_normalized("NFKC", s.replace(SARA_AM, "")):
        return s
    return "".join(c if c == SARA_AM else unicodedata.normalize("NFKC", c) for c in s)


_digits = arabic_digits


def normalize(text: str | None, fold_repeats: bool = True) -> NormText:
    """Normalise text for matching. `fold_repeats` folds 'ดีมากกกก' to 'ดีมาก' (titles need it for the
    lexicon; descriptions, searched only for marks and numbers, do not)."""
    if not text:
        return NormText("", "")
    events = [(m.start(), m.end(), 0) for m in _SPECIAL_RUN.finditer(text)]
    has_special = bool(events)
    extra = [(m.start(), m.end(), 2) for m in _WS_RUN.finditer(text)]
    if fold_repeats:
        extra += [(m.start(), m.end(), 1) for m in _RUN.finditer(text)]
    if extra:
        events = sorted(events + extra)
    nfkc_ok = unicodedata.is_normalized("NFKC", text.replace(SARA_AM, ""))
    if not events and nfkc_ok:
        return NormText(text, _digits(text).lower())
    plain_needs_nfkc = not nfkc_ok and not unicodedata.is_normalized(
        "NFKC", _SPECIAL_RUN.sub("", text).replace(SARA_AM, "")
    )
    out: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    pos = n = 0

    def add(chunk: str, o_start: int, o_len: int) -> None:
        nonlocal n
        if chunk or o_len:
            pieces.append((n, o_start, o_len, len(chunk) == o_len))
            out.append(chunk)
            n += len(chunk)

    def add_plain(a: int, b: int) -> None:
        if b > a:
            plain = text[a:b]
            add(_nfkc_plain(plain) if plain_needs_nfkc else plain, a, b - a)

    for a, b, kind in events:
        if a < pos:
            continue  # already consumed (an entity ran on, or overlapping matches)
        add_plain(pos, a)
        if kind == 1:
            add(text[a], a, b - a)
            pos = b
        elif kind == 2:
            add("\n" if "\n" in text[a:b] else " ", a, b - a)
            pos = b
        else:
            parts, pos = _special_pieces(text, a, b)
            for chunk, o, ln in parts:
                add(chunk, o, ln)
    add_plain(pos, len(text))
    first = NormText(text, _digits("".join(out)).lower(), tuple(pieces))
    # only a replaced emoji, a removed invisible character or NFKC (¨ → space + mark) brings whitespace together late
    return _collapse_whitespace_met_late(first) if has_special or plain_needs_nfkc else first


def normalized_text(text: str | None, fold_repeats: bool = True) -> str:
    """`normalize(text, fold_repeats).text` without the offset map, for callers that only match. Most text
    has no special characters, no repeated letters and is already NFKC: then normalising is only collapsing
    whitespace runs, Thai digits and lower case, done here with one substitution instead of building pieces."""
    if not text:
        return ""
    if (
        _SPECIAL_RUN.search(text)
        or (fold_repeats and _RUN.search(text))
        or not unicodedata.is_normalized("NFKC", text.replace(SARA_AM, ""))
    ):
        return normalize(text, fold_repeats).text
    return _digits(_WS_RUN.sub(_one_space, text)).lower()


def _one_space(m: re.Match) -> str:
    return "\n" if "\n" in m.group(0) else " "


def _collapse_whitespace_met_late(first: NormText) -> NormText:
    """An emoji becomes a space and an invisible character disappears, so whitespace can meet only in
    the output (' 🔥' → '  '); collapse those runs too, keeping offsets through `inner`."""
    runs = list(_WS_RUN.finditer(first.text))
    if not runs:
        return first
    out: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    pos = n = 0
    for m in runs:
        if m.start() > pos:
            pieces.append((n, pos, m.start() - pos, True))
            out.append(first.text[pos : m.start()])
            n += m.start() - pos
        ws = _one_space(m)
        pieces.append((n, m.start(), m.end() - m.start(), False))
        out.append(ws)
        n += 1
        pos = m.end()
    if pos < len(first.text):
        pieces.append((n, pos, len(first.text) - pos, True))
        out.append(first.text[pos:])
    return NormText(first.original, "".join(out), tuple(pieces), inner=first)
