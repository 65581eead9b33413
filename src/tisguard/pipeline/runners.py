"""The ways listings reach the engine: a file, a file into the store, the store itself, a platform's push,
a pre-listing check. Each one validates, assesses through the same engine and (where it stores) through
`pipeline.store`; nothing here knows about HTTP or the command line."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine as DbEngine

from tisguard.config import Settings
from tisguard.detect.engine import Engine
from tisguard.detect.evidence import Assessment
from tisguard.ingest.pipeline import ingest_file
from tisguard.ingest.readers import read_records
from tisguard.ingest.rejects import reject_rows, save_rejects
from tisguard.pipeline import follow_up_queue, image_jobs
from tisguard.pipeline.build import ImageSource
from tisguard.pipeline.store import assess_and_store, assess_stored
from tisguard.spec.listing import Listing, RecordError, listing_from_record, validate_listing
from tisguard.store.listings import listing_query, stored_listing
from tisguard.store.tables import listings

Sink = Callable[[Assessment], None]
Progress = Callable[[int], None]
BATCH = 512


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
    engine: Engine, stream: Iterator[Listing], batch_size: int = BATCH
) -> Iterator[tuple[Listing, Assessment]]:
    """Assess a stream in batches of `batch_size`: bounded memory, batch-speed scoring."""
    batch: list[Listing] = []
    for listing in stream:
        batch.append(listing)
        if len(batch) == batch_size:
            yield from zip(batch, _assess_without_gc(engine, batch))
            batch = []
    if batch:
        yield from zip(batch, _assess_without_gc(engine, batch))


def scan_file(engine: Engine, path: Path, sink: Sink, progress: Progress, on_reject) -> int:
    """Assess a listings file without touching the store; returns how many were assessed. A first pass
    adds the whole file to the investigation index (as the Spark scan does), so what links listings of
    the file (a shared licence, near-duplicates, networks) is known before the first one is assessed."""
    from tisguard.pipeline.investigation import prepare_file

    prepare_file(engine, valid_listings(path))
    n = 0
    for n, (_listing, assessment) in enumerate(assess_stream(engine, valid_listings(path, on_reject)), 1):
        sink(assessment)
        progress(n)
    return n


def scan_file_into_store(
    db: DbEngine, settings: Settings, engine: Engine, path: Path, sink: Sink, progress: Progress
) -> dict:
    """Ingest a file (rejects to the rejects table and file) and assess each stored batch."""

    def on_batch(batch: list[Listing], pks: dict) -> None:
        assessed = assess_stored(db, engine, batch, pks)
        for a in assessed:
            sink(a)
        image_jobs.enqueue_unread(db, engine, [(pks[l.key], l, a) for l, a in zip(batch, assessed)], "ingest")

    return ingest_file(db, path, settings.rejects_dir, on_batch=on_batch, progress=progress).as_dict()


def rescan_store(db: DbEngine, engine: Engine, sink: Sink, progress: Progress, batch_size: int = 1000) -> int:
    """Assess every listing in the store again (keyset pages by primary key); returns how many."""
    n, last_id = 0, 0
    while True:
        with db.connect() as conn:
            rows = conn.execute(
                listing_query().where(listings.c.id > last_id).order_by(listings.c.id).limit(batch_size)
            ).all()
        if not rows:
            return n
        batch = [stored_listing(r) for r in rows]
        assessed = assess_stored(db, engine, batch, {l.key: r.id for r, l in zip(rows, batch)})
        for a in assessed:
            sink(a)
        image_jobs.enqueue_unread(db, engine, [(r.id, l, a) for r, l, a in zip(rows, batch, assessed)], "rescan")
        last_id = rows[-1].id
        n += len(rows)
        progress(n)


@dataclass
class PushOutcome:
    """Per record of a platform's push: accepted with its assessment, or rejected with field errors."""

    listing_id: str | None
    assessment: Assessment | None = None
    errors: list[RecordError] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """The platform API's form of one result (also what a push worker process sends back)."""
        a = self.assessment.as_dict() if self.assessment is not None else None
        return {
            "listing_id": self.listing_id,
            "status": "accepted" if self.accepted else "rejected",
            "assessment": None if a is None else {k: a[k] for k in ASSESSMENT_KEYS},
            "errors": [{"field": e.field, "message": e.reason} for e in self.errors],
        }


