"""queue and dashboard at scale (issue 15)

Revision ID: 0011
Revises: 0010

- The officer queue's partial index (latest flagged assessments by priority) also carries the columns the
  queue filters and its decision check read (verdict, TIS number, content hash), so counting the queue and
  skipping decided listings read the index alone (an index-only scan on PostgreSQL once vacuumed).
  `ix_assessments_queue` (is_latest, verdict, priority; 0001) is dropped: the old queue's, and SQLite's planner
  preferred it to the partial index (then sorted every flagged listing).
- `dashboard_summary` / `dashboard_summary_state` (store/scale_tables.py): the dashboard's all-time figures,
  precomputed by `tisguard db refresh-summary` and after bulk scans, on both backends; the dashboard reads
  them (and says when they were computed) instead of scanning every latest assessment.
- PostgreSQL: `mv_dashboard_counts` (0009) is dropped: nothing read it, and the summary replaces it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"  # 0010 is the follow-up queue (issue 12), written at the same time
branch_labels = None
depends_on = None


def _flagged():
    if op.get_bind().dialect.name == "sqlite":
        return sa.text("is_latest = 1 AND verdict IN ('non_compliant', 'unverified')")
    return sa.text("is_latest AND verdict IN ('non_compliant', 'unverified')")


def upgrade() -> None:
    op.drop_index("ix_assessments_flagged_priority", table_name="assessments")
    op.drop_index("ix_assessments_queue", table_name="assessments")
    op.create_index(
        "ix_assessments_queue_walk",
        "assessments",
        [sa.text("priority DESC"), "listing_pk", "verdict", "tis_number", "content_hash"],
        postgresql_where=_flagged(),
        sqlite_where=_flagged(),
    )
    op.create_table(
        "dashboard_summary",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("scanned", sa.BigInteger(), nullable=False),
        sa.Column("flagged", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_dashboard_summary_dim", "dashboard_summary", ["dim", "key"])
    op.create_table(
        "dashboard_summary_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessments_upto", sa.BigInteger(), nullable=False),
        sa.Column("listings_upto", sa.BigInteger(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP MATERIALIZED VIEW IF EXISTS mv_dashboard_counts")


def downgrade() -> None:
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
    op.drop_table("dashboard_summary_state")
    op.drop_index("ix_dashboard_summary_dim", table_name="dashboard_summary")
    op.drop_table("dashboard_summary")
    op.drop_index("ix_assessments_queue_walk", table_name="assessments")
    op.create_index("ix_assessments_queue", "assessments", ["is_latest", "verdict", "priority"])
    op.create_index(
        "ix_assessments_flagged_priority",
        "assessments",
        [sa.text("priority DESC"), "listing_pk"],
        postgresql_where=_flagged(),
        sqlite_where=_flagged(),
    )
