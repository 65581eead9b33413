"""The review queue and the listing page's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Engine, and_, func, literal_column, or_, select, text

from tisguard.detect.verdict import FLAGGED_VALUES
from tisguard.services.errors import FieldError
from tisguard.services.thai import BANGKOK
from tisguard.store.queue_state import settled_exists
from tisguard.store.tables import (
    assessments,
    decisions,
    licences,
    listing_images,
    listing_snapshots,
    listings,
    sellers,
)

FLAGGED = FLAGGED_VALUES
FINAL = ("confirm", "dismiss")


@dataclass
class QueueFilter:
    platform: str | None = None
    tis: str | None = None
    verdict: str | None = None
    country: str | None = None
    since: str | None = None  # ISO date: captured on or after
    page: int = 1
    per_page: int = 25
    after: str | None = None  # keyset cursor: the previous page's `next_after`

    def __post_init__(self) -> None:
        """A bad filter is the caller's error (422 naming the field), never a database error."""
        for name in ("platform", "tis", "verdict", "country", "since"):
            v = getattr(self, name)
            if v is not None and (len(v) > 100 or "\x00" in v):
                raise FieldError(name, "must be text of at most 100 characters")
        if self.after is not None:
            parse_cursor(self.after)
        if self.since:
            try:
                date.fromisoformat(self.since)
            except ValueError:
                raise FieldError("since", "must be a calendar date, YYYY-MM-DD") from None


def latest_final_decisions():
    """Each listing's latest confirm/dismiss decision, the one that governs (listing_pk, decision_id).
    `more_info` asks a question and changes nothing."""
    return (
        select(decisions.c.listing_pk, func.max(decisions.c.id).label("decision_id"))
        .where(decisions.c.decision.in_(FINAL))
        .group_by(decisions.c.listing_pk)
        .subquery("latest_final")
    )


def governing_decisions(conn, listing_pks) -> dict[int, str]:
    """listing pk -> its governing decision ('confirm' | 'dismiss'); undecided listings are absent."""
    lf = latest_final_decisions()
    rows = conn.execute(
        select(lf.c.listing_pk, decisions.c.decision)
        .join(decisions, decisions.c.id == lf.c.decision_id)
        .where(lf.c.listing_pk.in_(list(listing_pks)))
    ).all()
    return {r.listing_pk: r.decision for r in rows}


QUEUE_COUNT_CAP = 500
"""The queue counts its listings up to this many; beyond it the total reads "more than 500" (`total_capped`).
An exact count would visit every flagged listing on every page (seconds at a million listings)."""

# The verdicts as SQL literals, not bound parameters: the query must imply the WHERE clause of the partial
# indexes on the latest flagged assessments (migrations 0009, 0010), which the planners prove only from literals
# (SQLite always; PostgreSQL once a statement is prepared with a generic plan).
_FLAGGED_SQL = [literal_column("'" + v + "'") for v in FLAGGED]


def _cursor(priority: float, listing_pk: int) -> str:
    return f"{priority!r}~{listing_pk}"


def parse_cursor(value: str) -> tuple[float, int]:
    try:
        p, k = value.split("~")
        out = float(p), int(k)
    except ValueError:
        raise FieldError("after", "must be a cursor from the queue's `next_after`") from None
    if out[0] != out[0] or abs(out[0]) == float("inf"):
        raise FieldError("after", "must be a cursor from the queue's `next_after`")
    return out


