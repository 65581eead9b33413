"""Reading the public list of non-standard products: pages with filters, one entry, its photo, the export
and the change feed. Everything here reads only what a supervisor approved (services/publication.py) and
passes every text through the scrubber once more on the way out, so nothing personal reaches a page, JSON,
CSV or Atom even if it slipped into the store.

An entry keeps its number and address for good: once withdrawn or expired, its page and its feed events
still answer, saying so, without the content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from tisguard.catalogue.model import Catalogue
from tisguard.services.decisions import LEGAL_BASES
from tisguard.services.errors import FieldError
from tisguard.services.privacy import scrub, scrub_or_none
from tisguard.services.publication import live_condition
from tisguard.services.thai import BANGKOK
from tisguard.services.verify import standard_info
from tisguard.store.tables import notice_items, notices, publication_events, publications
from tisguard.tisno import canonical_tis

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_FEED = 500
_PLATFORM = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
OUTCOMES = {
    "removed": {"th": "แพลตฟอร์มลบประกาศขายแล้ว", "en": "the platform removed the listing"},
    "refused": {"th": "แพลตฟอร์มไม่ลบประกาศขาย (ส่งดำเนินการต่อ)", "en": "the platform refused to remove it (followed up)"},
    "seller_notified": {"th": "แพลตฟอร์มแจ้งผู้ขายแล้ว", "en": "the platform notified the seller"},
    "notice_sent": {"th": "ส่งหนังสือแจ้งให้แพลตฟอร์มลบแล้ว", "en": "a takedown notice was sent to the platform"},
    "confirmed": {"th": "ยืนยันการฝ่าฝืนแล้ว", "en": "violation confirmed"},
}
EVENTS = {
    "published": {"th": "เผยแพร่", "en": "published"},
    "withdrawn": {"th": "ถอนออก", "en": "withdrawn"},
    "expired": {"th": "ครบกำหนดเผยแพร่", "en": "takedown date reached"},
}
LIST_COLUMNS = [c for c in publications.c if c.name != "photo"]


@dataclass
class PublicFilter:
    """The list's filters; an empty value means 'any'. Bad values are the caller's error (FieldError)."""

    tis: str | None = None
    platform: str | None = None
    month: str | None = None
    page: int = 1
    per_page: int = PER_PAGE

    def __post_init__(self) -> None:
        if self.tis:
            try:
                self.tis = canonical_tis(self.tis[:60])
            except ValueError:
                raise FieldError("tis", "not a TIS number (e.g. 2432 or 685 เล่ม 1)") from None
        if self.platform and not _PLATFORM.match(self.platform):
            raise FieldError("platform", "a platform is a lower-case slug such as shopee")
        if self.month:
            m = _MONTH.match(self.month)
            if not m or not 1 <= int(m.group(2)) <= 12:
                raise FieldError("month", "a month is written YYYY-MM (Gregorian), e.g. 2026-01")
        if not 1 <= self.page <= 100_000:
            raise FieldError("page", "must be between 1 and 100000")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise FieldError("per_page", f"must be between 1 and {MAX_PER_PAGE}")

    def conditions(self) -> list:
        out = []
        if self.tis:
            out.append(publications.c.tis_number == self.tis)
        if self.platform:
            out.append(publications.c.platform == self.platform)
        if self.month:
            out.append(publications.c.month == self.month)
        return out

    def query(self) -> dict:
        return {k: v for k, v in (("tis", self.tis), ("platform", self.platform), ("month", self.month)) if v}


def _day(d: datetime | None) -> str | None:
    if d is None:
        return None
    d = d.replace(tzinfo=UTC) if d.tzinfo is None else d
    return d.astimezone(BANGKOK).date().isoformat()


def outcomes(conn, rows) -> dict[int, dict]:
    """The latest notice's outcome per listing of `rows`; 'confirmed' when no notice was sent yet."""
    pks = [r.listing_pk for r in rows]
    latest: dict[int, tuple] = {}
    if pks:
        for r in conn.execute(
            select(notice_items.c.listing_pk, notice_items.c.action, notice_items.c.action_at, notices.c.sent_at)
            .join(notices, notices.c.id == notice_items.c.notice_pk)
            .where(notice_items.c.listing_pk.in_(pks), notices.c.state != "draft")
            .order_by(notices.c.id)
        ):
            latest[r.listing_pk] = (r.action, r.action_at, r.sent_at)
    out = {}
    for r in rows:
        action, action_at, sent_at = latest.get(r.listing_pk, (None, None, None))
        code = action or ("notice_sent" if sent_at else "confirmed")
        out[r.listing_pk] = {"code": code, **OUTCOMES[code], "on": _day(action_at or sent_at or r.confirmed_at)}
    return out


