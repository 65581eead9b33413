"""A closer reader for QR codes of about one pixel per module, which zxing-cpp finds but cannot decode.

A label shrunk onto a small photo leaves modules of 1-1.5 px, blurred by resampling and JPEG: a grid
read from binarised pixels (zxing's) is a module off here and there, and thresholding alone gets a module
in ten wrong because each pixel mixes a module with its neighbours. Here, instead:
- the finder patterns are located by correlation with finder templates (1-2.3 px a module);
- for each version their distance allows, a homography from module space to the picture is fitted
  (least squares) so that every module the standard fixes (finders, separators, timing rows, alignment
  patterns, the quiet zone) matches the picture;
- the data modules are solved from the pixels (`qrpixels`): each pixel is modelled as the light level plus the dark
  step times the modules around it, each a blurred box (the blur fitted on the fixed modules); the
  damped least-squares solution is made binary by flips that lower the residual;
- the modules are rendered as a clean bitmap that zxing-cpp decodes.
zxing's Reed-Solomon check has the last word: a wrong grid or too many wrong modules give no text,
never a wrong one.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

MAX_VERSION = 13  # 69 modules: larger codes at 1-2 px a module are not on labels
# correlation of the fixed modules with the picture: under the first guess from the finders, and after
# the fit (real codes on the development draws: 0.81-0.91 and 0.87-0.95; clutter below 0.45)
MIN_START, MIN_FIT = 0.6, 0.75
_SUB = 3  # samples per module side when fitting


def function_modules(version: int) -> np.ndarray:
    """The modules whose colour the standard fixes, on an (N+2)² grid that includes a one-module quiet
    zone: 1 dark, 0 light, -1 data (unknown). Index [row + 1, col + 1]."""
    n = 17 + 4 * version
    m = np.full((n + 2, n + 2), -1, dtype=np.int8)
    m[0, :] = m[-1, :] = m[:, 0] = m[:, -1] = 0  # quiet zone
    f = np.zeros((9, 9), dtype=np.int8)  # finder with its separator ring
    f[1:8, 1:8] = 1
    f[2:7, 2:7] = 0
    f[3:6, 3:6] = 1
    for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):
        rows, cols = slice(r0, r0 + 9), slice(c0, c0 + 9)
        m[rows, cols] = f[: m[rows, cols].shape[0], : m[rows, cols].shape[1]]
    for i in range(8, n - 8):
        m[7, i + 1] = m[i + 1, 7] = 1 - i % 2  # timing rows (row and column 6)
    a = np.ones((5, 5), dtype=np.int8)
    a[1:4, 1:4] = 0
    a[2, 2] = 1
    centres = _alignment_centres(version)
    for r, c in itertools.product(centres, centres):
        if (r, c) in ((6, 6), (6, centres[-1]), (centres[-1], 6)):
            continue  # where the finders are
        m[r - 1 : r + 4, c - 1 : c + 4] = a
    m[4 * version + 10, 9] = 1  # the dark module beside the bottom-left finder
    return m


def _alignment_centres(version: int) -> list[int]:
    """Row (and column) coordinates of the alignment patterns' centres (ISO/IEC 18004 annex E)."""
    if version < 2:
        return []
    count, last = version // 7 + 2, 4 * version + 10
    step = 26 if version == 32 else (4 * version + 2 * count + 1) // (2 * count - 2) * 2
    return [6] + [last - i * step for i in range(count - 2, -1, -1)]


def _model(known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample points in the known modules (module coordinates; `_SUB`² a module) and the darkness
    expected there (the known modules blurred a little, unknown ones grey)."""
    import cv2

    k = known.shape[0]
    fine = np.kron(np.where(known < 0, 0.5, known).astype(np.float32), np.ones((_SUB, _SUB), np.float32))
    fine = cv2.GaussianBlur(fine, (0, 0), 0.45 * _SUB)
    mask = np.kron(known >= 0, np.ones((_SUB, _SUB), bool))
    t = (np.arange(k * _SUB) + 0.5) / _SUB - 1.0  # padded index 0 is module -1
    xs, ys = np.meshgrid(t, t)
    pts = np.stack([xs[mask], ys[mask]], axis=1).astype(np.float32)
    return pts, fine[mask]


def _sample(g: np.ndarray, h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Grey values at module coordinates `pts` under homography `h`, bilinear."""
    import cv2

    xy = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), h).reshape(-1, 2)
    return cv2.remap(g, xy[:, :1].T.copy(), xy[:, 1:].T.copy(), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)[0]


