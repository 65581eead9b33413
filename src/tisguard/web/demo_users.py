"""Demo accounts: one per role, with fresh random passwords printed once by `tisguard demo`.

An account that already exists is left alone: running the demo again over a data folder in use must not reset
anyone's password (and so end their sessions) behind their back. `tisguard user add NAME` resets on purpose.
"""

from __future__ import annotations

import secrets

from tisguard.services.users import add_user, user_exists

DEMO_USERS = (("officer", "officer"), ("supervisor", "supervisor"), ("admin", "admin"))


def ensure_demo_users(db) -> list[tuple[str, str, str | None]]:
    """(name, role, new password) per demo account; the password is None for an account that already existed."""
    out: list[tuple[str, str, str | None]] = []
    for name, role in DEMO_USERS:
        if user_exists(db, name):
            out.append((name, role, None))
            continue
        password = secrets.token_urlsafe(12)
        add_user(db, name, password, role, actor="demo")
        out.append((name, role, password))
    return out
