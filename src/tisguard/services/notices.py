"""Takedown notices: grouped per platform, tracked draft → sent → acknowledged → removed/refused,
overdue after 2 business days (weekends and the holidays of services/calendar.py skipped); platforms report
per-listing actions through the API.

Rules: only listings whose governing (latest confirm/dismiss) decision is a confirmation go into a notice;
a listing is in at most one open notice (a partial unique index on `notice_items.is_open` holds it even
against two officers at once); a closed notice (removed/refused) is final for the platform, and only a
supervisor can reopen it, with a reason, audited. Sending or reopening queues the platform's webhook in
the same transaction (services/webhooks.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from tisguard.services import audit, calendar, webhooks
from tisguard.services.errors import FieldError
from tisguard.services.review import governing_decisions, latest_final_decisions
from tisguard.store.tables import (
    assessments,
    decisions,
    evidence_packages,
    listings,
    notice_items,
    notices,
    users,
)

DEADLINE_BUSINESS_DAYS = 2
STATES = ("draft", "sent", "acknowledged", "removed", "refused", "overdue")
CLOSED = ("removed", "refused")
ACTIONS = ("removed", "refused", "seller_notified")
REOPEN_ROLES = ("supervisor", "admin")


class NoticeError(FieldError):
    pass


class NoticeClosed(NoticeError):
    """A platform tried to change a notice that is closed (removed/refused)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def confirmed_without_notice(db: Engine, platform: str | None = None) -> list[dict]:
    """Listings whose governing decision is a confirmation not yet put in a notice (what a new notice
    would contain): not in an open notice, and in no notice created since that confirmation."""
    lf = latest_final_decisions()
    noticed = exists().where(
        notice_items.c.listing_pk == listings.c.id,
        notice_items.c.notice_pk == notices.c.id,
        (notice_items.c.is_open.is_(True)) | (notices.c.created_at >= decisions.c.at),
    )
    q = (
        select(
            listings.c.id,
            listings.c.platform,
            listings.c.listing_id,
            listings.c.title,
            listings.c.url,
            decisions.c.legal_basis,
            decisions.c.tis_number,
        )
        .join(lf, lf.c.listing_pk == listings.c.id)
        .join(decisions, decisions.c.id == lf.c.decision_id)
        .where(decisions.c.decision == "confirm", ~noticed)
    )
    if platform:
        q = q.where(listings.c.platform == platform)
    with db.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q.order_by(listings.c.id))]


def open_notice_of(conn, listing_pk: int):
    """The open notice a listing is in (id, state), or None."""
    return conn.execute(
        select(notices.c.id, notices.c.state)
        .join(notice_items, notice_items.c.notice_pk == notices.c.id)
        .where(notice_items.c.listing_pk == listing_pk, notice_items.c.is_open.is_(True))
    ).first()


def _check_items(conn, listing_pks: list[int], notice_pk: int | None = None) -> None:
    """Every listing's governing decision is a confirmation and it is in no other open notice."""
    names = dict(conn.execute(select(listings.c.id, listings.c.listing_id).where(listings.c.id.in_(listing_pks))).all())
    governing = governing_decisions(conn, listing_pks)
    for lp in sorted(listing_pks):
        if governing.get(lp) != "confirm":
            state = {"dismiss": "was dismissed", None: "has no decision"}[governing.get(lp)]
            raise NoticeError(
                "listing_ids", f"listing {names.get(lp, lp)} {state}: only confirmed violations go into a notice"
            )
    others = conn.execute(
        select(notice_items.c.listing_pk, notice_items.c.notice_pk).where(
            notice_items.c.listing_pk.in_(listing_pks), notice_items.c.is_open.is_(True)
        )
    ).all()
    for o in others:
        if o.notice_pk != notice_pk:
            raise NoticeError(
                "listing_ids", f"listing {names.get(o.listing_pk)} is already in open notice {o.notice_pk}"
            )


def create_notice(db: Engine, platform: str, listing_pks: list[int], actor: str, legal_basis: str | None = None) -> int:
    if not listing_pks:
        raise NoticeError("listing_ids", "a notice needs at least one confirmed listing")
    try:
        return _create_notice(db, platform, listing_pks, actor, legal_basis)
    except IntegrityError:  # another officer put one of these listings in a notice at the same moment
        raise NoticeError("listing_ids", "a listing of this notice was just put in another open notice") from None


