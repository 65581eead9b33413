"""Import a registry CSV (spec format) into the store; read it back as a `Registry` snapshot."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, select, update

from tisguard.registry.model import Licence, Registry
from tisguard.store.tables import licences
from tisguard.tisno import canonical_tis, licence_key

COLUMNS = (
    "licence_no",
    "licence_type",
    "tis_number",
    "tis_year",
    "licensee",
    "licensee_juristic_id",
    "brands",
    "status",
    "issued_on",
)
STATUSES = {"active", "suspended", "revoked", "cancelled"}
TYPES = {"ท", "น", "นค", "ส", ""}


def _validate_row(row: dict) -> tuple[dict | None, tuple[str, str] | None]:
    no = (row.get("licence_no") or "").strip()
    if not no:
        return None, ("licence_no", "empty")
    if len(no) > 60:
        return None, ("licence_no", "longer than 60 characters")
    try:
        tis = canonical_tis(row.get("tis_number") or "")
    except ValueError as e:
        return None, ("tis_number", str(e))
    status = (row.get("status") or "").strip().lower()
    if status not in STATUSES:
        return None, ("status", f"{status!r} is not one of {sorted(STATUSES)}")
    ltype = (row.get("licence_type") or "").strip()
    if ltype not in TYPES:
        return None, ("licence_type", f"{ltype!r} is not one of ท, น, นค, ส")
    year = (row.get("tis_year") or "").strip()
    if year and not (year.isdigit() and 2480 <= int(year) <= 2700):
        return None, ("tis_year", f"not a Buddhist-era year: {year!r}")
    jid = (row.get("licensee_juristic_id") or "").strip()
    if jid and not (jid.isdigit() and len(jid) == 13):
        return None, ("licensee_juristic_id", "must be 13 digits")
    issued = (row.get("issued_on") or "").strip()
    if issued:
        try:
            date.fromisoformat(issued)
        except ValueError:
            return None, ("issued_on", f"not an ISO date: {issued!r}")
    licensee = (row.get("licensee") or "").strip()
    if not licensee:
        return None, ("licensee", "empty")
    return {
        "licence_no": no,
        "licence_key": licence_key(no),
        "licence_type": ltype or None,
        "tis_number": tis,
        "tis_year": int(year) if year else None,
        "licensee": licensee,
        "licensee_juristic_id": jid or None,
        "brands": (row.get("brands") or "").strip() or None,
        "status": status,
        "issued_on": issued or None,
    }, None


def read_registry_csv(path: Path) -> tuple[list[dict], list[dict]]:
    rows, errors = [], []
    with path.open(encoding="utf-8", errors="strict", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("licence_no", "tis_number", "licensee", "status") if c not in (reader.fieldnames or [])]
        if missing:
            return [], [{"row": 1, "field": c, "reason": "column missing from header"} for c in missing]
        for n, raw in enumerate(reader, start=2):
            row, err = _validate_row(raw)
            if err:
                errors.append({"row": n, "field": err[0], "reason": err[1], "licence_no": raw.get("licence_no")})
            else:
                rows.append(row)
    return rows, errors


def import_registry(engine: Engine, rows: list[dict]) -> dict:
    now = datetime.now(UTC)
    added = updated = 0
    with engine.begin() as conn:
        known = {r.licence_key: r.id for r in conn.execute(select(licences.c.id, licences.c.licence_key))}
        for row in rows:
            if row["licence_key"] in known:
                conn.execute(
                    update(licences).where(licences.c.id == known[row["licence_key"]]).values(**row, imported_at=now)
                )
                updated += 1
            else:
                conn.execute(licences.insert().values(**row, imported_at=now))
                known[row["licence_key"]] = -1
                added += 1
    return {"added": added, "updated": updated}


def _licence(r) -> Licence:
    return Licence(
        r["licence_no"],
        r["licence_type"],
        r["tis_number"],
        r["tis_year"],
        r["licensee"],
        r["licensee_juristic_id"],
        tuple(b.strip() for b in (r["brands"] or "").split(";") if b.strip()),
        r["status"],
        r["issued_on"],
    )


def load_registry(engine: Engine) -> Registry:
    with engine.connect() as conn:
        return Registry([_licence(r._mapping) for r in conn.execute(select(licences))])


def registry_from_csv(path: Path) -> tuple[Registry, list[dict]]:
    rows, errors = read_registry_csv(path)
    return Registry([_licence(r) for r in rows]), errors
