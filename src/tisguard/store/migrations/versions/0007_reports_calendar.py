"""Thai public holidays (business-day calendar) and report bookkeeping (issue 16)

Revision ID: 0007
Revises: 0006

`holidays`: the days no business is counted on, each with the announcement it comes from, seeded from
`data/thai_holidays.csv` (only sourced days). `complaint_outcomes`: what officers concluded on a consumer
complaint (its deadline is counted in business days). `report_runs`: every monthly report handed out, with
the SHA-256 of the PDF and the figures it printed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name_th", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "complaint_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("complaint_pk", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by_user", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["complaint_pk"], ["complaints.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_complaint_outcomes_complaint", "complaint_outcomes", ["complaint_pk", "id"])
    op.create_table(
        "report_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    from tisguard.services.calendar import read_csv, seed_path

    conn = op.get_bind()
    table = sa.table(
        "holidays",
        sa.column("day", sa.Date),
        sa.column("name_th", sa.Text),
        sa.column("name_en", sa.Text),
        sa.column("kind", sa.String),
        sa.column("source", sa.Text),
        sa.column("updated_by", sa.String),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    rows = [
        {"day": h.day, "name_th": h.name_th, "name_en": h.name_en, "kind": h.kind, "source": h.source}
        for h in read_csv(seed_path())
    ]
    if rows:
        conn.execute(table.insert(), [{**r, "updated_by": "seed", "updated_at": now} for r in rows])


def downgrade() -> None:
    op.drop_table("report_runs")
    op.drop_index("ix_complaint_outcomes_complaint", table_name="complaint_outcomes")
    op.drop_table("complaint_outcomes")
    op.drop_table("holidays")
