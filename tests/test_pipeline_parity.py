"""Every way a listing reaches the engine gives the same verdict, tis and risk: the plain file scan, the
store scan, a platform push, the pre-listing check and Spark, under a non-default config, a model trained
into the data dir and a seller history in the store (so nothing holds only "with defaults")."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest

from conftest import DEV, write_jsonl
from helpers import cli, cli_json

CONFIG = {
    "detectors": [
        "standard_number",
        "licence_number",
        "vague_claim",
        "category",
        "image_evidence",
        "licence_registry",
        "cross_border",
        "low_price",
        "seller_history",
    ],  # seller_dbd left out
    "params": {"low_price": {"ratio": 0.8}},
    "regulated_threshold": 0.4,
    "weights": {"base": -0.4, "cross_border": 1.7, "seller_past_violations": 1.1, "no_tis_evidence": 2.6},
}
N = 80


def _records() -> list[dict]:
    rows = [json.loads(l) for l in (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()]
    shopee = [r for r in rows if r["platform"] == "shopee"][:N]
    for i, r in enumerate(shopee[:6]):  # three listings each from two sellers with confirmed violations
        r["seller"] = {"id": "repeat-a" if i % 2 == 0 else "repeat-b", "country": "CN"}
    return shopee


def _triples(items) -> dict[str, tuple]:
    return {i["listing_id"]: (i["verdict"], i["tis"], round(i["risk"], 4)) for i in items}


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_every_path_gives_the_same_assessment(tmp_path, db, backend_env):
    from sqlalchemy import select

    from tisguard.config import resolve_settings
    from tisguard.detect.config import load_config
    from tisguard.services.platforms import add_platform
    from tisguard.store.tables import decisions, listings
    from webfixtures import bearer, make_client_for

    settings = resolve_settings()
    records = _records()
    src = write_jsonl(tmp_path / "listings.jsonl", [{k: v for k, v in r.items() if k != "label"} for r in records])
    conf = tmp_path / "engine.json"
    conf.write_text(json.dumps(CONFIG), encoding="utf-8")
    small = write_jsonl(tmp_path / "train.jsonl", (DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()[:900])

    # the store: registry, a model trained into the data dir, listings, confirmed violations of two sellers
    assert cli("registry", "import", DEV / "registry.csv").exit_code == 0
    trained = cli_json("train", small, "--no-extra")
    assert trained["out"].startswith(str(settings.data_dir))
    assert cli("ingest", src).exit_code == 0
    with db.begin() as conn:
        pks = conn.execute(select(listings.c.id).order_by(listings.c.id).limit(6)).scalars().all()
        conn.execute(
            decisions.insert(),
            [
                {"listing_pk": pk, "decision": "confirm", "by_user": "t", "at": datetime(2026, 11, 1, tzinfo=UTC)}
                for pk in pks[:5]
            ],
        )

    paths: dict[str, dict] = {}
    plain = cli_json("scan", src, "--config", conf, "--out", tmp_path / "plain.jsonl")
    paths["plain scan"] = _triples(json.loads(l) for l in (tmp_path / "plain.jsonl").read_text().splitlines())
    assert plain["engine_version"].count("model=cat-") == 1 and trained["version"] in plain["engine_version"]
    cli_json("scan", src, "--store", "--config", conf, "--out", tmp_path / "store.jsonl")
    paths["store scan"] = _triples(json.loads(l) for l in (tmp_path / "store.jsonl").read_text().splitlines())

    client = make_client_for(settings, load_config(conf))
    key = add_platform(db, "shopee")
    pushed = client.post("/api/v1/listings", json={"listings": records[: N // 2]}, headers=bearer(key))
    pushed2 = client.post("/api/v1/listings", json={"listings": records[N // 2 :]}, headers=bearer(key))
    assert pushed.status_code == 200 and pushed2.status_code == 200, pushed.text
    results = pushed.json()["results"] + pushed2.json()["results"]
    paths["platform push"] = _triples({"listing_id": r["listing_id"], **r["assessment"]} for r in results)
    checks = []
    for r in records:
        resp = client.post("/api/v1/check", json=r, headers=bearer(key))
        assert resp.status_code == 200, resp.text
        checks.append({"listing_id": r["listing_id"], **resp.json()})
    paths["pre-listing check"] = _triples(checks)

    out = tmp_path / "spark-out"
    cli_json("spark-scan", src, "--config", conf, "--data", settings.data_dir, "--out", out, "--partitions", "2")
    lines = [json.loads(l) for p in out.glob("part-*") for l in p.read_text(encoding="utf-8").splitlines()]
    paths["spark"] = _triples(lines)

    reference = paths["plain scan"]
    assert len(reference) == N
    for name, got in paths.items():
        assert got == reference, f"{name} differs from the plain scan"
    # the non-default parts were in effect: the history raised risk and the config's weights were used
    all_steps = [s for l in (tmp_path / "plain.jsonl").read_text().splitlines() for s in json.loads(l)["waterfall"]]
    assert {s["weight"] for s in all_steps if s["step"] == "base"} == {-0.4}
    assert {s["weight"] for s in all_steps if s["step"] == "cross_border"} <= {1.7}
    assert any(s["step"] == "seller_past_violations" and s["weight"] in (1.1, 2.2, 3.3) for s in all_steps)
    assert not any(s["step"] == "seller_not_dbd" for s in all_steps)
