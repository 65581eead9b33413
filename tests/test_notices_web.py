"""Notices over HTTP: reading changes nothing; a closed notice is reopened by a supervisor, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from webfixtures import bearer, csrf_of, first_flagged, sign_in


def _sent_notice(client, csrf) -> tuple[dict, dict]:
    item = first_flagged(client)
    client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20"},
        headers={"X-CSRF-Token": csrf},
    )
    n = client.post(
        "/api/v1/officer/notices",
        json={"platform": item["platform"], "listing_ids": [item["id"]]},
        headers={"X-CSRF-Token": csrf},
    ).json()
    return item, client.post(f"/api/v1/officer/notices/{n['id']}/send", headers={"X-CSRF-Token": csrf}).json()


def test_reading_the_notices_page_changes_no_state(web):
    from sqlalchemy import update

    from tisguard.services import notices as notice_svc
    from tisguard.store.tables import notices

    client, _, _, db = web
    sign_in(client, "supervisor", "supervisor-pass-123")
    _, sent = _sent_notice(client, csrf_of(client))
    with db.begin() as c:  # its deadline has passed, but only the mark-overdue job may say so
        c.execute(
            update(notices).where(notices.c.id == sent["id"]).values(deadline=datetime.now(UTC) - timedelta(days=3))
        )
    assert client.get("/notices", headers={"accept": "text/html"}).status_code == 200
    assert notice_svc.get_notice(db, sent["id"])["state"] == "sent"
    from helpers import cli_json

    assert cli_json("notices", "mark-overdue")["marked_overdue"] == 1
    assert notice_svc.get_notice(db, sent["id"])["state"] == "overdue"


def test_a_supervisor_reopens_a_closed_notice_over_http(web):
    client, _, keys, _ = web
    sign_in(client, "supervisor", "supervisor-pass-123")
    csrf = csrf_of(client)
    item, sent = _sent_notice(client, csrf)
    key = keys[item["platform"]]
    done = client.post(
        f"/api/v1/notices/{sent['id']}/actions",
        json={"actions": [{"listing_id": item["listing_id"], "action": "removed"}]},
        headers=bearer(key),
    )
    assert done.status_code == 200 and done.json()["state"] == "removed"
    url = f"/api/v1/officer/notices/{sent['id']}/reopen"
    assert client.post(url, json={"reason": ""}, headers={"X-CSRF-Token": csrf}).status_code == 422
    r = client.post(url, json={"reason": "back online under the same id"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["state"] not in ("removed", "refused")
    sign_in(client, "officer", "officer-pass-123")
    assert client.post(url, json={"reason": "x"}, headers={"X-CSRF-Token": csrf_of(client)}).status_code == 403
