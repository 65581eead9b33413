"""Load listing images safely: local files beside the listing file, or URLs through the SSRF guard
(netguard: public addresses only, pinned connections, a total deadline), with a size cap, content-type
checks and decompression-bomb protection. A bad image is a reason, never a crash."""

from __future__ import annotations

import hashlib
import io
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpcore
import httpx

from tisguard.images import netguard

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
PER_OP_TIMEOUT_S = 8.0  # any one connect, read or write
DEADLINE_S = 20.0  # the whole download, redirects included
MAX_REDIRECTS = 3
NOT_FETCHED = "ดึงภาพไม่ได้ / the image could not be fetched"
_NETWORK_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpx.InvalidURL,
    OSError,
)
log = logging.getLogger(__name__)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp")


class ImageRejected(Exception):
    pass


@dataclass(frozen=True)
class LoadedImage:
    sha256: str
    image: object  # PIL.Image in RGB
    source: str
    data: bytes = field(default=b"", repr=False)  # the bytes as fetched (kept as evidence by their SHA-256)


def _decode(data: bytes, source: str) -> LoadedImage:
    from PIL import Image

    if data[:5] == b"%PDF-":
        raise ImageRejected(f"{source}: a PDF, not an image")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected(f"{source}: {probe.width}×{probe.height} pixels is over the {MAX_PIXELS:,} limit")
            probe.verify()
        img = Image.open(io.BytesIO(data))
        img.load()
    except ImageRejected:
        raise
    except Image.DecompressionBombError as e:
        raise ImageRejected(f"{source}: decompression bomb ({e})")
    except Exception as e:  # PIL raises many types for corrupt data
        raise ImageRejected(f"{source}: not a readable image ({type(e).__name__}: {e})")
    return LoadedImage(hashlib.sha256(data).hexdigest(), img.convert("RGB"), source, data)


def load_local(path: Path) -> LoadedImage:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ImageRejected(f"{path.name}: {e.strerror}")
    if size > MAX_BYTES:
        raise ImageRejected(f"{path.name}: {size:,} bytes is over the {MAX_BYTES:,} limit")
    return _decode(path.read_bytes(), path.name)


def load_url(url: str, *, deadline_s: float | None = None) -> LoadedImage:
    """Download an image from an outsider's URL through the SSRF guard (see netguard).

    Content problems (not an image, too big, HTTP status) are named; every network-level failure,
    refused address included, gives one generic reason, so the caller learns nothing about the
    server's network; the details go to the server log."""
    label = url[:80]
    if not url.startswith(("http://", "https://")):
        raise ImageRejected(f"{label}: only http(s) URLs are fetched")
    deadline = time.monotonic() + (DEADLINE_S if deadline_s is None else deadline_s)
    try:
        data = _download(_parse(url), deadline, netguard.allowed_hosts())
    except _NotFetched as e:
        log.warning("image not fetched: %s: %s", label, e)
        raise ImageRejected(f"{label}: {NOT_FETCHED}") from None
    return _decode(data, label)


def _parse(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except httpx.InvalidURL as e:
        raise _NotFetched(f"invalid URL: {e}") from None


class _NotFetched(Exception):
    """A network-level failure; the message is for the server log only."""


_ssl_context = None


def _ssl():
    global _ssl_context
    if _ssl_context is None:
        _ssl_context = httpx.create_ssl_context()
    return _ssl_context


def _download(url: httpx.URL, deadline: float, allow) -> bytes:
    for _hop in range(MAX_REDIRECTS + 1):
        if url.scheme not in ("http", "https"):
            raise _NotFetched(f"redirect to a {url.scheme or 'relative'} URL")
        try:
            ip, allowed = netguard.resolve(url, allow)
            backend = netguard.PinnedBackend(ip, deadline, allowed)
            with httpcore.ConnectionPool(ssl_context=_ssl(), network_backend=backend, max_connections=1) as pool:
                body = _get(pool, url)
        except (netguard.Refused, *_NETWORK_ERRORS) as e:
            raise _NotFetched(f"{type(e).__name__}: {e}") from None
        if isinstance(body, bytes):
            return body
        url = body
    raise _NotFetched(f"more than {MAX_REDIRECTS} redirects")


def _get(pool, url: httpx.URL) -> bytes | httpx.URL:
    """One hop: the image bytes, or the URL a redirect points to."""
    label = str(url)[:80]
    headers = [
        (b"Host", url.netloc),
        (b"Accept", b"image/*"),
        (b"Accept-Encoding", b"identity"),  # no decompression: the size cap counts what is stored
        (b"User-Agent", b"tisguard-image-fetch"),
    ]
    timeout = {k: PER_OP_TIMEOUT_S for k in ("connect", "read", "write", "pool")}
    target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
    with pool.stream("GET", target, headers=headers, extensions={"timeout": timeout}) as r:
        h = httpx.Headers(r.headers)
        if r.status in (301, 302, 303, 307, 308) and h.get("location"):
            return url.join(h["location"])
        if r.status != 200:
            raise ImageRejected(f"{label}: HTTP {r.status}")
        ctype = h.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in IMAGE_TYPES:
            raise ImageRejected(f"{label}: content-type {ctype or '(none)'} is not an image")
        length = h.get("content-length") or "0"
        if not length.isdigit():
            raise ImageRejected(f"{label}: bad Content-Length")
        if int(length) > MAX_BYTES:
            raise ImageRejected(f"{label}: {int(length):,} bytes is over the {MAX_BYTES:,} limit")
        buf = bytearray()
        for chunk in r.iter_stream():
            buf += chunk
            if len(buf) > MAX_BYTES:
                raise ImageRejected(f"{label}: more than {MAX_BYTES:,} bytes")
        return bytes(buf)
