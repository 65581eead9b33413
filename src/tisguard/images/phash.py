"""Perceptual hashes of listing photos (imagehash's pHash, 64 bits), for relisting and seller networks.

Photos are loaded exactly as image evidence loads them (local paths under the listing file's folder,
URLs through the SSRF guard) and hashed once per file content (SHA-256). A photo that cannot be read
has no hash; it never stops an assessment.
"""

from __future__ import annotations

import threading

from tisguard.images.fetch import ImageRejected, LoadedImage
from tisguard.picklable import PicklesWithoutLock

MAX_IMAGES = 5


def phash64(image) -> int:
    """pHash of a PIL image as an int (the 16-hex-digit hash imagehash prints)."""
    import imagehash

    return int(str(imagehash.phash(image)), 16)


class PhotoHasher(PicklesWithoutLock):
    """Callable: a listing's images → their perceptual hashes. `loader` is an ImageAnalyzer (its `load`)."""

    def __init__(self, loader, max_images: int = MAX_IMAGES):
        self.loader, self.max_images = loader, max_images
        self._memo: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, images) -> tuple[int, ...]:
        out = []
        for image in list(images)[: self.max_images]:
            try:
                loaded: LoadedImage = self.loader.load(image)
            except ImageRejected:
                continue
            with self._lock:
                h = self._memo.get(loaded.sha256)
            if h is None:
                h = phash64(loaded.image)
                with self._lock:
                    self._memo[loaded.sha256] = h
            out.append(h)
        return tuple(out)
