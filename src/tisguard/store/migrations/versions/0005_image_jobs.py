"""image analysis job queue and image evidence (issue 11)

Revision ID: 0005
Revises: 0004

One row per listing whose photos should be read in the background (pushed or rescanned listings whose text
leaves the verdict open); enqueueing again resets the row to pending and bumps its generation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "image_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=80), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["listing_pk"], ["listings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("listing_pk", name="uq_image_job_listing"),
    )
    op.create_index("ix_image_jobs_status", "image_jobs", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_image_jobs_status", table_name="image_jobs")
    op.drop_table("image_jobs")
