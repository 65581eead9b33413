"""The data modules of a small QR code read from its pixels, once its grid is known (see `qrgrid`).

At one or two pixels a module, each pixel mixes a module with its neighbours (resampling, blur, JPEG), so
a threshold at module centres gets about a module in ten wrong. Here every pixel is modelled as the light
level (a plane, for glare) plus the dark step times the modules around it, each a unit box blurred by a
Gaussian whose width is the one that best explains the pixels only fixed modules reach. The data modules
are the damped least-squares solution of that linear system, made binary by flips that lower the residual.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from tisguard.images.qrgrid import code_corners, function_modules


@functools.lru_cache(maxsize=8)
def _footprint_table(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(-4, 4, 1601)
    s = sigma * math.sqrt(2)
    return t, np.array([0.5 * (math.erf((x + 0.5) / s) - math.erf((x - 0.5) / s)) for x in t])


def _footprint(t: np.ndarray, sigma: float) -> np.ndarray:
    """Share of a module (a unit box, blurred by a Gaussian of `sigma` modules) seen at offset t (tabled:
    math.erf, element by element, once per width)."""
    grid, table = _footprint_table(sigma)
    return np.interp(t, grid, table, left=0.0, right=0.0)


def _pixel_system(g: np.ndarray, h: np.ndarray, version: int):
    """The pixels of the code as a linear system in the data modules' darkness.

    Each pixel is the light level (a plane: glare) plus the dark step times the modules around it, each a
    unit box blurred by a Gaussian; the blur's width is the one that best explains the pixels that only
    fixed modules reach. Returns (M, rhs, fixed) with M @ data ≈ rhs, or None when dark is not dark."""
    import cv2
    from scipy.sparse import csr_matrix

    n, pad = 17 + 4 * version, 4
    m = n + 2 * pad
    known = np.zeros((m, m), np.int8)  # beyond the quiet zone: light
    known[pad:-pad, pad:-pad] = function_modules(version)[1:-1, 1:-1]
    (x0, y0), (x1, y1) = np.floor(code_corners(h, n).min(axis=0)) - 2, np.ceil(code_corners(h, n).max(axis=0)) + 3
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(g.shape[1], int(x1)), min(g.shape[0], int(y1))
    yy, xx = np.mgrid[y0:y1, x0:x1]
    pix = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32).reshape(-1, 1, 2)
    p = cv2.perspectiveTransform(pix, np.linalg.inv(h)).reshape(-1, 2).astype(np.float64)
    inside = ((p > -1.5) & (p < n + 1.5)).all(axis=1)
    p, vals = p[inside], g[yy.ravel()[inside], xx.ravel()[inside]].astype(np.float64)
    base = np.floor(p).astype(int) + pad
    unk = known < 0
    idx = np.full((m, m), -1)
    idx[unk] = np.arange(int(unk.sum()))
    kv = np.where(unk, 0, known).astype(np.float64)
    offsets = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)]
    j = [idx[base[:, 1] + dy, base[:, 0] + dx] for dy, dx in offsets]
    fixed = [kv[base[:, 1] + dy, base[:, 0] + dx] for dy, dx in offsets]
    best = None
    for sigma in (0.3, 0.45, 0.6, 0.8):
        w = [
            _footprint(p[:, 0] + pad - (base[:, 0] + dx + 0.5), sigma)
            * _footprint(p[:, 1] + pad - (base[:, 1] + dy + 0.5), sigma)
            for dy, dx in offsets
        ]
        kpart = sum(wi * fi for wi, fi in zip(w, fixed))
        free = sum(np.where(ji >= 0, wi, 0) for wi, ji in zip(w, j)) < 0.02  # pixels only fixed modules reach
        if free.sum() < 50:
            continue
        A = np.stack([np.ones(int(free.sum())), kpart[free], p[free, 0], p[free, 1]], axis=1)
        coef, *_ = np.linalg.lstsq(A, vals[free], rcond=None)
        err = float(np.mean((A @ coef - vals[free]) ** 2))
        if best is None or err < best[0]:
            best = (err, coef, w, kpart)
    if best is None or best[1][1] >= 0:
        return None  # dark modules do not look dark: not this grid
    _, (a, step, ax, ay), w, kpart = best
    ok = [(ji >= 0) & (wi > 1e-3) for wi, ji in zip(w, j)]
    rows = np.concatenate([np.nonzero(o)[0] for o in ok])
    cols = np.concatenate([ji[o] for ji, o in zip(j, ok)])
    M = csr_matrix((np.concatenate([wi[o] for wi, o in zip(w, ok)]), (rows, cols)), shape=(len(p), int(unk.sum())))
    rhs = (vals - a - ax * p[:, 0] - ay * p[:, 1]) / step - kpart
    return M, rhs, (kv, unk, pad)


def read_modules(g: np.ndarray, h: np.ndarray, version: int, damps=(0.1, 0.05, 0.2), rounds: int = 10):
    """Module matrices (True dark) read from the pixels, one per damping: the damped least-squares
    solution of the pixel system (towards grey), then made binary."""
    system = _pixel_system(g, h, version)
    if system is None:
        return
    M, rhs, (kv, unk, pad) = system
    grey = rhs - M @ np.full(M.shape[1], 0.5)
    for damp in damps:
        u = _binary(M, rhs, _damped_least_squares(M, grey, damp) > 0, rounds)
        out = kv.copy()
        out[unk] = u
        yield out[pad:-pad, pad:-pad] > 0.5


def _binary(M, rhs: np.ndarray, v: np.ndarray, rounds: int) -> np.ndarray:
    """Dark/light decisions that explain the centres best: starting from `v`, flip the modules whose flip
    lowers the squared residual most (one at a time per neighbourhood), a few rounds."""
    v = v.astype(np.float64)
    norms = np.asarray(M.multiply(M).sum(axis=0)).ravel()
    Mt = M.T.tocsr()
    near = (Mt @ M) != 0  # modules that share a centre
    for _ in range(rounds):
        r = rhs - M @ v
        delta = 1 - 2 * v  # +1 to dark, -1 to light
        gain = 2 * delta * (Mt @ r) - norms
        cand = gain > 1e-9
        if not cand.any():
            break
        # keep a flip only where its gain is the largest among the modules it shares a centre with
        best = near.multiply(gain[None, :]).max(axis=1).toarray().ravel()
        flip = cand & (gain >= best)
        v[flip] = 1 - v[flip]
    return v


def _damped_least_squares(M, b: np.ndarray, damp: float, iterations: int = 80) -> np.ndarray:
    """argmin |M u - b|² + damp²|u|² by conjugate gradients on the normal equations (CGLS; what
    scipy's lsqr computes, without importing scipy.sparse.linalg)."""
    u = np.zeros(M.shape[1])
    r = b.astype(np.float64).copy()
    s = M.T @ r
    p, gamma = s.copy(), float(s @ s)
    stop = 1e-12 * gamma
    for _ in range(iterations):
        q = M @ p
        alpha = gamma / (float(q @ q) + damp * damp * float(p @ p))
        u += alpha * p
        r -= alpha * q
        s = M.T @ r - damp * damp * u
        new = float(s @ s)
        if new < stop:
            break
        p, gamma = s + (new / gamma) * p, new
    return u
