"""Spark writing assessments back (issue 15): the store and the Parquet files hold, listing for listing, what
the embedded scan gives for the same input and config; re-runs are idempotent by (listing, engine version);
an incremental re-run over unchanged input assesses nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import random
import shutil

import pytest
from sqlalchemy import func, select

from conftest import DEV, write_jsonl

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None, reason="Spark needs a Java runtime (scripts/system-packages.sh installs one)"
)


def _stored(db) -> dict:
    from tisguard.store.tables import assessments, listings

    with db.connect() as conn:
        rows = conn.execute(
            select(listings.c.listing_id, assessments)
            .join(assessments, assessments.c.listing_pk == listings.c.id)
            .where(assessments.c.is_latest.is_(True))
        ).all()
    return {r.listing_id: _essence(r.verdict, r.tis_number, r.risk, r.reasons, r.evidence) for r in rows}


def _essence(verdict, tis, risk, reasons, evidence) -> tuple:
    lines = sorted(
        (e["signal"], e["source"], e["text"] or "", str((e["value"] or {}).get("licence_no"))) for e in evidence
    )
    return verdict, tis, round(risk, 4), [r["en"] for r in reasons], lines


def _plain(db, src, registry, images=None) -> dict:
    """The embedded file scan over the same input, reference and config."""
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.runners import scan_file

    engine = make_engine(load_reference(db, registry, None), EngineConfig(), images)
    out = {}
    scan_file(
        engine,
        src,
        lambda a: out.__setitem__(
            a.listing_id, _essence(a.verdict, a.tis, a.risk, a.reasons, [e.as_dict() for e in a.evidence])
        ),
        lambda n: None,
        None,
    )
    return out


def _count(db) -> int:
    from tisguard.store.tables import assessments

    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(assessments)).scalar_one()


def _url(db) -> str:
    return db.url.render_as_string(hide_password=False)


def test_spark_to_store_and_parquet_equal_the_embedded_scan(db, tmp_path):
    from tisguard.detect.config import EngineConfig
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.pipeline.assessment_rows import load_parquet
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.spark_store import spark_scan_to_store

    registry = DEV / "registry.csv"
    lines = (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:240]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([*lines, '{"platform": "shopee"}']) + "\n", encoding="utf-8")
    assert ingest_file(db, src, tmp_path / "rejects").stored == 240

    snapshot = (load_reference(db, registry, None), EngineConfig(), None)
    res = spark_scan_to_store(src, snapshot, _url(db), tmp_path / "pq", partitions=3)
    assert (res["assessed"], res["written"], res["rejected"], res["not_in_store"]) == (240, 240, 1, 0)
    assert res["plan"]["everything"]  # nothing recorded before: everything is assessed
    want = _plain(db, src, registry)
    got = _stored(db)
    assert len(want) == 240 and got == want
    assert len({v[0] for v in got.values()}) >= 3  # the sample is not all one verdict

    # the same input again: the incremental plan finds nothing changed, nothing is assessed or written
    res2 = spark_scan_to_store(src, (load_reference(db, registry, None), EngineConfig(), None), _url(db), partitions=2)
    assert (res2["assessed"], res2["unchanged"], res2["plan"]["reassessed"]) == (0, 240, 0)
    # forced (not incremental): written again, but one row per listing and engine version is kept
    before = _count(db)
    res3 = spark_scan_to_store(
        src, (load_reference(db, registry, None), EngineConfig(), None), _url(db), partitions=2, incremental=False
    )
    assert res3["written"] == 240 and _count(db) == before and _stored(db) == want

    # the Parquet files of the first run load into the store: same assessments, still no duplicates
    loaded = load_parquet(db, tmp_path / "pq")
    assert loaded == {"rows": 240, "written": 240, "not_in_store": 0}
    assert _count(db) == before and _stored(db) == want


def test_parquet_input_and_output_without_a_store(tmp_path):
    """No store: Parquet in, Parquet out, the embedded scan's assessments."""
    import pyarrow.parquet as pq

    from tisguard.detect.config import EngineConfig
    from tisguard.ingest.readers import read_records
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.spark_store import spark_scan_to_store

    registry = DEV / "registry.csv"
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join((DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:120]) + "\n")
    import pyarrow as pa

    recs = [raw for _, raw in read_records(src)]
    for r in recs:  # Parquet holds one type per column: the free-form maps travel as JSON text there
        r.pop("attributes", None)
    keys = sorted(set().union(*recs))  # every column (from_pylist takes the columns of the first record only)
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in recs]), tmp_path / "in.parquet")
    res = spark_scan_to_store(
        tmp_path / "in.parquet", (load_reference(None, registry, None), EngineConfig(), None), None, tmp_path / "out"
    )
    assert res["assessed"] == 120
    got = {}
    for f in (tmp_path / "out").glob("*.parquet"):
        import orjson

        for r in pq.read_table(f).to_pylist():
            got[r["listing_id"]] = _essence(
                r["verdict"], r["tis_number"], r["risk"], orjson.loads(r["reasons"]), orjson.loads(r["evidence"])
            )
    no_attrs = tmp_path / "no_attrs.jsonl"
    write_jsonl(no_attrs, recs)
    assert got == _plain(None, no_attrs, registry)


def test_spark_to_store_reads_photos_as_the_embedded_scan(db, tmp_path):
    """Photos are read on the executors (OCR) and the stored assessments equal the embedded `--images` scan."""
    from tisguard.detect.config import EngineConfig
    from tisguard.images.synthetic import label_image
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.pipeline.build import ImageSource
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.spark_store import spark_scan_to_store
    from tisguard.registry.store import read_registry_csv

    registry = DEV / "registry.csv"
    lics = [r for r in read_registry_csv(registry)[0] if r["tis_number"] == "2432" and r["status"] == "active"]
    rows = []
    for i, (variant, shows) in enumerate([("no_keyword", True), ("clean", False), ("clean", True)]):
        lic = lics[i % len(lics)]
        spec = {"product": "ปลั๊กพ่วง", "mark": True, "standard": f"2432-{lic['tis_year']}"}
        if shows:
            spec["licence"] = lic["licence_no"]
        label_image(random.Random(40 + i), spec, variant).save(tmp_path / f"p{i}.png")
        rows.append(
            {
                "platform": "shopee",
                "listing_id": f"IMG{i}",
                "title": "ปลั๊กพ่วง 4 ช่อง 3 เมตร",
                "brand": lic["brands"].split(";")[0],
                "seller": {"id": f"s{i}"},
                "images": [{"path": f"p{i}.png"}],
            }
        )
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    ingest_file(db, src, tmp_path / "rejects")
    images = ImageSource(tmp_path, tmp_path / "cache-spark")
    res = spark_scan_to_store(src, (load_reference(db, registry, None), EngineConfig(), images), _url(db), partitions=2)
    assert res["written"] == 3
    got = _stored(db)
    want = _plain(db, src, registry, ImageSource(tmp_path, tmp_path / "cache-plain"))
    assert got == want
    assert any(line[1] == "image" for v in got.values() for line in v[4])  # photo evidence was stored
