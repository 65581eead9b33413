"""Keep personal data out of everything the public side shows: pages, JSON, CSV, Atom.

Sellers write phone numbers, LINE ids, e-mail addresses and national id numbers into titles and
descriptions, and an individual seller's shop name is often their own name. Public outputs never show
seller fields at all; free text that must be shown (a product name, a brand, a reason) goes through
`scrub`, which replaces:

- Thai phone numbers (0… or +66…, however spaced, dotted or dashed), national / tax ids (13 digits, plain or
  grouped 1-2345-67890-12-3), any other run of 9 or more digits; Thai digits included. Standard numbers,
  licence numbers (`ท1234-5/2432`), sizes and prices stay;
- e-mail addresses, URLs and `www.` hosts, LINE ids (`line: abc`, `ไลน์ @abc`) and @handles;
- any of the `known` strings (the seller's name, id and shop handle) wherever they appear.

Every pattern is possessive or bounded, so hostile text cannot make it backtrack badly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tisguard.tisno import arabic_digits

REDACTED = "[…]"
_PATTERNS = (
    re.compile(r"(?:https?://|www\.)[^\s<>\"']{1,2000}+", re.IGNORECASE),
    re.compile(r"[^\s@<>\"'(),;:]{1,64}+@[^\s@<>\"'(),;:]{1,255}+"),
    re.compile(
        r"(?<![a-z])(?:line|ไลน์|ไอดีไลน์|facebook|fb|ig|instagram|tiktok)[ \t]*+(?:id|ไอดี)?[ \t]*+[:=：]?[ \t]*+"
        r"@?[a-z0-9][a-z0-9._\-]{1,39}+",
        re.IGNORECASE,
    ),
    re.compile(r"(?<![\w@])@[a-z0-9][a-z0-9._]{2,29}+", re.IGNORECASE),
    # a Thai phone number: 0 or +66, then 8 or 9 more digits, spaced, dotted, dashed or bracketed
    re.compile(r"(?<![\d+])(?:\+?66|\(?0)(?:[ .\-()]{0,2}+\d){8,9}+(?!\d)"),
    # a national / tax id in its printed grouping 1-2345-67890-12-3
    re.compile(r"(?<!\d)\d[ \-]?\d{4}[ \-]?\d{5}[ \-]?\d{2}[ \-]?\d(?!\d)"),
    # any other run of 9 or more digits (ids, accounts); not the running number of a licence (`…/2432` follows)
    re.compile(r"(?<!\d)\d{9,}+(?![ ]?/[ ]?\d)"),
)
MIN_KNOWN = 3  # shorter known strings would redact ordinary words


def scrub(text: str | None, known: Iterable[str | None] = ()) -> str:
    """`text` with personal data replaced by REDACTED (empty for None)."""
    if not text:
        return ""
    spans: list[tuple[int, int]] = []
    probe = arabic_digits(text)  # Thai digits become Arabic one for one: offsets stay the same
    for pat in _PATTERNS:
        spans.extend(m.span() for m in pat.finditer(probe))
    for k in known:
        k = (k or "").strip()
        if len(k) >= MIN_KNOWN:
            spans.extend(m.span() for m in re.finditer(re.escape(arabic_digits(k)), probe, re.IGNORECASE))
    if not spans:
        return text
    out, pos = [], 0
    for a, b in sorted(spans):
        if b <= pos:
            continue
        a = max(a, pos)
        out.append(text[pos:a])
        out.append(REDACTED)
        pos = b
    out.append(text[pos:])
    return re.sub(r"(?:\[…\]\s*+){2,}+", REDACTED + " ", "".join(out)).strip()


def scrub_or_none(text: str | None, known: Iterable[str | None] = ()) -> str | None:
    """`scrub`, or None when nothing but redactions and punctuation is left (a brand that was a phone number)."""
    out = scrub(text, known)
    rest = re.sub(r"[\W_]++", "", out.replace(REDACTED, ""))
    return out if rest else None


def has_personal_data(text: str | None) -> bool:
    """True when `scrub` would change `text` (without known strings)."""
    return bool(text) and scrub(text) != text.strip()
