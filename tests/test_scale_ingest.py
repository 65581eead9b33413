"""Bulk ingest at scale (issue 15): the byte-range input Spark tasks read themselves gives the records and line
numbers of the plain reader; the Spark ingest over it keeps the ingest guarantees (every bad record rejected
naming its line and field, nothing lost, a re-run changes nothing) on SQLite and PostgreSQL (COPY)."""

from __future__ import annotations

import random
import shutil

import pytest
from sqlalchemy import func, select

from conftest import listing, write_jsonl


def _records(pairs):
    return [(n, r if isinstance(r, dict) else (r.record_no, r.field, r.reason)) for n, r in pairs]


@pytest.mark.parametrize("trailing_newline", [True, False])
def test_byte_ranges_give_the_records_and_line_numbers_of_the_reader(tmp_path, trailing_newline):
    from tisguard.ingest.readers import read_jsonl
    from tisguard.pipeline.spark_input import jsonl_splits, read_split

    rnd = random.Random(3)
    lines = []
    for i in range(2000):
        r = rnd.random()
        if r < 0.05:
            lines.append(b"")
        elif r < 0.08:
            lines.append(b'{"broken": ')
        elif r < 0.09:
            lines.append(b"\xff\xfe not utf-8")
        else:
            lines.append(b'{"n": %d, "pad": "%s", "th": "\xe0\xb8\x81"}' % (i, b"x" * rnd.randint(0, 400)))
    p = tmp_path / "in.jsonl"
    p.write_bytes(b"\n".join(lines) + (b"\n" if trailing_newline else b""))
    want = _records(read_jsonl(p))
    for slots in (1, 2, 3, 7, 64, 5000):
        for target in (10**9, 4096, 100):
            splits = jsonl_splits(p, slots, target)
            assert splits[0][1] == 0 and splits[-1][2] == p.stat().st_size
            assert all(a[2] == b[1] for a, b in zip(splits, splits[1:]))
            assert _records(r for s in splits for r in read_split(s)) == want, (slots, target)
    assert len(jsonl_splits(p, 4, 4096)) % 4 == 0  # whole rounds of task slots


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_ingest_keeps_the_ingest_guarantees(db, tmp_path):
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.pipeline.spark_ingest import spark_ingest
    from tisguard.store.tables import listing_snapshots, listings, rejects

    rows = []
    for i in range(300):
        rows.append(listing(listing_id=f"L{i}", title=f"ปลั๊กพ่วง {i}", price=100 + i))
        if i % 50 == 7:
            rows.append('{"platform": "shopee", "listing_id": "bad-json"')  # not JSON
        if i % 50 == 9:
            rows.append(listing(listing_id=f"B{i}", title=""))  # a field refused: title
        if i % 50 == 11:
            rows.append("")  # blank lines are skipped, and still counted as lines
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    url = db.url.render_as_string(hide_password=False)
    s = spark_ingest(src, url, tmp_path / "rejects", partitions=3, batch_size=40)
    assert s["read"] == 300 + 12 and s["stored"] == 300 and s["rejected"] == 12
    assert s["partitions"] % 3 == 0
    with db.connect() as conn:
        got = conn.execute(select(rejects.c.record_no, rejects.c.field).order_by(rejects.c.record_no)).all()
        n_listings = conn.execute(select(func.count()).select_from(listings)).scalar_one()
        n_snaps = conn.execute(select(func.count()).select_from(listing_snapshots)).scalar_one()
    # the same record numbers and fields as the one-process ingest of the same file names
    lines = src.read_text(encoding="utf-8").split("\n")
    want = sorted(
        (i + 1, "(record)" if "bad-json" in line else "title")
        for i, line in enumerate(lines)
        if "bad-json" in line or '"title": ""' in line
    )
    assert sorted(set(got)) == want
    assert n_listings == 300 and n_snaps == 300
    # a re-run (Spark, then one process) stores nothing new and counts every listing as unchanged
    again = spark_ingest(src, url, tmp_path / "rejects2", partitions=2)
    assert again["stored"] == 0 and again["unchanged"] == 300 and again["rejected"] == 12
    one = ingest_file(db, src, tmp_path / "rejects3")
    assert (one.stored, one.unchanged, one.rejected) == (0, 300, 12)
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(listing_snapshots)).scalar_one() == 300
