"""Label reading, the image half: from a photo to OCR lines in the photo's own coordinates.

Steps: downscale a huge photo; decode QR codes; find and validate TIS marks; blank the mark and the QR
themselves (nothing else); undo the label's perspective when its edges are found around the mark;
straighten by the dominant text angle (±45°, then 90° if the lines run vertically); turn the label into
black text on white; scale so letters are the height Tesseract likes; OCR (sparse-text mode); if the
page reads badly try it upside down; when a mark was found and the page pass did not read both something
licence-shaped and something standard-shaped, OCR the regions beside (right and left) and under the mark
on their own. Then two second looks, each only where the first reading failed, so a well-read label costs
nothing more: lines read with Thai digits get their digits recognised by shape (`thaidigits`: Tesseract's
Thai model confuses ๖ ๘ ๙ ๗), and number lines that are not a well-formed standard or licence number are
read again one at a time, scaled to a fixed height, from a grey rendering and with a digits-only character
list (Tesseract reads bold small digits as Latin letters: 'ท6684' as 'NEES4'). Every OCR call shares one
deadline.

What the text *means* (standard numbers, licence numbers, the licensee) is `labelread`'s job: it needs
the catalogue and the registry, this module only the picture.

When a page with a TIS mark did not read both a licence-shaped and a standard-shaped line, the same page is read once
more from its grey rendering (`prep.text_soft`): small print on a photo taken from afar, in glare and JPEG
noise, breaks into specks when binarised after upscaling, and the grey page keeps its strokes whole. When that
and the regions by the mark still leave them unread, those regions are read from the grey page too.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from tisguard.images import prep
from tisguard.images.ocr import NUMBER_CHARS, OcrLine, read_page

PSM_SPARSE, PSM_BLOCK, PSM_LINE = 11, 6, 7
# anything licence-shaped (digits-dash-digits-slash-digits): whether the region pass is worth running
_LICENCE_SHAPE = re.compile(r"\d{2,7}\s*+[-–.,]\s*+\d{1,5}\s*+[/|]\s*+\d{2,5}")
# a standard number with its year, in either digits: whether the page pass read one
_STANDARD_SHAPE = re.compile(r"[\d๐-๙]{1,5}\s*+(?:[เแ]?\s*+ล\s*+่?\s*+ม\s*+[\d๐-๙]{1,3}\s*+)?[-–.]\s*+(?:2\s*+5|๒\s*+๕)")


def _reads_both(lines) -> bool:
    """Whether the page pass read something licence-shaped and something standard-shaped."""
    return any(_LICENCE_SHAPE.search(l.text) for l in lines) and any(_STANDARD_SHAPE.search(l.text) for l in lines)


@dataclass
class PageReading:
    lines: list[OcrLine] = field(default_factory=list)  # boxes in the original photo's coordinates
    mean_confidence: float = 0.0
    angle: float = 0.0  # degrees the text was turned by to read it
    rectified: bool = False
    passes: list[str] = field(default_factory=list)
    timed_out: bool = False


def _fill(g: np.ndarray, box, disk: tuple[float, float, float] | None = None) -> None:
    """Blank a QR box or a mark's disk with the grey just around it (in place)."""
    h, w = g.shape
    x0, y0, x1, y1 = (
        max(0, int(box[0]) - 3),
        max(0, int(box[1]) - 3),
        min(w, int(box[2]) + 3),
        min(h, int(box[3]) + 3),
    )
    if x1 <= x0 or y1 <= y0:
        return
    ring = np.concatenate(
        [g[max(0, y0 - 4) : y0, x0:x1].ravel(), g[y1 : y1 + 4, x0:x1].ravel(), g[y0:y1, max(0, x0 - 4) : x0].ravel()]
    )
    val = int(np.median(ring)) if ring.size else 255
    if disk is None:
        g[y0:y1, x0:x1] = val
    else:
        import cv2

        cv2.circle(g, (int(disk[0]), int(disk[1])), int(disk[2] * 1.1) + 2, val, -1)


def _apply(m: np.ndarray, box) -> np.ndarray:
    """Map a box's four corners through the 3×3 matrix m; returns the 4×2 points."""
    x0, y0, x1, y1 = box
    pts = np.float64([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]]) @ m.T
    return pts[:, :2] / pts[:, 2:3]


