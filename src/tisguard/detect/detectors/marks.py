"""Standard numbers, licence numbers and vague conformity claims, as sellers write them.

All patterns run on normalised text (lower case, Arabic digits, NFKC); spans map back to the
original. A number is never matched inside a longer number or word.
"""

from __future__ import annotations

import re
from itertools import islice

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.detect.text import normalized_text
from tisguard.tisno import canonical_part, licence_key, licence_parts, tis_label

TEXT_FIELDS = ("title", "description")
# Standard numbers kept per text: a real listing states a few; 800 copies of one (a flood) say nothing more.
MAX_MENTIONS = 50
_PART = r"(?:\s*+(?:เล่ม|part|pt\.?)\s*+(\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?))?"
_STD_PREFIX = r"(?:ม\s*+\.?\s*+อ\s*+\.?\s*+ก|tisi|tis|thai\s+industrial\s+standards?)"
STANDARD_RE = re.compile(
    r"(?<![a-z])" + _STD_PREFIX + r"\s*+\.?\s*+[:：]?\s*+(?:เลขที่|เลข|no\.?|number|#)?\s*+[.:]?\s*+"
    r"(?<!\d)(\d{1,5})(?![\d.]\d)" + _PART + r"(?:\s*+[-–/]\s*+(25\d\d)(?!\d))?(?![\da-z])"
)
LOOSE_STANDARD_RE = re.compile(r"(?<![\d/])(\d{2,5})" + _PART + r"\s*+[-–]\s*+(25\d\d)(?!\d)")
_LIC_KEYWORD = re.compile(r"(ใบอนุญาต|licen[cs]e|lic\.|เลขที่อนุญาต)")
# The standard after the slash, however the part of a multi-part standard is written: `2432`,
# `685 เล่ม 1`, `60335 เล่ม 2(7)`, `685(1)`, `60335(2-7)`, `60335(2)(7)`, `11(3)` (tisno reads them all).
_LIC_STD = (
    r"(\d{1,5}(?:\s*+(?:เล่ม|part|pt\.?)\s*+\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?"
    r"|\s*+\(\s*+\d{1,3}\s*+(?:[-–]\s*+\d{1,3}\s*+)?\)(?:\s*+\(\s*+\d{1,3}\s*+\))?)?)(?![\d/])"
)
LICENCE_RE = re.compile(
    r"(?:(?<=ที่)|(?<=อนุญาต)|(?<![ก-๙a-z0-9]))\(?\s*+(นค|ท|น|ส)?\s*+\)?\s*+\.?\s*+(?<![\d-])(\d{1,7})\s*+[-–]\s*+(\d{1,5})\s*+/\s*+"
    + _LIC_STD
)
VAGUE_RE = re.compile(
    r"(ไม่\s*+มี\s*+)?(มี\s*+(?:ม\s*+\.?\s*+อ\s*+\.?\s*+ก|tis)|ได้\s*+(?:รับ)?\s*+(?:มาตรฐาน\s*+)?มอก|ผ่าน\s*+(?:การ)?\s*+(?:รับรอง\s*+)?มาตรฐาน|"
    r"มาตรฐาน\s*+มอก|มอก\.?\s*+รับรอง|ได้มาตรฐาน|tisi?\s*+certified|certified\s*+(?:by\s*+)?tisi?|มีเครื่องหมาย\s*+มอก)"
)
_MARK = r"(?:มอก|ม\s*+\.\s*+อ\s*+\.\s*+ก|tisi?(?![a-z]))"
NEGATION_RE = re.compile(
    r"(ไม่\s*+(?:มี|ได้|ผ่าน)\s*+(?:ใบอนุญาต|ใบ|มาตรฐาน|การรับรอง)?\s*+"
    + _MARK
    + r"|(?<![a-z])(?:no|without)\s+tisi?(?![a-z]))"
)
# Words before a 'ไม่มี มอก.' that turn it into a warning about other sellers' goods (an implied claim),
# e.g. 'ระวังสินค้าไม่มี มอก.', 'เราไม่ขายของไม่มี มอก.'.
_CAUTION_RE = re.compile(r"ระวัง|อย่าซื้อ|หลีกเลี่ยง|ไม่ขาย|ไม่ใช่|ต่างจาก|ไม่เหมือน|beware|avoid|unlike")
# 'มอก.' on its own in a title: the mark without a number ('ปลั๊กพ่วง มอก.'); not inside 'หมอก' (fog),
# not before a number (a standard number, found by StandardNumberDetector) and not run into a Thai word.
BARE_MARK_RE = re.compile(
    r"(?<!ห)(?:มอก|ม\s*+\.\s*+อ\s*+\.\s*+ก)(?:\s*+\.|(?![ก-๙]))(?!\s*+[.:：]?\s*+(?:เลขที่|เลข|no\.?)?\s*+[.:]?\s*+\d)"
)
# Attribute values that say yes or no to a 'มอก.' / 'ใบอนุญาต' attribute (`มอก.: มี`, `TIS: no`).
_POLITE = r"(?:\s*+(?:ครับ|ค่ะ|คะ|จ้า|นะ|แล้ว|ค่า))*+\s*+$"
ATTR_YES_RE = re.compile(r"^\s*+(?:มี|ผ่าน|ได้รับ|ได้|yes|y|true|certified|approved)" + _POLITE)
ATTR_NO_RE = re.compile(r"^\s*+(?:ไม่มี|ไม่ผ่าน|ไม่ได้|ไม่|no|none|false|not\s+certified)" + _POLITE)
ATTR_MARK_KEY = re.compile(r"มอก|ม\.อ\.ก|tis|ใบอนุญาต|licen")
# Raw attribute text that could hold a claim or an admission; the rest is never normalised.
_ATTR_RAW_GATE = re.compile(
    "มอก|ม\\s*+\\.|[Tt][Ii][Ss]|มาตรฐาน|[Ss][Tt][Aa][Nn][Dd][Aa][Rr][Dd]|อนุญาต|[Ll][Ii][Cc]|[Cc][Ee][Rr][Tt]|รับรอง"
    "|[\uff34\uff54\uff2d\u200b-\u200f\u2060\ufeff]|&#"
)
_GATE = re.compile(r"มอก|ม\s*+\.\s*+อ|tis|/\s*+\d|มาตรฐาน|ใบอนุญาต|licen")
# The same gate on raw text, so most descriptions are never normalised at all; anything that
# normalisation could turn into a match (Thai digits, full-width, invisible marks) opens it too.
_RAW_GATE = re.compile(
    "มอก|ม\\s*+\\.|[Tt][Ii][Ss]|/\\s*+[\\d๐-๙]|ผ่าน|ได้มาตรฐาน|มาตรฐาน\\s*+ม|ใบอนุญาต|อนุญาต|[Ll][Ii][Cc]"
    "|[\uff34\uff54\uff2d\u200b-\u200f\u2060\ufeff]|&#"
)
ATTR_STD_KEY = re.compile(r"มอก|tis|มาตรฐาน|standard")
ATTR_LIC_KEY = re.compile(r"ใบอนุญาต|licen|อนุญาต")


