"""Build the engine: the only place an `Engine` is constructed.

`build_engine` reads the reference snapshot (store and/or files) and makes the engine; `make_engine`
makes one from a snapshot already loaded (Spark executors get the driver's snapshot and call it).
Image evidence is a detector of the `images` package: it is registered here, so `detect` never
imports `images`; without an image source it finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine as DbEngine

from tisguard.config import DEFAULT_TESSDATA, Settings
from tisguard.detect.config import EngineConfig
from tisguard.detect.context import Reference
from tisguard.detect.engine import Engine, register_detector
from tisguard.pipeline.reference import load_reference


@dataclass(frozen=True)
class ImageSource:
    """Where listing photos are read from: local paths resolve under `root` (the listings file's folder);
    URLs are fetched (safely; see images.fetch). Analyses are cached by SHA-256 in `cache_dir`; OCR runs
    with the settings' language data and thread limit."""

    root: Path | None
    cache_dir: Path | None = None
    tessdata: str = DEFAULT_TESSDATA
    ocr_threads: int = 1

    @classmethod
    def for_settings(cls, settings: Settings, root: Path | None) -> ImageSource:
        return cls(root, settings.image_cache_dir, settings.tessdata, settings.ocr_threads)


def _register_builtin_extras() -> None:
    from tisguard.images.detector import ImageEvidenceDetector

    register_detector(ImageEvidenceDetector)


def make_engine(ref: Reference, config: EngineConfig | None = None, images: ImageSource | None = None) -> Engine:
    """An engine over a loaded snapshot. With `images`, an image analyzer joins the snapshot."""
    _register_builtin_extras()
    if images is not None:
        from tisguard.images.analyze import ImageAnalyzer
        from tisguard.images.ocr import configure_ocr

        configure_ocr(images.tessdata, images.ocr_threads)
        ref.images = ImageAnalyzer(images.root, images.cache_dir)
        if ref.investigation is not None:  # photos are hashed for relisting and networks too
            from tisguard.images.phash import PhotoHasher

            ref.investigation.image_hasher = PhotoHasher(ref.images)
    return Engine(ref, config)


def build_engine(
    settings: Settings,
    config: EngineConfig,
    db: DbEngine | None = None,
    registry: Path | None = None,
    images: ImageSource | None = None,
) -> Engine:
    """The engine for `settings`: reference from the store `db` when given (catalogue, registry, seller
    history), a registry file when given (it wins), the model trained into the data dir when there is one."""
    return make_engine(load_reference(db, registry, settings.models_dir), config, images)
