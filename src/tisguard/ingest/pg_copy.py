"""Bulk ingest into PostgreSQL with COPY, instead of one parameterised statement per row.

Same contract as `writer.write_batch` (which hands PostgreSQL batches here): one transaction per batch,
sellers inserted once, listings upserted by (platform, listing_id) with `first_seen` kept, one snapshot per
(listing, content hash), the image rows of listings already there replaced, and the same counts
(stored / updated / unchanged / duplicates).

Two paths per batch, chosen by one look-up of the batch's keys:
- listings not in the store yet (a first crawl; most of a national ingest) are COPYed straight into
  `listings`, `listing_snapshots` and `listing_images`, ids drawn from the sequence beforehand: each row is
  written once, with no staging table and no upsert;
- listings already stored (a rescan) go through a temporary staging table and one upsert per table.
If another writer (a parallel Spark partition) stores one of the "new" listings between the look-up and the
COPY, the unique index refuses it and the batch is written again through the upsert alone.

COPY is binary (no text escaping on either side: about a third of the client's and the server's COPY cost),
except for a batch with a capture time without a time zone, which keeps the text format so the server reads
it in its own time zone as it always has. A value the server refuses (NUL in text, a number out of range)
surfaces as SQLAlchemy's `DataError`, so `ingest.pipeline` halves the batch down to the record and rejects
only that one, as on SQLite. Rows are written in key order so that concurrent writers take row locks in the
same order and cannot deadlock on each other.
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter

import orjson
from sqlalchemy import exc

from tisguard.spec.listing import Listing
from tisguard.store.listing_keys import keys_json
from tisguard.store.listings import content_hash, listing_row, seller_row

SELLER_COLS = ("platform", "seller_id", "name", "country", "juristic_id", "dbd_registered", "shop_url")
# (column, type of its binary COPY value); JSON columns travel as text, which is their binary format too
LISTING_TYPES = (
    ("platform", "text"),
    ("listing_id", "text"),
    ("seller_pk", "int4"),
    ("title", "text"),
    ("description", "text"),
    ("url", "text"),
    ("price", "float8"),
    ("currency", "text"),
    ("brand", "text"),
    ("model", "text"),
    ("platform_category", "text"),
    ("attributes", "text"),
    ("images", "text"),
    ("sold_count", "int8"),
    ("captured_at", "timestamptz"),
    ("extra", "text"),
    ("content_hash", "text"),
    ("last_seen", "timestamptz"),
    ("ingest_run", "int4"),
)
LISTING_COLS = tuple(c for c, _ in LISTING_TYPES)
JSON_COLS = {"attributes", "images", "extra"}
_JSON_AT = tuple(i for i, c in enumerate(LISTING_COLS) if c in JSON_COLS)
_ROW = itemgetter(*LISTING_COLS)
_CAPTURED_AT = LISTING_COLS.index("captured_at")
_LAST_SEEN = LISTING_COLS.index("last_seen")
SNAPSHOT_COLS = ("listing_pk", "content_hash", "captured_at", "title", "price", "description")
_SNAPSHOT_AT = tuple(LISTING_COLS.index(c) for c in SNAPSHOT_COLS[1:])
_TYPE = dict(LISTING_TYPES) | {
    "id": "int4",
    "listing_pk": "int4",
    "first_seen": "timestamptz",
    "position": "int4",
    "path": "text",
}
IMAGE_COLS = ("listing_pk", "position", "url", "path")
STAGE_IMAGE_COLS = ("platform", "listing_id", "position", "url", "path")
_STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS tg_stage_listings (platform text, listing_id text, seller_pk integer,"
    " title text, description text, url text, price double precision, currency text, brand text, model text,"
    " platform_category text, attributes json, images json, sold_count bigint, captured_at timestamptz,"
    " extra json, content_hash text, last_seen timestamptz, ingest_run integer) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS tg_stage_images (platform text, listing_id text, position integer,"
    " url text, path text) ON COMMIT DELETE ROWS",
)


def _json(v) -> str:
    return orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS, default=str).decode("utf-8")


def _copy(cur, table: str, cols: tuple[str, ...], rows, binary: bool = True) -> None:
    fmt = " (FORMAT BINARY)" if binary else ""
    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN{fmt}") as cp:
        if binary:
            cp.set_types([_TYPE[c] for c in cols])
        for row in rows:
            cp.write_row(row)


def _seller_pks(cur, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    cur.execute(
        "SELECT s.id, s.platform, s.seller_id FROM json_array_elements(%s::json) AS k(pair)"
        " JOIN sellers s ON s.platform = k.pair->>0 AND s.seller_id = k.pair->>1",
        (keys_json(keys),),
    )
    return {(p, sid): pk for pk, p, sid in cur.fetchall()}


def _upsert_sellers(cur, batch: list[Listing]) -> dict[tuple[str, str], int]:
    """The batch's sellers' primary keys; sellers not stored yet are inserted (a seller is written once, as
    on SQLite: later records do not change it). Sellers recur across batches, so most are only looked up."""
    last = {(l.platform, l.seller.id): l for l in batch}  # a seller's row from its last record, as on SQLite
    found = _seller_pks(cur, sorted(last))
    missing = sorted(k for k in last if k not in found)
    if missing:
        cols = ", ".join(SELLER_COLS)
        rows = {k: seller_row(last[k]) for k in missing}
        arrays = [[rows[k][c] for k in missing] for c in SELLER_COLS]
        types = ["boolean" if c == "dbd_registered" else "text" for c in SELLER_COLS]
        cur.execute(
            f"INSERT INTO sellers ({cols}) SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})"
            f" ON CONFLICT (platform, seller_id) DO NOTHING",
            arrays,
        )
        found.update(_seller_pks(cur, missing))  # also those another writer inserted meanwhile
    return found


def _existing(cur, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str, int | None]]:
    """(platform, listing_id) → (pk, content hash, ingest run) of the keys already stored: one index probe per
    key, whatever the size of the store."""
    cur.execute(
        "SELECT l.id, l.platform, l.listing_id, l.content_hash, l.ingest_run FROM json_array_elements(%s::json)"
        " AS k(pair) JOIN listings l ON l.platform = k.pair->>0 AND l.listing_id = k.pair->>1",
        (keys_json(keys),),
    )
    return {(p, lid): (pk, h, run) for pk, p, lid, h, run in cur.fetchall()}


def _copy_rows(rnd: dict, keys: list, seller_pk: dict, hashes: dict, now: datetime, run_id) -> tuple[list, list]:
    """COPY rows of `listings` (LISTING_COLS) and the image rows (platform, listing_id, position, url, path)."""
    rows, images = [], []
    for key in keys:
        l = rnd[key]
        row = listing_row(l, seller_pk[(l.platform, l.seller.id)], hashes[key], now)
        row["ingest_run"] = run_id
        r = list(_ROW(row))
        for i in _JSON_AT:
            r[i] = _json(r[i])
        rows.append(r)
        if l.images:
            images.extend([l.platform, l.listing_id, i, im.url, im.path] for i, im in enumerate(l.images))
    return rows, images


def _all_aware(rows: list) -> bool:
    """Binary COPY needs time-zone-aware capture times (a naive one is read by the server in its time zone)."""
    return all(r[_CAPTURED_AT].tzinfo is not None for r in rows)


def _insert_new(cur, rnd: dict, keys: list, seller_pk: dict, hashes: dict, now: datetime, run_id) -> dict:
    """Listings not in the store yet: COPY straight into `listings` (ids drawn from its sequence first),
    `listing_snapshots` and `listing_images`: each row is written once, by its table's own COPY."""
    cur.execute(
        "SELECT nextval(q.seq) FROM (SELECT pg_get_serial_sequence('listings', 'id') AS seq) q, generate_series(1, %s)",
        (len(keys),),
    )
    ids = [r[0] for r in cur.fetchall()]
    rows, images = _copy_rows(rnd, keys, seller_pk, hashes, now, run_id)
    pks = dict(zip(keys, ids))
    binary = _all_aware(rows)
    _copy(
        cur,
        "listings",
        ("id", *LISTING_COLS, "first_seen"),
        ([pk, *r, r[_LAST_SEEN]] for pk, r in zip(ids, rows)),
        binary,
    )
    _copy(
        cur,
        "listing_snapshots",
        SNAPSHOT_COLS,
        ([pk, *(r[i] for i in _SNAPSHOT_AT)] for pk, r in zip(ids, rows)),
        binary,
    )
    if images:
        _copy(cur, "listing_images", IMAGE_COLS, ([pks[(p, lid)], *rest] for p, lid, *rest in images))
    return pks