def _fields(ctx: ListingContext) -> list[tuple[str, object]]:
    """The text fields worth searching for marks (computed once per listing, shared by the three detectors)."""
    cached = ctx.mark_fields
    if cached is None:
        cached = []
        for f in TEXT_FIELDS:
            raw = getattr(ctx.listing, f)
            if raw and _RAW_GATE.search(raw):
                n = ctx.norm(f)
                if _GATE.search(n.text):
                    cached.append((f, n))
        ctx.mark_fields = cached
    return cached


class StandardNumberDetector(Detector):
    """`มอก.2432-2555`, `มอก 2432/2555`, `TIS 2432-2555`, `ม.อ.ก.`, Thai digits, attributes."""

    name, version = "standard_number", "1.1"
    emits = {"standard_number": Signal(Group.CLAIM, weight=-0.8)}
    provides = ("stated_numbers",)

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        out = []
        for f, n in _fields(ctx):
            out.extend(self.from_text(ctx, f, n))
        for key, val in ctx.listing.attributes.items():
            nk, nv = normalized_text(key), normalized_text(val)
            if ATTR_STD_KEY.search(nk) and not ATTR_LIC_KEY.search(nk):
                m = re.match(
                    r"^\s*+(?:" + _STD_PREFIX + r"\s*+\.?\s*+)?(\d{1,5})" + _PART + r"(?:\s*+[-–/]\s*+(25\d\d))?\s*+$",
                    nv,
                )
                if m:
                    out.append(
                        self._make(
                            ctx,
                            "attributes",
                            f"{key}: {val}",
                            None,
                            m.group(1),
                            canonical_part(m.group(2)),
                            m.group(3),
                        )
                    )
        return out

    def from_text(self, ctx: ListingContext, source: str, n, loose: bool = False) -> list[Evidence]:
        """Standard numbers in one normalised text. `loose` (OCR text): also a bare NNNN-25NN whose number
        and year are an edition in the catalogue, since OCR often garbles the 'มอก.' before it."""
        out = [
            self._make(
                ctx,
                source,
                n.original_slice(m.start(), m.end()),
                n.span_in_original(m.start(), m.end()),
                m.group(1),
                canonical_part(m.group(2)),
                m.group(3),
            )
            for m in islice(STANDARD_RE.finditer(n.text), MAX_MENTIONS)
        ]
        if loose and not out:
            for m in LOOSE_STANDARD_RE.finditer(n.text):
                part = canonical_part(m.group(2))
                tis = tis_label(m.group(1), part)
                if ctx.ref.catalogue.edition(tis, int(m.group(3))) is not None:
                    out.append(self._make(ctx, source, m.group(0), None, m.group(1), part, m.group(3)))
        return out

    def _make(self, ctx, source, text, span, number, part, year) -> Evidence:
        tis = tis_label(number, part)
        known = ctx.ref.catalogue.has(tis)
        label = f"มอก. {tis}" + (f"-{year}" if year else "")
        return self.evidence(
            "standard_number",
            source,
            f"ประกาศเลขมาตรฐาน {label}" + ("" if known else " (ไม่พบในบัญชีมาตรฐานบังคับ)"),
            f"states standard {label}" + ("" if known else " (not in the mandatory catalogue)"),
            text=text,
            span=span,
            value={"tis": tis, "year_be": int(year) if year else None, "in_catalogue": known},
        )


