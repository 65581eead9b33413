"""TISI's monthly licence statistics (open data, CC BY 4.0): every standard that has licences, with its
official Thai and English title, whether it is mandatory, and how many licences and licensees it has.

Two uses: its mandatory rows extend the catalogue (each row keeps this file as its source; editions the
catalogue already holds keep theirs), and its counts are shown next to a standard wherever officers look
at one. The counts live in the CSV itself (the packaged copy, or the newest one an administrator imported
into the data directory), not in the standards table.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tisguard.tisno import canonical_tis

PACKAGED_NAME = "tisi_licence_stats_2025_11.csv"
IMPORTED_NAME = "tisi_licence_stats.csv"  # the copy `catalogue import` keeps in the data directory
SOURCE_PREFIX = "[TISI open data]"
MANDATORY = "บังคับ"
MONTHS = ("January February March April May June July August September October November December").split()

# source column -> field; the counts are the make / import / display-the-mark licences and licensees
COLUMNS = {
    "ลำดับ": "row_no",
    "เลขที่ มอก.": "tis_edition",
    "ชื่อ มอก. ภาษาไทย": "name_th",
    "ชื่อ มอก. ภาษาอังกฤษ": "name_en",
    "ประเภทมาตรฐาน": "kind",
    "จำนวนใบอนุญาตทำ": "make_licences",
    "จำนวนผู้ประกอบการทำ": "make_licensees",
    "จำนวนใบอนุญาตนำเข้า": "import_licences",
    "จำนวนผู้ประกอบการนำเข้า": "import_licensees",
    "จำนวนใบอนุญาตแสดง": "display_licences",
    "จำนวนผู้ประกอบการแสดง": "display_licensees",
    "จำนวนใบอนุญาตทั้งหมด": "total_licences",
}
COUNTS = [f for f in COLUMNS.values() if f.endswith(("_licences", "_licensees"))]
_EDITION = re.compile(r"^(.{1,40}?)\s*-\s*(\d{4})$")
_FILE_PERIOD = re.compile(r"tisi_licence_stats_(\d{4})_(\d{2})\.csv$")


@dataclass(frozen=True)
class LicenceStats:
    tis_number: str
    year_be: int
    name_th: str
    name_en: str | None
    mandatory: bool
    make_licences: int
    make_licensees: int
    import_licences: int
    import_licensees: int
    display_licences: int
    display_licensees: int
    total_licences: int
    row_no: str
    source: str  # the file's attribution and this row's ลำดับ


def packaged_stats_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / PACKAGED_NAME))


def attribution_for(path: Path) -> str | None:
    """The CC BY attribution for a statistics file named like TISI's (`tisi_licence_stats_YYYY_MM.csv`)."""
    m = _FILE_PERIOD.search(path.name)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    month = MONTHS[int(m.group(2)) - 1]
    return f"Source: Thai Industrial Standards Institute (TISI), licence statistics, {month} {m.group(1)}, CC BY 4.0"


def parse_edition(text: str) -> tuple[str, int]:
    """'685 เล่ม 1-2562' -> ('685 เล่ม 1', 2562); '60335 เล่ม 2(7)-2567' -> ('60335 เล่ม 2(7)', 2567)."""
    m = _EDITION.match((text or "").strip())
    if not m:
        raise ValueError(f"not a TIS number with its edition year: {text!r} (expected e.g. '685 เล่ม 1-2562')")
    return canonical_tis(m.group(1)), int(m.group(2))


