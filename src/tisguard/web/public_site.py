"""The public side (issue 14): verify a licence, check a listing, tracked complaints, the public list of
non-standard products with its open data, and the SME self-check. `register(app)` adds the routers and the
per-client limits; the pages share the helpers below.

Limits per client address (web/hardening.py `client_key`), on top of the existing /check and /complaint ones:
  TISGUARD_PUBLIC_VERIFY_PER_MIN   /verify and GET /api/v1/public/licences (default 30)
  TISGUARD_PUBLIC_SME_PER_MIN      /sme (default 20)
  TISGUARD_PUBLIC_DATA_PER_MIN     the public list, its JSON, CSV, Atom and change feed (default 120)
  TISGUARD_PUBLIC_PHOTO_PER_MIN    the list's photos (default 600)
  TISGUARD_PUBLIC_STATUS_PER_MIN   complaint status links (default 30)
"""

from __future__ import annotations

import math
import os
import secrets

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from tisguard.web.hardening import ClientLimiter, client_key
from tisguard.web.render import render
from tisguard.web.resources import wants_json

LIMITS = {
    "verify": ("TISGUARD_PUBLIC_VERIFY_PER_MIN", 30, 60),
    "sme": ("TISGUARD_PUBLIC_SME_PER_MIN", 20, 60),
    "data": ("TISGUARD_PUBLIC_DATA_PER_MIN", 120, 60),
    "photo": ("TISGUARD_PUBLIC_PHOTO_PER_MIN", 600, 60),
    "status": ("TISGUARD_PUBLIC_STATUS_PER_MIN", 30, 60),
}


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def register(app: FastAPI) -> None:
    """Add the public side's routers and limits to the app (web/app.py calls this once)."""
    from tisguard.web import complaint_pages, publication_pages, sme_pages, verify_pages, violations_pages

    for name, (env, default, window) in LIMITS.items():
        app.state.public_limits.setdefault(name, ClientLimiter(_env_int(env, default), window))
    for r in (
        verify_pages.api,
        verify_pages.pages,
        violations_pages.router,
        publication_pages.router,
        complaint_pages.router,
        sme_pages.router,
    ):
        app.include_router(r)


def client(request: Request) -> str:
    return client_key(request.client.host if request.client else None)


def over_limit(request: Request, limit: str, page: str | None = None, **ctx):
    """None when this client may go on, else the answer 429 with Retry-After: JSON for API callers (or when
    there is no page), else `page` rendered with the wait."""
    wait = request.app.state.public_limits[limit].hit(client(request))
    if wait <= 0:
        return None
    seconds = max(1, math.ceil(wait))
    headers = {"Retry-After": str(seconds)}
    if page is None or wants_json(request):
        detail = {"field": "client", "message": f"too many requests: try again in {seconds} s"}
        return JSONResponse({"detail": detail}, status_code=429, headers=headers)
    resp = render(request, page, status_code=429, rate_limited=seconds, **ctx)
    resp.headers["Retry-After"] = str(seconds)
    return resp


def reference(request: Request):
    """(registry, catalogue, licence statistics) the engine holds now."""
    from tisguard.catalogue.licence_stats import licence_stats

    ref = request.app.state.engine.ref
    return ref.registry, ref.catalogue, licence_stats(request.app.state.settings.data_dir)


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def field_errors(e) -> list[dict]:
    return [{"field": e.field, "message": str(e)}]


def csrf_ok(request: Request, user: dict, token: str | None) -> None:
    """web/security.py's CSRF check for a plain (sync) route: the form's `csrf` or the X-CSRF-Token header,
    compared as bytes in constant time."""
    given = request.headers.get("x-csrf-token") or token or ""
    if not given or not secrets.compare_digest(given.encode("utf-8", "surrogatepass"), user["csrf"].encode()):
        raise HTTPException(403, detail={"field": "csrf", "message": "missing or wrong CSRF token"})
