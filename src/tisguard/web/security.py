"""Sessions (signed cookies), CSRF tokens, roles, platform API keys and rate limits."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tisguard.config import Settings

SESSION_COOKIE = "tg_session"
SESSION_MAX_AGE = 8 * 3600
ROLE_RANK = {"officer": 1, "supervisor": 2, "admin": 3}
MAX_ID = 2**62  # ids beyond what SQLite/PostgreSQL integers hold are answered 422, never 500


def secret_key(settings: Settings) -> str:
    """TISGUARD_SECRET, or a random key kept (0600) in the data directory; never in the repo."""
    import os

    if os.environ.get("TISGUARD_SECRET"):
        return os.environ["TISGUARD_SECRET"]
    path: Path = settings.data_dir / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Sessions:
    def __init__(self, key: str):
        self._s = URLSafeTimedSerializer(key, salt="tisguard-session")

    def issue(self, user: dict) -> str:
        return self._s.dumps({"uid": user["id"], "csrf": secrets.token_urlsafe(24)})

    def read(self, token: str | None) -> dict | None:
        if not token:
            return None
        try:
            return self._s.loads(token, max_age=SESSION_MAX_AGE)
        except (BadSignature, SignatureExpired):
            return None


class NotSignedIn(Exception):
    """Raised for a page that needs a signed-in officer; pages redirect, the API answers 401."""


def current_user(request: Request) -> dict:
    from tisguard.services.users import get_user

    sess = request.app.state.sessions.read(request.cookies.get(SESSION_COOKIE))
    user = get_user(request.app.state.db, sess["uid"]) if sess else None
    if user is None:
        raise NotSignedIn()
    user["csrf"] = sess["csrf"]
    request.state.user = user
    return user


def require(role: str):
    def dep(request: Request) -> dict:
        user = current_user(request)
        if ROLE_RANK[user["role"]] < ROLE_RANK[role]:
            raise HTTPException(403, detail={"field": "role", "message": f"needs the {role} role"})
        return user

    return dep


async def check_csrf(request: Request, user: dict) -> None:
    """Forms send `csrf`; JSON clients send the X-CSRF-Token header."""
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        token = (await request.form()).get("csrf")
    if not token or not secrets.compare_digest(str(token), user["csrf"]):
        raise HTTPException(403, detail={"field": "csrf", "message": "missing or wrong CSRF token"})


class RateLimiter:
    """A token bucket per key: `rate` requests per second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


async def platform_caller(request: Request) -> str:
    """The platform behind `Authorization: Bearer KEY`; 401 without a valid key, 429 over its rate."""
    from tisguard.services.platforms import platform_for_key

    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        raise HTTPException(
            401,
            detail={"field": "Authorization", "message": "send Authorization: Bearer <API key>"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    key = auth[7:].strip()
    cache, ttl = request.app.state.key_cache, request.app.state.key_cache_ttl
    hit = cache.get(key)
    name = hit[0] if hit and time.monotonic() - hit[1] < ttl else None
    if name is None:  # a revoked key stops working within `ttl` seconds (the upload path cannot hit the DB each call)
        name = platform_for_key(request.app.state.db, key)
        if name is None:
            cache.pop(key, None)
            raise HTTPException(
                401,
                detail={"field": "Authorization", "message": "unknown or revoked API key"},
                headers={"WWW-Authenticate": "Bearer"},
            )
        cache[key] = (name, time.monotonic())
    wait = request.app.state.rate_limiter.take(key)
    if wait > 0:
        raise HTTPException(
            429,
            detail={"field": "Authorization", "message": "rate limit exceeded"},
            headers={"Retry-After": str(max(1, int(wait + 0.999)))},
        )
    request.state.platform = name
    return name
