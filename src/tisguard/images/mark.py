"""Find the TIS mark (a square turned 45° inside a circle) with OpenCV: circles first, then a
four-cornered shape inside whose corners point up, down, left and right."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class MarkFinding:
    box: tuple[int, int, int, int]
    score: float


def find_tis_marks(img, max_side: int = 900) -> list[MarkFinding]:
    import cv2

    g = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)
    f = min(1.0, max_side / max(g.shape))
    if f < 1.0:
        g = cv2.resize(g, (int(g.shape[1] * f), int(g.shape[0] * f)), interpolation=cv2.INTER_AREA)
    blur = cv2.medianBlur(g, 5)
    circles = cv2.HoughCircles(
        blur,
        cv2.HOUGH_GRADIENT,
        dp=1.2,
        minDist=40,
        param1=120,
        param2=45,
        minRadius=max(12, min(g.shape) // 30),
        maxRadius=min(g.shape) // 2,
    )
    if circles is None:
        return []
    edges = cv2.Canny(blur, 60, 160)
    out = []
    for cx, cy, r in np.round(circles[0]).astype(int)[:8]:
        x0, y0, x1, y1 = max(cx - r, 0), max(cy - r, 0), min(cx + r, g.shape[1]), min(cy + r, g.shape[0])
        roi = edges[y0:y1, x0:x1]
        contours, _ = cv2.findContours(roi, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        best = 0.0
        for c in contours:
            area = cv2.contourArea(c)
            if area < 0.15 * r * r:
                continue
            approx = cv2.approxPolyDP(c, 0.06 * cv2.arcLength(c, True), True)
            if len(approx) != 4:
                continue
            pts = approx.reshape(4, 2) + [x0, y0]
            # a diamond: its corners sit near the circle's vertical and horizontal axes
            dx = np.abs(pts[:, 0] - cx)
            dy = np.abs(pts[:, 1] - cy)
            on_axes = np.mean(np.minimum(dx, dy) < 0.25 * r)
            size_ok = 0.45 * r < np.max(np.hypot(dx, dy)) < 1.05 * r
            if on_axes >= 0.75 and size_ok:
                best = max(best, float(on_axes))
        if best:
            s = 1 / f
            out.append(MarkFinding((int((cx - r) * s), int((cy - r) * s), int((cx + r) * s), int((cy + r) * s)), best))
    return out