def _upsert(cur, rnd: dict, keys: list, seller_pk: dict, hashes: dict, now: datetime, run_id, existing) -> dict:
    """Listings that may be stored already: COPY into the staging table, one upsert (snapshots joined to its
    RETURNING rows), the image rows of the listings that were there replaced."""
    for ddl in _STAGE_DDL:
        cur.execute(ddl)
    rows, images = _copy_rows(rnd, keys, seller_pk, hashes, now, run_id)
    _copy(cur, "tg_stage_listings", LISTING_COLS, rows, _all_aware(rows))
    cur.execute("ANALYZE tg_stage_listings")  # row count known: index joins into listings at any store size
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
    old = [existing[k][0] for k in keys if k in existing]
    if old:
        cur.execute("DELETE FROM listing_images WHERE listing_pk = ANY(%s)", (old,))
    if images:
        _copy(cur, "tg_stage_images", STAGE_IMAGE_COLS, images)
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


def _write_round(cur, rnd: dict, seller_pk: dict, now: datetime, run_id, counts: dict, later: bool, direct: bool):
    """One record per listing: new listings by plain COPY (`direct`), the others by the staging upsert."""
    keys = sorted(rnd)  # key order: concurrent writers lock rows in the same order
    hashes = {k: content_hash(rnd[k]) for k in keys}
    existing = _existing(cur, keys)
    for key in keys:
        old = existing.get(key)
        if old is None:
            counts["stored"] += 1
        elif later or (run_id is not None and old[2] == run_id):
            counts["duplicates"] += 1
        elif old[1] == hashes[key]:
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
    fresh = [k for k in keys if k not in existing] if direct else []
    pks = _insert_new(cur, rnd, fresh, seller_pk, hashes, now, run_id) if fresh else {}
    rest = [k for k in keys if k not in pks]
    if rest:
        pks.update(_upsert(cur, rnd, rest, seller_pk, hashes, now, run_id, existing))
    return pks


