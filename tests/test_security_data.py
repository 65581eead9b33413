"""Issue 12, data integrity: decisions (item 6), closed notices (item 7), ingest robustness (item 9),
listing images on re-push, the audit hash chain and the webhook outbox (item 12).

Real SQLite and PostgreSQL (the `db` fixture), the real engine, the real CLI, real HTTP on loopback."""

from __future__ import annotations

import csv
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from conftest import listing, write_jsonl
from helpers import cli, cli_json
from tisguard.store.tables import (
    audit_log,
    ingest_runs,
    listing_images,
    listing_snapshots,
    listings,
    notice_items,
    notices,
    rejects,
    webhook_outbox,
)

# --- helpers -------------------------------------------------------------------------------------------


def _sum_adds_up(s: dict) -> bool:
    return s["read"] == s["stored"] + s["updated"] + s["unchanged"] + s["duplicates"] + s["rejected"]


def _rejects(db) -> dict[int, tuple[str, str]]:
    with db.connect() as c:
        return {r.record_no: (r.field, r.reason) for r in c.execute(select(rejects))}


def _runs_finished(db) -> bool:
    with db.connect() as c:
        return all(r.finished_at is not None for r in c.execute(select(ingest_runs)))


GOOD = [listing(listing_id=f"G{i}", title=f"ปลั๊กไฟ {i} ช่อง", price=100 + i) for i in range(2)]


def _nested(depth: int):
    v: list = []
    for _ in range(depth - 1):
        v = [v]
    return v


# --- item 9: ingest robustness -------------------------------------------------------------------------


def _csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "listing_id", "title", "description", "attributes", "seller_id"])
        w.writerows(rows)
    return path


@pytest.mark.parametrize(
    "case,cell,field,reason",
    [
        ("long_field", ("description", "ก" * 200_000), "description", "at most 131,072"),
        ("deep_json_cell", ("attributes", "[" * 5000 + "]" * 5000), "attributes", "nested too deeply"),
        ("nested_json_cell", ("attributes", json.dumps({"a": _nested(300)})), "attributes", "nested more than"),
    ],
)
def test_csv_bad_cell_is_rejected_and_the_run_finishes(tmp_path, db, case, cell, field, reason):
    col, value = cell
    bad = ["shopee", "B1", "พัดลม", "", "", "s1"]
    bad[{"description": 3, "attributes": 4}[col]] = value
    path = _csv(
        tmp_path / "in.csv", [["shopee", "A1", "ปลั๊กไฟ", "", "", "s1"], bad, ["shopee", "C1", "เตารีด", "", "", "s1"]]
    )
    s = cli_json("ingest", path)
    assert (s["read"], s["stored"], s["rejected"]) == (3, 2, 1) and _sum_adds_up(s)
    got_field, got_reason = _rejects(db)[2]
    assert got_field == field and reason in got_reason
    assert _runs_finished(db)


@pytest.mark.parametrize("depth", [300, 1000])
def test_extra_field_nested_deeply_is_rejected_and_the_run_finishes(tmp_path, db, depth):
    # written by hand: the stdlib encoder itself cannot write 1,000 levels
    deep = json.dumps(dict(listing(listing_id="D1"), extra_blob="@")).replace('"@"', "[" * depth + "]" * depth)
    path = write_jsonl(tmp_path / "deep.jsonl", [GOOD[0], deep, GOOD[1]])
    s = cli_json("ingest", path)
    assert (s["read"], s["stored"], s["rejected"]) == (3, 2, 1) and _sum_adds_up(s)
    field, reason = _rejects(db)[2]
    assert field == "extra_blob" and "nested more than" in reason
    assert _runs_finished(db)


@pytest.mark.parametrize("batch_size", [1000, 2, 1])
def test_second_record_for_a_listing_keeps_both_snapshots_and_counts_add_up(tmp_path, db, batch_size):
    v1 = listing(listing_id="L1", title="ปลั๊กพ่วง รุ่นเก่า", price=100)
    v2 = dict(v1, title="ปลั๊กพ่วง รุ่นใหม่", price=120)
    path = write_jsonl(tmp_path / "dup.jsonl", [v1, GOOD[0], v2, v2, '{"broken":'])
    s = cli_json("ingest", path, "--batch-size", batch_size)
    assert s["read"] == 5 and _sum_adds_up(s)
    assert (s["stored"], s["duplicates"], s["rejected"]) == (2, 2, 1)
    with db.connect() as c:
        pk, title = c.execute(select(listings.c.id, listings.c.title).where(listings.c.listing_id == "L1")).one()
        snaps = c.execute(
            select(listing_snapshots.c.title)
            .where(listing_snapshots.c.listing_pk == pk)
            .order_by(listing_snapshots.c.id)
        ).scalars()
        assert list(snaps) == ["ปลั๊กพ่วง รุ่นเก่า", "ปลั๊กพ่วง รุ่นใหม่"] and title == "ปลั๊กพ่วง รุ่นใหม่"
    again = cli_json("ingest", path, "--batch-size", batch_size)  # a new run: first sighting is not a duplicate
    assert _sum_adds_up(again) and (again["stored"], again["duplicates"], again["unchanged"]) == (0, 2, 1)