def queue(db: Engine, f: QueueFilter, platform_scope: str | None = None) -> dict:
    """Flagged listings to decide, highest priority (risk × reach) first: those never decided, and those
    dismissed whose content has changed since (shown with the earlier decision).

    The page walks the partial index of the latest flagged assessments in its order (priority descending,
    then listing), so its cost is the page's depth, not the store's size: pages go on with the keyset cursor
    `after` (the previous page's `next_after`); `page` alone skips rows (fine for the first hundred pages).
    `total` is exact up to QUEUE_COUNT_CAP; `total_capped` says there are more. `has_more`: a next page exists."""
    a = assessments
    # `not settled` prunes the index (store/queue_state.py); the decisions are still checked, as the rule
    conds = [a.c.is_latest, a.c.verdict.in_(_FLAGGED_SQL), ~a.c.settled, ~settled_exists(a)]
    if f.verdict:
        conds.append(a.c.verdict == f.verdict)
    if f.platform or platform_scope:
        conds.append(listings.c.platform == (platform_scope or f.platform))
    if f.tis:
        conds.append(a.c.tis_number == f.tis)
    if f.country:
        conds.append(sellers.c.country == f.country)
    if f.since:  # a Thai calendar day: from Bangkok midnight
        conds.append(listings.c.captured_at >= datetime.combine(date.fromisoformat(f.since), time(), tzinfo=BANGKOK))
    joined = a.join(listings, listings.c.id == a.c.listing_pk).join(sellers, sellers.c.id == listings.c.seller_pk)
    page_conds = list(conds)
    if f.after:
        p, k = parse_cursor(f.after)
        page_conds += [a.c.priority <= p, or_(a.c.priority < p, a.c.listing_pk > k)]
    cols = (
        listings.c.id,
        listings.c.platform,
        listings.c.listing_id,
        listings.c.title,
        listings.c.price,
        listings.c.sold_count,
        listings.c.captured_at,
        listings.c.url,
        sellers.c.name.label("seller_name"),
        sellers.c.country,
        a.c.verdict,
        a.c.tis_number,
        a.c.risk,
        a.c.priority,
        a.c.reasons,
    )
    page_q = (
        select(*cols)
        .select_from(joined)
        .where(and_(*page_conds))
        .order_by(a.c.priority.desc(), a.c.listing_pk)
        .limit(f.per_page + 1)
    )
    if not f.after:
        page_q = page_q.offset((max(f.page, 1) - 1) * f.per_page)
    # the count walks the same index, with only the joins its filters need
    count_from = a
    if f.platform or platform_scope or f.since or f.country:
        count_from = a.join(listings, listings.c.id == a.c.listing_pk)
    if f.country:
        count_from = count_from.join(sellers, sellers.c.id == listings.c.seller_pk)
    capped = (
        select(a.c.listing_pk)
        .select_from(count_from)
        .where(and_(*conds))
        .order_by(a.c.priority.desc(), a.c.listing_pk)
        .limit(QUEUE_COUNT_CAP + 1)
        .subquery()
    )
    with db.connect() as conn:
        if db.dialect.name == "postgresql":
            # a walk of a few hundred index entries: starting parallel workers would cost more than the walk
            conn.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        total = conn.execute(select(func.count()).select_from(capped)).scalar_one()
        rows = conn.execute(page_q).all()
        has_more = len(rows) > f.per_page
        rows = rows[: f.per_page]
        prev = previous_decisions(conn, [r.id for r in rows])
    items = [
        {
            "id": r.id,
            "platform": r.platform,
            "listing_id": r.listing_id,
            "title": r.title,
            "price": r.price,
            "sold_count": r.sold_count,
            "captured_at": r.captured_at,
            "url": r.url,
            "seller": r.seller_name,
            "country": r.country,
            "verdict": r.verdict,
            "tis": r.tis_number,
            "risk": round(r.risk, 4),
            "priority": round(r.priority, 4),
            "reasons_th": [x["th"] for x in r.reasons],
            "reasons_en": [x["en"] for x in r.reasons],
            "previous_decision": prev.get(r.id),
        }
        for r in rows
    ]
    return {
        "total": min(total, QUEUE_COUNT_CAP),
        "total_capped": total > QUEUE_COUNT_CAP,
        "page": f.page,
        "per_page": f.per_page,
        "has_more": has_more,
        "next_after": _cursor(rows[-1].priority, rows[-1].id) if has_more else None,
        "items": items,
    }


def previous_decisions(conn, listing_pks) -> dict[int, dict]:
    """listing pk -> its governing (latest confirm/dismiss) decision as the queue shows it."""
    if not listing_pks:
        return {}
    lf = latest_final_decisions()
    rows = conn.execute(
        select(lf.c.listing_pk, decisions.c.decision, decisions.c.by_user, decisions.c.at, decisions.c.reason)
        .join(decisions, decisions.c.id == lf.c.decision_id)
        .where(lf.c.listing_pk.in_(list(listing_pks)))
    ).all()
    return {r.listing_pk: {"decision": r.decision, "by": r.by_user, "at": r.at, "reason": r.reason} for r in rows}


