"""Tracking a complaint: what its sender sees through the private status link, and the officers' triage (link it
to a listing, merge duplicates, record the outcome), with the export 1212 OCC referrals take.

Status: new → triaged (linked to a listing) → decided (an outcome recorded); a duplicate is `merged` into the
complaint that carries the case, and its status page follows that one. Outcomes are rows of
`complaint_outcomes` (the latest counts, as the monthly report reads them; vocabulary in
services/complaint_outcomes.py). Every change is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, and_, or_, select, update

from tisguard.services import audit
from tisguard.services.complaint_outcomes import OUTCOMES
from tisguard.services.complaints import OPEN_STATES, parse_ticket, ticket, token_hash
from tisguard.services.errors import FieldError
from tisguard.services.listing_lookup import find_by_url
from tisguard.services.public_list import OUTCOMES as NOTICE_OUTCOMES
from tisguard.services.review import governing_decisions
from tisguard.services.thai import BANGKOK
from tisguard.store.tables import (
    assessments,
    complaint_outcomes,
    complaints,
    listings,
    notice_items,
    notices,
)

MAX_NOTE = 2_000
MAX_MERGE_DEPTH = 5
MAX_EXPORT_DAYS = 400
OUTCOME_TEXT = {
    "violation_confirmed": {
        "th": "ตรวจสอบแล้ว สินค้าไม่เป็นไปตามกฎหมาย: แจ้งให้แพลตฟอร์มลบประกาศขาย",
        "en": "checked: the product breaks the rules; the platform is told to remove the listing",
    },
    "no_violation": {
        "th": "ตรวจสอบแล้ว ไม่พบการฝ่าฝืน (สินค้ามีใบอนุญาตถูกต้อง)",
        "en": "checked: no violation found (the product has a valid licence)",
    },
    "not_regulated": {
        "th": "ตรวจสอบแล้ว สินค้านี้ไม่อยู่ในมาตรฐานบังคับ มอก.",
        "en": "checked: this product is not under a mandatory TIS standard",
    },
    "referred": {
        "th": "ส่งต่อหน่วยงานที่รับผิดชอบเรื่องนี้",
        "en": "referred to the agency responsible for this matter",
    },
    "duplicate": {
        "th": "รวมกับเรื่องเดียวกันที่ได้รับไว้แล้ว",
        "en": "merged with a complaint already received about the same listing",
    },
}
STATUS_TEXT = {
    "new": {"th": "ได้รับเรื่องแล้ว รอเจ้าหน้าที่ตรวจสอบ", "en": "received; waiting for an officer"},
    "triaged": {"th": "เจ้าหน้าที่กำลังตรวจสอบประกาศขาย", "en": "an officer is checking the listing"},
    "decided": {"th": "แจ้งผลแล้ว", "en": "outcome given"},
    "merged": {"th": "รวมกับเรื่องเดียวกัน", "en": "merged with the same complaint"},
}
# 1212 OCC referral columns (ETDA's Online Complaint Center passes complaints on to the responsible agency):
# the fields its referrals carry, as this project reads them; one place to change if OCC's template differs.
OCC_COLUMNS = (
    ("ticket", "เลขที่เรื่อง (ticket)"),
    ("received_at", "วันที่รับเรื่อง (received)"),
    ("channel", "ช่องทางรับเรื่อง (channel)"),
    ("complainant_contact", "ช่องทางติดต่อผู้ร้อง (complainant contact)"),
    ("platform", "แพลตฟอร์ม (platform)"),
    ("listing_url", "ลิงก์สินค้า (listing URL)"),
    ("category", "ประเภทเรื่อง (category)"),
    ("tis", "มาตรฐาน มอก. (TIS)"),
    ("details", "รายละเอียด (details)"),
    ("agency", "หน่วยงานที่รับผิดชอบ (agency)"),
    ("status", "สถานะ (status)"),
    ("outcome", "ผลการดำเนินการ (outcome)"),
    ("outcome_at", "วันที่แจ้งผล (outcome date)"),
    ("due_at", "กำหนดแจ้งผล (due)"),
    ("on_time", "แจ้งผลทันกำหนด (on time)"),
    ("merged_into", "เรื่องซ้ำกับ (duplicate of)"),
)
OCC_CHANNEL = "เว็บไซต์ tisguard (แบบฟอร์มร้องเรียน)"
OCC_CATEGORY = "สินค้าไม่ได้มาตรฐาน มอก. ขายออนไลน์ / online sale of products without a TIS licence"
OCC_AGENCY = "สำนักงานมาตรฐานผลิตภัณฑ์อุตสาหกรรม (สมอ.) / TISI"


class TrackingError(FieldError):
    pass


def _utc(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def _latest_outcome(conn, pk: int):
    return conn.execute(
        select(complaint_outcomes)
        .where(complaint_outcomes.c.complaint_pk == pk)
        .order_by(complaint_outcomes.c.id.desc())
        .limit(1)
    ).first()


def _listing_progress(conn, listing_pk: int | None) -> dict | None:
    """What happened to the listing: the governing decision, and what the platform did with the notice."""
    if listing_pk is None:
        return None
    decision = governing_decisions(conn, [listing_pk]).get(listing_pk)
    n = conn.execute(
        select(notice_items.c.action, notice_items.c.action_at, notices.c.sent_at, notices.c.state)
        .join(notices, notices.c.id == notice_items.c.notice_pk)
        .where(notice_items.c.listing_pk == listing_pk, notices.c.state != "draft")
        .order_by(notices.c.id.desc())
        .limit(1)
    ).first()
    notice = None
    if n is not None:
        code = n.action or "notice_sent"
        notice = {"code": code, **NOTICE_OUTCOMES[code], "at": _utc(n.action_at or n.sent_at)}
    return {"decision": decision, "notice": notice}


def _resolve(conn, row):
    """Follow a merged complaint to the one that carries the case (a bounded walk: no loops)."""
    seen = 0
    while row.merged_into is not None and seen < MAX_MERGE_DEPTH:
        nxt = conn.execute(select(complaints).where(complaints.c.id == row.merged_into)).first()
        if nxt is None:
            break
        row, seen = nxt, seen + 1
    return row


def _outcome_dict(o, due) -> dict | None:
    if o is None:
        return None
    at = _utc(o.at)
    return {
        "code": o.outcome,
        **OUTCOME_TEXT.get(o.outcome, {"th": o.outcome, "en": o.outcome}),
        "note": o.note,
        "at": at,
        "on_time": bool(due is None or at <= due),
    }


def status_by_token(db: Engine, token: str, now: datetime | None = None) -> dict | None:
    """The sender's view of a complaint, or None for an unknown token. Never shows the officers' names, the
    sender's contact or anything about the seller."""
    if not token or len(token) > 100:
        return None
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        row = conn.execute(select(complaints).where(complaints.c.status_token_hash == token_hash(token))).first()
        if row is None:
            return None
        carrier = _resolve(conn, row)
        own = _latest_outcome(conn, row.id)
        due = _utc(row.due_at)
        outcome = (
            _outcome_dict(_latest_outcome(conn, carrier.id), _utc(carrier.due_at)) if carrier.id != row.id else None
        )
        if outcome is None:
            outcome = _outcome_dict(own, due)
        progress = _listing_progress(conn, carrier.listing_pk)
    # outcomes are recorded here and on the officers' list (services/complaint_outcomes.py): either counts
    status = "merged" if row.merged_into is not None else ("decided" if outcome else row.status)
    if status not in STATUS_TEXT:
        status = "new"
    timeline = [{"at": _utc(row.created_at), "th": "ได้รับเรื่อง", "en": "complaint received"}]
    if carrier.id != row.id:
        timeline.append(
            {
                "at": _utc(row.updated_at),
                "th": f"รวมกับเรื่อง {ticket(carrier.id)} ซึ่งเป็นเรื่องเดียวกัน",
                "en": f"merged with {ticket(carrier.id)} about the same listing",
            }
        )
    if progress and progress["decision"] == "confirm":
        timeline.append({"at": None, "th": "เจ้าหน้าที่ยืนยันการฝ่าฝืน", "en": "an officer confirmed the violation"})
    if progress and progress["notice"]:
        timeline.append(
            {"at": progress["notice"]["at"], "th": progress["notice"]["th"], "en": progress["notice"]["en"]}
        )
    if outcome:
        timeline.append({"at": outcome["at"], "th": "แจ้งผล: " + outcome["th"], "en": "outcome: " + outcome["en"]})
    return {
        "ticket": ticket(row.id),
        "received_at": _utc(row.created_at),
        "due_at": due,
        "overdue": bool(outcome is None and due is not None and due < now),
        "status": {"code": status, **STATUS_TEXT[status]},
        "merged_into": ticket(carrier.id) if carrier.id != row.id else None,
        "listing_url": row.listing_url,
        "text": row.text,
        "outcome": outcome,
        "listing": progress,
        "timeline": timeline,
    }