class LicenceNumberDetector(Detector):
    """`ใบอนุญาตเลขที่ ท 1234-5/2432`, `License No. ท1234-5/2432`, split across lines or in attributes."""

    name, version = "licence_number", "1.1"
    emits = {"licence_number": Signal(Group.FINDING)}
    provides = ("stated_numbers",)

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        out, seen = [], set()
        for f, n in _fields(ctx):
            out.extend(self.from_text(f, n, seen))
        for key, val in ctx.listing.attributes.items():
            if ATTR_LIC_KEY.search(normalized_text(key)):
                m = LICENCE_RE.search(normalized_text(val))
                if m:
                    self._add(out, seen, "attributes", f"{key}: {val}", None, m)
        return out

    def from_text(self, source: str, n, seen: set | None = None) -> list[Evidence]:
        """Licence numbers in one normalised text (listing text, OCR text or a QR payload)."""
        out, seen = [], seen if seen is not None else set()
        for m in LICENCE_RE.finditer(n.text):
            if not m.group(1) and not _LIC_KEYWORD.search(n.text, max(0, m.start() - 40), m.start()):
                continue  # a bare 1234-5/2432 is only a licence when a licence keyword is near
            self._add(
                out, seen, source, n.original_slice(m.start(), m.end()), n.span_in_original(m.start(), m.end()), m
            )
        return out

    def _add(self, out, seen, source, text, span, m) -> None:
        suffix = re.sub(r"\s+", "", m.group(4))
        suffix = re.sub(r"(?:เล่ม|part|pt\.?)", " เล่ม ", suffix).strip()
        number = f"{m.group(1) or ''}{m.group(2)}-{m.group(3)}/{suffix}"
        key = licence_key(number)
        if key in seen:
            return
        seen.add(key)
        parts = licence_parts(number)
        out.append(
            self.evidence(
                "licence_number",
                source,
                f"แสดงเลขที่ใบอนุญาต {number}",
                f"shows licence number {number}",
                text=text,
                span=span,
                value={"licence_no": number, "licence_key": key, "tis": parts["tis"] if parts else suffix},
            )
        )


