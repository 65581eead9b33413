"""Webhook delivery through a durable outbox: a notice event is written to `webhook_outbox` in the same
transaction that changes the notice, then POSTed to the platform's URL, signed with HMAC-SHA256.

Nothing is lost on a restart: an event stays `pending` until a 2xx answer, each try is recorded in
`webhook_deliveries`, and failed tries are rescheduled with exponential back-off (30 s, 1 min, 2 min, …
capped at 1 h). After MAX_ATTEMPTS tries the event is `failed` and waits for an operator:
`tisguard webhooks redeliver` sends again everything undelivered (or named events).

Senders claim a row with a short lease (an UPDATE that only one of them can win), so two workers
(two web processes, a worker and the CLI) never send the same event at the same time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine, and_, or_, select, update

from tisguard.detect.evidence import dumps
from tisguard.store.tables import platforms, webhook_deliveries, webhook_outbox

SIGNATURE_HEADER = "X-TISGuard-Signature"
MAX_ATTEMPTS = 8
BASE_BACKOFF_S = 30.0
MAX_BACKOFF_S = 3600.0
LEASE_S = 120.0
log = logging.getLogger(__name__)


def sign(secret: str, body: bytes, timestamp: str) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},sha256={mac}"


def verify(secret: str, body: bytes, header: str, tolerance_s: int = 300) -> bool:
    """What a platform's receiver does: check the signature and that the timestamp is recent."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        ts = parts["t"]
    except (ValueError, KeyError):
        return False
    if abs(time.time() - int(ts)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, body, ts), header)


def _now() -> datetime:
    return datetime.now(UTC)


def event_body(event: str, notice: dict) -> str:
    return json.dumps({"event": event, "notice": json.loads(dumps(notice))}, ensure_ascii=False)


def enqueue(conn, notice: dict, event: str = "notice.sent") -> int | None:
    """Add an event to the outbox in the caller's transaction; None when the platform has no webhook URL."""
    url = conn.execute(select(platforms.c.webhook_url).where(platforms.c.name == notice["platform"])).scalar()
    if not url:
        return None
    now = _now()
    return conn.execute(
        webhook_outbox.insert().values(
            platform=notice["platform"],
            notice_pk=notice["id"],
            event=event,
            body=event_body(event, notice),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    ).inserted_primary_key[0]


def retry_delay_s(attempts: int) -> float:
    """Wait before try number attempts+1."""
    return min(BASE_BACKOFF_S * 2 ** max(attempts - 1, 0), MAX_BACKOFF_S)


def _claim(db: Engine, row_id: int, due_only: bool) -> bool:
    now = _now()
    conds = [
        webhook_outbox.c.id == row_id,
        webhook_outbox.c.status == "pending",
        or_(webhook_outbox.c.lease_until.is_(None), webhook_outbox.c.lease_until < now),
    ]
    if due_only:
        conds.append(webhook_outbox.c.next_attempt_at <= now)
    with db.begin() as conn:
        won = conn.execute(
            update(webhook_outbox).where(and_(*conds)).values(lease_until=now + timedelta(seconds=LEASE_S))
        )
    return won.rowcount == 1


def _attempt(db: Engine, row_id: int, timeout_s: float) -> bool:
    """One try of a claimed event: POST, record the try, then mark delivered or reschedule."""
    with db.connect() as conn:
        ev = conn.execute(select(webhook_outbox).where(webhook_outbox.c.id == row_id)).one()
        p = conn.execute(select(platforms).where(platforms.c.name == ev.platform)).first()
    status, error = None, None
    if p is None or not p.webhook_url:
        error = "platform has no webhook URL"
    else:
        body = ev.body.encode("utf-8")
        ts = str(int(time.time()))
        try:
            r = httpx.post(
                p.webhook_url,
                content=body,
                timeout=timeout_s,
                follow_redirects=False,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(p.webhook_secret or "", body, ts)},
            )
            status = r.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as e:
            error = f"{type(e).__name__}: {e}"[:500]
    ok = error is None
    attempts = ev.attempts + 1
    now = _now()
    values = {"attempts": attempts, "lease_until": None, "last_status_code": status, "last_error": error}
    if ok:
        values.update(status="delivered", delivered_at=now)
    elif attempts >= MAX_ATTEMPTS:
        values.update(status="failed")
    else:
        values.update(next_attempt_at=now + timedelta(seconds=retry_delay_s(attempts)))
    with db.begin() as conn:
        conn.execute(
            webhook_deliveries.insert().values(
                platform=ev.platform, notice_pk=ev.notice_pk, attempt=attempts, status_code=status, error=error, at=now
            )
        )
        conn.execute(update(webhook_outbox).where(webhook_outbox.c.id == row_id).values(**values))
    if not ok:
        log.warning("webhook %s to %s, try %d: %s", row_id, ev.platform, attempts, error)
    return ok