def _homography(corners: np.ndarray, n: int) -> np.ndarray:
    import cv2

    src = np.float32([[0, 0], [n, 0], [n, n], [0, n]])
    return cv2.getPerspectiveTransform(src, corners.reshape(4, 2).astype(np.float32))


def _levels(s: np.ndarray, model: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Light level a and dark step b of s ≈ a + b·model, and the residual."""
    A = np.stack([np.ones_like(model), model], axis=1)
    (a, b), *_ = np.linalg.lstsq(A, s, rcond=None)
    return float(a), float(b), s - (a + b * model)


def fit_grid(g: np.ndarray, corners: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Refine the picture positions of the code's four corners (module space (0,0), (N,0), (N,N), (0,N))
    so that the modules of `known` (as `function_modules` gives them) match the picture (least squares,
    the light level and the dark step fitted with them). Returns (homography, dark step, correlation)."""
    n = known.shape[0] - 2
    pts, model = _model(known)
    x = _levenberg_marquardt(lambda c: _levels(_sample(g, _homography(c, n), pts), model)[2], corners.reshape(-1))
    h = _homography(x, n)
    s = _sample(g, h, pts)
    _, b, _ = _levels(s, model)
    return h, b, float(-np.corrcoef(s, model)[0, 1]) if s.std() > 0 else -1.0


def _levenberg_marquardt(resid, x0: np.ndarray, iterations: int = 25, eps: float = 0.05) -> np.ndarray:
    """Minimise |resid(x)|² from x0 (a few parameters, in pixels): Levenberg-Marquardt with a forward-
    difference Jacobian (steps of `eps` px). A dozen lines here spare importing scipy.optimize (0.6 s)."""
    x = np.asarray(x0, np.float64).copy()
    r = resid(x)
    cost, lam = float(r @ r), 1e-3
    for _ in range(iterations):
        J = np.stack([(resid(x + eps * e) - r) / eps for e in np.eye(len(x))], axis=1)
        A, grad = J.T @ J, J.T @ r
        while lam < 1e6:
            dx = np.linalg.solve(A + lam * np.diag(np.diag(A) + 1e-9), -grad)
            r2 = resid(x + dx)
            if (c2 := float(r2 @ r2)) < cost:
                break
            lam *= 4
        else:
            return x
        x, r, gain, cost, lam = x + dx, r2, cost - c2, c2, max(lam / 3, 1e-7)
        if gain < 1e-6 * cost or np.abs(dx).max() < 1e-3:
            break
    return x


@functools.lru_cache(maxsize=32)
def _finder_template(side: int, angle: float) -> np.ndarray:
    """A finder pattern with its light ring (9 × 9 modules) drawn `side` px wide, turned by `angle` degrees."""
    import cv2

    big = 16
    f = np.full((11, 11), 255, np.uint8)
    f[2:9, 2:9] = 0
    f[3:8, 3:8] = 255
    f[4:7, 4:7] = 0
    f = np.kron(f, np.ones((big, big), np.uint8))
    c = f.shape[0] / 2
    f = cv2.warpAffine(f, cv2.getRotationMatrix2D((c, c), angle, 1.0), f.shape, borderValue=255)
    f = f[big:-big, big:-big]
    return cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32)


def find_finders(g: np.ndarray, max_peaks: int = 9) -> list[tuple[float, float, float, float]]:
    """Finder-pattern candidates in grey `g` (float32): (x, y, module px, score), best first. Templates
    of 1 to 2.3 px a module (odd sides, so a match is centred on a pixel), square and turned 22.5°."""
    import cv2

    best = np.full(g.shape, -1.0, np.float32)
    size = np.zeros(g.shape, np.float32)
    for side in range(9, 22, 2):
        for angle in (0.0, 22.5):
            t = _finder_template(side, angle)
            if side >= min(g.shape):
                continue
            r = cv2.matchTemplate(g, t, cv2.TM_CCOEFF_NORMED)
            o = side // 2
            view = best[o : o + r.shape[0], o : o + r.shape[1]]
            better = r > view
            view[better] = r[better]
            size[o : o + r.shape[0], o : o + r.shape[1]][better] = side / 9
    peaks = (best == cv2.dilate(best, np.ones((5, 5), np.uint8))) & (best > 0.4)
    ys, xs = np.nonzero(peaks)
    order = np.argsort(-best[ys, xs])[:max_peaks]
    return [(float(xs[i]), float(ys[i]), float(size[ys[i], xs[i]]), float(best[ys[i], xs[i]])) for i in order]