def _create_notice(db: Engine, platform: str, listing_pks: list[int], actor: str, legal_basis: str | None) -> int:
    with db.begin() as conn:
        rows = conn.execute(select(listings.c.id, listings.c.platform).where(listings.c.id.in_(listing_pks))).all()
        if len(rows) != len(set(listing_pks)):
            raise NoticeError("listing_ids", "unknown listing")
        if any(r.platform != platform for r in rows):
            raise NoticeError("listing_ids", f"every listing of a notice must be on {platform}")
        _check_items(conn, list(set(listing_pks)))
        pk = conn.execute(
            notices.insert().values(
                platform=platform,
                state="draft",
                created_by=actor,
                created_at=_now(),
                legal_basis=legal_basis,
                history=[{"state": "draft", "at": _now().isoformat(), "by": actor}],
            )
        ).inserted_primary_key[0]
        for lp in sorted(set(listing_pks)):
            ev = conn.execute(
                select(evidence_packages.c.id)
                .where(evidence_packages.c.listing_pk == lp)
                .order_by(evidence_packages.c.id.desc())
            ).scalar()
            conn.execute(notice_items.insert().values(notice_pk=pk, listing_pk=lp, evidence_pk=ev, is_open=True))
        audit.record(
            conn, actor, "notice.create", f"notice/{pk}", {"platform": platform, "listings": sorted(set(listing_pks))}
        )
    return pk


def _set_state(conn, pk: int, state: str, actor: str, note: dict | None = None, **values) -> None:
    hist = conn.execute(select(notices.c.history).where(notices.c.id == pk)).scalar_one() or []
    hist = hist + [{"state": state, "at": _now().isoformat(), "by": actor, **(note or {})}]
    conn.execute(update(notices).where(notices.c.id == pk).values(state=state, history=hist, **values))
    if state in CLOSED:
        conn.execute(update(notice_items).where(notice_items.c.notice_pk == pk).values(is_open=False))
    audit.record(conn, actor, f"notice.{state}", f"notice/{pk}", note)


def _locked(conn, pk: int, platform: str | None = None):
    """The notice row, locked for this transaction (a no-op UPDATE takes the row lock on PostgreSQL and
    the write lock on SQLite before anything is read), or None."""
    cond = [notices.c.id == pk] + ([notices.c.platform == platform] if platform else [])
    if conn.execute(update(notices).where(*cond).values(state=notices.c.state)).rowcount == 0:
        return None
    return conn.execute(select(notices).where(*cond)).first()


def send_notice(db: Engine, pk: int, actor: str) -> dict:
    with db.begin() as conn:
        n = _locked(conn, pk)
        if n is None:
            raise LookupError(pk)
        if n.state != "draft":
            raise NoticeError("state", f"notice is {n.state}, only a draft can be sent")
        items = conn.execute(select(notice_items.c.listing_pk).where(notice_items.c.notice_pk == pk)).scalars().all()
        _check_items(conn, items, notice_pk=pk)  # a listing dismissed since the draft was made stops the sending
        now = _now()
        _set_state(conn, pk, "sent", actor, sent_at=now, deadline=calendar.deadline(conn, now, DEADLINE_BUSINESS_DAYS))
        webhooks.enqueue(conn, _notice(conn, pk), "notice.sent")
    return get_notice(db, pk)


def record_actions(db: Engine, pk: int, platform: str, actions: list[dict], actor: str) -> dict:
    """A platform reports what it did per listing; the notice state follows. A closed notice is final."""
    with db.begin() as conn:
        n = _locked(conn, pk, platform)
        if n is None or n.state == "draft":
            raise LookupError(pk)
        if n.state in CLOSED:
            raise NoticeClosed("state", f"notice {pk} is closed ({n.state}); only a supervisor can reopen it")
        items = {
            r.listing_id: r.id
            for r in conn.execute(
                select(notice_items.c.id, listings.c.listing_id)
                .join(listings, listings.c.id == notice_items.c.listing_pk)
                .where(notice_items.c.notice_pk == pk)
            )
        }
        for i, a in enumerate(actions):
            if a.get("listing_id") not in items:
                raise NoticeError(f"actions[{i}].listing_id", "listing is not in this notice")
            if a.get("action") not in ACTIONS:
                raise NoticeError(f"actions[{i}].action", f"must be one of {', '.join(ACTIONS)}")
            if a["action"] == "refused" and not (a.get("reason") or "").strip():
                raise NoticeError(f"actions[{i}].reason", "a refusal needs a reason")
        for a in actions:
            conn.execute(
                update(notice_items)
                .where(notice_items.c.id == items[a["listing_id"]])
                .values(action=a["action"], action_reason=a.get("reason"), action_at=_now())
            )
        done = [r.action for r in conn.execute(select(notice_items.c.action).where(notice_items.c.notice_pk == pk))]
        if all(x == "removed" for x in done):
            _set_state(conn, pk, "removed", actor, closed_at=_now())
        elif all(x in ("removed", "refused") for x in done) and "refused" in done:
            _set_state(conn, pk, "refused", actor, closed_at=_now())
        elif n.state in ("sent", "overdue"):
            _set_state(conn, pk, "acknowledged", actor)
    return get_notice(db, pk)


