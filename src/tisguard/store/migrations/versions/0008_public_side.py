"""public side: complaint tickets, publication approvals, public feed (issue 14)

Revision ID: 0008
Revises: 0007

`complaints` gains what tracking needs: the hash of the sender's private status-link token, the listing it is
linked to, the complaint a duplicate was merged into, and the outcome deadline (3 business days; complaints
received before this revision get theirs computed here). `publications`: the public list of non-standard
products, each entry approved by a supervisor, with the date it leaves the list; `publication_events`: the
change feed (published / withdrawn / expired), numbered without gaps in commit order. `ix_listings_url_prefix`
finds a stored listing by the address a buyer pastes.
"""

from datetime import UTC, date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BANGKOK = timezone(timedelta(hours=7))
OUTCOME_BUSINESS_DAYS = 3


def _due(created: datetime, holidays: set) -> datetime:
    d = created if created.tzinfo else created.replace(tzinfo=UTC)
    left = OUTCOME_BUSINESS_DAYS
    while left > 0:
        d += timedelta(days=1)
        day = d.astimezone(BANGKOK).date()
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return d


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (SQLite accepts a REFERENCES clause there): rebuilding `complaints` would
    # trip the foreign key that complaint_outcomes holds on it
    op.add_column("complaints", sa.Column("status_token_hash", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # alembic cannot add the constraint there, SQLite's own SQL can
        op.execute("ALTER TABLE complaints ADD COLUMN listing_pk INTEGER REFERENCES listings (id)")
        op.execute("ALTER TABLE complaints ADD COLUMN merged_into INTEGER REFERENCES complaints (id)")
    else:
        op.add_column("complaints", sa.Column("listing_pk", sa.Integer(), sa.ForeignKey("listings.id"), nullable=True))
        op.add_column(
            "complaints", sa.Column("merged_into", sa.Integer(), sa.ForeignKey("complaints.id"), nullable=True)
        )
    op.add_column("complaints", sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("complaints", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("uq_complaints_status_token", "complaints", ["status_token_hash"], unique=True)
    op.create_index("ix_complaints_listing", "complaints", ["listing_pk"])

    conn = op.get_bind()
    holidays = {
        (date.fromisoformat(d) if isinstance(d, str) else d)
        for (d,) in conn.execute(sa.text("select day from holidays"))
    }
    complaints = sa.table(
        "complaints",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("due_at", sa.DateTime),
    )
    for pk, created in conn.execute(sa.select(complaints.c.id, complaints.c.created_at)).all():
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        conn.execute(complaints.update().where(complaints.c.id == pk).values(due_at=_due(created, holidays)))

    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("decision_pk", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("brand", sa.Text(), nullable=True),
        sa.Column("tis_number", sa.String(length=40), nullable=True),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("legal_basis", sa.String(length=20), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("approved_by", sa.String(length=80), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("takedown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=80), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["listing_pk"], ["listings.id"]),
        sa.ForeignKeyConstraint(["decision_pk"], ["decisions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_publications_public", "publications", ["state", "confirmed_at"])
    op.create_index("ix_publications_listing", "publications", ["listing_pk"])
    op.create_index(
        "uq_publications_live",
        "publications",
        ["listing_pk"],
        unique=True,
        sqlite_where=sa.text("state = 'published'"),
        postgresql_where=sa.text("state = 'published'"),
    )
    op.create_table(
        "publication_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("publication_pk", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["publication_pk"], ["publications.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_publication_events_publication", "publication_events", ["publication_pk"])
    op.create_index("ix_listings_url_prefix", "listings", [sa.text("substr(url, 1, 255)")])


def downgrade() -> None:
    op.drop_index("ix_listings_url_prefix", table_name="listings")
    op.drop_index("ix_publication_events_publication", table_name="publication_events")
    op.drop_table("publication_events")
    op.drop_index("uq_publications_live", table_name="publications")
    op.drop_index("ix_publications_listing", table_name="publications")
    op.drop_index("ix_publications_public", table_name="publications")
    op.drop_table("publications")
    op.drop_index("ix_complaints_listing", table_name="complaints")
    op.drop_index("uq_complaints_status_token", table_name="complaints")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("due_at")
        batch.drop_column("merged_into")
        batch.drop_column("listing_pk")
        batch.drop_column("status_token_hash")
