"""Sign-in and sign-out for the officer pages: throttled, audited, server-side sessions.

Every failed attempt is written to the audit log (who was tried, from where, why it failed); attempts refused
while a back-off holds are audited too, and answered 429 with Retry-After without checking the password.
"""

from __future__ import annotations

import hmac
import math

from fastapi import Request
from fastapi.responses import RedirectResponse

from tisguard.services import audit
from tisguard.services import signin_throttle as throttle
from tisguard.services.users import check_password, user_exists
from tisguard.web.hardening import client_key
from tisguard.web.render import render
from tisguard.web.security import SESSION_COOKIE, clear_session_cookie, set_session_cookie

KNOWN_DEVICE_COOKIE = "tg_known"  # "this browser has signed in to this account before" (HMAC, no secret inside)


def _device_mark(request: Request, username: str) -> str:
    return request.app.state.sessions.sign("known-device", username)


def _known_device(request: Request, username: str) -> bool:
    mark = request.cookies.get(KNOWN_DEVICE_COOKIE, "")
    return hmac.compare_digest(mark.encode("utf-8", "surrogatepass"), _device_mark(request, username).encode())


def _audit_failure(request: Request, username: str, client: str, reason: str, wait: float = 0) -> None:
    db = request.app.state.db
    known = reason not in ("unknown_account",) and user_exists(db, username)
    detail = {"client": client, "reason": reason}
    if wait:
        detail["retry_after_s"] = math.ceil(wait)
    with db.begin() as conn:
        # An unknown "username" is not recorded: people type passwords into the username field.
        audit.record(conn, f"signin@{client}", "signin.failure", username[:80] if known else None, detail)


def _refused(request: Request, wait: float):
    seconds = max(1, math.ceil(wait))
    resp = render(request, "login.html", status_code=429, throttled=seconds)
    resp.headers["Retry-After"] = str(seconds)
    return resp


def sign_in(request: Request, username: str, password: str):
    db = request.app.state.db
    client = client_key(request.client.host if request.client else None)
    keys = [throttle.address_key(client)]
    if not _known_device(request, username):
        keys.append(throttle.account_key(username))
    wait = throttle.retry_after(db, keys)
    if wait > 0:
        _audit_failure(request, username, client, "throttled", wait)
        return _refused(request, wait)
    user, why = check_password(db, username, password)
    if user is None:
        wait = throttle.record_failure(
            db, {throttle.address_key(client): throttle.ADDRESS, throttle.account_key(username): throttle.ACCOUNT}
        )
        _audit_failure(request, username, client, why, wait)
        return render(request, "login.html", status_code=401, error=True)
    throttle.clear(db, throttle.account_key(username))
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE), "replaced")  # one browser, one session
    token = request.app.state.sessions.start(user["id"], client)
    with db.begin() as conn:
        audit.record(conn, user["username"], "signin.success", user["username"], {"client": client})
    resp = RedirectResponse("/queue", 303)
    set_session_cookie(request, resp, token)
    resp.set_cookie(
        KNOWN_DEVICE_COOKIE,
        _device_mark(request, user["username"]),
        max_age=180 * 86400,
        httponly=True,
        samesite="strict",
        secure=bool(getattr(request.app.state, "https", False)),
    )
    return resp


def sign_out(request: Request):
    """End the session on the server (the cookie alone no longer works) and clear it in the browser."""
    token = request.cookies.get(SESSION_COOKIE)
    user = request.app.state.sessions.read(token)
    request.app.state.sessions.end(token, "logout")
    if user:
        with request.app.state.db.begin() as conn:
            audit.record(conn, user["username"], "signin.logout", user["username"])
    resp = RedirectResponse("/", 303)
    clear_session_cookie(request, resp)
    return resp
