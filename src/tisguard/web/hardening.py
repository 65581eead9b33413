"""HTTP hardening for every response and request: security headers, request body limits, text no database
stores (NUL, lone surrogates) refused at the door, per-client limits for the public forms.

Pure ASGI middleware (no BaseHTTPMiddleware): the headers are added to the response start message, and the body
limit counts bytes as they arrive, so a client cannot make the server buffer more than the limit.

Settings (environment):
  TISGUARD_HTTPS=1                 the app is served over HTTPS (behind a TLS proxy): Secure cookies and HSTS
  TISGUARD_MAX_JSON_BYTES          JSON and other bodies (default 16 MiB; a push batch is at most 500 listings)
  TISGUARD_MAX_FORM_BYTES          URL-encoded forms (default 1 MiB)
  TISGUARD_MAX_UPLOAD_BYTES        multipart uploads, the registry CSV (default 64 MiB)
  TISGUARD_MAX_PUBLIC_UPLOAD_BYTES photo uploads on the public pages (PUBLIC_UPLOAD_PATHS; default 25 MiB)
  TISGUARD_PUBLIC_CHECK_PER_MIN    self-checks per client address per minute on /check (default 20)
  TISGUARD_PUBLIC_COMPLAINT_PER_H  complaints per client address per hour on /complaint (default 10)
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import threading
import time
from urllib.parse import parse_qsl

from fastapi import FastAPI

# No inline script or style anywhere: the pages' JavaScript and CSS are files under /static. `data:` images are
# the evidence thumbnails. form-action/base-uri/frame-ancestors close the remaining injection paths.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's interactive docs load Swagger UI / ReDoc from a CDN with an inline bootstrap script; they show only
# the published OpenAPI document, never stored data, so they get a looser policy of their own.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
PUBLIC_UPLOAD_PATHS = ("/check", "/verify")  # anyone may post photos here: a tighter multipart limit


def https_enabled() -> bool:
    return os.environ.get("TISGUARD_HTTPS", "").strip().lower() in ("1", "true", "yes", "on")


class SecurityHeaders:
    """Adds CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy (and HSTS over HTTPS) to every response."""

    def __init__(self, app, https: bool = False):
        self.app = app
        common = [
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            # Officers follow links to sellers' pages: the surveillance system's URLs never leak to them.
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if https:
            common.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self._app_headers = [(b"content-security-policy", CSP.encode()), *common]
        self._docs_headers = [(b"content-security-policy", DOCS_CSP.encode()), *common]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self._docs_headers if scope.get("path") in DOCS_PATHS else self._app_headers
        names = {name for name, _ in extra}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# Candidates only (a JSON escape of NUL or of a UTF-16 surrogate); the parsed body is then checked properly.
_JSON_SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _bad_text(s: str) -> str | None:
    if "\x00" in s:
        return "must not contain the NUL character (U+0000)"
    if _SURROGATE.search(s):
        return "contains a lone surrogate: not valid Unicode text (RFC 7493)"
    return None


def _json_text_problem(body: bytes) -> tuple[str, str] | None:
    """(field path, why) of the first string (or key) no database can store: NUL, or a lone surrogate that
    stdlib JSON decodes from "\\udXXX" escapes. Only bodies with such an escape are parsed here."""
    if not _JSON_SUSPECT.search(body):
        return None
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the app answers that itself
    stack: list[tuple[object, tuple]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if why := _bad_text(value):
                return ".".join(map(str, path)) or "body", why
        elif isinstance(value, dict):
            for k, v in value.items():
                if why := _bad_text(k):
                    return ".".join(map(str, (*path, ascii(k)))), "field name " + why
                stack.append((v, (*path, k)))
        elif isinstance(value, list):
            stack.extend((v, (*path, n)) for n, v in enumerate(value))
    return None


def _form_text_problem(body: bytes) -> tuple[str, str] | None:
    if b"%00" not in body.lower() and b"\x00" not in body:
        return None
    for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        if "\x00" in value or "\x00" in name:
            return name.replace("\x00", "") or "body", "must not contain the NUL character (U+0000)"
    return None


class RequestGuard:
    """Refuses request bodies over a limit chosen by content type (413) before the app buffers them, and JSON or
    form bodies carrying text no database stores (NUL, lone surrogates) with 422 naming the field.

    A declared Content-Length over the limit is refused at once; a chunked body is counted as it arrives.
    Multipart uploads stream through (counted); JSON and form bodies are read here (the app reads them whole
    anyway) and handed on in one piece."""

    def __init__(
        self, app, json_bytes: int, form_bytes: int, upload_bytes: int, public_upload_bytes: int | None = None
    ):
        self.app = app
        self.json_bytes, self.form_bytes, self.upload_bytes = json_bytes, form_bytes, upload_bytes
        self.public_upload_bytes = upload_bytes if public_upload_bytes is None else public_upload_bytes

    def limit_for(self, ct: str) -> int:
        if ct == "multipart/form-data":
            return self.upload_bytes
        if ct == "application/x-www-form-urlencoded":
            return self.form_bytes
        return self.json_bytes  # JSON, and anything else (FastAPI reads an untyped body as JSON)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        ct = headers.get(b"content-type", b"").decode("latin-1").split(";", 1)[0].strip().lower()
        limit = self.limit_for(ct)
        if ct == "multipart/form-data" and scope.get("path") in PUBLIC_UPLOAD_PATHS:
            limit = min(limit, self.public_upload_bytes)
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > limit:
            return await _answer(send, 413, "body", f"request body larger than {limit} bytes")
        if ct == "multipart/form-data":
            return await self._stream(scope, receive, send, limit)
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                return await _answer(send, 413, "body", f"request body larger than {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = _form_text_problem(body) if ct == "application/x-www-form-urlencoded" else _json_text_problem(body)
        if problem:
            return await _answer(send, 422, *problem, as_list=True)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as the server would

        await self.app(scope, replay, send)

    async def _stream(self, scope, receive, send, limit: int):
        seen, refused, started = 0, False, False

        async def counting_receive():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if refused and not started:
                return  # the app's own answer to the disconnect is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await _answer(send, 413, "body", f"request body larger than {limit} bytes")


async def _answer(send, status: int, field: str, message: str, as_list: bool = False) -> None:
    detail = {"field": field, "message": message}
    body = json.dumps({"detail": [detail] if as_list else detail}, ensure_ascii=True).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def client_key(host: str | None) -> str:
    """The rate-limit key of a client address: the address for IPv4, its /64 network for IPv6 (one subscriber
    usually holds a whole /64, so per-address limits would be trivial to evade)."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is the IPv4 client a.b.c.d
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