def _box(pts: np.ndarray, w: int, h: int) -> tuple[int, int, int, int]:
    x0, y0 = np.clip(pts.min(axis=0), 0, [w, h])
    x1, y1 = np.clip(pts.max(axis=0), 0, [w, h])
    return int(x0), int(y0), int(x1), int(y1)


def _affine3(m2x3: np.ndarray) -> np.ndarray:
    return np.vstack([m2x3, [0, 0, 1]])


def _choose_quad(g: np.ndarray, marks) -> prep.Quad | None:
    """The smallest outline (label) around every mark, big enough that the mark is a small part of it."""
    if not marks:
        return None
    for q in sorted(prep.label_quads(g), key=lambda q: q.area_share):
        import cv2

        poly = q.corners.reshape(-1, 1, 2)
        short = min(np.linalg.norm(q.corners[1] - q.corners[0]), np.linalg.norm(q.corners[3] - q.corners[0]))
        if all(cv2.pointPolygonTest(poly, (float(c[0]), float(c[1])), False) > 0 for c, _ in marks) and all(
            r < 0.35 * short for _, r in marks
        ):
            return q
    return None


def read_label(img, marks, qr_boxes, deadline: float) -> PageReading:
    """OCR a (downscaled) RGB photo. `marks`: [((cx, cy), r)] and `qr_boxes` in its coordinates;
    `deadline`: time.monotonic() by which every OCR call must have ended."""
    import cv2

    out = PageReading()
    h0, w0 = img.height, img.width
    g = prep.grey(img).copy()
    for b in qr_boxes:
        _fill(g, b)
    for (cx, cy), r in marks:
        _fill(g, (cx - r, cy - r, cx + r, cy + r), (cx, cy, r))
    to_page = np.eye(3)
    quad = _choose_quad(g, marks)
    masked = g
    if quad is not None:  # the label alone: perspective undone, the product around it left out
        g, hm = prep.rectify(g, quad, fill=int(np.median(g)))
        to_page = hm @ to_page
        out.rectified = True
    ink = prep.text_ink(g)
    th = prep.text_height(ink)
    f = float(np.clip(prep.OCR_TEXT_HEIGHT / th, 0.6, prep.MAX_UPSCALE)) if th else 1.0
    f = min(f, 2200 / max(g.shape))
    if abs(f - 1.0) > 0.1:  # scale the grey picture, not the ink: upscaled ink is blocky
        if quad is not None:  # undo the perspective and scale in one resampling: small print stays sharper
            g, hm = prep.rectify(masked, quad, fill=int(np.median(masked)), scale=f)
            to_page = hm
        else:
            g = cv2.resize(g, (int(g.shape[1] * f), int(g.shape[0] * f)), interpolation=cv2.INTER_CUBIC)
            to_page = np.diag([f, f, 1.0]) @ to_page
        ink = prep.text_ink(g)
    angle = prep.text_angle(ink)
    if prep.runs_vertical(ink if not angle else prep.rotate(ink, angle)[0]):
        angle += 90.0  # 90 or 270: the upside-down trial below settles which
    scaled, turned = g, angle  # the grey picture the ink came from, and how far the ink was turned
    if angle:
        ink, rm = prep.rotate(ink, angle)
        to_page = _affine3(rm) @ to_page
    ink = prep.remove_rules(ink, prep.text_height(ink) or prep.OCR_TEXT_HEIGHT)
    first = _pass(out, ink, PSM_SPARSE, deadline, "sparse")
    flip = False
    if first.mean_confidence < 60 and not out.timed_out:
        flipped = np.ascontiguousarray(ink[::-1, ::-1])
        second = _pass(out, flipped, PSM_SPARSE, deadline, "sparse_180")
        if second.mean_confidence > first.mean_confidence + 5:
            hh, ww = ink.shape
            to_page = np.array([[-1, 0, ww], [0, -1, hh], [0, 0, 1]], dtype=np.float64) @ to_page
            first, ink, angle, flip = second, flipped, angle + 180, True
    out.angle, out.mean_confidence = angle, first.mean_confidence
    found: list[tuple[OcrLine, np.ndarray]] = [(l, to_page) for l in first.lines]
    soft_memo: list[np.ndarray] = []

    def soft_page() -> np.ndarray:  # the same page, grey: letters keep the shape binarisation took
        if not soft_memo:
            a = prep.text_soft(scaled)
            if turned:
                a = prep.rotate(a, turned)[0]
            soft_memo.append(np.ascontiguousarray(a[::-1, ::-1]) if flip else a)
        return soft_memo[0]

    if GREY_PASS and marks and not out.timed_out and not _reads_both(first.lines):  # small print broken by binarising
        found += [(l, to_page) for l in _pass(out, soft_page(), PSM_SPARSE, deadline, "sparse_grey").lines]
    if marks and not out.timed_out and not _reads_both([l for l, _ in found]):
        found += _mark_regions(out, ink, marks, to_page, deadline)
    if GREY_REGIONS and marks and not out.timed_out and not _reads_both([l for l, _ in found]):
        found += _mark_regions(out, soft_page(), marks, to_page, deadline, "mark_region_grey")
    found += _thai_digit_lines(out, ink, found, to_page)
    if not out.timed_out:
        found += _reread_numbers(out, ink, soft_page, found, to_page, deadline)
    lines = [OcrLine(l.text, _box(_apply(np.linalg.inv(m), l.box), w0, h0), l.confidence) for l, m in found]
    out.lines = _unique(lines)
    return out


