"""Image path speed: images/s on one core (OCR + QR + mark) over the repo's synthetic label set."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

from tisguard.images.analyze import analyse  # noqa: E402
from tisguard.images.fetch import load_local  # noqa: E402


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "datasets/images"
    files = sorted(root.glob("*.png"))
    analyse(load_local(files[0]))  # load Tesseract's models once
    t = time.perf_counter()
    parts = {"ocr+qr+mark": 0.0}
    for f in files:
        a = analyse(load_local(f))
        parts["ocr+qr+mark"] += a.seconds
    secs = time.perf_counter() - t
    print(f"images: {len(files)} synthetic 800×560 labels, one core (OMP_THREAD_LIMIT=1)")
    print(f"rate: {len(files) / secs:.2f} images/s  ({secs / len(files):.3f} s per image)")


if __name__ == "__main__":
    main()
