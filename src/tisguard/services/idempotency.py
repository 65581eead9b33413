"""Idempotency keys for platform pushes: the key is reserved (a unique insert) before any work is done,
so of two concurrent requests with one key only the first runs; the other replays the stored answer,
or is told to retry (still running) or that the key belongs to another body (409).

A key is remembered for `TISGUARD_IDEMPOTENCY_HOURS` (default 24): after that it may be used again as a new
request, and `tisguard db purge` deletes it (the table would otherwise grow with every push ever made)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tisguard.store.tables import idempotency

PENDING = {"__pending__": True}  # the response column of a reserved key whose request is still running


def key_lifetime() -> timedelta:
    hours = os.environ.get("TISGUARD_IDEMPOTENCY_HOURS", "24")
    if not hours.isdigit() or not 1 <= int(hours) <= 24 * 90:
        raise ValueError(f"TISGUARD_IDEMPOTENCY_HOURS={hours!r}: expected whole hours from 1 to 2160")
    return timedelta(hours=int(hours))


@dataclass(frozen=True)
class KeyState:
    """reserved: this request owns the key and must `complete` or `release` it; replay: the stored answer;
    conflict: 'other_body' or 'in_progress'."""

    reserved: bool = False
    replay: dict | None = None
    conflict: str | None = None


def request_hash(body) -> str:
    """The identity of a request body: SHA-256 of its canonical JSON (sorted keys)."""
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


def reserve(db: Engine, platform: str, key: str, request_hash: str, now: datetime | None = None) -> KeyState:
    now = now or datetime.now(UTC)
    row = {"platform": platform, "key": key, "request_hash": request_hash, "response": PENDING, "created_at": now}
    with db.begin() as conn:
        # a key older than its lifetime is forgotten first: it may be used again as a new request
        conn.execute(
            delete(idempotency).where(
                idempotency.c.platform == platform,
                idempotency.c.key == key,
                idempotency.c.created_at < now - key_lifetime(),
            )
        )
        mod = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = (
            mod.insert(idempotency)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["platform", "key"])
            .returning(idempotency.c.id)
        )
        if conn.execute(stmt).first() is not None:  # RETURNING: rowcount is not reliable across drivers
            return KeyState(reserved=True)
        prior = conn.execute(
            select(idempotency).where(idempotency.c.platform == platform, idempotency.c.key == key)
        ).first()
    if prior.request_hash != request_hash:
        return KeyState(conflict="other_body")
    if prior.response == PENDING:
        return KeyState(conflict="in_progress")
    return KeyState(replay=prior.response)


def complete(db: Engine, platform: str, key: str, response: dict) -> None:
    with db.begin() as conn:
        conn.execute(
            update(idempotency)
            .where(idempotency.c.platform == platform, idempotency.c.key == key)
            .values(response=response)
        )


def release(db: Engine, platform: str, key: str) -> None:
    """Give a reserved key back after a failure, so the platform can retry with it."""
    with db.begin() as conn:
        conn.execute(delete(idempotency).where(idempotency.c.platform == platform, idempotency.c.key == key))


def purge(db: Engine, now: datetime | None = None) -> int:
    """Delete keys older than their lifetime (a request still "running" after that long has died); returns
    how many."""
    cutoff = (now or datetime.now(UTC)) - key_lifetime()
    with db.begin() as conn:
        return conn.execute(delete(idempotency).where(idempotency.c.created_at < cutoff)).rowcount
