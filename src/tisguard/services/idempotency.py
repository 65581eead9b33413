"""Idempotency keys for platform pushes: the key is reserved (a unique insert) before any work is done,
so of two concurrent requests with one key only the first runs; the other replays the stored answer,
or is told to retry (still running) or that the key belongs to another body (409)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tisguard.store.tables import idempotency

PENDING = {"__pending__": True}  # the response column of a reserved key whose request is still running


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


def reserve(db: Engine, platform: str, key: str, request_hash: str) -> KeyState:
    row = {
        "platform": platform,
        "key": key,
        "request_hash": request_hash,
        "response": PENDING,
        "created_at": datetime.now(UTC),
    }
    with db.begin() as conn:
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
