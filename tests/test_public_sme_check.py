"""The buyer's check (issue 14 item 2) and the SME self-check (item 5): the same engine and the same assessment
the officers see, phrased for a buyer or a seller; the report form one click away; label requirements from the
catalogue; the licence type a seller needs; limits per client."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from public_fixtures import push
from webfixtures import bearer, make_client

HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}
POWER_STRIP = "ปลั๊กพ่วง 4 ช่อง 3 เมตร"


def test_a_stored_listing_is_answered_with_the_officers_assessment(web):
    from tisguard.services.review import listing_detail

    client, _, keys, db = web
    url = "https://shopee.co.th/some-shop/item-B-1"
    pk = push(
        client,
        keys["shopee"],
        {
            "platform": "shopee",
            "listing_id": "B-1",
            "title": POWER_STRIP,
            "url": url,
            "seller": {"id": "b-seller", "country": "CN"},
        },
    )
    officers = listing_detail(db, pk)["assessment"]
    anon = TestClient(client.app)
    r = anon.post("/check", data={"listing_url": url + "?sp_atk=1234&xptdk=abcd"})  # as a phone shares it
    assert r.status_code == 200 and 'id="from-store"' in r.text
    assert f'data-verdict="{officers["verdict"]}"' in r.text and f"มอก. {officers['tis']}" in r.text
    link = re.search(r'href="(/complaint\?[^"]+)" id="report-link"', unescape(r.text)).group(1)
    q = parse_qs(urlsplit(link).query)
    assert q["listing_url"] == [url + "?sp_atk=1234&xptdk=abcd"] and "มอก." in q["text"][0]
    form = anon.get(link, headers=HTML)  # one click: the complaint form, filled in
    assert form.status_code == 200 and url in unescape(form.text) and 'id="complaint-form"' in form.text
    unknown = anon.post("/check", data={"listing_url": "https://shopee.co.th/never-seen"})
    assert unknown.status_code == 200 and 'id="unknown-url"' in unknown.text and 'id="report-link"' in unknown.text
    assert anon.post("/check", data={"listing_url": "javascript:alert(1)"}).status_code == 422
    assert anon.post("/check", data={}).status_code == 422


def test_pasted_text_gets_the_same_verdict_as_the_platform_check(web):
    client, _, keys, _ = web
    anon = TestClient(client.app)
    for title, lic in ((POWER_STRIP, ""), ("พัดลมตั้งพื้น 16 นิ้ว มี มอก.", ""), ("เสื้อยืดคอกลม ผ้าฝ้าย", "")):
        body = {"platform": "shopee", "listing_id": "chk", "title": title, "seller": {"id": "x"}}
        platform = client.post("/api/v1/check", json=body, headers=bearer(keys["shopee"])).json()
        page = anon.post("/check", data={"title": title, "licence": lic})
        assert page.status_code == 200 and f'data-verdict="{platform["verdict"]}"' in page.text, title
        if platform["tis"]:
            assert f"มอก. {platform['tis']}" in page.text
    en = anon.post("/check?lang=en", data={"title": POWER_STRIP}).text
    assert "Report this listing" in en and "What the label must show" in en


def test_photos_posted_to_the_check_are_read_and_removed(web):
    import io

    import segno

    client, settings, _, _ = web
    buf = io.BytesIO()
    segno.make("https://tisi-verify.example.invalid/c?no=ท1234-5/2432", error="m").save(buf, kind="png", scale=8)
    label = ("photos", ("label.png", buf.getvalue(), "image/png"))
    r = client.post("/check", data={"title": POWER_STRIP}, files=[label])
    result = re.search(r'<section class="card" id="check-result".*?</section>', r.text, re.S).group(0)
    assert r.status_code == 200 and "อ่านรูปแล้ว: 1" in result
    assert "ท1234-5/2432" in result and "tisi-verify.example.invalid" in result  # the QR, and where it leads
    assert list((settings.data_dir / "public-uploads").iterdir()) == []  # nothing left behind
    assert client.post("/check", data={"title": POWER_STRIP}, files=[label] * 4).status_code == 422
    bad = client.post(
        "/check", data={"title": POWER_STRIP}, files=[("photos", ("x.png", b"not an image", "image/png"))]
    )
    assert bad.status_code == 200 and 'id="check-result"' in bad.text  # a bad photo is a reason, never a crash


def test_sme_self_check(web):
    client = web[0]
    anon = TestClient(client.app)

    def ask(**form):
        r = anon.post("/sme", data={"product": POWER_STRIP, **form}, headers=JSON)
        assert r.status_code == 200, r.text
        return r.json()

    types = {o: ask(origin=o)["licence"]["code"] for o in ("make", "import", "import_once", "resell")}
    assert types == {"make": "ท", "import": "น", "import_once": "นค", "resell": None}
    a = ask(origin="import")
    assert (
        a["regulated"]
        and a["standard"]["tis"] == "2432"
        and a["licence"]["basis"]["en"].endswith("(import without a licence)")
    )
    assert any(r["code"] == "regulated_product" for r in a["why"])  # why: the engine's own reason
    assert any("2432" in x["en"] for x in a["listing_must_show"]) and a["label"]["general"]
    assert a["elicence_url"].startswith("https://")
    from tisguard.catalogue.licence_stats import licence_stats

    stats = licence_stats(client.app.state.settings.data_dir).edition("2432", a["standard"]["year_be"])
    assert a["licence_counts"] == (
        None
        if stats is None
        else {
            "make": stats.make_licences,
            "import": stats.import_licences,
            "total": stats.total_licences,
            "attribution": licence_stats(client.app.state.settings.data_dir).attribution,
        }
    )
    fridge = ask(product="ตู้เย็น 2 ประตู 7.5 คิว", origin="make")
    assert fridge["standard"]["tis"] == "2214" and fridge["label"]["label_text_th"]  # label text from the catalogue
    shirt = ask(product="เสื้อยืดคอกลม ผ้าฝ้าย 100%")
    assert not shirt["regulated"] and "standard" not in shirt
    other = next(l for l in client.app.state.engine.ref.registry.licences if l.tis_number != "2432")
    mine = ask(licence=other.licence_no)
    assert [w["code"] for w in mine["licence_check"]["warnings"]][-1] == "other_standard"
    for bad, field in (
        ({"origin": "elsewhere"}, "origin"),
        ({"product": ""}, "product"),
        ({"licence": "abc"}, "licence"),
    ):
        r = anon.post("/sme", data={"product": POWER_STRIP, **bad}, headers=JSON)
        assert r.status_code == 422 and r.json()["detail"]["field"] == field, (bad, r.text)
    page = anon.post("/sme", data={"product": "ตู้เย็น 2 ประตู", "origin": "make"}, headers=HTML)
    assert page.status_code == 200 and 'data-type="ท"' in page.text and 'id="elicence-link"' in page.text
    assert 'class="lvl' in page.text  # the label text keeps TISI's indentation
    en = anon.post("/sme?lang=en", data={"product": POWER_STRIP, "origin": "resell"}, headers=HTML).text
    assert "You need no licence of your own" in en and "Apply online with TISI" in en


def test_sme_and_check_are_rate_limited(web, monkeypatch):
    monkeypatch.setenv("TISGUARD_PUBLIC_SME_PER_MIN", "1")
    client = make_client()
    assert client.post("/sme", data={"product": POWER_STRIP}).status_code == 200
    r = client.post("/sme", data={"product": POWER_STRIP}, headers=HTML)
    assert r.status_code == 429 and 'id="rate-limited"' in r.text and int(r.headers["retry-after"]) >= 1
    assert client.post("/sme", data={"product": "x" * 2001}).status_code == 422  # bounded before any work
