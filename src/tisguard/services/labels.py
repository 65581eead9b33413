"""What a product's label must show, from the catalogue's label requirements (tisi_standard_details.csv).

TISI's HS-code page of a standard lists, under `ข้อความในฉลาก`, what every unit must be marked with. The
transcription keeps that text verbatim (line breaks and indentation included) and ends an excerpt that was
cut with ` [excerpt cut]`: such a requirement is shown as incomplete, with a link to TISI's page for the
rest. Standards without a transcribed text get only the marks every mandatory standard asks for.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

CUT_MARK = "[excerpt cut]"
DETAILS_NAME = "tisi_standard_details.csv"
_URL = re.compile(r"https?://\S{1,500}+")

# What every product under a mandatory standard carries (the spec's evidence: the mark with the standard's
# number, and the licence number that the registry can check).
GENERAL = (
    {
        "th": "เครื่องหมายมาตรฐานบังคับ (มอก.) พร้อมเลขมาตรฐาน เช่น มอก. {tis}",
        "en": "the mandatory TIS mark with the standard's number, e.g. TIS {tis}",
    },
    {
        "th": "เลขที่ใบอนุญาต เช่น ท1234-5/{tis_no_part} ซึ่งตรวจสอบได้ที่หน้า ตรวจสอบใบอนุญาต",
        "en": "the licence number, e.g. ท1234-5/{tis_no_part}, which you can check on the Verify page",
    },
    {
        "th": "ชื่อผู้ทำหรือผู้นำเข้า หรือเครื่องหมายการค้าที่ตรงกับผู้รับใบอนุญาต",
        "en": "the name of the maker or importer, or a trademark that matches the licence holder",
    },
    {
        "th": "ถ้ามี QR code ต้องพาไปที่เว็บไซต์ของ สมอ. (tisi.go.th) เท่านั้น",
        "en": "a QR code, if there is one, must lead to TISI's own site (tisi.go.th)",
    },
)


@dataclass(frozen=True)
class LabelLine:
    text: str
    level: int  # indentation depth 0-3 as written on TISI's page


@dataclass(frozen=True)
class LabelRequirements:
    tis: str
    year_be: int | None
    lines: tuple[LabelLine, ...] = ()
    complete: bool = False
    source_url: str | None = None
    general: tuple[dict, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "tis": self.tis,
            "year_be": self.year_be,
            "label_text_th": [{"text": l.text, "level": l.level} for l in self.lines],
            "complete": self.complete,
            "source_url": self.source_url,
            "general": list(self.general),
        }


def details_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / DETAILS_NAME))


def _level(raw: str) -> int:
    spaces = len(raw) - len(raw.lstrip(" \t"))
    return min(3, spaces // 4)


@lru_cache(maxsize=2)
def _read(path: Path) -> dict[str, list[tuple[int, LabelRequirements]]]:
    out: dict[str, list[tuple[int, LabelRequirements]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            tis = (row.get("tis_number") or "").strip()
            text = row.get("label_text_th") or ""
            if not tis or not text.strip():
                continue
            complete = CUT_MARK not in text
            text = text.replace(CUT_MARK, "").rstrip()
            lines = tuple(LabelLine(l.strip(), _level(l)) for l in text.splitlines() if l.strip())
            m = _URL.search(row.get("source") or "")
            year = int(row["year_be"]) if (row.get("year_be") or "").isdigit() else None
            out.setdefault(tis, []).append(
                (year or 0, LabelRequirements(tis, year, lines, complete, m.group(0) if m else None))
            )
    return out


def _general(tis: str) -> tuple[dict, ...]:
    no_part = tis.split(" ")[0]
    return tuple({k: v.format(tis=tis, tis_no_part=no_part) for k, v in g.items()} for g in GENERAL)


def label_requirements(
    tis: str | None, year_be: int | None = None, path: Path | None = None
) -> LabelRequirements | None:
    """The label requirements of a standard (the given edition, else the newest transcribed one); None when
    `tis` is empty. A standard without transcribed text still gets the general marks."""
    if not tis:
        return None
    editions = sorted(_read(path or details_path()).get(tis, []), key=lambda e: e[0])
    chosen = next((r for y, r in editions if year_be and y == year_be), None) or (editions[-1][1] if editions else None)
    if chosen is None:
        return LabelRequirements(tis, year_be, general=_general(tis))
    return LabelRequirements(
        chosen.tis, chosen.year_be, chosen.lines, chosen.complete, chosen.source_url, _general(tis)
    )
