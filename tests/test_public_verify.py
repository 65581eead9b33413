"""Verify a licence or a mark (issue 14 item 1): any spelling of a licence number, a QR code's text or photo
with its host checked, a brand; the page and GET /api/v1/public/licences validate the same way; photos go
through the safe loader; the lookups are rate-limited per client and bounded in size."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from webfixtures import make_client

API = "/api/v1/public/licences"
HTML = {"accept": "text/html"}


def _multipart(reference):
    """A licence of a multi-part standard from the dev registry (its number carries the part)."""
    return next(l for l in reference.registry.licences if " เล่ม " in l.tis_number and l.status == "active")


def _thai_digits(s: str) -> str:
    return s.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def test_a_licence_number_is_found_however_it_is_written(reference):
    from tisguard.services import verify
    from tisguard.tisno import licence_parts

    lic = _multipart(reference)
    p = licence_parts(lic.licence_no)
    number, part = p["tis"].split(" เล่ม ")
    spellings = [
        lic.licence_no,
        f"{p['type']} {p['running']} - {p['sub']} / {number} เล่ม {part}",
        _thai_digits(f"({p['type']}){p['running']}-{p['sub']}/{number}({part})"),
        f"{p['running']}-{p['sub']}/{number}",  # no type letter, no part: found by its base
        f"{p['type']}{p['running']}–{p['sub']}／{number} part {part}",
    ]
    for s in spellings:
        a = verify.by_number(reference.registry, reference.catalogue, s)
        assert a["found"], s
        got = a["licences"][0]
        assert got["licence_no"] == lic.licence_no and got["licensee"] == lic.licensee, s
        assert got["standard"]["tis"] == lic.tis_number and got["status"]["code"] == "active"
        assert "licensee_juristic_id" not in got and (lic.licensee_juristic_id or "x") not in str(a)
        assert got["label"]["general"] and got["type"]["code"] == p["type"]
    assert (
        verify.by_number(reference.registry, reference.catalogue, lic.licence_no)["licences"][0]["written_differently"]
        is False
    )
    missing = verify.by_number(reference.registry, reference.catalogue, "ท9999999-99999/2432")
    assert not missing["found"] and missing["warnings"][0]["code"] == "not_found"
    for bad in ("", "hello", "ท" + "1" * 100):
        with pytest.raises(verify.FieldError) as e:
            verify.by_number(reference.registry, reference.catalogue, bad)
        assert e.value.field == "number"


def test_suspended_and_revoked_licences_say_so(reference):
    from tisguard.services import verify

    for status in ("suspended", "revoked"):
        lic = next(l for l in reference.registry.licences if l.status == status)
        a = verify.by_number(reference.registry, reference.catalogue, lic.licence_no)
        assert a["licences"][0]["status"] == {"code": status, **verify.STATUSES[status]}
        assert not a["licences"][0]["status"]["ok"] and a["warnings"]


@pytest.mark.parametrize(
    ("text", "tisi"),
    [
        ("https://appdb.tisi.go.th/Q/i.php?d=3535221937", True),
        ("https://www.tisi.go.th/", True),
        ("https://TISI.GO.TH/x", True),
        ("https://tisi.go.th@evil.example/x", False),  # user info: the host is evil.example
        ("https://evil.example\\@tisi.go.th/", False),  # a browser goes to evil.example
        ("https://tisi.go.th.evil.example/", False),
        ("https://faketisi.go.th/", False),
        ("https://tisi-verify.example.invalid/check?no=ท1-1/2432", False),
        ("tisi.go.th/check", False),  # not a web address at all
    ],
)
def test_qr_host_check(text, tisi):
    from tisguard.services.verify import qr_host

    assert qr_host(text)["tisi_host"] is tisi


def test_a_qr_code_naming_a_licence_is_looked_up_and_a_foreign_host_warned(reference):
    from urllib.parse import quote

    from tisguard.services import verify
    from tisguard.tisno import licence_key

    lic = _multipart(reference)
    fake = verify.by_qr(reference.registry, reference.catalogue, f"https://evil.example/c?no={quote(lic.licence_no)}")

    assert [licence_key(n) for n in fake["numbers"]] == [licence_key(lic.licence_no)]
    assert fake["licences"][0]["licence_no"] == lic.licence_no
    assert [w["code"] for w in fake["warnings"]] == ["qr_not_tisi"] and "evil.example" in fake["warnings"][0]["en"]
    real = verify.by_qr(reference.registry, reference.catalogue, "https://appdb.tisi.go.th/Q/i.php?d=3535221937")
    assert real["qr"]["tisi_host"] and real["warnings"] == [] and real["licences"] == []
    plain = verify.by_qr(reference.registry, reference.catalogue, "hello")
    assert [w["code"] for w in plain["warnings"]] == ["qr_not_url"]


def test_verify_page_and_api_validate_alike(web):
    client = web[0]
    lic_no = next(iter(client.app.state.engine.ref.registry.licences)).licence_no
    api = client.get(API, params={"number": lic_no})
    assert api.status_code == 200 and api.json()["found"] and api.json()["licences"][0]["licence_no"] == lic_no
    page = client.get("/verify", params={"number": lic_no}, headers=HTML)
    assert page.status_code == 200 and api.json()["licences"][0]["licensee"] in page.text
    assert 'id="verify-result"' in page.text and "ผู้รับใบอนุญาต" in page.text
    assert "Licence holder" in client.get("/verify", params={"number": lic_no, "lang": "en"}, headers=HTML).text
    for params, field in (
        ({"number": "not a number"}, "number"),
        ({"number": "ท" * 61}, "number"),
        ({"number": lic_no, "brand": "PlugOn"}, None),
        ({"brand": "x"}, "brand"),
        ({"qr": "q" * 2001}, "qr"),
    ):
        j, h = client.get(API, params=params), client.get("/verify", params=params, headers=HTML)
        assert j.status_code == 422 and h.status_code == 422, (params, j.text)
        detail = j.json()["detail"]
        fields = [d["field"] for d in detail] if isinstance(detail, list) else [detail["field"]]
        assert field is None or field in fields, (params, detail)
    assert client.get(API).status_code == 422 and client.get("/verify", headers=HTML).status_code == 200
    brand = client.get(API, params={"brand": "plugon"}).json()
    assert brand["found"] and all("PlugOn" in l["brands"] for l in brand["licences"])
    assert "/api/v1/public/licences" in client.get("/openapi.json").json()["paths"]


def _qr_png(text: str, scale: int = 8) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def test_a_photo_of_a_qr_code_is_decoded_safely(web, monkeypatch):
    from PIL import Image

    client = web[0]
    fake = client.post("/verify", files={"photo": ("label.png", _qr_png("https://evil.example/x"), "image/png")})
    assert fake.status_code == 200 and 'id="qr-host"' in fake.text and "evil.example" in fake.text
    assert 'data-code="qr_not_tisi"' in fake.text
    real = client.post(
        "/verify",
        files={"photo": ("l.png", _qr_png("https://appdb.tisi.go.th/Q/i.php?d=1"), "image/png")},
        headers={"accept": "application/json"},
    )
    assert real.status_code == 200 and real.json()["qr"]["tisi_host"] and real.json()["kind"] == "photo"

    def refused(data: bytes) -> dict:
        r = client.post("/verify", files={"photo": ("p", data, "image/png")}, headers={"accept": "application/json"})
        assert r.status_code == 422, r.text
        return r.json()["detail"]

    assert refused(b"%PDF-1.4 not an image")["field"] == "photo"
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)["field"] == "photo"
    bomb = io.BytesIO()
    Image.new("1", (8_000, 6_000)).save(bomb, format="PNG")  # 48 Mpx in a few kB
    assert len(bomb.getvalue()) < 200_000 and "limit" in refused(bomb.getvalue())["message"]
    blank = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(blank, format="PNG")
    assert "no QR code" in refused(blank.getvalue())["message"]
    monkeypatch.setattr("tisguard.services.verify.PHOTO_MAX_BYTES", 10_000)
    assert "larger than" in refused(_qr_png("https://appdb.tisi.go.th/", scale=40) + b"\x00" * 20_000)["message"]


def test_public_uploads_have_a_tighter_body_limit(web, monkeypatch):
    monkeypatch.setenv("TISGUARD_MAX_PUBLIC_UPLOAD_BYTES", "50000")
    client = make_client()
    big = b"\xff" * 60_000
    r = client.post("/verify", files={"photo": ("p.png", big, "image/png")})
    assert r.status_code == 413 and r.json()["detail"]["field"] == "body"
    r = client.post("/check", data={"title": "พัดลม"}, files={"photos": ("p.png", big, "image/png")})
    assert r.status_code == 413
    assert client.post("/verify", files={"photo": ("p.png", _qr_png("x"), "image/png")}).status_code != 413


def test_verify_is_rate_limited_per_client(web, monkeypatch):
    monkeypatch.setenv("TISGUARD_PUBLIC_VERIFY_PER_MIN", "2")
    client = make_client()
    params = {"brand": "PlugOn"}
    assert [client.get(API, params=params).status_code for _ in range(2)] == [200, 200]
    r = client.get(API, params=params)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and r.json()["detail"]["field"] == "client"
    page = client.get("/verify", params=params, headers=HTML)
    assert page.status_code == 429 and 'id="rate-limited"' in page.text
    other = TestClient(client.app, client=("192.0.2.7", 1))
    assert other.get(API, params=params).status_code == 200
    assert client.get("/verify", headers=HTML).status_code == 200  # the empty form costs nothing


def test_public_strings_are_thai_and_english_and_shadow_nothing():
    from tisguard.web.i18n import STRINGS
    from tisguard.web.public_i18n import PUBLIC_STRINGS

    assert all(k.startswith("p_") for k in PUBLIC_STRINGS)
    assert not any(k.startswith("p_") for k in set(STRINGS) - set(PUBLIC_STRINGS))
    for k, (th, en) in PUBLIC_STRINGS.items():
        assert th.strip() and en.strip(), k
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in th), f"{k}: the Thai text has no Thai"
        assert STRINGS[k] == (th, en)