def _entry(r, catalogue: Catalogue, outcome: dict, stats=None) -> dict:
    basis = LEGAL_BASES.get(r.legal_basis or "")
    return {
        "id": r.id,
        "path": f"/public/violations/{r.id}",
        "state": "published",
        "product": scrub(r.product),
        "brand": scrub_or_none(r.brand),
        "standard": standard_info(catalogue, r.tis_number, None, stats),
        "reasons": [{"code": x["code"], "th": scrub(x["th"]), "en": scrub(x["en"])} for x in r.reasons or []],
        "legal_basis": {"code": r.legal_basis, **basis} if basis else None,
        "note": scrub_or_none(r.note),
        "platform": r.platform,
        "confirmed_on": _day(r.confirmed_at),
        "outcome": outcome,
        "published_on": _day(r.approved_at),
        "takedown_on": _day(r.takedown_at),
        "photo": f"/public/violations/{r.id}/photo.jpg" if r.has_photo else None,
    }


def _select():
    return select(*LIST_COLUMNS, publications.c.photo.is_not(None).label("has_photo"))


def page(db: Engine, catalogue: Catalogue, f: PublicFilter, now: datetime | None = None, stats=None) -> dict:
    now = now or datetime.now(UTC)
    cond = [live_condition(now), *f.conditions()]
    with db.connect() as conn:
        total = conn.execute(select(func.count()).select_from(publications).where(*cond)).scalar_one()
        rows = conn.execute(
            _select()
            .where(*cond)
            .order_by(publications.c.confirmed_at.desc(), publications.c.id.desc())
            .limit(f.per_page)
            .offset((f.page - 1) * f.per_page)
        ).all()
        outs = outcomes(conn, rows)
    return {
        "items": [_entry(r, catalogue, outs[r.listing_pk], stats) for r in rows],
        "total": total,
        "page": f.page,
        "per_page": f.per_page,
        "filters": f.query(),
    }


def export_rows(
    db: Engine, catalogue: Catalogue, f: PublicFilter, now: datetime | None = None, stats=None
) -> Iterator[dict]:
    """Every entry the filters select (all pages), in the list's order, read in batches."""
    now = now or datetime.now(UTC)
    batch, offset = 500, 0
    while True:
        with db.connect() as conn:
            rows = conn.execute(
                _select()
                .where(live_condition(now), *f.conditions())
                .order_by(publications.c.confirmed_at.desc(), publications.c.id.desc())
                .limit(batch)
                .offset(offset)
            ).all()
            outs = outcomes(conn, rows)
        yield from (_entry(r, catalogue, outs[r.listing_pk], stats) for r in rows)
        if len(rows) < batch:
            return
        offset += batch


