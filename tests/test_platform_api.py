"""Platform data exchange: auth, isolation, batches with bad records, idempotency, check, feed, limits, webhooks."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from sqlalchemy import func, select

from tisguard.store.tables import listings, webhook_deliveries
from webfixtures import bearer, csrf_of, first_flagged, listing, make_client, sign_in


def test_auth_failures(web):
    client, _, keys, db = web
    body = {"platform": "shopee", "listing_id": "x", "title": "พัดลม", "seller": {"id": "s"}}
    assert client.post("/api/v1/check", json=body).status_code == 401
    assert client.post("/api/v1/check", json=body, headers=bearer("tg_shopee_wrong")).status_code == 401
    assert client.post("/api/v1/check", json=body, headers={"Authorization": "Basic abc"}).status_code == 401
    from tisguard.services.platforms import revoke_keys, rotate_key

    new = rotate_key(db, "lazada")
    assert client.get("/api/v1/notices", headers=bearer(keys["lazada"])).status_code == 401
    assert client.get("/api/v1/notices", headers=bearer(new)).status_code == 200
    revoke_keys(db, "lazada")
    assert client.get("/api/v1/notices", headers=bearer(new)).status_code == 401


def test_push_batch_with_bad_records(web):
    client, _, keys, db = web
    batch = [
        listing("shopee", "P1"),
        {"platform": "shopee", "listing_id": "P2", "title": "x", "price": -3, "seller": {"id": "s"}},
        listing("lazada", "P3"),
        "not an object",
        listing("shopee", "P4", title="เสื้อยืด cotton"),
    ]
    r = client.post("/api/v1/listings", json={"listings": batch}, headers=bearer(keys["shopee"]))
    assert r.status_code == 200
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["accepted", "rejected", "rejected", "rejected", "accepted"]
    assert res[0]["assessment"]["verdict"] == "non_compliant" and res[0]["assessment"]["tis"] == "2432"
    assert res[4]["assessment"]["verdict"] == "not_regulated"
    assert res[1]["errors"] == [{"field": "price", "message": "Input should be greater than or equal to 0"}]
    assert res[2]["errors"][0]["field"] == "platform"
    assert res[3]["errors"][0]["field"] == "(record)"


def test_push_update_and_idempotent_retry(web):
    client, _, keys, db = web
    h = {**bearer(keys["shopee"]), "Idempotency-Key": "batch-001"}
    body = {"listings": [listing("shopee", "I1"), listing("shopee", "I2")]}
    first = client.post("/api/v1/listings", json=body, headers=h).json()
    again = client.post("/api/v1/listings", json=body, headers=h).json()
    assert first == again
    other = client.post("/api/v1/listings", json={"listings": [listing("shopee", "I9")]}, headers=h)
    assert other.status_code == 409 and other.json()["detail"]["field"] == "Idempotency-Key"
    client.post(
        "/api/v1/listings",
        json={"listings": [listing("shopee", "I1", title="ปลั๊กพ่วง มอก.2432-2555")]},
        headers=bearer(keys["shopee"]),
    )
    with db.connect() as c:
        assert (
            c.execute(
                select(func.count()).select_from(listings).where(listings.c.listing_id.in_(["I1", "I2"]))
            ).scalar_one()
            == 2
        )
    got = client.get("/api/v1/listings/I1", headers=bearer(keys["shopee"])).json()
    assert got["title"] == "ปลั๊กพ่วง มอก.2432-2555" and got["assessment"]["verdict"] == "unverified"


def test_batch_size_limit(web):
    client, _, keys, _ = web
    client.app.state.max_batch = 3
    r = client.post(
        "/api/v1/listings",
        json={"listings": [listing("shopee", f"B{i}") for i in range(4)]},
        headers=bearer(keys["shopee"]),
    )
    assert r.status_code == 413 and r.json()["detail"]["field"] == "listings"


def test_every_platform_call_is_logged(web):
    client, _, keys, db = web
    from tisguard.store.tables import api_calls

    client.get("/api/v1/notices", headers=bearer(keys["shopee"]))
    client.get("/api/v1/listings/none", headers=bearer(keys["shopee"]))
    client.app.state.call_log.flush()
    with db.connect() as c:
        rows = [(r.platform, r.path, r.status) for r in c.execute(select(api_calls).order_by(api_calls.c.id))]
    assert rows[-2:] == [("shopee", "/api/v1/notices", 200), ("shopee", "/api/v1/listings/none", 404)]


def test_cross_platform_isolation(web):
    client, _, keys, _ = web
    client.post("/api/v1/listings", json={"listings": [listing("shopee", "SECRET-1")]}, headers=bearer(keys["shopee"]))
    assert client.get("/api/v1/listings/SECRET-1", headers=bearer(keys["shopee"])).status_code == 200
    r = client.get("/api/v1/listings/SECRET-1", headers=bearer(keys["lazada"]))
    assert r.status_code == 404 and "SECRET" not in r.text
    assert (
        client.post(
            "/api/v1/listings", json={"listings": [listing("shopee", "X")]}, headers=bearer(keys["lazada"])
        ).json()["results"][0]["status"]
        == "rejected"
    )


def test_check_is_fast_path_and_stores_nothing_unless_asked(web):
    client, _, keys, db = web
    with db.connect() as c:
        before = c.execute(select(func.count()).select_from(listings)).scalar_one()
    r = client.post(
        "/api/v1/check", json=listing("shopee", "C1", title="หมวกกันน็อคเต็มใบ"), headers=bearer(keys["shopee"])
    )
    body = r.json()
    assert r.status_code == 200 and set(body) >= {"verdict", "tis", "risk", "reasons", "fixes"}
    assert body["verdict"] == "non_compliant" and body["tis"] == "369" and body["fixes"]
    assert all(x["th"] and x["en"] for x in body["fixes"])
    with db.connect() as c:
        assert c.execute(select(func.count()).select_from(listings)).scalar_one() == before
    client.post(
        "/api/v1/check?store=true", json=listing("shopee", "C1", title="หมวกกันน็อคเต็มใบ"), headers=bearer(keys["shopee"])
    )
    with db.connect() as c:
        assert c.execute(select(func.count()).select_from(listings)).scalar_one() == before + 1


def test_check_bad_input_names_the_field(web):
    client, _, keys, _ = web
    r = client.post(
        "/api/v1/check",
        json={"platform": "shopee", "listing_id": "C2", "seller": {"id": "s"}},
        headers=bearer(keys["shopee"]),
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "title"
    r = client.post(
        "/api/v1/check", content=b"{not json", headers={**bearer(keys["shopee"]), "Content-Type": "application/json"}
    )
    assert r.status_code == 422
    r = client.post("/api/v1/listings", json={"listings": "nope"}, headers=bearer(keys["shopee"]))
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "listings"


def test_rate_limit_returns_429_with_retry_after(web):
    _, _, keys, _ = web
    client = make_client(rate=0.5, burst=2)
    codes = [client.get("/api/v1/notices", headers=bearer(keys["tiktok"])).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = client.get("/api/v1/notices", headers=bearer(keys["tiktok"]))
    assert int(r.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/notices", headers=bearer(keys["lazada"])).status_code == 200  # per key


class _Receiver(BaseHTTPRequestHandler):
    calls: list = []
    fail_first = True

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.calls.append((self.headers.get("X-TISGuard-Signature"), body))
        code = 500 if _Receiver.fail_first and len(_Receiver.calls) == 1 else 200
        self.send_response(code)
        self.end_headers()

    def log_message(self, *a):
        pass


def _confirm_and_notice(client, platform: str) -> int:
    sign_in(client, "supervisor", "supervisor-pass-123")
    csrf = csrf_of(client)
    item = first_flagged(client, platform)
    r = client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20bis"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200 and r.json()["evidence_sha256"]
    n = client.post(
        "/api/v1/officer/notices",
        json={"platform": platform, "listing_ids": [item["id"]]},
        headers={"X-CSRF-Token": csrf},
    ).json()
    assert n["state"] == "draft"
    return n["id"], item


def test_notice_feed_actions_and_signed_webhook(web):
    client, _, keys, db = web
    from tisguard.services import notices as notice_svc
    from tisguard.services.platforms import set_webhook
    from tisguard.services.webhooks import deliver_notice, verify

    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.calls = []
    secret = set_webhook(db, "shopee", f"http://127.0.0.1:{server.server_port}/hook")
    pk, item = _confirm_and_notice(client, "shopee")
    assert (
        client.get("/api/v1/notices", headers=bearer(keys["shopee"])).json()["notices"] == []
    )  # drafts are not sent yet
    n = notice_svc.send_notice(db, pk, "supervisor")
    assert deliver_notice(db, n, attempts=3, backoff_s=0.05)
    server.shutdown()
    assert len(_Receiver.calls) == 2  # first answered 500, retried
    sig, body = _Receiver.calls[-1]
    assert verify(secret, body, sig) and not verify(secret, body + b"x", sig) and not verify("other", body, sig)
    assert json.loads(body)["notice"]["id"] == pk
    with db.connect() as c:
        codes = [r.status_code for r in c.execute(select(webhook_deliveries).order_by(webhook_deliveries.c.id))]
    assert codes == [500, 200]
    feed = client.get("/api/v1/notices", headers=bearer(keys["shopee"])).json()
    assert [x["id"] for x in feed["notices"]] == [pk] and feed["next_cursor"] is None
    assert client.get(f"/api/v1/notices?cursor={pk}", headers=bearer(keys["shopee"])).json()["notices"] == []
    assert client.get("/api/v1/notices", headers=bearer(keys["lazada"])).json()["notices"] == []
    bad = client.post(
        f"/api/v1/notices/{pk}/actions",
        json={"actions": [{"listing_id": "nope", "action": "removed"}]},
        headers=bearer(keys["shopee"]),
    )
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "actions[0].listing_id"
    assert (
        client.post(
            f"/api/v1/notices/{pk}/actions",
            json={"actions": [{"listing_id": item["listing_id"], "action": "removed"}]},
            headers=bearer(keys["lazada"]),
        ).status_code
        == 404
    )
    done = client.post(
        f"/api/v1/notices/{pk}/actions",
        json={"actions": [{"listing_id": item["listing_id"], "action": "removed"}]},
        headers=bearer(keys["shopee"]),
    ).json()
    assert done["state"] == "removed" and done["items"][0]["action"] == "removed"
    assert client.get("/api/v1/officer/notices").json()["notices"][0]["state"] == "removed"
