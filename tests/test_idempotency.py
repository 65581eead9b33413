"""Idempotency keys are reserved before any work: of two concurrent pushes with one key, only one runs."""

from __future__ import annotations

import threading

import pytest


@pytest.mark.parametrize("same_body", [True, False])
def test_concurrent_reservations_of_one_key_let_exactly_one_run(db, same_body):
    from tisguard.services import idempotency as idem

    barrier = threading.Barrier(8)
    states = []

    def go(i: int) -> None:
        barrier.wait()
        states.append(idem.reserve(db, "shopee", "batch-1", "h" if same_body else f"h{i}"))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(s.reserved for s in states) == 1
    losers = [s for s in states if not s.reserved]
    assert all(s.conflict in ("in_progress", "other_body") for s in losers)
    if same_body:
        assert {s.conflict for s in losers} == {"in_progress"}


def test_a_key_in_progress_is_409_with_retry_after_and_replays_once_done(web):
    from tisguard.services import idempotency as idem
    from webfixtures import bearer

    client, _settings, keys, db = web
    body = {"listings": [{"platform": "shopee", "listing_id": "i1", "title": "ปลั๊กพ่วง", "seller": {"id": "s"}}]}
    assert idem.reserve(db, "shopee", "k-running", idem.request_hash(body["listings"])).reserved
    r = client.post("/api/v1/listings", json=body, headers={**bearer(keys["shopee"]), "Idempotency-Key": "k-running"})
    assert r.status_code == 409 and r.headers["retry-after"] == "1"
    first = client.post("/api/v1/listings", json=body, headers={**bearer(keys["shopee"]), "Idempotency-Key": "k2"})
    again = client.post("/api/v1/listings", json=body, headers={**bearer(keys["shopee"]), "Idempotency-Key": "k2"})
    other = client.post(
        "/api/v1/listings",
        json={"listings": [{**body["listings"][0], "title": "อื่น"}]},
        headers={**bearer(keys["shopee"]), "Idempotency-Key": "k2"},
    )
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert other.status_code == 409


def test_a_failed_request_gives_its_key_back(db):
    from tisguard.services import idempotency as idem

    assert idem.reserve(db, "shopee", "k", "h").reserved
    idem.release(db, "shopee", "k")
    assert idem.reserve(db, "shopee", "k", "h").reserved
