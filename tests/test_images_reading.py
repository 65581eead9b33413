"""Label reading: the three causes of missed licences (no keyword, a tilted photo, false mark boxes that
blank the text) and the hard limits (Tesseract's deadline, the listing's budget, huge photos)."""

from __future__ import annotations

import hashlib
import io
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from conftest import DEV
from label_fixtures import MARK
from label_fixtures import ocr_lines as _lines
from label_fixtures import registry_licence as _licence


def _loaded(img: Image.Image, name: str = "label.png"):
    from tisguard.images.fetch import LoadedImage

    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = buf.getvalue()
    return LoadedImage(hashlib.sha256(data).hexdigest(), img.convert("RGB"), name, data)


def _label(variant: str, lic: dict, seed: int = 11, **spec) -> Image.Image:
    from tisguard.images.synthetic import label_image

    base = {
        "product": "ปลั๊กพ่วง 4 ช่อง",
        "mark": True,
        "standard": f"{lic['tis_number']}-{lic['tis_year']}",
        "licence": lic["licence_no"],
    }
    return label_image(random.Random(seed), {**base, **spec}, variant)


def _read(img: Image.Image, reference):
    from tisguard.images.analyze import analyse
    from tisguard.images.labelread import read

    a = analyse(_loaded(img))
    return a, read(a.ocr_lines, a.marks, reference)


# --- cause (a): the licence on its own line, without "ใบอนุญาตเลขที่" -----------------------------------


def test_licence_without_keyword_under_the_mark_is_read(reference):
    lic = _licence()
    a, reading = _read(_label("no_keyword", lic), reference)
    assert "ใบอนุญาต" not in a.ocr_text
    got = {l["licence_no"]: l["how"] for l in reading.licences}
    assert got.get(lic["licence_no"]) in ("registry", "near_mark"), (a.ocr_text, reading.dropped)
    assert (lic["tis_number"], int(lic["tis_year"])) in {(s["tis"], s["year_be"]) for s in reading.standards}


def test_keyword_free_readings_are_checked_before_they_are_trusted(reference):
    from tisguard.images.labelread import read

    lic = _licence()
    no = lic["licence_no"]  # e.g. ท1234-56/2432
    running, rest = no[1:].split("-", 1)
    sub, std = rest.split("/", 1)
    cases = {
        f"n{running}-{sub}/{std}": no,  # ท read as Latin n: the registry confirms
        f"4{running}-{sub}/{std}": no,  # ท read as the digit 4, run into the number
        f"{running} {sub}/{std}": no,  # the dash lost
    }
    for text, want in cases.items():
        r = read(_lines("มอก. 2432-2555", text), MARK, reference)
        assert [l["licence_no"] for l in r.licences] == [want], (text, r.dropped)
    one_off = f"ท{running}-{int(sub) + 1}/{std}"
    if reference.registry.by_number(one_off) is None:
        r = read(_lines(one_off), MARK, reference)
        assert not r.licences and "misread" in r.dropped[0]["why"]
    r = read(_lines("n9999991-1/2432"), [], reference)  # no mark, no keyword, unknown: not trusted
    assert not r.licences and r.dropped
    r = read(_lines("ท9999991-1/99998"), MARK, reference)  # a standard the catalogue does not have
    assert not r.licences and "catalogue" in r.dropped[0]["why"]
    r = read(_lines("ใบอนุญาตเลขที่ ท9999991-1/2432"), MARK, reference)  # with the keyword it is a claim to check
    assert [l["how"] for l in r.licences] == ["keyword"]


def test_standard_number_with_part_and_garbled_prefix(reference):
    from tisguard.images.labelread import read

    r = read(_lines("wan. 60335 wan 2(7) 2567", "NaN. 2432-2555", "TIS 2432-2499"), [], reference)
    got = {(s["tis"], s["year_be"]) for s in r.standards}
    assert ("2432", 2555) in got and ("2432", 2499) not in got  # an edition the catalogue lacks is dropped
    assert any(t.startswith("60335") for t, _ in got) == (
        reference.catalogue.edition("60335 เล่ม 2(7)", 2567) is not None
    )


# --- cause (b): a label photographed at an angle ----------------------------------------------------------


@pytest.mark.parametrize("angle", [15, -18, 90])
def test_tilted_label_is_straightened_and_read(reference, angle):
    lic = _licence()
    img = _label("clean", lic).rotate(angle, expand=True, fillcolor=(255, 255, 255), resample=Image.BICUBIC)
    a, reading = _read(img, reference)
    assert lic["licence_no"] in {l["licence_no"] for l in reading.licences}, a.ocr_text
    turned = (a.angle + angle) % 360  # the reader turns the text back by the photo's angle
    assert min(turned, 360 - turned) <= 3, a.angle


# --- cause (c): false mark boxes --------------------------------------------------------------------------


