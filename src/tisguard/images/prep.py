"""Geometry and ink for label photos, before OCR: downscale huge photos, find the label's edges and undo
the perspective, find the dominant text angle (±45°), and turn any label (dark on light, white on colour,
glare, low contrast) into black text on white.

All of it is OpenCV on a grey image; nothing here runs Tesseract.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SIDE = 1600  # photos are analysed at most this large (boxes are mapped back to the original)
OCR_TEXT_HEIGHT = 34  # Tesseract reads best with capital letters some 30–40 px high
MAX_UPSCALE = 4.5  # small print on a photo taken from afar (letters of 7–10 px) is scaled up this much at most


def downscale(img, max_side: int = MAX_SIDE):
    """(image, factor): a huge photo shrunk so its longer side is `max_side`; factor maps boxes back."""
    from PIL import Image

    m = max(img.size)
    if m <= max_side:
        return img, 1.0
    f = max_side / m
    return img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))), Image.LANCZOS), f


def grey(img) -> np.ndarray:
    import cv2

    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)


def unsharp(g: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    """An unsharp mask: g + amount·(g − blur(g)), clipped to uint8."""
    import cv2

    return cv2.addWeighted(g, 1 + amount, cv2.GaussianBlur(g, (0, 0), sigma), -amount, 0)


def text_ink(g: np.ndarray) -> np.ndarray:
    """Black text on white (uint8 0/255) from a grey image, whatever the label's colours.

    Ink strength is the distance from the local background on the page's text side (`ink_strength`), so
    white on colour, glare and uneven light need no further decision; Otsu on the strength separates ink
    from paper."""
    import cv2

    strength = ink_strength(g)
    if strength.max() < 12:  # a blank or flat picture: nothing to read
        return np.full_like(g, 255)
    _, ink = cv2.threshold(strength, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return 255 - ink


OTHER_POLARITY = 0.5  # weight of the page's minority polarity (light text on a dark band of a dark-on-light label)


def ink_strength(g: np.ndarray) -> np.ndarray:
    """How far each pixel is from the local background, on the side the page's text lies (uint8).

    The background is a large median filter (text is a minority of any neighbourhood). The page's polarity
    (dark text on light, or light on dark) is the side with the stronger extremes; the other side counts at
    `OTHER_POLARITY`. Counting both sides alike (the absolute difference) made ink of the bright ringing that
    JPEG and upscaling leave around small dark letters: loops of 0, 6, 8 closed ('909' read as '999'), slashes
    thickened into 7s."""
    import cv2

    h, w = g.shape
    g = cv2.medianBlur(g, 3)  # salt-and-pepper noise and JPEG specks; letters are far bigger than 3 px
    k = max(15, (min(h, w) // 12) | 1)
    small = cv2.resize(g, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    bg = cv2.resize(cv2.medianBlur(small, max(5, (k // 4) | 1)), (w, h), interpolation=cv2.INTER_LINEAR)
    dark = cv2.subtract(bg, g)  # dark text on light
    light = cv2.subtract(g, bg)  # light text on dark
    if np.percentile(dark, 99) < np.percentile(light, 99):
        dark, light = light, dark
    return cv2.max(dark, cv2.convertScaleAbs(light, alpha=OTHER_POLARITY))


def text_soft(g: np.ndarray) -> np.ndarray:
    """Like `text_ink`, but grey: ink strength scaled so Otsu's threshold falls at mid-grey, dark text on
    white whatever the label's colours, with the letters' anti-aliased edges kept (a second look for
    Tesseract where binarisation thickened or broke small digits)."""
    import cv2

    strength = ink_strength(g)
    if strength.max() < 12:
        return np.full_like(g, 255)
    t, _ = cv2.threshold(strength, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    s = np.clip(strength.astype(np.float32) * (128.0 / max(1.0, float(t))), 0, 255)
    return (255 - s).astype(np.uint8)


def remove_rules(ink: np.ndarray, letter_px: float) -> np.ndarray:
    """Blank straight lines much longer than a letter (table rules, underlines, label borders): Tesseract
    reads them as letters or drops the text line they touch."""
    import cv2

    fg = (ink < 128).astype(np.uint8)
    n = max(40, int(letter_px * 5))
    rules = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((1, n), np.uint8))
    rules |= cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    if not rules.any():
        return ink
    out = ink.copy()
    out[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def _profile_score(ink_small: np.ndarray, angle: float) -> float:
    """How sharply text lines stand out in the row sums after rotating by `angle` (higher is straighter)."""
    import cv2

    h, w = ink_small.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink_small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rot.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def text_angle(ink: np.ndarray, max_angle: float = 45.0) -> float:
    """The dominant text angle in degrees (rotate by it to make lines horizontal), from the projection
    profile of the ink: a coarse search over ±`max_angle`, then a fine one around the best."""
    import cv2

    fg = (ink < 128).astype(np.uint8) * 255
    h, w = fg.shape
    f = min(1.0, 500 / max(h, w))
    small = cv2.resize(fg, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    if small.sum() < 255 * 200:
        return 0.0
    # Long horizontal and vertical lines (a product's edges, a photo's frame, a table drawn square to the
    # picture) are not text: left in, they outweigh every tilted text line and pin the angle at 0.
    n = max(30, int(0.15 * max(small.shape)))
    lines = cv2.morphologyEx(small, cv2.MORPH_OPEN, np.ones((1, n), np.uint8))
    lines |= cv2.morphologyEx(small, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    if lines.any():
        small = cv2.subtract(small, cv2.dilate(lines, np.ones((3, 3), np.uint8)))
    coarse = np.arange(-max_angle, max_angle + 0.1, 3.0)
    scores = [_profile_score(small, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 2.5, best + 2.6, 0.5)
    scores = [_profile_score(small, a) for a in fine]
    return float(fine[int(np.argmax(scores))])


def runs_vertical(ink: np.ndarray) -> bool:
    """Whether the text runs up and down (a photo turned 90°): smearing the ink along the columns then
    joins letters into fewer blobs than smearing it along the rows."""
    import cv2

    fg = (ink < 128).astype(np.uint8)
    th = text_height(ink) or 20.0
    k = max(3, int(th * 0.8))
    along_rows = cv2.connectedComponents(cv2.dilate(fg, np.ones((1, k), np.uint8)))[0]
    along_cols = cv2.connectedComponents(cv2.dilate(fg, np.ones((k, 1), np.uint8)))[0]
    return along_cols * 1.3 < along_rows


def rotate(a: np.ndarray, angle: float, fill: int = 255) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by `angle` degrees (counter-clockwise) with the canvas grown to fit; returns the image and
    the 2×3 matrix that maps original coordinates into it."""
    import cv2

    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(a, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)
    return out, m