class VagueClaimDetector(Detector):
    """Claims of conformity with nothing checkable, and admissions that there is none.

    Claims (`vague_claim`): `มี มอก.`, `ได้มาตรฐาน มอก.`, `ผ่านมาตรฐาน`, `TIS certified`, the mark alone in
    a title (`ปลั๊กพ่วง มอก.`), an attribute `มอก.: มี`, and a warning about goods without it
    (`ระวังสินค้าไม่มี มอก.`, which implies the seller's own has it). Admissions (`no_tis_admitted`):
    `ไม่มี มอก.`, `ไม่ผ่าน มอก.`, `no TIS`, an attribute `มอก.: ไม่มี`. One piece of evidence per field."""

    name, version = "vague_claim", "1.2"
    emits = {"vague_claim": Signal(Group.CLAIM, weight=-0.2), "no_tis_admitted": Signal(Group.ADMISSION, weight=3.0)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        out = []
        for f, n in _fields(ctx):
            found = self._in_text(f, n)
            if found:
                out.append(found)
        found = self._in_attributes(ctx)
        if found:
            out.append(found)
        return out

    def _in_text(self, f: str, n) -> Evidence | None:
        claim = None
        for neg in NEGATION_RE.finditer(n.text):
            if _CAUTION_RE.search(n.text, max(0, neg.start() - 30), neg.start()):
                claim = claim or neg  # a warning about others' goods: an implied claim
                continue
            return self._admission(
                f, n.original_slice(neg.start(), neg.end()), n.span_in_original(neg.start(), neg.end())
            )
        # the first claim not written as 'ไม่มี …' (NEGATION_RE has judged those above)
        m = next((v for v in VAGUE_RE.finditer(n.text) if not v.group(1)), None)
        if m is None and f == "title":
            m = BARE_MARK_RE.search(n.text)
        m = m or claim
        if m is None:
            return None
        return self._claim(f, n.original_slice(m.start(), m.end()), n.span_in_original(m.start(), m.end()))

    def _in_attributes(self, ctx: ListingContext) -> Evidence | None:
        for key, val in ctx.listing.attributes.items():
            if not (_ATTR_RAW_GATE.search(key) or _ATTR_RAW_GATE.search(val)):
                continue
            nk, nv = normalized_text(key), normalized_text(val)
            marked = ATTR_MARK_KEY.search(nk) is not None
            if (marked and ATTR_NO_RE.match(nv)) or NEGATION_RE.search(nv):
                return self._admission("attributes", f"{key}: {val}", None)
            if (marked or ATTR_STD_KEY.search(nk)) and ATTR_YES_RE.match(nv):
                return self._claim("attributes", f"{key}: {val}", None)
            if VAGUE_RE.search(nv) or BARE_MARK_RE.fullmatch(nv.strip()):
                return self._claim("attributes", f"{key}: {val}", None)
        return None

    def _admission(self, source: str, text: str, span) -> Evidence:
        return self.evidence(
            "no_tis_admitted",
            source,
            "ผู้ขายระบุว่าสินค้าไม่มี มอก.",
            "seller says the product has no TIS certification",
            text=text,
            span=span,
        )

    def _claim(self, source: str, text: str, span) -> Evidence:
        return self.evidence(
            "vague_claim",
            source,
            "อ้างว่าได้มาตรฐาน มอก. แต่ไม่ระบุเลขที่ตรวจสอบได้",
            "claims TIS conformity without a checkable number",
            text=text,
            span=span,
        )
