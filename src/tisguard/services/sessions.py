"""Server-side officer sessions: a row per sign-in, so a session can be ended (logout, password change, disabled
account) and expires when idle or too old, whatever the browser keeps.

The cookie holds a random token; the table holds only its HMAC (a copy of the table does not give live sessions).
Settings (environment): TISGUARD_SESSION_IDLE_S (default 1800), TISGUARD_SESSION_MAX_S (default 28800).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, or_, select, update

from tisguard.store.tables import user_sessions, users

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


def aware(d: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes for timezone-aware columns; they were written in UTC."""
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_env(cls) -> SessionPolicy:
        return cls(
            idle=timedelta(seconds=int(os.environ.get("TISGUARD_SESSION_IDLE_S", 30 * 60))),
            absolute=timedelta(seconds=int(os.environ.get("TISGUARD_SESSION_MAX_S", 8 * 3600))),
        )


class SessionStore:
    def __init__(self, db: Engine, key: str, policy: SessionPolicy | None = None):
        self.db = db
        self._key = key.encode()
        self.policy = policy or SessionPolicy.from_env()

    def _hash(self, token: str) -> str:
        return self.sign("session", token)

    def sign(self, purpose: str, value: str) -> str:
        """HMAC-SHA256 of a value under the app's secret key, one purpose per use (hex)."""
        msg = purpose.encode() + b"\0" + value.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()

    def start(self, user_id: int, client: str | None = None, now: datetime | None = None) -> str:
        """A new session for the user; returns the cookie value (shown once, not stored)."""
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        with self.db.begin() as conn:
            conn.execute(
                user_sessions.insert().values(
                    token_hash=self._hash(token),
                    user_id=user_id,
                    csrf=secrets.token_urlsafe(24),
                    created_at=now,
                    last_seen_at=now,
                    client=(client or "")[:64] or None,
                )
            )
        return token

    def read(self, token: str | None, now: datetime | None = None) -> dict | None:
        """The signed-in user ({id, username, role, csrf}) of a live session, or None. An idle or expired session
        is ended on the spot; a disabled account's sessions were ended when it was disabled."""
        if not token or len(token) > 200:
            return None
        now = now or datetime.now(UTC)
        h = self._hash(token)
        with self.db.connect() as conn:
            row = conn.execute(
                select(user_sessions, users.c.username, users.c.role, users.c.active)
                .join(users, users.c.id == user_sessions.c.user_id)
                .where(user_sessions.c.token_hash == h)
            ).first()
        if row is None or row.revoked_at is not None or not row.active:
            return None
        created, seen = aware(row.created_at), aware(row.last_seen_at)
        reason = (
            "expired" if now - created > self.policy.absolute else "idle" if now - seen > self.policy.idle else None
        )
        if reason:
            self._end(h, reason, now)
            return None
        if now - seen > TOUCH_EVERY:
            with self.db.begin() as conn:
                conn.execute(update(user_sessions).where(user_sessions.c.token_hash == h).values(last_seen_at=now))
        return {"id": row.user_id, "username": row.username, "role": row.role, "csrf": row.csrf}

    def end(self, token: str | None, reason: str = "logout") -> None:
        if token and len(token) <= 200:
            self._end(self._hash(token), reason, datetime.now(UTC))

    def _end(self, token_hash: str, reason: str, now: datetime) -> None:
        with self.db.begin() as conn:
            conn.execute(
                update(user_sessions)
                .where(user_sessions.c.token_hash == token_hash, user_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now, end_reason=reason)
            )


def end_user_sessions(conn: Connection, user_id: int, reason: str) -> int:
    """End every live session of a user (inside the caller's transaction); returns how many were live."""
    return conn.execute(
        update(user_sessions)
        .where(user_sessions.c.user_id == user_id, user_sessions.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC), end_reason=reason)
    ).rowcount


KEEP_ENDED = timedelta(days=90)  # ended sessions stay this long: who was signed in when, for an inquiry


def purge(db: Engine, now: datetime | None = None, policy: SessionPolicy | None = None) -> int:
    """Delete sessions that ended more than KEEP_ENDED ago (revoked, or past their absolute lifetime)."""
    now = now or datetime.now(UTC)
    policy = policy or SessionPolicy.from_env()
    with db.begin() as conn:
        return conn.execute(
            delete(user_sessions).where(
                or_(
                    user_sessions.c.revoked_at < now - KEEP_ENDED,
                    user_sessions.c.created_at < now - policy.absolute - KEEP_ENDED,
                )
            )
        ).rowcount