def _with_big_circle_and_socket(img: Image.Image) -> Image.Image:
    img = img.copy()
    d = ImageDraw.Draw(img)
    w, h = img.size
    r, cx = int(min(w, h) * 0.48), int(w * 0.65)
    d.ellipse([cx - r, h // 2 - r, cx + r, h // 2 + r], outline=(20, 20, 20), width=5)  # around the text lines
    d.ellipse([w - 120, 20, w - 40, 100], outline=(20, 20, 20), width=4)  # a socket: a circle with a pin hole
    d.rectangle([w - 92, 40, w - 70, 58], fill=(20, 20, 20))
    return img


def test_mark_boxes_are_validated_and_only_the_mark_is_masked(reference):
    from tisguard.images.mark import find_tis_marks

    lic = _licence()
    img = _with_big_circle_and_socket(_label("clean", lic))
    marks = find_tis_marks(img)
    assert len(marks) == 1
    m = marks[0]
    assert m.radius < 0.3 * min(img.size) and m.box[0] < img.width / 3  # the drawn mark, at the left
    a, reading = _read(img, reference)
    assert len(a.marks) == 1
    assert (lic["tis_number"], int(lic["tis_year"])) in {(s["tis"], s["year_be"]) for s in reading.standards}
    assert lic["licence_no"] in {l["licence_no"] for l in reading.licences}
    no_mark = _with_big_circle_and_socket(_label("clean", lic, mark=False))
    assert find_tis_marks(no_mark) == []


# --- hard limits ------------------------------------------------------------------------------------------


def _pathological() -> Image.Image:
    """Dense random speckle with text-sized blobs everywhere: Tesseract's layout analysis chews on it."""
    rng = np.random.default_rng(7)
    a = (rng.random((1500, 1500)) > 0.5).astype(np.uint8) * 255
    a = np.kron(a[:375, :375], np.ones((4, 4), np.uint8))
    return Image.fromarray(np.stack([a] * 3, axis=-1))


def test_tesseract_deadline_cuts_a_pathological_photo_short(tmp_path, reference):
    from tisguard.detect.context import Reference
    from tisguard.images.analyze import ImageAnalyzer, analyse
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    a = analyse(_loaded(_pathological()), deadline_s=0.3)
    assert a.timed_out and any("deadline" in p for p in a.passes)
    _pathological().save(tmp_path / "noise.png")
    analyzer = ImageAnalyzer(tmp_path, tmp_path / "cache", image_deadline_s=0.3)
    ref = Reference(reference.catalogue, reference.registry, reference.lexicon, reference.model, images=analyzer)
    got = make_engine(ref).assess(
        Listing.model_validate(
            {
                "platform": "shopee",
                "listing_id": "slow",
                "title": "ปลั๊กพ่วง 4 ช่อง",
                "seller": {"id": "s"},
                "images": [{"path": "noise.png"}],
            }
        )
    )
    ev = [e for e in got.evidence if e.signal == "image_deadline"]
    assert ev and ev[0].value["limit"] == "image_deadline" and "ran out" in ev[0].reason_en
    assert not list((tmp_path / "cache").glob("*.json"))  # a reading cut short is never cached


def test_listing_budget_that_runs_out_is_an_evidence_line(tmp_path, reference):
    from tisguard.detect.context import Reference
    from tisguard.images.analyze import ImageAnalyzer, image_budget
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    ref = Reference(
        reference.catalogue, reference.registry, reference.lexicon, reference.model, images=ImageAnalyzer(tmp_path)
    )
    listing = Listing.model_validate(
        {
            "platform": "shopee",
            "listing_id": "b",
            "title": "ปลั๊กพ่วง 4 ช่อง",
            "seller": {"id": "s"},
            "images": [{"path": "a.png"}, {"path": "b.png"}],
        }
    )
    with image_budget(0.01):
        got = make_engine(ref).assess(listing)
    ev = [e for e in got.evidence if e.signal == "image_budget"]
    assert [e.value["source"] for e in ev] == ["a.png", "b.png"]
    assert all(e.value["limit"] == "listing_budget" for e in ev)
    assert "image_budget" not in {s["step"] for s in got.waterfall}  # an INFO line: never scored


def test_huge_photo_is_downscaled_and_boxes_stay_in_its_coordinates(reference):
    lic = _licence()
    small = _label("clean", lic)
    big = small.resize((small.width * 5, small.height * 5), Image.BICUBIC)
    a, reading = _read(big, reference)
    assert a.size == big.size and a.downscaled < 0.5
    assert lic["licence_no"] in {l["licence_no"] for l in reading.licences}
    for l in a.ocr_lines:
        x0, y0, x1, y1 = l["box"]
        assert 0 <= x0 <= x1 <= big.width and 0 <= y0 <= y1 <= big.height
    assert a.marks[0]["box"][2] > small.width  # the mark's box is in the big photo's pixels


def test_evaluate_prints_figures_for_each_image_set(tmp_path):
    import json
    import shutil
    from pathlib import Path

    from helpers import cli, cli_json

    sets = []
    root = Path(__file__).resolve().parents[1] / "datasets"
    for name in ("images", "images2"):
        rows = [json.loads(l) for l in (root / name / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[:3]]
        (tmp_path / name).mkdir()
        for r in rows:
            shutil.copy(root / name / r["image"], tmp_path / name / r["image"])
        m = tmp_path / name / "manifest.jsonl"
        m.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        sets.append(m)
    args = [
        "evaluate",
        DEV / "test.jsonl",
        "--registry",
        DEV / "registry.csv",
        "--images",
        sets[0],
        "--images",
        sets[1],
    ]
    figs = cli_json(*args)
    assert list(figs["image_sets"]) == [str(s) for s in sets] and figs["images"] == figs["image_sets"][str(sets[0])]
    for f in figs["image_sets"].values():
        assert f["images"] == 3 and "verdict_parity" in f and "false_marks" in f
    printed = cli(*args).stdout
    assert all(f"images {s}:" in printed for s in sets)
