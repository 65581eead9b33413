"""recompute licence keys: multi-part suffixes now have one spelling (`…/685(1)`, `…/60335เล่ม2(7)`)

A store imported before licence keys kept the part's brackets would otherwise add a second row for the
same licence on the next registry import. Rows whose new key is already taken keep their old key and are
reported (the next import updates the row that holds the new key).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from tisguard.tisno import licence_key

    conn = op.get_bind()
    licences = sa.table(
        "licences", sa.column("id", sa.Integer), sa.column("licence_no", sa.Text), sa.column("licence_key", sa.Text)
    )
    rows = conn.execute(sa.select(licences.c.id, licences.c.licence_no, licences.c.licence_key)).all()
    taken = {r.licence_key for r in rows}
    for r in rows:
        new = licence_key(r.licence_no)
        if new == r.licence_key:
            continue
        if new in taken:
            print(f"licence {r.licence_no} (id {r.id}): key {new} is already used; kept {r.licence_key}")
            continue
        conn.execute(sa.update(licences).where(licences.c.id == r.id).values(licence_key=new))
        taken.discard(r.licence_key)
        taken.add(new)


def downgrade() -> None:
    pass  # the old keys are not needed by any older code path that reads them back
