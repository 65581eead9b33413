"""Thai presentation helpers: Buddhist-era dates, Thai month names, Thai digits."""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, timedelta, timezone

MONTHS_TH = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
ARABIC_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
BANGKOK = timezone(timedelta(hours=7))


def thai_digits(s: str) -> str:
    return str(s).translate(ARABIC_TO_THAI)


def be_date(d: date | datetime | None, lang: str = "th", with_time: bool = False) -> str:
    """'22 พ.ย. 2569' in Thai (Buddhist era, Bangkok time); ISO-like in English."""
    if d is None:
        return "-"
    if isinstance(d, datetime):
        if d.tzinfo is None:
            d = d.replace(tzinfo=UTC)
        d = d.astimezone(BANGKOK)
    if lang != "th":
        return d.strftime("%Y-%m-%d %H:%M" if with_time and isinstance(d, datetime) else "%Y-%m-%d")
    s = f"{d.day} {MONTHS_TH[d.month - 1]} {d.year + 543}"
    if with_time and isinstance(d, datetime):
        s += f" {d.hour:02d}:{d.minute:02d} น."
    return s


def add_business_days(start: datetime, days: int, holidays: Container[date] = frozenset()) -> datetime:
    """Deadline `days` business days after `start`, at the same clock time: Saturdays, Sundays and the days in
    `holidays` (Bangkok dates, see services/calendar.py) are skipped."""
    d = start if start.tzinfo else start.replace(tzinfo=UTC)
    while days > 0:
        d += timedelta(days=1)
        local = d.astimezone(BANGKOK).date()
        if local.weekday() < 5 and local not in holidays:
            days -= 1
    return d if start.tzinfo else d.replace(tzinfo=None)


def is_business_day(day: date, holidays: Container[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays
