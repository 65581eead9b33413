"""Load listing images safely: local files beside the listing file, or URLs with timeouts, a size cap,
content-type checks and decompression-bomb protection. A bad image is a reason, never a crash."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
TIMEOUT_S = 8.0
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp")


class ImageRejected(Exception):
    pass


@dataclass(frozen=True)
class LoadedImage:
    sha256: str
    image: object  # PIL.Image in RGB
    source: str


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
    return LoadedImage(hashlib.sha256(data).hexdigest(), img.convert("RGB"), source)


def load_local(path: Path) -> LoadedImage:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ImageRejected(f"{path.name}: {e.strerror}")
    if size > MAX_BYTES:
        raise ImageRejected(f"{path.name}: {size:,} bytes is over the {MAX_BYTES:,} limit")
    return _decode(path.read_bytes(), path.name)


def load_url(url: str, client=None) -> LoadedImage:
    import httpx

    if not url.startswith(("http://", "https://")):
        raise ImageRejected(f"{url[:80]}: only http(s) URLs are fetched")
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_S, follow_redirects=True, max_redirects=3)
    try:
        with client.stream("GET", url) as r:
            if r.status_code != 200:
                raise ImageRejected(f"{url[:80]}: HTTP {r.status_code}")
            ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype not in IMAGE_TYPES:
                raise ImageRejected(f"{url[:80]}: content-type {ctype or '(none)'} is not an image")
            length = int(r.headers.get("content-length") or 0)
            if length > MAX_BYTES:
                raise ImageRejected(f"{url[:80]}: {length:,} bytes is over the {MAX_BYTES:,} limit")
            buf = bytearray()
            for chunk in r.iter_bytes():
                buf += chunk
                if len(buf) > MAX_BYTES:
                    raise ImageRejected(f"{url[:80]}: more than {MAX_BYTES:,} bytes")
    except httpx.HTTPError as e:
        raise ImageRejected(f"{url[:80]}: {type(e).__name__}")
    finally:
        if own:
            client.close()
    return _decode(bytes(buf), url[:80])