def detail(db: Engine, pk: int, now: datetime | None = None) -> dict | None:
    """Everything the triage page shows: the complaint, its listing, its outcomes, possible duplicates."""
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        row = conn.execute(select(complaints).where(complaints.c.id == pk)).first()
        if row is None:
            return None
        outs = conn.execute(
            select(complaint_outcomes).where(complaint_outcomes.c.complaint_pk == pk).order_by(complaint_outcomes.c.id)
        ).all()
        listing = None
        if row.listing_pk is not None:
            l = conn.execute(
                select(
                    listings.c.id, listings.c.platform, listings.c.listing_id, listings.c.title, listings.c.url
                ).where(listings.c.id == row.listing_pk)
            ).first()
            a = conn.execute(
                select(assessments.c.verdict, assessments.c.tis_number).where(
                    assessments.c.listing_pk == row.listing_pk, assessments.c.is_latest.is_(True)
                )
            ).first()
            listing = {**dict(l._mapping), "verdict": a.verdict if a else None, "tis": a.tis_number if a else None}
            listing.update(_listing_progress(conn, row.listing_pk) or {})
        same = [complaints.c.listing_url == row.listing_url]
        if row.listing_pk is not None:
            same.append(complaints.c.listing_pk == row.listing_pk)
        dups = conn.execute(
            select(complaints.c.id, complaints.c.status, complaints.c.created_at, complaints.c.merged_into)
            .where(or_(*same), complaints.c.id != pk, complaints.c.spam.is_(False))
            .order_by(complaints.c.id)
            .limit(50)
        ).all()
    due = _utc(row.due_at)
    d = {k: v for k, v in row._mapping.items() if k != "status_token_hash"}
    d.update(
        ticket=ticket(pk),
        due_at=due,
        notice_overdue=bool(row.status in OPEN_STATES and due is not None and due < now),
        merged_into_ticket=ticket(row.merged_into) if row.merged_into else None,
        listing=listing,
        outcomes=[{**dict(o._mapping), **OUTCOME_TEXT.get(o.outcome, {})} for o in outs],
        duplicates=[{**dict(x._mapping), "ticket": ticket(x.id)} for x in dups],
    )
    return d


