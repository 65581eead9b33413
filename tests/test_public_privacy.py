"""Nothing personal reaches a public page or feed: a seller's phone number, national id, name, shop handle and
e-mail are planted in a confirmed, removed and published listing (title, description, brand, attributes,
seller fields, address, photo metadata), and every public output is read back as an anonymous visitor."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient

from public_fixtures import approve, confirm_and_remove, jpeg_with_exif, keep_photo, push, sign_in_as

PHONE_FORMS = ("081-234-5678", "0812345678", "081 234 5678", "+66812345678", "๐๘๑๒๓๔๕๖๗๘")
NID_FORMS = ("1103700012345", "1-1037-00012-34-5", "๑๑๐๓๗๐๐๐๑๒๓๔๕")
NAME, HANDLE, EMAIL = "สมชาย ใจดี", "somchai_shop", "somchai.j@example.com"
DIGITS = {"0812345678", "1103700012345", "66812345678"}


def _planted() -> dict:
    return {
        "platform": "shopee",
        "listing_id": "PII-1",
        "title": f"ปลั๊กพ่วง 4 ช่อง 3 เมตร โทร {PHONE_FORMS[0]} บัตร {NID_FORMS[2]}",
        "description": f"ติดต่อ นาย{NAME} โทร {PHONE_FORMS[3]} line: {HANDLE} เลขบัตรประชาชน {NID_FORMS[1]} อีเมล {EMAIL}",
        "brand": f"นาย{NAME}",
        "url": f"https://shopee.co.th/{HANDLE}/item-PII-1",
        "attributes": {"ติดต่อ": PHONE_FORMS[1], "เลขประจำตัว": NID_FORMS[0]},
        "images": [{"url": "https://img.example.invalid/pii.jpg"}],
        "seller": {
            "id": HANDLE,
            "name": f"นาย{NAME}",
            "country": "TH",
            "juristic_id": NID_FORMS[0],
            "shop_url": f"https://shopee.co.th/{HANDLE}",
        },
    }


def _assert_clean(where: str, text: str) -> None:
    for s in (*PHONE_FORMS, *NID_FORMS, "สมชาย", "somchai", "example.com"):
        assert s.lower() not in text.lower(), f"{where} shows {s!r}"
    for run in re.findall(r"\d[\d\s.\-–]{7,}\d", text):  # however the digits are spaced
        assert re.sub(r"\D", "", run) not in DIGITS, f"{where} shows {run!r}"


def test_no_personal_data_in_any_public_output(web):
    from PIL import Image

    client, _, keys, _ = web
    sign_in_as(client)
    record = _planted()
    pk = push(client, keys["shopee"], record)
    confirm_and_remove(client, keys["shopee"], pk, "shopee", record["listing_id"])
    keep_photo(client, pk, jpeg_with_exif(f"{NAME} {PHONE_FORMS[0]} {NID_FORMS[0]}"))
    entry = approve(client, pk, include_photo="1")

    anon = TestClient(client.app)
    html = {"accept": "text/html"}
    outputs = {}
    for lang in ("th", "en"):
        outputs[f"list {lang}"] = anon.get(f"/public/violations?lang={lang}", headers=html)
        outputs[f"entry {lang}"] = anon.get(f"/public/violations/{entry}?lang={lang}", headers=html)
    outputs["list json"] = anon.get("/public/violations.json")
    outputs["list csv"] = anon.get("/public/violations.csv")
    outputs["list atom"] = anon.get("/public/violations.atom")
    outputs["filtered json"] = anon.get("/public/violations.json", params={"platform": "shopee", "tis": "2432"})
    outputs["entry json"] = anon.get(f"/public/violations/{entry}.json")
    outputs["changes"] = anon.get("/public/violations/changes.json")
    outputs["buyer check by url"] = anon.post("/check", data={"listing_url": record["url"]})
    outputs["buyer check with text"] = anon.post(
        "/check", data={"listing_url": record["url"], "title": record["title"]}
    )
    for where, r in outputs.items():
        assert r.status_code == 200, (where, r.status_code, r.text[:300])
        text = r.text
        if where.startswith("buyer check"):  # the visitor's own input is echoed in the form and report link
            text = re.search(r'<section class="card" id="check-result".*?</section>', text, re.S).group(0)
            text = re.sub(r'href="/complaint\?[^"]*"', "", text)
        _assert_clean(where, text)

    # the listing really is there: the product, its standard and outcome are public
    item = outputs["entry json"].json()
    assert item["state"] == "published" and "ปลั๊กพ่วง" in item["product"] and item["outcome"]["code"] == "removed"
    assert "[…]" in item["product"] and item["brand"] is None  # the brand was the seller's own name
    assert "PII-1" not in outputs["list csv"].text  # the platform's listing id is not published either
    assert 'id="from-store"' in outputs["buyer check by url"].text

    # the photo is a fresh JPEG: no EXIF (no GPS, no description), none of the planted text in its bytes
    photo = anon.get(item["photo"].replace("http://testserver", ""))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    img = Image.open(io.BytesIO(photo.content))
    assert len(img.getexif()) == 0 and "exif" not in img.info
    assert max(img.size) <= 480
    for s in (PHONE_FORMS[0], NID_FORMS[0]):
        assert s.encode() not in photo.content and NAME.encode() not in photo.content


def test_scrub_removes_contacts_and_ids_but_keeps_product_facts():
    from tisguard.services.privacy import REDACTED, has_personal_data, scrub

    assert scrub("ปลั๊กพ่วง ใบอนุญาต ท1234-5/2432 มอก. 2432-2555 20000mAh 1,299 บาท") == (
        "ปลั๊กพ่วง ใบอนุญาต ท1234-5/2432 มอก. 2432-2555 20000mAh 1,299 บาท"
    )
    for planted in (*PHONE_FORMS, *NID_FORMS, EMAIL, f"line: {HANDLE}", "@somchai.shop", "www.somchai.example"):
        out = scrub(f"ปลั๊ก {planted} ขายดี")
        assert REDACTED in out and "ปลั๊ก" in out and "ขายดี" in out, (planted, out)
        assert has_personal_data(f"ปลั๊ก {planted}")
    assert scrub(f"ร้านของ นาย{NAME} ขายดี", known=[f"นาย{NAME}"]) == f"ร้านของ {REDACTED} ขายดี"
    assert scrub(None) == "" and not has_personal_data("ปลั๊กพ่วง 3 เมตร")


def test_scrub_on_hostile_text():
    """Long runs of near-matches are read in one pass (possessive, bounded patterns): a backtracking pattern would
    not finish on these at all."""
    from tisguard.services.privacy import REDACTED, scrub

    assert scrub("1-" * 50_000) == "1-" * 50_000  # dashed digits that are no phone or id stay
    assert REDACTED not in scrub("@" * 100_000)
    assert scrub("a" * 60_000 + "@") == "a" * 60_000 + "@"
    assert REDACTED in scrub("line " * 20_000 + "line: abc")
    assert scrub("0 " * 50_000 + "x") == REDACTED + " x"
