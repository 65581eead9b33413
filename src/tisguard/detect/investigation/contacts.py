"""Contacts as sellers write them, so shops run by one operator can be linked.

Kinds: `phone` (Thai numbers, +66 or 0, as 0XXXXXXXXX), `line` (a LINE id after "line"/"ไลน์"),
`email`, `shop_url` (the shop's handle on a marketplace without trailing numbers, or the host of its own
site), `juristic_id` (13-digit Thai tax id with a valid check digit: the seller's, or one written after
a tax-id word), `address` (a return address written after "ที่อยู่"/"ส่งคืน"/"return address", up to its
postcode). Everything runs on normalised text (lower case, Arabic digits); every pattern is anchored on
a literal or uses bounded, possessive repeats, so none can backtrack badly on hostile text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from tisguard.detect.text import normalize

PHONE_RE = re.compile(r"(?<![\d+])(\+?66|0)[ .-]?+(\d(?:[ .-]?+\d){7,8}+)(?![\d])")
LINE_RE = re.compile(
    r"(?<![a-z])(line|ไลน์|ไอดีไลน์)[ \t]*+(id|ไอดี)?[ \t]*+([:=][ \t]*+)?(@?[a-z0-9][a-z0-9._-]{2,19}+)(?![a-z0-9._-])"
)
EMAIL_RE = re.compile(r"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]{0,63}+@[a-z0-9-]{1,63}+(?:\.[a-z0-9-]{1,63}+){1,4}+)")
URL_RE = re.compile(r"https?://([a-z0-9.-]{1,253}+)(/[^\s\"'<>]{0,200}+)?")
TAX_WORD_RE = re.compile(r"เลขประจำตัวผู้เสียภาษี|เลขทะเบียน(?:นิติบุคคล|พาณิชย์)?|tax\s?+id|juristic|นิติบุคคลเลขที่")
TAX_ID_RE = re.compile(r"(?<!\d)(\d(?:[ -]?+\d){12}+)(?!\d)")
ADDRESS_RE = re.compile(
    r"(?:ที่อยู่(?:ร้าน|ส่งคืน|สำหรับส่งคืน|คืนสินค้า)?|ส่งคืนที่|คืนสินค้าที่|return\s?+address|address)[ \t]*+[:：]?[ \t]*+([^\n]{8,160})"
)
POSTCODE_RE = re.compile(r"(?<!\d)[1-9]\d{4}(?!\d)")
LINE_STOPWORDS = frozenset({"official", "shopping", "chat", "app", "pay", "man", "login", "add", "friend", "ได้"})
MARKETPLACES = ("shopee.", "lazada.", "tiktok.", "line.me", "nocnoc.", "temu.", "facebook.", "instagram.", "jd.")
GENERIC_SEGMENTS = frozenset({"shop", "store", "s", "seller", "m", "th", "en", "ti", "p", "page", "pages", "profile"})


def _phones(text: str) -> set[str]:
    out = set()
    for m in PHONE_RE.finditer(text):
        digits = "0" + re.sub(r"\D", "", m.group(2))
        if (len(digits) == 10 and digits[1] in "689") or (len(digits) == 9 and digits[1] in "234567"):
            out.add(digits)
    return out


def _lines(text: str) -> set[str]:
    out = set()
    for m in LINE_RE.finditer(text):
        value = m.group(4).rstrip("._-")
        explicit = value.startswith("@") or m.group(2) or m.group(3)
        if explicit and value.lstrip("@") not in LINE_STOPWORDS and len(value.lstrip("@")) >= 3:
            out.add(value)
    return out


def _emails(text: str) -> set[str]:
    out = set()
    for m in EMAIL_RE.finditer(text):
        e = m.group(1).rstrip(".")
        if any(c.isalpha() for c in e.rsplit(".", 1)[-1]):
            out.add(e)
    return out


def shop_url_key(url: str) -> str | None:
    """'https://shopee.co.th/plugking.official2' → 'plugkingofficial'; 'https://www.cheap-plug.com/x' → 'cheap-plug.com'."""
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None
    if not any(m in host for m in MARKETPLACES):
        return host if "." in host else None
    segments = [s for s in parts.path.split("/") if s and s not in GENERIC_SEGMENTS]
    if not segments:
        return None
    stem = re.sub(r"[\W_]+", "", segments[0]).rstrip("0123456789")
    return stem if len(stem) >= 5 and not stem.isdigit() else None


def _urls(text: str) -> set[str]:
    out = set()
    for m in URL_RE.finditer(text):
        if m.group(1).startswith(("line.me",)):
            continue  # a LINE link: its id is read as `line`
        k = shop_url_key(m.group(0))
        if k:
            out.add(k)
    return out


def valid_tax_id(digits: str) -> bool:
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def _tax_ids(text: str) -> set[str]:
    out = set()
    for w in TAX_WORD_RE.finditer(text):
        m = TAX_ID_RE.search(text, w.end(), w.end() + 60)
        if m:
            digits = re.sub(r"\D", "", m.group(1))
            if valid_tax_id(digits):
                out.add(digits)
    return out


def _addresses(text: str) -> set[str]:
    out = set()
    for m in ADDRESS_RE.finditer(text):
        chunk = m.group(1)
        pc = POSTCODE_RE.search(chunk)
        if pc:
            key = "".join(ch for ch in chunk[: pc.end()] if unicodedata.category(ch)[0] in "LNM")  # Thai marks kept
            if len(key) >= 12:
                out.add(key)
    return out


def extract_contacts(
    title: str,
    description: str | None,
    attributes: dict[str, str] | None,
    shop_url: str | None,
    juristic_id: str | None,
) -> tuple[tuple[str, str], ...]:
    """Every (kind, value) a listing and its seller show, sorted and unique. `title` and `description`
    come normalised (detect.text.normalize), attribute values as written."""
    attrs = [normalize(v, fold_repeats=False).text for v in (attributes or {}).values() if v]
    text = "\n".join(t for t in (title, description, *attrs) if t)
    found: set[tuple[str, str]] = set()
    for kind, fn in (
        ("phone", _phones),
        ("line", _lines),
        ("email", _emails),
        ("shop_url", _urls),
        ("juristic_id", _tax_ids),
        ("address", _addresses),
    ):
        found.update((kind, v) for v in fn(text))
    if shop_url and (k := shop_url_key(shop_url)):
        found.add(("shop_url", k))
    if juristic_id and len(juristic_id) == 13 and juristic_id.isdigit():
        found.add(("juristic_id", juristic_id))
    return tuple(sorted(found))
