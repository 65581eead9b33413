"""Analyse listing photos (QR, TIS mark, OCR) under hard limits, and cache the result by SHA-256.

Limits: a huge photo is downscaled before anything runs (`prep.MAX_SIDE`); every Tesseract call has a
deadline (the image's own, `image_deadline_s`); a listing's photos share a budget (`listing_budget_s`,
lowered per call with `image_budget`, e.g. by the pre-listing check). An analysis cut short by its
deadline is kept for this listing but never cached; photos not reached within the budget are reported
as skipped, so the evidence can say the budget ran out.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import dataclasses
import io
import json
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tisguard.images.fetch import DEADLINE_S, ImageRejected, LoadedImage, load_local, load_url
from tisguard.picklable import PicklesWithoutLock

ANALYSIS_VERSION = "2.5"  # 2.1: Thai digits by shape, number lines read again, mark regions left and wider
# 2.2: text angle without a product's straight edges, marks whose square edge has a gap
# 2.3: a page that read no licence and standard is read again from its grey rendering
# 2.4: … and the regions by its mark too
# 2.5: ink measured on the page's text side (prep.ink_strength)
IMAGE_DEADLINE_S = 6.0  # Tesseract time for one photo, all passes together
LISTING_BUDGET_S = 15.0  # fetching and reading all of one listing's photos
SKIPPED_BUDGET = "budget"
MEMO_SIZE = 512  # analyses kept in memory per analyzer (a long-running worker sees many photos)

_budget: contextvars.ContextVar[float | None] = contextvars.ContextVar("tisguard_image_budget", default=None)


@contextlib.contextmanager
def image_budget(seconds: float):
    """Within this block, a listing's photos get at most `seconds` (fetch and analysis together)."""
    token = _budget.set(seconds)
    try:
        yield
    finally:
        _budget.reset(token)


@dataclass
class ImageAnalysis:
    sha256: str
    source: str
    ocr_text: str = ""
    ocr_lines: list[dict] = field(default_factory=list)
    ocr_confidence: float = 0.0
    qrs: list[dict] = field(default_factory=list)
    marks: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    thumbnails: dict[str, str] = field(default_factory=dict)  # box key -> data: URI (JPEG)
    error: str | None = None
    size: tuple[int, int] | None = None  # the photo's own width and height
    downscaled: float = 1.0  # factor it was analysed at
    angle: float = 0.0  # degrees the text was turned to read it
    rectified: bool = False  # the label's perspective was undone
    passes: list[str] = field(default_factory=list)
    timed_out: bool = False  # Tesseract's deadline cut a pass short
    skipped: str | None = None  # not analysed: "budget" (the listing's time ran out)


