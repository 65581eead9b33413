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


def test_a_key_is_remembered_for_its_lifetime_then_forgotten_and_purged(db, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from helpers import cli_json
    from tisguard.services import idempotency as idem

    monkeypatch.setenv("TISGUARD_IDEMPOTENCY_HOURS", "24")
    day0 = datetime.now(UTC) - timedelta(days=3)
    assert idem.reserve(db, "shopee", "old", "h1", now=day0).reserved
    idem.complete(db, "shopee", "old", {"results": []})
    assert idem.reserve(db, "shopee", "old", "h2", now=day0 + timedelta(hours=23)).conflict == "other_body"
    # a day later the key is a new request, whatever its body
    assert idem.reserve(db, "shopee", "old", "h2", now=day0 + timedelta(hours=25)).reserved
    idem.complete(db, "shopee", "old", {"results": [1]})
    assert idem.reserve(db, "shopee", "recent", "h").reserved
    assert cli_json("db", "purge") == {"idempotency_keys": 1, "sessions": 0}  # the day-2 key, not today's
    assert idem.reserve(db, "shopee", "recent", "h").conflict == "in_progress"


def test_purge_keeps_live_and_recently_ended_sessions(db):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from tisguard.services.sessions import SessionStore, purge
    from tisguard.services.users import add_user
    from tisguard.store.tables import users

    add_user(db, "officer", "officer-pass-123", "officer")
    with db.connect() as conn:
        uid = conn.execute(select(users.c.id)).scalar_one()
    sessions = SessionStore(db, "k" * 32)
    now = datetime.now(UTC)
    live = sessions.start(uid, now=now)
    sessions.end(sessions.start(uid, now=now - timedelta(days=10)))  # ended today: kept
    sessions.start(uid, now=now - timedelta(days=200))  # never ended, long expired: purged
    assert purge(db, now=now) == 1
    assert sessions.read(live, now=now) is not None
    assert purge(db, now=now) == 0
