"""Thai digits (๐–๙) read by shape, where Tesseract's Thai model confuses them (๖ ๘ ๙ read as ๕ or ๐,
๗ as ๑ or ๓): a label that prints `มอก. ๒๕๐๘-๒๕๕๕` or `ท๗๓๖๒-๘๒/๒๕๐๘` comes out with the right number
of digits but the wrong ones.

Each Thai digit is one connected blob of ink, so a line Tesseract read with Thai digits is cut into its
blobs and every blob of letter height is compared with the ten digits as the installed Thai fonts draw
them (normal and bold, scaled to a square); blobs that match no digit closely (the letters of 'มอก', the
licence type, '/') are left out. When the blobs that are digits are exactly as many as the Thai digits
Tesseract read, its digits are replaced, in order, by the ones read by shape; otherwise the line is left
as it was. The result is still a reading of Thai digits: `labelread` trusts a licence read from them only
when the registry confirms it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

DIGITS = "๐๑๒๓๔๕๖๗๘๙"
FONT_DIRS = ("/usr/share/fonts/truetype/tlwg", "/usr/share/fonts/truetype/noto")
SIDE = 24  # blobs and templates are compared as SIDE×SIDE squares
MAX_DISTANCE = 0.22  # mean absolute difference under which a blob is taken for that digit
_THAI_DIGIT = re.compile("[๐-๙]")


def _square(mask: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The blob's ink centred in a square, SIDE×SIDE floats 0..1, and its width/height."""
    import cv2

    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return None
    m = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.uint8) * 255
    h, w = m.shape
    s = max(h, w)
    pad = np.zeros((s, s), np.uint8)
    pad[(s - h) // 2 : (s - h) // 2 + h, (s - w) // 2 : (s - w) // 2 + w] = m
    return cv2.resize(pad, (SIDE, SIDE), interpolation=cv2.INTER_AREA).astype(np.float32) / 255, w / h


@functools.lru_cache(maxsize=1)
def templates() -> tuple[str, np.ndarray, np.ndarray]:
    """(digit per template, templates n×SIDE×SIDE, log aspect ratios), from every installed Thai font that
    draws the Thai digits; empty when there is none."""
    from PIL import Image, ImageDraw, ImageFont

    labels, shapes, aspects = [], [], []
    paths = sorted(p for d in FONT_DIRS if Path(d).is_dir() for p in Path(d).glob("*.ttf"))
    for p in paths:
        if "Thai" not in p.name and "tlwg" not in str(p.parent):
            continue
        try:
            font = ImageFont.truetype(str(p), 48)
        except OSError:
            continue
        for digit in DIGITS:
            im = Image.new("L", (90, 100), 0)
            ImageDraw.Draw(im).text((12, 12), digit, font=font, fill=255)
            sq = _square(np.asarray(im) > 128)
            if sq is not None:
                labels.append(digit)
                shapes.append(sq[0])
                aspects.append(np.log(sq[1]))
    if not shapes:
        return "", np.zeros((0, SIDE, SIDE), np.float32), np.zeros(0, np.float32)
    return "".join(labels), np.stack(shapes), np.array(aspects, np.float32)


def classify(mask: np.ndarray) -> tuple[str | None, float]:
    """The Thai digit a blob looks like, and how far it is from it (0 = identical)."""
    labels, shapes, aspects = templates()
    sq = _square(mask)
    if sq is None or not labels:
        return None, 1.0
    d = np.abs(shapes - sq[0]).mean(axis=(1, 2)) + 0.3 * np.abs(aspects - np.log(sq[1]))
    i = int(np.argmin(d))
    return labels[i], float(d[i])


def blobs_by_shape(ink_line: np.ndarray) -> str:
    """The line's blobs left to right as Thai digits, '-' (a short flat blob at letter height), '/' (a tall
    thin one) or '?' (anything else of letter height: a letter); dots, tone marks and specks are skipped."""
    import cv2

    fg = (ink_line < 128).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if n <= 1:
        return ""
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    big = heights[(heights >= 4) & (stats[1:, cv2.CC_STAT_AREA] >= 12)]
    tall = float(np.median(big)) if len(big) else 0.0
    out = []
    for i in sorted(range(1, n), key=lambda i: stats[i, cv2.CC_STAT_LEFT]):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h < 0.35 * tall:
            if w >= 1.5 * h and w >= 0.25 * tall:
                out.append("-")
            continue  # dots, tone marks, specks
        if h < 0.55 * tall or area < 12:
            continue
        digit, dist = classify(lab[y : y + h, x : x + w] == i)
        if digit is not None and dist <= MAX_DISTANCE:
            out.append(digit)
        elif h >= 0.8 * tall and w <= 0.6 * h:
            out.append("/")
        else:
            out.append("?")
    return "".join(out)


def digits_by_shape(ink_line: np.ndarray) -> str:
    """The Thai digits in a line (uint8, black text on white), left to right."""
    return "".join(c for c in blobs_by_shape(ink_line) if c in DIGITS)


def correct_line(text: str, ink_line: np.ndarray) -> str | None:
    """Tesseract's line with its Thai digits replaced by the ones read by shape, when both find as many;
    else, when everything from the first digit on is digits, '-' and '/', the line rebuilt from its blobs
    after the words Tesseract read before the first digit (Tesseract splits ๙ into ๕๓๕ or drops a digit).
    None when the line has no Thai digits, nothing changes, or neither applies."""
    found = _THAI_DIGIT.findall(text)
    if not found:
        return None
    blobs = blobs_by_shape(ink_line)
    shaped = "".join(c for c in blobs if c in DIGITS)
    if len(shaped) == len(found):
        if shaped == "".join(found):
            return None
        it = iter(shaped)
        return _THAI_DIGIT.sub(lambda _m: next(it), text)
    first = next((i for i, c in enumerate(blobs) if c in DIGITS), None)
    tail = blobs[first:].rstrip("?-/") if first is not None else ""
    if len(shaped) < 3 or "?" in tail:
        return None
    return text[: _THAI_DIGIT.search(text).start()] + tail