def thumbnail(img, box: tuple[int, int, int, int], pad: int = 12, max_side: int = 220) -> str:
    x0, y0, x1, y1 = (
        max(box[0] - pad, 0),
        max(box[1] - pad, 0),
        min(box[2] + pad, img.width),
        min(box[3] + pad, img.height),
    )
    if x1 <= x0 or y1 <= y0:
        return ""
    crop = img.crop((x0, y0, x1, y1))
    crop.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    crop.save(buf, format="JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def box_key(box) -> str:
    return ",".join(str(int(v)) for v in box)


def _qr_codes(img) -> list:
    """QR codes, trying harder when none decodes: speckle noise (a median filter removes it) and modules of
    one or two pixels in a photo taken from afar (twice the size helps the decoder), then the same twice-size
    picture sharpened (an unsharp mask undoes the blur that scaling, JPEG and focus leave on small modules),
    then, where the decoder saw a code but could not decode it, that code alone scaled up further."""
    import cv2
    import numpy as np

    from tisguard.images.qr import decode_qr, decode_seen_qr

    seen: list = []
    qrs = decode_qr(img, seen)
    if not qrs:
        # OpenCV's 3×3 median per channel: what PIL's MedianFilter(3) does, in ~1 ms instead of ~130 ms
        qrs = decode_qr(cv2.medianBlur(np.asarray(img), 3))
    if not qrs and max(img.size) <= 1800:
        from tisguard.images.prep import grey, unsharp

        g = grey(img)
        big = cv2.resize(g, (img.width * 2, img.height * 2), interpolation=cv2.INTER_CUBIC)
        seen2: list = []
        found = decode_qr(big, seen2)
        if not found:
            found = decode_qr(unsharp(big, sigma=2.0, amount=0.8), seen2)
        qrs = [dataclasses.replace(q, box=tuple(v // 2 for v in q.box)) for q in found]
        seen += [tuple(v // 2 for v in b) for b in seen2]
        for box in _distinct(seen) if not qrs else []:
            qrs += decode_seen_qr(g, box)
    return qrs


def _distinct(boxes: list) -> list:
    """Boxes less the ones that overlap a box kept before them (a code seen at two scales)."""
    out: list = []
    for b in boxes:
        if not any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in out):
            out.append(b)
    return out[:3]


def analyse(loaded: LoadedImage, deadline_s: float = IMAGE_DEADLINE_S) -> ImageAnalysis:
    """QR codes, validated TIS marks and OCR lines of one photo, boxes in the photo's own coordinates."""
    from tisguard.images.labelpage import read_label
    from tisguard.images.mark import find_tis_marks
    from tisguard.images.prep import downscale

    t0 = time.perf_counter()
    deadline = time.monotonic() + deadline_s
    img0 = loaded.image
    img, f = downscale(img0)
    a = ImageAnalysis(loaded.sha256, loaded.source, size=(img0.width, img0.height), downscaled=round(f, 4))
    up = lambda b: [int(v / f) for v in b]  # noqa: E731  (analysed → original coordinates)
    qrs = _qr_codes(img)
    a.qrs = [{"text": q.text, "box": up(q.box), "host": q.host, "tisi_host": q.tisi_host} for q in qrs]
    marks = find_tis_marks(img, exclude=[q.box for q in qrs])
    a.marks = [{"box": up(m.box), "score": m.score} for m in marks]
    page = read_label(img, [(m.center, m.radius) for m in marks], [q.box for q in qrs], deadline)
    a.ocr_lines = [{"text": l.text, "box": up(l.box), "confidence": l.confidence} for l in page.lines]
    a.ocr_text = "\n".join(l.text for l in page.lines)
    a.ocr_confidence = page.mean_confidence
    a.angle, a.rectified, a.passes, a.timed_out = page.angle, page.rectified, page.passes, page.timed_out
    for b in [l["box"] for l in a.ocr_lines] + [q["box"] for q in a.qrs] + [m["box"] for m in a.marks]:
        if b[2] > b[0] and b[3] > b[1]:
            a.thumbnails[box_key(b)] = thumbnail(img0, tuple(b))
    a.seconds = time.perf_counter() - t0
    return a


class ImageAnalyzer(PicklesWithoutLock):
    """Fetches and analyses a listing's photos within its limits; analyses cached in memory and on disk
    by SHA-256, and the photo bytes kept under `cache_dir/photos/` (evidence packages include them)."""

    def __init__(
        self,
        image_root: Path | None = None,
        cache_dir: Path | None = None,
        max_images: int = 3,
        image_deadline_s: float = IMAGE_DEADLINE_S,
        listing_budget_s: float = LISTING_BUDGET_S,
    ):
        self.image_root, self.cache_dir, self.max_images = image_root, cache_dir, max_images
        self.image_deadline_s, self.listing_budget_s = image_deadline_s, listing_budget_s
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
        self._memo: OrderedDict[str, ImageAnalysis] = OrderedDict()
        self._lock = threading.Lock()  # web request threads and the image worker share one analyzer

        self.rejections: list[str] = []

    def load(self, image, deadline_s: float = DEADLINE_S) -> LoadedImage:
        if image.path:
            if self.image_root is None:
                raise ImageRejected(f"{image.path}: no folder to resolve local image paths against")
            p = (self.image_root / image.path).resolve()
            if self.image_root.resolve() not in p.parents:
                raise ImageRejected(f"{image.path}: path leaves the listing file's folder")
            return load_local(p)
        if image.url:
            return load_url(image.url, deadline_s=deadline_s)
        raise ImageRejected("image has neither path nor url")

    def analyse_listing_images(self, images) -> list[ImageAnalysis]:
        """One analysis per photo (at most `max_images`), in order; those the budget did not reach are
        returned with `skipped="budget"`."""
        budget = _budget.get()
        budget = self.listing_budget_s if budget is None else min(budget, self.listing_budget_s)
        end = time.monotonic() + budget
        out = []
        for image in list(images)[: self.max_images]:
            source = image.path or image.url or "?"
            left = end - time.monotonic()
            if left <= 0.05:
                out.append(ImageAnalysis(sha256="", source=source, skipped=SKIPPED_BUDGET))
                continue
            try:
                loaded = self.load(image, deadline_s=min(DEADLINE_S, left))
            except ImageRejected as e:
                self.rejections.append(str(e))
                out.append(ImageAnalysis(sha256="", source=source, error=str(e)))
                continue
            out.append(self.analyse_loaded(loaded, min(self.image_deadline_s, end - time.monotonic())))
        return out

    def photo_path(self, sha256: str) -> Path | None:
        """Where the bytes of an analysed photo are kept, when they are."""
        if self.cache_dir is None or len(sha256) != 64 or not sha256.isalnum():
            return None
        p = self.cache_dir / "photos" / sha256
        return p if p.is_file() else None

    def _keep_photo(self, loaded: LoadedImage) -> None:
        if self.cache_dir is None or not loaded.data:
            return
        p = self.cache_dir / "photos" / loaded.sha256
        if not p.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(".tmp")
            tmp.write_bytes(loaded.data)
            tmp.replace(p)

    def analyse_loaded(self, loaded: LoadedImage, deadline_s: float = IMAGE_DEADLINE_S) -> ImageAnalysis:
        """One loaded photo, from the cache when it was read before (its bytes kept for evidence)."""
        self._keep_photo(loaded)
        hit = self._memo.get(loaded.sha256)
        if hit is not None:
            return hit
        path = self.cache_dir / f"{loaded.sha256}-{ANALYSIS_VERSION}.json" if self.cache_dir else None
        if path and path.exists():
            d = json.loads(path.read_text(encoding="utf-8"))
            d["size"] = tuple(d["size"]) if d.get("size") else None
            a = ImageAnalysis(**d)
        else:
            a = analyse(loaded, deadline_s)
            if a.timed_out:
                return a  # cut short: neither memoised nor cached, a later run with more time may read it all
            if path:
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(asdict(a), ensure_ascii=False), encoding="utf-8")
                tmp.replace(path)
        with self._lock:
            self._memo[loaded.sha256] = a
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return a
