from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import DEV
from helpers import cli, cli_json

KEYS = {"platform", "listing_id", "verdict", "tis", "risk", "reasons", "evidence"}


def test_scan_file_writes_one_object_per_listing(tmp_path, monkeypatch):
    monkeypatch.delenv("TISGUARD_DATA", raising=False)
    src = tmp_path / "in.jsonl"
    lines = (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:50]
    src.write_text("\n".join(lines + ['{"broken": true}']) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = cli("scan", src, "--registry", DEV / "registry.csv", "--out", out)
    assert r.exit_code == 0, r.output
    rows = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 50 and all(KEYS <= set(row) for row in rows)
    assert "rejected record 51" in r.output


def test_scan_with_store_keeps_assessments(tmp_path, db):
    from sqlalchemy import func, select

    from tisguard.store.tables import assessments

    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join((DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:40]) + "\n", encoding="utf-8"
    )
    assert cli("registry", "import", DEV / "registry.csv").exit_code == 0
    plain = cli_json("scan", src, "--out", tmp_path / "plain.jsonl")  # TISGUARD_DATA is set, but no --store
    assert plain["assessed"] == 40 and plain["verdicts"].get("compliant", 0) > 0  # the store's registry was read
    with db.connect() as c:
        assert c.execute(select(func.count()).select_from(assessments)).scalar_one() == 0
    s = cli_json("scan", src, "--store", "--out", tmp_path / "o.jsonl")
    assert s["assessed"] == 40
    s2 = cli_json("scan", "--out", tmp_path / "o2.jsonl")  # rescan the store
    assert s2["assessed"] == 40
    with db.connect() as c:
        assert c.execute(select(func.count()).select_from(assessments)).scalar_one() == 80
        assert (
            c.execute(
                select(func.count()).select_from(assessments).where(assessments.c.is_latest.is_(True))
            ).scalar_one()
            == 40
        )
        versions = c.execute(select(assessments.c.engine_version).distinct()).scalars().all()
    assert len(versions) == 1 and "licence_registry@" in versions[0]


def test_evaluate_prints_figures_on_the_test_split():
    f = cli_json("evaluate", DEV / "test.jsonl", "--registry", DEV / "registry.csv")
    for k in (
        "n",
        "regulated_f1",
        "standard_accuracy",
        "flag_precision",
        "flag_recall",
        "verdict_accuracy",
        "verdict_macro_f1",
    ):
        assert k in f
    assert f["n"] == 1500
    # a regression guard on the repo's own split, far below what the engine reaches
    assert f["regulated_f1"] > 0.9 and f["flag_precision"] > 0.9
    assert len(f["worst"]) <= 20
    text = cli("evaluate", DEV / "test.jsonl", "--registry", DEV / "registry.csv").output
    assert "confusion" in text and "worst" in text


def test_train_writes_a_model_that_loads_without_pickle(tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_text(
        "\n".join((DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()[:1200]) + "\n", encoding="utf-8"
    )
    out = tmp_path / "m" / "category.json"
    r = cli_json("train", small, "--no-extra", "--out", out)
    assert out.exists() and out.with_suffix(".npz").exists()
    np.load(out.with_suffix(".npz"), allow_pickle=False)
    from tisguard.detect.model import CategoryModel

    m = CategoryModel.load(out)
    assert m.version == r["version"] and "none" in m.classes
    p = m.predict_proba_keys([" ปลั๊กพ่วง"])
    assert abs(float(p.sum()) - 1) < 1e-5


def test_scan_uses_the_stores_registry_when_none_is_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default data dir is ./tisguard-data
    monkeypatch.delenv("TISGUARD_DATA", raising=False)
    monkeypatch.delenv("TISGUARD_DATABASE_URL", raising=False)
    assert cli("registry", "import", DEV / "registry.csv").exit_code == 0
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join((DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:200]) + "\n", encoding="utf-8"
    )
    with_file = cli_json("scan", src, "--registry", DEV / "registry.csv", "--out", tmp_path / "a.jsonl")
    from_store = cli_json("scan", src, "--out", tmp_path / "b.jsonl")
    assert from_store["verdicts"] == with_file["verdicts"] and from_store["verdicts"].get("compliant", 0) > 0
    f = cli_json("evaluate", src, "--data", tmp_path / "tisguard-data")
    assert f["n"] == 200 and f["verdict_accuracy"] > 0.9


def test_a_trained_model_in_the_data_dir_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("TISGUARD_DATA", str(tmp_path / "data"))
    small = tmp_path / "small.jsonl"
    small.write_text(
        "\n".join((DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()[:800]) + "\n", encoding="utf-8"
    )
    trained = cli_json("train", small, "--no-extra")
    assert (tmp_path / "data" / "models" / "category.json").exists()
    f = cli_json("evaluate", DEV / "test.jsonl", "--registry", DEV / "registry.csv")
    assert f"model={trained['version']}" in f["engine_version"]


@pytest.mark.parametrize(
    ("learner", "hidden_layer"), [("mlp", True), ("linear", False)], ids=["mlp (shipped)", "linear"]
)
def test_each_learner_scores_one_listing_as_a_batch_does(tmp_path, learner, hidden_layer):
    """The pre-listing check scores one listing (a row-sum), a scan scores batches (one sparse product): both
    paths must give the same probabilities, with and without the hidden layer."""
    from tisguard.detect.features import record_keys
    from tisguard.detect.lexicon import Lexicon
    from tisguard.detect.model import CategoryModel

    rows = (DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(rows[:700]) + "\n", encoding="utf-8")
    out = tmp_path / "m" / "category.json"
    r = cli_json("train", small, "--no-extra", "--no-decisions", "--learner", learner, "--epochs", "15", "--out", out)
    m = CategoryModel.load(out)
    assert (m.hidden_weights is not None) == hidden_layer and r["version"].startswith(
        "cat-mlp" if hidden_layer else "cat-lr"
    )
    lex = Lexicon.load()
    keys = [record_keys(json.loads(line), lex)[0] for line in rows[1000:1060]]
    batch = m.predict_proba_many(keys)
    single = np.vstack([m.predict_proba_keys(k) for k in keys])
    assert np.allclose(batch, single, atol=1e-5)
    assert len({int(i) for i in batch.argmax(axis=1)}) > 1  # a model that learnt something, not one class


def test_an_unknown_learner_is_refused_by_name(tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_text((DEV / "train.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    r = cli("train", small, "--no-extra", "--no-decisions", "--learner", "forest", "--out", tmp_path / "m.json")
    assert r.exit_code != 0 and "learner" in r.output and "forest" in r.output