def reopen_notice(db: Engine, pk: int, actor: str, reason: str) -> dict:
    """A supervisor reopens a closed notice (e.g. the listing is back online): the platform must act again
    by a new deadline. The earlier actions are kept in the notice history and the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise NoticeError("reason", "reopening a notice needs a reason")
    with db.begin() as conn:
        who = conn.execute(select(users.c.role, users.c.active).where(users.c.username == actor)).first()
        if who is None or not who.active or who.role not in REOPEN_ROLES:
            raise NoticeError("role", "only a supervisor can reopen a notice")
        n = _locked(conn, pk)
        if n is None:
            raise LookupError(pk)
        if n.state not in CLOSED:
            raise NoticeError("state", f"notice is {n.state}; only a closed notice can be reopened")
        rows = conn.execute(
            select(
                notice_items.c.listing_pk, listings.c.listing_id, notice_items.c.action, notice_items.c.action_reason
            )
            .join(listings, listings.c.id == notice_items.c.listing_pk)
            .where(notice_items.c.notice_pk == pk)
        ).all()
        _check_items(conn, [r.listing_pk for r in rows], notice_pk=pk)
        previous = [{"listing_id": r.listing_id, "action": r.action, "reason": r.action_reason} for r in rows]
        conn.execute(
            update(notice_items)
            .where(notice_items.c.notice_pk == pk)
            .values(action=None, action_reason=None, action_at=None, is_open=True)
        )
        now = _now()
        note = {"reopened_from": n.state, "reason": reason, "previous_actions": previous}
        _set_state(
            conn,
            pk,
            "sent",
            actor,
            note,
            closed_at=None,
            deadline=calendar.deadline(conn, now, DEADLINE_BUSINESS_DAYS),
        )
        audit.record(conn, actor, "notice.reopen", f"notice/{pk}", note)
        webhooks.enqueue(conn, _notice(conn, pk), "notice.reopened")
    return get_notice(db, pk)


def mark_overdue(db: Engine, now: datetime | None = None) -> int:
    now = now or _now()
    with db.begin() as conn:
        late = conn.execute(
            select(notices.c.id, notices.c.deadline).where(notices.c.state.in_(("sent", "acknowledged")))
        ).all()
        ids = [r.id for r in late if r.deadline and _as_utc(r.deadline) < now]
        for pk in ids:
            _set_state(conn, pk, "overdue", "system")
    return len(ids)


def get_notice(db: Engine, pk: int, platform: str | None = None) -> dict | None:
    with db.connect() as conn:
        return _notice(conn, pk, platform)


def _notice(conn, pk: int, platform: str | None = None) -> dict | None:
    q = select(notices).where(notices.c.id == pk)
    if platform:
        q = q.where(notices.c.platform == platform)
    n = conn.execute(q).first()
    if n is None:
        return None
    items = conn.execute(
        select(
            listings.c.id,
            listings.c.listing_id,
            listings.c.url,
            listings.c.title,
            notice_items.c.action,
            notice_items.c.action_reason,
            notice_items.c.action_at,
            evidence_packages.c.sha256,
            assessments.c.tis_number,
        )
        .select_from(
            notice_items.join(listings, listings.c.id == notice_items.c.listing_pk)
            .outerjoin(evidence_packages, evidence_packages.c.id == notice_items.c.evidence_pk)
            .outerjoin(assessments, (assessments.c.listing_pk == listings.c.id) & assessments.c.is_latest.is_(True))
        )
        .where(notice_items.c.notice_pk == pk)
        .order_by(listings.c.id)
    ).all()
    return {
        "id": n.id,
        "platform": n.platform,
        "state": n.state,
        "created_by": n.created_by,
        "created_at": n.created_at,
        "sent_at": n.sent_at,
        "deadline": n.deadline,
        "closed_at": n.closed_at,
        "legal_basis": n.legal_basis,
        "history": n.history,
        "items": [
            {
                "listing_pk": i.id,
                "listing_id": i.listing_id,
                "url": i.url,
                "title": i.title,
                "tis": i.tis_number,
                "evidence_sha256": i.sha256,
                "action": i.action,
                "action_reason": i.action_reason,
                "action_at": i.action_at,
            }
            for i in items
        ],
    }


def list_notices(
    db: Engine, platform: str | None = None, after_id: int = 0, limit: int = 50, include_drafts: bool = True
) -> list[dict]:
    q = select(notices.c.id).where(notices.c.id > after_id).order_by(notices.c.id).limit(limit)
    if platform:
        q = q.where(notices.c.platform == platform)
    if not include_drafts:
        q = q.where(notices.c.state != "draft")
    with db.connect() as conn:
        ids = conn.execute(q).scalars().all()
    return [get_notice(db, i) for i in ids]


def takedown_hours(db: Engine) -> list[float]:
    with db.connect() as conn:
        rows = conn.execute(select(notices.c.sent_at, notices.c.closed_at).where(notices.c.state == "removed")).all()
    return [
        (_as_utc(r.closed_at) - _as_utc(r.sent_at)).total_seconds() / 3600 for r in rows if r.sent_at and r.closed_at
    ]


def count_by_state(db: Engine) -> dict[str, int]:
    with db.connect() as conn:
        return dict(conn.execute(select(notices.c.state, func.count()).group_by(notices.c.state)).all())
