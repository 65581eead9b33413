"""`spark-scan --images` reads the photos on the executors and answers, listing for listing and evidence
line for evidence line, as the plain `scan --images` does on the same photos."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from conftest import DEV, write_jsonl
from helpers import cli, cli_json


@pytest.mark.skipif(
    shutil.which("java") is None, reason="Spark needs a Java runtime (scripts/system-packages.sh installs one)"
)
def test_spark_ocr_matches_plain_scan_on_the_same_photos(tmp_path, monkeypatch):
    from tisguard.images.synthetic import label_image
    from tisguard.registry.store import read_registry_csv

    monkeypatch.setenv("TISGUARD_DATA", str(tmp_path / "data"))
    lics = [
        r for r in read_registry_csv(DEV / "registry.csv")[0] if r["tis_number"] == "2432" and r["status"] == "active"
    ]
    rows = []
    for i, (variant, shows) in enumerate([("no_keyword", True), ("rotate_large", True), ("clean", False)]):
        lic = lics[i % len(lics)]
        spec = {"product": "ปลั๊กพ่วง", "mark": True, "standard": f"2432-{lic['tis_year']}"}
        if shows:
            spec["licence"] = lic["licence_no"]
        label_image(random.Random(30 + i), spec, variant).save(tmp_path / f"p{i}.png")
        rows.append(
            {
                "platform": "shopee",
                "listing_id": f"S{i}",
                "title": "ปลั๊กพ่วง 4 ช่อง 3 เมตร",
                "brand": lic["brands"].split(";")[0],
                "seller": {"id": "s"},
                "images": [{"path": f"p{i}.png"}],
            }
        )
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    res = cli_json(
        "spark-scan",
        src,
        "--registry",
        DEV / "registry.csv",
        "--out",
        tmp_path / "out",
        "--partitions",
        "2",
        "--images",
    )
    assert res["assessed"] == 3 and res["partitions"] >= 2
    spark = {}
    for part in (tmp_path / "out").glob("part-*"):
        for line in part.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            spark[r["listing_id"]] = r
    assert len(list((tmp_path / "data" / "image-cache").glob("*.json"))) == 3  # analysed on the executors
    monkeypatch.setenv("TISGUARD_DATA", str(tmp_path / "plain-data"))  # its own cache: OCR again, not reused
    plain_out = tmp_path / "plain.jsonl"
    assert cli("scan", src, "--registry", DEV / "registry.csv", "--images", "--out", plain_out).exit_code == 0
    plain = {r["listing_id"]: r for r in map(json.loads, plain_out.read_text(encoding="utf-8").splitlines())}

    def image_lines(r):
        return sorted(
            (e["signal"], e["text"], (e["value"] or {}).get("licence_no"))
            for e in r["evidence"]
            if e["source"] == "image"
        )

    assert {k: r["verdict"] for k, r in spark.items()} == {k: r["verdict"] for k, r in plain.items()}
    assert {k: image_lines(r) for k, r in spark.items()} == {k: image_lines(r) for k, r in plain.items()}
    assert spark["S0"]["verdict"] == "compliant" and spark["S2"]["verdict"] != "compliant"
    assert any(e[0] == "licence_number" for e in image_lines(spark["S1"]))  # read on an executor, tilted 10–20°
