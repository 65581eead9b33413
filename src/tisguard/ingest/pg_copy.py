"""Bulk ingest into PostgreSQL: each batch is COPYed into temporary staging tables and written with one
upsert per table, instead of one parameterised statement per row.

Same contract as `writer.write_batch` (which hands PostgreSQL batches here): one transaction per batch,
sellers inserted once, listings upserted by (platform, listing_id) with `first_seen` kept, one snapshot per
(listing, content hash), the image rows of listings already there replaced, and the same counts
(stored / updated / unchanged / duplicates). A value the server refuses (NUL in text, a number out of
range) surfaces as SQLAlchemy's `DataError`, so `ingest.pipeline` halves the batch down to the record and
rejects only that one, as on SQLite. Rows are written in key order so that concurrent writers (Spark
partitions ingesting in parallel) take row locks in the same order and cannot deadlock on each other.
"""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import exc

from tisguard.spec.listing import Listing
from tisguard.store.listings import content_hash, listing_row, seller_row

SELLER_COLS = ("platform", "seller_id", "name", "country", "juristic_id", "dbd_registered", "shop_url")
LISTING_COLS = (
    "platform",
    "listing_id",
    "seller_pk",
    "title",
    "description",
    "url",
    "price",
    "currency",
    "brand",
    "model",
    "platform_category",
    "attributes",
    "images",
    "sold_count",
    "captured_at",
    "extra",
    "content_hash",
    "last_seen",
    "ingest_run",
)
JSON_COLS = {"attributes", "images", "extra"}
_STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS tg_stage_sellers (platform text, seller_id text, name text, country text,"
    " juristic_id text, dbd_registered boolean, shop_url text) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS tg_stage_listings (platform text, listing_id text, seller_pk integer,"
    " title text, description text, url text, price double precision, currency text, brand text, model text,"
    " platform_category text, attributes json, images json, sold_count bigint, captured_at timestamptz,"
    " extra json, content_hash text, last_seen timestamptz, ingest_run integer) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS tg_stage_images (platform text, listing_id text, position integer,"
    " url text, path text) ON COMMIT DELETE ROWS",
)


def supports_copy(engine) -> bool:
    """COPY needs PostgreSQL through psycopg 3 (`postgresql+psycopg://`)."""
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


def _json(v) -> str:
    return orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS, default=str).decode("utf-8")


