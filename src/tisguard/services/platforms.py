"""Platforms and their API keys (stored as SHA-256 of a high-entropy key; shown once)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, select, update

from tisguard.services import audit
from tisguard.spec.listing import PLATFORM_SLUG
from tisguard.store.tables import api_keys, platforms


class PlatformError(ValueError):
    pass


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _issue(conn, platform_pk: int, name: str) -> str:
    key = f"tg_{name}_{secrets.token_urlsafe(32)}"
    conn.execute(
        api_keys.insert().values(
            platform_pk=platform_pk, key_prefix=key[:12], key_hash=_hash(key), created_at=datetime.now(UTC)
        )
    )
    return key


def add_platform(db: Engine, name: str, actor: str = "cli") -> str:
    if not PLATFORM_SLUG.match(name):
        raise PlatformError("platform name must be a lowercase slug such as 'shopee'")
    with db.begin() as conn:
        row = conn.execute(select(platforms.c.id).where(platforms.c.name == name)).first()
        pk = (
            row.id
            if row
            else conn.execute(platforms.insert().values(name=name, created_at=datetime.now(UTC))).inserted_primary_key[
                0
            ]
        )
        key = _issue(conn, pk, name)
        audit.record(conn, actor, "platform.key_issued", name)
    return key


def _platform_pk(conn, name: str) -> int:
    row = conn.execute(select(platforms.c.id).where(platforms.c.name == name)).first()
    if row is None:
        raise PlatformError(f"no platform {name!r}")
    return row.id


def _revoke(conn, platform_pk: int) -> int:
    return conn.execute(
        update(api_keys)
        .where(api_keys.c.platform_pk == platform_pk, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    ).rowcount


def rotate_key(db: Engine, name: str, actor: str = "cli") -> str:
    """Revoke every current key of the platform and issue a new one."""
    with db.begin() as conn:
        pk = _platform_pk(conn, name)
        _revoke(conn, pk)
        key = _issue(conn, pk, name)
        audit.record(conn, actor, "platform.key_rotated", name)
    return key


def revoke_keys(db: Engine, name: str, actor: str = "cli") -> int:
    with db.begin() as conn:
        n = _revoke(conn, _platform_pk(conn, name))
        audit.record(conn, actor, "platform.keys_revoked", name, {"count": n})
    return n


def set_webhook(db: Engine, name: str, url: str | None, actor: str = "cli") -> str | None:
    """Set (or clear) the platform's webhook URL; returns the new signing secret."""
    secret = secrets.token_hex(32) if url else None
    with db.begin() as conn:
        n = conn.execute(
            update(platforms).where(platforms.c.name == name).values(webhook_url=url, webhook_secret=secret)
        ).rowcount
        if not n:
            raise PlatformError(f"no platform {name!r}")
        audit.record(conn, actor, "platform.webhook_set", name, {"url": url})
    return secret


def platform_for_key(db: Engine, key: str) -> str | None:
    with db.connect() as conn:
        row = conn.execute(
            select(platforms.c.name)
            .select_from(api_keys.join(platforms, platforms.c.id == api_keys.c.platform_pk))
            .where(api_keys.c.key_hash == _hash(key), api_keys.c.revoked_at.is_(None))
        ).first()
    return row.name if row else None
