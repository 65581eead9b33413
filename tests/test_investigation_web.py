"""Issue 13 on the officer pages: the relisting pair side by side, the seller's network and a notice for
the whole network, recalls on the listing page, licences by unrelated sellers (admin), one decision for
a near-duplicate group; on every backend, Thai first, nothing user-written trusted."""

from __future__ import annotations

import re

import investigation_data as D
from investigation_data import confirm, listing_pk, push
from webfixtures import csrf_of, sign_in


def _seed(db, folder):
    data = D.make(folder)
    settings, engine = D.store_engine(db, folder)
    copy = {**data["relisted"][0], "platform": "tiktok", "listing_id": "B-10", "seller": {"id": "sb2", "name": "PH 2"}}
    hostile = {**data["network"][2], "listing_id": "N-4", "seller": {"id": "n4", "name": "<script>alert(1)</script>"}}
    push(db, engine, data["original"] + data["network"] + data["renters"] + data["licensee"] + data["recalled"])
    confirm(db, settings, "shopee", "A-1")
    confirm(db, settings, "shopee", "N-1")
    push(db, engine, data["relisted"] + [copy, hostile])
    return data


def seeded(web, folder):
    client, settings, _keys, db = web
    data = _seed(db, folder)
    client.app.state.reload_reference()  # the registry was imported beside the app, as `tisguard registry import` does
    return data


def test_officer_pages(web, tmp_path):
    client, settings, _keys, db = web
    seeded(web, tmp_path)
    sign_in(client, "officer", "officer-pass-123")
    b = listing_pk(db, "lazada", "B-9")

    page = client.get(f"/listings/{b}").text
    pair = page[page.index('id="relisting-pair"') :]
    assert f'href="/listings/{listing_pk(db, "shopee", "A-1")}"' in pair[:3000]
    assert "ปลั๊กพ่วง 5 ช่อง สายยาว 5 เมตร" in pair and "รางปลั๊กไฟ 5ช่อง" in pair  # both titles, side by side
    assert 'id="duplicate-group"' in page and f"/investigation/listings/{b}/group" in page
    assert 'id="seller-network"' in page  # the relister shares its photo with the confirmed original's seller

    p1 = client.get(f"/listings/{listing_pk(db, 'shopee', 'P-1')}").text
    assert 'id="recall-matches"' in p1 and "US CPSC 26135" in p1 and 'href="https://www.cpsc.gov/' in p1

    n1 = client.get(f"/listings/{listing_pk(db, 'shopee', 'N-1')}").text
    nid = re.search(r'href="/investigation/networks/(net-[0-9a-f]{10})" id="seller-network"', n1).group(1)
    net = client.get(f"/investigation/networks/{nid}")
    assert net.status_code == 200 and "@cheapplug88" in net.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in net.text and "<script>alert" not in net.text
    assert client.get("/investigation/networks/net-0000000000").status_code == 404
    assert client.get("/investigation/networks/nope").status_code == 422
    listing_nets = {n["id"]: n for n in client.get("/api/v1/networks").json()["networks"]}
    assert sorted(s["seller_id"] for s in listing_nets[nid]["sellers"]) == ["n1", "n2", "n3", "n4"]
    assert nid in client.get("/investigation/networks").text
    assert "Seller networks" in client.get("/investigation/networks?lang=en").text

    made = client.post(
        f"/investigation/networks/{nid}/notices",
        data={"csrf": csrf_of(client), "legal_basis": "sec20"},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"].startswith("/notices/")
    notice = client.get(made.headers["location"]).text
    assert "N-1" in notice
    again = client.post(
        f"/investigation/networks/{nid}/notices", data={"csrf": csrf_of(client), "legal_basis": "sec20"}
    )
    assert again.status_code == 409  # nothing confirmed is left outside a notice
    no_csrf = client.post(f"/investigation/networks/{nid}/notices", data={"legal_basis": "sec20"})
    assert no_csrf.status_code in (400, 403)

    assert client.get("/investigation/licences").status_code == 403


def test_group_decision_and_licences_page(web, tmp_path):
    from sqlalchemy import select

    from tisguard.store.tables import decisions

    client, settings, _keys, db = web
    seeded(web, tmp_path)
    sign_in(client, "officer", "officer-pass-123")
    b, b2 = listing_pk(db, "lazada", "B-9"), listing_pk(db, "tiktok", "B-10")
    group = client.get(f"/investigation/listings/{b}/group").text
    assert f'href="/listings/{b}"' in group and f'href="/listings/{b2}"' in group
    r = client.post(
        f"/investigation/listings/{b}/group/decision",
        data={"csrf": csrf_of(client), "decision": "dismiss", "reason": "duplicate"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with db.connect() as conn:
        rows = conn.execute(
            select(decisions.c.listing_pk, decisions.c.decision).where(decisions.c.listing_pk.in_([b, b2]))
        )
        assert sorted(rows) == sorted([(b, "dismiss"), (b2, "dismiss")])
    bad = client.post(
        f"/investigation/listings/{b}/group/decision", data={"csrf": csrf_of(client), "decision": "confirm"}
    )
    assert bad.status_code == 422  # a confirmation needs a legal basis, for the group as for one listing

    client.post("/logout", data={"csrf": csrf_of(client)})
    sign_in(client, "admin", "admin-pass-123")
    page = client.get("/investigation/licences")
    assert page.status_code == 200
    row = page.text[page.text.index(D.LICENCE) :]
    assert "บริษัท ปลั๊กดี จำกัด" in row[:2000] and "<b>4</b>" in row[:2000]
