"""investigation follow-up queue (issue 12)

Revision ID: 0010
Revises: 0009

A platform's push no longer re-assesses, inside its request, the earlier listings whose investigation
evidence (near-duplicate group, shared licence) the new listings changed: it queues them here, one row per
listing, and a follow-up worker re-assesses and removes them. Re-running a row is harmless (idempotent).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["listing_pk"], ["listings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("listing_pk", name="uq_follow_up_listing"),
    )


def downgrade() -> None:
    op.drop_table("follow_up_jobs")
