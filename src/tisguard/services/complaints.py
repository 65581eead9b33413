"""Consumer complaints: submission from the public form, the officers' paged and searchable list, spam flags.

Anyone can submit, so every field is bounded and checked here, and a flood stays visible but out of the way:
a complaint is flagged as spam automatically when its sender (a keyed hash of the address, never the address)
has sent many in the last hour or it repeats one already received; officers can flag and unflag by hand. The
list hides spam unless asked, so a flood cannot push real complaints off the first page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, select, update

from tisguard.services import audit, complaint_outcomes
from tisguard.services.errors import FieldError
from tisguard.spec.listing import http_url
from tisguard.store.tables import complaints

LIMITS = {"listing_url": 2_000, "text": 5_000, "contact": 300}
PER_PAGE = 50
MAX_QUERY = 200
FLOOD_PER_HOUR = 5  # more than this many from one sender within an hour are flagged as spam
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _text(field: str, value: str | None, max_chars: int, min_chars: int = 0) -> str:
    v = (value or "").strip()
    if len(v) < min_chars:
        raise FieldError(field, f"must be at least {min_chars} characters")
    if len(v) > max_chars:
        raise FieldError(field, f"must be at most {max_chars} characters")
    if "\x00" in v or _SURROGATE.search(v):
        raise FieldError(field, "contains characters that are not valid text")
    return v


def submit(
    db: Engine, listing_url: str, text: str, contact: str | None, sender: str | None, now: datetime | None = None
) -> dict:
    """Store a complaint; returns {"id", "spam"}. `sender` is an opaque key for flood detection (may be None)."""
    now = now or datetime.now(UTC)
    url = _text("listing_url", listing_url, LIMITS["listing_url"], 8)
    try:
        http_url(url)
    except ValueError as e:
        raise FieldError("listing_url", str(e)) from None
    body = _text("text", text, LIMITS["text"], 3)
    contact_v = _text("contact", contact, LIMITS["contact"]) or None
    with db.begin() as conn:
        recent = 0
        if sender:
            recent = conn.execute(
                select(func.count())
                .select_from(complaints)
                .where(complaints.c.client_hash == sender, complaints.c.created_at >= now - timedelta(hours=1))
            ).scalar_one()
        repeat = conn.execute(
            select(complaints.c.id)
            .where(
                complaints.c.listing_url == url,
                complaints.c.text == body,
                complaints.c.created_at >= now - timedelta(days=1),
            )
            .limit(1)
        ).first()
        spam = recent >= FLOOD_PER_HOUR or repeat is not None
        pk = conn.execute(
            complaints.insert().values(
                listing_url=url,
                text=body,
                contact=contact_v,
                status="new",
                created_at=now,
                spam=spam,
                client_hash=sender,
            )
        ).inserted_primary_key[0]
    return {"id": pk, "spam": spam}


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_complaints(
    db: Engine, q: str | None = None, page: int = 1, spam: bool = False, per_page: int = PER_PAGE
) -> dict:
    """One page, newest first: real complaints, or only the spam-flagged ones when `spam`. `q` searches the
    listing URL, the text and the contact (case-insensitive substring)."""
    q = _text("q", q, MAX_QUERY)
    if page < 1:
        raise FieldError("page", "must be 1 or more")
    cond = complaints.c.spam == spam
    if q:
        pat = _like(q)
        cond = and_(
            cond,
            or_(
                complaints.c.listing_url.ilike(pat, escape="\\"),
                complaints.c.text.ilike(pat, escape="\\"),
                complaints.c.contact.ilike(pat, escape="\\"),
            ),
        )
    with db.connect() as conn:
        total = conn.execute(select(func.count()).select_from(complaints).where(cond)).scalar_one()
        rows = conn.execute(
            select(complaints)
            .where(cond)
            .order_by(complaints.c.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        spam_total = conn.execute(
            select(func.count()).select_from(complaints).where(complaints.c.spam.is_(True))
        ).scalar_one()
    return {
        "items": complaint_outcomes.annotate(db, [r._asdict() for r in rows]),  # outcome and its due date
        "total": total,
        "page": page,
        "per_page": per_page,
        "q": q,
        "spam": spam,
        "spam_total": spam_total,
    }


def set_spam(db: Engine, pk: int, spam: bool, actor: str) -> None:
    with db.begin() as conn:
        if conn.execute(update(complaints).where(complaints.c.id == pk).values(spam=spam)).rowcount == 0:
            raise LookupError(pk)
        audit.record(conn, actor, "complaint.spam" if spam else "complaint.not_spam", f"complaint/{pk}")
