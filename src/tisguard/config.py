"""Where tisguard keeps its data: one data directory and one database URL.

`--data DIR` on any command, else `TISGUARD_DATA`, else `./tisguard-data`.
`TISGUARD_DATABASE_URL` (e.g. postgresql+psycopg://...) overrides the SQLite file in the data dir.
Resolving settings only reads the environment; folders are created by the commands that write.
OCR: `TISGUARD_OCR_THREADS` (Tesseract's OpenMP threads, default 1: on few cores its threads only
fight) and `TISGUARD_TESSDATA` (the language data folder, default Debian's).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "tisguard-data"
DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    ocr_threads: int = 1
    tessdata: str = DEFAULT_TESSDATA

    @property
    def rejects_dir(self) -> Path:
        return self.data_dir / "rejects"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def image_cache_dir(self) -> Path:
        return self.data_dir / "image-cache"


def resolve_settings(data_dir: str | os.PathLike | None = None, database_url: str | None = None) -> Settings:
    data = Path(data_dir or os.environ.get("TISGUARD_DATA") or DEFAULT_DATA_DIR).resolve()
    url = database_url or os.environ.get("TISGUARD_DATABASE_URL") or f"sqlite:///{data / 'tisguard.db'}"
    threads = os.environ.get("TISGUARD_OCR_THREADS", "1")
    if not threads.isdigit() or not 1 <= int(threads) <= 64:
        raise ValueError(f"TISGUARD_OCR_THREADS={threads!r}: expected a whole number from 1 to 64")
    return Settings(data, url, int(threads), os.environ.get("TISGUARD_TESSDATA", DEFAULT_TESSDATA))
