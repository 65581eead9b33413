"""Investigation follow-ups of a platform's push, out of the request.

A pushed batch can change the investigation evidence of listings stored earlier (a near-duplicate group
gains a member, a licence becomes shared). Re-assessing them is work proportional to the group, not to the
batch, so a push only records *which* listings to look at again (`enqueue`: one row per listing in
`follow_up_jobs`, repeated requests coalesce) and answers. `drain` does the work later: in the web app's
push worker after each push, or with `tisguard investigation follow-up`. A row is deleted only after its
listing was re-assessed, and re-assessing twice is harmless, so a crash loses nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine as DbEngine
from sqlalchemy import delete, func, select, tuple_

from tisguard.detect.engine import Engine
from tisguard.pipeline import investigation
from tisguard.spec.listing import Listing
from tisguard.store.dml import insert_ignore
from tisguard.store.tables import follow_up_jobs, listings

DRAIN_CHUNK = 500


def enqueue(db: DbEngine, engine: Engine, batch: list[Listing]) -> int:
    """Queue the stored listings whose investigation evidence `batch` may have changed; returns how many
    keys were found (already queued ones are not queued twice)."""
    keys = investigation.follow_up_keys(db, engine, batch)
    if not keys:
        return 0
    now = datetime.now(UTC)
    for i in range(0, len(keys), DRAIN_CHUNK):
        chunk = keys[i : i + DRAIN_CHUNK]
        with db.begin() as conn:
            pks = conn.execute(
                select(listings.c.id).where(tuple_(listings.c.platform, listings.c.listing_id).in_(chunk))
            ).scalars()
            rows = [{"listing_pk": pk, "reason": "push", "enqueued_at": now} for pk in pks]
            insert_ignore(conn, follow_up_jobs, rows, ["listing_pk"])
    return len(keys)


def drain(db: DbEngine, engine: Engine, limit: int | None = None) -> tuple[int, int]:
    """Re-assess queued listings, oldest first, until the queue is empty (or `limit` rows were done);
    returns (rows done, assessments that changed)."""
    done = changed = 0
    while limit is None or done < limit:
        take = DRAIN_CHUNK if limit is None else min(DRAIN_CHUNK, limit - done)
        with db.connect() as conn:
            rows = conn.execute(
                select(follow_up_jobs.c.id, listings.c.platform, listings.c.listing_id)
                .join(listings, listings.c.id == follow_up_jobs.c.listing_pk)
                .order_by(follow_up_jobs.c.id)
                .limit(take)
            ).all()
        if not rows:
            break
        changed += investigation.reassess(db, engine, sorted({(r.platform, r.listing_id) for r in rows}))
        with db.begin() as conn:
            conn.execute(delete(follow_up_jobs).where(follow_up_jobs.c.id.in_([r.id for r in rows])))
        done += len(rows)
    return done, changed


def pending(db: DbEngine) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(follow_up_jobs)).scalar_one()
