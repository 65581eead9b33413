"""Write validated listings to the store in batches: upsert sellers and listings, keep snapshots.

Each batch is one transaction, and every write is keyed (platform, listing_id), (listing, content
hash), (source, record, field), so a run killed half-way and run again leaves exactly one row each.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, select, tuple_, update

from tisguard.spec.listing import Listing
from tisguard.store.dml import insert_ignore
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


def write_batch(engine: Engine, batch: list[Listing]) -> dict:
    """Store one batch; return counts and the listing primary keys by (platform, listing_id)."""
    now = datetime.now(UTC)
    dedup: dict[tuple[str, str], Listing] = {}
    for l in batch:
        dedup[l.key] = l
    stored = updated = unchanged = 0
    with engine.begin() as conn:
        seller_pk = upsert_sellers(conn, list(dedup.values()))
        existing = {
            (r.platform, r.listing_id): (r.id, r.content_hash)
            for r in conn.execute(
                select(listings.c.id, listings.c.platform, listings.c.listing_id, listings.c.content_hash).where(
                    tuple_(listings.c.platform, listings.c.listing_id).in_(list(dedup))
                )
            )
        }
        new_rows, upd_rows = [], []
        hashes = {}
        for key, l in dedup.items():
            h = content_hash(l)
            hashes[key] = h
            row = listing_row(l, seller_pk[(l.platform, l.seller.id)], h, now)
            if key in existing:
                updated += 1
                unchanged += existing[key][1] == h
                upd_rows.append({**{f"v_{k}": v for k, v in row.items()}, "b_id": existing[key][0]})
            else:
                stored += 1
                new_rows.append({**row, "first_seen": now})
        if new_rows:
            conn.execute(listings.insert(), new_rows)
        if upd_rows:
            cols = (
                [c for c in new_rows[0] if c != "first_seen"]
                if new_rows
                else [k[2:] for k in upd_rows[0] if k.startswith("v_")]
            )
            stmt = (
                update(listings)
                .where(listings.c.id == bindparam("b_id"))
                .values({c: bindparam(f"v_{c}") for c in cols})
            )
            conn.execute(stmt, upd_rows)
        pks = {
            (r.platform, r.listing_id): r.id
            for r in conn.execute(
                select(listings.c.id, listings.c.platform, listings.c.listing_id).where(
                    tuple_(listings.c.platform, listings.c.listing_id).in_(list(dedup))
                )
            )
        }
        snaps, imgs = [], []
        for key, l in dedup.items():
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
    return {"stored": stored, "updated": updated, "unchanged": unchanged, "pks": pks}
