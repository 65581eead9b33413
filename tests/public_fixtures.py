"""Helpers for the public-side tests (issue 14): plant a listing through the platform API, confirm it, send a
notice the platform acts on, and publish it as a supervisor over HTTP, all through the real app and store."""

from __future__ import annotations

import io
import re

from webfixtures import bearer, csrf_of, sign_in

SUPERVISOR = ("supervisor", "supervisor-pass-123")
OFFICER = ("officer", "officer-pass-123")


def push(client, key: str, record: dict) -> int:
    """Push one listing as its platform; returns its store id."""
    from sqlalchemy import select

    from tisguard.store.tables import listings

    r = client.post("/api/v1/listings", json={"listings": [record]}, headers=bearer(key))
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted", r.text
    with client.app.state.db.connect() as c:
        return c.execute(
            select(listings.c.id).where(
                listings.c.platform == record["platform"], listings.c.listing_id == record["listing_id"]
            )
        ).scalar_one()


def confirm_and_remove(client, key: str, pk: int, platform: str, listing_id: str) -> int:
    """Confirm the listing (signed in as an officer+), send a notice, the platform removes it; the notice id."""
    csrf = csrf_of(client)
    r = client.post(
        f"/api/v1/review/{pk}/decision",
        json={"decision": "confirm", "legal_basis": "sec20bis"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    n = client.post(
        "/api/v1/officer/notices", json={"platform": platform, "listing_ids": [pk]}, headers={"X-CSRF-Token": csrf}
    ).json()
    assert client.post(f"/api/v1/officer/notices/{n['id']}/send", headers={"X-CSRF-Token": csrf}).status_code == 200
    done = client.post(
        f"/api/v1/notices/{n['id']}/actions",
        json={"actions": [{"listing_id": listing_id, "action": "removed"}]},
        headers=bearer(key),
    )
    assert done.status_code == 200, done.text
    return n["id"]


def approve(client, pk: int, **form) -> int:
    """Approve publication over HTTP as the signed-in supervisor; the entry's number."""
    csrf = csrf_of(client)
    r = client.post("/publication/approve", data={"csrf": csrf, "listing_pk": str(pk), **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(re.search(r"/public/violations/(\d+)$", r.headers["location"]).group(1))


def jpeg_with_exif(comment: str, size=(640, 480)) -> bytes:
    """A photo whose EXIF carries `comment` (ImageDescription, UserComment) and a GPS position."""
    from PIL import Image

    img = Image.new("RGB", size, (200, 60, 40))
    exif = Image.Exif()
    exif[0x010E] = comment  # ImageDescription
    exif[0x8825] = {1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)}  # GPSInfo
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def keep_photo(client, pk: int, data: bytes) -> str:
    """Store `data` as the listing's first photo, as the image worker keeps one (bytes by SHA-256)."""
    import hashlib

    from sqlalchemy import update

    from tisguard.store.tables import listing_images

    sha = hashlib.sha256(data).hexdigest()
    d = client.app.state.settings.image_cache_dir / "photos"
    d.mkdir(parents=True, exist_ok=True)
    (d / sha).write_bytes(data)
    with client.app.state.db.begin() as c:
        n = c.execute(
            update(listing_images)
            .where(listing_images.c.listing_pk == pk, listing_images.c.position == 0)
            .values(sha256=sha)
        ).rowcount
    assert n == 1, "the listing needs an image row (push it with one)"
    return sha


def sign_in_as(client, who=SUPERVISOR) -> None:
    sign_in(client, *who)