def _locked(conn, pk: int):
    """The complaint row, locked for this transaction (a no-op UPDATE first), or LookupError."""
    if conn.execute(update(complaints).where(complaints.c.id == pk).values(status=complaints.c.status)).rowcount == 0:
        raise LookupError(pk)
    return conn.execute(select(complaints).where(complaints.c.id == pk)).first()


def link_listing(db: Engine, pk: int, ref: str, actor: str) -> int:
    """Link a complaint to a stored listing, given its number (as on /listings/N) or its address."""
    ref = (ref or "").strip()
    if not ref or len(ref) > 2_000:
        raise TrackingError("listing", "give the listing's number or its address")
    with db.begin() as conn:
        row = _locked(conn, pk)
        if row.status == "merged":
            raise TrackingError("listing", f"{ticket(pk)} is merged into {ticket(row.merged_into)}: link that one")
        if ref.isdigit() and len(ref) <= 18:
            hit = conn.execute(
                select(listings.c.id, listings.c.platform, listings.c.listing_id).where(listings.c.id == int(ref))
            ).first()
        else:
            hit = find_by_url(conn, ref)
        if hit is None:
            raise TrackingError("listing", "no stored listing has that number or address")
        conn.execute(
            update(complaints)
            .where(complaints.c.id == pk)
            .values(
                listing_pk=hit.id,
                platform=hit.platform,
                listing_id=hit.listing_id,
                status="triaged" if row.status == "new" else row.status,
                updated_at=datetime.now(UTC),
            )
        )
        audit.record(conn, actor, "complaint.link", f"complaint/{pk}", {"listing_pk": hit.id})
    return hit.id


def merge(db: Engine, pk: int, into: str, actor: str) -> int:
    """Merge a duplicate into the complaint that carries the case; the duplicate's sender follows that one."""
    target = parse_ticket(into)
    if target is None:
        raise TrackingError("into", "give the ticket number of the complaint to merge into, e.g. C-12")
    if target == pk:
        raise TrackingError("into", "a complaint cannot be merged into itself")
    now = datetime.now(UTC)
    with db.begin() as conn:
        lo, hi = sorted((pk, target))  # lock both in one order: two officers merging crosswise cannot deadlock
        first = _locked(conn, lo)
        second = _locked(conn, hi)
        row, dest = (first, second) if lo == pk else (second, first)
        if row.status == "merged":
            raise TrackingError("into", f"{ticket(pk)} is already merged into {ticket(row.merged_into)}")
        if dest.status == "merged":
            raise TrackingError(
                "into", f"{ticket(target)} is itself merged into {ticket(dest.merged_into)}: use that one"
            )
        conn.execute(
            update(complaints).where(complaints.c.id == pk).values(status="merged", merged_into=target, updated_at=now)
        )
        # what pointed at the duplicate now points at the carrier (merges never chain)
        conn.execute(
            update(complaints).where(complaints.c.merged_into == pk).values(merged_into=target, updated_at=now)
        )
        conn.execute(
            complaint_outcomes.insert().values(
                complaint_pk=pk, outcome="duplicate", note=ticket(target), by_user=actor[:80], at=now
            )
        )
        audit.record(conn, actor, "complaint.merge", f"complaint/{pk}", {"into": target})
    return target