ASSESSMENT_KEYS = ("verdict", "tis", "risk", "reasons", "fixes", "standard", "evidence", "engine_version")


def push_listings(
    db: DbEngine, engine: Engine, platform: str, records: list, batch_id: str | None = None
) -> list[PushOutcome]:
    """A platform's batch: each record validated on its own (and must be of the caller's platform); the
    valid ones stored and assessed together. A listing sent twice in one batch counts once (the last
    record; the earlier is rejected, naming the record used). The outcomes keep the order of `records`.
    Rejected records are also kept in the rejects table under `push:PLATFORM:BATCH_ID` (the request's
    Idempotency-Key when it has one, so a retried push adds no second copy)."""
    outcomes: list[PushOutcome] = []
    bad: list[dict] = []
    source = f"push:{platform}:{batch_id or uuid.uuid4().hex}"
    good: list[Listing] = []
    last = {r.get("listing_id"): i for i, r in enumerate(records) if isinstance(r, dict)}
    for i, raw in enumerate(records):
        listing, errors = validate_listing(raw, i)
        lid = raw.get("listing_id") if isinstance(raw, dict) and isinstance(raw.get("listing_id"), str) else None
        if listing is not None and listing.platform != platform:
            errors = [RecordError(i, "platform", f"records must be of your platform ({platform})", listing.listing_id)]
            listing = None
        elif listing is not None and last.get(lid) != i:
            errors = [RecordError(i, "listing_id", f"repeated later in this batch (record {last[lid]} was used)", lid)]
            listing = None
        if errors:
            outcomes.append(PushOutcome(lid, None, errors))
            bad += reject_rows(source, errors, raw)
        else:
            outcomes.append(PushOutcome(listing.listing_id))
            good.append(listing)
    save_rejects(db, bad)
    if good:  # the text now; photos and investigation follow-ups in the background, never inside the request
        by_key = assess_and_store(db, image_jobs.text_engine(engine), good, follow_up_queue.enqueue)
        image_jobs.enqueue_by_key(db, [(l, by_key[l.key]) for l in good], "push")
        for o in outcomes:
            if o.accepted:
                o.assessment = by_key[(platform, o.listing_id)]
    return outcomes


class CheckRefused(ValueError):
    """A pre-listing check that cannot be run: the errors name the fields."""

    def __init__(self, errors: list[RecordError]):
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))
        self.errors = errors


def check_listing(db: DbEngine, engine: Engine, raw: dict, platform: str | None, store: bool) -> Assessment:
    """The pre-listing check of one unpublished listing: the single-listing path of the same engine;
    stored (listing and assessment) only when asked, and then only for the caller's platform."""
    listing, errors = validate_listing(raw, 0)
    if errors:
        raise CheckRefused(errors)
    if store:
        if platform is None or listing.platform != platform:
            raise CheckRefused([RecordError(0, "platform", f"records must be of your platform ({platform})")])
        return assess_and_store(db, engine, [listing], follow_up_queue.enqueue)[listing.key]
    return engine.assess(listing)


def check_answer(
    db: DbEngine,
    engine: Engine,
    raw: dict,
    platform: str | None,
    store: bool,
    *,
    images: bool = False,
    image_budget_s: float = 5.0,
    image_source=None,
) -> dict:
    """The pre-listing check as the platform API and the public self-check page answer it. Photos are
    read only when asked (`images`), within `image_budget_s` seconds; the answer then says whether the
    budget ran out. A stored check whose photos were not read gets an image job, as a push does."""
    from time import perf_counter

    from tisguard.images.analyze import image_budget

    t0 = perf_counter()
    if images:
        with image_budget(image_budget_s):
            a = check_listing(
                db, image_jobs.image_engine(engine, image_source or ImageSource(None)), raw, platform, store
            )
    else:
        a = check_listing(db, image_jobs.text_engine(engine), raw, platform, store)
        if store:
            image_jobs.enqueue_by_key(db, [(validate_listing(raw, 0)[0], a)], "push")
    licence = next((e.value.get("licence") for e in a.evidence if e.value.get("licence")), None)
    return {
        "verdict": a.verdict,
        "tis": a.tis,
        "risk": round(a.risk, 4),
        "reasons": a.reasons,
        "fixes": a.fixes,
        "standard": a.standard,
        "licence": licence,
        "stored": store,
        **({"images": image_jobs.image_summary(a, image_budget_s, perf_counter() - t0)} if images else {}),
    }
