"""A page and its JSON are one handler: the same validation, the same data."""

from __future__ import annotations

import pytest

from webfixtures import sign_in


@pytest.mark.parametrize(
    "query,status",
    [("verdict=bogus", 422), ("verdict=", 200), ("verdict=unverified", 200), ("country=thai", 422), ("page=0", 422)],
)
def test_queue_page_and_api_validate_alike(web, query, status):
    client, *_ = web
    sign_in(client, "officer", "officer-pass-123")
    page = client.get(f"/queue?{query}", headers={"accept": "text/html"})
    api = client.get(f"/api/v1/queue?{query}")
    assert (page.status_code, api.status_code) == (status, status)
    if status == 200:
        assert page.headers["content-type"].startswith("text/html")
        assert api.json() == client.get(f"/queue?{query}", headers={"accept": "application/json"}).json()


def test_listing_page_and_review_api_are_one_resource(web):
    client, *_ = web
    sign_in(client, "officer", "officer-pass-123")
    item = client.get("/api/v1/queue").json()["items"][0]
    as_json = client.get(f"/listings/{item['id']}", headers={"accept": "application/json"}).json()
    assert as_json == client.get(f"/api/v1/review/{item['id']}").json()
    assert as_json["listing_id"] == item["listing_id"]
    assert client.get("/listings/999999", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/api/v1/review/999999").status_code == 404
