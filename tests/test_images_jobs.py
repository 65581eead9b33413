"""Photos everywhere: a pushed listing's photos are read by an image job (not in the push), the officer
then sees the new assessment; the pre-listing check reads photos within a budget and says when it ran
out; evidence packages carry the photos that were evidence. Photos are served over real HTTP on loopback
(allowed with TISGUARD_FETCH_ALLOW_HOSTS); both store backends."""

from __future__ import annotations

import hashlib
import io
import random
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from helpers import cli_json
from label_fixtures import registry_licence as _licence
from webfixtures import bearer
from webfixtures import listing as platform_listing


def _png(spec: dict) -> bytes:
    from tisguard.images.synthetic import label_image

    buf = io.BytesIO()
    label_image(random.Random(21), {"product": "ปลั๊กพ่วง 4 ช่อง", "mark": True, **spec}, "no_keyword").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def photos(monkeypatch):
    """A loopback server for label photos: /licence.png shows a registry licence (no keyword), /mark.png only
    the mark and standard. Yields (base URL, licence row, request log)."""
    lic = _licence()
    std = f"{lic['tis_number']}-{lic['tis_year']}"
    files = {
        "/licence.png": _png({"standard": std, "licence": lic["licence_no"]}),
        "/mark.png": _png({"standard": std}),
    }
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    monkeypatch.setenv("TISGUARD_FETCH_ALLOW_HOSTS", f"127.0.0.1:{port}")
    yield f"http://127.0.0.1:{port}", lic, hits
    server.shutdown()


def _pushed(lic: dict, lid: str, url: str) -> dict:
    return platform_listing("shopee", lid, brand=lic["brands"].split(";")[0], images=[{"url": url}])


