"""What the label-reading tests share: a TIS mark's box, OCR lines as the label reader receives them, and an
active licence of the dev registry."""

from __future__ import annotations

from conftest import DEV

MARK = [{"box": [40, 80, 180, 220], "score": 0.9}]


def registry_licence(tis: str = "2432") -> dict:
    """The first active licence of standard `tis` in the dev registry, as a registry CSV row."""
    from tisguard.registry.store import read_registry_csv

    return next(
        r for r in read_registry_csv(DEV / "registry.csv")[0] if r["tis_number"] == tis and r["status"] == "active"
    )


def ocr_lines(*texts: str, confidence: float = 90.0) -> list[dict]:
    """One OCR line per text, stacked to the right of MARK."""
    return [
        {"text": t, "box": [200, 100 + 40 * i, 600, 130 + 40 * i], "confidence": confidence}
        for i, t in enumerate(texts)
    ]


def standards_read(reading) -> set[tuple[str, int]]:
    return {(s["tis"], s["year_be"]) for s in reading.standards}
