"""Dashboard figures: scanned, flagged, confirmed, taken down; by platform, standard, country; trends.

Every number comes from services/figures.py, the queries the monthly report and the exports use too."""

from __future__ import annotations

from sqlalchemy import Engine

from tisguard.services import figures as fig
from tisguard.services import summary as summary_svc
from tisguard.services.notices import count_by_state
from tisguard.store.tables import listings, sellers


def stats(db: Engine, period: fig.Period | None = None) -> dict:
    """All time (no period): the scanned/flagged figures come from the precomputed summary on a large store
    (services/summary.py; `figures_computed_at` says when, `figures_behind` whether assessments came since);
    a month, or a small store, is counted live."""
    p = period or fig.Period.all()
    summ = summary_svc.for_dashboard(db) if p == fig.Period.all() else None
    with db.connect() as conn:
        if summ is None:
            scanned, n_flagged = fig.scanned_flagged(conn, p)
            by_platform = fig.scanned_flagged_by(conn, p, listings.c.platform)
            by_country = fig.scanned_flagged_by(conn, p, sellers.c.country)
            by_standard = {str(r["tis"]): r["flagged"] for r in fig.flagged_by_standard(conn, p)}
            trend = fig.trend(conn, p)
        else:
            scanned, n_flagged = summ.scanned_flagged()
            by_platform = summ.by("platform")
            by_country = summ.by("country")
            by_standard = {str(str(t) if t else None): n for t, n in summ.flagged_by_standard()}
            trend = summ.trend()
        confirmed = fig.decided(conn, p, "confirm")
        dismissed = fig.decided(conn, p, "dismiss")
        removed = sum(fig.actions_by_platform(conn, p, "removed").values())
        top_sellers = fig.top_sellers(conn, p)
        n_notices = fig.notices_created(conn, p)
        removal = fig.removal_summary(fig.removal_times(conn, p))
    return {
        "scanned": scanned,
        "flagged": n_flagged,
        "confirmed": confirmed,
        "dismissed": dismissed,
        "taken_down": removed,
        "notices": n_notices,
        "notices_by_state": count_by_state(db),
        "by_platform": by_platform,
        "by_country": by_country,
        "flagged_by_standard": by_standard,
        "trend": trend,
        "top_sellers": top_sellers,
        "takedown_hours_median": removal["median_hours"],
        "takedown_hours_p90": removal["p90_hours"],
        "takedown_time_distribution": removal["distribution"],
        "figures_computed_at": summ.computed_at if summ else None,  # None: counted live, now
        "figures_behind": bool(summ and summ.behind),
    }
