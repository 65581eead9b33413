"""Cases: listings and sellers grouped for one investigation, with notes, assignee and status."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select, update

from tisguard.services import audit
from tisguard.services.errors import FieldError
from tisguard.store.tables import case_items, cases, listings, sellers

STATUSES = ("open", "investigating", "referred", "closed")


class CaseError(FieldError):
    pass


def create_case(db: Engine, title: str, actor: str, assignee: str | None = None) -> int:
    if not title.strip():
        raise CaseError("title", "a case needs a title")
    with db.begin() as conn:
        pk = conn.execute(
            cases.insert().values(
                title=title.strip(), status="open", assignee=assignee or actor, notes=[], created_at=datetime.now(UTC)
            )
        ).inserted_primary_key[0]
        audit.record(conn, actor, "case.create", f"case/{pk}", {"title": title})
    return pk


def add_to_case(db: Engine, pk: int, actor: str, listing_pk: int | None = None, seller_pk: int | None = None) -> None:
    with db.begin() as conn:
        if conn.execute(select(cases.c.id).where(cases.c.id == pk)).first() is None:
            raise LookupError(pk)
        if (
            listing_pk is not None
            and conn.execute(select(listings.c.id).where(listings.c.id == listing_pk)).first() is None
        ):
            raise CaseError("listing", "unknown listing")
        conn.execute(case_items.insert().values(case_pk=pk, listing_pk=listing_pk, seller_pk=seller_pk))
        audit.record(conn, actor, "case.add", f"case/{pk}", {"listing_pk": listing_pk, "seller_pk": seller_pk})


def update_case(
    db: Engine, pk: int, actor: str, status: str | None = None, assignee: str | None = None, note: str | None = None
) -> None:
    if status and status not in STATUSES:
        raise CaseError("status", f"must be one of {', '.join(STATUSES)}")
    if assignee and len(assignee) > 80:  # the column's size: PostgreSQL would refuse it with an error
        raise CaseError("assignee", "must be at most 80 characters")
    with db.begin() as conn:
        row = conn.execute(select(cases).where(cases.c.id == pk)).first()
        if row is None:
            raise LookupError(pk)
        values = {}
        if status:
            values["status"] = status
        if assignee:
            values["assignee"] = assignee
        if note and note.strip():
            values["notes"] = (row.notes or []) + [
                {"by": actor, "at": datetime.now(UTC).isoformat(), "text": note.strip()}
            ]
        if values:
            conn.execute(update(cases).where(cases.c.id == pk).values(**values))
            audit.record(conn, actor, "case.update", f"case/{pk}", {k: v for k, v in values.items() if k != "notes"})


def get_case(db: Engine, pk: int) -> dict | None:
    with db.connect() as conn:
        c = conn.execute(select(cases).where(cases.c.id == pk)).first()
        if c is None:
            return None
        items = conn.execute(
            select(
                case_items.c.listing_pk,
                case_items.c.seller_pk,
                listings.c.platform,
                listings.c.listing_id,
                listings.c.title,
                sellers.c.name.label("seller_name"),
            )
            .select_from(
                case_items.outerjoin(listings, listings.c.id == case_items.c.listing_pk).outerjoin(
                    sellers, sellers.c.id == case_items.c.seller_pk
                )
            )
            .where(case_items.c.case_pk == pk)
        ).all()
    return {
        "id": c.id,
        "title": c.title,
        "status": c.status,
        "assignee": c.assignee,
        "notes": c.notes or [],
        "created_at": c.created_at,
        "items": [dict(i._mapping) for i in items],
    }


def list_cases(db: Engine) -> list[dict]:
    with db.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                select(cases.c.id, cases.c.title, cases.c.status, cases.c.assignee, cases.c.created_at).order_by(
                    cases.c.id.desc()
                )
            )
        ]
