"""audit hash chain, webhook outbox, one open notice per listing, ingest run per listing (issue 12 items 6-12)

Revision ID: 0003
Revises: 0002

Existing audit rows are chained in id order; existing open notices keep their items open (when a listing
already sat in two open notices, the older notice keeps it open and the newer one's item is marked closed so
the new unique index can be built: the audit log of notice.create still names both).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN_STATES = ("draft", "sent", "acknowledged", "overdue")


def upgrade() -> None:
    from tisguard.services.audit import GENESIS, chain_hash

    conn = op.get_bind()
    # --- audit chain ---
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("subject", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("seq", sa.BigInteger()),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
    )
    prev, seq = GENESIS, 0
    rows = conn.execute(sa.select(log).order_by(log.c.id)).all()
    for r in rows:
        seq += 1
        h = chain_hash(prev, seq, r.at, r.actor, r.action, r.subject, r.detail)
        conn.execute(sa.update(log).where(log.c.id == r.id).values(seq=seq, prev_hash=prev, row_hash=h))
        prev = h
    op.create_index("uq_audit_log_seq", "audit_log", ["seq"], unique=True)
    conn.execute(sa.text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, :seq, :h)"), {"seq": seq, "h": prev})

    # --- one open notice per listing ---
    with op.batch_alter_table("notice_items") as batch:
        batch.add_column(sa.Column("is_open", sa.Boolean(), nullable=False, server_default=sa.false()))
    items = sa.table(
        "notice_items",
        sa.column("id", sa.Integer()),
        sa.column("notice_pk", sa.Integer()),
        sa.column("listing_pk", sa.Integer()),
        sa.column("is_open", sa.Boolean()),
    )
    notices = sa.table("notices", sa.column("id", sa.Integer()), sa.column("state", sa.String()))
    open_items = conn.execute(
        sa.select(items.c.id, items.c.listing_pk)
        .join(notices, notices.c.id == items.c.notice_pk)
        .where(notices.c.state.in_(OPEN_STATES))
        .order_by(notices.c.id, items.c.id)
    ).all()
    seen = set()
    for r in open_items:
        if r.listing_pk not in seen:
            seen.add(r.listing_pk)
            conn.execute(sa.update(items).where(items.c.id == r.id).values(is_open=True))
    op.create_index(
        "uq_open_notice_item",
        "notice_items",
        ["listing_pk"],
        unique=True,
        sqlite_where=sa.text("is_open"),
        postgresql_where=sa.text("is_open"),
    )
    op.create_index("ix_decisions_listing", "decisions", ["listing_pk", "id"])

    # --- ingest: which run last wrote a listing ---
    with op.batch_alter_table("listings") as batch:
        batch.add_column(sa.Column("ingest_run", sa.Integer(), nullable=True))

    # --- durable webhook outbox ---
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("notice_pk", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["notice_pk"], ["notices.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_due", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    with op.batch_alter_table("listings") as batch:
        batch.drop_column("ingest_run")
    op.drop_index("ix_decisions_listing", table_name="decisions")
    op.drop_index("uq_open_notice_item", table_name="notice_items")
    with op.batch_alter_table("notice_items") as batch:
        batch.drop_column("is_open")
    op.drop_index("uq_audit_log_seq", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    op.drop_table("audit_head")
