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
# letters printed on the same lines ('มอก.', the licence types, 'เล่ม', 'ใบอนุญาตเลขที่'): templates too,
# so a letter that looks like a digit (ม like ๒, อ like ๖) is matched to itself and not taken for one
LETTERS = "มอกทนคสเลใบนุญาตขี"
_SLANTED = ("Oblique", "Italic", "Light")  # label print is upright: these only add look-alikes
LETTER_MARGIN = 0.03  # a blob is a digit unless some letter is closer than its digit by this much
FONT_DIRS = ("/usr/share/fonts/truetype/tlwg", "/usr/share/fonts/truetype/noto")
SIDE = 24  # blobs and templates are compared as SIDE×SIDE squares
MAX_DISTANCE = 0.22  # mean absolute difference under which a blob is taken for that digit
SOFTEN = 1.0  # px of blur on both sides of the comparison: a pixel's shift is not a different digit
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


def _rendered(font, digit: str, height: int | None) -> np.ndarray | None:
    """A digit as the font draws it: large and clean (`height` None), or as a photo of small print comes
    out of the reader: drawn `height` px high, softened, scaled up to the height Tesseract is given and
    binarised (rounder, thicker strokes, closed loops), so blobs are compared with what they look like."""
    import cv2
    from PIL import Image, ImageDraw, ImageFilter

    im = Image.new("L", (100, 110), 255)
    ImageDraw.Draw(im).text((15, 10), digit, font=font, fill=0)
    if height is not None:
        sc = height / 60
        im = im.resize((max(1, int(100 * sc)), max(1, int(110 * sc))), Image.LANCZOS)
        im = im.filter(ImageFilter.GaussianBlur(0.6))
        g = cv2.resize(np.asarray(im), None, fx=34 / height, fy=34 / height, interpolation=cv2.INTER_CUBIC)
        _, bw = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    else:
        bw = np.asarray(im)
    n, lab, stats, _ = cv2.connectedComponentsWithStats((bw < 128).astype(np.uint8))
    if n < 2:
        return None
    return lab == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


@functools.lru_cache(maxsize=1)
def templates() -> tuple[str, np.ndarray, np.ndarray]:
    """(digit per template, templates n×SIDE×SIDE (softened), log aspect ratios), from every installed Thai
    font: each digit large and clean, and as small print (14 and 20 px) comes out of the reader. Empty
    when no Thai font is installed."""
    import cv2
    from PIL import ImageFont

    labels, shapes, aspects = [], [], []
    paths = sorted(p for d in FONT_DIRS if Path(d).is_dir() for p in Path(d).glob("*.ttf"))
    for p in paths:
        if ("Thai" not in p.name and "tlwg" not in str(p.parent)) or any(w in p.name for w in _SLANTED):
            continue
        try:
            font = ImageFont.truetype(str(p), 60)
        except OSError:
            continue
        for digit in DIGITS + LETTERS:
            for height in (None, 14, 20):
                mask = _rendered(font, digit, height)
                sq = _square(mask) if mask is not None else None
                if sq is not None:
                    labels.append(digit)
                    shapes.append(cv2.GaussianBlur(sq[0], (0, 0), SOFTEN))
                    aspects.append(np.log(sq[1]))
    if not shapes:
        return "", np.zeros((0, SIDE, SIDE), np.float32), np.zeros(0, np.float32)
    return "".join(labels), np.stack(shapes), np.array(aspects, np.float32)


