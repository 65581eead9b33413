"""Photos everywhere: stored listings get their photos read in the background.

A push, a store rescan or a file scanned into the store assesses the text at once and, for each listing
that has photos and whose text leaves the verdict open (flagged), puts an image job in the store
(`image_jobs`, one row per listing; enqueueing again resets it and bumps its generation). A worker
(`tisguard images work`, or the web app's background thread) claims jobs with a lease, assesses the
stored listing again with photos through the same engine and keeps the new assessment (a new row,
`is_latest`), so the officer sees it. A worker that dies leaves a running job whose lease runs out;
another takes it again. A job fails after `MAX_ATTEMPTS`.

Engine variants: `text_engine` (never reads photos, for the synchronous part) and `image_engine` (reads
them), both over the same reference snapshot and configuration, made through `pipeline.build`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine as DbEngine
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tisguard.detect.engine import Engine
from tisguard.detect.evidence import Assessment
from tisguard.detect.verdict import FLAGGED_VALUES
from tisguard.spec.listing import Listing
from tisguard.store.tables import image_jobs, listing_images, listings

log = logging.getLogger(__name__)
LEASE_S = 300.0
MAX_ATTEMPTS = 3
REASONS = ("push", "rescan", "ingest")

_variants: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_variants_lock = threading.Lock()


def reads_images(engine: Engine) -> bool:
    return getattr(engine.ref, "images", None) is not None


def text_engine(engine: Engine) -> Engine:
    """The same engine without photo reading (itself when it reads none)."""
    if not reads_images(engine):
        return engine
    return _variant(engine, "text", None)


def image_engine(engine: Engine, source) -> Engine:
    """The same engine reading photos from `source` (a pipeline.build.ImageSource); itself when it reads
    photos already."""
    if reads_images(engine):
        return engine
    return _variant(engine, "images", source)


def detached_ref(ref, for_images: bool):
    """A shallow copy of the reference snapshot without an image analyzer, for a variant engine; one that
    will read photos gets its own investigation index too (make_engine gives that one a photo hasher, which
    must not leak into the engines sharing the original)."""
    changes: dict = {"images": None}
    inv = getattr(ref, "investigation", None)
    if for_images and dataclasses.is_dataclass(inv):
        changes["investigation"] = dataclasses.replace(inv)
    return dataclasses.replace(ref, **changes)


def _variant(engine: Engine, kind: str, source) -> Engine:
    from tisguard.pipeline.build import make_engine

    with _variants_lock:
        cache = _variants.setdefault(engine, {})
        key = (kind, source)
        if key not in cache:
            cache[key] = make_engine(detached_ref(engine.ref, source is not None), engine.config, source)
        return cache[key]


def needs_images(listing: Listing, assessment: Assessment) -> bool:
    """Photos could change the verdict: the listing has some and its text leaves it flagged."""
    return bool(listing.images) and assessment.verdict in FLAGGED_VALUES


def enqueue(db: DbEngine, items: list[tuple[int, Listing, Assessment]], reason: str) -> int:
    """Queue image jobs for the (listing_pk, listing, assessment) that need them; returns how many."""
    if reason not in REASONS:
        raise ValueError(f"image job reason must be one of {REASONS}, not {reason!r}")
    pks = sorted({pk for pk, l, a in items if needs_images(l, a)})
    if not pks:
        return 0
    now = datetime.now(UTC)
    rows = [
        {"listing_pk": pk, "status": "pending", "reason": reason, "generation": 1, "attempts": 0, "enqueued_at": now}
        for pk in pks
    ]
    with db.begin() as conn:
        mod = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = mod.insert(image_jobs)
        stmt = stmt.on_conflict_do_update(
            index_elements=["listing_pk"],
            set_={
                "status": "pending",
                "reason": stmt.excluded.reason,
                "generation": image_jobs.c.generation + 1,
                "attempts": 0,
                "enqueued_at": stmt.excluded.enqueued_at,
                "error": None,
                "lease_until": None,
            },
        )
        conn.execute(stmt, rows)
    return len(pks)


def enqueue_unread(db: DbEngine, engine: Engine, items: list[tuple[int, Listing, Assessment]], reason: str) -> int:
    """Queue image jobs after an assessment that did not read photos (`engine` reads none)."""
    return 0 if reads_images(engine) else enqueue(db, items, reason)


def image_summary(a: Assessment, budget_s: float, seconds: float) -> dict:
    """What the pre-listing check says about the photos it was asked to read."""
    photos = {e.value.get("image_sha256") for e in a.evidence if e.source == "image" and e.value.get("image_sha256")}
    ran_out = [e.signal for e in a.evidence if e.signal in ("image_budget", "image_deadline")]
    return {
        "requested": True,
        "photos_read": len(photos),
        "budget_s": budget_s,
        "seconds": round(seconds, 3),
        "ran_out": bool(ran_out),
        "limits_hit": sorted(set(ran_out)),
    }


def enqueue_by_key(db: DbEngine, pairs: list[tuple[Listing, Assessment]], reason: str) -> int:
    """As `enqueue`, for listings known by (platform, listing_id)."""
    wanted = [(l, a) for l, a in pairs if needs_images(l, a)]
    if not wanted:
        return 0
    keys = {l.key for l, _ in wanted}
    with db.connect() as conn:
        found = conn.execute(
            select(listings.c.id, listings.c.platform, listings.c.listing_id).where(
                listings.c.platform.in_({k[0] for k in keys}), listings.c.listing_id.in_({k[1] for k in keys})
            )
        ).all()
    pk = {(r.platform, r.listing_id): r.id for r in found}
    return enqueue(db, [(pk[l.key], l, a) for l, a in wanted if l.key in pk], reason)


@dataclass(frozen=True)
class Job:
    id: int
    listing_pk: int
    generation: int
    attempts: int


def claim(db: DbEngine, worker: str, limit: int = 4, lease_s: float = LEASE_S) -> list[Job]:
    """Take up to `limit` jobs (pending, or running past their lease), oldest first. Safe with several
    workers: each job is taken by a conditional update that only one of them can win."""
    now = datetime.now(UTC)
    takeable = or_(
        image_jobs.c.status == "pending", and_(image_jobs.c.status == "running", image_jobs.c.lease_until < now)
    )
    with db.connect() as conn:
        candidates = conn.execute(
            select(image_jobs.c.id, image_jobs.c.listing_pk, image_jobs.c.generation, image_jobs.c.attempts)
            .where(takeable)
            .order_by(image_jobs.c.id)
            .limit(limit * 3)
        ).all()
    jobs: list[Job] = []
    for c in candidates:
        if len(jobs) >= limit:
            break
        with db.begin() as conn:
            won = conn.execute(
                update(image_jobs)
                .where(image_jobs.c.id == c.id, image_jobs.c.generation == c.generation, takeable)
                .values(
                    status="running",
                    started_at=now,
                    lease_until=now + timedelta(seconds=lease_s),
                    worker=worker[:80],
                    attempts=image_jobs.c.attempts + 1,
                )
            ).rowcount
        if won == 1:
            jobs.append(Job(c.id, c.listing_pk, c.generation, c.attempts + 1))
    return jobs


def _finish(db: DbEngine, job: Job, **values) -> None:
    """Record a job's end, unless it was enqueued again meanwhile (then it stays pending for the next run)."""
    with db.begin() as conn:
        conn.execute(
            update(image_jobs)
            .where(image_jobs.c.id == job.id, image_jobs.c.generation == job.generation)
            .values(finished_at=datetime.now(UTC), lease_until=None, **values)
        )


