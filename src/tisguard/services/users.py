"""Officer accounts: argon2id password hashes, roles, disabling. A password change or a disabled account ends
every session of that account (see services/sessions.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update

from tisguard.services import audit
from tisguard.services.sessions import end_user_sessions
from tisguard.store.tables import users

ROLES = ("officer", "supervisor", "admin")
MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything, but a megabyte "password" is only a way to burn CPU
_hasher = PasswordHasher()


class UserError(ValueError):
    pass


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise UserError("password must be at least 8 characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"password must be at most {MAX_PASSWORD_CHARS} characters")


def add_user(db: Engine, username: str, password: str, role: str, actor: str = "cli") -> None:
    """Create a user, or reset an existing user's password and role (which ends that user's sessions)."""
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if not username.strip() or len(username) > 80:
        raise UserError("username must be 1-80 characters")
    _check_password(password)
    with db.begin() as conn:
        row = conn.execute(select(users.c.id).where(users.c.username == username)).first()
        if row:
            conn.execute(
                update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password), role=role)
            )
            ended = end_user_sessions(conn, row.id, "password")
            audit.record(conn, actor, "user.update", username, {"role": role, "sessions_ended": ended})
            return
        conn.execute(
            users.insert().values(
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
                active=True,
                created_at=datetime.now(UTC),
            )
        )
        audit.record(conn, actor, "user.add", username, {"role": role})


def user_exists(db: Engine, username: str) -> bool:
    with db.connect() as conn:
        return conn.execute(select(users.c.id).where(users.c.username == username)).first() is not None


def set_active(db: Engine, username: str, active: bool, actor: str = "cli") -> int:
    """Disable (ending every session at once) or re-enable an account; returns the sessions ended."""
    with db.begin() as conn:
        row = conn.execute(select(users.c.id).where(users.c.username == username)).first()
        if row is None:
            raise UserError(f"no user named {username!r}")
        conn.execute(update(users).where(users.c.id == row.id).values(active=active))
        ended = 0 if active else end_user_sessions(conn, row.id, "disabled")
        audit.record(conn, actor, "user.enable" if active else "user.disable", username, {"sessions_ended": ended})
    return ended


def check_password(db: Engine, username: str, password: str) -> tuple[dict | None, str]:
    """(user, "ok") or (None, why): "unknown_account", "disabled" or "bad_password". The same argon2 work is
    done in every case, so the answer time does not tell which accounts exist."""
    with db.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username[:200])).first()
    if row is None or len(password) > MAX_PASSWORD_CHARS:
        _hasher.hash(password[:MAX_PASSWORD_CHARS])
        return None, "unknown_account" if row is None else "bad_password"
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None, "bad_password"
    if not row.active:
        return None, "disabled"
    return {"id": row.id, "username": row.username, "role": row.role}, "ok"


def authenticate(db: Engine, username: str, password: str) -> dict | None:
    return check_password(db, username, password)[0]


def get_user(db: Engine, user_id: int) -> dict | None:
    with db.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id, users.c.active.is_(True))).first()
    return {"id": row.id, "username": row.username, "role": row.role} if row else None
