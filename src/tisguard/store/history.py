"""Reads of past decisions that the detectors use as context (e.g. a seller's confirmed violations)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from tisguard.store.tables import decisions, listings, sellers


def seller_violation_counts(db: Engine) -> dict[tuple[str, str], int]:
    """Listings per seller whose LATEST confirm/dismiss decision is a confirmation (a later dismissal
    takes a violation back)."""
    final = decisions.c.decision.in_(("confirm", "dismiss"))
    latest = select(func.max(decisions.c.id).label("id")).where(final).group_by(decisions.c.listing_pk).subquery()
    q = (
        select(sellers.c.platform, sellers.c.seller_id, func.count(func.distinct(decisions.c.listing_pk)))
        .select_from(
            decisions.join(latest, latest.c.id == decisions.c.id)
            .join(listings, listings.c.id == decisions.c.listing_pk)
            .join(sellers, sellers.c.id == listings.c.seller_pk)
        )
        .where(decisions.c.decision == "confirm")
        .group_by(sellers.c.platform, sellers.c.seller_id)
    )
    with db.connect() as conn:
        return {(p, s): n for p, s, n in conn.execute(q)}
