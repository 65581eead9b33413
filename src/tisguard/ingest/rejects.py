"""Where bad records go: the rejects table and a rejects file, both keyed so re-runs are idempotent."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from tisguard.ingest.limits import shallow
from tisguard.spec.listing import RecordError
from tisguard.store.dml import insert_ignore
from tisguard.store.tables import rejects

EXCERPT_CHARS = 500


def source_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def reject_rows(source: str, errors: list[RecordError], raw: object = None) -> list[dict]:
    """Rows of the rejects table for one bad record (one per field error)."""
    excerpt = None
    if raw is not None:  # cut deep: the record may be rejected precisely for its nesting
        excerpt = json.dumps(shallow(raw), ensure_ascii=False, default=str)[:EXCERPT_CHARS]
    now, key = datetime.now(UTC), source_key(source)
    return [
        {
            "source_key": key,
            "source": source,
            "record_no": e.record_no,
            "listing_id": (e.listing_id or None) and e.listing_id[:200],
            "field": e.field[:500],
            "reason": e.reason[:2000],
            "raw_excerpt": excerpt,
            "created_at": now,
        }
        for e in errors
    ]


def save_rejects(engine: Engine, rows: list[dict]) -> None:
    """Keep reject rows; a re-run of the same source (same key, record, field) adds nothing."""
    if rows:
        with engine.begin() as conn:
            insert_ignore(conn, rejects, rows, ["source_key", "record_no", "field"])


class RejectSink:
    """Collects record errors; flushes them to the table per batch and to a JSONL file per run."""

    def __init__(self, engine: Engine, source: str, rejects_dir: Path):
        self.engine, self.source = engine, source
        self.key = source_key(source)
        rejects_dir.mkdir(parents=True, exist_ok=True)
        self.path = rejects_dir / f"{Path(source).name}.rejects.jsonl"
        self._fh = self.path.open("w", encoding="utf-8")
        self._pending: list[dict] = []
        self.records: set[int] = set()

    def add(self, errors: list[RecordError], raw: object = None) -> None:
        for e in errors:
            self.records.add(e.record_no)
            self._fh.write(json.dumps({"source": self.source, **e.as_dict()}, ensure_ascii=False) + "\n")
        self._pending.extend(reject_rows(self.source, errors, raw))

    def flush(self) -> None:
        save_rejects(self.engine, self._pending)
        self._pending = []
        self._fh.flush()

    def close(self) -> None:
        self.flush()
        self._fh.close()