def is_stats_file(path: Path) -> bool:
    """True when the CSV has TISI's licence-statistics header (rather than the catalogue's)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    return "เลขที่ มอก." in header


def read_licence_stats_csv(path: Path, attribution: str | None = None) -> tuple[list[LicenceStats], list[dict]]:
    """Parse a licence-statistics CSV; return (rows, errors), each error naming row, field and reason."""
    attribution = attribution or attribution_for(path)
    if not attribution:
        return [], [{"row": 0, "field": "source", "reason": f"{path.name}: say where the file comes from (--source)"}]
    rows, errors = [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            return [], [{"row": 1, "field": c, "reason": "column missing from header"} for c in missing]
        for n, raw in enumerate(reader, start=2):
            row, errs = _stats_row(raw, attribution)
            if errs:
                errors.extend({"row": n, "field": f, "reason": r} for f, r in errs)
            else:
                rows.append(row)
    return rows, errors


def _stats_row(raw: dict, attribution: str) -> tuple[LicenceStats | None, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    tis = year = None
    try:
        tis, year = parse_edition(raw["เลขที่ มอก."])
    except ValueError as e:
        errors.append(("เลขที่ มอก.", str(e)))
    if year is not None and not 2480 <= year <= 2700:
        errors.append(("เลขที่ มอก.", f"not a Buddhist-era year: {year}"))
    if not (raw["ชื่อ มอก. ภาษาไทย"] or "").strip():
        errors.append(("ชื่อ มอก. ภาษาไทย", "empty"))
    counts: dict[str, int] = {}
    for column, field in COLUMNS.items():
        if field in COUNTS:
            value = (raw[column] or "").strip().replace(",", "")
            if value.isdigit():
                counts[field] = int(value)
            else:
                errors.append((column, f"not a count: {raw[column]!r}"))
    if not errors and counts["total_licences"] != sum(
        counts[f] for f in COUNTS if f.endswith("_licences") and f != "total_licences"
    ):
        errors.append(("จำนวนใบอนุญาตทั้งหมด", "is not make + import + display licences"))
    if errors:
        return None, errors
    row_no = (raw["ลำดับ"] or "").strip()
    return LicenceStats(
        tis_number=tis,
        year_be=year,
        name_th=raw["ชื่อ มอก. ภาษาไทย"].strip(),
        name_en=(raw["ชื่อ มอก. ภาษาอังกฤษ"] or "").strip() or None,
        mandatory=(raw["ประเภทมาตรฐาน"] or "").strip() == MANDATORY,
        row_no=row_no,
        source=f"{SOURCE_PREFIX} {attribution}; ลำดับ {row_no}",
        **counts,
    ), []


def keep_imported_copy(path: Path, data_dir: Path, attribution: str) -> Path:
    """Keep the statistics an administrator imported (and their attribution), so pages show the newest counts."""
    dest = data_dir / IMPORTED_NAME
    shutil.copyfile(path, dest)
    (data_dir / (IMPORTED_NAME + ".source")).write_text(attribution, encoding="utf-8")
    return dest


class StatsIndex:
    """The counts by standard; `attribution` is the line any page showing them must carry."""

    def __init__(self, rows: list[LicenceStats], attribution: str):
        self.attribution = attribution
        self._by_tis: dict[str, list[LicenceStats]] = {}
        for r in rows:
            self._by_tis.setdefault(r.tis_number, []).append(r)

    def for_tis(self, tis: str | None) -> list[LicenceStats]:
        return self._by_tis.get(tis or "", [])

    def edition(self, tis: str, year_be: int) -> LicenceStats | None:
        return next((r for r in self.for_tis(tis) if r.year_be == year_be), None)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_tis.values())


def licence_stats(data_dir: Path | None = None) -> StatsIndex:
    """The newest statistics: the copy imported into the data directory, else the packaged file."""
    path, attribution = packaged_stats_path(), None
    if data_dir is not None and (data_dir / IMPORTED_NAME).exists():
        path = data_dir / IMPORTED_NAME
        src = data_dir / (IMPORTED_NAME + ".source")
        attribution = src.read_text(encoding="utf-8").strip() if src.exists() else None
    return _load(path, path.stat().st_mtime_ns, attribution)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, attribution: str | None) -> StatsIndex:
    attribution = attribution or attribution_for(path) or "Source: Thai Industrial Standards Institute (TISI)"
    rows, _ = read_licence_stats_csv(path, attribution)
    return StatsIndex(rows, attribution)
