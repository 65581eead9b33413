"""Officer routes: sign-in, roles, CSRF, every JSON route, bad input gives a clear 4xx naming the field."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from tisguard.store.tables import audit_log
from webfixtures import csrf_of, first_flagged, sign_in

PAGES = ["/queue", "/dashboard", "/notices", "/cases", "/complaints", "/listings/1", "/admin"]
API = ["/api/v1/queue", "/api/v1/review/1", "/api/v1/dashboard", "/api/v1/officer/notices"]


def test_signed_out_reaches_nothing(web):
    client = web[0]
    assert "เข้าสู่ระบบ" in client.get("/").text
    for p in PAGES:
        r = client.get(p, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/", p
    for p in API:
        assert client.get(p).status_code == 401, p
    assert client.post("/api/v1/review/1/decision", json={"decision": "dismiss", "reason": "other"}).status_code == 401


def test_wrong_password(web):
    client = web[0]
    r = client.post("/login", data={"username": "officer", "password": "nope"})
    assert r.status_code == 401 and "ไม่ถูกต้อง" in r.text


def test_officer_cannot_reach_admin_or_send(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    assert client.get("/admin").status_code == 403
    csrf = csrf_of(client)
    assert client.post("/api/v1/officer/notices/1/send", headers={"X-CSRF-Token": csrf}).status_code == 403
    assert client.get("/api/v1/queue").status_code == 200


def test_queue_filters_and_pagination(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    q = client.get("/api/v1/queue", params={"per_page": 5}).json()
    assert q["total"] > 5 and len(q["items"]) == 5
    pr = [i["priority"] for i in q["items"]]
    assert pr == sorted(pr, reverse=True)
    p2 = client.get("/api/v1/queue", params={"per_page": 5, "page": 2}).json()
    assert {i["id"] for i in p2["items"]}.isdisjoint({i["id"] for i in q["items"]})
    assert client.get("/api/v1/queue", params={"since": "2026-01-01"}).status_code == 200
    only = client.get("/api/v1/queue", params={"verdict": "unverified"}).json()
    assert all(i["verdict"] == "unverified" for i in only["items"])
    cn = client.get("/api/v1/queue", params={"country": "CN"}).json()
    assert all(i["country"] == "CN" for i in cn["items"])
    for bad, field in (
        (("verdict", "bogus"), "verdict"),
        (("country", "thailand"), "country"),
        (("page", "0"), "page"),
        (("since", "yesterday"), "since"),
    ):
        r = client.get("/api/v1/queue", params=dict([bad]))
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == field


def test_decisions_need_csrf_and_valid_fields(web):
    client, _, _, db = web
    sign_in(client, "officer", "officer-pass-123")
    item = first_flagged(client)
    url = f"/api/v1/review/{item['id']}/decision"
    assert client.post(url, json={"decision": "confirm", "legal_basis": "sec20"}).status_code == 403
    csrf = csrf_of(client)
    h = {"X-CSRF-Token": csrf}
    for body, field in (
        ({"decision": "confirm"}, "legal_basis"),
        ({"decision": "dismiss", "reason": "meh"}, "reason"),
        ({"decision": "burn"}, "decision"),
    ):
        r = client.post(url, json=body, headers=h)
        assert r.status_code == 422 and r.json()["detail"]["field"] == field
    r = client.post(url, json={"decision": "nope"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    assert client.post("/api/v1/review/999999/decision", json={"decision": "more_info"}, headers=h).status_code == 404
    assert client.get("/api/v1/review/999999").status_code == 404
    ok = client.post(url, json={"decision": "confirm", "legal_basis": "sec36"}, headers=h).json()
    assert ok["decision"] == "confirm" and len(ok["evidence_sha256"]) == 64
    z = client.get(f"/listings/{item['id']}/evidence.zip")
    assert z.status_code == 200 and z.headers["x-evidence-sha256"] == ok["evidence_sha256"]
    from tisguard.services.evidence_package import verify_manifest

    manifest = verify_manifest(z.content)
    assert set(manifest["files"]) >= {"listing.json", "assessment.json", "registry.json"}
    with db.connect() as c:
        actions = [r.action for r in c.execute(select(audit_log.c.action))]
    assert "decision.confirm" in actions
    assert client.get(f"/api/v1/review/{item['id']}").json()["decisions"][0]["by"] == "officer"
    assert item["id"] not in [i["id"] for i in client.get("/api/v1/queue", params={"per_page": 200}).json()["items"]]


def test_tampered_evidence_is_refused(web):
    client, settings, _, _ = web
    sign_in(client, "officer", "officer-pass-123")
    item = first_flagged(client)
    csrf = csrf_of(client)
    sha = client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20"},
        headers={"X-CSRF-Token": csrf},
    ).json()["evidence_sha256"]
    path = settings.evidence_dir / f"{sha}.zip"
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"tamper")
    r = client.get(f"/listings/{item['id']}/evidence.zip")
    assert r.status_code == 409 and r.json()["detail"]["field"] == "evidence"


def test_notice_lifecycle_pdf_and_dashboard(web):
    client = web[0]
    sign_in(client, "supervisor", "supervisor-pass-123")
    csrf = csrf_of(client)
    before = client.get("/api/v1/dashboard").json()
    item = first_flagged(client)
    client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20bis"},
        headers={"X-CSRF-Token": csrf},
    )
    r = client.post(
        "/api/v1/officer/notices",
        json={"platform": "nowhere", "listing_ids": [item["id"]]},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 422 and r.json()["detail"]["field"] == "listing_ids"
    n = client.post(
        "/api/v1/officer/notices",
        json={"platform": item["platform"], "listing_ids": [item["id"]]},
        headers={"X-CSRF-Token": csrf},
    ).json()
    sent = client.post(f"/api/v1/officer/notices/{n['id']}/send", headers={"X-CSRF-Token": csrf}).json()
    assert sent["state"] == "sent" and sent["deadline"]
    assert client.post(f"/api/v1/officer/notices/{n['id']}/send", headers={"X-CSRF-Token": csrf}).status_code == 409
    pdf = client.get(f"/notices/{n['id']}/notice.pdf")
    assert (
        pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"FontFile2" in pdf.content
    )  # Thai TrueType font embedded
    after = client.get("/api/v1/dashboard").json()
    assert after["confirmed"] == before["confirmed"] + 1 and after["notices"] == before["notices"] + 1


def test_overdue_after_two_business_days(web):
    from datetime import datetime, timedelta

    from tisguard.services import notices as notice_svc
    from tisguard.services.thai import add_business_days

    fri = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert add_business_days(fri, 2).date().isoformat() == "2026-11-24"
    client, _, _, db = web
    sign_in(client, "supervisor", "supervisor-pass-123")
    csrf = csrf_of(client)
    item = first_flagged(client)
    client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20"},
        headers={"X-CSRF-Token": csrf},
    )
    pk = notice_svc.create_notice(db, item["platform"], [item["id"]], "supervisor")
    notice_svc.send_notice(db, pk, "supervisor")
    assert notice_svc.mark_overdue(db, datetime.now(UTC) + timedelta(days=1)) == 0
    assert notice_svc.mark_overdue(db, datetime.now(UTC) + timedelta(days=5)) == 1
    assert notice_svc.get_notice(db, pk)["state"] == "overdue"


def test_cases_admin_and_public_pages(web):
    client, _, _, _ = web
    r = client.post("/check", data={"title": "พาวเวอร์แบงค์ 20000mAh", "licence": ""})
    assert r.status_code == 200 and "non_compliant" in r.text.replace("v-non_compliant", "non_compliant")
    assert client.post("/check", data={"title": ""}).status_code == 422
    assert "C-" in client.post("/complaint", data={"listing_url": "https://shopee.co.th/x", "text": "ไม่มี มอก."}).text
    assert client.post("/complaint", data={"listing_url": "ftp://x/yyyyy", "text": "abc"}).status_code == 422
    sign_in(client, "admin", "admin-pass-123")
    csrf = csrf_of(client)
    assert "shopee.co.th/x" in client.get("/complaints").text
    r = client.post("/cases", data={"csrf": csrf, "title": "ผู้นำเข้า 3 แพลตฟอร์ม", "listing": "1"}, follow_redirects=False)
    assert r.status_code == 303
    case_url = r.headers["location"]
    client.post(case_url, data={"csrf": csrf, "status": "investigating", "note": "พบสินค้าเดียวกันใน lazada"})
    page = client.get(case_url).text
    assert "investigating" in page and "พบสินค้าเดียวกัน" in page
    assert client.post(case_url, data={"csrf": csrf, "status": "bogus"}).status_code == 422
    bad = client.post(
        "/admin/standards", data={"csrf": csrf, "tis_number": "abc", "year_be": "99", "name_th": "", "source": ""}
    )
    errs = bad.text.split('id="admin-errors"')[1].split("</div></div>")[0] if 'id="admin-errors"' in bad.text else ""
    assert all(f"<b>{f}</b>" in errs for f in ("tis_number", "year_be", "name_th", "source")), errs
    reg = (
        "licence_no,licence_type,tis_number,tis_year,licensee,licensee_juristic_id,brands,status,issued_on\n"
        "ท1-1/2432,ท,2432,2555,บริษัท ก จำกัด,,A,active,2020-01-01\nท2-1/2432,ท,2432,2555,x,,,weird,2020-01-01\n"
    )
    up = client.post("/admin/registry", data={"csrf": csrf}, files={"file": ("reg.csv", reg.encode(), "text/csv")})
    assert "row 3" in up.text and "status" in up.text and "1 added" in up.text
    assert (
        client.post(
            "/admin/standards", data={"tis_number": "1", "year_be": "2560", "name_th": "x", "source": "y"}
        ).status_code
        == 403
    )


def test_english_switch_and_buddhist_dates(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    th = client.get("/queue").text
    assert "คิวตรวจสอบ" in th and " 25" in th
    en = client.get("/queue?lang=en").text
    assert "Review queue" in en
    assert "Review queue" in client.get("/queue").text  # the choice sticks (cookie)


def test_export_labels_from_decisions(web):
    import json as _json

    from helpers import cli

    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    csrf = csrf_of(client)
    items = client.get("/api/v1/queue", params={"per_page": 2}).json()["items"]
    client.post(
        f"/api/v1/review/{items[0]['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20"},
        headers={"X-CSRF-Token": csrf},
    )
    client.post(
        f"/api/v1/review/{items[1]['id']}/decision",
        json={"decision": "dismiss", "reason": "false_positive"},
        headers={"X-CSRF-Token": csrf},
    )
    r = cli("export-labels")
    rows = [_json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    by_id = {x["listing_id"]: x["label"] for x in rows}
    assert by_id[items[0]["listing_id"]]["verdict"] in ("unverified", "non_compliant")
    assert by_id[items[1]["listing_id"]] == {
        "verdict": "not_regulated",
        "tis": None,
        "reason": "officer dismissed: not regulated",
    }
    from tisguard.spec.listing import validate_listing

    assert all(validate_listing(x)[0] is not None for x in rows)  # the spec's labelled format


def test_logout_ends_the_session(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    assert client.get("/api/v1/queue").status_code == 200
    r = client.post("/logout", follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/queue").status_code == 401


def test_pages_answer_4xx_not_500_on_odd_ids(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    csrf = csrf_of(client)
    huge = str(2**70)
    assert client.get(f"/listings/{huge}").status_code == 422
    assert client.get("/queue", params={"page": huge}).status_code == 422
    assert client.get("/queue", params={"since": "not-a-date"}).status_code == 422
    assert client.get("/queue", params={"since": "2026-01-01", "country": ""}).status_code == 200
    r = client.post("/cases", data={"csrf": csrf, "title": "x", "listing": huge}, follow_redirects=False)
    assert r.status_code == 303
    assert client.post("/notices", data={"csrf": csrf, "platform": "shopee", "listing": huge}).status_code == 422
    assert client.post("/cases/1", data={"csrf": csrf, "status": "nope"}).status_code == 422
