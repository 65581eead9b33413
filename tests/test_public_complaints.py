"""Complaints that are tracked (issue 14 item 3): a ticket number and a private status link, the outcome owed in
3 business days, officers' triage (link to a listing, merge duplicates, decide), the status page following it,
and the CSV 1212 OCC referrals take. Store parts run on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from public_fixtures import OFFICER, confirm_and_remove, push, sign_in_as
from webfixtures import csrf_of, make_client

HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}


def _utc(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _submit(client, url: str, text: str, contact: str = "") -> tuple[str, str]:
    """Complain as a visitor; (ticket, status path) as the answer page shows them."""
    r = client.post("/complaint", data={"listing_url": url, "text": text, "contact": contact})
    assert r.status_code == 200, r.text
    ticket = re.search(r'id="ticket">(C-\d+)<', r.text).group(1)
    link = re.search(r'id="status-link"[^>]*>(http[^<]+)<', r.text).group(1)
    assert "เลขที่เรื่อง" in r.text and "ticket" in r.text.lower() and r.headers["cache-control"] == "private, no-store"
    return ticket, link.replace("http://testserver", "")


def test_a_complaint_gets_a_ticket_and_a_private_status_link(web):
    from tisguard.services import calendar
    from tisguard.store.tables import complaints

    client, _, _, db = web
    anon = TestClient(client.app)
    ticket, status = _submit(anon, "https://shopee.co.th/product/1/2", "ปลั๊กพ่วงไม่มี มอก.", "line: somebody")
    token = status.rsplit("/", 1)[1]
    assert len(token) >= 32
    with db.connect() as c:
        row = c.execute(select(complaints).where(complaints.c.id == int(ticket[2:]))).one()
        assert token not in str(tuple(row)) and row.status_token_hash  # only its hash is kept
        assert _utc(calendar.deadline(c, _utc(row.created_at), 3)) == _utc(row.due_at)
    page = anon.get(status, headers=HTML)
    assert page.status_code == 200 and ticket in page.text and 'data-status="new"' in page.text
    assert page.headers["x-robots-tag"] == "noindex, nofollow" and page.headers["cache-control"] == "private, no-store"
    assert "somebody" not in page.text  # the sender's contact is not shown back
    as_json = anon.get(status, headers=JSON).json()
    assert as_json["ticket"] == ticket and as_json["status"]["code"] == "new" and as_json["outcome"] is None
    assert "Complaint status" in anon.get(status + "?lang=en", headers=HTML).text
    assert anon.get("/complaint/status/" + "x" * 43, headers=HTML).status_code == 404
    assert anon.get("/complaint/status/" + "x" * 43, headers=JSON).status_code == 404
    assert anon.get("/complaint/status/" + "x" * 101).status_code == 422


def test_triage_links_merges_and_decides_and_the_sender_sees_it(web):
    from tisguard.store.tables import audit_log, complaints

    client, _, keys, db = web
    url = "https://shopee.co.th/triage-shop/item-T-1"
    record = {
        "platform": "shopee",
        "listing_id": "T-1",
        "title": "ปลั๊กพ่วง 4 ช่อง 3 เมตร",
        "url": url,
        "seller": {"id": "t-seller", "country": "CN"},
    }
    pk = push(client, keys["shopee"], record)
    anon = TestClient(client.app)
    first, first_status = _submit(anon, url + "?sp_atk=abc#reviews", "ไม่มี มอก. เลย")  # linked on arrival
    second, second_status = _submit(anon, url, "ร้านนี้ขายปลั๊กพ่วงไม่มี มอก.")
    other, _ = _submit(anon, "https://lazada.co.th/p/9", "พัดลมไม่มีฉลาก")
    with db.connect() as c:
        linked = dict(c.execute(select(complaints.c.id, complaints.c.listing_pk)).all())
    assert linked[int(first[2:])] == pk and linked[int(second[2:])] == pk and linked[int(other[2:])] is None

    sign_in_as(client, OFFICER)
    csrf = csrf_of(client)
    page = client.get(f"/complaints/{first[2:]}", headers=HTML)
    assert page.status_code == 200 and f'href="/listings/{pk}"' in page.text and second in page.text  # duplicate shown
    assert client.post(f"/complaints/{second[2:]}/merge", data={"into": first}).status_code == 403  # CSRF
    r = client.post(f"/complaints/{second[2:]}/merge", data={"csrf": csrf, "into": first}, follow_redirects=False)
    assert r.status_code == 303
    assert client.post(f"/complaints/{first[2:]}/merge", data={"csrf": csrf, "into": first[2:]}).status_code == 422
    assert client.post(f"/complaints/{other[2:]}/merge", data={"csrf": csrf, "into": second}).status_code == 422
    # the outcome 'violation confirmed' needs the listing confirmed first
    decide = {"csrf": csrf, "outcome": "violation_confirmed", "note": "แจ้งแพลตฟอร์มให้ลบแล้ว"}
    r = client.post(f"/complaints/{first[2:]}/decide", data=decide)
    assert r.status_code == 422 and "confirm" in r.text
    client.post(f"/complaints/{other[2:]}/link", data={"csrf": csrf, "listing": str(pk)})
    assert (
        client.post(
            f"/complaints/{other[2:]}/link", data={"csrf": csrf, "listing": "https://x.example/none"}
        ).status_code
        == 422
    )
    sign_in_as(client)  # a supervisor confirms and sends the notice; the platform removes the listing
    confirm_and_remove(client, keys["shopee"], pk, "shopee", "T-1")
    csrf = csrf_of(client)
    decide["csrf"] = csrf
    assert client.post(f"/complaints/{first[2:]}/decide", data=decide, follow_redirects=False).status_code == 303
    assert client.post(f"/complaints/{first[2:]}/decide", data={**decide, "outcome": "duplicate"}).status_code == 422

    mine = anon.get(first_status, headers=JSON).json()
    assert mine["status"]["code"] == "decided" and mine["outcome"]["code"] == "violation_confirmed"
    assert mine["outcome"]["on_time"] and mine["outcome"]["note"] == "แจ้งแพลตฟอร์มให้ลบแล้ว"
    assert mine["listing"]["decision"] == "confirm" and mine["listing"]["notice"]["code"] == "removed"
    merged = anon.get(second_status, headers=JSON).json()
    assert merged["status"]["code"] == "merged" and merged["merged_into"] == first
    assert merged["outcome"]["code"] == "violation_confirmed"  # the sender of the duplicate follows the case
    page = anon.get(second_status, headers=HTML).text
    assert 'id="merged-into">' + first in page and 'data-outcome="violation_confirmed"' in page
    with db.connect() as c:
        actions = c.execute(select(audit_log.c.action).where(audit_log.c.action.like("complaint.%"))).scalars().all()
    assert {"complaint.link", "complaint.merge", "complaint.outcome"} <= set(actions)
    officers_list = client.get("/complaints", headers=HTML).text
    assert f'href="/complaints/{first[2:]}"' in officers_list and re.findall(r"<td>C-(\d+)</td>", officers_list)


def test_overdue_complaints_are_found(web):
    from tisguard.services import complaint_tracking, complaints

    client, _, _, db = web
    old = complaints.submit(
        db, "https://x.example/p/1", "เก่า ไม่มี มอก.", None, None, datetime.now(UTC) - timedelta(days=10)
    )
    new = complaints.submit(db, "https://x.example/p/2", "ใหม่ ไม่มี มอก.", None, None)
    ids = [i["id"] for i in complaints.list_complaints(db, overdue=True)["items"]]
    assert ids == [old["id"]] and new["id"] not in ids
    assert complaints.list_complaints(db, q=old["ticket"])["items"][0]["id"] == old["id"]  # found by ticket
    complaint_tracking.decide(db, old["id"], "referred", "ส่ง สคบ.", "officer")
    assert complaints.list_complaints(db, overdue=True)["items"] == []
    late = complaint_tracking.status_by_token(db, old["token"])
    assert late["outcome"]["code"] == "referred" and late["outcome"]["on_time"] is False


def test_export_for_1212_occ(web):
    from tisguard.services import complaint_tracking, complaints

    client, _, _, db = web
    a = complaints.submit(db, "https://shopee.co.th/p/occ", '=HYPERLINK("http://evil")', "081-000-0000", None)
    complaints.submit(db, "https://shopee.co.th/p/old", "นานแล้ว", None, None, datetime.now(UTC) - timedelta(days=90))
    complaint_tracking.decide(db, a["id"], "no_violation", None, "officer")
    anon = TestClient(client.app)
    assert anon.get("/complaints/export/occ.csv", follow_redirects=False).status_code == 303  # officers only
    sign_in_as(client, OFFICER)
    r = client.get("/complaints/export/occ.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())  # Excel reads the Thai
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    header = [label for _, label in complaint_tracking.OCC_COLUMNS]
    assert rows[0] == header and "เลขที่เรื่อง (ticket)" in rows[0]
    got = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert a["ticket"] in got and len(got) == 1  # the 90-day-old one is outside the default 30 days
    mine = got[a["ticket"]]
    assert mine["รายละเอียด (details)"] == '\'=HYPERLINK("http://evil")'  # no formula runs in a spreadsheet
    assert mine["ผลการดำเนินการ (outcome)"] == "no_violation" and mine["แจ้งผลทันกำหนด (on time)"] == "yes"
    assert mine["ช่องทางติดต่อผู้ร้อง (complainant contact)"] == "081-000-0000"
    wide = client.get("/complaints/export/occ.csv", params={"since": "2000-01-01", "until": "2000-02-01"})
    assert wide.status_code == 200 and len(list(csv.reader(io.StringIO(wide.content.decode("utf-8-sig"))))) == 1
    assert (
        client.get("/complaints/export/occ.csv", params={"since": "2001-01-01", "until": "2000-01-01"}).status_code
        == 422
    )
    assert client.get("/complaints/export/occ.csv", params={"since": "yesterday"}).status_code == 422


def test_status_links_are_rate_limited(web, monkeypatch):
    monkeypatch.setenv("TISGUARD_PUBLIC_STATUS_PER_MIN", "2")
    client = make_client()
    assert [client.get("/complaint/status/" + "y" * 40, headers=HTML).status_code for _ in range(3)] == [404, 404, 429]
    r = client.get("/complaint/status/" + "y" * 40, headers=JSON)
    assert r.status_code == 429 and "retry-after" in r.headers


def test_migration_0008_gives_old_complaints_a_deadline(db):
    from alembic import command
    from sqlalchemy import text

    from tisguard.services.thai import add_business_days
    from tisguard.store.db import alembic_config, migrate
    from tisguard.store.tables import complaints

    cfg = alembic_config(db.url.render_as_string(hide_password=False))
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    created = datetime(2026, 1, 9, 3, 0, tzinfo=UTC)  # a Friday
    with db.begin() as conn:
        conn.execute(
            text(
                "insert into complaints (listing_url, text, status, created_at, spam) values (:u, :t, 'new', :c, false)"
            ),
            {"u": "https://x.example/p", "t": "ก่อนมีเลขที่เรื่อง", "c": created},
        )
        holidays = {d for (d,) in conn.execute(text("select day from holidays"))}
    migrate(db)
    with db.connect() as conn:
        row = conn.execute(select(complaints)).one()
    due = row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=UTC)
    assert due == add_business_days(created, 3, holidays) and due.weekday() < 5
    assert row.status_token_hash is None and row.listing_pk is None