@functools.lru_cache(maxsize=1)
def _coarse() -> tuple[np.ndarray, np.ndarray]:
    """The templates at half size, and which of them are digits."""
    import cv2

    labels, shapes, _ = templates()
    small = [cv2.resize(t, (SIDE // 2, SIDE // 2), interpolation=cv2.INTER_AREA) for t in shapes]
    return (np.stack(small) if small else np.zeros((0, SIDE // 2, SIDE // 2), np.float32)), np.array(
        [c in DIGITS for c in labels], bool
    )


def classify(mask: np.ndarray) -> tuple[str | None, float]:
    """The Thai digit a blob looks like, and how far it is from it (0 = identical); None when a letter is
    clearly closer."""
    import cv2

    labels, shapes, aspects = templates()
    sq = _square(mask)
    if sq is None or not labels:
        return None, 1.0
    v = cv2.GaussianBlur(sq[0], (0, 0), SOFTEN)
    small, is_digits = _coarse()
    # a coarse look (12×12) picks the 128 nearest templates; the full comparison runs on those only
    shape_term = np.abs(small - cv2.resize(v, (SIDE // 2, SIDE // 2), interpolation=cv2.INTER_AREA)).mean(axis=(1, 2))
    near = np.argpartition(shape_term + 0.3 * np.abs(aspects - np.log(sq[1])), min(127, len(labels) - 1))[:128]
    d = np.abs(shapes[near] - v).mean(axis=(1, 2)) + 0.3 * np.abs(aspects[near] - np.log(sq[1]))
    labels = [labels[j] for j in near]
    is_digit = is_digits[near]
    if not is_digit.any():
        return None, 1.0
    i = int(np.argmin(np.where(is_digit, d, np.inf)))
    letter = float(d[~is_digit].min()) if (~is_digit).any() else np.inf
    return (labels[i] if d[i] < letter + LETTER_MARGIN else None), float(d[i])


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


def correct_line(text: str, ink_line: np.ndarray) -> list[str]:
    """Readings of Tesseract's line with its Thai digits read by shape: its digits replaced in order by
    the ones read by shape, when both find as many; and the line rebuilt from its blobs (digits, '-', '/')
    after the words Tesseract read before the first digit, cut at the first blob that is no digit (a
    letter, or a digit too damaged to tell): Tesseract splits ๙ into ๕๓๕, drops digits, or reads the slash
    as a letter. Both are kept: `labelread` takes whichever the catalogue or the registry confirms. Empty
    when the line has no Thai digits or nothing changes."""
    found = _THAI_DIGIT.findall(text)
    if not found:
        return []
    blobs = blobs_by_shape(ink_line)
    shaped = "".join(c for c in blobs if c in DIGITS)
    out = []
    if len(shaped) == len(found) and shaped != "".join(found):
        it = iter(shaped)
        out.append(_THAI_DIGIT.sub(lambda _m: next(it), text))
    first = next((i for i, c in enumerate(blobs) if c in DIGITS), None)
    if first is not None:
        tail = blobs[first:].split("?", 1)[0].rstrip("-")
        if sum(c in DIGITS for c in tail) >= 3:
            rebuilt = text[: _THAI_DIGIT.search(text).start()] + tail
            if rebuilt not in out and rebuilt.replace(" ", "") != text.replace(" ", ""):
                out.append(rebuilt)
    return out


# What Tesseract's Thai model answers for a Thai digit it misreads, seen on the development draws (after
# normalisation to Arabic digits): ๖ ๘ ๙ as ๕ or ๐, ๔ as ๕, ๗ as ๑ or ๓, and ๗ or ๔ as a Thai letter
# (ฒ ณ; ฉ); counted again on draws 88–91 and set 2 (each pair seen 4–29 times): ๖ as ๒, ๙ as ๓, ๐ as ๑,
# ๗ as ๕. read → the digits it may stand for.
CONFUSED = {"5": "46789", "0": "689", "1": "70", "2": "6", "3": "79", "ฒ": "7", "ณ": "7", "ฉ": "45"}
CONFUSABLE_LETTERS = "ฒณฉ"


def confusion_cost(read: str, true: str, free_tail: bool = False) -> float:
    """Edit cost of `read` (digits and look-alike letters as OCR gave them) against the digits `true`: a
    digit read as one it is often confused with (`CONFUSED`) costs 0.5, any other substitution, a digit
    more or a digit less 1. `free_tail`: digits read after all of `true` cost nothing (a slash read as a
    digit, then the standard)."""
    n, m = len(read), len(true)
    prev = [float(j) for j in range(m + 1)]
    best_tail = prev[m]
    for i in range(1, n + 1):
        cur = [float(i)] + [0.0] * m
        a = read[i - 1]
        for j in range(1, m + 1):
            b = true[j - 1]
            sub = 0.0 if a == b else (0.5 if b in CONFUSED.get(a, "") else 1.0)
            cur[j] = min(prev[j - 1] + sub, prev[j] + 1.0, cur[j - 1] + 1.0)
        prev = cur
        best_tail = min(best_tail, cur[m])
    return best_tail if free_tail else prev[m]
