"""Web security (issue 12): links only to http(s), CSP and friends, server-side sessions, sign-in throttling,
public-form limits, complaint list, 4xx instead of 500 on odd input, body limits, secret.key, demo accounts.

Every test drives the real app (TestClient over ASGI, real SQLite, and PostgreSQL when TISGUARD_TEST_PG_URL is
set); times are passed in explicitly where a timeout is tested, never slept.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select, update

from tisguard.store.tables import audit_log, complaints, listings, signin_throttle, user_sessions
from webfixtures import bearer, csrf_of, first_flagged, listing, make_client, sign_in

PW = "officer-pass-123"


def _audit(db, action: str) -> list:
    with db.connect() as c:
        return c.execute(select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.id)).all()


# --- item 2: stored XSS through url; CSP and security headers -------------------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("url", "javascript:alert(document.cookie)"),
        ("url", " JavaScript:alert(1)"),
        ("url", "data:text/html,<script>alert(1)</script>"),
        ("url", "//evil.example/x"),
        ("url", "https://shop.example/a b"),
        ("seller.shop_url", "vbscript:msgbox(1)"),
        ("images.0.url", "file:///etc/passwd"),
    ],
)
def test_spec_accepts_only_http_urls(field, value):
    from tisguard.spec.listing import validate_listing

    raw = {"platform": "shopee", "listing_id": "U1", "title": "ปลั๊ก", "seller": {"id": "s"}}
    if field == "url":
        raw["url"] = value
    elif field == "seller.shop_url":
        raw["seller"]["shop_url"] = value
    else:
        raw["images"] = [{"url": value}]
    got, errors = validate_listing(raw, 7)
    assert got is None and [(e.field, e.record_no) for e in errors] == [(field, 7)], errors
    ok, errs = validate_listing({**raw, "url": "https://shopee.co.th/product/1", "images": [], "seller": {"id": "s"}})
    assert ok is not None and not errs


def test_pushed_javascript_url_is_rejected_and_never_linked(web):
    client, _, keys, db = web
    r = client.post(
        "/api/v1/listings",
        json={"listings": [listing("shopee", "X1", url="javascript:alert(document.cookie)")]},
        headers=bearer(keys["shopee"]),
    )
    res = r.json()["results"][0]
    assert res["status"] == "rejected" and res["errors"][0]["field"] == "url"
    # a row stored before validation existed is shown as text, not as a link
    sign_in(client, "officer", PW)
    item = first_flagged(client)
    with db.begin() as c:
        c.execute(update(listings).where(listings.c.id == item["id"]).values(url="javascript:alert(1)"))
    page = client.get(f"/listings/{item['id']}").text
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


def test_security_headers_on_pages_api_and_static(web):
    client = web[0]
    for path in ("/", "/check", "/static/app.css", "/api/v1/queue"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, path
        assert "style-src 'self'" in csp and "object-src 'none'" in csp
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in h  # only when served over HTTPS


class _InlineFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, style attributes and elements,
    event-handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in a and a.get("type") != "application/json"
        if tag == "style":
            self.found.append("<style>")
        for k, v in attrs:
            if k == "style" or k.startswith("on"):
                self.found.append(f"<{tag} {k}=…>")
            if k in ("href", "src", "action") and (v or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {k}=javascript:…>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def test_pages_have_no_inline_script_or_style(web):
    client, _, _, _ = web
    pages = ["/", "/check", "/complaint"]
    assert not _inline(client, pages)
    sign_in(client, "admin", "admin-pass-123")
    item = first_flagged(client)
    pages = ["/queue", f"/listings/{item['id']}", "/dashboard", "/notices", "/cases", "/complaints", "/admin"]
    found = _inline(client, pages)
    assert not found, found
    dash = client.get("/dashboard").text
    assert '<script src="/static/dashboard.js"' in dash and 'id="dashboard-data"' in dash
    data = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', dash, re.S).group(1))
    assert set(data) == {"s", "labels"} and "by_platform" in data["s"]
    assert '<script src="/static/queue.js"' in client.get("/queue").text
    for js in ("/static/dashboard.js", "/static/queue.js"):
        r = client.get(js)
        assert r.status_code == 200 and "javascript" in r.headers["content-type"]


def _inline(client, pages) -> dict:
    out = {}
    for p in pages:
        r = client.get(p)
        assert r.status_code == 200, p
        f = _InlineFinder()
        f.feed(r.text)
        if f.found:
            out[p] = f.found
    return out


# --- item 4: server-side sessions -----------------------------------------------------------------------------


def _session_cookie(client) -> str:
    return client.cookies.get("tg_session")


def _replay(client, value: str) -> None:
    """What an attacker holding a copy of the cookie sends."""
    client.cookies.clear()
    client.cookies.set("tg_session", value)


def test_cookie_replayed_after_logout_is_refused(web):
    client = web[0]
    sign_in(client, "officer", PW)
    stolen = _session_cookie(client)
    assert client.get("/api/v1/queue").status_code == 200
    client.post("/logout", follow_redirects=False)
    _replay(client, stolen)
    assert client.get("/api/v1/queue").status_code == 401
    assert client.get("/queue", follow_redirects=False).headers["location"] == "/"
    client.cookies.clear()
    sign_in(client, "officer", PW)  # signing in again from a browser ends the session it held before
    before = _session_cookie(client)
    sign_in(client, "officer", PW)
    _replay(client, before)
    assert client.get("/api/v1/queue").status_code == 401


def test_password_change_ends_every_session(web):
    from tisguard.services.users import add_user

    client, _, _, db = web
    other = make_client()
    sign_in(client, "officer", PW)
    sign_in(other, "officer", PW)
    assert client.get("/api/v1/queue").status_code == 200 and other.get("/api/v1/queue").status_code == 200
    add_user(db, "officer", "a-new-password-456", "officer")
    assert client.get("/api/v1/queue").status_code == 401 and other.get("/api/v1/queue").status_code == 401
    assert _audit(db, "user.update")[-1].detail["sessions_ended"] == 2
    sign_in(client, "officer", "a-new-password-456")
    assert client.get("/api/v1/queue").status_code == 200


def test_user_disable_command_ends_sessions_and_blocks_sign_in(web):
    from helpers import cli

    client, _, _, db = web
    sign_in(client, "supervisor", "supervisor-pass-123")
    assert client.get("/api/v1/queue").status_code == 200
    r = cli("user", "disable", "supervisor")
    assert r.exit_code == 0 and "1 session(s) ended" in r.output
    assert client.get("/api/v1/queue").status_code == 401
    assert client.post("/login", data={"username": "supervisor", "password": "supervisor-pass-123"}).status_code == 401
    assert _audit(db, "signin.failure")[-1].detail["reason"] == "disabled"
    assert cli("user", "disable", "nobody").exit_code != 0
    assert cli("user", "enable", "supervisor").exit_code == 0
    sign_in(client, "supervisor", "supervisor-pass-123")
    assert client.get("/api/v1/queue").status_code == 200


def test_idle_and_absolute_timeouts(db):
    from tisguard.services.sessions import SessionPolicy, SessionStore
    from tisguard.services.users import add_user, authenticate

    add_user(db, "timer", "timer-pass-123", "officer")
    uid = authenticate(db, "timer", "timer-pass-123")["id"]
    store = SessionStore(db, "k" * 64, SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8)))
    t0 = datetime.now(UTC)
    tok = store.start(uid, now=t0)
    assert store.read(tok, now=t0 + timedelta(minutes=29))["username"] == "timer"
    assert store.read(tok, now=t0 + timedelta(minutes=58)) is not None  # activity at 29 min kept it alive
    assert store.read(tok, now=t0 + timedelta(minutes=58 + 31)) is None  # idle
    assert store.read(tok, now=t0 + timedelta(minutes=58 + 1)) is None  # ended for good, not merely skipped
    tok2 = store.start(uid, now=t0)
    t = t0
    while t < t0 + timedelta(hours=8):  # active all day: still ends at the absolute limit
        assert store.read(tok2, now=t) is not None
        t += timedelta(minutes=20)
    assert store.read(tok2, now=t0 + timedelta(hours=8, minutes=1)) is None
    with db.connect() as c:
        reasons = sorted(r.end_reason for r in c.execute(select(user_sessions.c.end_reason)))
        stored = {r.token_hash for r in c.execute(select(user_sessions.c.token_hash))}
    assert reasons == ["expired", "idle"]
    assert tok not in stored and tok2 not in stored  # only a keyed hash of the cookie is kept


def test_secure_cookies_and_hsts_when_https(web, monkeypatch):
    client = web[0]
    r = client.post("/login", data={"username": "officer", "password": PW}, follow_redirects=False)
    cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("tg_session=")][0]
    assert "httponly" in cookie.lower() and "secure" not in cookie.lower()
    monkeypatch.setenv("TISGUARD_HTTPS", "1")
    secure = make_client()
    r = secure.post("/login", data={"username": "officer", "password": PW}, follow_redirects=False)
    cookies = [v.lower() for k, v in r.headers.multi_items() if k == "set-cookie"]
    assert cookies and all("; secure" in v and "httponly" in v for v in cookies), cookies
    assert r.headers["strict-transport-security"].startswith("max-age=")


# --- item 5: sign-in throttling -------------------------------------------------------------------------------


def test_backoff_grows_exponentially_and_is_capped():
    from tisguard.services.signin_throttle import ACCOUNT, Backoff

    b = Backoff(free=3, base_s=2, cap_s=60)
    assert [b.wait(n) for n in range(1, 10)] == [0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert b.wait(10_000) == 60
    assert ACCOUNT.cap_s <= 300  # an attacker can hold an account for minutes at most, never hours


def test_backoff_in_the_store_doubles_per_failure_and_fades(db):
    from tisguard.services import signin_throttle as th

    t = datetime(2026, 1, 1, tzinfo=UTC)
    key = {th.account_key("officer"): th.ACCOUNT}
    waits = []
    for _ in range(8):  # each attempt comes once the previous wait is over
        w = th.record_failure(db, key, now=t)
        waits.append(w)
        assert th.retry_after(db, list(key), now=t) == w
        t += timedelta(seconds=w + 1)
    assert waits == [0, 0, 0, 0, 0, 2, 4, 8]
    assert th.retry_after(db, list(key), now=t) == 0
    assert th.record_failure(db, key, now=t + th.FADE + timedelta(seconds=1)) == 0  # a quiet hour: counts start over


@pytest.fixture
def slow_backoff(monkeypatch):
    """Back-off long enough (a minute) that no test depends on how fast the machine is."""
    from tisguard.services import signin_throttle as th

    monkeypatch.setattr(th, "ACCOUNT", th.Backoff(free=5, base_s=60, cap_s=300))
    monkeypatch.setattr(th, "ADDRESS", th.Backoff(free=10, base_s=60, cap_s=900))


def test_account_throttle_429_retry_after_and_audit(web, slow_backoff):
    client, _, _, db = web
    bad = {"username": "officer", "password": "wrong-guess"}
    codes = [client.post("/login", data=bad).status_code for _ in range(7)]
    assert codes == [401] * 6 + [429]
    r = client.post("/login", data={"username": "officer", "password": PW}, follow_redirects=False)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert 'id="login-throttled"' in r.text
    fails = _audit(db, "signin.failure")
    assert [f.detail["reason"] for f in fails] == ["bad_password"] * 6 + ["throttled"] * 2
    assert all(f.subject == "officer" and f.detail["client"] for f in fails)
    # once the wait has passed the right password works and the account's count starts again
    with db.begin() as c:
        c.execute(update(signin_throttle).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert (
        client.post("/login", data={"username": "officer", "password": PW}, follow_redirects=False).status_code == 303
    )
    with db.connect() as c:
        keys = [r.key for r in c.execute(select(signin_throttle.c.key))]
    assert not any(k.startswith("account:") for k in keys)


def test_address_throttle_across_accounts_and_unknown_names_not_recorded(web, slow_backoff):
    from fastapi.testclient import TestClient

    client, _, _, db = web
    for i in range(11):  # 10 free, then a wait
        assert client.post("/login", data={"username": f"guess{i}", "password": "x" * 9}).status_code == 401
    r = client.post("/login", data={"username": "admin", "password": "admin-pass-123"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 1
    assert all(f.subject is None for f in _audit(db, "signin.failure")[:11])  # typed "usernames" are not kept
    elsewhere = TestClient(client.app, client=("203.0.113.9", 40000))
    sign_in(elsewhere, "admin", "admin-pass-123")  # other addresses are not held


def test_attacker_cannot_lock_an_officer_out_of_their_own_browser(web, slow_backoff):
    from fastapi.testclient import TestClient

    client, _, _, _ = web
    sign_in(client, "officer", PW)  # the officer's browser signed in before: it holds the known-device mark
    client.post("/logout")
    attacker = TestClient(client.app, client=("198.51.100.7", 1234))
    for _ in range(6):
        attacker.post("/login", data={"username": "officer", "password": "guess-guess"})
    assert attacker.post("/login", data={"username": "officer", "password": PW}).status_code == 429
    other_browser = TestClient(client.app, client=("192.0.2.50", 999))
    assert other_browser.post("/login", data={"username": "officer", "password": PW}).status_code == 429
    r = client.post("/login", data={"username": "officer", "password": PW}, follow_redirects=False)
    assert r.status_code == 303


# --- item 10: public forms, complaint list ---------------------------------------------------------------------


def test_public_forms_rate_limited_per_client(web, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("TISGUARD_PUBLIC_COMPLAINT_PER_H", "3")
    monkeypatch.setenv("TISGUARD_PUBLIC_CHECK_PER_MIN", "2")
    client = make_client()
    form = {"listing_url": "https://shopee.co.th/p/1", "text": "ไม่มีเครื่องหมาย มอก."}
    assert [client.post("/complaint", data={**form, "text": f"{form['text']} {i}"}).status_code for i in range(3)] == [
        200
    ] * 3
    r = client.post("/complaint", data=form)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 1 and 'id="rate-limited"' in r.text
    assert [client.post("/check", data={"title": "พัดลม"}).status_code for _ in range(3)] == [200, 200, 429]
    other = TestClient(client.app, client=("192.0.2.1", 1))
    assert other.post("/complaint", data=form).status_code == 200  # another address has its own allowance


def test_public_forms_size_limits(web, monkeypatch):
    client = web[0]
    r = client.post("/check", data={"title": "พัดลม", "description": "ก" * 20_001})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "description"
    r = client.post("/complaint", data={"listing_url": "https://x.example/p", "text": "ก" * 5_001})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
    monkeypatch.setenv("TISGUARD_MAX_FORM_BYTES", "4096")
    small = make_client()
    r = small.post("/complaint", data={"listing_url": "https://x.example/p", "text": "x" * 5000})
    assert r.status_code == 413 and r.json()["detail"]["field"] == "body"


def test_complaint_list_paging_search_and_spam(web):
    from tisguard.services import complaints as svc

    client, _, _, db = web
    t0 = datetime.now(UTC) - timedelta(hours=3)
    for i in range(60):  # a flood from one sender: the first few pass, the rest are flagged
        svc.submit(db, f"https://shop.example/flood/{i}", f"โฆษณา {i}", None, "flooder", now=t0 + timedelta(seconds=i))
    real = [
        svc.submit(db, f"https://shopee.co.th/p/{i}", f"ปลั๊กพ่วงไม่มี มอก. ร้าน {i}", "ผู้บริโภค", f"person-{i}")["id"]
        for i in range(55)
    ]
    dup = svc.submit(db, "https://shopee.co.th/p/3", "ปลั๊กพ่วงไม่มี มอก. ร้าน 3", None, "someone-else")
    assert dup["spam"]  # the same complaint again
    with db.connect() as c:
        assert c.execute(select(func.count()).where(complaints.c.spam.is_(True))).scalar_one() == 56
    sign_in(client, "officer", PW)
    csrf = csrf_of(client)
    page1 = client.get("/complaints").text
    ids1 = re.findall(r"<td>C-(\d+)</td>", page1)
    assert len(ids1) == 50 and ids1[0] == str(real[-1]) and 'id="next-page"' in page1
    ids2 = re.findall(r"<td>C-(\d+)</td>", client.get("/complaints", params={"page": 2}).text)
    assert len(ids2) == 10 and not set(ids1) & set(ids2)  # 55 real + the 5 flood complaints before the flag
    found = re.findall(r"<td>C-(\d+)</td>", client.get("/complaints", params={"q": "ร้าน 42"}).text)
    assert found == [str(real[42])]
    assert re.findall(r"<td>C-(\d+)</td>", client.get("/complaints", params={"q": "%"}).text) == []
    spam_page = client.get("/complaints", params={"spam": "true"}).text
    assert len(re.findall(r"<td>C-(\d+)</td>", spam_page)) == 50
    r = client.post(f"/complaints/{real[0]}/spam", data={"csrf": csrf, "spam": "1"}, follow_redirects=False)
    assert r.status_code == 303
    assert str(real[0]) not in re.findall(r"<td>C-(\d+)</td>", client.get("/complaints", params={"page": 2}).text)
    assert client.post(f"/complaints/{real[0]}/spam", data={"spam": "0"}).status_code == 403  # CSRF
    client.post(f"/complaints/{real[0]}/spam", data={"csrf": csrf, "spam": "0"})
    assert [a.action for a in _audit(db, "complaint.spam")] == ["complaint.spam"]
    assert client.post("/complaints/999999/spam", data={"csrf": csrf}).status_code == 404


def test_complaint_routes_only_parse_and_render():
    """The complaints SQL lives in services/complaints.py: the web module does not touch the table."""
    import inspect

    from tisguard.web import public_pages

    src = inspect.getsource(public_pages)
    assert "tisguard.store" not in src and "insert(" not in src and "select(" not in src


# --- item 11: bad input gets a 4xx naming the field, never a 500 ------------------------------------------------


def test_bad_queue_date_and_odd_csrf_tokens(web):
    client = web[0]
    sign_in(client, "officer", PW)
    for path in ("/api/v1/queue", "/queue"):
        r = client.get(path, params={"since": "2024-13-45"})
        assert r.status_code == 422, path
    assert client.get("/api/v1/queue", params={"since": "2024-02-30"}).json()["detail"]["field"] == "since"
    item = first_flagged(client)
    url = f"/api/v1/review/{item['id']}/decision"
    r = client.post(url, json={"decision": "more_info"}, headers={"X-CSRF-Token": "é€".encode()})
    assert r.status_code == 403 and r.json()["detail"]["field"] == "csrf"
    r = client.post("/cases", data={"csrf": "โทเค็นปลอม", "title": "x"})
    assert r.status_code == 403


def test_missing_evidence_file_is_409(web):
    client, settings, _, _ = web
    sign_in(client, "officer", PW)
    item = first_flagged(client)
    sha = client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20"},
        headers={"X-CSRF-Token": csrf_of(client)},
    ).json()["evidence_sha256"]
    path = settings.evidence_dir / f"{sha}.zip"
    path.chmod(0o644)
    path.unlink()
    r = client.get(f"/listings/{item['id']}/evidence.zip")
    assert r.status_code == 409 and r.json()["detail"]["field"] == "evidence" and "missing" in r.text


def test_push_bad_values_are_rejects_naming_the_field(web):
    client, _, keys, db = web
    deep: object = "x"
    for _ in range(300):
        deep = {"a": deep}
    batch = [
        listing("shopee", "N1", sold_count=2**70),
        listing("shopee", "N2", extra_info=deep),
        listing("shopee", "N3", attributes={"k": [[[]]]}),
        listing("shopee", "N4"),
    ]
    r = client.post("/api/v1/listings", json={"listings": batch}, headers=bearer(keys["shopee"]))
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["rejected", "rejected", "rejected", "accepted"]
    assert res[0]["errors"][0]["field"] == "sold_count"
    assert res[1]["errors"][0]["field"] == "extra_info" and "nested" in res[1]["errors"][0]["message"]
    assert res[2]["errors"][0]["field"].startswith("attributes")
    r = client.post("/api/v1/check", json=listing("shopee", "N5", extra_info=deep), headers=bearer(keys["shopee"]))
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "extra_info"


@pytest.mark.parametrize("bad", ["a\ud800b", "a\x00b"])
def test_unstorable_text_is_422_naming_the_field(web, bad):
    client, _, keys, db = web
    body = json.dumps({"listings": [listing("shopee", "T1"), listing("shopee", "T2", title=bad)]}).encode()
    r = client.post(
        "/api/v1/listings", content=body, headers={**bearer(keys["shopee"]), "content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "listings.1.title", r.text
    body = json.dumps(listing("shopee", "T3", seller={"id": "s", "name": bad})).encode()
    r = client.post(
        "/api/v1/check", content=body, headers={**bearer(keys["shopee"]), "content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "seller.name"
    sign_in(client, "officer", PW)
    item = first_flagged(client)
    body = json.dumps({"decision": "dismiss", "reason": bad}).encode()
    r = client.post(
        f"/api/v1/review/{item['id']}/decision",
        content=body,
        headers={"X-CSRF-Token": csrf_of(client), "content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    with db.connect() as c:
        assert c.execute(select(func.count()).where(listings.c.listing_id.in_(["T1", "T2"]))).scalar_one() == 0


def test_spec_rejects_unstorable_text_per_record():
    """Files (ingest, scan) reach the validator directly: each such record is a reject naming its field."""
    from tisguard.spec.listing import validate_listing

    base = {"platform": "shopee", "listing_id": "F1", "title": "ok", "seller": {"id": "s"}}
    for raw, field in (
        ({**base, "description": "x\x00y"}, "description"),
        ({**base, "title": "x\udc80"}, "title"),
        ({**base, "seller": {"id": "s", "name": "\ud83d"}}, "seller.name"),
        ({**base, "attributes": {"สี\x00": "แดง"}}, "attributes.'สี\\x00'"),
    ):
        got, errors = validate_listing(raw, 3)
        assert got is None and errors[0].field == field and errors[0].record_no == 3, (field, errors)
    assert validate_listing({**base, "title": "ปลั๊ก 😀"})[0] is not None  # a proper surrogate pair is fine


def test_nul_in_forms_and_long_assignee_are_422(web):
    client = web[0]
    sign_in(client, "officer", PW)
    csrf = csrf_of(client)
    r = client.post("/cases", data={"csrf": csrf, "title": "ab\x00c"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "title"
    r = client.post("/complaint", data={"listing_url": "https://x.example/p", "text": "abc\x00"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
    case_url = client.post("/cases", data={"csrf": csrf, "title": "คดี"}, follow_redirects=False).headers["location"]
    r = client.post(case_url, data={"csrf": csrf, "assignee": "ก" * 81})
    assert r.status_code == 422 and "assignee" in r.text
    assert client.post(case_url, data={"csrf": csrf, "assignee": "ก" * 80}, follow_redirects=False).status_code == 303


# --- item 12 (web part): JSON body limit, secret.key mode, demo accounts ---------------------------------------


def test_json_body_limit_declared_and_chunked(web, monkeypatch):
    _, _, keys, _ = web
    monkeypatch.setenv("TISGUARD_MAX_JSON_BYTES", "20000")
    client = make_client()
    big = {"listings": [listing("shopee", f"B{i}", description="ก" * 2000) for i in range(5)]}
    r = client.post("/api/v1/listings", json=big, headers=bearer(keys["shopee"]))
    assert r.status_code == 413 and r.json()["detail"]["field"] == "body"

    def chunks():
        data = json.dumps(big).encode()
        for i in range(0, len(data), 4096):
            yield data[i : i + 4096]

    r = client.post(
        "/api/v1/listings", content=chunks(), headers={**bearer(keys["shopee"]), "content-type": "application/json"}
    )
    assert r.status_code == 413
    small = {"listings": [listing("shopee", "S1")]}
    assert client.post("/api/v1/listings", json=small, headers=bearer(keys["shopee"])).status_code == 200


def test_secret_key_never_exists_with_loose_mode(tmp_path, monkeypatch):
    """Even if the process dies right after writing (here: chmod is unavailable), the key file is 0600."""
    import os
    from pathlib import Path

    from tisguard.config import resolve_settings
    from tisguard.web.security import secret_key

    monkeypatch.delenv("TISGUARD_SECRET", raising=False)
    (tmp_path / "d").mkdir()

    def no_chmod(*a, **k):
        raise PermissionError("chmod interrupted")

    monkeypatch.setattr(Path, "chmod", no_chmod)
    monkeypatch.setattr(os, "chmod", no_chmod)
    old = os.umask(0)
    try:
        key = secret_key(resolve_settings(tmp_path / "d", "sqlite://"))
    finally:
        os.umask(old)
    path = tmp_path / "d" / "secret.key"
    assert len(key) == 64 and (path.stat().st_mode & 0o777) == 0o600
    assert secret_key(resolve_settings(tmp_path / "d", "sqlite://")) == key


def test_demo_does_not_reset_existing_passwords(db):
    from tisguard.services.users import add_user, authenticate
    from tisguard.web.demo_users import ensure_demo_users

    add_user(db, "officer", "chosen-by-officer-1", "officer")
    first = {n: p for n, _, p in ensure_demo_users(db)}
    assert first["officer"] is None and first["admin"]
    again = {n: p for n, _, p in ensure_demo_users(db)}
    assert set(again.values()) == {None}
    assert authenticate(db, "officer", "chosen-by-officer-1") is not None
    assert authenticate(db, "admin", first["admin"]) is not None
