"""`tisguard evaluate` on a small labelled file: alternates, out-of-scope records, the per-standard table,
the false positives and misses with their reasons, and figures by source."""

from __future__ import annotations

from conftest import DEV, write_jsonl
from helpers import cli, cli_json


def rec(listing_id, title, label, **extra):
    return {
        "platform": "shopee",
        "listing_id": listing_id,
        "title": title,
        "seller": {"id": "s", "country": "TH"},
        **({"label": label} if label is not None else {}),
        **extra,
    }


ROWS = [
    # a fridge labelled under its energy standard with the safety one as an alternate
    rec(
        "fridge", "ตู้เย็น 2 ประตู 7.4 คิว", {"verdict": "non_compliant", "tis": "2186", "alternates": ["2214"]}, source="a"
    ),
    rec("strip", "ปลั๊กพ่วง 4 ช่อง 3 เมตร", {"verdict": "non_compliant", "tis": "2432"}, source="a"),
    rec("case", "เคสโทรศัพท์ iPhone 15 ซิลิโคน", {"verdict": "not_regulated", "regulated": False}, source="b"),
    # two deliberately wrong labels, so there is one false positive and one miss whatever the model's quality
    rec("strip-as-not", "ปลั๊กพ่วง 4 ช่อง 3 เมตร", {"verdict": "not_regulated"}, source="b"),
    rec("shirt-as-reg", "เสื้อยืด cotton 100%", {"verdict": "non_compliant", "tis": "2432"}, source="b"),
    # scope not established: left out of every figure
    rec("unsure", "อะไรสักอย่าง", {"verdict": None, "tis": None, "regulated": None}, source="a"),
    rec("nolabel", "ปลั๊กพ่วง 4 ช่อง", None),
]


def test_evaluate_reports_alternates_tables_errors_and_groups(tmp_path):
    path = write_jsonl(tmp_path / "labelled.jsonl", ROWS)
    f = cli_json("evaluate", path, "--registry", DEV / "registry.csv", "--errors", "1", "--by", "source")
    assert (f["n"], f["left_out_regulated_null"], f["unlabelled_skipped"], f["rejected"]) == (5, 1, 1, 0)
    # fridge (alternate) and strip right, shirt missed
    assert f["standard_accuracy"] == round(2 / 3, 4) and f["standard_accuracy_exact"] == round(1 / 3, 4)
    assert (f["false_positive_rate"], f["non_regulated_flagged"], f["non_regulated"]) == (0.5, 1, 2)
    assert (f["regulated_missed"], f["regulated"]) == (1, 3)
    table = f["per_standard"]
    assert table["2432"] == {"support": 2, "predicted": 2, "precision": 0.5, "recall": 0.5}
    assert table["2186"]["recall"] == 1.0 and table["2214"] == {
        "support": 0,
        "predicted": 1,
        "precision": 1.0,
        "recall": None,
    }
    fps, misses = f["errors"]["false_positives"], f["errors"]["misses"]
    assert fps["count"] == 1 and [x["listing_id"] for x in fps["examples"]] == ["strip-as-not"]
    assert fps["by_standard"] == [["2432", 1]] and any("2432" in why for why, _ in fps["top_reasons"])
    assert misses["count"] == 1 and misses["examples"][0]["listing_id"] == "shirt-as-reg"
    assert misses["examples"][0]["reasons"]  # the model's reason for 'not regulated'
    groups = f["by"]["groups"]
    assert set(groups) == {"a", "b"} and f["by"]["records_with_field"] == 5
    assert (groups["a"]["n"], groups["b"]["n"]) == (2, 3)
    assert groups["b"]["false_positive_rate"] == 0.5 and groups["a"]["standard_accuracy"] == 1.0
    # keys of earlier releases stay
    for k in ("regulated_f1", "flag_precision", "verdict_macro_f1", "confusion", "worst", "standard_accuracy_related"):
        assert k in f
    text = cli("evaluate", path, "--registry", DEV / "registry.csv", "--by", "source").output
    assert "per standard" in text and "false positives" in text and "by source" in text and "left out" in text


def test_evaluate_without_the_group_field_says_so(tmp_path):
    path = write_jsonl(tmp_path / "labelled.jsonl", [{k: v for k, v in r.items() if k != "source"} for r in ROWS])
    f = cli_json("evaluate", path, "--by", "source", "--errors", "0")
    assert f["by"] == {"field": "source", "records_with_field": 0, "groups": {}}
    assert f["errors"]["false_positives"]["count"] == 1 and f["errors"]["false_positives"]["examples"] == []
    assert "no record carries" in cli("evaluate", path, "--by", "source").output


def test_evaluate_refuses_bad_alternates_naming_the_record(tmp_path):
    bad = rec("x", "ตู้เย็น", {"verdict": "non_compliant", "tis": "2214", "alternates": "2186"})
    path = write_jsonl(tmp_path / "bad.jsonl", [ROWS[0], bad])
    r = cli("evaluate", path)
    assert r.exit_code != 0 and "record 2 label.alternates" in r.output


def test_evaluate_reads_tis_alt_as_alternates(tmp_path):
    """The blind-set writers name co-applicable standards `tis_alt`: the same list as `alternates`."""
    fridge = rec("fridge", "ตู้เย็น 2 ประตู 7.4 คิว", {"verdict": "non_compliant", "tis": "2186", "tis_alt": ["2214"]})
    path = write_jsonl(tmp_path / "alt.jsonl", [fridge])
    f = cli_json("evaluate", path, "--registry", DEV / "registry.csv")
    assert (f["standard_accuracy"], f["standard_accuracy_exact"]) == (1.0, 0.0)
    bad = rec("x", "ตู้เย็น", {"verdict": "non_compliant", "tis": "2214", "tis_alt": "2186"})
    r = cli("evaluate", write_jsonl(tmp_path / "bad.jsonl", [bad]))
    assert r.exit_code != 0 and "record 1 label.tis_alt" in r.output
    both = rec("y", "ตู้เย็น", {"verdict": "non_compliant", "tis": "2214", "alternates": ["2186"], "tis_alt": ["1529"]})
    r = cli("evaluate", write_jsonl(tmp_path / "both.jsonl", [both]))
    assert r.exit_code != 0 and "record 1 label.tis_alt: differs from label.alternates" in r.output
