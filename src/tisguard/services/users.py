"""Officer accounts: argon2id password hashes, roles."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update

from tisguard.services import audit
from tisguard.store.tables import users

ROLES = ("officer", "supervisor", "admin")
_hasher = PasswordHasher()


class UserError(ValueError):
    pass


def add_user(db: Engine, username: str, password: str, role: str, actor: str = "cli") -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if not username.strip() or len(username) > 80:
        raise UserError("username must be 1-80 characters")
    if len(password) < 8:
        raise UserError("password must be at least 8 characters")
    with db.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(password_hash=_hasher.hash(password), role=role)
            )
            audit.record(conn, actor, "user.update", username, {"role": role})
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


def authenticate(db: Engine, username: str, password: str) -> dict | None:
    with db.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username, users.c.active.is_(True))).first()
    if row is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return {"id": row.id, "username": row.username, "role": row.role}


def get_user(db: Engine, user_id: int) -> dict | None:
    with db.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id, users.c.active.is_(True))).first()
    return {"id": row.id, "username": row.username, "role": row.role} if row else None