def _record_photo_hashes(db: DbEngine, pk: int, a: Assessment) -> None:
    """Keep each analysed photo's SHA-256 on its listing_images row (evidence packages look them up)."""
    seen = {}
    for e in a.evidence:
        v = e.value or {}
        if e.source == "image" and v.get("image_sha256") and v.get("image_source"):
            seen[v["image_source"]] = v["image_sha256"]
    if not seen:
        return
    with db.begin() as conn:
        for source, sha in seen.items():
            conn.execute(
                update(listing_images)
                .where(
                    listing_images.c.listing_pk == pk,
                    or_(listing_images.c.url == source, listing_images.c.path == source),
                )
                .values(sha256=sha)
            )


def run_job(db: DbEngine, engine: Engine, job: Job) -> str | None:
    """Assess the stored listing again with its photos and keep the assessment; returns the verdict."""
    from tisguard.pipeline.store import assess_stored
    from tisguard.store.listings import listing_query, stored_listing

    with db.connect() as conn:
        row = conn.execute(listing_query().where(listings.c.id == job.listing_pk)).first()
    if row is None:
        _finish(db, job, status="failed", error="the listing is no longer in the store")
        return None
    listing = stored_listing(row)
    a = assess_stored(db, engine, [listing], {listing.key: job.listing_pk})[0]
    _record_photo_hashes(db, job.listing_pk, a)
    _finish(db, job, status="done", verdict=a.verdict, error=None)
    return a.verdict


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def work(
    db: DbEngine,
    engine: Engine | Callable[[], Engine],
    *,
    once: bool = False,
    batch: int = 4,
    idle_s: float = 2.0,
    stop: threading.Event | None = None,
    on_job: Callable[[Job, str | None, str | None], None] | None = None,
) -> dict:
    """Run image jobs with `engine` (one that reads photos, or a function giving the current one: a web
    app reloads its reference). `once`: until the queue is empty; otherwise until `stop` is set, waiting
    `idle_s` between polls of an empty queue. Returns counts."""
    stop = stop or threading.Event()
    counts = {"done": 0, "failed": 0, "retried": 0}
    me = worker_name()
    while not stop.is_set():
        jobs = claim(db, me, batch)
        if not jobs:
            if once:
                break
            stop.wait(idle_s)
            continue
        for job in jobs:
            if stop.is_set():
                break  # its lease runs out and another worker takes it
            try:
                current = engine if isinstance(engine, Engine) else engine()
                verdict, error = run_job(db, current, job), None
                counts["done"] += 1
            except Exception as e:  # one bad listing must not stop the worker
                log.exception("image job %s (listing %s) failed", job.id, job.listing_pk)
                verdict, error = None, f"{type(e).__name__}: {e}"[:500]
                final = job.attempts >= MAX_ATTEMPTS
                _finish(db, job, status="failed" if final else "pending", error=error)
                counts["failed" if final else "retried"] += 1
            if on_job:
                on_job(job, verdict, error)
    return counts


def queue_counts(db: DbEngine) -> dict[str, int]:
    from sqlalchemy import func

    with db.connect() as conn:
        rows = conn.execute(select(image_jobs.c.status, func.count()).group_by(image_jobs.c.status)).all()
    return {s: n for s, n in rows}


class BackgroundWorker:
    """The web app's in-process image worker: one daemon thread running `work` until stopped. OCR and
    OpenCV release the GIL while they compute, and the thread never touches the event loop."""

    def __init__(self, db: DbEngine, engine_of: Callable[[], Engine], idle_s: float = 2.0):
        self.db, self.engine_of, self.idle_s = db, engine_of, idle_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="tisguard-image-worker", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                work(self.db, self.engine_of, stop=self._stop, idle_s=self.idle_s)
            except Exception:  # the store was unreachable a moment: wait and go on
                log.exception("image worker: retrying after an error")
                self._stop.wait(5.0)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
