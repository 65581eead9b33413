"""Shared fixtures. Store tests run on every backend: SQLite always, PostgreSQL when
TISGUARD_TEST_PG_URL is set (CI sets it after starting a real server; in CI its absence fails)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytest_plugins = ["webfixtures", "live"]  # the web app and live-server fixtures
ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "datasets" / "dev"
PG_URL = os.environ.get("TISGUARD_TEST_PG_URL")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError("CI must provide TISGUARD_TEST_PG_URL (a real PostgreSQL server)")


def _fresh_pg_url() -> str:
    """A new empty database on the test server, so each test starts clean."""
    name = "tg_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_env(request, tmp_path, monkeypatch):
    """Environment for a CLI/store test on one backend: TISGUARD_DATA (+ TISGUARD_DATABASE_URL)."""
    monkeypatch.setenv("TISGUARD_DATA", str(tmp_path / "data"))
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("TISGUARD_TEST_PG_URL not set")
        monkeypatch.setenv("TISGUARD_DATABASE_URL", _fresh_pg_url())
    else:
        monkeypatch.delenv("TISGUARD_DATABASE_URL", raising=False)
    return request.param


@pytest.fixture
def db(backend_env):
    from tisguard.config import resolve_settings
    from tisguard.store.db import open_store

    return open_store(resolve_settings(), write=True)


@pytest.fixture(scope="session")
def reference():
    from tisguard.pipeline.reference import load_reference

    return load_reference(None, DEV / "registry.csv", None)


@pytest.fixture(scope="session")
def engine(reference):
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.build import make_engine

    return make_engine(reference, EngineConfig())


@pytest.fixture(scope="session")
def dev_registry(reference):
    return reference.registry


def listing(**kw) -> dict:
    base = {
        "platform": "shopee",
        "listing_id": kw.pop("listing_id", "L1"),
        "title": "สินค้า",
        "seller": {"id": "s1", "country": "TH"},
    }
    base.update(kw)
    return base


def write_jsonl(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path
