"""PostgreSQL bulk ingest (COPY into staging tables, one upsert per batch) stores what the SQLite path
stores, counts the same, rejects the same records, and is idempotent on re-runs (issue 15)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from conftest import DEV, PG_URL, _fresh_pg_url, write_jsonl

pytestmark = pytest.mark.postgres


def _records() -> list[dict]:
    recs = [json.loads(l) for l in (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:150]]
    recs[3]["images"] = [{"url": "https://example.com/a.jpg"}, {"path": "b.png"}]
    dup = {**recs[7], "title": recs[7]["title"] + " (แก้ไข)", "price": 99.5}  # the same listing again, changed
    bad = {"platform": "shopee", "title": "no id, no seller"}
    return [*recs, dup, bad]


def _second(recs: list[dict]) -> list[dict]:
    """A later crawl: some listings changed, the others as they were, photos of one replaced."""
    out = [dict(r) for r in recs[:150]]
    for r in out[::10]:
        r["title"] = r["title"] + " ลดราคา"
    out[3]["images"] = [{"url": "https://example.com/c.jpg"}]
    return out


def _content(db) -> dict:
    from tisguard.store.tables import ingest_runs, listing_images, listing_snapshots, listings, rejects, sellers

    skip = {"id", "seller_pk", "first_seen", "last_seen", "ingest_run", "captured_at"}
    with db.connect() as conn:
        s = {r.id: (r.platform, r.seller_id) for r in conn.execute(select(sellers))}
        ls = {r.id: r for r in conn.execute(select(listings))}
        key = {pk: (r.platform, r.listing_id) for pk, r in ls.items()}
        return {
            "sellers": sorted(
                tuple(v for k, v in r._mapping.items() if k != "id") for r in conn.execute(select(sellers))
            ),
            "listings": sorted(
                (s[r.seller_pk], tuple(json.dumps(v, sort_keys=True) for k, v in r._mapping.items() if k not in skip))
                for r in ls.values()
            ),
            "snapshots": sorted(
                (key[r.listing_pk], r.content_hash, r.title, r.price, r.description)
                for r in conn.execute(select(listing_snapshots))
            ),
            "images": sorted(
                (key[r.listing_pk], r.position, r.url, r.path) for r in conn.execute(select(listing_images))
            ),
            "rejects": sorted((r.record_no, r.field) for r in conn.execute(select(rejects))),
            "runs": len(conn.execute(select(ingest_runs.c.id)).all()),
        }


def _counts(summary) -> dict:
    d = summary.as_dict()
    return {k: d[k] for k in ("read", "stored", "updated", "unchanged", "duplicates", "rejected")}


@pytest.mark.skipif(not PG_URL, reason="TISGUARD_TEST_PG_URL not set")
def test_copy_ingest_equals_the_sqlite_path(tmp_path):
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.store.db import get_engine, migrate
    from tisguard.store.listing_keys import supports_copy

    pg, lite = get_engine(_fresh_pg_url()), get_engine(f"sqlite:///{tmp_path}/lite.db")
    assert supports_copy(pg) and not supports_copy(lite)
    for db in (pg, lite):
        migrate(db)
    first = write_jsonl(tmp_path / "first.jsonl", _records())
    later = write_jsonl(tmp_path / "later.jsonl", _second(_records()))
    results = {}
    for name, db in (("pg", pg), ("lite", lite)):
        runs = [ingest_file(db, p, tmp_path / f"rejects-{name}", batch_size=40) for p in (first, later, later)]
        results[name] = ([_counts(s) for s in runs], _content(db))
    assert results["pg"] == results["lite"]
    counts = results["pg"][0]
    assert counts[0]["stored"] == 150 and counts[0]["duplicates"] == 1 and counts[0]["rejected"] == 1
    # 15 titles changed, and listing 7 is back to its first record (the file's later duplicate was stored)
    assert counts[1]["updated"] == 16 and counts[1]["unchanged"] == 134
    assert counts[2]["unchanged"] == 150  # the same file again: nothing new


@pytest.mark.skipif(not PG_URL, reason="TISGUARD_TEST_PG_URL not set")
def test_a_value_the_server_refuses_rejects_only_that_record(tmp_path):
    """A value the server refuses (here: a brand longer than a narrower column allows; the spec already refuses
    NUL and out-of-range numbers) fails the whole COPY batch; the batch is halved down to that record, which is
    rejected naming it, and the rest of the batch is stored."""
    from sqlalchemy import text

    from tisguard.ingest.pipeline import ingest_file
    from tisguard.store.db import get_engine, migrate
    from tisguard.store.tables import listings

    db = get_engine(_fresh_pg_url())
    migrate(db)
    with db.begin() as conn:
        conn.execute(text("ALTER TABLE listings ALTER COLUMN brand TYPE varchar(40)"))
    recs = [json.loads(l) for l in (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:30]]
    recs[11]["brand"] = "ยี่ห้อ" * 20
    s = ingest_file(db, write_jsonl(tmp_path / "long.jsonl", recs), tmp_path / "rejects", batch_size=16)
    assert (s.stored, s.rejected) == (29, 1)
    assert s.errors_sample[0]["record_no"] == 12 and "refused" in s.errors_sample[0]["reason"]
    with db.connect() as conn:
        assert (
            conn.execute(select(listings.c.id).where(listings.c.listing_id == recs[11]["listing_id"])).first() is None
        )
