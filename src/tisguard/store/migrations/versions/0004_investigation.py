"""relisting fingerprints, licence renting, seller networks, recalls (issue 13)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listing_fingerprints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=16), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=True),
        sa.Column("contacts", sa.JSON(), nullable=True),
        sa.Column("licences", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["listing_pk"], ["listings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_listing_fingerprints_listing", "listing_fingerprints", ["listing_pk"], unique=True)
    op.create_table(
        "recalls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("recall_id", sa.String(length=100), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("brands", sa.JSON(), nullable=True),
        sa.Column("models", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("hazard", sa.Text(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("imported_from", sa.Text(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "recall_id", name="uq_recall"),
    )


def downgrade() -> None:
    op.drop_table("recalls")
    op.drop_index("uq_listing_fingerprints_listing", table_name="listing_fingerprints")
    op.drop_table("listing_fingerprints")
