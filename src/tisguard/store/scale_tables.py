"""Tables of incremental rescans (issue 15), on the shared metadata (migration 0009 creates them).

`listing_refs`: what of the reference data each listing's latest assessment read — the licence numbers it
shows (by base key, so every spelling of one licence meets) and its brands. A registry change then finds
the listings it can affect with an index look-up instead of a rescan of everything.
`reference_state`: the digests of the reference data the last incremental rescan ran against (one row per
licence, per seller with confirmed violations, and one for the engine: detectors, model, lexicon, config,
catalogue), so the next one knows what changed.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from tisguard.store.tables import metadata

listing_refs = Table(
    "listing_refs",
    metadata,
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("kind", String(1), nullable=False),  # 'L' licence base key, 'B' brand (lower case)
    Column("ref", String(200), nullable=False),
    PrimaryKeyConstraint("listing_pk", "kind", "ref", name="pk_listing_refs"),
)
Index("ix_listing_refs_ref", listing_refs.c.kind, listing_refs.c.ref)

reference_state = Table(
    "reference_state",
    metadata,
    Column("kind", String(12), nullable=False),  # 'engine' | 'licence' | 'seller'
    Column("key", String(400), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("refs", Text),  # JSON list of [kind, ref] a licence touches (old brands are needed after a change)
    PrimaryKeyConstraint("kind", "key", name="pk_reference_state"),
)

# The dashboard's all-time figures, precomputed (migration 0010; services/summary.py refreshes them): one row
# per (dim, key) with `scanned` and `flagged` latest assessments. dim: 'total' (key NULL), 'platform',
# 'country' (seller), 'standard' (assessment's TIS number), 'day' (capture day as the trend groups it).
# Its size depends on platforms, countries, standards and days, never on the number of listings.
dashboard_summary = Table(
    "dashboard_summary",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dim", String(16), nullable=False),
    Column("key", String(200)),
    Column("scanned", BigInteger, nullable=False),
    Column("flagged", BigInteger, nullable=False),
)
Index("ix_dashboard_summary_dim", dashboard_summary.c.dim, dashboard_summary.c.key)

# When the summary was computed, and what it covered: the highest assessment and listing ids then (a newer
# id means the summary is behind), and how long the refresh took. One row (id 1).
dashboard_summary_state = Table(
    "dashboard_summary_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("assessments_upto", BigInteger, nullable=False),
    Column("listings_upto", BigInteger, nullable=False),
    Column("seconds", Float, nullable=False),
)