def _copy(cur, table: str, cols: tuple[str, ...], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _upsert_sellers(cur, batch: list[Listing]) -> dict[tuple[str, str], int]:
    rows = {(l.platform, l.seller.id): seller_row(l) for l in batch}
    _copy(cur, "tg_stage_sellers", SELLER_COLS, ([r[c] for c in SELLER_COLS] for _, r in sorted(rows.items())))
    cur.execute("ANALYZE tg_stage_sellers")
    cols = ", ".join(SELLER_COLS)
    cur.execute(
        f"INSERT INTO sellers ({cols}) SELECT DISTINCT ON (platform, seller_id) {cols} FROM tg_stage_sellers"
        " ORDER BY platform, seller_id ON CONFLICT (platform, seller_id) DO NOTHING"
    )
    cur.execute(
        "SELECT s.id, s.platform, s.seller_id FROM sellers s JOIN tg_stage_sellers t"
        " ON t.platform = s.platform AND t.seller_id = s.seller_id"
    )
    found = {(p, sid): pk for pk, p, sid in cur.fetchall()}
    cur.execute("TRUNCATE tg_stage_sellers")
    return found


def _write_round(cur, rnd: dict, seller_pk: dict, now: datetime, run_id, counts: dict, later: bool) -> dict:
    rows, hashes, images = [], {}, []
    for key in sorted(rnd):
        l = rnd[key]
        h = hashes[key] = content_hash(l)
        row = {**listing_row(l, seller_pk[(l.platform, l.seller.id)], h, now), "ingest_run": run_id}
        rows.append([_json(row[c]) if c in JSON_COLS else row[c] for c in LISTING_COLS])
        images.extend([l.platform, l.listing_id, i, im.url, im.path] for i, im in enumerate(l.images))
    _copy(cur, "tg_stage_listings", LISTING_COLS, rows)
    cur.execute("ANALYZE tg_stage_listings")  # row count known: index joins into listings at any store size
    cur.execute(
        "SELECT l.id, l.platform, l.listing_id, l.content_hash, l.ingest_run FROM listings l"
        " JOIN tg_stage_listings s ON s.platform = l.platform AND s.listing_id = l.listing_id"
    )
    existing = {(p, lid): (pk, old_hash, old_run) for pk, p, lid, old_hash, old_run in cur.fetchall()}
    for key in rnd:
        old = existing.get(key)
        if old is None:
            counts["stored"] += 1
        elif later or (run_id is not None and old[2] == run_id):
            counts["duplicates"] += 1
        elif old[1] == hashes[key]:
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
    cols = ", ".join(LISTING_COLS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in LISTING_COLS if c not in ("platform", "listing_id"))
    # one statement: the upsert, and the snapshots joined to its RETURNING rows in memory (no second index
    # look-up of every listing by key)
    cur.execute(
        f"WITH up AS (INSERT INTO listings ({cols}, first_seen) SELECT {cols}, last_seen FROM tg_stage_listings"
        f" ORDER BY platform, listing_id ON CONFLICT (platform, listing_id) DO UPDATE SET {updates}"
        " RETURNING id, platform, listing_id),"
        " snap AS (INSERT INTO listing_snapshots (listing_pk, content_hash, captured_at, title, price, description)"
        " SELECT up.id, s.content_hash, s.captured_at, s.title, s.price, s.description FROM up"
        " JOIN tg_stage_listings s ON s.platform = up.platform AND s.listing_id = up.listing_id"
        " ORDER BY up.id ON CONFLICT (listing_pk, content_hash) DO NOTHING)"
        " SELECT id, platform, listing_id FROM up"
    )
    pks = {(p, lid): pk for pk, p, lid in cur.fetchall()}
    if existing:
        cur.execute("DELETE FROM listing_images WHERE listing_pk = ANY(%s)", ([v[0] for v in existing.values()],))
    if images:
        _copy(cur, "tg_stage_images", ("platform", "listing_id", "position", "url", "path"), images)
        cur.execute("ANALYZE tg_stage_images")
        cur.execute(
            "INSERT INTO listing_images (listing_pk, position, url, path)"
            " SELECT l.id, i.position, i.url, i.path FROM tg_stage_images i"
            " JOIN listings l ON l.platform = i.platform AND l.listing_id = i.listing_id"
            " ORDER BY l.id, i.position ON CONFLICT (listing_pk, position) DO NOTHING"
        )
        cur.execute("TRUNCATE tg_stage_images")
    cur.execute("TRUNCATE tg_stage_listings")
    return pks


def write_batch_copy(engine, rounds: list[dict], batch: list[Listing], now: datetime, run_id: int | None) -> dict:
    """`writer.write_batch` for PostgreSQL: `rounds` are the batch's records split as the writer splits them
    (round k holds the (k+1)-th record of each listing)."""
    import psycopg

    counts = {"stored": 0, "updated": 0, "unchanged": 0, "duplicates": 0}
    pks: dict[tuple[str, str], int] = {}
    try:
        with engine.begin() as conn:
            with conn.connection.driver_connection.cursor() as cur:
                for ddl in _STAGE_DDL:
                    cur.execute(ddl)
                seller_pk = _upsert_sellers(cur, batch)
                for k, rnd in enumerate(rounds):
                    pks.update(_write_round(cur, rnd, seller_pk, now, run_id, counts, later=k > 0))
    except psycopg.DataError as e:  # the store refused a value: the ingest run isolates the record
        raise exc.DataError("COPY listings batch", None, e) from e
    return {**counts, "pks": pks}
