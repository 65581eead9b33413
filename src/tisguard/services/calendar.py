"""The business-day calendar: Thai public holidays as data an administrator maintains, used by every deadline.

Holidays live in the `holidays` table. Migration 0007 seeds it from `data/thai_holidays.csv`, where every row
names the announcement it comes from; days that could not be sourced are left out, never guessed (the Cabinet
announces each year's holidays, special days and substitutions; an admin adds them as they are announced, at
/admin/holidays or with `tisguard holidays add`). A deadline of N business days skips Saturdays, Sundays and
every holiday in the table (services/thai.py `add_business_days`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, delete, select

from tisguard.services import audit
from tisguard.services.errors import FieldError
from tisguard.services.thai import BANGKOK, add_business_days
from tisguard.store.tables import holidays

KINDS = ("public", "special", "substitution")
FIELDS = ("day", "name_th", "name_en", "kind", "source")
# a deadline never reaches further than this many calendar days per business day (holidays are read once)
_LOOKAHEAD_DAYS_PER_BUSINESS_DAY = 7


@dataclass(frozen=True)
class Holiday:
    day: date
    name_th: str
    name_en: str | None
    kind: str
    source: str


def seed_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / "thai_holidays.csv"))


def holiday_row(day, name_th, name_en, kind, source, where: str = "holiday") -> Holiday:
    """A checked holiday; a bad field raises FieldError naming the record and the field."""
    try:
        d = day if isinstance(day, date) else date.fromisoformat(str(day or "").strip())
    except ValueError:
        raise FieldError("day", f"{where}: day must be a date YYYY-MM-DD, got {str(day)[:40]!r}") from None
    name_th = str(name_th or "").strip()
    if not name_th or len(name_th) > 300:
        raise FieldError("name_th", f"{where}: the Thai name is required (at most 300 characters)")
    kind = str(kind or "").strip()
    if kind not in KINDS:
        raise FieldError("kind", f"{where}: kind must be one of {', '.join(KINDS)}")
    source = str(source or "").strip()
    if not source or len(source) > 2000:
        raise FieldError("source", f"{where}: the source (announcement) is required (at most 2000 characters)")
    return Holiday(d, name_th, (str(name_en or "").strip() or None), kind, source)


def read_csv(path: Path) -> list[Holiday]:
    """Every row of a holiday CSV (columns day,name_th,name_en,kind,source); the first bad row raises."""
    out: dict[date, Holiday] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise FieldError(missing[0], f"{path.name}: missing column(s) {', '.join(missing)}")
        for i, r in enumerate(reader, start=2):
            h = holiday_row(r["day"], r["name_th"], r["name_en"], r["kind"], r["source"], f"{path.name} line {i}")
            if h.day in out:
                raise FieldError("day", f"{path.name} line {i}: {h.day} appears twice")
            out[h.day] = h
    return sorted(out.values(), key=lambda h: h.day)


def seed(conn, rows: list[Holiday] | None = None) -> int:
    """Insert the seed rows whose day is not in the table yet (an admin's edit is never overwritten)."""
    rows = read_csv(seed_path()) if rows is None else rows
    have = set(conn.execute(select(holidays.c.day)).scalars())
    now = datetime.now(UTC)
    new = [h for h in rows if h.day not in have]
    for h in new:
        conn.execute(holidays.insert().values(**_values(h), updated_by="seed", updated_at=now))
    return len(new)


def _values(h: Holiday) -> dict:
    return {"day": h.day, "name_th": h.name_th, "name_en": h.name_en, "kind": h.kind, "source": h.source}


def list_holidays(db: Engine, year: int | None = None) -> list[dict]:
    q = select(holidays).order_by(holidays.c.day)
    if year:
        q = q.where(holidays.c.day >= date(year, 1, 1), holidays.c.day <= date(year, 12, 31))
    with db.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def put_holiday(db: Engine, h: Holiday, actor: str) -> bool:
    """Add a holiday or replace the one on that day; audited. True when the day was new."""
    with db.begin() as conn:
        old = conn.execute(select(holidays).where(holidays.c.day == h.day)).first()
        vals = {**_values(h), "updated_by": actor[:80], "updated_at": datetime.now(UTC)}
        if old is None:
            conn.execute(holidays.insert().values(**vals))
        else:
            conn.execute(holidays.update().where(holidays.c.day == h.day).values(**vals))
        detail = {**_values(h), "day": h.day.isoformat()}
        if old is not None:
            detail["previous"] = {"name_th": old.name_th, "kind": old.kind, "source": old.source}
        audit.record(conn, actor, "holiday.put", f"holiday/{h.day.isoformat()}", detail)
    return old is None


def remove_holiday(db: Engine, day: date, actor: str) -> None:
    with db.begin() as conn:
        old = conn.execute(select(holidays).where(holidays.c.day == day)).first()
        if old is None:
            raise LookupError(day)
        conn.execute(delete(holidays).where(holidays.c.day == day))
        audit.record(
            conn,
            actor,
            "holiday.remove",
            f"holiday/{day.isoformat()}",
            {"name_th": old.name_th, "kind": old.kind, "source": old.source},
        )


def holidays_from(conn, start: date, days: int) -> frozenset[date]:
    """The holidays in the window a deadline of `days` business days from `start` can reach."""
    end = start + timedelta(days=_LOOKAHEAD_DAYS_PER_BUSINESS_DAY * max(days, 1) + 14)
    rows = conn.execute(select(holidays.c.day).where(holidays.c.day >= start, holidays.c.day <= end)).scalars()
    return frozenset(_as_date(d) for d in rows)


def _as_date(d) -> date:
    return date.fromisoformat(d) if isinstance(d, str) else d


def deadline(conn, start: datetime, business_days: int) -> datetime:
    """`start` + `business_days` business days (weekends and the table's holidays skipped), same clock time."""
    local = (start if start.tzinfo else start.replace(tzinfo=UTC)).astimezone(BANGKOK).date()
    return add_business_days(start, business_days, holidays_from(conn, local, business_days))


def deadline_db(db: Engine, start: datetime, business_days: int) -> datetime:
    with db.connect() as conn:
        return deadline(conn, start, business_days)
