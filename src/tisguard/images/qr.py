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


def decode_qr(img, seen: list | None = None) -> list[QrFinding]:
    """QR codes zxing-cpp decodes in the picture. `seen`: when given, the boxes of codes it found but could
    not decode (a checksum error: modules of a pixel or two) are appended to it, for a closer look."""
    import zxingcpp

    out = []
    arr = np.asarray(img)
    found = zxingcpp.read_barcodes(arr, formats=zxingcpp.BarcodeFormat.QRCode, return_errors=seen is not None)
    if seen is not None and not any(r.valid for r in found):
        # a global threshold finds some codes too small and soft for the local one (a millisecond or two)
        found += zxingcpp.read_barcodes(
            arr, formats=zxingcpp.BarcodeFormat.QRCode, return_errors=True, binarizer=zxingcpp.Binarizer.FixedThreshold
        )
    for r in found:
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        box = (min(xs), min(ys), max(xs), max(ys))
        if not r.valid:
            if seen is not None and box[2] - box[0] >= 8 and box[3] - box[1] >= 8:
                seen.append(box)
            continue
        judged = qr_host(r.text)
        out.append(QrFinding(r.text, box, judged["host"], judged["tisi_host"]))
    return out


def decode_seen_qr(g: np.ndarray, box: tuple[int, int, int, int]) -> list[QrFinding]:
    """A code zxing-cpp found in grey picture `g` but could not decode, looked at closer: its box with a
    margin, scaled 3 and 4 times (cubic) and sharpened with an unsharp mask scaled with it (what undoes the
    blur that JPEG and resampling leave on modules of a pixel or two); then its grid fitted and read module
    by module. Boxes come back in `g`'s coordinates. Some milliseconds, and only where a code was seen."""
    import cv2

    from tisguard.images.prep import unsharp

    h, w = g.shape
    m = int(0.35 * max(box[2] - box[0], box[3] - box[1])) + 4
    x0, y0, x1, y1 = max(0, box[0] - m), max(0, box[1] - m), min(w, box[2] + m), min(h, box[3] + m)
    crop = g[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    for s in (3, 4):
        big = cv2.resize(crop, (crop.shape[1] * s, crop.shape[0] * s), interpolation=cv2.INTER_CUBIC)
        for variant in (unsharp(big, 0.6 * s, 0.8), big, unsharp(big, 0.4 * s, 1.5)):
            found = decode_qr(variant)
            if found:
                return [
                    QrFinding(
                        q.text,
                        (x0 + q.box[0] // s, y0 + q.box[1] // s, x0 + q.box[2] // s, y0 + q.box[3] // s),
                        q.host,
                        q.tisi_host,
                    )
                    for q in found
                ]
    return _read_grid(g, box)


def _read_grid(g: np.ndarray, box: tuple[int, int, int, int]) -> list[QrFinding]:
    """The last resort for a code seen but not decoded: its module grid fitted and read module by module
    (`qrgrid`), for codes of about one pixel a module that no scaling lets zxing-cpp read. The margin is
    wide: what zxing saw may be a corner of the code (a Micro QR look-alike)."""
    from tisguard.images.qrgrid import read_small_qr

    h, w = g.shape
    m = max(2 * max(box[2] - box[0], box[3] - box[1]), 32)
    x0, y0, x1, y1 = max(0, box[0] - m), max(0, box[1] - m), min(w, box[2] + m), min(h, box[3] + m)
    crop = g[y0:y1, x0:x1]
    out = []
    for text, corners in read_small_qr(crop):
        (bx0, by0), (bx1, by1) = corners.min(axis=0), corners.max(axis=0)
        box = (
            max(0, x0 + int(bx0)),
            max(0, y0 + int(by0)),
            min(w, x0 + int(np.ceil(bx1))),
            min(h, y0 + int(np.ceil(by1))),
        )
        judged = qr_host(text)
        out.append(QrFinding(text, box, judged["host"], judged["tisi_host"]))
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
