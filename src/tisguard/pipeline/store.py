"""Assess a batch of listings and keep the result: the one "assess and store" step."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine as DbEngine

from tisguard.detect.engine import Engine
from tisguard.detect.evidence import Assessment
from tisguard.ingest.writer import write_batch
from tisguard.spec.listing import Listing
from tisguard.store.assessments import save_assessments
from tisguard.store.listings import content_hash

Key = tuple[str, str]
# What follows an assessed batch for the listings stored before it: re-assess them now (the default, for
# files, rescans and Spark) or queue them (a platform's push: pipeline.follow_up_queue.enqueue).
FollowUp = Callable[[DbEngine, Engine, list[Listing]], int]


def assess_stored(
    db: DbEngine, engine: Engine, batch: list[Listing], pks: dict[Key, int], follow_up: FollowUp | None = None
) -> list[Assessment]:
    """Assess listings already in the store (`pks`: their primary keys) and keep the assessments. The
    batch joins the investigation index first; earlier listings whose investigation evidence it changed
    are assessed again after, or queued by `follow_up` (see pipeline.investigation)."""
    from tisguard.pipeline import investigation

    investigation.prepare_batch(db, engine, batch, pks)
    assessed = engine.assess_many(batch)
    save_assessments(db, [(pks[l.key], l, content_hash(l), a) for l, a in zip(batch, assessed)])
    (follow_up or investigation.follow_up)(db, engine, batch)
    return assessed


def assess_and_store(
    db: DbEngine, engine: Engine, batch: list[Listing], follow_up: FollowUp | None = None
) -> dict[Key, Assessment]:
    """Write the listings (sellers, snapshots), assess them and keep the assessments; by listing key."""
    written = write_batch(db, batch)
    return {l.key: a for l, a in zip(batch, assess_stored(db, engine, batch, written["pks"], follow_up))}
