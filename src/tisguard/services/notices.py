"""Takedown notices: grouped per platform, tracked draft → sent → acknowledged → removed/refused,
overdue after 2 business days; platforms report per-listing actions through the API."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update

from tisguard.services import audit
from tisguard.services.errors import FieldError
from tisguard.services.thai import add_business_days
from tisguard.store.tables import assessments, decisions, evidence_packages, listings, notice_items, notices

DEADLINE_BUSINESS_DAYS = 2
STATES = ("draft", "sent", "acknowledged", "removed", "refused", "overdue")
ACTIONS = ("removed", "refused", "seller_notified")


class NoticeError(FieldError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def confirmed_without_notice(db: Engine, platform: str | None = None) -> list[dict]:
    """Confirmed listings not yet in any notice (what a new notice would contain)."""
    in_notice = select(notice_items.c.listing_pk)
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
        .join(decisions, decisions.c.listing_pk == listings.c.id)
        .where(decisions.c.decision == "confirm", listings.c.id.not_in(in_notice))
    )
    if platform:
        q = q.where(listings.c.platform == platform)
    with db.connect() as conn:
        rows = conn.execute(q.order_by(listings.c.id)).all()
    seen, out = set(), []
    for r in rows:
        if r.id not in seen:
            seen.add(r.id)
            out.append(dict(r._mapping))
    return out


def create_notice(db: Engine, platform: str, listing_pks: list[int], actor: str, legal_basis: str | None = None) -> int:
    if not listing_pks:
        raise NoticeError("listing_ids", "a notice needs at least one confirmed listing")
    with db.begin() as conn:
        rows = conn.execute(select(listings.c.id, listings.c.platform).where(listings.c.id.in_(listing_pks))).all()
        if len(rows) != len(set(listing_pks)):
            raise NoticeError("listing_ids", "unknown listing")
        if any(r.platform != platform for r in rows):
            raise NoticeError("listing_ids", f"every listing of a notice must be on {platform}")
        confirmed = set(
            conn.execute(
                select(decisions.c.listing_pk).where(
                    decisions.c.listing_pk.in_(listing_pks), decisions.c.decision == "confirm"
                )
            ).scalars()
        )
        if confirmed != set(listing_pks):
            raise NoticeError("listing_ids", "only confirmed violations can go into a notice")
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
            conn.execute(notice_items.insert().values(notice_pk=pk, listing_pk=lp, evidence_pk=ev))
        audit.record(
            conn, actor, "notice.create", f"notice/{pk}", {"platform": platform, "listings": sorted(set(listing_pks))}
        )
    return pk


def _set_state(conn, pk: int, state: str, actor: str, **values) -> None:
    hist = conn.execute(select(notices.c.history).where(notices.c.id == pk)).scalar_one() or []
    hist = hist + [{"state": state, "at": _now().isoformat(), "by": actor}]
    conn.execute(update(notices).where(notices.c.id == pk).values(state=state, history=hist, **values))
    audit.record(conn, actor, f"notice.{state}", f"notice/{pk}")


def send_notice(db: Engine, pk: int, actor: str) -> dict:
    with db.begin() as conn:
        n = conn.execute(select(notices).where(notices.c.id == pk)).first()
        if n is None:
            raise LookupError(pk)
        if n.state != "draft":
            raise NoticeError("state", f"notice is {n.state}, only a draft can be sent")
        now = _now()
        _set_state(conn, pk, "sent", actor, sent_at=now, deadline=add_business_days(now, DEADLINE_BUSINESS_DAYS))
    return get_notice(db, pk)


def record_actions(db: Engine, pk: int, platform: str, actions: list[dict], actor: str) -> dict:
    """A platform reports what it did per listing; the notice state follows."""
    with db.begin() as conn:
        n = conn.execute(select(notices).where(notices.c.id == pk, notices.c.platform == platform)).first()
        if n is None or n.state == "draft":
            raise LookupError(pk)
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
