"""Load the catalogue CSVs into the store, and read it back as a `Catalogue`."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, select, update

from tisguard.catalogue.licence_stats import (
    MANDATORY,
    LicenceStats,
    attribution_for,
    is_stats_file,
    keep_imported_copy,
    packaged_stats_path,
    read_licence_stats_csv,
)
from tisguard.catalogue.model import Catalogue, Standard
from tisguard.store.tables import standards
from tisguard.tisno import canonical_tis

REQUIRED = ("tis_number", "year_be", "name_th", "source")


def packaged_catalogue_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / "tisi_mandatory_standards.csv"))


def _read_dates(path: Path) -> dict[tuple[str, int], dict]:
    if not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                out[(canonical_tis(row["tis_number"]), int(row["year_be"]))] = row
            except (ValueError, KeyError):
                continue
    return out


def standard_row(
    tis_number: str, year_be, name_th: str, name_en: str | None, source: str, dates: dict | None = None
) -> tuple[dict | None, list[tuple[str, str]]]:
    """Validate one edition and shape it for the table; errors are (field, reason), all of them."""
    errors: list[tuple[str, str]] = []
    tis = None
    try:
        tis = canonical_tis(tis_number or "")
    except ValueError as e:
        errors.append(("tis_number", str(e)))
    year_s = str(year_be or "").strip()
    if not (year_s.isdigit() and 2480 <= int(year_s) <= 2700):
        errors.append(("year_be", f"not a Buddhist-era year: {year_be!r}"))
    if not (name_th or "").strip():
        errors.append(("name_th", "empty"))
    if not (source or "").strip():
        errors.append(("source", "empty: every standard needs its source"))
    if errors:
        return None, errors
    d = dates or {}
    return {
        "tis_number": tis,
        "number": int(tis.split(" ")[0]),
        "part": tis.split(" ", 2)[2] if " " in tis else None,
        "year_be": int(year_s),
        "name_th": name_th.strip(),
        "name_en": (name_en or "").strip() or None,
        "source": source.strip(),
        "effective_date": d.get("effective_date_iso_derived") or None,
        "effective_date_as_written": d.get("effective_date_as_written") or None,
        "evidence_of_status": d.get("evidence_of_status") or None,
    }, []


def read_catalogue_csv(path: Path, dates_path: Path | None = None) -> tuple[list[dict], list[dict]]:
    """Parse the catalogue CSV; return (rows, errors) where each error names row and field."""
    dates = _read_dates(dates_path or path.with_name(path.stem + "_effective_dates.csv"))
    rows, errors = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            return [], [{"row": 1, "field": c, "reason": "column missing from header"} for c in missing]
        for n, raw in enumerate(reader, start=2):
            key = None
            try:
                key = (canonical_tis(raw["tis_number"]), int(raw["year_be"]))
            except (ValueError, TypeError):
                pass
            row, errs = standard_row(
                raw["tis_number"], raw["year_be"], raw["name_th"], raw.get("name_en"), raw["source"], dates.get(key, {})
            )
            if errs:
                errors.extend({"row": n, "field": f, "reason": r} for f, r in errs)
            else:
                rows.append(row)
    return rows, errors


def stats_catalogue_rows(stats: list[LicenceStats]) -> list[dict]:
    """The mandatory rows of TISI's licence statistics, shaped for the standards table."""
    out = []
    for s in stats:
        if s.mandatory:
            evidence = f"mandatory (ประเภทมาตรฐาน {MANDATORY}) in TISI licence statistics; ลำดับ {s.row_no}"
            row, _ = standard_row(
                s.tis_number, s.year_be, s.name_th, s.name_en, s.source, {"evidence_of_status": evidence}
            )
            out.append(row)
    return out


def import_catalogue_file(
    engine: Engine, path: Path, source: str | None = None, data_dir: Path | None = None
) -> tuple[dict, list[dict]]:
    """Import a catalogue CSV, or TISI's licence statistics (told apart by the header).

    From the statistics only mandatory standards are added, and only editions the store lacks: the
    editions already there keep their own source and names. With `data_dir`, the statistics are kept
    there so the pages show their counts."""
    if not is_stats_file(path):
        rows, errors = read_catalogue_csv(path)
        return upsert_standards(engine, rows), errors
    attribution = source or attribution_for(path)
    stats, errors = read_licence_stats_csv(path, attribution)
    result = upsert_standards(engine, stats_catalogue_rows(stats), keep_existing=True)
    result["general_skipped"] = sum(not s.mandatory for s in stats)
    if data_dir is not None and stats and attribution:
        keep_imported_copy(path, data_dir, attribution)
    return result, errors