def write_batch_copy(engine, rounds: list[dict], batch: list[Listing], now: datetime, run_id: int | None) -> dict:
    """`writer.write_batch` for PostgreSQL: `rounds` are the batch's records split as the writer splits them
    (round k holds the (k+1)-th record of each listing)."""
    import psycopg

    try:
        return _write_batch(engine, rounds, batch, now, run_id, direct=True)
    except psycopg.errors.UniqueViolation:  # another writer stored one of the new listings since the look-up
        return _write_batch(engine, rounds, batch, now, run_id, direct=False)


def _write_batch(engine, rounds: list[dict], batch: list[Listing], now: datetime, run_id, direct: bool) -> dict:
    import psycopg

    counts = {"stored": 0, "updated": 0, "unchanged": 0, "duplicates": 0}
    pks: dict[tuple[str, str], int] = {}
    try:
        with engine.begin() as conn:
            with conn.connection.driver_connection.cursor() as cur:
                seller_pk = _upsert_sellers(cur, batch)
                for k, rnd in enumerate(rounds):
                    pks.update(_write_round(cur, rnd, seller_pk, now, run_id, counts, k > 0, direct))
    except psycopg.DataError as e:  # the store refused a value: the ingest run isolates the record
        raise exc.DataError("COPY listings batch", None, e) from e
    return {**counts, "pks": pks}
