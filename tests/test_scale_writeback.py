"""The bulk write-back of assessments (pipeline.assessment_rows, issue 15) stores, column for column, what the
embedded writer (`store.assessments.save_assessments`) stores for the same assessments: verdicts, evidence,
waterfall, priority and the reference refs, through COPY on PostgreSQL and Core inserts on SQLite, and again
after a round trip through Parquet. Also: the JSON fast path writes the bytes of the full-option call, the
listing look-up by key, and migration 0014 (lz4 for the JSON columns where the server has it)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import orjson
import pytest
from sqlalchemy import select, text

from conftest import DEV
from tisguard.pipeline import assessment_rows

# every column the bulk writer fills, plus the ones the store sets around it
COLS = ("listing_pk", *assessment_rows.COLS, "is_latest", "settled")


def _snapshot(db) -> tuple[dict, set]:
    """Every latest assessment as the store's readers get it (JSON parsed), and every listing ref."""
    from tisguard.store.scale_tables import listing_refs
    from tisguard.store.tables import assessments

    with db.connect() as conn:
        rows = conn.execute(select(*(assessments.c[c] for c in COLS)).where(assessments.c.is_latest.is_(True)))
        latest = {r.listing_pk: tuple(r) for r in rows}
        refs = set(conn.execute(select(listing_refs.c.listing_pk, listing_refs.c.kind, listing_refs.c.ref)).all())
    return latest, refs


def _count(db) -> int:
    with db.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM assessments")).scalar_one()


@pytest.fixture
def assessed(db, tmp_path):
    """150 dev listings ingested and assessed: [(listing_pk, listing, content hash, assessment)]."""
    from tisguard.detect.config import EngineConfig
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.ingest.readers import read_records
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.reference import load_reference
    from tisguard.spec.listing import listing_from_record
    from tisguard.store.listings import content_hash
    from tisguard.store.tables import listings

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join((DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:150]) + "\n")
    assert ingest_file(db, src, tmp_path / "rejects").stored == 150
    batch = [listing_from_record(n, raw)[0] for n, raw in read_records(src)]
    engine = make_engine(load_reference(db, DEV / "registry.csv", None), EngineConfig(), None)
    with db.connect() as conn:
        pks = {(r.platform, r.listing_id): r.id for r in conn.execute(select(listings))}
    return [(pks[l.key], l, content_hash(l), a) for l, a in zip(batch, engine.assess_many(batch))]


def test_bulk_write_back_stores_what_the_embedded_writer_stores(db, assessed, tmp_path):
    from tisguard.pipeline.assessment_rows import assessment_row, load_parquet, save_rows, write_parquet
    from tisguard.store.assessments import save_assessments

    save_assessments(db, assessed)
    want = _snapshot(db)
    assert len(want[0]) == 150 and want[1]
    assert len({v[2] for v in want[0].values()}) >= 3  # not all one verdict
    assert any(v[7] for v in want[0].values()) and any(v[8] for v in want[0].values())  # evidence, waterfall

    rows = [assessment_row(pk, l, h, a) for pk, l, h, a in assessed]
    assert save_rows(db, rows[:70]) == 70 and save_rows(db, rows[70:]) == 80  # replaces the same engine version
    assert _snapshot(db) == want and _count(db) == 150

    write_parquet(tmp_path / "a.parquet", rows)
    assert load_parquet(db, tmp_path / "a.parquet") == {"rows": 150, "written": 150, "not_in_store": 0}
    assert _snapshot(db) == want and _count(db) == 150


def test_a_new_engine_version_keeps_the_old_rows_and_decided_listings_stay_settled(db, assessed):
    from dataclasses import replace

    from tisguard.pipeline.assessment_rows import assessment_row, save_rows
    from tisguard.store.tables import assessments, decisions

    rows = [assessment_row(pk, l, h, a) for pk, l, h, a in assessed]
    save_rows(db, rows)
    flagged = next(r for r in rows if r["verdict"] in ("non_compliant", "unverified"))
    with db.begin() as conn:
        aid = conn.execute(
            select(assessments.c.id).where(assessments.c.listing_pk == flagged["listing_pk"], assessments.c.is_latest)
        ).scalar_one()
        conn.execute(
            decisions.insert().values(
                listing_pk=flagged["listing_pk"],
                assessment_pk=aid,
                decision="confirm",
                by_user="o",
                at=datetime.now(UTC),
            )
        )
    newer = [assessment_row(pk, l, h, replace(a, engine_version=a.engine_version + "+1")) for pk, l, h, a in assessed]
    save_rows(db, newer)
    latest, _ = _snapshot(db)
    assert _count(db) == 300 and {v[9] for v in latest.values()} == {flagged["engine_version"] + "+1"}
    assert [pk for pk, v in latest.items() if v[11]] == [flagged["listing_pk"]]  # settled: the confirmed one only
    save_rows(db, newer)  # again: same version replaced, the decided row of the old version kept
    assert _count(db) == 300 and _snapshot(db)[0] == latest


@pytest.mark.parametrize(
    "value",
    [
        [{"signal": "ก", "span": [1, 2], "value": {"licence_no": "ท1-2/2432", "p": 0.25}, "score": None}],
        {1: "non-text key", "x": [True, None, 1.5e-300, -0.0, 2**63 - 1]},
        {"p": np.float64(0.125), "top": np.array([0.5, 0.25])},
        {"amount": Decimal("1.10"), "tags": ("a", "b")},
        "\u0e01\u0e02 \U0001f525 \x00 \u2028",
    ],
)
def test_json_fast_path_writes_the_bytes_of_the_full_option_call(value):
    from tisguard.pipeline.assessment_rows import json_bytes

    full = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY, default=str)
    assert json_bytes(value) == full


def test_listing_pks_by_key(db, assessed):
    from tisguard.store.listing_keys import listing_pks

    keys = [l.key for _, l, _, _ in assessed]
    want = {l.key: pk for pk, l, _, _ in assessed}
    assert listing_pks(db, [*keys, ("shopee", "no-such-listing"), ("lazada", "x'\"),")]) == want
    assert listing_pks(db, []) == {}


def test_migration_0014_sets_lz4_where_the_server_has_it(db, assessed):
    """PostgreSQL with lz4: the JSON columns use it after 0014 and not after a downgrade; SQLite: no change.
    The stored assessments read back the same either way."""
    from alembic import command

    from tisguard.pipeline.assessment_rows import assessment_row, save_rows
    from tisguard.store.db import alembic_config, migrate

    save_rows(db, [assessment_row(pk, l, h, a) for pk, l, h, a in assessed])
    want = _snapshot(db)
    pg = db.dialect.name == "postgresql"

    def methods() -> set:
        with db.connect() as conn:
            return set(
                conn.execute(
                    text(
                        "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'assessments'::regclass"
                        " AND attname IN ('reasons', 'evidence', 'waterfall')"
                    )
                ).all()
            )

    def lz4_available() -> bool:
        with db.connect() as conn:
            return conn.execute(
                text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            ).scalar()

    if pg and lz4_available():
        assert methods() == {("reasons", "l"), ("evidence", "l"), ("waterfall", "l")}
    cfg = alembic_config(db.url.render_as_string(hide_password=False))
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    if pg:
        assert methods() == {("reasons", ""), ("evidence", ""), ("waterfall", "")}
    assert _snapshot(db) == want
    migrate(db)
    save_rows(db, [assessment_row(pk, l, h, a) for pk, l, h, a in assessed])  # written with lz4 again
    assert _snapshot(db) == want
