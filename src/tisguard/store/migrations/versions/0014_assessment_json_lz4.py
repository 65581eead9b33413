"""assessments: the evidence JSON compressed with lz4 on PostgreSQL (issue 15)

Revision ID: 0014
Revises: 0013

An assessment row is ~2.1 kB (reasons, evidence, waterfall JSON), just over PostgreSQL's TOAST threshold, so
the server compresses its largest JSON value on every insert, with pglz by default: a measurable share of the
write-back's server CPU at national scale. lz4 compresses several times faster (and reads back faster) at
about the same size for this text. PostgreSQL only, and only where the server was built with lz4 (the
`default_toast_compression` setting lists it); elsewhere nothing changes. Values already stored keep their
compression until rewritten; the content is the same either way. SQLite: nothing to do.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("reasons", "evidence", "waterfall")


def _has_lz4(bind) -> bool:
    if bind.dialect.name != "postgresql" or bind.dialect.server_version_info < (14,):
        return False
    return bool(
        bind.execute(
            sa.text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        ).scalar()
    )


def _set(method: str) -> None:
    bind = op.get_bind()
    if _has_lz4(bind):
        op.execute(
            f"ALTER TABLE assessments {', '.join(f'ALTER COLUMN {c} SET COMPRESSION {method}' for c in COLUMNS)}"
        )


def upgrade() -> None:
    _set("lz4")


def downgrade() -> None:
    _set("DEFAULT")
