"""QR codes: decode (zxing-cpp), judge the host, pull out any licence number."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import numpy as np

TISI_HOSTS = ("tisi.go.th",)


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
        host = urlparse(r.text).hostname if r.text.startswith(("http://", "https://")) else None
        tisi = bool(host) and any(host == h or host.endswith("." + h) for h in TISI_HOSTS)
        out.append(QrFinding(r.text, (min(xs), min(ys), max(xs), max(ys)), host, tisi))
    return out


def qr_text_for_matching(q: QrFinding) -> str:
    """URL-decoded text, so 'no=%E0%B8%97...' reads as a licence number to the text detectors."""
    return unquote(q.text).replace("=", " ").replace("&", " ")