def entry(db: Engine, catalogue: Catalogue, pk: int, now: datetime | None = None, stats=None) -> dict | None:
    """One entry by its number: the content while it is on the list; afterwards only that it left, and when."""
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        r = conn.execute(_select().where(publications.c.id == pk)).first()
        if r is None:
            return None
        live = conn.execute(select(publications.c.id).where(publications.c.id == pk, live_condition(now))).first()
        if live is not None:
            return _entry(r, catalogue, outcomes(conn, [r])[r.listing_pk], stats)
    state, ended = r.state, r.ended_at
    if state == "published":  # off the list already; refresh() has not written it down yet
        takedown = r.takedown_at.replace(tzinfo=UTC) if r.takedown_at.tzinfo is None else r.takedown_at
        state, ended = ("expired", takedown) if takedown <= now else ("withdrawn", None)
    return {"id": r.id, "path": f"/public/violations/{r.id}", "state": state, "ended_on": _day(ended)}


def photo(db: Engine, pk: int, now: datetime | None = None) -> bytes | None:
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        return conn.execute(select(publications.c.photo).where(publications.c.id == pk, live_condition(now))).scalar()


def _event_query(f: PublicFilter | None):
    q = select(publication_events)
    if f is not None and f.conditions():
        q = q.join(publications, publications.c.id == publication_events.c.publication_pk).where(*f.conditions())
    return q


def changes(
    db: Engine,
    catalogue: Catalogue,
    after: int = 0,
    limit: int = 100,
    now: datetime | None = None,
    stats=None,
    f: PublicFilter | None = None,
) -> dict:
    """Feed events after `after` (a seq), oldest first, of the entries `f` selects (its standard, platform and
    month; paging does not apply). An event of an entry no longer on the list carries no content (its
    current state says why)."""
    if after < 0 or after > 2**62:
        raise FieldError("after", "must be a feed position (0 or more)")
    if not 1 <= limit <= MAX_FEED:
        raise FieldError("limit", f"must be between 1 and {MAX_FEED}")
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        evs = conn.execute(
            _event_query(f).where(publication_events.c.seq > after).order_by(publication_events.c.seq).limit(limit)
        ).all()
        head = conn.execute(select(func.max(publication_events.c.seq))).scalar() or 0
    return {"events": _events(db, catalogue, evs, now, stats), "after": after, "head": head}


def latest_changes(
    db: Engine,
    catalogue: Catalogue,
    limit: int = 50,
    now: datetime | None = None,
    stats=None,
    f: PublicFilter | None = None,
) -> list:
    """The newest feed events, newest first (for the Atom feed)."""
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        evs = conn.execute(_event_query(f).order_by(publication_events.c.seq.desc()).limit(limit)).all()
    return _events(db, catalogue, evs, now, stats)


def _events(db: Engine, catalogue: Catalogue, evs, now: datetime, stats) -> list[dict]:
    entries = {pk: entry(db, catalogue, pk, now, stats) for pk in {e.publication_pk for e in evs}}
    out = []
    for e in evs:
        ent = entries[e.publication_pk]
        out.append(
            {
                "seq": e.seq,
                "event": e.event,
                **{f"event_{k}": v for k, v in EVENTS[e.event].items()},
                "at": (e.at.replace(tzinfo=UTC) if e.at.tzinfo is None else e.at).isoformat(),
                "entry_id": e.publication_pk,
                "entry_path": f"/public/violations/{e.publication_pk}",
                "entry_state": ent["state"],
                "entry": ent if ent["state"] == "published" else None,
            }
        )
    return out


def facets(db: Engine, now: datetime | None = None) -> dict:
    """The values the filters can take now: standards, platforms and months that have live entries."""
    now = now or datetime.now(UTC)
    live = live_condition(now)
    with db.connect() as conn:

        def values(col):
            return [v for (v,) in conn.execute(select(col).distinct().where(live, col.is_not(None)).order_by(col))]

        return {
            "standards": values(publications.c.tis_number),
            "platforms": values(publications.c.platform),
            "months": list(reversed(values(publications.c.month))),
        }


def month_label(month: str, lang: str) -> str:
    """'2026-01' as 'ม.ค. 2569' in Thai."""
    from tisguard.services.thai import MONTHS_TH

    y, m = month.split("-")
    return f"{MONTHS_TH[int(m) - 1]} {int(y) + 543}" if lang == "th" else month
