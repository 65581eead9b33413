"""Listings by their natural key (platform, listing_id): one look-up for every writer and reader.

On PostgreSQL through psycopg 3 the keys of a batch go as one JSON array joined to the unique index: a
row-value IN list of a thousand keys cost milliseconds to compile and to plan per batch (issue 15, at a
million listings the look-up was a fifth of the write-back). Elsewhere (SQLite) an IN list in chunks.
"""

from __future__ import annotations

import orjson
from sqlalchemy import Engine, select, tuple_

from tisguard.store.tables import listings

Key = tuple[str, str]
CHUNK = 500  # keys per IN list where there is no JSON array join


def supports_copy(engine) -> bool:
    """COPY (and the driver-level cursor the fast paths use) needs PostgreSQL through psycopg 3."""
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


def keys_json(keys: list[Key]) -> str:
    """A batch's keys as one JSON array of [platform, id] pairs: one orjson call, where psycopg's array
    adapter spends microseconds per element in Python."""
    return orjson.dumps(keys).decode("utf-8")


def listing_pks(db: Engine, keys: list[Key]) -> dict[Key, int]:
    """(platform, listing_id) → primary key, for the keys that are in the store."""
    out: dict[Key, int] = {}
    if not keys:
        return out
    if supports_copy(db):
        with db.connect() as conn, conn.connection.driver_connection.cursor() as cur:
            cur.execute(
                "SELECT l.id, l.platform, l.listing_id FROM json_array_elements(%s::json) AS k(pair)"
                " JOIN listings l ON l.platform = k.pair->>0 AND l.listing_id = k.pair->>1",
                (keys_json(keys),),
            )
            return {(p, lid): pk for pk, p, lid in cur.fetchall()}
    with db.connect() as conn:
        for i in range(0, len(keys), CHUNK):
            q = select(listings.c.id, listings.c.platform, listings.c.listing_id).where(
                tuple_(listings.c.platform, listings.c.listing_id).in_(keys[i : i + CHUNK])
            )
            out.update({(r.platform, r.listing_id): r.id for r in conn.execute(q)})
    return out
