"""Issue 13 on Spark: the same near-duplicate groups, relisting, shared licences and networks as the
embedded index on the same input (photos included), and the same assessments from `spark-scan` as
from `scan`."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

import investigation_data as D
from helpers import cli, cli_json

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None, reason="Spark needs a Java runtime (scripts/system-packages.sh installs one)"
)


def _rows(data):
    rows = [r for group in data.values() for r in group]
    # a second copy of the relisted listing, so there is a group among unconfirmed listings too
    rows.append({**data["relisted"][0], "platform": "tiktok", "listing_id": "B-10", "seller": {"id": "sb2"}})
    rows.append({**data["renters"][0], "title": data["renters"][0]["title"] + " ใหม่"})  # last record wins
    return rows


def test_spark_answers_equal_embedded(tmp_path):
    from pyspark.sql import SparkSession

    from tisguard.pipeline.build import ImageSource, make_engine
    from tisguard.pipeline.investigation import prepare_file
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.runners import valid_listings
    from tisguard.pipeline.spark_investigation import spark_facts

    data = D.make(tmp_path)
    src = D.write(tmp_path, _rows(data))
    images = ImageSource(tmp_path)
    ref = load_reference(None, D.registry(tmp_path), None)
    ref.investigation.embedded.set_bad({("shopee", "A-1"): "confirm", ("shopee", "S-0"): "removed"})
    prepare_file(make_engine(ref, None, images), valid_listings(src))
    want = ref.investigation.embedded.export()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    try:
        spark.sparkContext.setLogLevel("ERROR")
        fresh = load_reference(None, D.registry(tmp_path), None)
        fresh.investigation.embedded.set_bad({("shopee", "A-1"): "confirm", ("shopee", "S-0"): "removed"})
        got = spark_facts(
            spark.sparkContext, spark.sparkContext.textFile(str(src), 3), fresh.investigation, fresh.registry, images
        )
    finally:
        spark.stop()
    assert got.groups == want.groups and len({g.gid for g in want.groups.values()}) == 1
    assert got.relisted == want.relisted and want.relisted[("lazada", "B-9")][0].key == ("shopee", "A-1")
    assert not any(k[1].startswith("S-") for k in want.relisted), "the stock photo relists nothing"
    assert got.licences == want.licences and len(want.licences[next(iter(want.licences))].sellers) == 4
    assert got.networks == want.networks
    assert {s[1] for s in want.networks[("shopee", "n1")].sellers} == {"n1", "n2", "n3"}


def test_spark_scan_equals_scan(tmp_path):
    data = D.make(tmp_path)
    src = D.write(tmp_path, _rows(data))
    reg = D.registry(tmp_path)
    assert cli("scan", src, "--registry", reg, "--out", tmp_path / "plain.jsonl").exit_code == 0
    res = cli_json("spark-scan", src, "--registry", reg, "--out", tmp_path / "spark", "--partitions", "3")
    assert res["assessed"] == len(_rows(data))  # the renter's two records are assessed in both
    want = [json.loads(l) for l in (tmp_path / "plain.jsonl").read_text(encoding="utf-8").splitlines()]
    got = [json.loads(l) for p in sorted((tmp_path / "spark").glob("part-*")) for l in p.read_text().splitlines()]

    def view(a):
        ev = sorted((e["signal"], json.dumps(e["value"], sort_keys=True)) for e in a["evidence"])
        return (a["platform"], a["listing_id"], a["verdict"], round(a["risk"], 6), tuple(ev))

    assert sorted(map(view, got)) == sorted(map(view, want))
    signals = {e["signal"] for a in want for e in a["evidence"]}
    assert {"licence_shared", "duplicate_group", "seller_network", "recall_match"} <= signals