def test_a_record_the_store_refuses_is_rejected_alone(tmp_path, db):
    """A value valid by the spec that the store cannot hold (an extra field with an integer beyond 64 bits,
    which a record source other than our file readers can produce) costs only that record."""
    from tisguard.ingest.pipeline import ingest_records

    records = [(1, GOOD[0]), (2, listing(listing_id="X1", big=2**70)), (3, GOOD[1])]
    s = ingest_records(db, records, "in-memory source", tmp_path / "rejects", batch_size=1000).as_dict()
    assert (s["read"], s["stored"], s["rejected"]) == (3, 2, 1) and _sum_adds_up(s)
    assert _rejects(db)[2][1].startswith("the store refused this record")
    with db.connect() as c:
        assert sorted(c.execute(select(listings.c.listing_id)).scalars()) == ["G0", "G1"]
    assert _runs_finished(db)


def test_repush_with_other_images_leaves_no_stale_rows(tmp_path, db):
    imgs = [{"url": f"https://img.example/{i}.jpg"} for i in range(3)]
    cli_json("ingest", write_jsonl(tmp_path / "a.jsonl", [listing(listing_id="I1", images=imgs)]))
    cli_json("ingest", write_jsonl(tmp_path / "b.jsonl", [listing(listing_id="I1", images=[{"path": "new.jpg"}])]))
    with db.connect() as c:
        rows = c.execute(select(listing_images.c.position, listing_images.c.url, listing_images.c.path)).all()
    assert [tuple(r) for r in rows] == [(0, None, "new.jpg")]


# --- item 6: decisions govern the queue and notices ----------------------------------------------------


@pytest.fixture
def flagged(db, engine):
    """push(listing_id, **fields) → the listing's pk, written and assessed by the real engine."""
    from tisguard.pipeline.store import assess_and_store
    from tisguard.spec.listing import Listing
    from webfixtures import listing as platform_listing

    def push(lid: str, **kw) -> int:
        l = Listing.model_validate(platform_listing("shopee", lid, **kw))
        assess_and_store(db, engine, [l])
        with db.connect() as c:
            return c.execute(select(listings.c.id).where(listings.c.listing_id == lid)).scalar_one()

    return push


@pytest.fixture
def svc(db):
    from tisguard.config import resolve_settings
    from tisguard.services import decisions, notices

    class S:
        settings = resolve_settings()

        @staticmethod
        def confirm(pk):
            return decisions.decide(db, S.settings, pk, "confirm", "officer1", legal_basis="sec20")

        @staticmethod
        def dismiss(pk):
            return decisions.decide(db, S.settings, pk, "dismiss", "officer1", reason="false_positive")

        @staticmethod
        def notice(*pks):
            return notices.create_notice(db, "shopee", list(pks), "officer1")

    return S


def _queue_ids(db) -> dict[int, dict]:
    from tisguard.services.review import QueueFilter, queue

    return {i["id"]: i for i in queue(db, QueueFilter(per_page=200))["items"]}


def test_dismissed_listing_with_new_content_comes_back_with_the_earlier_decision(db, flagged, svc):
    pk = flagged("Q1")
    assert pk in _queue_ids(db) and _queue_ids(db)[pk]["previous_decision"] is None
    svc.dismiss(pk)
    assert pk not in _queue_ids(db)
    flagged("Q1")  # the same content again: the dismissal still holds
    assert pk not in _queue_ids(db)
    flagged("Q1", title="ปลั๊กพ่วง 6 ช่อง 5 เมตร สายไฟยาว ราคาถูก")
    item = _queue_ids(db).get(pk)
    assert item is not None, "new content after a dismissal must come back to the queue"
    assert item["previous_decision"]["decision"] == "dismiss" and item["previous_decision"]["by"] == "officer1"
    svc.confirm(pk)  # the latest decision governs
    assert pk not in _queue_ids(db)
    svc.notice(pk)


def test_no_notice_for_a_listing_whose_latest_decision_is_a_dismissal(db, flagged, svc):
    from tisguard.services.notices import NoticeError, confirmed_without_notice

    pk = flagged("Q2")
    svc.confirm(pk)
    svc.dismiss(pk)
    assert pk not in [r["id"] for r in confirmed_without_notice(db)]
    with pytest.raises(NoticeError, match="dismissed"):
        svc.notice(pk)


