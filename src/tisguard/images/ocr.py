"""Tesseract OCR (Thai + English, Debian's tessdata) through tesserocr, with a deadline on Tesseract itself.

One API object per page-segmentation mode is kept loaded per thread; OpenMP threads are limited by
`configure_ocr` (from Settings): on 2 cores Tesseract's own threads only fight (shared/notes/measured-here.md).
Every recognition gets a timeout in milliseconds, which Tesseract checks while it works (its ETEXT_DESC
deadline), so one pathological image cannot hold a worker: the pass returns what it had and says so.
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
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page given to `read_page`
    confidence: float


@dataclass
class OcrPass:
    lines: list[OcrLine]
    mean_confidence: float
    timed_out: bool = False


_local = threading.local()


# the characters of a standard or licence number line: 'มอก.', the licence types ท น นค ส, 'เล่ม', digits
NUMBER_CHARS = "0123456789-/(). ทนคสมอกเล่"


def _api(psm: int, whitelist: str | None = None):
    import tesserocr

    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    key = (psm, _SETUP["tessdata"], whitelist)
    if key not in apis:
        api = tesserocr.PyTessBaseAPI(path=_SETUP["tessdata"], lang="tha+eng", psm=psm)
        if whitelist:
            api.SetVariable("tessedit_char_whitelist", whitelist)
        apis[key] = api
    return apis[key]


def read_page(page: np.ndarray, psm: int, timeout_s: float, whitelist: str | None = None) -> OcrPass:
    """OCR one prepared page (uint8 grey, black text on white) in one segmentation mode, within `timeout_s`;
    `whitelist`: the only characters Tesseract may answer with (e.g. `NUMBER_CHARS`)."""
    import tesserocr
    from PIL import Image

    if timeout_s <= 0.02:
        return OcrPass([], 0.0, True)
    api = _api(psm, whitelist)
    api.SetImage(Image.fromarray(page))
    ok = api.Recognize(timeout=max(1, int(timeout_s * 1000)))
    if not ok:
        api.Clear()
        return OcrPass([], 0.0, True)
    lines = []
    level = tesserocr.RIL.TEXTLINE
    for r in tesserocr.iterate_level(api.GetIterator(), level):
        try:
            text = r.GetUTF8Text(level)
        except RuntimeError:  # tesserocr raises on an empty line
            continue
        if not text or not text.strip():
            continue
        bb = r.BoundingBox(level) or (0, 0, 0, 0)
        lines.append(OcrLine(text.strip(), tuple(int(v) for v in bb), float(r.Confidence(level))))
    api.Clear()
    conf = float(np.mean([l.confidence for l in lines])) if lines else 0.0
    return OcrPass(lines, conf)


_THAI_GAP = re.compile(r"(?<=[\u0e00-\u0e7f]) ++(?=[\u0e00-\u0e7f])")
_LIC_TYPE_AS_N = re.compile(r"(เลขที่\s*+)n(?=\s*+\d)")  # 'ท' read as Latin 'n' right after เลขที่
_LIC_DOT = re.compile(r"((?:นค|ท|น|ส)\s*+\d{1,7})\s*+[.,:]\s*+(\d{1,5}\s*+/)")


def clean_ocr_text(text: str) -> str:
    """Undo Tesseract's habits on Thai labels: spaces between Thai letters, '.' read for the licence dash."""
    text = _THAI_GAP.sub("", text)
    text = _LIC_TYPE_AS_N.sub(r"\1ท", text)
    return _LIC_DOT.sub(r"\1-\2", text)
