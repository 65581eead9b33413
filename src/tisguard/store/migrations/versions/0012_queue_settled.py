"""queue: decided listings out of the queue's index (issue 15)

Revision ID: 0012
Revises: 0011

`assessments.settled`: the listing's governing decision (latest confirm/dismiss) is a confirmation, or a
dismissal of this same content (store/queue_state.py). The queue's partial index leaves settled rows out, so
the officer queue never walks over listings already decided, however many officers have decided; the queue
still checks the decisions itself, the flag only prunes the index. Set here for the current latest
assessments, then by every writer of assessments and by each decision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SETTLED = (
    "EXISTS (SELECT 1 FROM decisions d LEFT OUTER JOIN assessments x ON x.id = d.assessment_pk"
    " WHERE d.listing_pk = assessments.listing_pk AND d.decision IN ('confirm', 'dismiss')"
    " AND NOT EXISTS (SELECT 1 FROM decisions d2 WHERE d2.listing_pk = d.listing_pk"
    " AND d2.decision IN ('confirm', 'dismiss') AND d2.id > d.id)"
    " AND (d.decision = 'confirm' OR x.content_hash = assessments.content_hash))"
)


def _walk_where(settled: bool):
    sqlite = op.get_bind().dialect.name == "sqlite"
    w = (
        "is_latest = 1 AND verdict IN ('non_compliant', 'unverified')"
        if sqlite
        else ("is_latest AND verdict IN ('non_compliant', 'unverified')")
    )
    if settled:
        w += " AND settled = 0" if sqlite else " AND NOT settled"
    return sa.text(w)


def upgrade() -> None:
    op.add_column("assessments", sa.Column("settled", sa.Boolean(), nullable=False, server_default=sa.false()))
    latest = "is_latest = 1" if op.get_bind().dialect.name == "sqlite" else "is_latest"
    op.execute(
        f"UPDATE assessments SET settled = {'1' if op.get_bind().dialect.name == 'sqlite' else 'true'}"
        f" WHERE {latest} AND listing_pk IN (SELECT listing_pk FROM decisions) AND {SETTLED}"
    )
    op.drop_index("ix_assessments_queue_walk", table_name="assessments")
    op.create_index(
        "ix_assessments_queue_walk",
        "assessments",
        [sa.text("priority DESC"), "listing_pk", "verdict", "tis_number", "content_hash"],
        postgresql_where=_walk_where(True),
        sqlite_where=_walk_where(True),
    )


def downgrade() -> None:
    op.drop_index("ix_assessments_queue_walk", table_name="assessments")
    op.create_index(
        "ix_assessments_queue_walk",
        "assessments",
        [sa.text("priority DESC"), "listing_pk", "verdict", "tis_number", "content_hash"],
        postgresql_where=_walk_where(False),
        sqlite_where=_walk_where(False),
    )
    with op.batch_alter_table("assessments") as b:
        b.drop_column("settled")
