"""Image evidence: safe loading, QR host judgement, mark detection, OCR → licence, cascade and cache."""

from __future__ import annotations

import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from PIL import Image

from conftest import DEV
from helpers import cli_json
from tisguard.images.fetch import MAX_BYTES, ImageRejected, load_local, load_url
from tisguard.images.synthetic import label_image

IMAGES = Path(__file__).resolve().parents[1] / "datasets" / "images"


def _png(path: Path, size=(64, 64)) -> Path:
    Image.new("RGB", size, (200, 10, 10)).save(path)
    return path


@pytest.mark.parametrize(
    "case,make,reason",
    [
        ("pdf", lambda p: p.write_bytes(b"%PDF-1.4\n%fake\n"), "a PDF"),
        ("corrupt_png", lambda p: p.write_bytes(_png(p).read_bytes()[:60]), "not a readable image"),
        ("text", lambda p: p.write_text("hello"), "not a readable image"),
        ("too_big", lambda p: (p.write_bytes(b"\x89PNG"), p.open("r+b").truncate(MAX_BYTES + 1)), "over the"),
        ("bomb", lambda p: Image.new("1", (12000, 12000)).save(p), "decompression bomb|pixels is over"),
    ],
)
def test_bad_images_are_rejected_with_a_reason(tmp_path, case, make, reason):
    p = tmp_path / f"{case}.png"
    make(p)
    with pytest.raises(ImageRejected, match=reason):
        load_local(p)


def test_good_image_has_its_sha256(tmp_path):
    import hashlib

    p = _png(tmp_path / "ok.png")
    assert load_local(p).sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


class _Files(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/page":
            body, ctype = b"<html></html>", "text/html"
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(200 * 1024 * 1024))
            self.end_headers()
            return
        else:
            body, ctype = IMAGES.joinpath("label-000-clean.png").read_bytes(), "image/png"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def test_url_downloader_checks_type_and_size(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv(
        "TISGUARD_FETCH_ALLOW_HOSTS", f"127.0.0.1:{server.server_port}"
    )  # loopback is refused unless named
    try:
        assert len(load_url(base + "/ok.png").sha256) == 64
        with pytest.raises(ImageRejected, match="content-type text/html"):
            load_url(base + "/page")
        with pytest.raises(ImageRejected, match="over the"):
            load_url(base + "/huge")
        with pytest.raises(ImageRejected, match="only http"):
            load_url("file:///etc/passwd")
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "url,tisi",
    [
        ("https://www.tisi.go.th/license?no=1", True),
        ("https://app.tisi.go.th/x", True),
        ("https://tisi.go.th.evil.example/x", False),
        ("https://tisi-check.example.invalid/verify", False),
        ("just text", False),
    ],
)
def test_qr_host_judgement(url, tisi):
    from tisguard.images.qr import decode_qr
    from tisguard.images.synthetic import qr_image

    found = decode_qr(qr_image(url, scale=5))
    assert [q.text for q in found] == [url] and found[0].tisi_host is tisi


@pytest.mark.parametrize("mark", [True, False])
def test_tis_mark_detection(mark):
    from tisguard.images.mark import find_tis_marks

    img = label_image(random.Random(1), {"product": "ปลั๊กพ่วง", "mark": mark, "standard": "2432-2555"}, "clean")
    assert bool(find_tis_marks(img)) is mark


def _registry_licence(tis="2432"):
    from tisguard.registry.store import read_registry_csv

    return next(
        r for r in read_registry_csv(DEV / "registry.csv")[0] if r["tis_number"] == tis and r["status"] == "active"
    )


