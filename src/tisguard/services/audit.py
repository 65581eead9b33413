"""The append-only audit log: every decision and administrative action, with who and when."""

from __future__ import annotations

from datetime import UTC, datetime

from tisguard.store.tables import audit_log


def record(conn, actor: str, action: str, subject: str | None = None, detail: dict | None = None) -> None:
    conn.execute(
        audit_log.insert().values(
            at=datetime.now(UTC),
            actor=actor[:120],
            action=action[:60],
            subject=subject[:200] if subject else None,
            detail=detail,
        )
    )