def deliver_due(db: Engine, limit: int = 100, timeout_s: float = 5.0) -> dict:
    """One pass over the events whose time has come (what a worker runs every few seconds)."""
    with db.connect() as conn:
        ids = (
            conn.execute(
                select(webhook_outbox.c.id)
                .where(webhook_outbox.c.status == "pending", webhook_outbox.c.next_attempt_at <= _now())
                .order_by(webhook_outbox.c.next_attempt_at, webhook_outbox.c.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    out = {"delivered": 0, "failed": 0}
    for i in ids:
        if _claim(db, i, due_only=True):
            out["delivered" if _attempt(db, i, timeout_s) else "failed"] += 1
    return out


def deliver_notice(db: Engine, notice: dict, attempts: int = 4, backoff_s: float = 0.5, timeout_s: float = 5.0) -> bool:
    """Deliver a sent notice's pending events now, with a few quick tries in this process (the web app
    calls it right after sending). What stays undelivered remains in the outbox for the worker."""
    with db.connect() as conn:
        ids = (
            conn.execute(
                select(webhook_outbox.c.id).where(
                    webhook_outbox.c.notice_pk == notice["id"], webhook_outbox.c.status == "pending"
                )
            )
            .scalars()
            .all()
        )
    if not ids:
        with db.begin() as conn:
            new = enqueue(conn, notice)
        if new is None:
            return False
        ids = [new]
    delivered = True
    for i in ids:
        for n in range(attempts):
            if _claim(db, i, due_only=False) and _attempt(db, i, timeout_s):
                break
            if n + 1 < attempts:
                time.sleep(backoff_s * 2**n)
        else:
            delivered = False
    return delivered


def redeliver(
    db: Engine, ids: list[int] | None = None, notice_pk: int | None = None, timeout_s: float = 5.0
) -> list[dict]:
    """Send again: the named events (even delivered ones, for a platform that lost them), or else every
    event not yet delivered (pending or failed). Each gets one try now and a fresh budget of tries."""
    conds = []
    if ids:
        conds.append(webhook_outbox.c.id.in_(ids))
    if notice_pk is not None:
        conds.append(webhook_outbox.c.notice_pk == notice_pk)
    if not conds:
        conds.append(webhook_outbox.c.status.in_(("pending", "failed")))
    with db.begin() as conn:
        rows = conn.execute(select(webhook_outbox.c.id).where(and_(*conds)).order_by(webhook_outbox.c.id)).scalars()
        chosen = list(rows)
        if chosen:
            conn.execute(
                update(webhook_outbox)
                .where(webhook_outbox.c.id.in_(chosen))
                .values(status="pending", attempts=0, next_attempt_at=_now(), lease_until=None)
            )
    out = []
    for i in chosen:
        claimed = _claim(db, i, due_only=False)
        ok = claimed and _attempt(db, i, timeout_s)
        with db.connect() as conn:
            r = conn.execute(select(webhook_outbox).where(webhook_outbox.c.id == i)).one()
        out.append(
            {
                "id": i,
                "platform": r.platform,
                "notice_id": r.notice_pk,
                "event": r.event,
                "delivered": bool(ok),
                "status": r.status,
                "error": None if ok else (r.last_error if claimed else "another sender holds it"),
            }
        )
    return out


class OutboxWorker:
    """A background thread that runs `deliver_due` every `interval_s` (the web app starts one)."""

    def __init__(self, db: Engine, interval_s: float = 10.0):
        self.db, self.interval_s = db, interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="webhook-outbox", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Run a pass now (a notice was just sent) instead of at the next interval."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                deliver_due(self.db)
            except Exception:  # a worker must outlive a bad pass; the events stay in the outbox
                log.exception("webhook outbox pass failed")

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
