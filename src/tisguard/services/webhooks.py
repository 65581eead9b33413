"""Webhook delivery: POST a notice to the platform's URL, signed with HMAC-SHA256, retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy import Engine, select

from tisguard.detect.evidence import dumps
from tisguard.store.tables import platforms, webhook_deliveries

SIGNATURE_HEADER = "X-TISGuard-Signature"


def sign(secret: str, body: bytes, timestamp: str) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},sha256={mac}"


def verify(secret: str, body: bytes, header: str, tolerance_s: int = 300) -> bool:
    """What a platform's receiver does: check the signature and that the timestamp is recent."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        ts = parts["t"]
    except (ValueError, KeyError):
        return False
    if abs(time.time() - int(ts)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, body, ts), header)


def deliver_notice(db: Engine, notice: dict, attempts: int = 4, backoff_s: float = 0.5, timeout_s: float = 5.0) -> bool:
    with db.connect() as conn:
        p = conn.execute(select(platforms).where(platforms.c.name == notice["platform"])).first()
    if p is None or not p.webhook_url:
        return False
    body = json.dumps({"event": "notice.sent", "notice": json.loads(dumps(notice))}, ensure_ascii=False).encode("utf-8")
    for attempt in range(1, attempts + 1):
        ts = str(int(time.time()))
        status, error = None, None
        try:
            r = httpx.post(
                p.webhook_url,
                content=body,
                timeout=timeout_s,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(p.webhook_secret, body, ts)},
            )
            status = r.status_code
        except httpx.HTTPError as e:
            error = f"{type(e).__name__}: {e}"[:500]
        with db.begin() as conn:
            conn.execute(
                webhook_deliveries.insert().values(
                    platform=notice["platform"],
                    notice_pk=notice["id"],
                    attempt=attempt,
                    status_code=status,
                    error=error,
                    at=datetime.now(UTC),
                )
            )
        if status is not None and 200 <= status < 300:
            return True
        if attempt < attempts:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return False
