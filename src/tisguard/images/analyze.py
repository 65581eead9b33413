"""Analyse one image (OCR, QR, TIS mark) and cache the result by the image's SHA-256."""

from __future__ import annotations

import base64
import io
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tisguard.images.fetch import ImageRejected, LoadedImage, load_local, load_url

ANALYSIS_VERSION = "1.0"


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


def thumbnail(img, box: tuple[int, int, int, int], pad: int = 12, max_side: int = 220) -> str:
    x0, y0, x1, y1 = (
        max(box[0] - pad, 0),
        max(box[1] - pad, 0),
        min(box[2] + pad, img.width),
        min(box[3] + pad, img.height),
    )
    if x1 <= x0 or y1 <= y0:
        return ""  # a box from a rotated reading may fall outside the upright image
    crop = img.crop((x0, y0, x1, y1))
    crop.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    crop.save(buf, format="JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def box_key(box) -> str:
    return ",".join(str(int(v)) for v in box)


def analyse(loaded: LoadedImage) -> ImageAnalysis:
    from tisguard.images.mark import find_tis_marks
    from tisguard.images.ocr import ocr_image
    from tisguard.images.qr import decode_qr

    t0 = time.perf_counter()
    img = loaded.image
    a = ImageAnalysis(loaded.sha256, loaded.source)
    qrs = decode_qr(img)
    a.qrs = [{"text": q.text, "box": list(q.box), "host": q.host, "tisi_host": q.tisi_host} for q in qrs]
    marks = find_tis_marks(img)
    a.marks = [{"box": list(m.box), "score": m.score} for m in marks]
    work = img.copy()
    if qrs or marks:  # blank out the QR and the mark graphic: they confuse Tesseract's layout analysis
        from PIL import ImageDraw

        d = ImageDraw.Draw(work)
        for b in [q.box for q in qrs] + [m.box for m in marks]:
            d.rectangle(b, fill=(255, 255, 255))
    ocr = ocr_image(work)
    a.ocr_text, a.ocr_confidence = ocr.text, ocr.mean_confidence
    a.ocr_lines = [{"text": l.text, "box": list(l.box), "confidence": l.confidence} for l in ocr.lines]
    for b in [l["box"] for l in a.ocr_lines] + [q["box"] for q in a.qrs] + [m["box"] for m in a.marks]:
        if b[2] > b[0] and b[3] > b[1]:
            a.thumbnails[box_key(b)] = thumbnail(img, tuple(b))
    a.seconds = time.perf_counter() - t0
    return a


class ImageAnalyzer:
    """Fetches and analyses listing images with caps per listing, cached in memory and on disk by SHA-256."""

    def __init__(self, image_root: Path | None = None, cache_dir: Path | None = None, max_images: int = 3):
        self.image_root, self.cache_dir, self.max_images = image_root, cache_dir, max_images
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
        self._memo: dict[str, ImageAnalysis] = {}
        self.rejections: list[str] = []

    def load(self, image) -> LoadedImage:
        if image.path:
            if self.image_root is None:
                raise ImageRejected(f"{image.path}: no folder to resolve local image paths against")
            p = (self.image_root / image.path).resolve()
            if self.image_root.resolve() not in p.parents:
                raise ImageRejected(f"{image.path}: path leaves the listing file's folder")
            return load_local(p)
        if image.url:
            return load_url(image.url)
        raise ImageRejected("image has neither path nor url")

    def analyse_listing_images(self, images) -> list[ImageAnalysis]:
        out = []
        for image in list(images)[: self.max_images]:
            try:
                loaded = self.load(image)
            except ImageRejected as e:
                self.rejections.append(str(e))
                out.append(ImageAnalysis(sha256="", source=image.path or image.url or "?", error=str(e)))
                continue
            out.append(self._cached(loaded))
        return out

    def _cached(self, loaded: LoadedImage) -> ImageAnalysis:
        if loaded.sha256 in self._memo:
            return self._memo[loaded.sha256]
        path = self.cache_dir / f"{loaded.sha256}-{ANALYSIS_VERSION}.json" if self.cache_dir else None
        if path and path.exists():
            a = ImageAnalysis(**json.loads(path.read_text(encoding="utf-8")))
        else:
            a = analyse(loaded)
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(asdict(a), ensure_ascii=False), encoding="utf-8")
        self._memo[loaded.sha256] = a
        return a
