"""Find the TIS mark (a square turned 45° inside a circle) with OpenCV, and validate every candidate
before anyone masks it: a circle of plausible size for the photo, whose ring is really drawn, with a
square inscribed in it (four equal sides, right angles, corners at the same distance from the centre).
A round socket, a helmet or a big circle drawn around a whole label is not a mark."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_RADIUS_SHARE = 0.3  # of the photo's shorter side: a mark is never most of a label photo
MIN_RADIUS_PX = 9
MIN_RING = 0.6  # share of the circle that must be drawn
# ... or this much, when the inscribed square is near perfect: a small, blurred or inverted mark (an ink
# disk with a paper square) loses much of its outline edge to JPEG, but not the square inside it
MIN_RING_WITH_SQUARE, STRONG_SQUARE = 0.4, 0.8
MIN_SCORE = 0.6


@dataclass
class MarkFinding:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the image given
    score: float
    center: tuple[int, int] = (0, 0)
    radius: int = 0


def _ring_support(edges: np.ndarray, cx: float, cy: float, r: float) -> float:
    """Share of 96 points on the circle with an edge pixel within 2 px, or within 5 % of the radius for a
    big mark: photographed at an angle the circle is an ellipse, a few pixels off a fitted circle."""
    h, w = edges.shape
    hits = 0
    tol = max(2, int(round(0.05 * r)))
    t = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    for x, y in zip(np.round(cx + r * np.cos(t)).astype(int), np.round(cy + r * np.sin(t)).astype(int)):
        x0, x1, y0, y1 = max(x - tol, 0), min(x + tol + 1, w), max(y - tol, 0), min(y + tol + 1, h)
        if x0 < x1 and y0 < y1 and edges[y0:y1, x0:x1].any():
            hits += 1
    return hits / len(t)


def _inscribed_square(edges: np.ndarray, cx: float, cy: float, r: float) -> float:
    """How well a square sits inside the circle (0..1): the best four-cornered contour in the disk whose
    corners are equidistant from the centre (0.55–0.97 r), with equal sides and right angles."""
    import cv2

    h, w = edges.shape
    x0, y0 = max(int(cx - r), 0), max(int(cy - r), 0)
    x1, y1 = min(int(cx + r) + 1, w), min(int(cy + r) + 1, h)
    roi = edges[y0:y1, x0:x1].copy()
    if roi.size == 0:
        return 0.0
    mask = np.zeros_like(roi)
    cv2.circle(mask, (int(cx - x0), int(cy - y0)), max(1, int(r * 0.93)), 255, -1)
    roi &= mask
    # a pixel's gap in the square's edge (JPEG, a thin outline on colour) leaves an open curve whose contour
    # runs out and back: thicken the edges by one pixel so the outline closes
    roi = cv2.dilate(roi, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(roi, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    best = 0.0
    for c in contours:
        if cv2.contourArea(c) < 0.25 * r * r and cv2.arcLength(c, True) < 3 * r:
            continue
        approx = cv2.approxPolyDP(c, 0.05 * cv2.arcLength(c, True), True)
        if len(approx) != 4:
            continue
        pts = approx.reshape(4, 2).astype(np.float64) + [x0, y0]
        d = np.hypot(pts[:, 0] - cx, pts[:, 1] - cy)
        if not (0.55 * r <= d.mean() <= 0.97 * r):
            continue  # a square of the mark's size, not a socket's pin hole
        sides = np.hypot(*(np.roll(pts, -1, axis=0) - pts).T)
        centroid_off = np.hypot(pts[:, 0].mean() - cx, pts[:, 1].mean() - cy) / r
        if centroid_off > 0.2:
            continue  # inscribed means centred
        equal_d = 1 - min(1.0, d.std() / d.mean() * 4)
        equal_s = 1 - min(1.0, sides.std() / sides.mean() * 4)
        centred = 1 - min(1.0, centroid_off * 3)
        best = max(best, (equal_d + equal_s + centred) / 3)
    return best


def _edge_density(edges: np.ndarray, cx: float, cy: float, r: float, a: float, b: float) -> float:
    """Share of edge pixels in the annulus a·r..b·r around the centre."""
    h, w = edges.shape
    x0, y0 = max(int(cx - b * r) - 1, 0), max(int(cy - b * r) - 1, 0)
    x1, y1 = min(int(cx + b * r) + 2, w), min(int(cy + b * r) + 2, h)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    d = np.hypot(xx - cx, yy - cy)
    m = (d >= a * r) & (d <= b * r)
    return float((edges[y0:y1, x0:x1][m] > 0).mean()) if m.any() else 1.0


def _inside(pt: tuple[float, float], box) -> bool:
    return box[0] <= pt[0] <= box[2] and box[1] <= pt[1] <= box[3]


def find_tis_marks(img, max_side: int = 900, exclude: list | None = None) -> list[MarkFinding]:
    """Validated TIS marks in an RGB image, best first (boxes in the image's own coordinates).
    `exclude`: boxes (decoded QR codes) in which no mark is looked for: a QR's finder patterns are
    squares in squares."""
    import cv2

    g = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)
    f = min(1.0, max_side / max(g.shape))
    if f < 1.0:
        g = cv2.resize(g, (int(g.shape[1] * f), int(g.shape[0] * f)), interpolation=cv2.INTER_AREA)
    short = min(g.shape)
    blur = cv2.medianBlur(g, 5)
    edges = cv2.Canny(blur, 50, 150)
    circles = cv2.HoughCircles(  # the "ALT" gradient method: few, well-formed candidates, and fast
        blur,
        cv2.HOUGH_GRADIENT_ALT,
        dp=1.5,
        minDist=max(20, short // 20),
        param1=150,
        param2=0.5,
        minRadius=max(MIN_RADIUS_PX, short // 40),
        maxRadius=int(short * MAX_RADIUS_SHARE),
    )
    if circles is None:
        return []
    found: list[MarkFinding] = []
    for cx, cy, r in circles[0][:16]:
        if exclude and any(_inside((cx / f, cy / f), b) for b in exclude):
            continue
        # the centre of the mark is empty: a patch of QR code or text that a circle happens to fit is busy
        # there (the outside is not tested: labels print text close to the mark)
        if _edge_density(edges, cx, cy, r, 0.0, 0.35) > 0.12:
            continue
        ring = _ring_support(edges, cx, cy, r)
        if ring < MIN_RING_WITH_SQUARE:
            continue
        square = _inscribed_square(edges, cx, cy, r)
        if ring < MIN_RING and square < STRONG_SQUARE:
            continue
        score = round(0.4 * ring + 0.6 * square, 3)
        if square < 0.55 or score < MIN_SCORE:
            continue
        if any(np.hypot(cx - m.center[0] * f, cy - m.center[1] * f) < max(r, m.radius * f) for m in found):
            continue  # the same mark again (Hough finds inner and outer rings)
        s = 1 / f
        box = (int((cx - r) * s), int((cy - r) * s), int((cx + r) * s) + 1, int((cy + r) * s) + 1)
        found.append(MarkFinding(box, score, (int(cx * s), int(cy * s)), int(r * s)))
    return sorted(found, key=lambda m: -m.score)
