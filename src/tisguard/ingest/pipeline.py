"""The ingest run: read → check shape → validate → write in batches → report.

Every record read ends in exactly one count: read = stored + updated + unchanged + duplicates + rejected.
No single record can end the run: a malformed, oversized or too deeply nested record is rejected with
its reason; a batch the store refuses for one record's data (a value out of range, a character the
backend cannot hold) is written again record by record and only that record is rejected. The run is
always closed in `ingest_runs`, with `aborted` set when something outside the data (the store going
away) stopped it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, exc, update

from tisguard.ingest.limits import MAX_NESTING, too_deep
from tisguard.ingest.readers import Raw, read_records
from tisguard.ingest.rejects import RejectSink
from tisguard.ingest.writer import write_batch
from tisguard.spec.listing import Listing, RecordError, listing_from_record
from tisguard.store.tables import ingest_runs

BatchHook = Callable[[list[Listing], dict], None]
COUNTS = ("stored", "updated", "unchanged", "duplicates")


@dataclass
class IngestSummary:
    source: str
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejects_file: str | None = None
    errors_sample: list[dict] = field(default_factory=list)
    aborted: str | None = None

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "stored": self.stored,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 3),
            "source": self.source,
            "rejects_file": self.rejects_file,
            "errors_sample": self.errors_sample,
            **({"aborted": self.aborted} if self.aborted else {}),
        }


def _is_data_error(e: BaseException) -> bool:
    """The store refused a value (not: the store is unreachable, or a bug)."""
    if isinstance(e, exc.DBAPIError):
        return isinstance(e, exc.DataError)
    return isinstance(e, exc.StatementError | TypeError | ValueError | OverflowError)


def check_record(rec_no: int, raw) -> tuple[Listing | None, list[RecordError]]:
    """A reader's output → the listing, or why it is rejected (shape limits first, then the spec).

    The nesting limit is looked at only for a record the spec refuses: validation walks a record without
    recursion and refuses anything nested deeper than its own, lower limit, so a valid record is never too
    deep, and an invalid one gets the same answer as if the limit had been checked first."""
    listing, errors = listing_from_record(rec_no, raw)
    if errors and isinstance(raw, dict):
        deep = too_deep(raw)
        if deep is not None:
            lid = raw.get("listing_id") if isinstance(raw.get("listing_id"), str) else None
            return None, [RecordError(rec_no, deep, f"nested more than {MAX_NESTING} levels", lid)]
    return listing, errors


@contextmanager
def _gc_for_bulk():
    """Cyclic garbage collection sized for a bulk run. A run allocates a few dozen objects per record and holds
    a batch of thousands; at the default threshold (700) Python then spends ~10% of the run collecting,
    mostly scanning long-lived objects (modules, the engine, the batch) that are never garbage. Objects that
    exist before the run are frozen (left out of collections) and young collections run every 50,000
    allocations; both are undone afterwards. Nothing here relies on cycles being collected promptly."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


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
    batch: list[tuple[int, Listing]] = []

    def reject(errors: list[RecordError], raw) -> None:
        sink.add(errors, raw)
        if len(summary.errors_sample) < 20:
            summary.errors_sample.extend(e.as_dict() for e in errors[:3])

    def write(items: list[tuple[int, Listing]]) -> dict:
        """Write a batch; when the store refuses a value, halve it until the refused record is alone."""
        try:
            return write_batch(engine, [l for _, l in items], run_id)
        except Exception as e:
            if not _is_data_error(e):
                raise
            if len(items) == 1:
                rec_no, l = items[0]
                why = f"the store refused this record: {type(e).__name__}: {str(e).splitlines()[0][:300]}"
                reject([RecordError(rec_no, "(record)", why, l.listing_id)], {"listing_id": l.listing_id})
                return {"pks": {}}
        mid = len(items) // 2
        first, second = write(items[:mid]), write(items[mid:])
        return {"pks": first["pks"] | second["pks"], **{k: first.get(k, 0) + second.get(k, 0) for k in COUNTS}}

    def flush() -> None:
        if batch:
            result = write(batch)
            for k in COUNTS:
                setattr(summary, k, getattr(summary, k) + result.get(k, 0))
            if on_batch:
                pks = result["pks"]
                latest = {l.key: l for _, l in batch if l.key in pks}  # the last record of a listing governs
                on_batch(list(latest.values()), pks)
            batch.clear()
        sink.flush()

    try:
        with _gc_for_bulk():
            for rec_no, raw in records:
                summary.read += 1
                listing, errors = check_record(rec_no, raw)
                if errors:
                    reject(errors, None if isinstance(raw, RecordError) else raw)
                else:
                    batch.append((rec_no, listing))
                if len(batch) >= batch_size:
                    flush()
                if progress:
                    progress(summary.read)
            flush()
    except BaseException as e:
        summary.aborted = f"{type(e).__name__}: {e}"[:500]
        raise
    finally:
        sink.close()
        summary.rejected = len(sink.records)
        summary.seconds = time.perf_counter() - t0
        try:
            with engine.begin() as conn:
                conn.execute(
                    update(ingest_runs)
                    .where(ingest_runs.c.id == run_id)
                    .values(finished_at=datetime.now(UTC), summary=summary.as_dict())
                )
        except Exception:
            if summary.aborted is None:
                raise
    return summary


def ingest_file(engine: Engine, path: Path, rejects_dir: Path, fmt: str | None = None, **kwargs) -> IngestSummary:
    return ingest_records(engine, read_records(path, fmt), str(path.resolve()), rejects_dir, **kwargs)
