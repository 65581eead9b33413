"""The ingest's fast paths give exactly what the plain code gives (issue 15: ingest at 20,000 listings/s).

- the content hash is the digest of `json.dumps([...], ensure_ascii=False, sort_keys=True)`, whatever the text;
- a URL accepted without `urlsplit` is one the full check accepts too;
- on PostgreSQL, new listings are COPYed straight into their tables (binary COPY), and a listing another
  writer stores between the batch's look-up and its COPY sends the batch through the upsert instead.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from conftest import DEV, PG_URL, _fresh_pg_url, write_jsonl
from tisguard.spec.listing import Listing, http_url
from tisguard.store.listings import content_hash

# every code point but surrogates (the spec refuses them before hashing), control characters included
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def _reference_hash(l: Listing) -> str:
    payload = json.dumps(
        [l.title, l.description, l.price, l.brand, l.model, l.attributes, l.platform_category],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(
    title=TEXT.filter(bool),
    description=st.none() | TEXT,
    price=st.none() | st.floats(min_value=0, allow_nan=False, allow_infinity=False) | st.integers(0, 10**15),
    brand=st.none() | TEXT,
    attributes=st.dictionaries(TEXT, TEXT, max_size=5),
    category=st.none() | TEXT,
)
def test_content_hash_is_the_json_dumps_digest(title, description, price, brand, attributes, category):
    l = Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "x1",
            "title": title,
            "description": description,
            "price": price,
            "brand": brand,
            "model": brand and brand[::-1],
            "attributes": attributes,
            "platform_category": category,
            "seller": {"id": "s1"},
        }
    )
    assert content_hash(l) == _reference_hash(l)


def test_content_hash_of_the_dev_listings():
    for line in (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:300]:
        l = Listing.model_validate({k: v for k, v in json.loads(line).items() if k != "label"})
        assert content_hash(l) == _reference_hash(l)


def _full_check(v: str) -> bool:
    """The URL check without its fast path: no space or control character, http(s), a host."""
    if any(c <= " " or c == "\x7f" for c in v):
        return False
    try:
        parts = urlsplit(v)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


URLISH = st.text(st.sampled_from("htps:/.-_?#=&%@[]:0129aZก \t\x00\x7f"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", ""]), URLISH)
def test_url_fast_path_agrees_with_the_full_check(prefix, rest):
    v = prefix + rest
    try:
        accepted = http_url(v) == v
    except ValueError:
        accepted = False
    assert accepted == _full_check(v), v


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://shopee.co.th/product/1/2?sp_atk=a%20b#x", True),
        ("http://example.com:8080/a", True),
        ("https://", False),
        ("https:///path", False),
        ("https://a b.com/", False),
        ("javascript://example.com/%0aalert(1)", False),
        ("https://example.com/ไทย", True),  # not the fast path: urlsplit decides
    ],
)
def test_url_check_examples(url, ok):
    if ok:
        assert http_url(url) == url
    else:
        with pytest.raises(ValueError):
            http_url(url)


pg = pytest.mark.skipif(not PG_URL, reason="TISGUARD_TEST_PG_URL not set")


def _records(n: int) -> list[dict]:
    lines = (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    return [{k: v for k, v in json.loads(l).items() if k != "label"} for l in lines]


@pytest.mark.postgres
@pg
def test_a_listing_stored_by_another_writer_meanwhile_goes_through_the_upsert(tmp_path):
    """Another transaction inserts one of the file's listings and commits only once the ingest's COPY waits
    on it: the COPY fails on the unique index, the batch is written again through the upsert, and the
    listing ends with the file's content and both snapshots."""
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.store.db import get_engine, migrate
    from tisguard.store.tables import listing_snapshots, listings

    url = _fresh_pg_url()
    db = get_engine(url)
    migrate(db)
    recs = _records(40)
    lid = recs[5]["listing_id"]
    with db.begin() as conn:
        conn.execute(
            text("INSERT INTO sellers (platform, seller_id) VALUES (:p, 'other-writer')"), {"p": recs[5]["platform"]}
        )
    other = db.connect()
    tx = other.begin()
    other.execute(
        text(
            "INSERT INTO listings (platform, listing_id, seller_pk, title, content_hash, first_seen, last_seen)"
            " SELECT platform, :l, id, 'the other writer', 'x', now(), now() FROM sellers"
        ),
        {"l": lid},
    )

    blocked = []

    def commit_when_blocked():
        probe = get_engine(url)
        for _ in range(600):
            with probe.connect() as c:
                waiting = c.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY%'")
                ).scalar_one()
            if waiting:
                blocked.append(True)
                break
            time.sleep(0.05)
        tx.commit()
        probe.dispose()

    t = threading.Thread(target=commit_when_blocked)
    t.start()
    s = ingest_file(db, write_jsonl(tmp_path / "all.jsonl", recs), tmp_path / "rejects", batch_size=100)
    t.join()
    other.close()
    assert blocked  # the ingest's COPY did wait on the other writer's row
    assert (s.read, s.stored, s.updated, s.rejected) == (40, 39, 1, 0)
    with db.connect() as conn:
        row = conn.execute(select(listings).where(listings.c.listing_id == lid)).one()
        assert row.title == recs[5]["title"]
        snaps = conn.execute(select(listing_snapshots.c.title).where(listing_snapshots.c.listing_pk == row.id)).all()
        assert [r.title for r in snaps] == [recs[5]["title"]]  # the other writer wrote no snapshot
        assert len(conn.execute(select(listings.c.id)).all()) == 40