def test_licence_only_in_a_photo_gives_the_same_verdict_as_in_text(tmp_path, reference):
    from tisguard.detect.context import Reference
    from tisguard.images.analyze import ImageAnalyzer
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    lic = _registry_licence()
    brand = lic["brands"].split(";")[0]
    label_image(
        random.Random(3),
        {"product": "ปลั๊กพ่วง 4 ช่อง", "mark": True, "standard": f"2432-{lic['tis_year']}", "licence": lic["licence_no"]},
        "clean",
    ).save(tmp_path / "label.png")
    base = {
        "platform": "shopee",
        "listing_id": "img-1",
        "title": "ปลั๊กพ่วง 4 ช่อง 3 เมตร",
        "brand": brand,
        "seller": {"id": "s"},
    }
    ref = Reference(
        reference.catalogue,
        reference.registry,
        reference.lexicon,
        reference.model,
        images=ImageAnalyzer(tmp_path, tmp_path / "cache"),
    )
    engine = make_engine(ref)
    in_photo = engine.assess(Listing.model_validate({**base, "images": [{"path": "label.png"}]}))
    in_text = engine.assess(Listing.model_validate({**base, "description": f"ใบอนุญาตเลขที่ {lic['licence_no']}"}))
    nothing = engine.assess(Listing.model_validate(base))
    assert in_text.verdict == "compliant"
    assert (in_photo.verdict, in_photo.tis) == (in_text.verdict, in_text.tis)
    assert nothing.verdict == "non_compliant"
    ev = next(e for e in in_photo.evidence if e.signal == "licence_verified")
    img_ev = next(e for e in in_photo.evidence if e.signal == "licence_number")
    assert img_ev.source == "image" and len(img_ev.value["image_sha256"]) == 64 and img_ev.value["box"]
    assert img_ev.value["thumbnail"].startswith("data:image/jpeg;base64,") and img_ev.value["ocr_confidence"] > 0
    assert ev.value["licence"]["licence_no"] == lic["licence_no"]
    assert list((tmp_path / "cache").glob("*.json"))  # cached by SHA-256


def test_cascade_skips_images_when_text_settles_it(tmp_path, reference):
    from tisguard.detect.context import Reference
    from tisguard.images.analyze import ImageAnalyzer
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    analyzer = ImageAnalyzer(tmp_path)
    ref = Reference(reference.catalogue, reference.registry, reference.lexicon, reference.model, images=analyzer)
    lic = _registry_licence()
    for title, desc in (("เสื้อยืด cotton", None), ("ปลั๊กพ่วง", f"ใบอนุญาต {lic['licence_no']}")):
        make_engine(ref).assess(
            Listing.model_validate(
                {
                    "platform": "shopee",
                    "listing_id": "c",
                    "title": title,
                    "description": desc,
                    "seller": {"id": "s"},
                    "images": [{"path": "missing.png"}],
                }
            )
        )
    assert analyzer.rejections == []  # never even opened
    a = make_engine(ref).assess(
        Listing.model_validate(
            {
                "platform": "shopee",
                "listing_id": "c",
                "title": "ปลั๊กพ่วง",
                "seller": {"id": "s"},
                "images": [{"path": "../etc/passwd"}, {"path": "missing.png"}],
            }
        )
    )
    assert [e.signal for e in a.evidence if e.source == "image"] == ["image_rejected", "image_rejected"]
    assert a.verdict == "non_compliant"


def test_fake_qr_raises_risk(tmp_path, reference):
    from tisguard.detect.context import Reference
    from tisguard.images.analyze import ImageAnalyzer
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    label_image(
        random.Random(4),
        {"product": "พาวเวอร์แบงค์", "mark": True, "qr": "https://tisi-check.example.invalid/v?no=1"},
        "clean",
    ).save(tmp_path / "fake.png")
    ref = Reference(
        reference.catalogue, reference.registry, reference.lexicon, reference.model, images=ImageAnalyzer(tmp_path)
    )
    a = make_engine(ref).assess(
        Listing.model_validate(
            {
                "platform": "shopee",
                "listing_id": "q",
                "title": "พาวเวอร์แบงค์ 20000mAh",
                "seller": {"id": "s"},
                "images": [{"path": "fake.png"}],
            }
        )
    )
    assert "qr_suspicious" in {e.signal for e in a.evidence}
    assert a.verdict == "unverified" and "qr_suspicious" in {s["step"] for s in a.waterfall}


def test_evaluate_prints_image_figures():
    f = cli_json(
        "evaluate", DEV / "test.jsonl", "--registry", DEV / "registry.csv", "--images", IMAGES / "manifest.jsonl"
    )
    img = f["images"]
    assert img["images"] == len((IMAGES / "manifest.jsonl").read_text().splitlines())
    for k in (
        "standard_number_exact",
        "licence_number_exact",
        "qr_decode_rate",
        "mark_precision",
        "mark_recall",
        "seconds_per_image",
    ):
        assert img[k] is not None and img[k] >= 0
    assert img["licence_number_exact"] > 0.5 and img["qr_decode_rate"] > 0.5  # a floor far below what it reads
