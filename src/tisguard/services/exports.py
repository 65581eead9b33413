"""Exports for analysts: the queue, decisions, notices with their lifecycle, complaints and the dashboard series,
as CSV or XLSX, with the filters of the page each comes from.

Rows are produced lazily: the queue and complaints go through the very functions their pages use
(services/review.queue, services/complaints.list_complaints), page by page, so an export holds exactly what the
page would list; decisions and notices are read with a streaming cursor. CSV is written as it is read (UTF-8
with a BOM so Excel opens Thai text); XLSX uses openpyxl's write-only mode (constant memory) into a spooled
temporary file, streamed out once complete (a ZIP cannot be sent before its directory is written).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import Engine, select

from tisguard.services import figures as fig
from tisguard.services import summary as summary_svc
from tisguard.services.complaints import list_complaints
from tisguard.services.errors import FieldError
from tisguard.services.review import QueueFilter, queue
from tisguard.services.thai import BANGKOK
from tisguard.store.tables import decisions, listings, notice_items, notices

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE = 500
STREAM_ROWS = 1000


@dataclass(frozen=True)
class Export:
    name: str
    columns: list[str]
    rows: Callable[[], Iterator[list]]  # called once, when the response is sent


def _cell(v):
    if isinstance(v, datetime):
        return (
            v.astimezone(BANGKOK).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
            if v.tzinfo
            else (v.isoformat(sep=" ", timespec="seconds"))
        )
    if isinstance(v, (list, tuple)):
        return " | ".join(str(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v  # never a formula in a spreadsheet cell (user-written titles)
    return v


def queue_export(db: Engine, f: QueueFilter) -> Export:
    cols = [
        "id",
        "platform",
        "listing_id",
        "title",
        "url",
        "seller",
        "country",
        "verdict",
        "tis",
        "risk",
        "priority",
        "price",
        "sold_count",
        "captured_at",
        "reasons_th",
        "previous_decision",
    ]

    def rows() -> Iterator[list]:
        after = None  # keyset pages: each page costs the same however deep the export goes
        while True:
            q = queue(db, replace(f, page=1, per_page=PAGE, after=after))
            for it in q["items"]:
                prev = it["previous_decision"]
                yield [*(it[c] for c in cols[:-1]), prev["decision"] if prev else None]
            if not q["has_more"]:
                return
            after = q["next_after"]

    return Export("queue", cols, rows)


def complaints_export(db: Engine, q: str | None, spam: bool) -> Export:
    """Complaints as the list shows them; the sender's contact and address hash are left out (personal data)."""
    cols = ["id", "created_at", "listing_url", "platform", "listing_id", "text", "status", "spam", "outcome", "due"]

    def rows() -> Iterator[list]:
        page = 1
        while True:
            c = list_complaints(db, q, page, spam, per_page=PAGE)
            for it in c["items"]:
                yield [it[k] for k in cols]
            if page * PAGE >= c["total"] or not c["items"]:
                return
            page += 1

    list_complaints(db, q, 1, spam, per_page=1)  # a bad filter fails now, as a 422, not mid-download
    return Export("complaints", cols, rows)


def _day(field: str, v: str | None) -> date | None:
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise FieldError(field, "must be a calendar date, YYYY-MM-DD") from None


def _bkk(d: date) -> datetime:
    return datetime.combine(d, time(), tzinfo=BANGKOK)


def decisions_export(
    db: Engine,
    since: str | None = None,
    until: str | None = None,
    decision: str | None = None,
    platform: str | None = None,
) -> Export:
    """Every decision (newest first), from `since` to `until` (Bangkok calendar days, inclusive)."""
    s, u = _day("since", since), _day("until", until)
    if decision and decision not in ("confirm", "dismiss", "more_info"):
        raise FieldError("decision", "must be confirm, dismiss or more_info")
    cols = ["id", "at", "by_user", "decision", "legal_basis", "reason", "tis_number", "platform", "listing_id", "title"]
    q = select(
        decisions.c.id,
        decisions.c.at,
        decisions.c.by_user,
        decisions.c.decision,
        decisions.c.legal_basis,
        decisions.c.reason,
        decisions.c.tis_number,
        listings.c.platform,
        listings.c.listing_id,
        listings.c.title,
    ).join(listings, listings.c.id == decisions.c.listing_pk)
    if s:
        q = q.where(decisions.c.at >= _bkk(s))
    if u:
        q = q.where(decisions.c.at < _bkk(date.fromordinal(u.toordinal() + 1)))
    if decision:
        q = q.where(decisions.c.decision == decision)
    if platform:
        q = q.where(listings.c.platform == platform[:100])
    return Export("decisions", cols, lambda: _stream(db, q.order_by(decisions.c.id.desc())))


