"""Scans that use the store: a file is ingested then assessed batch by batch; or the store is rescanned."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from tisguard.config import Settings
from tisguard.detect.engine import Engine
from tisguard.ingest.pipeline import ingest_file
from tisguard.ingest.writer import content_hash
from tisguard.spec.listing import Listing
from tisguard.store.assessments import save_assessments
from tisguard.store.tables import listings, sellers


def scan_file_into_store(
    db: DbEngine, settings: Settings, engine: Engine, path: Path, write: Callable, progress
) -> dict:
    def on_batch(batch: list[Listing], pks: dict) -> None:
        rows = []
        for l, a in zip(batch, engine.assess_many(batch)):
            write(a)
            rows.append((pks[l.key], l, content_hash(l), a))
        save_assessments(db, rows)

    return ingest_file(db, path, settings.rejects_dir, on_batch=on_batch, progress=progress).as_dict()


def stored_listing(row) -> Listing:
    m = row._mapping
    return Listing.model_validate(
        {
            "platform": m["platform"],
            "listing_id": m["listing_id"],
            "title": m["title"],
            "description": m["description"],
            "url": m["url"],
            "price": m["price"],
            "currency": m["currency"] or "THB",
            "brand": m["brand"],
            "model": m["model"],
            "platform_category": m["platform_category"],
            "attributes": m["attributes"] or {},
            "images": m["images"] or [],
            "sold_count": m["sold_count"],
            "captured_at": m["captured_at"],
            "seller": {
                k: v
                for k, v in {
                    "id": m["s_id"],
                    "name": m["s_name"],
                    "country": m["s_country"],
                    "juristic_id": m["s_jid"],
                    "dbd_registered": m["s_dbd"],
                    "shop_url": m["s_url"],
                }.items()
                if v is not None
            },
            **(m["extra"] or {}),
        }
    )


def listing_query():
    return select(
        listings,
        sellers.c.seller_id.label("s_id"),
        sellers.c.name.label("s_name"),
        sellers.c.country.label("s_country"),
        sellers.c.juristic_id.label("s_jid"),
        sellers.c.dbd_registered.label("s_dbd"),
        sellers.c.shop_url.label("s_url"),
    ).join(sellers, sellers.c.id == listings.c.seller_pk)


def scan_store(db: DbEngine, engine: Engine, write: Callable, progress, batch_size: int = 1000) -> int:
    n, last_id = 0, 0
    while True:
        with db.connect() as conn:
            rows = conn.execute(
                listing_query().where(listings.c.id > last_id).order_by(listings.c.id).limit(batch_size)
            ).all()
        if not rows:
            return n
        out = []
        batch = [stored_listing(r) for r in rows]
        for r, l, a in zip(rows, batch, engine.assess_many(batch)):
            write(a)
            out.append((r.id, l, r.content_hash, a))
        save_assessments(db, out)
        last_id = rows[-1].id
        n += len(rows)
        progress(n)
