"""Fixtures for the web tests: an app over a fresh store with the dev registry and some scanned listings."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from conftest import DEV


def seed_store(db, settings, n: int = 60) -> None:
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.build import build_engine
    from tisguard.pipeline.runners import scan_file_into_store
    from tisguard.registry.store import import_registry, read_registry_csv

    import_registry(db, read_registry_csv(DEV / "registry.csv")[0])
    src = settings.data_dir / "seed.jsonl"
    src.write_text(
        "\n".join((DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:n]) + "\n", encoding="utf-8"
    )
    engine = build_engine(settings, EngineConfig(), db)
    scan_file_into_store(db, settings, engine, src, lambda a: None, lambda i: None)


def make_client(rate: float = 1000, burst: int = 1000) -> TestClient:
    from tisguard.config import resolve_settings

    return make_client_for(resolve_settings(), None, rate, burst)


def make_client_for(settings, engine_config, rate: float = 1000, burst: int = 1000) -> TestClient:
    from tisguard.web.app import create_app

    app = create_app(settings, rate=rate, burst=burst, engine_config=engine_config)
    app.state.key_cache_ttl = 0
    return TestClient(app)


def sign_in(client: TestClient, username: str, password: str) -> str:
    r = client.post("/login", data={"username": username, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/queue")
    m = re.search(r'name="csrf" value="([^"]+)"', page.text) or re.search(r"csrf", page.text)
    return m.group(1) if m and m.groups() else ""


@pytest.fixture
def web(db, backend_env):
    """(client, settings, keys, db): demo-like store, users of each role, keys for shopee and lazada."""
    from tisguard.config import resolve_settings
    from tisguard.services.platforms import add_platform
    from tisguard.services.users import add_user

    settings = resolve_settings()
    seed_store(db, settings)
    for name in ("officer", "supervisor", "admin"):
        add_user(db, name, f"{name}-pass-123", name)
    keys = {p: add_platform(db, p) for p in ("shopee", "lazada", "tiktok")}
    return make_client(), settings, keys, db


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def listing(platform: str, lid: str, title: str = "ปลั๊กพ่วง 4 ช่อง 3 เมตร", **kw) -> dict:
    return {
        "platform": platform,
        "listing_id": lid,
        "title": title,
        "seller": {"id": "seller-1", "country": "CN"},
        **kw,
    }


def csrf_of(client: TestClient) -> str:
    page = client.get("/cases")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def first_flagged(client: TestClient, platform: str | None = None) -> dict:
    q = client.get("/api/v1/queue", params={"platform": platform} if platform else {}).json()
    assert q["items"], "queue is empty"
    return q["items"][0]


def pretty(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)[:2000]