# a line worth reading again: digits with a dash or slash, or the 'มอก' prefix (as OCR may read it)
_NUMBERISH = re.compile(
    r"\d{2,}\s*+[-–.,]?\s*+\d*\s*+[/|]\s*+\d{2,}"  # digits, a slash, digits: a licence's tail
    r"|\d{2,5}\s*+[-–.]?\s*+2\s*+5\s*+\d\s*+\d"  # a number and a year: a standard
    r"|มอก|\b[NnMmWwVv][Oo0][Nn]\b"  # the 'มอก' prefix, as read
)
# what a well-read standard or licence looks like (syntax only: labelread checks the catalogue/registry)
_STANDARD_OK = re.compile(r"(?<![\d/])\d{1,5}(?:\s*+เล่ม\s*+\d{1,3}(?:\(\d{1,3}\))?)?\s*+-\s*+25\d\d(?!\d)")
_LICENCE_OK = re.compile(r"(?:นค|ท|น|ส)\s*+\d{1,7}\s*+-\s*+\d{1,5}\s*+/\s*+\d{1,5}")
_THAI_DIGITS = re.compile("[๐-๙]")
GREY_PASS = True  # a marked page that read no licence and standard is read again from its grey rendering
GREY_REGIONS = True  # … and, when that still leaves them unread, the regions by the mark from the grey page too
REREAD_LINES = 3  # at most this many lines are read again, per photo
REREAD_HEIGHT = 56  # px: a line box (Thai vowels and tone marks included) scaled to about this height


