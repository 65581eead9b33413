"""Tesseract OCR (Thai + English, Debian's tessdata) with the preprocessing label photos need.

One API object is kept loaded per process (tesserocr), OMP threads limited to one: on 2 cores
Tesseract's own threads only fight (see shared/notes/measured-here.md).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass

import numpy as np

_SETUP = {"tessdata": "/usr/share/tesseract-ocr/5/tessdata/"}


def configure_ocr(tessdata: str, threads: int) -> None:
    """Where Tesseract's language data is and how many OpenMP threads it may use (from Settings). Called
    before the first OCR in a process: OpenMP reads its thread limit when Tesseract first runs."""
    os.environ["OMP_THREAD_LIMIT"] = str(threads)
    _SETUP["tessdata"] = tessdata


@dataclass
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the original image
    confidence: float


@dataclass
class OcrResult:
    text: str
    lines: list[OcrLine]
    rotation: int
    mean_confidence: float


_local = threading.local()


def _api(psm: int):
    import tesserocr

    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    if psm not in apis:
        apis[psm] = tesserocr.PyTessBaseAPI(path=_SETUP["tessdata"], lang="tha+eng", psm=psm)
    return apis[psm]


def preprocess(img, scale_to: int = 1400):
    """Grayscale, upscale small images, Otsu threshold (inverted when the label is light on dark)."""
    import cv2
    from PIL import Image

    g = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)
    h, w = g.shape
    if max(h, w) < scale_to:
        f = scale_to / max(h, w)
        g = cv2.resize(g, (int(w * f), int(h * f)), interpolation=cv2.INTER_CUBIC)
    g = cv2.GaussianBlur(g, (3, 3), 0)
    _, bw = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if bw.mean() < 110:  # mostly dark: light text on a dark label
        bw = 255 - bw
    return Image.fromarray(bw), (w / bw.shape[1], h / bw.shape[0])


def deskew_angle(bw_img) -> float:
    """Small skew angle (degrees) from the minimum-area rectangle of the ink."""
    import cv2

    a = 255 - np.asarray(bw_img)
    pts = cv2.findNonZero(a)
    if pts is None or len(pts) < 50:
        return 0.0
    angle = cv2.minAreaRect(pts)[-1]
    if angle > 45:
        angle -= 90
    return float(angle) if abs(angle) <= 10 else 0.0


def _read(pil_img, psm: int, scale: tuple[float, float]) -> tuple[list[OcrLine], float]:
    import tesserocr

    api = _api(psm)
    api.SetImage(pil_img)
    api.Recognize()
    lines = []
    it = api.GetIterator()
    level = tesserocr.RIL.TEXTLINE
    for r in tesserocr.iterate_level(it, level):
        try:
            text = r.GetUTF8Text(level)
        except RuntimeError:  # tesserocr raises on an empty line
            continue
        if not text or not text.strip():
            continue
        bb = r.BoundingBox(level)
        x0, y0, x1, y1 = bb if bb else (0, 0, 0, 0)
        lines.append(
            OcrLine(
                text.strip(),
                (int(x0 * scale[0]), int(y0 * scale[1]), int(x1 * scale[0]), int(y1 * scale[1])),
                float(r.Confidence(level)),
            )
        )
    conf = float(np.mean([l.confidence for l in lines])) if lines else 0.0
    return lines, conf


def ocr_image(img, psms: tuple[int, ...] = (6, 11), min_confidence: float = 55.0) -> OcrResult:
    """OCR an RGB PIL image: deskew, try page-segmentation modes, and rotations when the text reads badly."""
    bw, scale = preprocess(img)
    angle = deskew_angle(bw)
    if angle:
        bw = bw.rotate(angle, expand=False, fillcolor=255)
    best: tuple[list[OcrLine], float, int] = ([], -1.0, 0)
    seen: list[OcrLine] = []
    for rot in (0, 90, 270, 180):
        page = bw if rot == 0 else bw.rotate(rot, expand=True, fillcolor=255)
        for psm in psms:
            lines, conf = _read(page, psm, scale if rot == 0 else (1.0, 1.0))
            if rot == 0:
                seen.extend(lines)  # modes see different lines near the mark graphic: keep them all
            if conf > best[1]:
                best = (lines, conf, rot)
        if best[1] >= min_confidence:
            break
    lines = seen if best[2] == 0 else best[0]
    uniq, texts = [], set()
    for l in lines:
        if l.text not in texts:
            texts.add(l.text)
            uniq.append(l)
    return OcrResult("\n".join(l.text for l in uniq), uniq, best[2], best[1])


_THAI_GAP = re.compile(r"(?<=[\u0e00-\u0e7f]) +(?=[\u0e00-\u0e7f])")
_LIC_TYPE_AS_N = re.compile(r"(เลขที่\s*)n(?=\s*\d)")  # 'ท' read as Latin 'n' right after เลขที่
_LIC_DOT = re.compile(r"((?:นค|ท|น|ส)\s*\d{1,7})\s*[.,:]\s*(\d{1,5}\s*/)")


def clean_ocr_text(text: str) -> str:
    """Undo Tesseract's habits on Thai labels: spaces between Thai letters, '.' read for the licence dash."""
    text = _THAI_GAP.sub("", text)
    text = _LIC_TYPE_AS_N.sub(r"\1ท", text)
    return _LIC_DOT.sub(r"\1-\2", text)
