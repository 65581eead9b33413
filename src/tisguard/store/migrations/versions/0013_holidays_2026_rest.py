"""holidays: the rest of 2026 (May to December) in stores seeded before those rows were sourced

Revision ID: 0013
Revises: 0012

Migration 0007 seeds a new store with every row of `data/thai_holidays.csv`. Stores created before the rows
from 1 May 2026 on were added get the ones they lack here; a day an admin already has (or edited) is left as it is.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FROM = date(2026, 5, 1)
UNTIL = date(2027, 1, 1)

_holidays = sa.table(
    "holidays",
    sa.column("day", sa.Date),
    sa.column("name_th", sa.Text),
    sa.column("name_en", sa.Text),
    sa.column("kind", sa.String),
    sa.column("source", sa.Text),
    sa.column("updated_by", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    from tisguard.services.calendar import read_csv, seed_path

    conn = op.get_bind()
    have = set(conn.execute(sa.select(_holidays.c.day)).scalars())
    now = datetime.now(UTC)
    rows = [
        {"day": h.day, "name_th": h.name_th, "name_en": h.name_en, "kind": h.kind, "source": h.source}
        for h in read_csv(seed_path())
        if FROM <= h.day < UNTIL and h.day not in have
    ]
    if rows:
        conn.execute(_holidays.insert(), [{**r, "updated_by": "seed", "updated_at": now} for r in rows])


def downgrade() -> None:
    op.execute(
        _holidays.delete().where(_holidays.c.day >= FROM, _holidays.c.day < UNTIL, _holidays.c.updated_by == "seed")
    )
