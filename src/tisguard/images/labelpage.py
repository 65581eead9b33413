"""Label reading, the image half: from a photo to OCR lines in the photo's own coordinates.

Steps: downscale a huge photo; decode QR codes; find and validate TIS marks; blank the mark and the QR
themselves (nothing else); undo the label's perspective when its edges are found around the mark;
straighten by the dominant text angle (±45°, then 90° if the lines run vertically); turn the label into
black text on white; scale so letters are the height Tesseract likes; OCR (sparse-text mode); if the
page reads badly try it upside down; when a mark was found and nothing licence-shaped was read, OCR the
region beside and under the mark on its own. Every OCR call shares one deadline.

What the text *means* (standard numbers, licence numbers, the licensee) is `labelread`'s job: it needs
the catalogue and the registry, this module only the picture.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from tisguard.images import prep
from tisguard.images.ocr import OcrLine, read_page

PSM_SPARSE, PSM_BLOCK = 11, 6
# anything licence-shaped (digits-dash-digits-slash-digits): whether the region pass is worth running
_LICENCE_SHAPE = re.compile(r"\d{2,7}\s*+[-–.,]\s*+\d{1,5}\s*+[/|]\s*+\d{2,5}")


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
    if quad is not None:  # the label alone: perspective undone, the product around it left out
        g, hm = prep.rectify(g, quad, fill=int(np.median(g)))
        to_page = hm @ to_page
        out.rectified = True
    ink = prep.text_ink(g)
    th = prep.text_height(ink)
    f = float(np.clip(prep.OCR_TEXT_HEIGHT / th, 0.6, 3.0)) if th else 1.0
    f = min(f, 2200 / max(g.shape))
    if abs(f - 1.0) > 0.1:  # scale the grey picture, not the ink: upscaled ink is blocky
        g = cv2.resize(g, (int(g.shape[1] * f), int(g.shape[0] * f)), interpolation=cv2.INTER_CUBIC)
        to_page = np.diag([f, f, 1.0]) @ to_page
        ink = prep.text_ink(g)
    angle = prep.text_angle(ink)
    if prep.runs_vertical(ink if not angle else prep.rotate(ink, angle)[0]):
        angle += 90.0  # 90 or 270: the upside-down trial below settles which
    if angle:
        ink, rm = prep.rotate(ink, angle)
        to_page = _affine3(rm) @ to_page
    ink = prep.remove_rules(ink, prep.text_height(ink) or prep.OCR_TEXT_HEIGHT)
    first = _pass(out, ink, PSM_SPARSE, deadline, "sparse")
    if first.mean_confidence < 60 and not out.timed_out:
        flipped = np.ascontiguousarray(ink[::-1, ::-1])
        second = _pass(out, flipped, PSM_SPARSE, deadline, "sparse_180")
        if second.mean_confidence > first.mean_confidence + 5:
            hh, ww = ink.shape
            to_page = np.array([[-1, 0, ww], [0, -1, hh], [0, 0, 1]], dtype=np.float64) @ to_page
            first, ink, angle = second, flipped, angle + 180
    out.angle, out.mean_confidence = angle, first.mean_confidence
    region_lines: list[tuple[OcrLine, np.ndarray]] = []
    if marks and not out.timed_out and not any(_LICENCE_SHAPE.search(l.text) for l in first.lines):
        region_lines = _mark_regions(out, ink, marks, to_page, deadline)
    back = np.linalg.inv(to_page)
    lines = [OcrLine(l.text, _box(_apply(back, l.box), w0, h0), l.confidence) for l in first.lines]
    for l, m in region_lines:
        lines.append(OcrLine(l.text, _box(_apply(np.linalg.inv(m), l.box), w0, h0), l.confidence))
    out.lines = _unique(lines)
    return out


def _pass(out: PageReading, page: np.ndarray, psm: int, deadline: float, name: str):
    p = read_page(page, psm, deadline - time.monotonic())
    out.passes.append(name + (" (deadline)" if p.timed_out else ""))
    out.timed_out |= p.timed_out
    return p


def _mark_regions(out: PageReading, ink: np.ndarray, marks, to_page: np.ndarray, deadline: float):
    """OCR the region to the right of and under each mark on its own (block mode): labels print the
    standard and the licence there, and a whole-page layout analysis often drops those lines."""
    found = []
    h, w = ink.shape
    for (cx, cy), r in marks[:2]:
        p = np.array([cx, cy, 1.0]) @ to_page.T
        px, py = p[0] / p[2], p[1] / p[2]
        scale = float(np.sqrt(abs(np.linalg.det(to_page[:2, :2]))))
        pr = r * scale
        for x0, y0, x1, y1 in (
            (px + 0.9 * pr, py - 1.6 * pr, px + 12 * pr, py + 2.2 * pr),  # beside
            (px - 2.5 * pr, py + 0.9 * pr, px + 10 * pr, py + 4.5 * pr),  # under
        ):
            x0, y0, x1, y1 = int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1))
            if x1 - x0 < 40 or y1 - y0 < 20:
                continue
            crop = np.ascontiguousarray(ink[y0:y1, x0:x1])
            if (crop < 128).mean() < 0.005:
                continue
            p2 = read_page(crop, PSM_BLOCK, deadline - time.monotonic())
            out.passes.append("mark_region" + (" (deadline)" if p2.timed_out else ""))
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
