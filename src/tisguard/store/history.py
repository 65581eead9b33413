"""Reads of past decisions that the detectors use as context (e.g. a seller's confirmed violations)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from tisguard.store.tables import decisions, listings, sellers


def seller_violation_counts(db: Engine) -> dict[tuple[str, str], int]:
    q = (
        select(sellers.c.platform, sellers.c.seller_id, func.count(func.distinct(decisions.c.listing_pk)))
        .select_from(
            decisions.join(listings, listings.c.id == decisions.c.listing_pk).join(
                sellers, sellers.c.id == listings.c.seller_pk
            )
        )
        .where(decisions.c.decision == "confirm")
        .group_by(sellers.c.platform, sellers.c.seller_id)
    )
    with db.connect() as conn:
        return {(p, s): n for p, s, n in conn.execute(q)}
