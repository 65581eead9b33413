"""QR codes: decode (zxing-cpp), judge the host, pull out any licence number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import numpy as np

# TISI's site and its subdomains, with no user info ('https://tisi.go.th@evil.example/' goes to evil.example)
# and a clean end of the host (a browser reads 'https://evil.example\\@tisi.go.th' as evil.example).
# Anchored and bounded: no backtracking.
_TISI_URL = re.compile(r"^https?://(?:[a-z0-9-]{1,63}\.){0,10}tisi\.go\.th(?::\d{1,5})?(?:[/?#][^\\\s]*)?$", re.I)


@dataclass
class QrFinding:
    text: str
    box: tuple[int, int, int, int]
    host: str | None
    tisi_host: bool


def decode_qr(img) -> list[QrFinding]:
    import zxingcpp

    out = []
    for r in zxingcpp.read_barcodes(np.asarray(img), formats=zxingcpp.BarcodeFormat.QRCode):
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        judged = qr_host(r.text)
        out.append(QrFinding(r.text, (min(xs), min(ys), max(xs), max(ys)), judged["host"], judged["tisi_host"]))
    return out


def qr_host(text: str) -> dict:
    """Where a QR code leads: its host, whether that is TISI's site, and whether it is a web address at all."""
    t = text.strip()
    is_url = t.lower().startswith(("http://", "https://"))
    host = None
    if is_url:
        try:
            host = urlsplit(t).hostname
        except ValueError:
            host = None
    return {
        "is_url": is_url,
        "host": host,
        "tisi_host": bool(_TISI_URL.match(t)),
        "https": t.lower().startswith("https://"),
    }


def qr_text_for_matching(q: QrFinding) -> str:
    """URL-decoded text, so 'no=%E0%B8%97...' reads as a licence number to the text detectors."""
    return unquote(q.text).replace("=", " ").replace("&", " ")
