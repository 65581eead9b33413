"""The dashboard's all-time figures, precomputed (issue 15).

Counting every latest assessment on each dashboard view takes seconds at a million listings (15.7 s measured,
linear in N). The all-time scanned / flagged figures (total, by platform, by seller country, by standard, per
capture day) are therefore kept in `dashboard_summary`, a table of a few hundred rows on both backends, computed
by the same queries as the live figures (services/figures.py) and refreshed:
- after each bulk scan into the store (pipeline.assessment_rows.refresh_aggregates),
- by `tisguard db refresh-summary` (cron / a scheduler, e.g. after the nightly rescan),
- on first use, when the store has none yet.
The dashboard shows when the figures were computed and whether assessments were written since.

A store of at most LIVE_MAX_LISTINGS listings is counted live instead (tens of milliseconds at that size): small
installations and the test suites always see exact figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, case, delete, func, insert, select, text

from tisguard.services import figures as fig
from tisguard.store.scale_tables import dashboard_summary, dashboard_summary_state
from tisguard.store.tables import assessments, listings, sellers

LIVE_MAX_LISTINGS = 5_000
DIMS = ("total", "platform", "country", "standard", "day")


@dataclass
class Summary:
    """The precomputed figures: {dim: [(key, scanned, flagged), ...]} in the order the live queries give."""

    computed_at: datetime
    rows: dict[str, list[tuple[str | None, int, int]]]
    behind: bool  # assessments or listings were written after it was computed
    nulls_first: bool = True  # how the backend orders NULL ascending (SQLite first, PostgreSQL last)

    def scanned_flagged(self) -> tuple[int, int]:
        t = self.rows.get("total") or [(None, 0, 0)]
        return t[0][1], t[0][2]

    def by(self, dim: str, limit: int | None = 15) -> dict[str, dict]:
        # most scanned first, then by key: the live query's order
        rows = sorted(self.rows.get(dim, []), key=lambda r: (-r[1], self._key(r[0])))
        return {str(k): {"scanned": s, "flagged": f} for k, s, f in rows[:limit]}

    def flagged_by_standard(self, limit: int = 15) -> list[tuple[str | None, int]]:
        rows = [r for r in self.rows.get("standard", []) if r[2] > 0]
        rows.sort(key=lambda r: (-r[2], self._key(r[0])))
        return [(k, f) for k, _s, f in rows[:limit]]

    def _key(self, k):
        # the live queries' tie-break on the key, NULL where the backend puts it
        return ((k is not None) if self.nulls_first else (k is None), k or "")

    def trend(self, limit: int | None = 90) -> list[dict]:
        rows = sorted(self.rows.get("day", []), key=lambda r: self._key(r[0]), reverse=True)[:limit]
        return [{"day": d, "scanned": s, "flagged": f} for d, s, f in rows][::-1]


def _upto(conn) -> tuple[int, int]:
    return (
        conn.execute(select(func.coalesce(func.max(assessments.c.id), 0))).scalar_one(),
        conn.execute(select(func.coalesce(func.max(listings.c.id), 0))).scalar_one(),
    )


def _compute(conn) -> list[dict]:
    p = fig.Period.all()
    out = []
    s, f = fig.scanned_flagged(conn, p)
    out.append({"dim": "total", "key": None, "scanned": s, "flagged": f})
    for dim, col in (("platform", listings.c.platform), ("country", sellers.c.country)):
        q = (
            select(col, func.count(), func.sum(case((fig.FLAGGED, 1), else_=0)))
            .select_from(fig._listing_join())
            .group_by(col)
        )
        out += [{"dim": dim, "key": k, "scanned": n, "flagged": int(m or 0)} for k, n, m in conn.execute(q)]
    q = (
        select(assessments.c.tis_number, func.count(), func.sum(case((fig.FLAGGED, 1), else_=0)))
        .select_from(fig._listing_join())
        .group_by(assessments.c.tis_number)
    )
    out += [{"dim": "standard", "key": k, "scanned": n, "flagged": int(m or 0)} for k, n, m in conn.execute(q)]
    out += [
        {"dim": "day", "key": t["day"], "scanned": t["scanned"], "flagged": t["flagged"]}
        for t in fig.trend(conn, p, None)
    ]
    return out


def refresh(db: Engine) -> dict:
    """Recompute the summary in one transaction: readers see the old figures or the new, never a mix."""
    t = time.perf_counter()
    with db.begin() as conn:
        if db.dialect.name == "postgresql":  # one refresh at a time; a second waits, then recomputes
            conn.execute(text("SELECT pg_advisory_xact_lock(715015)"))
        else:  # SQLite: take the write lock first, so the figures are read under it
            conn.execute(delete(dashboard_summary))
        upto = _upto(conn)
        rows = _compute(conn)
        conn.execute(delete(dashboard_summary))
        conn.execute(insert(dashboard_summary), rows)
        now = datetime.now(UTC)
        secs = time.perf_counter() - t
        conn.execute(delete(dashboard_summary_state))
        conn.execute(
            insert(dashboard_summary_state).values(
                id=1, computed_at=now, assessments_upto=upto[0], listings_upto=upto[1], seconds=secs
            )
        )
    return {"computed_at": now, "rows": len(rows), "seconds": round(secs, 2), "assessments_upto": upto[0]}


def read(db: Engine) -> Summary | None:
    """The stored summary (None when never computed)."""
    with db.connect() as conn:
        st = conn.execute(select(dashboard_summary_state).where(dashboard_summary_state.c.id == 1)).first()
        if st is None:
            return None
        upto = _upto(conn)
        rows: dict[str, list] = {}
        for r in conn.execute(
            select(
                dashboard_summary.c.dim,
                dashboard_summary.c.key,
                dashboard_summary.c.scanned,
                dashboard_summary.c.flagged,
            )
        ):
            rows.setdefault(r.dim, []).append((r.key, int(r.scanned), int(r.flagged)))
    at = st.computed_at if st.computed_at.tzinfo else st.computed_at.replace(tzinfo=UTC)
    return Summary(at, rows, upto != (st.assessments_upto, st.listings_upto), db.dialect.name != "postgresql")


def for_dashboard(db: Engine) -> Summary | None:
    """The summary the dashboard reads: None for a small store (count live), else the stored one, computed
    now if it never was."""
    with db.connect() as conn:
        n = conn.execute(select(func.coalesce(func.max(listings.c.id), 0))).scalar_one()
    if n <= LIVE_MAX_LISTINGS:
        return None
    s = read(db)
    if s is None:
        refresh(db)
        s = read(db)
    return s
