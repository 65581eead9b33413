"""Detectors declare their contract and the engine holds configurations to it: unknown names are refused
by name, an order that would silently change results is refused, and a new detector takes part in the
verdict and the waterfall through its declaration alone (one class, registered, one config line)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import listing as L

SRC = Path(__file__).resolve().parents[1] / "src" / "tisguard"


def _config(**over):
    from tisguard.detect.config import config_from_dict

    return config_from_dict(over)


REFUSED = [
    # (config override, words the error must contain)
    ({"detectors": ["standard_number", "no_such_detector"]}, ["unknown detectors", "no_such_detector"]),
    ({"weights": {"licence_verifed": -5.0}}, ["unknown weights", "licence_verifed"]),
    ({"params": {"low_price": {"ratoi": 0.5}}}, ["params.low_price.ratoi"]),
    ({"params": {"low_price": {"ratio": 7}}}, ["params.low_price.ratio"]),
    ({"params": {"seller_dbd": {"x": 1}}}, ["params.seller_dbd.x"]),
    ({"params": {"not_configured": {}}}, ["not configured", "not_configured"]),
    ({"detectors": ["standard_number", "standard_number", "category"]}, ["twice", "standard_number"]),
    (  # the registry check before anything finds licence numbers: it would see none
        {"detectors": ["licence_registry", "licence_number", "category"]},
        ["licence_registry requires 'licence_number'", "move licence_registry after licence_number"],
    ),
    (  # the category model before the stated numbers are read: their update would be silently lost
        {"detectors": ["category", "standard_number", "licence_number", "licence_registry"]},
        ["category reads 'stated_numbers'", "after standard_number"],
    ),
    (  # image evidence feeds licence numbers to the verifier, so it must come first
        {"detectors": ["licence_number", "category", "licence_registry", "image_evidence"]},
        ["licence_registry reads 'licence_number'", "image_evidence"],
    ),
    ({"detectors": ["low_price"]}, ["low_price requires 'product'", "category"]),
]


@pytest.mark.parametrize("override,words", REFUSED)
def test_engine_refuses_a_broken_config_by_name(reference, override, words):
    from tisguard.detect.config import ConfigError
    from tisguard.pipeline.build import make_engine

    with pytest.raises(ConfigError) as err:
        make_engine(reference, _config(**override))
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize(
    "text,field",
    [
        ('{"detectors": "category"}', "detectors"),
        ('{"regulated_threshold": 2}', "regulated_threshold"),
        ('{"weigths": {}}', "weigths"),
        ("[1, 2]", "JSON object"),
        ("{", "cannot read"),
    ],
)
def test_config_file_errors_name_the_field(tmp_path, text, field):
    from tisguard.detect.config import ConfigError, load_config

    p = tmp_path / "c.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert field in str(err.value)


def test_scan_refuses_a_broken_config_on_the_command_line(tmp_path):
    from helpers import cli

    conf = tmp_path / "c.json"
    conf.write_text('{"detectors": ["category", "standard_number"]}', encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text('{"platform": "shopee", "listing_id": "1", "title": "x", "seller": {"id": "s"}}\n')
    r = cli("scan", src, "--config", conf)
    assert r.exit_code == 2 and "category reads 'stated_numbers'" in r.output


def test_a_toy_detector_changes_verdicts_and_shows_in_the_waterfall(reference):
    """One class, registered, one config line: the scorer is not touched."""
    from tisguard.detect.config import DEFAULT_DETECTORS
    from tisguard.detect.detectors.base import Detector, Group, Signal
    from tisguard.detect.engine import register_detector, unregister_detector
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    class FakeCertificate(Detector):
        """A listing that says 'ผ่าน QC โรงงาน' has a (toy) claim of conformity."""

        name, version = "toy_factory_qc", "0.1"
        emits = {"factory_qc_claim": Signal(Group.CLAIM, weight=-0.9)}
        requires = ("product",)

        def detect(self, ctx):
            if "ผ่าน qc" in ctx.norm("title").text:
                return [self.evidence("factory_qc_claim", "title", "อ้างว่าผ่าน QC โรงงาน", "claims a factory QC pass")]
            return []

    item = Listing.model_validate(L(title="ปลั๊กพ่วง 4 ช่อง 3 เมตร ผ่าน QC โรงงาน"))
    before = make_engine(reference).assess(item)
    register_detector(FakeCertificate)
    try:
        after = make_engine(reference, _config(detectors=[*DEFAULT_DETECTORS, "toy_factory_qc"])).assess(item)
    finally:
        unregister_detector("toy_factory_qc")
    assert before.verdict == "non_compliant" and after.verdict == "unverified"
    step = next(s for s in after.waterfall if s["step"] == "factory_qc_claim")
    assert step["weight"] == -0.9 and after.risk < before.risk
    assert any(r["code"] == "factory_qc_claim" for r in after.reasons)
    ev = next(e for e in after.evidence if e.signal == "factory_qc_claim")
    assert (ev.detector, ev.version) == ("toy_factory_qc", "0.1") and "toy_factory_qc@0.1" in after.engine_version


def test_a_detector_cannot_emit_an_undeclared_signal(reference):
    from tisguard.detect.detectors.base import Detector, Group, Signal

    class Sloppy(Detector):
        name, version = "sloppy", "0.1"
        emits = {"a": Signal(Group.CONTEXT)}

    with pytest.raises(ValueError, match="does not declare"):
        Sloppy().evidence("b", "title", "x", "x")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_detect_depends_on_nothing_above_it():
    above = (
        "tisguard.store",
        "tisguard.ingest",
        "tisguard.images",
        "tisguard.web",
        "tisguard.cli",
        "tisguard.pipeline",
    )
    bad = {
        str(p.relative_to(SRC)): sorted(m for m in _imports(p) if m.startswith(above))
        for p in (SRC / "detect").rglob("*.py")
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_engine_is_constructed_in_one_place():
    sites = [
        f"{p.relative_to(SRC)}:{i}"
        for p in SRC.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![\w.])Engine\(", line) and not line.lstrip().startswith(("class ", "#", "def "))
    ]
    assert len(sites) == 1 and sites[0].startswith("pipeline/build.py:"), sites
