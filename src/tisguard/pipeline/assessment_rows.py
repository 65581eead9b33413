"""Assessments as flat rows, written in bulk: to PostgreSQL with COPY, to any store with Core inserts, to
Parquet and back. What Spark partitions write (pipeline.spark_store).

Writing is idempotent by (listing, engine version): a row of the same listing and engine version that no
decision refers to is replaced, so a scan run twice leaves one row each; the new row becomes the listing's
latest. The priority is computed as `store.assessments.save_assessments` computes it, and the listing's
reference refs (`store.refs`) are replaced in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import Engine as DbEngine
from sqlalchemy import and_, delete, exists, select, tuple_, update

from tisguard.detect.evidence import Assessment
from tisguard.ingest.pg_copy import supports_copy
from tisguard.spec.listing import Listing
from tisguard.store.assessments import assessment_values
from tisguard.store.queue_state import refresh_settled
from tisguard.store.refs import refs_from, replace_refs
from tisguard.store.tables import assessments, decisions, listings

COLS = (
    "content_hash",
    "verdict",
    "tis_number",
    "risk",
    "priority",
    "reasons",
    "evidence",
    "waterfall",
    "engine_version",
)
JSON_COLS = ("reasons", "evidence", "waterfall")


def assessment_row(pk: int | None, listing: Listing, chash: str, a: Assessment) -> dict:
    """The stored form of one assessment, with its listing's key and brand (for refs and for Parquet)."""
    return {
        **assessment_values(pk, listing, chash, a),
        "platform": listing.platform,
        "listing_id": listing.listing_id,
        "brand": listing.brand,
    }


def _dedupe(rows: list[dict]) -> list[dict]:
    """One row per listing (the last), in primary-key order (concurrent writers lock in the same order)."""
    return sorted(
        {r["listing_pk"]: r for r in rows if r["listing_pk"] is not None}.values(), key=lambda r: r["listing_pk"]
    )


def _json(v) -> str:
    return orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY, default=str).decode("utf-8")


def _refs(rows: list[dict]) -> dict[int, set]:
    return {r["listing_pk"]: refs_from(r["brand"], [e.get("value") for e in r["evidence"]]) for r in rows}


_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS tg_stage_assess (listing_pk integer, content_hash text, verdict text,"
    " tis_number text, risk double precision, priority double precision, reasons json, evidence json,"
    " waterfall json, engine_version text) ON COMMIT DELETE ROWS",
)