def import_packaged(engine: Engine) -> tuple[dict, list[dict]]:
    """The packaged catalogue, then the mandatory standards of the packaged licence statistics."""
    first, errors = import_catalogue_file(engine, packaged_catalogue_path())
    second, more = import_catalogue_file(engine, packaged_stats_path())
    total = {k: first.get(k, 0) + second.get(k, 0) for k in ("added", "updated", "kept")}
    return {**total, "general_skipped": second["general_skipped"]}, errors + more


def upsert_standards(engine: Engine, rows: list[dict], keep_existing: bool = False) -> dict:
    """Insert new editions, update known ones (or, with keep_existing, leave them as they are); then
    mark older editions of a number superseded."""
    now = datetime.now(UTC)
    added = updated = kept = 0
    with engine.begin() as conn:
        existing = {
            (r.tis_number, r.year_be): r.id
            for r in conn.execute(select(standards.c.id, standards.c.tis_number, standards.c.year_be))
        }
        for row in rows:
            key = (row["tis_number"], row["year_be"])
            if key in existing and keep_existing:
                kept += 1
            elif key in existing:
                conn.execute(update(standards).where(standards.c.id == existing[key]).values(**row, updated_at=now))
                updated += 1
            else:
                conn.execute(standards.insert().values(**row, status="active", updated_at=now))
                existing[key] = -1
                added += 1
        _mark_superseded(conn)
    return {"added": added, "updated": updated, "kept": kept}


def _mark_superseded(conn) -> None:
    rows = conn.execute(
        select(
            standards.c.id,
            standards.c.tis_number,
            standards.c.year_be,
            standards.c.status,
            standards.c.evidence_of_status,
        )
    ).all()
    newest: dict[str, int] = {}
    for r in rows:
        if r.status != "retired":
            newest[r.tis_number] = max(newest.get(r.tis_number, 0), r.year_be)
    for r in rows:
        if r.status == "retired":
            continue
        is_old = r.year_be < newest[r.tis_number] or (r.evidence_of_status or "").startswith("superseded")
        conn.execute(
            update(standards)
            .where(standards.c.id == r.id)
            .values(
                status="superseded" if is_old else "active",
                superseded_by_year=newest[r.tis_number] if is_old and r.year_be < newest[r.tis_number] else None,
            )
        )


def set_status(engine: Engine, tis: str, year_be: int, status: str) -> bool:
    with engine.begin() as conn:
        res = conn.execute(
            update(standards)
            .where(standards.c.tis_number == canonical_tis(tis), standards.c.year_be == year_be)
            .values(status=status, updated_at=datetime.now(UTC))
        )
        _mark_superseded(conn)
        return res.rowcount > 0


def load_catalogue(engine: Engine) -> Catalogue:
    with engine.connect() as conn:
        rows = conn.execute(select(standards)).all()
    return Catalogue(
        [Standard(r.tis_number, r.year_be, r.name_th, r.name_en, r.source, r.status, r.effective_date) for r in rows]
    )


def ensure_catalogue(engine: Engine) -> Catalogue:
    """The store's catalogue; on an empty store, import the packaged copy first."""
    cat = load_catalogue(engine)
    if not cat.editions:
        import_packaged(engine)
        cat = load_catalogue(engine)
    return cat


def catalogue_from_csv(path: Path | None = None) -> Catalogue:
    """A catalogue straight from a CSV (by default the packaged catalogue and the mandatory standards of
    the packaged licence statistics), for store-less scans."""
    if path is not None and is_stats_file(path):
        rows = stats_catalogue_rows(read_licence_stats_csv(path)[0])
    else:
        rows, _ = read_catalogue_csv(path or packaged_catalogue_path())
    if path is None:
        have = {(r["tis_number"], r["year_be"]) for r in rows}
        extra = stats_catalogue_rows(read_licence_stats_csv(packaged_stats_path())[0])
        rows += [r for r in extra if (r["tis_number"], r["year_be"]) not in have]
    newest: dict[str, int] = {}
    for r in rows:
        newest[r["tis_number"]] = max(newest.get(r["tis_number"], 0), r["year_be"])
    return Catalogue(
        [
            Standard(
                r["tis_number"],
                r["year_be"],
                r["name_th"],
                r["name_en"],
                r["source"],
                "active" if r["year_be"] == newest[r["tis_number"]] else "superseded",
                r["effective_date"],
            )
            for r in rows
        ]
    )
