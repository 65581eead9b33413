"""The Spark scan gives, listing for listing, the same verdicts as the plain engine."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DEV
from helpers import cli_json


@pytest.mark.skipif(
    shutil.which("java") is None, reason="Spark needs a Java runtime (scripts/system-packages.sh installs one)"
)
def test_spark_scan_matches_plain_scan(tmp_path, engine):
    from tisguard.pipeline.runners import valid_listings

    src = tmp_path / "in.jsonl"
    lines = (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    src.write_text("\n".join(lines + ['{"platform": "shopee"}']) + "\n", encoding="utf-8")
    res = cli_json(
        "spark-scan", src, "--registry", DEV / "registry.csv", "--out", tmp_path / "out", "--partitions", "3"
    )
    assert res["assessed"] == 300 and res["rejected"] == 1 and res["partitions"] >= 2
    got = {}
    for part in (tmp_path / "out").glob("part-*"):
        for line in part.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if not r.get("rejected"):
                got[r["listing_id"]] = (r["verdict"], r["tis"], round(r["risk"], 3))
    want = {l.listing_id: (a.verdict, a.tis, round(a.risk, 3)) for l in valid_listings(src) for a in [engine.assess(l)]}
    assert got == want
