"""Write validated listings to the store in batches: upsert sellers and listings, keep snapshots.

Each batch is one transaction, and every write is keyed (platform, listing_id), (listing, content
hash), (source, record, field), so a run killed half-way and run again leaves exactly one row each.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, delete, select, tuple_, update

from tisguard.ingest import pg_copy
from tisguard.spec.listing import Listing
from tisguard.store.dml import insert_ignore
from tisguard.store.listing_keys import supports_copy
from tisguard.store.listings import content_hash, listing_row, seller_row
from tisguard.store.tables import listing_images, listing_snapshots, listings, sellers


def upsert_sellers(conn, batch: list[Listing]) -> dict[tuple[str, str], int]:
    rows = {(l.platform, l.seller.id): seller_row(l) for l in batch}
    insert_ignore(conn, sellers, list(rows.values()), ["platform", "seller_id"])
    keys = list(rows)
    found = conn.execute(
        select(sellers.c.id, sellers.c.platform, sellers.c.seller_id).where(
            tuple_(sellers.c.platform, sellers.c.seller_id).in_(keys)
        )
    ).all()
    return {(r.platform, r.seller_id): r.id for r in found}


def write_batch(engine: Engine, batch: list[Listing], run_id: int | None = None) -> dict:
    """Store one batch in one transaction; return counts and the listing primary keys by (platform, listing_id).

    Records are written in their order: when a listing appears twice, the second record is written after
    the first, so both snapshots are kept and the last content is the listing's. Every record is counted
    once: `stored` (a new listing), `updated` (its content changed), `unchanged`, or `duplicates` (a later
    record for a listing already written in this batch or, given `run_id`, earlier in the same run)."""
    now = datetime.now(UTC)
    rounds: list[dict[tuple[str, str], Listing]] = []  # round k: the (k+1)-th record of each listing
    seen: dict[tuple[str, str], int] = {}
    for l in batch:
        k = seen.get(l.key, 0)
        seen[l.key] = k + 1
        if k == len(rounds):
            rounds.append({})
        rounds[k][l.key] = l
    if supports_copy(engine):  # PostgreSQL: COPY into staging tables, one upsert per table
        return pg_copy.write_batch_copy(engine, rounds, batch, now, run_id)
    counts = {"stored": 0, "updated": 0, "unchanged": 0, "duplicates": 0}
    pks: dict[tuple[str, str], int] = {}
    with engine.begin() as conn:
        seller_pk = upsert_sellers(conn, batch)
        for k, listings_of_round in enumerate(rounds):
            pks.update(_write_round(conn, listings_of_round, seller_pk, now, run_id, counts, later=k > 0))
    return {**counts, "pks": pks}


def _write_round(conn, rnd: dict, seller_pk: dict, now: datetime, run_id: int | None, counts: dict, later: bool):
    """Write at most one record per listing: insert new listings, update existing ones, keep snapshots,
    replace the image rows of listings that were already there (no stale positions or URLs)."""
    keys = list(rnd)
    existing = {
        (r.platform, r.listing_id): r
        for r in conn.execute(
            select(
                listings.c.id,
                listings.c.platform,
                listings.c.listing_id,
                listings.c.content_hash,
                listings.c.ingest_run,
            ).where(tuple_(listings.c.platform, listings.c.listing_id).in_(keys))
        )
    }
    new_rows, upd_rows, hashes = [], [], {}
    for key, l in rnd.items():
        h = hashes[key] = content_hash(l)
        row = {**listing_row(l, seller_pk[(l.platform, l.seller.id)], h, now), "ingest_run": run_id}
        old = existing.get(key)
        if old is None:
            counts["stored"] += 1
            new_rows.append({**row, "first_seen": now})
            continue
        if later or (run_id is not None and old.ingest_run == run_id):
            counts["duplicates"] += 1
        elif old.content_hash == h:
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
        upd_rows.append({**{f"v_{c}": v for c, v in row.items()}, "b_id": old.id})
    if new_rows:
        conn.execute(listings.insert(), new_rows)
    if upd_rows:
        cols = [c[2:] for c in upd_rows[0] if c.startswith("v_")]
        stmt = update(listings).where(listings.c.id == bindparam("b_id")).values({c: bindparam(f"v_{c}") for c in cols})
        conn.execute(stmt, upd_rows)
        conn.execute(delete(listing_images).where(listing_images.c.listing_pk.in_([r.id for r in existing.values()])))
    pks = {
        (r.platform, r.listing_id): r.id
        for r in conn.execute(
            select(listings.c.id, listings.c.platform, listings.c.listing_id).where(
                tuple_(listings.c.platform, listings.c.listing_id).in_(keys)
            )
        )
    }
    snaps, imgs = [], []
    for key, l in rnd.items():
        snaps.append(
            {
                "listing_pk": pks[key],
                "content_hash": hashes[key],
                "captured_at": l.captured_at or now,
                "title": l.title,
                "price": l.price,
                "description": l.description,
            }
        )
        imgs.extend(
            {"listing_pk": pks[key], "position": i, "url": im.url, "path": im.path} for i, im in enumerate(l.images)
        )
    insert_ignore(conn, listing_snapshots, snaps, ["listing_pk", "content_hash"])
    insert_ignore(conn, listing_images, imgs, ["listing_pk", "position"])
    return pks
