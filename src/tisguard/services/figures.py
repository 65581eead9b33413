"""The aggregate queries behind the dashboard, the monthly report and the exports: ONE place, so the numbers a
supervisor sends out are the numbers on the screen. Each function takes a connection and a `Period`
(`Period.all()` for the dashboard, `Period.month("2026-11")` for a report) and returns plain data.

What the figures count (the report's methods note says the same):
- scanned / flagged: listings captured in the period (capture time, else first seen) and the verdict of their
  latest assessment; flagged = the verdicts of `detect.verdict.FLAGGED_VALUES`;
- confirmed / dismissed: distinct listings with such a decision made in the period;
- notices: created in the period; sent = first sent in the period; removed / refused = per listing, the
  platform's action reported in the period;
- time to removal: per removed listing, from the notice being sent to the platform reporting the removal;
  on time = reported no later than the notice's deadline (business days, services/calendar.py);
- complaints: received in the period (spam apart) and the latest outcome officers recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median

from sqlalchemy import String, and_, case, cast, func, select, true

from tisguard.detect.verdict import FLAGGED_VALUES
from tisguard.services.errors import FieldError
from tisguard.services.thai import BANGKOK
from tisguard.store.tables import (
    assessments,
    complaint_outcomes,
    complaints,
    decisions,
    listings,
    notice_items,
    notices,
    sellers,
    standards,
)

LATEST = assessments.c.is_latest.is_(True)
FLAGGED = assessments.c.verdict.in_(FLAGGED_VALUES)
SEEN = func.coalesce(listings.c.captured_at, listings.c.first_seen)


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; None on a side means open. `label` is '2026-11' for a month, '' for all time."""

    start: datetime | None = None
    end: datetime | None = None
    label: str = ""

    @classmethod
    def all(cls) -> Period:
        return cls()

    @classmethod
    def month(cls, ym: str) -> Period:
        """A calendar month in Bangkok time, from 'YYYY-MM' (Gregorian)."""
        try:
            y, m = (int(x) for x in str(ym).split("-"))
            first = date(y, m, 1)
        except ValueError:
            raise FieldError("month", f"month must be YYYY-MM (e.g. 2026-11), got {str(ym)[:20]!r}") from None
        if not 2000 <= y <= 2200:
            raise FieldError("month", f"month {ym} is out of range")
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return cls(_bkk_midnight(first), _bkk_midnight(nxt), f"{y:04d}-{m:02d}")

    @property
    def first_day(self) -> date | None:
        return self.start.astimezone(BANGKOK).date() if self.start else None

    @property
    def last_day(self) -> date | None:
        return (self.end - timedelta(seconds=1)).astimezone(BANGKOK).date() if self.end else None

    def within(self, col):
        """The SQL condition `col` in [start, end)."""
        conds = []
        if self.start is not None:
            conds.append(col >= self.start)
        if self.end is not None:
            conds.append(col < self.end)
        return and_(true(), *conds)


def _bkk_midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=BANGKOK).astimezone(UTC)