@pytest.mark.postgres
@pg
def test_capture_time_without_zone_is_read_in_the_servers_zone(tmp_path):
    """Binary COPY needs aware times; a batch with a naive capture time is sent as text, as before."""
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.store.db import get_engine, migrate
    from tisguard.store.tables import listing_snapshots, listings

    db = get_engine(_fresh_pg_url())
    migrate(db)
    recs = _records(3)
    recs[0]["captured_at"] = "2026-03-21T08:30:00"
    recs[1]["captured_at"] = "2026-03-21T08:30:00+07:00"
    s = ingest_file(db, write_jsonl(tmp_path / "t.jsonl", recs), tmp_path / "rejects")
    assert (s.stored, s.rejected) == (3, 0)
    with db.connect() as conn:
        want = conn.execute(text("SELECT '2026-03-21 08:30:00'::timestamptz")).scalar_one()
        got = dict(conn.execute(select(listings.c.listing_id, listings.c.captured_at)).all())
        snap = conn.execute(select(listing_snapshots.c.captured_at).order_by(listing_snapshots.c.id)).scalars().all()
    assert got[recs[0]["listing_id"]] == want
    assert got[recs[1]["listing_id"]].isoformat().startswith("2026-03-21T01:30:00")
    assert want in snap


def _nested(depth: int):
    v = "x"
    for _ in range(depth):
        v = [v]
    return v


@pytest.mark.parametrize("depth", [29, 30, 31, 32, 33])
def test_structure_check_finds_deep_nesting_on_either_side_of_its_shortcut(depth):
    """A record with fewer containers than MAX_DEPTH is cleared without the walk; from 32 levels it is refused."""
    from tisguard.spec.listing import MAX_DEPTH, structure_errors

    errors = structure_errors({"platform": "shopee", "listing_id": "a", "extra_blob": _nested(depth)})
    assert [e.field for e in errors] == (["extra_blob"] if depth >= MAX_DEPTH else [])


def test_structure_check_walks_a_record_whose_text_is_full_of_brackets():
    from tisguard.spec.listing import structure_errors

    raw = {"platform": "shopee", "listing_id": "a", "description": "[{" * 40, "seller": {"id": "s", "x\x00": 1}}
    assert [(e.field, "NUL" in e.reason) for e in structure_errors(raw)] == [("seller.'x\\x00'", True)]
    assert structure_errors({**raw, "seller": {"id": "s"}}) == []


def _check_limit_first(rec_no, raw):
    """check_record as it was: the nesting limit before the spec."""
    from tisguard.ingest.limits import MAX_NESTING, too_deep
    from tisguard.spec.listing import RecordError, listing_from_record

    if isinstance(raw, dict) and (deep := too_deep(raw)) is not None:
        lid = raw.get("listing_id") if isinstance(raw.get("listing_id"), str) else None
        return None, [RecordError(rec_no, deep, f"nested more than {MAX_NESTING} levels", lid)]
    return listing_from_record(rec_no, raw)


@pytest.mark.parametrize("depth", [2, 31, 32, 64, 65, 66, 300])
@pytest.mark.parametrize("valid_otherwise", [True, False])
def test_nesting_limit_checked_after_the_spec_gives_the_same_answer(depth, valid_otherwise):
    from tisguard.ingest.limits import MAX_NESTING
    from tisguard.ingest.pipeline import check_record
    from tisguard.spec.listing import MAX_DEPTH

    assert MAX_DEPTH <= MAX_NESTING  # what lets check_record look at the limit only for refused records
    raw = {**_records(1)[0], "extra_blob": {"a": _nested(depth)}}
    if not valid_otherwise:
        raw["price"] = -1
    got, want = check_record(7, raw), _check_limit_first(7, raw)
    assert [e.as_dict() for e in got[1]] == [e.as_dict() for e in want[1]]
    assert (got[0] is None) == (want[0] is None)
    if depth >= 65:
        assert got[1][0].reason == f"nested more than {MAX_NESTING} levels"
