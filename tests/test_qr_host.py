"""One judgement of a QR code's host, for the image detector and the public /verify page alike."""

from __future__ import annotations

import pytest

ROWS = [
    ("https://www.tisi.go.th/verify?no=1", True),
    ("http://tisi.go.th", True),
    ("https://a.b.tisi.go.th:8443/x", True),
    ("https://tisi.go.th@evil.example/", False),
    ("https://evil.example\\@tisi.go.th", False),
    ("https://tisi.go.th.evil.example/", False),
    ("https://eviltisi.go.th/", False),
    ("tisi.go.th", False),
    ("https://tisi-verify.example.invalid/check?no=1", False),
]


@pytest.mark.parametrize("text,tisi", ROWS)
def test_qr_host_judgement(text, tisi):
    from tisguard.images.qr import qr_host

    assert qr_host(text)["tisi_host"] is tisi


def test_the_image_detector_uses_the_same_judgement(tmp_path):
    import segno
    from PIL import Image

    from tisguard.images.qr import decode_qr

    segno.make("https://evil.example\\@tisi.go.th/v?no=1", error="m").save(tmp_path / "q.png", scale=8, border=4)
    found = decode_qr(Image.open(tmp_path / "q.png").convert("RGB"))
    assert len(found) == 1 and found[0].tisi_host is False