class ClientLimiter:
    """A sliding window per client: at most `limit` events per `window_s` seconds. Memory is bounded: when more
    than `max_clients` keys are held, the oldest windows are dropped first."""

    def __init__(self, limit: int, window_s: float, max_clients: int = 50_000):
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self._events: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float:
        """Record one event; 0 when allowed, else the seconds until the client may try again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = [t for t in self._events.pop(key, []) if now - t < self.window_s]
            if len(times) >= self.limit:
                self._events[key] = times  # re-inserted last: the most recently seen keys survive pruning
                return max(0.001, times[0] + self.window_s - now)
            times.append(now)
            self._events[key] = times
            if len(self._events) > self.max_clients:
                for old in list(self._events)[: len(self._events) - self.max_clients]:
                    del self._events[old]
            return 0.0


def install(app: FastAPI) -> None:
    """Register the middleware and the public-form limits on the app (called once by create_app)."""
    app.state.https = https_enabled()
    app.state.public_limits = {
        "check": ClientLimiter(_env_int("TISGUARD_PUBLIC_CHECK_PER_MIN", 20), 60),
        "complaint": ClientLimiter(_env_int("TISGUARD_PUBLIC_COMPLAINT_PER_H", 10), 3600),
    }
    app.add_middleware(
        RequestGuard,
        json_bytes=_env_int("TISGUARD_MAX_JSON_BYTES", 16 * 2**20),
        form_bytes=_env_int("TISGUARD_MAX_FORM_BYTES", 2**20),
        upload_bytes=_env_int("TISGUARD_MAX_UPLOAD_BYTES", 64 * 2**20),
        public_upload_bytes=_env_int("TISGUARD_MAX_PUBLIC_UPLOAD_BYTES", 25 * 2**20),
    )
    app.add_middleware(SecurityHeaders, https=app.state.https)