def decide(db: Engine, pk: int, outcome: str, note: str | None, actor: str) -> None:
    """Record the outcome the sender is told. `violation_confirmed` needs the linked listing to be confirmed."""
    if outcome not in OUTCOMES or outcome == "duplicate":
        choices = ", ".join(o for o in OUTCOMES if o != "duplicate")
        raise TrackingError("outcome", f"must be one of {choices} (merge a duplicate instead)")
    note = (note or "").strip()
    if len(note) > MAX_NOTE or "\x00" in note:
        raise TrackingError("note", f"must be text of at most {MAX_NOTE} characters")
    now = datetime.now(UTC)
    with db.begin() as conn:
        row = _locked(conn, pk)
        if row.status == "merged":
            raise TrackingError("outcome", f"{ticket(pk)} is merged into {ticket(row.merged_into)}: decide that one")
        if outcome == "violation_confirmed":
            gov = governing_decisions(conn, [row.listing_pk]).get(row.listing_pk) if row.listing_pk else None
            if gov != "confirm":
                raise TrackingError("outcome", "link the complaint to a listing and confirm the violation there first")
        conn.execute(
            complaint_outcomes.insert().values(
                complaint_pk=pk, outcome=outcome, note=note or None, by_user=actor[:80], at=now
            )
        )
        conn.execute(update(complaints).where(complaints.c.id == pk).values(status="decided", updated_at=now))
        audit.record(conn, actor, "complaint.outcome", f"complaint/{pk}", {"outcome": outcome, "note": note or None})


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(), tzinfo=BANGKOK).astimezone(UTC)


def export_occ(db: Engine, since: date, until: date, include_spam: bool = False) -> tuple[list[str], Iterator[list]]:
    """The complaints received from `since` to `until` (Bangkok days, both included) as 1212 OCC referral rows."""
    if until < since:
        raise TrackingError("until", "must be on or after since")
    if (until - since).days > MAX_EXPORT_DAYS:
        raise TrackingError("until", f"export at most {MAX_EXPORT_DAYS} days at a time")
    cond = [
        complaints.c.created_at >= _day_start(since),
        complaints.c.created_at < _day_start(until + timedelta(days=1)),
    ]
    if not include_spam:
        cond.append(complaints.c.spam.is_(False))
    header = [label for _, label in OCC_COLUMNS]

    def rows() -> Iterator[list]:
        last = 0
        while True:
            with db.connect() as conn:
                batch = conn.execute(
                    select(complaints, assessments.c.tis_number)
                    .outerjoin(
                        assessments,
                        and_(assessments.c.listing_pk == complaints.c.listing_pk, assessments.c.is_latest.is_(True)),
                    )
                    .where(*cond, complaints.c.id > last)
                    .order_by(complaints.c.id)
                    .limit(500)
                ).all()
                outs = {r.id: _latest_outcome(conn, r.id) for r in batch}
            for r in batch:
                o = outs[r.id]
                due = _utc(r.due_at)
                rec = {
                    "ticket": ticket(r.id),
                    "received_at": _local(r.created_at),
                    "channel": OCC_CHANNEL,
                    "complainant_contact": r.contact,
                    "platform": r.platform,
                    "listing_url": r.listing_url,
                    "category": OCC_CATEGORY,
                    "tis": r.tis_number,
                    "details": r.text,
                    "agency": OCC_AGENCY,
                    "status": r.status,
                    "outcome": o.outcome if o else None,
                    "outcome_at": _local(o.at) if o else None,
                    "due_at": _local(due),
                    "on_time": (_utc(o.at) <= due) if o and due else None,
                    "merged_into": ticket(r.merged_into) if r.merged_into else None,
                }
                yield [rec[k] for k, _ in OCC_COLUMNS]
            if len(batch) < 500:
                return
            last = batch[-1].id

    return header, rows()


def _local(d: datetime | None) -> str | None:
    """ISO 8601 in Bangkok time (what a Thai agency reads), to the minute."""
    return _utc(d).astimezone(BANGKOK).isoformat(timespec="minutes") if d else None
