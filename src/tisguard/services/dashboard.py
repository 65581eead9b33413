"""Dashboard figures: scanned, flagged, confirmed, taken down; by platform, standard, country; trends."""

from __future__ import annotations

from statistics import median

from sqlalchemy import Engine, String, case, cast, func, select

from tisguard.detect.verdict import FLAGGED_VALUES
from tisguard.services.notices import count_by_state, takedown_hours
from tisguard.store.tables import assessments, decisions, listings, notice_items, notices, sellers


def stats(db: Engine) -> dict:
    latest = assessments.c.is_latest.is_(True)
    flagged = assessments.c.verdict.in_(FLAGGED_VALUES)
    with db.connect() as conn:
        scanned = conn.execute(select(func.count()).select_from(assessments).where(latest)).scalar_one()
        n_flagged = conn.execute(select(func.count()).select_from(assessments).where(latest, flagged)).scalar_one()
        confirmed = conn.execute(
            select(func.count(func.distinct(decisions.c.listing_pk))).where(decisions.c.decision == "confirm")
        ).scalar_one()
        dismissed = conn.execute(
            select(func.count(func.distinct(decisions.c.listing_pk))).where(decisions.c.decision == "dismiss")
        ).scalar_one()
        removed = conn.execute(
            select(func.count()).select_from(notice_items).where(notice_items.c.action == "removed")
        ).scalar_one()
        j = listings.join(assessments, assessments.c.listing_pk == listings.c.id).join(
            sellers, sellers.c.id == listings.c.seller_pk
        )

        def by(col):
            return {
                str(k): {"scanned": s, "flagged": int(f or 0)}
                for k, s, f in conn.execute(
                    select(col, func.count(), func.sum(case((flagged, 1), else_=0)))
                    .select_from(j)
                    .where(latest)
                    .group_by(col)
                    .order_by(func.count().desc())
                    .limit(15)
                )
            }

        by_platform, by_country = by(listings.c.platform), by(sellers.c.country)
        by_standard = {
            str(k): n
            for k, n in conn.execute(
                select(assessments.c.tis_number, func.count())
                .where(latest, flagged)
                .group_by(assessments.c.tis_number)
                .order_by(func.count().desc())
                .limit(15)
            )
        }
        day = func.substr(cast(listings.c.captured_at, String), 1, 10)  # by the day listings were captured
        trend = [
            {"day": d, "scanned": s, "flagged": int(f or 0)}
            for d, s, f in conn.execute(
                select(day, func.count(), func.sum(case((flagged, 1), else_=0)))
                .select_from(j)
                .where(latest)
                .group_by(day)
                .order_by(day.desc())
                .limit(90)
            )
        ][::-1]
        top_sellers = [
            {"seller": n, "platform": p, "confirmed": c}
            for n, p, c in conn.execute(
                select(sellers.c.name, sellers.c.platform, func.count(func.distinct(decisions.c.listing_pk)))
                .select_from(
                    decisions.join(listings, listings.c.id == decisions.c.listing_pk).join(
                        sellers, sellers.c.id == listings.c.seller_pk
                    )
                )
                .where(decisions.c.decision == "confirm")
                .group_by(sellers.c.name, sellers.c.platform)
                .order_by(func.count(func.distinct(decisions.c.listing_pk)).desc())
                .limit(10)
            )
        ]
        n_notices = conn.execute(select(func.count()).select_from(notices)).scalar_one()
    hours = takedown_hours(db)
    buckets = {"<24h": 0, "1-2d": 0, "2-5d": 0, ">5d": 0}
    for h in hours:
        buckets["<24h" if h < 24 else "1-2d" if h < 48 else "2-5d" if h < 120 else ">5d"] += 1
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
        "takedown_hours_median": round(median(hours), 1) if hours else None,
        "takedown_time_distribution": buckets,
    }
