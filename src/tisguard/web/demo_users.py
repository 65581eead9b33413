"""Demo accounts: one per role, with fresh random passwords printed once by `tisguard demo`."""

from __future__ import annotations

import secrets

from tisguard.services.users import add_user

DEMO_USERS = (("officer", "officer"), ("supervisor", "supervisor"), ("admin", "admin"))


def ensure_demo_users(db) -> list[tuple[str, str, str]]:
    out = []
    for name, role in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        add_user(db, name, password, role, actor="demo")
        out.append((name, role, password))
    return out
