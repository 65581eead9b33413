"""scale: indexes, incremental rescan bookkeeping, dashboard aggregates (issue 15)

Revision ID: 0009
Revises: 0008

- `listing_refs` and `reference_state` (see store/scale_tables.py): what an incremental rescan needs to
  re-assess only the listings a content or reference change can affect.
- A partial index for the officer queue: the latest flagged assessments by priority, so the first page is
  an index range scan at any store size (SQLite and PostgreSQL both have partial indexes).
- PostgreSQL only: `mv_dashboard_counts`, listings scanned/flagged by platform, seller country, standard and
  Bangkok calendar month seen (the dashboard's periods) from the latest assessments, refreshed after bulk
  scans (`REFRESH MATERIALIZED VIEW CONCURRENTLY`, pipeline.assessment_rows.refresh_aggregates).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FLAGGED = ("non_compliant", "unverified")  # detect.verdict.FLAGGED_VALUES when this revision was written


def upgrade() -> None:
    op.create_table(
        "listing_refs",
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["listing_pk"], ["listings.id"]),
        sa.PrimaryKeyConstraint("listing_pk", "kind", "ref", name="pk_listing_refs"),
    )
    op.create_index("ix_listing_refs_ref", "listing_refs", ["kind", "ref"])
    op.create_table(
        "reference_state",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("refs", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key", name="pk_reference_state"),
    )
    flagged = sa.text("is_latest AND verdict IN ('non_compliant', 'unverified')")
    if op.get_bind().dialect.name == "sqlite":
        flagged = sa.text("is_latest = 1 AND verdict IN ('non_compliant', 'unverified')")
    op.create_index(
        "ix_assessments_flagged_priority",
        "assessments",
        [sa.text("priority DESC"), "listing_pk"],
        postgresql_where=flagged,
        sqlite_where=flagged,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE MATERIALIZED VIEW mv_dashboard_counts AS"
            " SELECT l.platform, s.country, a.tis_number,"
            " date_trunc('month', coalesce(l.captured_at, l.first_seen) AT TIME ZONE 'Asia/Bangkok')::date AS month,"
            " count(*) AS scanned,"
            " count(*) FILTER (WHERE a.verdict IN ('non_compliant', 'unverified')) AS flagged"
            " FROM assessments a JOIN listings l ON l.id = a.listing_pk JOIN sellers s ON s.id = l.seller_pk"
            " WHERE a.is_latest GROUP BY 1, 2, 3, 4"
        )
        op.execute(
            "CREATE UNIQUE INDEX ix_mv_dashboard_counts ON mv_dashboard_counts"
            " (platform, country, tis_number, month) NULLS NOT DISTINCT"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP MATERIALIZED VIEW IF EXISTS mv_dashboard_counts")
    op.drop_index("ix_assessments_flagged_priority", table_name="assessments")
    op.drop_table("reference_state")
    op.drop_table("listing_refs")
