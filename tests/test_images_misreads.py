"""Label reading, the general causes of misreads found on product photos (issue 11, the second label set):
the standard's dash lost or read as '.', one extra digit in the year, 'เล่ม' misread, a standard misread
by one digit that the licence on the same label settles, the licence's slash lost, a licence one digit
off that the label's own standard settles, small number lines read again on their own, and QR codes
whose modules are a pixel or two. Every photo here is drawn by the test."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from label_fixtures import MARK
from label_fixtures import ocr_lines as _lines
from label_fixtures import registry_licence as _licence
from label_fixtures import standards_read as _standards


def test_standard_number_read_without_its_dash_or_with_an_extra_year_digit(reference):
    from tisguard.images.labelread import read

    want = ("2432", 2555)
    for text in (
        "มอก. 2432 2555",  # the dash lost: only after the มอก prefix
        "NON. 2432 2555",  # ... as OCR reads the prefix in Latin letters
        "มอก. 2432.2555",  # the dash read as a dot
        "มอก. 2432-25555",  # one digit too many in the year
    ):
        assert want in _standards(read(_lines(text), [], reference)), text
    # a year one digit off: the catalogue's only edition one digit away is taken, not when a part was read too
    if reference.catalogue.edition("196", 2536) and not reference.catalogue.edition("196", 2586):
        assert ("196", 2536) in _standards(read(_lines("มอก. 196-2586"), [], reference))
    if reference.catalogue.edition("2493 เล่ม 2", 2556):
        assert not _standards(read(_lines("มอก. 2493 เต่ม 22554"), [], reference)) - {("2493 เล่ม 2", 2554)}
    # a bare number and year with nothing saying it is a standard is not one
    assert want not in _standards(read(_lines("รุ่น 2432 2555"), [], reference))
    # an extra digit that could be dropped two ways into two editions is not guessed
    assert ("2432", 2599) not in _standards(read(_lines("มอก. 2432-25995"), [], reference))


def test_misread_part_word_still_gives_the_part(reference):
    from tisguard.images.labelread import read

    for text in ("มอก. 685 เถ่ม 1-2562", "von. 685 เ แล ่ ม 1-2562", "มอก. 685 แล่ม 1-2562"):
        assert ("685 เล่ม 1", 2562) in _standards(read(_lines(text), [], reference)), text


def test_standard_misread_by_one_digit_is_settled_by_the_licence_on_the_label(reference):
    from tisguard.images.labelread import read

    lic = _licence("166")  # e.g. ท3359-38/166, standard 166-2549
    year = int(lic["tis_year"])
    misread = f"มอก. 168-{year}"  # 6 read as 8
    assert reference.catalogue.edition("168", year) is None
    r = read(_lines(misread, lic["licence_no"]), MARK, reference)
    assert ("166", year) in _standards(r), (r.standards, r.licences)
    # without a confirmed licence for that standard on the label, the misread is not repaired
    r = read(_lines(misread), MARK, reference)
    assert ("166", year) not in _standards(r)


def test_licence_whose_slash_was_lost_is_confirmed_by_the_registry_and_the_label(reference):
    from tisguard.images.labelread import read

    lic = _licence()
    running, rest = lic["licence_no"].lstrip("ทนคส").split("-", 1)
    sub, std = rest.split("/", 1)
    std_line = f"มอก. {lic['tis_number']}-{lic['tis_year']}"
    glued_forms = [f"lic. No ¥{running}-{sub}{std}", f"{running}-{sub}7{std}", f"{running}-{sub} บ {std}"]
    if len(sub) > 1:  # the last digit and the slash read together as one sign
        glued_forms.append(f"{running}-{sub[:-1]}@{std}")
    for glued in glued_forms:
        r = read(_lines(std_line, glued), MARK, reference)
        assert [l["licence_no"] for l in r.licences] == [lic["licence_no"]], (glued, r.dropped)
    # digits the registry does not hold for that standard are not a licence
    r = read(_lines(std_line, f"99{running}-{sub}{std}"), MARK, reference)
    assert not r.licences


def test_licence_one_digit_off_is_taken_only_when_the_labels_standard_agrees(reference):
    from tisguard.images.labelread import read
    from tisguard.registry.near import near_licences

    lic = _licence()
    no = lic["licence_no"]
    type_, rest = no[0], no[1:]
    running, tail = rest.split("-", 1)
    wrong = str((int(running[-1]) + 3) % 10)
    off = f"{type_}{running[:-1]}{wrong}-{tail}"
    if reference.registry.by_number(off) is not None:
        return  # the registry happens to hold the neighbour: nothing to test with this licence
    std_line = f"มอก. {lic['tis_number']}-{lic['tis_year']}"
    r = read(_lines(std_line, off), MARK, reference)
    got = {l["licence_no"]: l for l in r.licences}
    assert no in got and got[no]["how"] == "registry_one_digit" and got[no]["read_as"] == off
    # no standard printed beside it, or far from the mark: the reading stays a misread, not a licence
    assert not read(_lines(off), MARK, reference).licences
    far = [{"box": [3000, 3000, 3040, 3040], "score": 0.9}]
    assert not read(_lines(std_line, off), far, reference).licences
    # a digit more (a glyph split in two: '46083-46' for 4608-46) is a misread too, when no other licence
    # for the standard is one edit away; a digit more and one changed are two misreads: not taken
    more = f"{type_}{running}1-{tail}"
    if reference.registry.by_number(more) is None and len(near_licences(reference.registry, more)) == 1:
        got = {l["licence_no"]: l for l in read(_lines(std_line, more), MARK, reference).licences}
        assert got[no]["how"] == "registry_one_digit" and got[no]["read_as"] == more
    assert not read(_lines(std_line, f"{type_}{running[:-1]}{wrong}1-{tail}"), MARK, reference).licences


def test_number_line_that_fails_its_first_reading_is_read_again_on_its_own(monkeypatch):
    """The page pass misreads the licence line ('NEES4-12/520'); the line is then read again by itself,
    scaled, from the grey page and with a digits-only character list, and those readings are added."""
    import tisguard.images.labelpage as lp
    from tisguard.images.ocr import OcrPass

    font = ImageFont.truetype("/usr/share/fonts/truetype/tlwg/Loma.ttf", 30)
    img = Image.new("RGB", (700, 200), "white")
    ImageDraw.Draw(img).text((40, 80), "ท6684-12/520", font=font, fill="black")
    real = lp.read_page
    calls: list[tuple[int, str | None]] = []

    def fake(page, psm, timeout_s, whitelist=None):
        calls.append((psm, whitelist))
        if psm == lp.PSM_SPARSE:  # the page pass: one misread line where the licence is
            ys, xs = np.nonzero(page < 128)
            box = (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
            return OcrPass([lp.OcrLine("NEES4-12/520", box, 60.0)], 60.0)
        return real(page, psm, timeout_s, whitelist)

    monkeypatch.setattr(lp, "read_page", fake)
    import time

    page = lp.read_label(img, [], [], time.monotonic() + 10)
    line_calls = [c for c in calls if c[0] == lp.PSM_LINE]
    assert line_calls and any(w for _, w in line_calls)
    assert any(p.startswith("line_") for p in page.passes)
    assert any("6684-12/520" in l.text.replace(" ", "") for l in page.lines), [l.text for l in page.lines]
    # every re-read line is mapped back into the photo
    assert all(0 <= l.box[0] <= l.box[2] <= img.width and 0 <= l.box[1] <= l.box[3] <= img.height for l in page.lines)
    # a line that read well is not read again
    assert not lp._needs_reread("ท6684-12/520") and not lp._needs_reread("มอก. 520-2553")
    assert lp._needs_reread("NEES4-12/520") and lp._needs_reread("มอก. 520 2553")
    assert not lp._needs_reread("มอก. ๕๒๐-๒๕๕๓")  # Thai digits: a second look does not help Tesseract


def _small_blurred_qr(text: str, rotation: float) -> Image.Image:
    """A QR code photographed from afar: 1.5 px per module, turned, blurred, JPEG 60."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=1, border=4)
    buf.seek(0)
    q = Image.open(buf).convert("RGB")
    q = q.resize((int(q.width * 1.5), int(q.height * 1.5)), Image.BILINEAR).convert("RGBA")
    q = q.rotate(rotation, expand=True, resample=Image.BICUBIC)
    scene = Image.new("RGB", (600, 450), (205, 200, 190))
    scene.paste(q, (380, 120), q)
    scene = scene.filter(ImageFilter.GaussianBlur(0.5))
    out = io.BytesIO()
    scene.save(out, format="JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def test_small_blurred_qr_code_is_decoded():
    from tisguard.images.analyze import _qr_codes
    from tisguard.images.qr import decode_qr

    text = "https://www.tisi.go.th/license?no=" + _licence()["licence_no"]
    for rotation in (0, 12):
        img = _small_blurred_qr(text, rotation)
        assert not decode_qr(img)  # too small and soft for the decoder as it is
        got = [q for q in _qr_codes(img) if q.text == text]
        assert got, rotation
        assert 370 <= got[0].box[0] <= 400 and 110 <= got[0].box[1] <= 140  # in the photo's own coordinates


def _ink_line(text: str, font_name: str, size: int = 34) -> np.ndarray:
    font = ImageFont.truetype(f"/usr/share/fonts/truetype/tlwg/{font_name}.ttf", size)
    img = Image.new("L", (int(font.getlength(text)) + 40, size * 2), 255)
    ImageDraw.Draw(img).text((20, size // 3), text, font=font, fill=0)
    return np.where(np.asarray(img) < 128, 0, 255).astype(np.uint8)


def test_thai_digits_are_read_by_shape_where_tesseract_confuses_them():
    from tisguard.images.thaidigits import DIGITS, blobs_by_shape, correct_line, digits_by_shape

    for font in ("Kinnari", "Waree", "Loma"):
        ink = _ink_line("มอก. ๒๕๐๘-๒๕๕๕", font)
        assert digits_by_shape(ink) == "๒๕๐๘๒๕๕๕", font
        # as many digits as Tesseract read: its wrong ones are replaced in order
        assert "มอก. ๒๕๐๘-๒๕๕๕" in correct_line("มอก. ๒๕๐๕-๒๕๕๕", ink), font
        # Tesseract split ๙ into three digits: the line is rebuilt from its blobs after 'มอก.'
        ink = _ink_line("มอก.๒๐-๒๕๕๙", font)
        assert correct_line("มอก.๒๐-๒๕๕๕๓๕", ink) == ["มอก.๒๐-๒๕๕๙"], font
    ink = _ink_line("ท๗๓๖๒-๘๒/๒๕๐๘", "Loma")
    assert "ท๗๓๖๒-๘๒/๒๕๐๘" in correct_line("ท๓๓๐๒-๕๒/๒๕๐๕", ink)
    # Tesseract lost the slash and read a Latin digit: the line rebuilt from its blobs keeps the slash
    assert "ท๗๓๖๒-๘๒/๒๕๐๘" in correct_line("ท๓๓๐๒-๕6๒๒๕๐๕", ink)
    # letters are never taken for digits, and a blob is only ever a digit, '-', '/' or unknown
    assert set(blobs_by_shape(_ink_line("ใบอนุญาตเลขที่ นค", "Kinnari"))) <= {"?", "-", "/"}
    assert set(blobs_by_shape(ink)) <= set(DIGITS + "-/?")
    assert correct_line("no Thai digits 2555", ink) == []


def test_label_printed_in_thai_digits_reads_its_standard_and_licence(reference):
    """A label whose numbers are printed in Thai digits: the licence is trusted because the registry
    confirms the number read by shape."""
    import hashlib

    from tisguard.images.analyze import analyse
    from tisguard.images.fetch import LoadedImage
    from tisguard.images.labelread import read
    from tisguard.images.photoset import draw_mark
    from tisguard.tisno import thai_digits

    lic = _licence("2432")
    font = ImageFont.truetype("/usr/share/fonts/truetype/tlwg/Loma.ttf", 32)
    img = Image.new("RGB", (820, 300), (250, 250, 246))
    d = ImageDraw.Draw(img)
    draw_mark(d, 100, 120, 64, (20, 20, 20), (250, 250, 246), "outline")
    d.text((200, 70), thai_digits(f"มอก. {lic['tis_number']}-{lic['tis_year']}"), font=font, fill=(20, 20, 20))
    d.text((200, 130), thai_digits(lic["licence_no"]), font=font, fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    a = analyse(LoadedImage(hashlib.sha256(buf.getvalue()).hexdigest(), img, "thai.png", buf.getvalue()))
    r = read(a.ocr_lines, a.marks, reference)
    assert (lic["tis_number"], int(lic["tis_year"])) in _standards(r), a.ocr_text
    assert lic["licence_no"] in {l["licence_no"] for l in r.licences}, (a.ocr_text, r.dropped)


def _inverted_mark_photo(r: int, squash: float, blur: float, quality: int = 45) -> tuple[Image.Image, tuple]:
    """An inverted TIS mark (an ink disk with a paper square) on a label, photographed at an angle (the
    circle squashed into an ellipse), blurred and JPEG-compressed; round sockets beside it."""
    import cv2

    from tisguard.images.photoset import draw_mark

    img = Image.new("RGB", (900, 700), (250, 236, 170))
    d = ImageDraw.Draw(img)
    draw_mark(d, 300, 330, r, (40, 30, 10), (250, 236, 170), "inverted")
    for cx in (600, 720):  # sockets: circles without a square in them
        d.ellipse([cx - 40, 290, cx + 40, 370], outline=(40, 40, 40), width=4)
        d.rectangle([cx - 12, 315, cx + 12, 345], fill=(40, 40, 40))
    a = np.asarray(img)
    src = np.float32([[0, 0], [900, 0], [900, 700], [0, 700]])
    dst = np.float32([[0, 0], [900 * squash, 20], [900 * squash, 680], [0, 700]])
    m = cv2.getPerspectiveTransform(src, dst)
    a = cv2.warpPerspective(a, m, (900, 700), borderValue=(120, 120, 120))
    out = io.BytesIO()
    Image.fromarray(a).filter(ImageFilter.GaussianBlur(blur)).save(out, format="JPEG", quality=quality)
    centre = cv2.perspectiveTransform(np.float32([[[300, 330]]]), m)[0, 0]
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB"), (float(centre[0]), float(centre[1]))


def test_inverted_mark_seen_at_an_angle_is_found_and_sockets_are_not():
    from tisguard.images.mark import find_tis_marks

    for r, squash, blur in ((120, 0.88, 1.2), (120, 0.88, 1.6), (22, 0.95, 1.2)):
        img, (cx, cy) = _inverted_mark_photo(r, squash, blur)
        marks = find_tis_marks(img)
        assert len(marks) == 1, (r, marks)
        assert abs(marks[0].center[0] - cx) < 0.2 * r + 3 and abs(marks[0].center[1] - cy) < 0.2 * r + 3


def test_licence_whose_standard_was_cut_short_is_found_by_its_running_and_sub_number(reference):
    from tisguard.images.labelread import read

    lic = _licence("2432")
    no = lic["licence_no"]
    type_ = "นค" if no.startswith("นค") else no[0]
    head = no.split("/", 1)[0]
    cut = f"ใบอนุญาตเลขที่ {head}/243."  # the last digit of the standard lost at the label's edge
    r = read(_lines(cut), MARK, reference)
    assert [l["licence_no"] for l in r.licences] == [no], r.dropped
    # the type letter not read as printed, or neither keyword nor mark: not taken
    assert not read(_lines(f"{head.replace(type_, 'x', 1)}/243."), [], reference).licences
    assert not read(_lines(f"{head}/243."), [], reference).licences


def test_the_surest_reading_of_a_licence_is_kept_once(reference):
    from tisguard.images.labelread import read

    lic = _licence()
    no = lic["licence_no"]
    type_, rest = no[0], no[1:]
    running, tail = rest.split("-", 1)
    off = f"{type_}{running[:-1]}{(int(running[-1]) + 3) % 10}-{tail}"
    if reference.registry.by_number(off) is not None:
        return
    std_line = f"มอก. {lic['tis_number']}-{lic['tis_year']}"
    r = read(_lines(std_line, no, off), MARK, reference)
    assert [(l["licence_no"], l["how"]) for l in r.licences] == [(no, "registry")]


def test_small_print_in_perspective_is_rectified_and_scaled_in_one_resampling():
    """Undoing a label's perspective and then scaling its small print up resamples twice and blurs the
    letters; `rectify(scale=…)` does both at once and keeps the strokes sharper."""
    import cv2

    from tisguard.images import prep

    font = ImageFont.truetype("/usr/share/fonts/truetype/tlwg/Loma.ttf", 11)
    img = Image.new("L", (300, 120), 250)
    ImageDraw.Draw(img).text((12, 40), "มอก. 2432-2555  ท7425-52/2432", font=font, fill=20)
    a = np.asarray(img)
    src = np.float32([[0, 0], [300, 0], [300, 120], [0, 120]])
    corners = np.float32([[40, 30], [330, 50], [320, 170], [30, 150]])
    photo = cv2.warpPerspective(a, cv2.getPerspectiveTransform(src, corners), (380, 220), borderValue=120)
    quad = prep.Quad(corners, 0.5)
    once, _ = prep.rectify(photo, quad, scale=3.0)
    twice = prep.rectify(photo, quad)[0]
    twice = cv2.resize(twice, (once.shape[1], once.shape[0]), interpolation=cv2.INTER_CUBIC)

    def sharpness(g: np.ndarray) -> float:
        return float(cv2.Laplacian(g.astype(np.float32), cv2.CV_32F).var())

    assert once.shape == twice.shape
    assert sharpness(once) > 1.1 * sharpness(twice)
