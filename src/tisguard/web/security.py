"""Sessions (server-side, see services/sessions.py), CSRF tokens, roles, platform API keys and rate limits."""

from __future__ import annotations

import os
import secrets
import threading
import time
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from tisguard.config import Settings
from tisguard.services.sessions import SessionStore

SESSION_COOKIE = "tg_session"
ROLE_RANK = {"officer": 1, "supervisor": 2, "admin": 3}
MAX_ID = 2**62  # ids beyond what SQLite/PostgreSQL integers hold are answered 422, never 500
Sessions = SessionStore  # the app keeps one in app.state.sessions


def secret_key(settings: Settings) -> str:
    """TISGUARD_SECRET, or a random key kept in the data directory (never in the repo). The file is created with
    mode 0600 before any byte is written, so the key is never readable by others, not even for a moment."""
    if os.environ.get("TISGUARD_SECRET"):
        return os.environ["TISGUARD_SECRET"]
    path: Path = settings.data_dir / "secret.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:  # an older install wrote it with the default mode
            path.chmod(0o600)
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if not key:  # another process created the file and is writing it right now
        time.sleep(0.1)
        key = path.read_text().strip()
    return key


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    store: SessionStore = request.app.state.sessions
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(store.policy.absolute.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=bool(getattr(request.app.state, "https", False)),
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=bool(getattr(request.app.state, "https", False))
    )


class NotSignedIn(Exception):
    """Raised for a page that needs a signed-in officer; pages redirect, the API answers 401."""


def current_user(request: Request) -> dict:
    user = request.app.state.sessions.read(request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise NotSignedIn()
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
    """Forms send `csrf`; JSON clients send the X-CSRF-Token header. Compared as bytes: a token with non-ASCII
    characters is simply wrong (403), never an error."""
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        token = (await request.form()).get("csrf")
    if not isinstance(token, str) or not token:
        raise HTTPException(403, detail={"field": "csrf", "message": "missing or wrong CSRF token"})
    given = token.encode("utf-8", "surrogatepass")
    if not secrets.compare_digest(given, user["csrf"].encode()):
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
        name = await run_in_threadpool(platform_for_key, request.app.state.db, key)  # never block the loop on I/O
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
