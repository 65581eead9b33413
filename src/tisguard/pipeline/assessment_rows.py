"""Assessments as flat rows, written in bulk: to PostgreSQL with COPY, to any store with Core inserts, to
Parquet and back. What Spark partitions write (pipeline.spark_store).

Writing is idempotent by (listing, engine version): a row of the same listing and engine version that no
decision refers to is replaced, so a scan run twice leaves one row each; the new row becomes the listing's
latest. The priority is computed as `store.assessments.save_assessments` computes it, and the listing's
reference refs (`store.refs`) are replaced in the same transaction.

At national scale the write-back cost as much CPU as the assessment (issue 15), so a row is built once: its
JSON columns serialised once by orjson (bytes, for COPY and Parquet alike), its refs taken from the
assessment objects. On PostgreSQL the rows go by binary COPY straight into `assessments` (no staging table),
every other statement of the batch goes by one int4[] of primary keys, and listings are looked up by one JSON
array of keys. The stored values are those `save_assessments` stores (tests/test_scale_writeback.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import Engine as DbEngine
from sqlalchemy import and_, delete, exists, tuple_, update

from tisguard.detect.evidence import Assessment
from tisguard.spec.listing import Listing
from tisguard.store.assessments import assessment_values
from tisguard.store.listing_keys import listing_pks, supports_copy
from tisguard.store.queue_state import refresh_settled
from tisguard.store.refs import refs_from, replace_refs
from tisguard.store.tables import assessments, decisions

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
_OPTS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def json_bytes(v) -> bytes:
    """A JSON column's value as the store keeps it (UTF-8). The plain call is the fast path; the options and
    `default=str` (non-text keys, numpy values, other objects) write the same bytes for what the plain call
    accepts, and are only needed when it refuses."""
    try:
        return orjson.dumps(v)
    except TypeError:
        return orjson.dumps(v, option=_OPTS, default=str)


def assessment_row(pk: int | None, listing: Listing, chash: str, a: Assessment, refs: bool = True) -> dict:
    """The stored form of one assessment, built once for every destination (COPY, Core insert, Parquet): its
    JSON columns already serialised (bytes), its listing's key and brand, and (`refs`: for a store) the
    reference refs of `store.refs` taken from the assessment itself, not from the serialised evidence."""
    row = assessment_values(pk, listing, chash, a)
    for c in JSON_COLS:
        row[c] = json_bytes(row[c])
    row["platform"] = listing.platform
    row["listing_id"] = listing.listing_id
    row["brand"] = listing.brand
    if refs:
        row["refs"] = refs_from(listing.brand, [e.value for e in a.evidence])
    return row


def _dedupe(rows: list[dict]) -> list[dict]:
    """One row per listing (the last), in primary-key order (concurrent writers lock in the same order)."""
    return sorted(
        {r["listing_pk"]: r for r in rows if r["listing_pk"] is not None}.values(), key=lambda r: r["listing_pk"]
    )


def _as_bytes(v) -> bytes:
    return v if type(v) is bytes else json_bytes(v)


def _as_value(v):
    """A JSON column's value for a Core insert (SQLAlchemy's JSON type serialises it again)."""
    return orjson.loads(v) if type(v) is bytes else v


def _refs(r: dict) -> set:
    if "refs" in r:
        return r["refs"]
    evidence = _as_value(r["evidence"])
    return refs_from(r.get("brand"), [e.get("value") for e in evidence])


def _int_array(values) -> str:
    """An int4[] parameter as one text literal (`%s::int4[]`): psycopg's list adapter costs ~1 µs per element
    in Python, and a batch sends its keys to four statements."""
    return "{" + ",".join(map(str, values)) + "}"


# binary COPY straight into `assessments`: (column, binary type). The JSON columns travel as their UTF-8
# text, which is also the binary format of `json`; they are dumped as `bytea` so that psycopg passes the
# bytes orjson made as they are (no decode to str and encode again). The server checks them as JSON.
_COPY_TYPES = (
    ("listing_pk", "int4"),
    ("content_hash", "text"),
    ("verdict", "text"),
    ("tis_number", "text"),
    ("risk", "float8"),
    ("priority", "float8"),
    ("reasons", "bytea"),
    ("evidence", "bytea"),
    ("waterfall", "bytea"),
    ("engine_version", "text"),
    ("created_at", "timestamptz"),
    ("is_latest", "bool"),
)


def _copy_row(r: dict, now: datetime) -> tuple:
    return (
        r["listing_pk"],
        r["content_hash"],
        r["verdict"],
        r["tis_number"],
        float(r["risk"]),
        float(r["priority"]),
        _as_bytes(r["reasons"]),
        _as_bytes(r["evidence"]),
        _as_bytes(r["waterfall"]),
        r["engine_version"],
        now,
        True,
    )


def _save_copy(db: DbEngine, rows: list[dict], now: datetime) -> None:
    """Replace the same engine version's undecided rows, mark the previous latest rows, then one binary COPY
    straight into `assessments` in primary-key order (no staging table: every statement goes by the
    batch's primary keys, index look-ups whatever the planner guesses), and the refs likewise."""
    pks = _int_array(r["listing_pk"] for r in rows)
    with db.begin() as conn, conn.connection.driver_connection.cursor() as cur:
        for version in sorted({r["engine_version"] for r in rows}):
            same = _int_array(r["listing_pk"] for r in rows if r["engine_version"] == version)
            cur.execute(
                "DELETE FROM assessments a WHERE a.listing_pk = ANY(%s::int4[]) AND a.engine_version = %s"
                " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.assessment_pk = a.id)",
                (same, version),
            )
        cur.execute("UPDATE assessments SET is_latest = false WHERE listing_pk = ANY(%s::int4[]) AND is_latest", (pks,))
        cols = ", ".join(c for c, _ in _COPY_TYPES)
        with cur.copy(f"COPY assessments ({cols}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types([t for _, t in _COPY_TYPES])
            for r in rows:
                cp.write_row(_copy_row(r, now))
        # decided listings stay out of the queue's index (store/queue_state.py); most batches have none
        cur.execute(
            "SELECT DISTINCT listing_pk FROM decisions WHERE listing_pk = ANY(%s::int4[])"
            " AND decision IN ('confirm', 'dismiss')",
            (pks,),
        )
        decided = [pk for (pk,) in cur.fetchall()]
        if decided:
            refresh_settled(conn, decided)
        cur.execute("DELETE FROM listing_refs WHERE listing_pk = ANY(%s::int4[])", (pks,))
        with cur.copy("COPY listing_refs (listing_pk, kind, ref) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(["int4", "text", "text"])
            for r in rows:
                pk = r["listing_pk"]
                for k, ref in sorted(_refs(r)):
                    cp.write_row((pk, k, ref))


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
                {
                    "listing_pk": r["listing_pk"],
                    **{c: _as_value(r[c]) if c in JSON_COLS else r[c] for c in COLS},
                    "created_at": now,
                    "is_latest": True,
                }
                for r in rows
            ],
        )
        replace_refs(conn, {r["listing_pk"]: _refs(r) for r in rows})
        refresh_settled(conn, pks)


def save_rows(db: DbEngine, rows: list[dict]) -> int:
    """Write assessment rows (those with a `listing_pk`); returns how many were written. A row is what
    `assessment_row` builds, or the same keys with the JSON columns as values (Parquet, tests)."""
    rows = _dedupe(rows)
    if rows:
        (_save_copy if supports_copy(db) else _save_core)(db, rows, datetime.now(UTC))
    return len(rows)


# --- Parquet: what a Spark scan without a store connection writes, and `load_parquet` brings in later ---

PARQUET_JSON = JSON_COLS
PARQUET_COLS = ("platform", "listing_id", "brand", *COLS)
PARQUET_GROUP_ROWS = 16_384


class ParquetSink:
    """Assessment rows into one Parquet file, a row group at a time (a partition's rows are not all held in
    memory until its end). The JSON columns are the bytes `assessment_row` made for the store (UTF-8, read as
    Arrow strings); the file's schema is the one `load_parquet` checks."""

    def __init__(self, path: Path, group_rows: int = PARQUET_GROUP_ROWS) -> None:
        self.path, self.group_rows = path, group_rows
        self._rows: list[dict] = []
        self._writer = None
        self.written = 0

    def add(self, rows: list[dict]) -> None:
        self._rows.extend(rows)
        if len(self._rows) >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        schema = pa.schema(
            [(c, pa.float64() if c in ("risk", "priority") else pa.string()) for c in PARQUET_COLS],
            metadata={"tisguard": "assessments-v1"},
        )
        rows, self._rows = self._rows, []
        table = pa.table(
            {c: [_as_bytes(r[c]) if c in PARQUET_JSON else r[c] for r in rows] for c in PARQUET_COLS}, schema=schema
        )
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, schema, compression="zstd")
        self._writer.write_table(table)
        self.written += len(rows)

    def close(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def write_parquet(path: Path, rows: list[dict]) -> None:
    sink = ParquetSink(path)
    sink.add(rows)
    sink.close()


def load_parquet(db: DbEngine, path: Path, batch_rows: int = 5000) -> dict:
    """Load assessment Parquet files (a file or a folder of them) into the store, idempotently; listings not
    in the store are counted, not written. The JSON columns go to the store as the file holds them."""
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
                    r[c] = r[c].encode("utf-8")
                r["refs"] = refs_from(r["brand"], [e.get("value") for e in orjson.loads(r["evidence"])])
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


__all__ = [
    "ParquetSink",
    "assessment_row",
    "json_bytes",
    "load_parquet",
    "refresh_aggregates",
    "save_rows",
    "write_parquet",
]
