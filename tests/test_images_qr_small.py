"""QR codes of about one pixel per module (a label shrunk onto a small photo): the grid reader (qrgrid)
decodes what zxing-cpp, at any of the scalings the analyser tries, cannot; a damaged code gives nothing."""

from __future__ import annotations

import io

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
segno = pytest.importorskip("segno")
pytest.importorskip("zxingcpp")
pytest.importorskip("scipy")

from PIL import Image  # noqa: E402

URL = "https://www.tisi.go.th/license?no=ท4312-81/520"


def small_code(px_per_module: float, angle: float, quality: int, blur: float, damage: bool = False) -> np.ndarray:
    """Grey JPEG-decoded picture of URL's code (error level M, as the photo generator draws it): drawn at
    8 px a module on a grey ground, turned, shrunk (Lanczos) to `px_per_module`, blurred, noised, JPEG'd.
    `damage`: the middle third of the code replaced by random modules (beyond what error correction fixes)."""
    rng = np.random.default_rng(3)
    mat = np.array(segno.make(URL, error="m").matrix, dtype=bool)
    if damage:
        k = mat.shape[0]
        mat[k // 3 : 2 * k // 3, 9 : k - 9] = rng.random((2 * k // 3 - k // 3, k - 18)) < 0.5
    big = np.kron(np.pad(np.where(mat, 0, 255).astype(np.uint8), 2, constant_values=255), np.ones((8, 8), np.uint8))
    canvas = np.full((big.shape[0] + 200, big.shape[1] + 200), 150, np.uint8)
    canvas[100:-100, 100:-100] = big
    c = canvas.shape[0] / 2
    turn = cv2.getRotationMatrix2D((c, c), angle, 1.0)
    canvas = cv2.warpAffine(canvas, turn, canvas.shape[::-1], flags=cv2.INTER_CUBIC, borderValue=150)
    side = round(canvas.shape[0] * px_per_module / 8)
    small = np.asarray(Image.fromarray(canvas).resize((side, side), Image.LANCZOS)).astype(np.float32)
    small = cv2.GaussianBlur(small, (0, 0), blur)
    small = np.clip(small + rng.normal(0, 5, small.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(small).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))


def zxing_attempts(g: np.ndarray) -> list[str]:
    """Texts zxing-cpp decodes in `g` as it is, twice the size (plain and sharpened), and three and four
    times the size with the unsharp masks `decode_seen_qr` tries."""
    from tisguard.images.prep import unsharp
    from tisguard.images.qr import decode_qr

    tries = [g]
    for s in (2, 3, 4):
        b = cv2.resize(g, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC)
        tries += [b, unsharp(b, 2.0, 0.8), unsharp(b, 0.6 * s, 0.8), unsharp(b, 0.4 * s, 1.5)]
    return [q.text for t in tries for q in decode_qr(t)]


@pytest.mark.parametrize(("ppm", "angle", "quality", "blur"), [(1.2, 8, 50, 0.6), (1.35, 8, 60, 0.8)])
def test_grid_reader_decodes_a_code_zxing_cannot(ppm, angle, quality, blur):
    from tisguard.images.analyze import _qr_codes
    from tisguard.images.qrgrid import read_small_qr

    g = small_code(ppm, angle, quality, blur)
    assert URL not in zxing_attempts(g)
    found = read_small_qr(g)
    assert [t for t, _ in found] == [URL]
    corners = found[0][1]  # the code's corners lie on the code: about 33 modules of ppm px across
    assert abs(np.linalg.norm(corners[1] - corners[0]) - 33 * ppm) < 0.1 * 33 * ppm
    # and through the analyser: zxing sees the code, fails, and the grid reader decodes it
    qrs = _qr_codes(Image.fromarray(g).convert("RGB"))
    assert [q.text for q in qrs] == [URL]
    assert qrs[0].tisi_host


def test_damaged_code_yields_nothing():
    from tisguard.images.analyze import _qr_codes
    from tisguard.images.qrgrid import read_small_qr

    g = small_code(1.35, 8, 60, 0.8, damage=True)
    assert read_small_qr(g) == []
    assert _qr_codes(Image.fromarray(g).convert("RGB")) == []


def test_grey_ground_yields_nothing():
    from tisguard.images.qrgrid import read_small_qr

    rng = np.random.default_rng(5)
    assert read_small_qr(np.clip(rng.normal(150, 20, (90, 90)), 0, 255).astype(np.uint8)) == []


@pytest.mark.parametrize("version", [1, 2, 4, 7, 10, 13])
def test_function_modules_match_segno(version):
    """Every module the reader takes as fixed has the colour segno draws there."""
    from tisguard.images.qrgrid import function_modules

    mat = np.array(segno.make("tisguard", version=version, error="m", boost_error=False).matrix, dtype=np.int8)
    known = function_modules(version)
    n = 17 + 4 * version
    assert known.shape == (n + 2, n + 2)
    inner = known[1:-1, 1:-1]
    fixed = inner >= 0
    assert (inner[fixed] == mat[fixed]).all()
    assert (known[0] == 0).all() and (known[-1] == 0).all()  # the quiet zone is light
    assert fixed.sum() > 3 * 64


def speckled_code(density: float) -> np.ndarray:
    """URL's code at 4 px a module on a light ground, `density` of its pixels turned to salt and pepper."""
    mat = np.array(segno.make(URL, error="m").matrix, dtype=bool)
    code = np.kron(np.pad(np.where(mat, 0, 255).astype(np.uint8), 4, constant_values=255), np.ones((4, 4), np.uint8))
    canvas = np.full((code.shape[0] + 160, code.shape[1] + 240, 3), 235, np.uint8)
    canvas[80 : 80 + code.shape[0], 120 : 120 + code.shape[1]] = code[..., None]
    m = np.random.default_rng(1).random(canvas.shape[:2])
    canvas[m < density / 2] = 0
    canvas[(m >= density / 2) & (m < density)] = 255
    return canvas


@pytest.mark.parametrize("density", [0.15, 0.20])
def test_speckled_code_is_read_after_a_median_filter(density):
    """Salt-and-pepper speckle defeats zxing as the photo is, and twice the size; the analyser's 3×3 median
    pass removes it and the code decodes."""
    from tisguard.images.analyze import _qr_codes
    from tisguard.images.qr import decode_qr

    rgb = speckled_code(density)
    big = cv2.resize(rgb, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    assert decode_qr(rgb) == [] and decode_qr(big) == []
    assert [q.text for q in _qr_codes(Image.fromarray(rgb))] == [URL]