def _triples(finders):
    """(top-left, top-right, bottom-left, module px) for finder candidates that make an L, best first."""
    out = []
    for p, q, r in itertools.permutations(finders, 3):
        v1, v2 = np.subtract(q[:2], p[:2]), np.subtract(r[:2], p[:2])
        l1, l2 = np.hypot(*v1), np.hypot(*v2)
        if min(l1, l2) < 8 or max(l1, l2) > 1.4 * min(l1, l2):
            continue
        cross = v1[0] * v2[1] - v1[1] * v2[0]
        if cross <= 0 or abs(np.dot(v1, v2)) > 0.4 * l1 * l2:
            continue
        m = (p[2] + q[2] + r[2]) / 3
        out.append((p[3] + q[3] + r[3], p, q, r, m))
    out.sort(key=lambda t: -t[0])
    return [t[1:] for t in out]


def _versions(leg: float, m: float) -> list[int]:
    """Versions whose finder distance (N - 7 modules) fits `leg` px at about m px per module."""
    return [v for v in range(1, MAX_VERSION + 1) if 0.7 * m <= leg / (10 + 4 * v) <= 1.45 * m]


def _start(tl, tr, bl, n: int) -> np.ndarray:
    """Corners of the code from its three finder centres (an affine first guess)."""
    p, q, r = (np.array(t[:2], np.float64) for t in (tl, tr, bl))
    ex, ey = (q - p) / (n - 7), (r - p) / (n - 7)
    o = p - 3.5 * ex - 3.5 * ey
    return np.array([o, o + n * ex, o + n * ex + n * ey, o + n * ey])


def decode_bits(bits: np.ndarray) -> list:
    """zxing-cpp's reading of a module matrix rendered clean (4 px a module, 4 modules of quiet zone)."""
    import zxingcpp

    img = np.pad(np.where(bits, 0, 255).astype(np.uint8), 4, constant_values=255)
    img = np.kron(img, np.ones((4, 4), np.uint8))
    return zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode, is_pure=True)


def _start_corr(g: np.ndarray, corners: np.ndarray, version: int) -> float:
    """How well the fixed modules match the picture under the first guess (1 best)."""
    n = 17 + 4 * version
    pts, model = _model(function_modules(version))
    s = _sample(g, _homography(corners, n), pts)
    return float(-np.corrcoef(s, model)[0, 1]) if s.std() > 0 else -1.0


def read_small_qr(g: np.ndarray, max_fits: int = 6) -> list[tuple[str, np.ndarray]]:
    """Texts of the QR code in grey crop `g` (a code zxing saw but could not decode), with the picture
    positions of its four corners; empty when no grid decodes. Each finder triple's versions are ranked
    by how well the first guess fits; at most `max_fits` grids are refined and read."""
    gf = g.astype(np.float32)
    fits = 0
    for tl, tr, bl, m in _triples(find_finders(gf))[:4]:
        leg = (np.hypot(*np.subtract(tr[:2], tl[:2])) + np.hypot(*np.subtract(bl[:2], tl[:2]))) / 2
        ranked = sorted(
            ((_start_corr(gf, _start(tl, tr, bl, 17 + 4 * v), v), v) for v in _versions(leg, m)), reverse=True
        )
        for corr0, v in ranked[:2]:
            if corr0 < MIN_START or fits >= max_fits:
                continue
            fits += 1
            found = _read_grid(gf, _start(tl, tr, bl, 17 + 4 * v), v)
            if found:
                return found
    return []


def _read_grid(g: np.ndarray, start: np.ndarray, version: int) -> list[tuple[str, np.ndarray]]:
    """Fit the grid to the fixed modules; where they match well, read the data modules and decode."""
    n = 17 + 4 * version
    h, b, corr = fit_grid(g, start, function_modules(version))
    if corr < MIN_FIT or b >= 0:
        return []
    from tisguard.images.qrpixels import read_modules

    for bits in read_modules(g, h, version):
        found = [r for r in decode_bits(bits) if r.valid]
        if found:
            return [(r.text, code_corners(h, n)) for r in found]
    return []


def code_corners(h: np.ndarray, n: int) -> np.ndarray:
    """Picture positions of the corners of an N-module code under homography `h` (module space → picture)."""
    import cv2

    return cv2.perspectiveTransform(np.float32([[0, 0], [n, 0], [n, n], [0, n]]).reshape(-1, 1, 2), h).reshape(4, 2)
