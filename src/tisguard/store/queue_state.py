"""Which latest assessments the officer queue can pass over: `assessments.settled` (migration 0012).

A listing is settled when its governing decision (the latest confirm/dismiss) keeps it off the queue: a
confirmation, or a dismissal of the same content. Settled assessments are left out of the queue's partial
index, so the queue never walks over the listings officers have already decided, however many there are.

The flag is an optimisation, never the rule: the queue still checks the decisions (`settled_exists`), so a flag
left false (a decision written around `services.decisions`) only costs a step of the walk. It is set by every
writer of assessments (for the listings that have decisions) and by `services.decisions.decide`.
"""

from __future__ import annotations

from sqlalchemy import literal_column, or_, select, update

from tisguard.store.tables import assessments, decisions

FINAL = ("confirm", "dismiss")


def settled_exists(a):
    """SQL: the listing of assessment row `a` has a governing decision that settles this content."""
    d, d2, x = decisions.alias("d"), decisions.alias("d2"), assessments.alias("x")
    later = (
        select(literal_column("1"))
        .select_from(d2)
        .where(d2.c.listing_pk == d.c.listing_pk, d2.c.decision.in_(FINAL), d2.c.id > d.c.id)
        .exists()
    )
    return (
        select(literal_column("1"))
        .select_from(d.outerjoin(x, x.c.id == d.c.assessment_pk))
        .where(
            d.c.listing_pk == a.c.listing_pk,
            d.c.decision.in_(FINAL),
            ~later,
            or_(d.c.decision == "confirm", x.c.content_hash == a.c.content_hash),
        )
        .exists()
    )


def refresh_settled(conn, listing_pks) -> int:
    """Recompute `settled` on the latest assessments of those listings that have a confirm/dismiss decision
    (the others are unsettled, the column's default). Returns how many listings had decisions."""
    pks = sorted(set(listing_pks))
    decided: list[int] = []
    for i in range(0, len(pks), 1000):
        decided += conn.execute(
            select(decisions.c.listing_pk)
            .where(decisions.c.listing_pk.in_(pks[i : i + 1000]), decisions.c.decision.in_(FINAL))
            .distinct()
        ).scalars()
    for i in range(0, len(decided), 1000):
        conn.execute(
            update(assessments)
            .where(assessments.c.listing_pk.in_(decided[i : i + 1000]), assessments.c.is_latest.is_(True))
            .values(settled=settled_exists(assessments))
        )
    return len(decided)