def _thai_digit_lines(out: PageReading, ink: np.ndarray, found, to_page: np.ndarray):
    """Lines read with Thai digits, read again with the digits recognised by shape (`thaidigits`)."""
    from tisguard.images.thaidigits import correct_line

    extra = []
    h, w = ink.shape
    for l, m in found:
        if not _THAI_DIGITS.search(l.text):
            continue
        x0, y0, x1, y1 = _box(_apply(to_page @ np.linalg.inv(m), l.box), w, h)
        pad = max(2, (y1 - y0) // 6)
        x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
        if x1 - x0 < 8 or y1 - y0 < 6:
            continue
        for text in correct_line(l.text, ink[y0:y1, x0:x1]):
            extra.append((OcrLine(text, l.box, l.confidence), m))
    if extra:
        out.passes.append("thai_digits")
    return extra


def _needs_reread(text: str) -> bool:
    from tisguard.images.ocr import clean_ocr_text

    t = clean_ocr_text(text)
    if not _NUMBERISH.search(t) or _THAI_DIGITS.search(t):
        return False  # Thai digits: Tesseract's Thai model misreads them whatever the picture
    has_slash = "/" in t or "|" in t
    if has_slash:
        return not _LICENCE_OK.search(t)
    return not _STANDARD_OK.search(t)


def _reread_numbers(out: PageReading, ink: np.ndarray, soft_page, found, to_page: np.ndarray, deadline: float):
    """Read again, one line at a time (single-line mode), the lines that look like a standard or licence
    number but did not read as one: scaled to a fixed height, from the binarised page and from the grey one
    (heavy ink closes the loops of 6, 8 and 9; grey keeps them). Only when the first reading fails, so a
    well-read label costs nothing more; labelread keeps whichever reading the catalogue or registry confirms."""
    import cv2

    todo = []
    for l, m in found:
        if len(todo) >= REREAD_LINES:
            break
        if not _needs_reread(l.text):
            continue
        x0, y0, x1, y1 = _box(_apply(to_page @ np.linalg.inv(m), l.box), ink.shape[1], ink.shape[0])
        if x1 - x0 < 20 or y1 - y0 < 6 or any(abs(x0 - a) + abs(y0 - b) < 8 for a, b, *_ in todo):
            continue
        todo.append((x0, y0, x1, y1))
    if not todo:
        return []
    grey = soft_page()
    variants = [("grey", grey, None), ("grey_digits", grey, NUMBER_CHARS), ("ink_digits", ink, NUMBER_CHARS)]
    lines = []
    h, w = ink.shape
    for x0, y0, x1, y1 in todo:
        ph = y1 - y0
        x0, x1 = max(0, x0 - ph // 2), min(w, x1 + ph // 2)
        y0, y1 = max(0, y0 - ph // 3), min(h, y1 + ph // 3)
        s = float(np.clip(REREAD_HEIGHT / max(1, y1 - y0), 0.5, 4.0))
        crop_m = np.diag([s, s, 1.0]) @ np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64) @ to_page
        for name, page, whitelist in variants:
            crop = page[y0:y1, x0:x1]
            crop = cv2.resize(
                crop, (max(1, int(crop.shape[1] * s)), max(1, int(crop.shape[0] * s))), interpolation=cv2.INTER_CUBIC
            )
            crop = np.pad(crop, 12, constant_values=255)
            shift = np.array([[1, 0, 12], [0, 1, 12], [0, 0, 1]], dtype=np.float64) @ crop_m
            p = _pass(out, np.ascontiguousarray(crop), PSM_LINE, deadline, "line_" + name, whitelist)
            lines += [(l, shift) for l in p.lines]
            if out.timed_out:
                return lines
    return lines


def _pass(out: PageReading, page: np.ndarray, psm: int, deadline: float, name: str, whitelist: str | None = None):
    p = read_page(page, psm, deadline - time.monotonic(), whitelist)
    out.passes.append(name + (" (deadline)" if p.timed_out else ""))
    out.timed_out |= p.timed_out
    return p


def _mark_regions(out: PageReading, ink: np.ndarray, marks, to_page: np.ndarray, deadline: float, name="mark_region"):
    """OCR the regions beside (right, then left) and under each mark on their own (block mode): labels
    print the standard and the licence there, and a whole-page layout analysis often drops those lines.
    The left-hand region is for labels that put the mark on the right (or in a spec table's corner)."""
    found = []
    h, w = ink.shape
    for (cx, cy), r in marks[:2]:
        p = np.array([cx, cy, 1.0]) @ to_page.T
        px, py = p[0] / p[2], p[1] / p[2]
        scale = float(np.sqrt(abs(np.linalg.det(to_page[:2, :2]))))
        pr = r * scale
        for x0, y0, x1, y1 in (
            (px + 0.9 * pr, py - 1.6 * pr, px + 12 * pr, py + 2.2 * pr),  # beside, to the right
            (px - 7 * pr, py + 0.9 * pr, px + 10 * pr, py + 4.5 * pr),  # under (centred text under a mark above it)
            (px - 12 * pr, py - 1.6 * pr, px - 0.9 * pr, py + 2.2 * pr),  # beside, to the left (mark on the right)
        ):
            x0, y0, x1, y1 = int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1))
            if x1 - x0 < 40 or y1 - y0 < 20:
                continue
            crop = np.ascontiguousarray(ink[y0:y1, x0:x1])
            if (crop < 128).mean() < 0.005:
                continue
            p2 = read_page(crop, PSM_BLOCK, deadline - time.monotonic())
            out.passes.append(name + (" (deadline)" if p2.timed_out else ""))
            out.timed_out |= p2.timed_out
            shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64) @ to_page
            found += [(l, shift) for l in p2.lines]
            if p2.timed_out:
                return found
    return found


def _unique(lines: list[OcrLine]) -> list[OcrLine]:
    seen, out = set(), []
    for l in lines:
        if l.text not in seen:
            seen.add(l.text)
            out.append(l)
    return out
