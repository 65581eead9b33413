"""The ingest run: read → validate → write in batches → report (read, stored, updated, rejected)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, update

from tisguard.ingest.readers import Raw, read_records
from tisguard.ingest.rejects import RejectSink
from tisguard.ingest.writer import write_batch
from tisguard.spec.listing import Listing, RecordError, listing_from_record
from tisguard.store.tables import ingest_runs

BatchHook = Callable[[list[Listing], dict], None]


@dataclass
class IngestSummary:
    source: str
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejects_file: str | None = None
    errors_sample: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "stored": self.stored,
            "updated": self.updated,
            "rejected": self.rejected,
            "unchanged": self.unchanged,
            "seconds": round(self.seconds, 3),
            "source": self.source,
            "rejects_file": self.rejects_file,
            "errors_sample": self.errors_sample,
        }


def ingest_records(
    engine: Engine,
    records: Iterable[Raw],
    source: str,
    rejects_dir: Path,
    batch_size: int = 1000,
    on_batch: BatchHook | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    t0 = time.perf_counter()
    summary = IngestSummary(source=source)
    sink = RejectSink(engine, source, rejects_dir)
    summary.rejects_file = str(sink.path)
    with engine.begin() as conn:
        run_id = conn.execute(
            ingest_runs.insert().values(source=source, started_at=datetime.now(UTC))
        ).inserted_primary_key[0]
    batch: list[Listing] = []

    def flush() -> None:
        if batch:
            result = write_batch(engine, batch)
            summary.stored += result["stored"]
            summary.updated += result["updated"]
            summary.unchanged += result["unchanged"]
            if on_batch:
                on_batch(list(batch), result["pks"])
            batch.clear()
        sink.flush()

    try:
        for rec_no, raw in records:
            summary.read += 1
            listing, errors = listing_from_record(rec_no, raw)
            if errors:
                sink.add(errors, None if isinstance(raw, RecordError) else raw)
                if len(summary.errors_sample) < 20:
                    summary.errors_sample.extend(e.as_dict() for e in errors[:3])
            else:
                batch.append(listing)
            if len(batch) >= batch_size:
                flush()
            if progress:
                progress(summary.read)
        flush()
    finally:
        sink.close()
    summary.rejected = len(sink.records)
    summary.seconds = time.perf_counter() - t0
    with engine.begin() as conn:
        conn.execute(
            update(ingest_runs)
            .where(ingest_runs.c.id == run_id)
            .values(finished_at=datetime.now(UTC), summary=summary.as_dict())
        )
    return summary


def ingest_file(engine: Engine, path: Path, rejects_dir: Path, fmt: str | None = None, **kwargs) -> IngestSummary:
    return ingest_records(engine, read_records(path, fmt), str(path.resolve()), rejects_dir, **kwargs)
