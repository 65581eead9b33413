"""Platform pushes in worker processes.

A push assesses and stores a batch: CPU work that, in the web process, holds the GIL that every pre-listing
check and officer page also needs, so one busy platform slows everyone's upload path. `PushWorkers` runs
pushes (and the investigation follow-ups they queue) in separate processes, each with its own engine built
from the same settings and configuration as the web app's (`pipeline.build.build_engine`), so the answer
is the same; the web process only validates the request, waits, and answers.

`reload()` is called when the reference data changes (catalogue, registry): every task carries the
generation it was sent under and a worker rebuilds its engine when that is newer than the one it holds.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from tisguard.config import Settings
from tisguard.detect.config import EngineConfig

log = logging.getLogger(__name__)
# Follow-ups re-assessed per task: a push that arrives while the worker drains waits for at most this many.
DRAIN_STEP = 200
# While pushes keep coming, follow-ups are drained at most this often: a near-duplicate group that grows with
# every push is then re-assessed once per interval, not once per push (queued rows coalesce meanwhile).
DRAIN_INTERVAL_S = 2.0

# --- in the worker process -------------------------------------------------------------------------------
_setup: tuple[Settings, EngineConfig] | None = None
_held: dict = {}


def _init(settings: Settings, config: EngineConfig) -> None:
    global _setup
    _setup = (settings, config)


def _db_and_engine(generation: int):
    from tisguard.pipeline.build import build_engine
    from tisguard.store.db import open_store

    settings, config = _setup
    if "db" not in _held:
        _held["db"] = open_store(settings, write=True)
    if _held.get("generation") != generation:
        _held["engine"] = build_engine(settings, config, _held["db"], None, None)
        _held["generation"] = generation
    return _held["db"], _held["engine"]


def _push(generation: int, platform: str, records: list, batch_id: str | None) -> list[dict]:
    from tisguard.pipeline import runners

    db, engine = _db_and_engine(generation)
    return [o.as_dict() for o in runners.push_listings(db, engine, platform, records, batch_id)]


def _drain(generation: int, limit: int) -> tuple[int, int]:
    from tisguard.pipeline import follow_up_queue

    db, engine = _db_and_engine(generation)
    return follow_up_queue.drain(db, engine, limit)


def _warm(generation: int) -> bool:
    _db_and_engine(generation)
    return True


# --- in the web process ----------------------------------------------------------------------------------
class PushWorkers:
    """`workers` processes (spawned, never forked: the web process runs threads) that run pushes."""

    def __init__(self, settings: Settings, config: EngineConfig, workers: int):
        if workers < 1:
            raise ValueError(f"push workers must be at least 1, not {workers}")
        self._args = (settings, config)
        self._workers = workers
        self._lock = threading.Lock()
        self._drain: Future | None = None
        self._in_flight = 0
        self._last_drain = 0.0
        self.generation = 0
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._workers, mp_context=get_context("spawn"), initializer=_init, initargs=self._args
        )

    def reload(self) -> None:
        self.generation += 1

    def warm(self) -> None:
        """Start the workers and build their engines now, not on the first push; then finish follow-ups
        left queued by an earlier run (a server stopped before it drained them)."""
        for f in [self._pool.submit(_warm, self.generation) for _ in range(self._workers)]:
            f.add_done_callback(_log_failure)
        self._drain_step()

    def push(self, platform: str, records: list, batch_id: str | None = None) -> Future:
        """A future of the push's results (`PushOutcome.as_dict()` per record); a worker that died is
        replaced, and the push that was running in it fails with BrokenProcessPool."""
        try:
            fut = self._pool.submit(_push, self.generation, platform, records, batch_id)
        except BrokenProcessPool:
            self._restart()
            raise
        with self._lock:
            self._in_flight += 1
        fut.add_done_callback(self._after_push)
        return fut

    def _after_push(self, fut: Future) -> None:
        with self._lock:
            self._in_flight -= 1
            idle = self._in_flight == 0
        if fut.cancelled():
            return
        if isinstance(fut.exception(), BrokenProcessPool):
            self._restart()
            return
        if idle or time.monotonic() - self._last_drain >= DRAIN_INTERVAL_S:
            self._drain_step()

    def _drain_step(self, after: Future | None = None) -> None:
        """Follow-ups in steps of DRAIN_STEP, one step queued at a time, so pushes interleave with them; a
        full step queues the next one."""
        if after is not None and (after.cancelled() or after.exception() is not None or after.result()[0] < DRAIN_STEP):
            _log_failure(after)
            return
        with self._lock:
            if self._drain is not None and not self._drain.done() and self._drain is not after:
                return
            self._last_drain = time.monotonic()
            try:
                self._drain = self._pool.submit(_drain, self.generation, DRAIN_STEP)
            except (BrokenProcessPool, RuntimeError):  # shutting down or restarting
                return
        self._drain.add_done_callback(self._drain_step)

    def _restart(self) -> None:
        with self._lock:
            old, self._pool = self._pool, self._new_pool()
        old.shutdown(wait=False, cancel_futures=True)
        log.error("a push worker process died; started new ones")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _log_failure(fut: Future) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("push worker task failed: %r", fut.exception())