@dataclass
class Quad:
    """A label's four corners (clockwise from top left) in the analysed image."""

    corners: np.ndarray  # 4×2 float32
    area_share: float


def _order(pts: np.ndarray) -> np.ndarray:
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.float32([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]])


def label_quads(g: np.ndarray, min_share: float = 0.08, max_share: float = 0.97) -> list[Quad]:
    """Four-cornered outlines (labels, boxes) between `min_share` and `max_share` of the picture, largest first."""
    import cv2

    h, w = g.shape
    f = min(1.0, 700 / max(h, w))
    small = cv2.resize(g, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    total = small.shape[0] * small.shape[1]
    out: list[Quad] = []
    for c in contours:
        area = cv2.contourArea(c)
        if not min_share * total <= area <= max_share * total:
            continue
        approx = cv2.approxPolyDP(c, 0.03 * cv2.arcLength(c, True), True)
        if len(approx) != 4 or not cv2.isContourConvex(approx):
            continue
        q = _order(approx.reshape(4, 2).astype(np.float32) / f)
        if any(np.abs(q - x.corners).max() < 8 / f for x in out):
            continue  # the inner and outer edge of one border
        out.append(Quad(q, area / total))
    return sorted(out, key=lambda q: -q.area_share)


def rectify(a: np.ndarray, quad: Quad, fill: int = 255, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The quad's content as an upright rectangle (perspective undone), `scale` times its size in the photo
    (one resampling: cubic when it is scaled up); returns it and the 3×3 matrix."""
    import cv2

    tl, tr, br, bl = quad.corners
    w = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)) * scale)
    h = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)) * scale)
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(quad.corners, dst)
    flags = cv2.INTER_CUBIC if scale > 1.05 else cv2.INTER_LINEAR
    return cv2.warpPerspective(a, m, (max(1, w), max(1, h)), flags=flags, borderValue=fill), m


def is_skewed_quad(quad: Quad, tol_deg: float = 2.0) -> bool:
    """Whether the quad is rotated or in perspective enough to be worth rectifying."""
    tl, tr, br, bl = quad.corners
    angles = []
    for a, b in ((tl, tr), (bl, br)):
        angles.append(np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0])))
    for a, b in ((tl, bl), (tr, br)):
        angles.append(np.degrees(np.arctan2(b[0] - a[0], b[1] - a[1])))
    return max(abs(x) for x in angles) > tol_deg


def text_height(ink: np.ndarray) -> float:
    """Median height of letter-sized ink components (px), 0 when there are none."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats((ink < 128).astype(np.uint8), connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    keep = hs[(hs >= 6) & (hs <= ink.shape[0] / 4) & (ws <= 4 * hs) & (ws >= 2)]
    return float(np.median(keep)) if len(keep) >= 5 else 0.0
