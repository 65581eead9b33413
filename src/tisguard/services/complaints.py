"""Consumer complaints: submission from the public form, the officers' paged and searchable list, spam flags.

Anyone can submit, so every field is bounded and checked here, and a flood stays visible but out of the way:
a complaint is flagged as spam automatically when its sender (a keyed hash of the address, never the address)
has sent many in the last hour or it repeats one already received; officers can flag and unflag by hand. The
list hides spam unless asked, so a flood cannot push real complaints off the first page.

Each complaint gets a ticket number (`C-<id>`, shown as เลขที่เรื่อง / ticket) and a private status link: a random
token handed to the sender once, of which only the SHA-256 is kept. The sender is owed an outcome notice within
3 business days (`due_at`; services/calendar.py skips weekends and the holiday table). A complaint about a listing
the store holds is linked to it on arrival; triage, merging and outcomes are in services/complaint_tracking.py.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, select, update

from tisguard.services import audit, complaint_outcomes
from tisguard.services.calendar import deadline
from tisguard.services.errors import FieldError
from tisguard.services.listing_lookup import find_by_url
from tisguard.spec.listing import http_url
from tisguard.store.tables import complaint_outcomes as complaint_outcomes_table
from tisguard.store.tables import complaints

LIMITS = {"listing_url": 2_000, "text": 5_000, "contact": 300}
PER_PAGE = 50
MAX_QUERY = 200
FLOOD_PER_HOUR = 5  # more than this many from one sender within an hour are flagged as spam
_SURROGATE = re.compile(r"[\ud800-\udfff]")
OUTCOME_NOTICE_BUSINESS_DAYS = 3  # the outcome notice the DPS rules ask of platforms
STATUSES = ("new", "triaged", "decided", "merged")
OPEN_STATES = ("new", "triaged")
TICKET_PREFIX = "C-"
_TICKET = re.compile(r"^\s*+[Cc]?\s*+-?\s*+(\d{1,18})\s*+$")


def _text(field: str, value: str | None, max_chars: int, min_chars: int = 0) -> str:
    v = (value or "").strip()
    if len(v) < min_chars:
        raise FieldError(field, f"must be at least {min_chars} characters")
    if len(v) > max_chars:
        raise FieldError(field, f"must be at most {max_chars} characters")
    if "\x00" in v or _SURROGATE.search(v):
        raise FieldError(field, "contains characters that are not valid text")
    return v


def ticket(pk: int) -> str:
    return f"{TICKET_PREFIX}{pk}"


def parse_ticket(text: str | None) -> int | None:
    """'C-12', 'c12' or '12' -> 12; None when it is not a ticket number."""
    m = _TICKET.match(text or "")
    return int(m.group(1)) if m and 0 < int(m.group(1)) <= 2**62 else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def submit(
    db: Engine, listing_url: str, text: str, contact: str | None, sender: str | None, now: datetime | None = None
) -> dict:
    """Store a complaint; returns {"id", "ticket", "token", "due_at", "listing_pk", "spam"}. `sender` is an
    opaque key for flood detection (may be None). `token` is the private status link's secret: returned
    here once, never stored."""
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
        token = secrets.token_urlsafe(24)
        due = deadline(conn, now, OUTCOME_NOTICE_BUSINESS_DAYS)
        hit = find_by_url(conn, url)
        pk = conn.execute(
            complaints.insert().values(
                listing_url=url,
                text=body,
                contact=contact_v,
                status="new",
                created_at=now,
                spam=spam,
                client_hash=sender,
                status_token_hash=token_hash(token),
                due_at=due,
                updated_at=now,
                listing_pk=hit.id if hit else None,
                platform=hit.platform if hit else None,
                listing_id=hit.listing_id if hit else None,
            )
        ).inserted_primary_key[0]
    listing_pk = hit.id if hit else None
    return {"id": pk, "ticket": ticket(pk), "token": token, "due_at": due, "listing_pk": listing_pk, "spam": spam}


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_complaints(
    db: Engine,
    q: str | None = None,
    page: int = 1,
    spam: bool = False,
    per_page: int = PER_PAGE,
    overdue: bool = False,
    now: datetime | None = None,
) -> dict:
    """One page, newest first: real complaints, or only the spam-flagged ones when `spam`. `q` searches the
    listing URL, the text and the contact (case-insensitive substring), or finds a ticket number ('C-12');
    `overdue` keeps those still open past their outcome-notice deadline."""
    q = _text("q", q, MAX_QUERY)
    if page < 1:
        raise FieldError("page", "must be 1 or more")
    now = now or datetime.now(UTC)
    cond = complaints.c.spam == spam
    if overdue:  # no outcome recorded yet, not merged, past the deadline
        decided = select(complaint_outcomes_table.c.id).where(
            complaint_outcomes_table.c.complaint_pk == complaints.c.id
        )
        cond = and_(cond, complaints.c.status.in_(OPEN_STATES), ~decided.exists(), complaints.c.due_at < now)
    by_ticket = parse_ticket(q) if q.upper().startswith(TICKET_PREFIX) else None
    if by_ticket is not None:
        cond = and_(cond, complaints.c.id == by_ticket)
    elif q:
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
        "items": [_overdue(d, now) for d in complaint_outcomes.annotate(db, [_row(r) for r in rows])],  # + outcome, due
        "overdue": overdue,
        "total": total,
        "page": page,
        "per_page": per_page,
        "q": q,
        "spam": spam,
        "spam_total": spam_total,
    }


def _row(r) -> dict:
    d = {k: v for k, v in r._asdict().items() if k != "status_token_hash"}
    d["ticket"] = ticket(d["id"])
    return d


def _overdue(d: dict, now: datetime) -> dict:
    """`notice_overdue`: past the outcome deadline with no outcome recorded and not merged."""
    due = d.get("due") or d.get("due_at")
    due = due.replace(tzinfo=UTC) if due is not None and due.tzinfo is None else due
    d["notice_overdue"] = bool(due and d["status"] in OPEN_STATES and not d.get("outcome") and due < now)
    return d


def set_spam(db: Engine, pk: int, spam: bool, actor: str) -> None:
    with db.begin() as conn:
        if conn.execute(update(complaints).where(complaints.c.id == pk).values(spam=spam)).rowcount == 0:
            raise LookupError(pk)
        audit.record(conn, actor, "complaint.spam" if spam else "complaint.not_spam", f"complaint/{pk}")