def test_a_listing_is_in_at_most_one_open_notice(db, flagged, svc):
    from tisguard.services.decisions import DecisionError
    from tisguard.services.notices import NoticeError, confirmed_without_notice, record_actions, send_notice

    pk = flagged("Q3")
    svc.confirm(pk)
    first = svc.notice(pk)
    assert pk not in [r["id"] for r in confirmed_without_notice(db)]
    with pytest.raises(NoticeError, match=f"already in open notice {first}"):
        svc.notice(pk)
    with pytest.raises(IntegrityError), db.begin() as c:  # the store itself refuses a second open item
        values = {"platform": "shopee", "state": "draft", "created_by": "x", "created_at": datetime.now(UTC)}
        other = c.execute(insert(notices).values(**values)).inserted_primary_key[0]
        c.execute(insert(notice_items).values(notice_pk=other, listing_pk=pk, is_open=True))
    send_notice(db, first, "supervisor1")
    with pytest.raises(DecisionError, match="cannot be dismissed"):
        svc.dismiss(pk)
    record_actions(db, first, "shopee", [{"listing_id": "Q3", "action": "removed"}], "platform:shopee")
    assert pk not in [r["id"] for r in confirmed_without_notice(db)]  # that confirmation was acted on
    svc.confirm(pk)  # confirmed again (the listing came back): a new notice may take it
    assert pk in [r["id"] for r in confirmed_without_notice(db)]
    assert svc.notice(pk) != first


# --- item 7: a closed notice is final for the platform; a supervisor reopens, audited -------------------


def _closed_notice(db, flagged, svc, lid="Q4") -> int:
    from tisguard.services.notices import record_actions, send_notice

    pk = flagged(lid)
    svc.confirm(pk)
    n = svc.notice(pk)
    send_notice(db, n, "supervisor1")
    assert record_actions(db, n, "shopee", [{"listing_id": lid, "action": "removed"}], "platform:shopee")["state"] == (
        "removed"
    )
    return n


def test_platform_cannot_rewrite_a_closed_notice(db, flagged, svc):
    from tisguard.services.notices import NoticeClosed, get_notice, record_actions
    from tisguard.services.platforms import add_platform
    from webfixtures import bearer, make_client

    n = _closed_notice(db, flagged, svc)
    with pytest.raises(NoticeClosed):
        record_actions(db, n, "shopee", [{"listing_id": "Q4", "action": "refused", "reason": "x"}], "platform:shopee")
    key = add_platform(db, "shopee")
    r = make_client().post(
        f"/api/v1/notices/{n}/actions",
        json={"actions": [{"listing_id": "Q4", "action": "refused", "reason": "ไม่ลบ"}]},
        headers=bearer(key),
    )
    assert 400 <= r.status_code < 500 and r.json()["detail"]["field"] == "state"
    after = get_notice(db, n)
    assert after["state"] == "removed" and after["items"][0]["action"] == "removed"


def test_supervisor_reopens_a_closed_notice_audited(db, flagged, svc):
    from tisguard.services.notices import NoticeError, get_notice, record_actions, reopen_notice
    from tisguard.services.users import add_user

    n = _closed_notice(db, flagged, svc, "Q5")
    add_user(db, "off1", "officer-pass-123456", "officer")
    add_user(db, "sup1", "supervisor-pass-123456", "supervisor")
    with pytest.raises(NoticeError, match="supervisor"):
        reopen_notice(db, n, "off1", "listing is back online")
    with pytest.raises(NoticeError, match="reason"):
        reopen_notice(db, n, "sup1", "  ")
    r = reopen_notice(db, n, "sup1", "สินค้ากลับมาขายอีก / listing is back online")
    assert r["state"] == "sent" and r["closed_at"] is None and r["items"][0]["action"] is None
    assert r["history"][-1]["reopened_from"] == "removed" and r["history"][-1]["by"] == "sup1"
    with db.connect() as c:
        row = c.execute(select(audit_log).where(audit_log.c.action == "notice.reopen")).one()
    assert row.actor == "sup1" and row.subject == f"notice/{n}" and "back online" in row.detail["reason"]
    record_actions(db, n, "shopee", [{"listing_id": "Q5", "action": "removed"}], "platform:shopee")
    assert get_notice(db, n)["state"] == "removed"


# --- item 12: tamper-evident audit log -----------------------------------------------------------------


def _audit(db, n: int, actor: str = "officer1") -> None:
    from tisguard.services import audit

    for i in range(n):
        with db.begin() as c:
            audit.record(c, actor, "test.action", f"s/{i}", {"i": i, "ข้อความ": "ทดสอบ", "at": datetime.now(UTC)})


def _row_id(db, seq: int) -> int:
    with db.connect() as c:
        return c.execute(select(audit_log.c.id).where(audit_log.c.seq == seq)).scalar_one()


