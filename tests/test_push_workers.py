"""Pushes out of the request's way (issue 12): a push queues its investigation follow-ups instead of
re-assessing the earlier listings inside the request, and `serve` runs pushes in worker processes that
answer exactly as the web process would and follow reference-data reloads."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

import investigation_data as D
from investigation_data import latest, signals, store_engine
from webfixtures import bearer, listing


def _push_one_by_one(db, engine, rows):
    from tisguard.pipeline.runners import push_listings

    for r in rows:
        (out,) = push_listings(db, engine, r["platform"], [r])
        assert out.accepted, out.errors


def test_a_push_queues_follow_ups_and_draining_does_them_once(db, tmp_path):
    from tisguard.pipeline import follow_up_queue

    data = D.make(tmp_path)
    _, engine = store_engine(db, tmp_path)
    _push_one_by_one(db, engine, data["renters"])  # four sellers, one licence, months apart

    before = latest(db)
    first = signals(before["R-0"]).get("licence_shared", [{}])[0]
    assert first.get("sellers", 1) < 4, "the push itself must not re-assess earlier listings"
    assert follow_up_queue.pending(db) >= 3

    done, changed = follow_up_queue.drain(db, engine)
    assert done >= 3 and changed >= 3
    got = {lid: signals(a) for lid, a in latest(db).items()}
    assert [got[f"R-{i}"]["licence_shared"][0]["sellers"] for i in range(4)] == [4, 4, 4, 4]
    assert follow_up_queue.pending(db) == 0
    assert follow_up_queue.drain(db, engine) == (0, 0), "nothing left, nothing changed the second time"


def test_a_follow_up_queued_twice_is_done_once(db, tmp_path):
    from tisguard.pipeline import follow_up_queue

    data = D.make(tmp_path)
    _, engine = store_engine(db, tmp_path)
    _push_one_by_one(db, engine, data["renters"][:3])
    queued = follow_up_queue.pending(db)
    _push_one_by_one(db, engine, [{**data["renters"][2], "price": 77}])  # the same listing changed again
    assert follow_up_queue.pending(db) == queued, "a listing already queued is not queued twice"


REGISTRY_ROW = "ท9917-01/2432,ท,2432,2555,บริษัท ทดสอบปลั๊ก จำกัด,0105550000017,Plugtest,active,2020-01-15\n"


def _wait_for_empty_queue(db, seconds: float = 60.0) -> int:
    from tisguard.pipeline import follow_up_queue

    until = time.monotonic() + seconds
    while (n := follow_up_queue.pending(db)) and time.monotonic() < until:
        time.sleep(0.2)
    return n


def test_push_workers_answer_as_the_web_process_and_follow_reloads(web, tmp_path):
    from tisguard.pipeline.runners import push_listings
    from tisguard.registry.store import import_registry, read_registry_csv
    from tisguard.web.app import create_app

    _, settings, keys, db = web
    app = create_app(settings, rate=1000, burst=1000, push_workers=1)
    app.state.key_cache_ttl = 0
    shown = "ปลั๊กพ่วง Plugtest 4 ช่อง 3 เมตร มอก. 2432-2555 ใบอนุญาตเลขที่ ท9917-01/2432"
    records = [
        listing("shopee", "pw-1", shown, brand="Plugtest"),
        listing("shopee", "pw-2", "หมวกกันน็อคเต็มใบ ส่งฟรี"),
        listing("shopee", "pw-3", "เคสโทรศัพท์ iPhone 15 กันกระแทก"),
        {"platform": "shopee", "listing_id": "pw-bad", "title": "x", "url": "javascript:alert(1)"},
    ]
    with TestClient(app) as client:  # startup starts the worker process, shutdown stops it
        r = client.post("/api/v1/listings", json={"listings": records}, headers=bearer(keys["shopee"]))
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert [x["status"] for x in results] == ["accepted", "accepted", "accepted", "rejected"]
        assert results[3]["errors"][0]["field"] == "url"
        assert results[0]["assessment"]["verdict"] != "compliant", "the licence is not in the registry yet"

        # the same records through the web process's own engine give the same answer
        here = push_listings(db, app.state.engine, "lazada", [{**x, "platform": "lazada"} for x in records[:3]])
        for worker, local in zip(results, here):
            a, b = worker["assessment"], local.as_dict()["assessment"]
            assert (a["verdict"], a["tis"], a["risk"]) == (b["verdict"], b["tis"], b["risk"])

        registry = tmp_path / "extra.csv"
        registry.write_text(
            "licence_no,licence_type,tis_number,tis_year,licensee,licensee_juristic_id,brands,status,issued_on\n"
            + REGISTRY_ROW,
            encoding="utf-8",
        )
        import_registry(db, read_registry_csv(registry)[0])
        app.state.reload_reference()  # what an admin change does; the worker rebuilds its engine
        r = client.post(
            "/api/v1/listings",
            json={"listings": [listing("shopee", "pw-4", shown, brand="Plugtest")]},
            headers=bearer(keys["shopee"]),
        )
        assert r.json()["results"][0]["assessment"]["verdict"] == "compliant"
        assert _wait_for_empty_queue(db) == 0, "the worker drains the follow-ups a push queued"

    stored = latest(db)
    assert {"pw-1", "pw-2", "pw-3", "pw-4"} <= set(stored) and "pw-bad" not in stored


@pytest.mark.parametrize("workers", [0, 1])
def test_push_workers_setting_is_checked(workers, web):
    from tisguard.pipeline.push_workers import PushWorkers

    _, settings, _, _ = web
    if workers == 0:
        with pytest.raises(ValueError, match="at least 1"):
            PushWorkers(settings, None, workers)
    else:
        pool = PushWorkers(settings, None, workers)
        pool.close()


def test_rejected_records_of_a_push_are_kept_in_the_rejects(web):
    from sqlalchemy import select

    from tisguard.store.tables import rejects

    client, _, keys, db = web
    records = [
        listing("shopee", "rj-1"),
        listing("shopee", "rj-2", "x", url="javascript:alert(1)"),
        listing("lazada", "rj-3"),
    ]
    for _ in range(2):  # a retry with the same key adds no second copy
        r = client.post(
            "/api/v1/listings", json={"listings": records}, headers={**bearer(keys["shopee"]), "Idempotency-Key": "k-1"}
        )
        assert [x["status"] for x in r.json()["results"]] == ["accepted", "rejected", "rejected"]
    with db.connect() as conn:
        rows = conn.execute(select(rejects.c.source, rejects.c.record_no, rejects.c.listing_id, rejects.c.field)).all()
    assert sorted(tuple(r) for r in rows) == [
        ("push:shopee:k-1", 1, "rj-2", "url"),
        ("push:shopee:k-1", 2, "rj-3", "platform"),
    ]
