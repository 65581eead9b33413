"""Sign-in throttling: exponential back-off per account and per client address, kept in the store so every
worker process and a restart see the same counts.

Why back-off rather than a fixed lockout: a lockout long enough to stop guessing also lets anyone lock an
officer out by typing wrong passwords. Here the first few failures are free, then each further failure doubles
a short wait up to a cap (minutes, not hours), and an officer's own browser, which has signed in to that account
before, is not held by the account's wait (only by its own address's). Counts fade after a quiet hour.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, case, delete, select, update
from sqlalchemy.exc import IntegrityError

from tisguard.services.sessions import aware
from tisguard.store.tables import signin_throttle


@dataclass(frozen=True)
class Backoff:
    free: int  # failures allowed before any wait
    base_s: float  # wait after the first failure past `free`; doubles with each further one
    cap_s: float  # never longer than this

    def wait(self, failures: int) -> float:
        over = failures - self.free
        return 0.0 if over <= 0 else min(self.cap_s, self.base_s * 2 ** min(over - 1, 30))


ACCOUNT = Backoff(free=5, base_s=2, cap_s=300)
ADDRESS = Backoff(free=10, base_s=1, cap_s=900)
FADE = timedelta(hours=1)  # a failure older than this no longer counts


def account_key(username: str) -> str:
    return "account:" + hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()


def address_key(client: str) -> str:
    return "address:" + client[:100]


def retry_after(db: Engine, keys: list[str], now: datetime | None = None) -> float:
    """Seconds until a sign-in may be tried for these buckets (0 when none is held)."""
    now = now or datetime.now(UTC)
    with db.connect() as conn:
        rows = conn.execute(
            select(signin_throttle.c.locked_until).where(
                signin_throttle.c.key.in_(keys), signin_throttle.c.locked_until.is_not(None)
            )
        ).all()
    return max([(aware(r.locked_until) - now).total_seconds() for r in rows] + [0.0])


def record_failure(db: Engine, buckets: dict[str, Backoff], now: datetime | None = None) -> float:
    """Count one failed sign-in in each bucket; returns the longest wait it now imposes (seconds)."""
    now = now or datetime.now(UTC)
    longest = 0.0
    with db.begin() as conn:
        for key, policy in buckets.items():
            # The UPDATE comes first so the transaction holds the write lock before it reads (SQLite and PG).
            bump = (
                update(signin_throttle)
                .where(signin_throttle.c.key == key)
                .values(
                    failures=case(
                        (signin_throttle.c.last_failure_at < now - FADE, 1), else_=signin_throttle.c.failures + 1
                    ),
                    last_failure_at=now,
                )
            )
            if conn.execute(bump).rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(signin_throttle.insert().values(key=key, failures=1, last_failure_at=now))
                except IntegrityError:  # another worker inserted it first
                    conn.execute(bump)
            failures = conn.execute(select(signin_throttle.c.failures).where(signin_throttle.c.key == key)).scalar_one()
            wait = policy.wait(failures)
            conn.execute(
                update(signin_throttle)
                .where(signin_throttle.c.key == key)
                .values(locked_until=now + timedelta(seconds=wait) if wait else None)
            )
            longest = max(longest, wait)
        conn.execute(delete(signin_throttle).where(signin_throttle.c.last_failure_at < now - 24 * FADE))
    return longest


def clear(db: Engine, key: str) -> None:
    """Forget an account's failures after a successful sign-in (an address's count is kept: one valid account
    must not reset the count of an address that is guessing others')."""
    with db.begin() as conn:
        conn.execute(delete(signin_throttle).where(signin_throttle.c.key == key))