def _as_utc(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def _listing_join():
    return listings.join(assessments, (assessments.c.listing_pk == listings.c.id) & LATEST).join(
        sellers, sellers.c.id == listings.c.seller_pk
    )


def scanned_flagged(conn, p: Period) -> tuple[int, int]:
    s, f = conn.execute(
        select(func.count(), func.sum(case((FLAGGED, 1), else_=0))).select_from(_listing_join()).where(p.within(SEEN))
    ).one()
    return int(s or 0), int(f or 0)


def scanned_flagged_by(conn, p: Period, col, limit: int | None = 15) -> dict[str, dict]:
    """{key: {"scanned", "flagged"}} grouped by `col` (a listings/sellers column), most scanned first."""
    q = (
        select(col, func.count(), func.sum(case((FLAGGED, 1), else_=0)))
        .select_from(_listing_join())
        .where(p.within(SEEN))
        .group_by(col)
        .order_by(func.count().desc(), col)
    )
    if limit:
        q = q.limit(limit)
    return {str(k): {"scanned": s, "flagged": int(f or 0)} for k, s, f in conn.execute(q)}


def decided(conn, p: Period, decision: str) -> int:
    return conn.execute(
        select(func.count(func.distinct(decisions.c.listing_pk))).where(
            decisions.c.decision == decision, p.within(decisions.c.at)
        )
    ).scalar_one()


def decided_by_platform(conn, p: Period, decision: str) -> dict[str, int]:
    return dict(
        conn.execute(
            select(listings.c.platform, func.count(func.distinct(decisions.c.listing_pk)))
            .join(listings, listings.c.id == decisions.c.listing_pk)
            .where(decisions.c.decision == decision, p.within(decisions.c.at))
            .group_by(listings.c.platform)
        ).all()
    )


def notices_created(conn, p: Period) -> int:
    return conn.execute(select(func.count()).select_from(notices).where(p.within(notices.c.created_at))).scalar_one()


def notices_sent_by_platform(conn, p: Period) -> dict[str, int]:
    return dict(
        conn.execute(
            select(notices.c.platform, func.count())
            .where(notices.c.sent_at.is_not(None), p.within(notices.c.sent_at))
            .group_by(notices.c.platform)
        ).all()
    )


def actions_by_platform(conn, p: Period, action: str) -> dict[str, int]:
    """Listings the platform reported `action` (removed | refused) for in the period, per platform."""
    return dict(
        conn.execute(
            select(notices.c.platform, func.count())
            .select_from(notice_items.join(notices, notices.c.id == notice_items.c.notice_pk))
            .where(notice_items.c.action == action, p.within(notice_items.c.action_at))
            .group_by(notices.c.platform)
        ).all()
    )


def removal_times(conn, p: Period) -> list[dict]:
    """Per listing removed in the period: platform, hours from sending to removal, and on time or not."""
    rows = conn.execute(
        select(notices.c.platform, notices.c.sent_at, notices.c.deadline, notice_items.c.action_at)
        .select_from(notice_items.join(notices, notices.c.id == notice_items.c.notice_pk))
        .where(
            notice_items.c.action == "removed",
            notices.c.sent_at.is_not(None),
            p.within(notice_items.c.action_at),
        )
    ).all()
    out = []
    for r in rows:
        sent, done, due = _as_utc(r.sent_at), _as_utc(r.action_at), _as_utc(r.deadline)
        if sent is None or done is None:
            continue
        out.append(
            {
                "platform": r.platform,
                "hours": max(0.0, (done - sent).total_seconds() / 3600),
                "on_time": due is None or done <= due,
            }
        )
    return out


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def removal_summary(times: list[dict]) -> dict:
    hours = [t["hours"] for t in times]
    on_time = sum(1 for t in times if t["on_time"])
    buckets = {"<24h": 0, "1-2d": 0, "2-5d": 0, ">5d": 0}
    for h in hours:
        buckets["<24h" if h < 24 else "1-2d" if h < 48 else "2-5d" if h < 120 else ">5d"] += 1
    return {
        "removed": len(hours),
        "median_hours": round(median(hours), 1) if hours else None,
        "p90_hours": round(percentile(hours, 90), 1) if hours else None,
        "on_time": on_time,
        "late": len(hours) - on_time,
        "distribution": buckets,
    }


def flagged_by_standard(conn, p: Period, limit: int = 15) -> list[dict]:
    """Flagged listings per standard (most first), with how many of them were confirmed in the period."""
    confirmed = (
        select(decisions.c.listing_pk)
        .where(decisions.c.decision == "confirm", p.within(decisions.c.at))
        .distinct()
        .subquery()
    )
    rows = conn.execute(
        select(
            assessments.c.tis_number,
            func.count(),
            func.count(confirmed.c.listing_pk),
        )
        .select_from(_listing_join().outerjoin(confirmed, confirmed.c.listing_pk == listings.c.id))
        .where(FLAGGED, p.within(SEEN))
        .group_by(assessments.c.tis_number)
        .order_by(func.count().desc(), assessments.c.tis_number)
        .limit(limit)
    ).all()
    names = _standard_names(conn, [r[0] for r in rows if r[0]])
    return [
        {
            "tis": str(t) if t else None,
            "name_th": names.get(t, (None, None))[0],
            "name_en": names.get(t, (None, None))[1],
            "flagged": n,
            "confirmed": c,
        }
        for t, n, c in rows
    ]


def _standard_names(conn, tis: list[str]) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    if not tis:
        return out
    for t, th, en in conn.execute(
        select(standards.c.tis_number, standards.c.name_th, standards.c.name_en)
        .where(standards.c.tis_number.in_(tis))
        .order_by(standards.c.year_be)
    ):
        out[t] = (th, en)  # the newest edition's name wins
    return out


def top_product_types(conn, p: Period, limit: int = 10) -> list[dict]:
    """Flagged listings per product type as the platform categorised it (most first)."""
    cat = func.coalesce(listings.c.platform_category, "")
    return [
        {"product_type": k or None, "flagged": n}
        for k, n in conn.execute(
            select(cat, func.count())
            .select_from(_listing_join())
            .where(FLAGGED, p.within(SEEN))
            .group_by(cat)
            .order_by(func.count().desc(), cat)
            .limit(limit)
        )
    ]


def top_sellers(conn, p: Period, limit: int = 10) -> list[dict]:
    """Sellers with the most listings confirmed as violations in the period."""
    n = func.count(func.distinct(decisions.c.listing_pk))
    return [
        {"seller": name, "platform": pf, "country": c, "confirmed": k}
        for name, pf, c, k in conn.execute(
            select(sellers.c.name, sellers.c.platform, sellers.c.country, n)
            .select_from(
                decisions.join(listings, listings.c.id == decisions.c.listing_pk).join(
                    sellers, sellers.c.id == listings.c.seller_pk
                )
            )
            .where(decisions.c.decision == "confirm", p.within(decisions.c.at))
            .group_by(sellers.c.name, sellers.c.platform, sellers.c.country)
            .order_by(n.desc(), sellers.c.name)
            .limit(limit)
        )
    ]


def trend(conn, p: Period, limit: int = 90) -> list[dict]:
    """Scanned and flagged per capture day (the latest `limit` days of the period), oldest first."""
    day = func.substr(cast(listings.c.captured_at, String), 1, 10)
    rows = conn.execute(
        select(day, func.count(), func.sum(case((FLAGGED, 1), else_=0)))
        .select_from(_listing_join())
        .where(p.within(SEEN))
        .group_by(day)
        .order_by(day.desc())
        .limit(limit)
    ).all()
    return [{"day": d, "scanned": s, "flagged": int(f or 0)} for d, s, f in rows][::-1]


def _evidence_with(conn, p: Period, signal: str):
    """(listing pk, seller name, platform, evidence items of `signal`) of flagged listings in the period whose
    latest assessment carries the signal. SQL narrows by substring; the JSON is then read to be sure."""
    rows = conn.execute(
        select(listings.c.id, sellers.c.name, listings.c.platform, assessments.c.evidence)
        .select_from(_listing_join())
        .where(p.within(SEEN), cast(assessments.c.evidence, String).contains(signal))
    )
    for pk, name, pf, ev in rows:
        ev = json.loads(ev) if isinstance(ev, str) else ev
        hits = [e for e in ev or [] if isinstance(e, dict) and e.get("signal") == signal]
        if hits:
            yield pk, name, pf, hits


def recall_matches(conn, p: Period, limit: int = 10) -> dict:
    """Listings matching a product recalled abroad, and the recalls matched most."""
    listings_n, by_recall = 0, {}
    for _pk, _name, _pf, hits in _evidence_with(conn, p, "recall_match"):
        listings_n += 1
        for h in hits:
            v = h.get("value") or {}
            key = (str(v.get("source") or ""), str(v.get("recall_id") or ""))
            r = by_recall.setdefault(
                key, {"source": key[0], "recall_id": key[1], "product": v.get("product"), "listings": 0}
            )
            r["listings"] += 1
    top = sorted(by_recall.values(), key=lambda r: (-r["listings"], r["recall_id"]))[:limit]
    return {"listings": listings_n, "recalls": len(by_recall), "top": top}


def networks(conn, p: Period, limit: int = 10) -> list[dict]:
    """Seller networks (shared contacts, licences or photos) of listings in the period, largest first."""
    nets: dict[str, dict] = {}
    for _pk, name, pf, hits in _evidence_with(conn, p, "seller_network"):
        for h in hits:
            v = h.get("value") or {}
            nid = str(v.get("network") or "")
            if not nid:
                continue
            n = nets.setdefault(
                nid, {"network": nid, "sellers": int(v.get("sellers") or 0), "listings": 0, "example_sellers": []}
            )
            n["listings"] += 1
            n["sellers"] = max(n["sellers"], int(v.get("sellers") or 0))
            label = f"{name or '-'} ({pf})"
            if label not in n["example_sellers"] and len(n["example_sellers"]) < 3:
                n["example_sellers"].append(label)
    return sorted(nets.values(), key=lambda n: (-n["listings"], -n["sellers"], n["network"]))[:limit]


def complaint_figures(conn, p: Period) -> dict:
    """Complaints received in the period (spam apart) and their latest outcome ('open' when none yet)."""
    within = p.within(complaints.c.created_at)
    received = conn.execute(
        select(func.count()).select_from(complaints).where(within, complaints.c.spam.is_(False))
    ).scalar_one()
    spam = conn.execute(
        select(func.count()).select_from(complaints).where(within, complaints.c.spam.is_(True))
    ).scalar_one()
    latest = (
        select(complaint_outcomes.c.complaint_pk, func.max(complaint_outcomes.c.id).label("oid"))
        .group_by(complaint_outcomes.c.complaint_pk)
        .subquery()
    )
    rows = conn.execute(
        select(complaint_outcomes.c.outcome, func.count())
        .select_from(
            complaints.join(latest, latest.c.complaint_pk == complaints.c.id).join(
                complaint_outcomes, complaint_outcomes.c.id == latest.c.oid
            )
        )
        .where(within, complaints.c.spam.is_(False))
        .group_by(complaint_outcomes.c.outcome)
    ).all()
    outcomes = {k: n for k, n in rows}
    outcomes["open"] = received - sum(outcomes.values())
    return {"received": received, "spam": spam, "outcomes": outcomes}


def engine_versions(conn, p: Period) -> list[dict]:
    """The engine versions (detectors, model, lexicon) behind the verdicts counted, most used first."""
    return [
        {"engine_version": v, "listings": n}
        for v, n in conn.execute(
            select(assessments.c.engine_version, func.count())
            .select_from(_listing_join())
            .where(p.within(SEEN))
            .group_by(assessments.c.engine_version)
            .order_by(func.count().desc())
        )
    ]
