"""Standard numbers, licence numbers and vague conformity claims, as sellers write them.

All patterns run on normalised text (lower case, Arabic digits, NFKC); spans map back to the
original. A number is never matched inside a longer number or word.
"""

from __future__ import annotations

import re

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.detect.text import normalize
from tisguard.tisno import canonical_part, licence_key, tis_label

TEXT_FIELDS = ("title", "description")
_PART = r"(?:\s*+(?:เล่ม|part|pt\.?)\s*+(\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?))?"
_STD_PREFIX = r"(?:ม\s*+\.?\s*+อ\s*+\.?\s*+ก|tisi|tis|thai\s+industrial\s+standards?)"
STANDARD_RE = re.compile(
    r"(?<![a-z])" + _STD_PREFIX + r"\s*+\.?\s*+[:：]?\s*+(?:เลขที่|เลข|no\.?|number|#)?\s*+[.:]?\s*+"
    r"(?<!\d)(\d{1,5})(?![\d.]\d)" + _PART + r"(?:\s*+[-–/]\s*+(25\d\d)(?!\d))?(?![\da-z])"
)
LOOSE_STANDARD_RE = re.compile(r"(?<![\d/])(\d{2,5})" + _PART + r"\s*+[-–]\s*+(25\d\d)(?!\d)")
_LIC_KEYWORD = re.compile(r"(ใบอนุญาต|licen[cs]e|lic\.|เลขที่อนุญาต)")
LICENCE_RE = re.compile(
    r"(?:(?<=ที่)|(?<=อนุญาต)|(?<![ก-๙a-z0-9]))\(?\s*+(นค|ท|น|ส)?\s*+\)?\s*+\.?\s*+(?<![\d-])(\d{1,7})\s*+[-–]\s*+(\d{1,5})\s*+/\s*+"
    r"(\d{1,5}(?:\s*+เล่ม\s*+\d{1,2}(?:\s*+\(\s*+\d{1,3}\s*+\))?)?)(?![\d/])"
)
VAGUE_RE = re.compile(
    r"(ไม่\s*+มี\s*+)?(มี\s*+(?:ม\s*+\.?\s*+อ\s*+\.?\s*+ก|tis)|ได้\s*+(?:รับ)?\s*+(?:มาตรฐาน\s*+)?มอก|ผ่าน\s*+(?:การ)?\s*+(?:รับรอง\s*+)?มาตรฐาน|"
    r"มาตรฐาน\s*+มอก|มอก\.?\s*+รับรอง|ได้มาตรฐาน|tisi?\s*+certified|certified\s*+(?:by\s*+)?tisi?|มีเครื่องหมาย\s*+มอก)"
)
NEGATION_RE = re.compile(r"(ไม่\s*+(?:มี|ได้)\s*+(?:ใบ)?\s*+(?:มอก|ม\.อ\.ก|tis)|ไม่ผ่าน\s*+มอก|no\s+tis|without\s+tis)")
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
            nk, nv = normalize(key).text, normalize(val).text
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
            for m in STANDARD_RE.finditer(n.text)
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
            if ATTR_LIC_KEY.search(normalize(key).text):
                m = LICENCE_RE.search(normalize(val).text)
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
        tis = re.sub(r"\s*เล่ม\s*", " เล่ม ", m.group(4)).strip()
        number = f"{m.group(1) or ''}{m.group(2)}-{m.group(3)}/{tis}"
        key = licence_key(number)
        if key in seen:
            return
        seen.add(key)
        out.append(
            self.evidence(
                "licence_number",
                source,
                f"แสดงเลขที่ใบอนุญาต {number}",
                f"shows licence number {number}",
                text=text,
                span=span,
                value={"licence_no": number, "licence_key": key, "tis": tis},
            )
        )


class VagueClaimDetector(Detector):
    """Claims of conformity with nothing checkable (`มีมอก.`, `ผ่านมาตรฐาน`), and admissions (`ไม่มี มอก.`)."""

    name, version = "vague_claim", "1.1"
    emits = {"vague_claim": Signal(Group.CLAIM, weight=-0.2), "no_tis_admitted": Signal(Group.ADMISSION, weight=3.0)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        out = []
        for f, n in _fields(ctx):
            neg = NEGATION_RE.search(n.text)
            if neg:
                out.append(
                    self.evidence(
                        "no_tis_admitted",
                        f,
                        "ผู้ขายระบุว่าสินค้าไม่มี มอก.",
                        "seller says the product has no TIS certification",
                        text=n.original_slice(neg.start(), neg.end()),
                        span=n.span_in_original(neg.start(), neg.end()),
                    )
                )
                continue
            m = VAGUE_RE.search(n.text)
            if m and not m.group(1):
                out.append(
                    self.evidence(
                        "vague_claim",
                        f,
                        "อ้างว่าได้มาตรฐาน มอก. แต่ไม่ระบุเลขที่ตรวจสอบได้",
                        "claims TIS conformity without a checkable number",
                        text=n.original_slice(m.start(), m.end()),
                        span=n.span_in_original(m.start(), m.end()),
                    )
                )
        return out