def _tamper(db, how: str) -> tuple[int | None, int]:
    """Change the log behind the application's back; return the (row id, chain position) verify must name."""
    from tisguard.services.audit import chain_hash

    with db.begin() as c:
        if how == "edit":
            c.execute(update(audit_log).where(audit_log.c.seq == 3).values(detail={"i": 99}))
            return _row_id(db, 3), 3
        if how == "edit_and_rehash":  # recompute the edited row's own hash: the next link breaks
            r = c.execute(select(audit_log).where(audit_log.c.seq == 3)).one()
            h = chain_hash(r.prev_hash, 3, r.at, "someone-else", r.action, r.subject, r.detail)
            c.execute(update(audit_log).where(audit_log.c.seq == 3).values(actor="someone-else", row_hash=h))
            return _row_id(db, 4), 4
        if how == "delete":
            c.execute(delete(audit_log).where(audit_log.c.seq == 3))
            return _row_id(db, 4), 4
        if how == "delete_last":
            c.execute(delete(audit_log).where(audit_log.c.seq == 6))
            return None, 6
        if how == "insert":
            c.execute(insert(audit_log).values(at=datetime.now(UTC), actor="intruder", action="decision.confirm"))
            return c.execute(select(func.max(audit_log.c.id))).scalar(), None
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["edit", "edit_and_rehash", "delete", "delete_last", "insert"])
def test_audit_verify_names_the_first_broken_row(db, how):
    _audit(db, 6)
    ok = cli("audit", "verify", "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout.strip().splitlines()[-1])["rows"] == 6
    row_id, seq = _tamper(db, how)
    bad = cli("audit", "verify", "--json")
    assert bad.exit_code == 1
    report = json.loads(bad.stdout.strip().splitlines()[-1])
    assert report["ok"] is False and report["broken_id"] == row_id
    if seq is not None:
        assert report["broken_seq"] == seq


def test_concurrent_appends_keep_one_chain(db):
    from tisguard.services.audit import verify

    threads = [threading.Thread(target=_audit, args=(db, 15, f"officer{t}")) for t in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify(db)
    assert report.ok and report.rows == 45, report


def test_migration_chains_the_existing_log(backend_env):
    from alembic import command

    from tisguard.config import resolve_settings
    from tisguard.services.audit import verify
    from tisguard.store.db import alembic_config, get_engine, migrate

    settings = resolve_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    eng = get_engine(settings.database_url)
    cfg = alembic_config(settings.database_url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    with eng.begin() as conn:
        for i in range(4):
            conn.execute(
                text("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (:at, 'old', 'x', :s, :d)"),
                {"at": datetime(2026, 1, 1, 8, 0, i, 123456, tzinfo=UTC), "s": f"s{i}", "d": json.dumps({"n": i})},
            )
    migrate(eng)
    assert verify(eng).ok and verify(eng).rows == 4
    _audit(eng, 2)
    assert verify(eng).rows == 6


# --- item 12: durable webhook outbox ---------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.calls.append((self.headers["X-TISGuard-Signature"], body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def test_webhook_survives_a_restart_and_is_redelivered(db, flagged, svc, monkeypatch):
    from tisguard.services import webhooks
    from tisguard.services.notices import send_notice
    from tisguard.services.platforms import add_platform, set_webhook

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    add_platform(db, "shopee")
    secret = set_webhook(db, "shopee", f"http://127.0.0.1:{port}/hook")
    pk = flagged("W1")
    svc.confirm(pk)
    n = svc.notice(pk)
    send_notice(db, n, "supervisor1")  # the process "dies" here: nothing was sent yet, the event is stored

    def outbox():
        with db.connect() as c:
            return c.execute(select(webhook_outbox)).one()

    assert (outbox().status, outbox().attempts, outbox().event) == ("pending", 0, "notice.sent")
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 2)
    assert webhooks.deliver_due(db) == {"delivered": 0, "failed": 1}  # the receiver is down
    assert outbox().status == "pending" and outbox().attempts == 1
    assert webhooks.deliver_due(db) == {"delivered": 0, "failed": 0}  # backing off: not due yet
    with db.begin() as c:  # let the back-off pass
        c.execute(update(webhook_outbox).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    webhooks.deliver_due(db)
    assert outbox().status == "failed" and outbox().attempts == 2  # out of tries: waits for an operator

    _Receiver.calls = []
    server = HTTPServer(("127.0.0.1", port), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        r = cli_json("webhooks", "redeliver")
    finally:
        server.shutdown()
        server.server_close()
    assert (r["delivered"], r["undelivered"]) == (1, 0) and outbox().status == "delivered"
    sig, body = _Receiver.calls[0]
    assert webhooks.verify(secret, body, sig)
    assert json.loads(body)["event"] == "notice.sent" and json.loads(body)["notice"]["id"] == n
    assert cli_json("webhooks", "redeliver")["events"] == []  # nothing left undelivered
