"""Where tisguard keeps its data: one data directory and one database URL.

`--data DIR` on any command, else `TISGUARD_DATA`, else `./tisguard-data`.
`TISGUARD_DATABASE_URL` (e.g. postgresql+psycopg://...) overrides the SQLite file in the data dir.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "tisguard-data"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str

    @property
    def rejects_dir(self) -> Path:
        return self.data_dir / "rejects"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"


def resolve_settings(data_dir: str | os.PathLike | None = None, database_url: str | None = None) -> Settings:
    data = Path(data_dir or os.environ.get("TISGUARD_DATA") or DEFAULT_DATA_DIR).resolve()
    data.mkdir(parents=True, exist_ok=True)
    url = database_url or os.environ.get("TISGUARD_DATABASE_URL") or f"sqlite:///{data / 'tisguard.db'}"
    return Settings(data_dir=data, database_url=url)
