"""Ingestion: bad records are rejected one by one with record, field and reason; good ones go in."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from conftest import listing, write_jsonl
from helpers import cli, cli_json
from tisguard.store.tables import listing_snapshots, listings, rejects

GOOD = [listing(listing_id=f"G{i}", title=f"ปลั๊กไฟ {i} ช่อง", price=100 + i) for i in range(3)]


def _count(db, table):
    with db.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


MALFORMED = [
    (
        "bad_utf8",
        b'{"platform":"shopee","listing_id":"B1","title":"\xff\xfe bad","seller":{"id":"s"}}',
        "(record)",
        "invalid UTF-8",
    ),
    ("missing_title", json.dumps(listing(listing_id="B2", title=None) | {"title": None}).encode(), "title", "string"),
    (
        "missing_seller",
        json.dumps({"platform": "shopee", "listing_id": "B3", "title": "x"}).encode(),
        "seller",
        "required",
    ),
    ("wrong_type_price", json.dumps(listing(listing_id="B4", price="cheap")).encode(), "price", "number"),
    ("negative_price", json.dumps(listing(listing_id="B5", price=-5)).encode(), "price", "greater than or equal to 0"),
    ("bad_platform", json.dumps(listing(listing_id="B6", platform="Shop ee")).encode(), "platform", "slug"),
    ("not_object", b'["a list"]', "(record)", "expected a JSON object"),
    (
        "huge_description",
        json.dumps(listing(listing_id="B7", description="ก" * (50 * 1024 * 1024 // 3)), ensure_ascii=False).encode(),
        "description",
        "at most",
    ),
]


@pytest.mark.parametrize("case,line,field,reason", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_record_is_rejected_and_the_rest_stored(tmp_path, db, case, line, field, reason):
    path = tmp_path / "in.jsonl"
    with path.open("wb") as fh:
        fh.write(json.dumps(GOOD[0], ensure_ascii=False).encode() + b"\n")
        fh.write(line + b"\n")
        fh.write(json.dumps(GOOD[1], ensure_ascii=False).encode() + b"\n")
    s = cli_json("ingest", path)
    assert (s["read"], s["stored"], s["rejected"]) == (3, 2, 1)
    with db.connect() as c:
        rows = c.execute(select(rejects.c.record_no, rejects.c.field, rejects.c.reason)).all()
    assert any(r.record_no == 2 and r.field == field and reason in r.reason for r in rows), rows
    rejects_file = [json.loads(l) for l in open(s["rejects_file"], encoding="utf-8")]
    assert rejects_file and all(r["record_no"] == 2 for r in rejects_file)


def test_truncated_last_line(tmp_path, db):
    path = tmp_path / "t.jsonl"
    write_jsonl(path, GOOD[:2])
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(GOOD[2], ensure_ascii=False)[:-7])  # no closing brace, no newline
    s = cli_json("ingest", path)
    assert (s["stored"], s["rejected"]) == (2, 1)
    assert "truncated" in s["errors_sample"][0]["reason"]


def test_csv_with_missing_column_and_bad_cell(tmp_path, db):
    path = tmp_path / "l.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "listing_id", "title", "price", "seller_id", "seller_country", "attributes"])
        w.writerow(["lazada", "C1", "พัดลม 16 นิ้ว", "590", "s9", "TH", '{"เลขที่ มอก.": "934-2558"}'])
        w.writerow(["lazada", "C2", "ไดร์เป่าผม", "390", "s9"])  # missing columns
        w.writerow(["lazada", "C3", "เตารีด", "abc", "s9", "TH", ""])  # price not a number
        w.writerow(["lazada", "C4", "หมวกกันน็อค", "690", "s10", "CN", ""])
    s = cli_json("ingest", path)
    assert (s["read"], s["stored"], s["rejected"]) == (4, 2, 2)
    reasons = {e["record_no"]: (e["field"], e["reason"]) for e in s["errors_sample"]}
    assert "columns" in reasons[2][1] and reasons[3][0] == "price"
    with db.connect() as c:
        attrs = c.execute(select(listings.c.attributes).where(listings.c.listing_id == "C1")).scalar_one()
    assert attrs == {"เลขที่ มอก.": "934-2558"}


def test_csv_bad_utf8_names_the_field(tmp_path, db):
    path = tmp_path / "b.csv"
    path.write_bytes(b"platform,listing_id,title,seller_id\nshopee,U1,ok,s\nshopee,U2," + b"\xff\xfe" + b",s\n")
    s = cli_json("ingest", path)
    assert (s["stored"], s["rejected"]) == (1, 1)
    assert s["errors_sample"][0]["field"] == "title"


def test_parquet_nested_and_flat(tmp_path, db):
    table = pa.Table.from_pylist(
        [
            {
                "platform": "temu",
                "listing_id": "P1",
                "title": "power bank 20000mAh",
                "price": 299.0,
                "seller": {"id": "cn1", "country": "CN"},
            },
            {
                "platform": "temu",
                "listing_id": "P2",
                "title": "พาวเวอร์แบงค์",
                "price": -1.0,
                "seller": {"id": "cn1", "country": "CN"},
            },
        ]
    )
    pq.write_table(table, tmp_path / "l.parquet")
    s = cli_json("ingest", tmp_path / "l.parquet")
    assert (s["stored"], s["rejected"]) == (1, 1)


def test_reingest_updates_and_keeps_snapshots(tmp_path, db):
    path = write_jsonl(tmp_path / "a.jsonl", GOOD)
    first = cli_json("ingest", path)
    again = cli_json("ingest", path)
    assert (first["stored"], first["updated"]) == (3, 0)
    assert (again["stored"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = [dict(GOOD[0], title="ปลั๊กไฟ ราคาใหม่", price=79)]
    s = cli_json("ingest", write_jsonl(tmp_path / "b.jsonl", changed))
    assert (s["stored"], s["updated"], s["unchanged"]) == (0, 1, 0)
    assert _count(db, listings) == 3
    assert _count(db, listing_snapshots) == 4
    with db.connect() as c:
        titles = (
            c.execute(
                select(listing_snapshots.c.title)
                .join(listings, listings.c.id == listing_snapshots.c.listing_pk)
                .where(listings.c.listing_id == "G0")
                .order_by(listing_snapshots.c.id)
            )
            .scalars()
            .all()
        )
    assert titles == ["ปลั๊กไฟ 0 ช่อง", "ปลั๊กไฟ ราคาใหม่"]


def test_rerun_with_rejects_is_idempotent(tmp_path, db):
    path = write_jsonl(tmp_path / "r.jsonl", [GOOD[0], '{"broken":', GOOD[1]])
    cli_json("ingest", path)
    cli_json("ingest", path)
    assert _count(db, rejects) == 1 and _count(db, listings) == 2


def test_unknown_file_type_is_a_clear_error(tmp_path, backend_env):
    p = tmp_path / "x.xml"
    p.write_text("<a/>")
    r = cli("ingest", p)
    assert r.exit_code == 2 and "unknown file type" in r.output
