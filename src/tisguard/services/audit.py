"""The audit log: every decision and administrative action, with who and when, tamper-evident.

Rows form a hash chain. Each row stores `prev_hash` (the previous row's hash) and
`row_hash = sha256(prev_hash + canonical(seq, at, actor, action, subject, detail))`, so changing,
deleting, inserting or reordering a row breaks its link and every later one. The head (last seq and
hash) is kept in `audit_head`; appenders update that one row first, which serialises them (a row lock
on PostgreSQL, the write lock on SQLite), so the chain never forks; and removing rows from the end no
longer matches the head. `tisguard audit verify` walks the chain and names the first broken row.

What the chain proves: the log was not edited *in place*. Someone able to write the database could
still recompute the whole chain; to catch that too, copy the head hash that `verify` prints to
somewhere they cannot write (a signed report, a ticket) and compare later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import Engine, func, select, update

from tisguard.store.tables import audit_head, audit_log

GENESIS = "0" * 64


def _ts(at) -> str:
    """The row's time as written, whatever the backend hands back (SQLite: naive UTC; PostgreSQL: aware)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def stored_detail(detail):
    """`detail` as the store gives it back (the engine's JSON serialiser turns odd types into strings)."""
    if detail is None:
        return None
    return orjson.loads(orjson.dumps(detail, option=orjson.OPT_NON_STR_KEYS, default=str))


def chain_hash(prev_hash: str, seq: int, at, actor: str, action: str, subject: str | None, detail) -> str:
    content = orjson.dumps(
        [seq, _ts(at), actor, action, subject, detail], option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    )
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def record(conn, actor: str, action: str, subject: str | None = None, detail: dict | None = None) -> None:
    """Append one row, in the caller's transaction (it commits or rolls back with the change it records)."""
    actor, action, subject = actor[:120], action[:60], subject[:200] if subject else None
    detail = stored_detail(detail)
    at = datetime.now(UTC)
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + 1))  # lock first
    seq, prev = conn.execute(select(audit_head.c.seq, audit_head.c.last_hash).where(audit_head.c.id == 1)).one()
    h = chain_hash(prev, seq, at, actor, action, subject, detail)
    conn.execute(
        audit_log.insert().values(
            at=at, actor=actor, action=action, subject=subject, detail=detail, seq=seq, prev_hash=prev, row_hash=h
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(last_hash=h))


@dataclass
class ChainReport:
    ok: bool
    rows: int
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def verify(db: Engine, batch: int = 2000) -> ChainReport:
    """Walk the whole chain in order; stop at the first row that does not fit."""
    with db.connect() as conn:
        unchained = conn.execute(select(func.min(audit_log.c.id)).where(audit_log.c.seq.is_(None))).scalar()
        if unchained is not None:
            return ChainReport(False, 0, "", unchained, None, "row has no place in the chain (written around it)")
        prev, expected = GENESIS, 1
        last_seq = 0
        while True:
            rows = conn.execute(
                select(audit_log).where(audit_log.c.seq > last_seq).order_by(audit_log.c.seq).limit(batch)
            ).all()
            for r in rows:
                bad = None
                if r.seq != expected:
                    bad = f"expected row number {expected}, found {r.seq}: rows were deleted"
                elif r.prev_hash != prev:
                    bad = "its link to the previous row does not match: a row before it was changed or removed"
                elif chain_hash(prev, r.seq, r.at, r.actor, r.action, r.subject, r.detail) != r.row_hash:
                    bad = "its content changed after it was written"
                if bad:
                    return ChainReport(False, expected - 1, prev, r.id, r.seq, bad)
                prev, expected = r.row_hash, expected + 1
            if len(rows) < batch:
                break
            last_seq = rows[-1].seq
        head = conn.execute(select(audit_head.c.seq, audit_head.c.last_hash).where(audit_head.c.id == 1)).first()
    n = expected - 1
    if head is None or head.seq != n or head.last_hash != prev:
        return ChainReport(
            False,
            n,
            prev,
            None,
            n + 1,
            f"the head records {head.seq if head else 'no'} rows but the log has {n}: rows were removed from the end",
        )
    return ChainReport(True, n, prev)