def notices_export(db: Engine, platform: str | None = None, state: str | None = None) -> Export:
    """One row per listing per notice: the notice's lifecycle and what the platform did, on time or late."""
    from tisguard.services.notices import STATES

    if state and state not in STATES:
        raise FieldError("state", f"must be one of {', '.join(STATES)}")
    cols = [
        "notice",
        "platform",
        "state",
        "created_by",
        "created_at",
        "sent_at",
        "deadline",
        "closed_at",
        "listing_id",
        "action",
        "action_reason",
        "action_at",
        "on_time",
    ]
    q = (
        select(
            notices.c.id,
            notices.c.platform,
            notices.c.state,
            notices.c.created_by,
            notices.c.created_at,
            notices.c.sent_at,
            notices.c.deadline,
            notices.c.closed_at,
            listings.c.listing_id,
            notice_items.c.action,
            notice_items.c.action_reason,
            notice_items.c.action_at,
        )
        .select_from(
            notices.join(notice_items, notice_items.c.notice_pk == notices.c.id).join(
                listings, listings.c.id == notice_items.c.listing_pk
            )
        )
        .order_by(notices.c.id, listings.c.listing_id)
    )
    if platform:
        q = q.where(notices.c.platform == platform[:100])
    if state:
        q = q.where(notices.c.state == state)

    def rows() -> Iterator[list]:
        for r in _stream(db, q):
            due, done = fig._as_utc(r[6]), fig._as_utc(r[11])
            on_time = None if due is None or done is None or r[9] != "removed" else done <= due
            yield [*r, on_time]

    return Export("notices", cols, rows)


def dashboard_export(db: Engine, month: str | None = None) -> Export:
    """The dashboard's series (per day and per platform) for a month or all time, from services/figures.py."""
    p = fig.Period.month(month) if month else fig.Period.all()
    cols = ["series", "key", "scanned", "flagged", "confirmed", "notices_sent", "removed", "refused"]

    def rows() -> Iterator[list]:
        summ = summary_svc.for_dashboard(db) if p == fig.Period.all() else None  # as the dashboard reads it
        with db.connect() as conn:
            trend = summ.trend(400) if summ else fig.trend(conn, p, limit=400)
            per = (
                summ.by("platform", None) if summ else fig.scanned_flagged_by(conn, p, listings.c.platform, limit=None)
            )
            conf = fig.decided_by_platform(conn, p, "confirm")
            sent = fig.notices_sent_by_platform(conn, p)
            rem = fig.actions_by_platform(conn, p, "removed")
            ref = fig.actions_by_platform(conn, p, "refused")
        for t in trend:
            yield ["day", t["day"], t["scanned"], t["flagged"], None, None, None, None]
        for pf in sorted(set(per) | set(conf) | set(sent) | set(rem) | set(ref)):
            v = per.get(pf, {})
            yield [
                "platform",
                pf,
                v.get("scanned", 0),
                v.get("flagged", 0),
                conf.get(pf, 0),
                sent.get(pf, 0),
                rem.get(pf, 0),
                ref.get(pf, 0),
            ]

    return Export(f"dashboard-{p.label or 'all'}", cols, rows)


def _stream(db: Engine, q) -> Iterator[tuple]:
    with db.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(q)
        for r in result:
            yield tuple(r)


def csv_chunks(e: Export) -> Iterator[bytes]:
    buf = io.StringIO()
    w = csv.writer(buf)
    buf.write("\ufeff")
    w.writerow(e.columns)
    n = 0
    for row in e.rows():
        w.writerow([_cell(v) for v in row])
        n += 1
        if n % 200 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def xlsx_chunks(e: Export, chunk: int = 64 * 1024) -> Iterator[bytes]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(e.name[:31])
    ws.append(e.columns)
    for row in e.rows():
        ws.append([_cell(v) for v in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as fh:
        wb.save(fh)
        fh.seek(0)
        while data := fh.read(chunk):
            yield data


def chunks(e: Export, fmt: str) -> Iterable[bytes]:
    if fmt == "csv":
        return csv_chunks(e)
    if fmt == "xlsx":
        return xlsx_chunks(e)
    raise FieldError("format", "must be csv or xlsx")