def _save_copy(db: DbEngine, rows: list[dict], now: datetime) -> None:
    """COPY into a staging table; the deletes and updates go by primary-key arrays (index look-ups whatever
    the planner guesses about the staging table)."""
    cols = ("listing_pk", *COLS)
    with db.begin() as conn, conn.connection.driver_connection.cursor() as cur:
        for ddl in _STAGE:
            cur.execute(ddl)
        with cur.copy(f"COPY tg_stage_assess ({', '.join(cols)}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row([_json(r[c]) if c in JSON_COLS else r[c] for c in cols])
        pks = [r["listing_pk"] for r in rows]
        for version in sorted({r["engine_version"] for r in rows}):
            same = [r["listing_pk"] for r in rows if r["engine_version"] == version]
            cur.execute(
                "DELETE FROM assessments a WHERE a.listing_pk = ANY(%s) AND a.engine_version = %s"
                " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.assessment_pk = a.id)",
                (same, version),
            )
        cur.execute("UPDATE assessments SET is_latest = false WHERE listing_pk = ANY(%s) AND is_latest", (pks,))
        cur.execute(
            f"INSERT INTO assessments (listing_pk, {', '.join(COLS)}, created_at, is_latest)"
            f" SELECT listing_pk, {', '.join(COLS)}, %s, true FROM tg_stage_assess ORDER BY listing_pk",
            (now,),
        )
        refresh_settled(conn, pks)  # decided listings stay out of the queue's index (store/queue_state.py)
        cur.execute("DELETE FROM listing_refs WHERE listing_pk = ANY(%s)", (pks,))
        with cur.copy("COPY listing_refs (listing_pk, kind, ref) FROM STDIN") as cp:
            for pk, refs in sorted(_refs(rows).items()):
                for k, ref in sorted(refs):
                    cp.write_row((pk, k, ref))
        cur.execute("TRUNCATE tg_stage_assess")


def _save_core(db: DbEngine, rows: list[dict], now: datetime) -> None:
    pks = [r["listing_pk"] for r in rows]
    keys = [(r["listing_pk"], r["engine_version"]) for r in rows]
    undecided = ~exists().where(decisions.c.assessment_pk == assessments.c.id)
    with db.begin() as conn:
        for i in range(0, len(rows), 500):
            conn.execute(
                delete(assessments).where(
                    tuple_(assessments.c.listing_pk, assessments.c.engine_version).in_(keys[i : i + 500]), undecided
                )
            )
            conn.execute(
                update(assessments)
                .where(and_(assessments.c.listing_pk.in_(pks[i : i + 500]), assessments.c.is_latest.is_(True)))
                .values(is_latest=False)
            )
        conn.execute(
            assessments.insert(),
            [
                {"listing_pk": r["listing_pk"], **{c: r[c] for c in COLS}, "created_at": now, "is_latest": True}
                for r in rows
            ],
        )
        replace_refs(conn, _refs(rows))
        refresh_settled(conn, pks)


def save_rows(db: DbEngine, rows: list[dict]) -> int:
    """Write assessment rows (those with a `listing_pk`); returns how many were written."""
    rows = _dedupe(rows)
    if rows:
        (_save_copy if supports_copy(db) else _save_core)(db, rows, datetime.now(UTC))
    return len(rows)


def listing_pks(db: DbEngine, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(platform, listing_id) → primary key, for the keys that are in the store."""
    out: dict[tuple[str, str], int] = {}
    with db.connect() as conn:
        for i in range(0, len(keys), 1000):
            q = select(listings.c.id, listings.c.platform, listings.c.listing_id).where(
                tuple_(listings.c.platform, listings.c.listing_id).in_(keys[i : i + 1000])
            )
            out.update({(r.platform, r.listing_id): r.id for r in conn.execute(q)})
    return out


# --- Parquet: what a Spark scan without a store connection writes, and `load_parquet` brings in later ---

PARQUET_JSON = ("reasons", "evidence", "waterfall")


def write_parquet(path: Path, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = ("platform", "listing_id", "brand", *COLS)
    table = pa.table(
        {c: [_json(r[c]) if c in PARQUET_JSON else r[c] for r in rows] for c in cols},
        schema=pa.schema(
            [(c, pa.float64() if c in ("risk", "priority") else pa.string()) for c in cols],
            metadata={"tisguard": "assessments-v1"},
        ),
    )
    pq.write_table(table, path, compression="zstd")


def load_parquet(db: DbEngine, path: Path, batch_rows: int = 5000) -> dict:
    """Load assessment Parquet files (a file or a folder of them) into the store, idempotently; listings not
    in the store are counted, not written."""
    import pyarrow.parquet as pq

    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    counts = {"rows": 0, "written": 0, "not_in_store": 0}
    for f in files:
        pf = pq.ParquetFile(f)
        if (pf.schema_arrow.metadata or {}).get(b"tisguard") != b"assessments-v1":
            raise ValueError(f"{f}: not a tisguard assessments Parquet file (schema metadata 'tisguard' missing)")
        for rb in pf.iter_batches(batch_size=batch_rows):
            rows = rb.to_pylist()
            for r in rows:
                for c in PARQUET_JSON:
                    r[c] = orjson.loads(r[c])
            pks = listing_pks(db, [(r["platform"], r["listing_id"]) for r in rows])
            for r in rows:
                r["listing_pk"] = pks.get((r["platform"], r["listing_id"]))
            counts["rows"] += len(rows)
            counts["not_in_store"] += sum(r["listing_pk"] is None for r in rows)
            counts["written"] += save_rows(db, rows)
    return counts


def refresh_aggregates(db: DbEngine) -> bool:
    """After a bulk write: recompute the dashboard's summary (services/summary.py) and, on PostgreSQL, update
    the planner's statistics of the table just written (autovacuum then sets its visibility map, which the
    queue's index-only walk uses)."""
    from sqlalchemy import text

    from tisguard.services.summary import refresh

    if db.dialect.name == "postgresql":
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE assessments"))
    refresh(db)
    return True


__all__ = ["assessment_row", "listing_pks", "load_parquet", "refresh_aggregates", "save_rows", "write_parquet"]