def test_pushed_listing_ends_compliant_once_its_image_job_ran(web, photos, tmp_path):
    from tisguard.pipeline.image_jobs import queue_counts
    from tisguard.services.evidence_package import build_package, verify_manifest
    from tisguard.services.review import listing_detail
    from tisguard.store.tables import listing_images, listings

    client, settings, keys, db = web
    base, lic, hits = photos
    r = client.post(
        "/api/v1/listings",
        json={"listings": [_pushed(lic, "IMG1", base + "/licence.png")]},
        headers=bearer(keys["shopee"]),
    )
    first = r.json()["results"][0]["assessment"]
    assert first["verdict"] in ("non_compliant", "unverified")  # the text alone; photos not read in the request
    assert hits == [] and queue_counts(db) == {"pending": 1}

    done = cli_json("images", "work", "--once")
    assert done["done"] == 1 and done["queue"] == {"done": 1}
    assert hits == ["/licence.png"]
    got = client.get("/api/v1/listings/IMG1", headers=bearer(keys["shopee"])).json()["assessment"]
    assert got["verdict"] == "compliant", got["reasons"]
    lic_ev = next(e for e in got["evidence"] if e["signal"] == "licence_number" and e["source"] == "image")
    assert lic_ev["value"]["licence_no"] == lic["licence_no"]
    sha = lic_ev["value"]["image_sha256"]
    assert sha == hashlib.sha256(_png_bytes(base, "/licence.png")).hexdigest()

    with db.connect() as c:
        pk = c.execute(select(listings.c.id).where(listings.c.listing_id == "IMG1")).scalar_one()
        assert c.execute(select(listing_images.c.sha256).where(listing_images.c.listing_pk == pk)).scalar_one() == sha
    path, _, manifest = build_package(listing_detail(db, pk), tmp_path / "ev", photo_dir=settings.image_cache_dir)
    data = path.read_bytes()
    verify_manifest(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert manifest["files"][f"photos/{sha}.png"] == sha
        assert hashlib.sha256(z.read(f"photos/{sha}.png")).hexdigest() == sha
        assert b"licence_number" in z.read("photos.json")


def _png_bytes(base: str, path: str) -> bytes:
    from tisguard.images.fetch import load_url

    return load_url(base + path).data


def test_check_reads_photos_only_when_asked_and_within_its_budget(web, photos):
    client, _, keys, _ = web
    base, lic, hits = photos
    body = _pushed(lic, "CHK1", base + "/licence.png")
    h = bearer(keys["shopee"])
    plain = client.post("/api/v1/check", json=body, headers=h).json()
    assert "images" not in plain and hits == [] and plain["verdict"] != "compliant"
    short = client.post("/api/v1/check", params={"images": "true", "image_budget_s": 0.01}, json=body, headers=h)
    s = short.json()
    assert s["images"]["ran_out"] is True and s["images"]["limits_hit"] == ["image_budget"]
    assert s["images"]["budget_s"] == 0.01 and s["verdict"] != "compliant"
    full = client.post("/api/v1/check", params={"images": "true", "image_budget_s": 25}, json=body, headers=h).json()
    assert full["images"]["ran_out"] is False and full["images"]["photos_read"] == 1
    assert full["verdict"] == "compliant" and full["licence"]["licence_no"] == lic["licence_no"]
    bad = client.post("/api/v1/check", params={"images": "true", "image_budget_s": 0}, json=body, headers=h)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "image_budget_s"


def test_queue_enqueue_claim_and_a_newer_generation(db):
    from tisguard.detect.evidence import Assessment
    from tisguard.pipeline import image_jobs
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.store import assess_and_store
    from tisguard.spec.listing import Listing
    from tisguard.store.tables import image_jobs as jobs_table
    from tisguard.store.tables import listings

    def a(verdict):
        return Assessment("shopee", "x", verdict, None, 0.5, [], [], [], None, "test")

    with_photo = Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "Q1",
            "title": "t",
            "seller": {"id": "s"},
            "images": [{"url": "http://x/a.png"}],
        }
    )
    no_photo = Listing.model_validate({"platform": "shopee", "listing_id": "Q2", "title": "t", "seller": {"id": "s"}})
    engine = make_engine(load_reference(None, None, None))
    assess_and_store(db, engine, [with_photo, no_photo])
    with db.connect() as c:
        pks = dict(c.execute(select(listings.c.listing_id, listings.c.id)).all())
    items = [(pks["Q1"], with_photo, a("non_compliant")), (pks["Q2"], no_photo, a("non_compliant"))]
    assert image_jobs.enqueue(db, items + [(pks["Q1"], with_photo, a("compliant"))], "rescan") == 1
    assert image_jobs.enqueue(db, [(pks["Q1"], with_photo, a("not_regulated"))], "rescan") == 0
    [job] = image_jobs.claim(db, "w1")
    assert image_jobs.claim(db, "w2") == []  # taken, lease not run out
    image_jobs.enqueue(db, [items[0]], "push")  # the listing changed while the job ran
    image_jobs._finish(db, job, status="done")  # the old run's end does not close the new request
    with db.connect() as c:
        row = c.execute(select(jobs_table)).one()
    assert (row.status, row.generation, row.reason) == ("pending", 2, "push")
    [again] = image_jobs.claim(db, "w2")
    assert again.generation == 2
    with pytest.raises(ValueError, match="reason"):
        image_jobs.enqueue(db, items, "whenever")


def test_web_app_background_worker_reads_pushed_photos(web, photos):
    import time

    from fastapi.testclient import TestClient

    from tisguard.pipeline.build import ImageSource
    from tisguard.pipeline.image_jobs import queue_counts
    from tisguard.web.app import create_app

    _, settings, keys, db = web
    base, lic, hits = photos
    app = create_app(settings, rate=1000, burst=1000, images=ImageSource.for_settings(settings, None))
    app.state.key_cache_ttl = 0
    h = bearer(keys["shopee"])
    with TestClient(app) as client:  # startup starts the worker thread
        worker = app.state.image_worker
        r = client.post("/api/v1/listings", json={"listings": [_pushed(lic, "BG1", base + "/licence.png")]}, headers=h)
        pushed = r.json()["results"][0]["assessment"]
        assert pushed["verdict"] != "compliant"  # the push never waits for the photos to be read
        assert not [e for e in pushed["evidence"] if e["detector"] == "image_evidence"]
        give_up = time.monotonic() + 120  # a hang guard, not a speed requirement
        while queue_counts(db).get("done") != 1 and time.monotonic() < give_up:
            assert client.get("/api/v1/notices", headers=h).status_code == 200  # the app answers meanwhile
            time.sleep(0.2)
        got = client.get("/api/v1/listings/BG1", headers=h).json()["assessment"]
        assert got["verdict"] == "compliant" and "/licence.png" in hits
    assert not worker._thread.is_alive()  # shutdown stops it
