"""The public list of non-standard products (issue 14 item 4): published only after a supervisor approves, with a
takedown date; filters, paging and every format (page, JSON, CSV, Atom) from one handler that validates alike;
a change feed numbered in commit order that never rewrites its past. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from defusedxml import ElementTree as SafeET
from fastapi.testclient import TestClient

from public_fixtures import OFFICER, approve, confirm_and_remove, jpeg_with_exif, keep_photo, push, sign_in_as
from webfixtures import csrf_of

HTML = {"accept": "text/html"}
ATOM = "{http://www.w3.org/2005/Atom}"


def _listing(platform: str, lid: str, title: str, **kw) -> dict:
    return {
        "platform": platform,
        "listing_id": lid,
        "title": title,
        "seller": {"id": f"s-{lid}", "country": "CN"},
        **kw,
    }


def _published(client, keys, platform: str, lid: str, title: str, **form) -> tuple[int, int]:
    pk = push(
        client, keys[platform], _listing(platform, lid, title, images=[{"url": f"https://img.example/{lid}.jpg"}])
    )
    confirm_and_remove(client, keys[platform], pk, platform, lid)
    return pk, approve(client, pk, **form)


def test_only_a_supervisor_publishes_and_only_a_confirmed_listing(web):
    client, _, keys, db = web
    pk = push(client, keys["shopee"], _listing("shopee", "P-1", "ปลั๊กพ่วง 4 ช่อง 3 เมตร"))
    anon = TestClient(client.app)
    assert anon.get("/publication", follow_redirects=False).status_code == 303
    sign_in_as(client, OFFICER)
    assert client.get("/publication", headers=HTML).status_code == 403
    r = client.post("/publication/approve", data={"csrf": csrf_of(client), "listing_pk": str(pk)})
    assert r.status_code == 403
    sign_in_as(client)
    csrf = csrf_of(client)
    r = client.post("/publication/approve", data={"csrf": csrf, "listing_pk": str(pk)})
    assert r.status_code == 422 and "not a confirmed violation" in r.text  # nothing decided yet
    assert client.post("/publication/approve", data={"listing_pk": str(pk)}).status_code == 403  # CSRF
    confirm_and_remove(client, keys["shopee"], pk, "shopee", "P-1")
    page = client.get("/publication", headers=HTML).text
    assert f'data-listing="{pk}"' in page
    past = (date.today() - timedelta(days=1)).isoformat()
    r = client.post("/publication/approve", data={"csrf": csrf, "listing_pk": str(pk), "takedown_on": past})
    assert r.status_code == 422 and "takedown" in r.text
    entry = approve(client, pk)
    assert client.post("/publication/approve", data={"csrf": csrf, "listing_pk": str(pk)}).status_code == 422
    assert f'data-listing="{pk}"' not in client.get("/publication", headers=HTML).text
    e = anon.get(f"/public/violations/{entry}.json").json()
    assert e["state"] == "published" and e["outcome"]["code"] == "removed" and e["standard"]["tis"] == "2432"
    assert e["legal_basis"]["code"] == "sec20bis" and e["photo"] is None
    default_end = date.fromisoformat(e["published_on"]) + timedelta(days=365)
    assert e["takedown_on"] == default_end.isoformat()
    assert any(r["code"] == "no_tis_evidence" for r in e["reasons"])
    from sqlalchemy import select

    from tisguard.store.tables import audit_log

    with db.connect() as c:
        assert "publication.published" in c.execute(select(audit_log.c.action)).scalars().all()


def test_list_filters_paging_and_every_format(web):
    client, _, keys, _ = web
    sign_in_as(client)
    _published(client, keys, "shopee", "F-1", "ปลั๊กพ่วง 4 ช่อง 3 เมตร")
    _published(client, keys, "lazada", "F-2", "ปลั๊กพ่วง 6 ช่อง 5 เมตร", product="=cmd|' /C calc'!A0")
    _, third = _published(client, keys, "lazada", "F-3", "หมวกกันน็อคเต็มใบ", include_photo="1")
    anon = TestClient(client.app)
    full = anon.get("/public/violations.json").json()
    assert full["total"] == 3 and [i["platform"] for i in full["items"]].count("lazada") == 2
    assert full["next"] is None and full["changes"].endswith("/public/violations/changes.json")
    lazada = anon.get("/public/violations.json", params={"platform": "lazada"}).json()
    assert lazada["total"] == 2 and {i["platform"] for i in lazada["items"]} == {"lazada"}
    month = full["items"][0]["confirmed_on"][:7]
    assert anon.get("/public/violations.json", params={"month": month}).json()["total"] == 3
    assert anon.get("/public/violations.json", params={"month": "2001-01"}).json()["total"] == 0
    tis = anon.get("/public/violations.json", params={"tis": "2432"}).json()
    assert tis["total"] == 2 and all(i["standard"]["tis"] == "2432" for i in tis["items"])
    p1 = anon.get("/public/violations.json", params={"per_page": 2}).json()
    assert len(p1["items"]) == 2 and "page=2" in p1["next"]
    p2 = anon.get(p1["next"].replace("http://testserver", "")).json()
    assert len(p2["items"]) == 1 and not {i["id"] for i in p1["items"]} & {i["id"] for i in p2["items"]}

    page = anon.get("/public/violations", params={"platform": "lazada"}, headers=HTML)
    assert page.status_code == 200 and page.text.count('class="entry"') == 2 and 'id="fmt-atom"' in page.text
    assert anon.get("/public/violations", headers={"accept": "application/json"}).json()["total"] == 3
    assert "Non-standard products" in anon.get("/public/violations?lang=en", headers=HTML).text

    r = anon.get("/public/violations.csv")
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {row["platform"] for row in rows} == {"shopee", "lazada"}
    assert any(row["product"].startswith("'=cmd") for row in rows)  # no formula runs in a spreadsheet
    assert all(row["entry_url"].startswith("http://testserver/public/violations/") for row in rows)
    assert len(list(csv.DictReader(io.StringIO(anon.get("/public/violations.csv?platform=lazada").text)))) == 2

    atom = anon.get("/public/violations.atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    feed = SafeET.fromstring(atom.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3 and all(e.find(f"{ATOM}id").text.startswith("tag:testserver,2026:") for e in entries)
    assert (
        len(SafeET.fromstring(anon.get("/public/violations.atom?platform=shopee").content).findall(f"{ATOM}entry")) == 1
    )

    photo = anon.get(f"/public/violations/{third}/photo.jpg")
    assert photo.status_code == 404  # the supervisor chose the photo, but none was kept for that listing
    for bad in ({"month": "2026-13"}, {"tis": "abc"}, {"platform": "Bad!"}, {"per_page": 1000}, {"page": 0}):
        for path in (
            "/public/violations",
            "/public/violations.json",
            "/public/violations.csv",
            "/public/violations.atom",
        ):
            assert anon.get(path, params=bad, headers=HTML).status_code == 422, (path, bad)
    assert anon.get("/public/violations.xml").status_code == 404
    assert anon.get("/public/violations/999999").status_code == 404


def test_the_change_feed_is_stable(web):
    from tisguard.services import publication

    client, _, keys, db = web
    sign_in_as(client)
    pk_a, a = _published(client, keys, "shopee", "C-1", "ปลั๊กพ่วง 4 ช่อง 3 เมตร")
    pk_b, b = _published(client, keys, "shopee", "C-2", "ปลั๊กพ่วง 2 ช่อง")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    pk_c, c = _published(client, keys, "lazada", "C-3", "พาวเวอร์แบงค์ 20000mAh", takedown_on=tomorrow)
    anon = TestClient(client.app)
    first = anon.get("/public/violations/changes.json").json()
    assert [(e["event"], e["entry_id"]) for e in first["events"]] == [
        ("published", a),
        ("published", b),
        ("published", c),
    ]
    seqs = [e["seq"] for e in first["events"]]
    assert seqs == sorted(seqs) and first["head"] == seqs[-1]

    csrf = csrf_of(client)
    assert client.post(f"/publication/{a}/withdraw", data={"csrf": csrf, "reason": ""}).status_code == 422
    r = client.post(
        f"/publication/{a}/withdraw", data={"csrf": csrf, "reason": "ผู้ขายอุทธรณ์สำเร็จ"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert client.post(f"/publication/{a}/withdraw", data={"csrf": csrf, "reason": "again"}).status_code == 422
    # the listing of b is dismissed later: it leaves the list at once, and the feed says so
    confirm = client.post(
        f"/api/v1/review/{pk_b}/decision",
        json={"decision": "dismiss", "reason": "licence_valid"},
        headers={"X-CSRF-Token": csrf},
    )
    assert confirm.status_code == 200, confirm.text  # its notice is closed: it may be dismissed
    assert anon.get("/public/violations.json").json()["total"] == 1  # b left the list (the dismissal withdrew it)
    assert publication.refresh(db, datetime.now(UTC) + timedelta(days=3)) == 1  # c reaches its takedown date

    after = anon.get("/public/violations/changes.json", params={"after": seqs[-1]}).json()
    events = [(e["event"], e["entry_id"]) for e in after["events"]]
    assert sorted(events) == sorted([("withdrawn", a), ("withdrawn", b), ("expired", c)]) and events[0] == (
        "withdrawn",
        a,
    )
    again = anon.get("/public/violations/changes.json").json()
    past = [(e["seq"], e["event"], e["entry_id"]) for e in first["events"]]
    assert [(e["seq"], e["event"], e["entry_id"]) for e in again["events"][:3]] == past  # the past is never rewritten
    assert [e["entry_state"] for e in again["events"][:3]] == ["withdrawn", "withdrawn", "expired"]
    assert all(e["entry"] is None for e in again["events"])  # nothing left on the list: no content in the feed
    gone = anon.get(f"/public/violations/{a}.json").json()
    assert gone == {
        "id": a,
        "path": f"/public/violations/{a}",
        "url": f"http://testserver/public/violations/{a}",
        "state": "withdrawn",
        "ended_on": gone["ended_on"],
    }
    assert gone["ended_on"] and "ผู้ขายอุทธรณ์" not in str(gone)
    assert 'id="entry-gone"' in anon.get(f"/public/violations/{a}", headers=HTML).text
    assert anon.get("/public/violations/changes.json", params={"after": again["head"]}).json()["events"] == []
    assert anon.get("/public/violations/changes.json", params={"after": -1}).status_code == 422
    assert anon.get("/public/violations/changes.json", params={"limit": 501}).status_code == 422


def test_a_chosen_photo_is_published_without_its_metadata(web):
    from PIL import Image

    client, _, keys, _ = web
    sign_in_as(client)
    pk = push(
        client,
        keys["shopee"],
        _listing("shopee", "PH-1", "ปลั๊กพ่วง 4 ช่อง", images=[{"url": "https://img.example/1.jpg"}]),
    )
    confirm_and_remove(client, keys["shopee"], pk, "shopee", "PH-1")
    keep_photo(client, pk, jpeg_with_exif("secret comment", size=(1600, 1200)))
    preview = client.get(f"/publication/candidates/{pk}/photo.jpg")
    assert preview.status_code == 200 and preview.headers["cache-control"] == "private, no-store"
    entry = approve(client, pk, include_photo="1")
    anon = TestClient(client.app)
    photo = anon.get(f"/public/violations/{entry}/photo.jpg")
    img = Image.open(io.BytesIO(photo.content))
    assert photo.status_code == 200 and img.format == "JPEG" and max(img.size) == 480
    assert len(img.getexif()) == 0 and b"secret comment" not in photo.content
    assert anon.get(f"/public/violations/{entry}.json").json()["photo"].endswith(f"/{entry}/photo.jpg")
    assert 'id="entry-photo"' in anon.get(f"/public/violations/{entry}", headers=HTML).text


def test_open_data_is_rate_limited(web, monkeypatch):
    from webfixtures import make_client

    monkeypatch.setenv("TISGUARD_PUBLIC_DATA_PER_MIN", "2")
    client = make_client()
    assert [client.get("/public/violations.json").status_code for _ in range(2)] == [200, 200]
    r = client.get("/public/violations.csv")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    page = client.get("/public/violations", headers=HTML)
    assert page.status_code == 429 and 'id="rate-limited"' in page.text


def test_reading_the_public_list_changes_nothing_the_refresh_job_does(web):
    from sqlalchemy import func, select, update

    from helpers import cli_json
    from tisguard.store.tables import publication_events, publications

    client, _settings, keys, db = web
    sign_in_as(client)
    pk = push(
        client,
        keys["shopee"],
        {"platform": "shopee", "listing_id": "RO-1", "title": "ปลั๊กพ่วง 4 ช่อง", "seller": {"id": "ro"}},
    )
    confirm_and_remove(client, keys["shopee"], pk, "shopee", "RO-1")
    entry = approve(client, pk)
    with db.begin() as c:  # its takedown date has passed
        c.execute(
            update(publications).where(publications.c.id == entry).values(takedown_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
        events = c.execute(select(func.count()).select_from(publication_events)).scalar_one()
    anon = client.__class__(client.app)
    for url in ("/public/violations.json", "/public/violations/changes.json", "/public/violations.csv"):
        assert anon.get(url).status_code == 200
    with db.connect() as c:
        assert c.execute(select(func.count()).select_from(publication_events)).scalar_one() == events
        assert c.execute(select(publications.c.state).where(publications.c.id == entry)).scalar_one() == "published"
    assert anon.get("/public/violations.json").json()["total"] == 0  # but a due entry is never shown
    assert cli_json("public", "refresh")["changed"] == 1
    with db.connect() as c:
        assert c.execute(select(publications.c.state).where(publications.c.id == entry)).scalar_one() == "expired"
