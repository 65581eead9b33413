"""Keep assessments in the store: one row per (listing, scan), the newest flagged `is_latest`."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import Engine, update

from tisguard.detect.evidence import Assessment
from tisguard.detect.verdict import FLAGGED_VALUES
from tisguard.spec.listing import Listing
from tisguard.store.queue_state import refresh_settled
from tisguard.store.refs import record_refs
from tisguard.store.tables import assessments


def reach(listing: Listing) -> float:
    """How many people a listing reaches, roughly: sales dominate, price adds a little."""
    return 1.0 + math.log1p(listing.sold_count or 0) + 0.25 * math.log1p(listing.price or 0)


def _confidence(a: Assessment) -> float:
    """Listings whose product the model is unsure of rank lower in the queue."""
    return a.product_confidence if a.product_confidence is not None else 1.0


def assessment_values(pk: int | None, l: Listing, chash: str, a: Assessment) -> dict:
    """The stored form of one assessment (every writer uses it: embedded, Spark, Parquet)."""
    return {
        "listing_pk": pk,
        "content_hash": chash,
        "verdict": a.verdict,
        "tis_number": a.tis,
        "risk": a.risk,
        "priority": a.risk * reach(l) * _confidence(a) if a.verdict in FLAGGED_VALUES else 0.0,
        "reasons": a.reasons,
        "evidence": [e.as_dict() for e in a.evidence],
        "waterfall": a.waterfall,
        "engine_version": a.engine_version,
    }


def save_assessments(db: Engine, rows: list[tuple[int, Listing, str, Assessment]]) -> None:
    """rows: (listing_pk, listing, content_hash, assessment)."""
    if not rows:
        return
    now = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(
            update(assessments)
            .where(assessments.c.listing_pk.in_([r[0] for r in rows]), assessments.c.is_latest.is_(True))
            .values(is_latest=False)
        )
        conn.execute(
            assessments.insert(),
            [{**assessment_values(pk, l, chash, a), "created_at": now, "is_latest": True} for pk, l, chash, a in rows],
        )
        record_refs(conn, [(pk, l, a) for pk, l, _, a in rows])  # for incremental rescans (issue 15)
        refresh_settled(conn, [r[0] for r in rows])  # decided listings stay out of the queue's index