def listing_detail(db: Engine, pk: int) -> dict | None:
    with db.connect() as conn:
        l = conn.execute(
            select(
                listings,
                sellers.c.seller_id,
                sellers.c.name.label("seller_name"),
                sellers.c.country,
                sellers.c.dbd_registered,
                sellers.c.juristic_id,
            )
            .join(sellers, sellers.c.id == listings.c.seller_pk)
            .where(listings.c.id == pk)
        ).first()
        if l is None:
            return None
        a = conn.execute(
            select(assessments).where(assessments.c.listing_pk == pk, assessments.c.is_latest.is_(True))
        ).first()
        snaps = conn.execute(
            select(listing_snapshots).where(listing_snapshots.c.listing_pk == pk).order_by(listing_snapshots.c.id)
        ).all()
        imgs = conn.execute(
            select(listing_images).where(listing_images.c.listing_pk == pk).order_by(listing_images.c.position)
        ).all()
        others = conn.execute(
            select(listings.c.id, listings.c.listing_id, listings.c.title, assessments.c.verdict)
            .outerjoin(assessments, and_(assessments.c.listing_pk == listings.c.id, assessments.c.is_latest.is_(True)))
            .where(listings.c.seller_pk == l.seller_pk, listings.c.id != pk)
            .limit(20)
        ).all()
        decs = conn.execute(select(decisions).where(decisions.c.listing_pk == pk).order_by(decisions.c.id)).all()
        lic_nos = [
            e["value"]["licence"]["licence_no"] for e in (a.evidence if a else []) if e.get("value", {}).get("licence")
        ]
        regs = conn.execute(select(licences).where(licences.c.licence_no.in_(lic_nos))).all() if lic_nos else []
    m = l._mapping
    return {
        "id": pk,
        "platform": m["platform"],
        "listing_id": m["listing_id"],
        "title": m["title"],
        "description": m["description"],
        "url": m["url"],
        "price": m["price"],
        "currency": m["currency"],
        "brand": m["brand"],
        "model": m["model"],
        "attributes": m["attributes"] or {},
        "sold_count": m["sold_count"],
        "captured_at": m["captured_at"],
        "synthetic": bool((m["extra"] or {}).get("synthetic")),
        "seller": {
            "id": m["seller_id"],
            "name": m["seller_name"],
            "country": m["country"],
            "dbd_registered": m["dbd_registered"],
            "juristic_id": m["juristic_id"],
        },
        "images": [{"position": i.position, "url": i.url, "path": i.path, "sha256": i.sha256} for i in imgs],
        "assessment": None
        if a is None
        else {
            "id": a.id,
            "verdict": a.verdict,
            "tis": a.tis_number,
            "risk": a.risk,
            "priority": a.priority,
            "reasons": a.reasons,
            "evidence": a.evidence,
            "waterfall": a.waterfall,
            "engine_version": a.engine_version,
            "created_at": a.created_at,
        },
        "registry": [dict(r._mapping) for r in regs],
        "snapshots": [
            {"captured_at": s.captured_at, "title": s.title, "price": s.price, "description": s.description}
            for s in snaps
        ],
        "seller_other_listings": [
            {"id": o.id, "listing_id": o.listing_id, "title": o.title, "verdict": o.verdict} for o in others
        ],
        "decisions": [
            {"decision": d.decision, "by": d.by_user, "at": d.at, "reason": d.reason, "legal_basis": d.legal_basis}
            for d in decs
        ],
    }


def highlight_spans(text: str | None, evidence: list[dict], source: str) -> list[tuple[str, bool]]:
    """Split text into (piece, is_evidence) runs for the evidence found in `source`."""
    if not text:
        return []
    spans = sorted({tuple(e["span"]) for e in evidence if e.get("source") == source and e.get("span")})
    out, pos = [], 0
    for a, b in spans:
        if a < pos or b > len(text):
            continue
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text):
        out.append((text[pos:], False))
    return out
