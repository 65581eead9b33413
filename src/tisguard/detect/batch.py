"""Stream listings from a file through the engine in batches (bounded memory)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

from tisguard.detect.engine import Engine
from tisguard.detect.evidence import Assessment
from tisguard.ingest.readers import read_records
from tisguard.spec.listing import Listing, RecordError, listing_from_record


def valid_listings(path: Path, on_reject: Callable[[list[RecordError]], None] | None = None) -> Iterator[Listing]:
    for rec_no, raw in read_records(path):
        listing, errors = listing_from_record(rec_no, raw)
        if errors:
            if on_reject:
                on_reject(errors)
            continue
        yield listing


def _assess_without_gc(engine: Engine, batch: list[Listing]) -> list[Assessment]:
    """The batch allocates many short-lived objects and no cycles: the cyclic collector only costs time here."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return engine.assess_many(batch)
    finally:
        if was_enabled:
            gc.enable()


def assess_stream(
    engine: Engine, listings: Iterator[Listing], batch_size: int = 512
) -> Iterator[tuple[Listing, Assessment]]:
    """Assess a stream in batches of `batch_size`: bounded memory, batch-speed scoring."""
    batch: list[Listing] = []
    for listing in listings:
        batch.append(listing)
        if len(batch) == batch_size:
            yield from zip(batch, _assess_without_gc(engine, batch))
            batch = []
    if batch:
        yield from zip(batch, _assess_without_gc(engine, batch))
