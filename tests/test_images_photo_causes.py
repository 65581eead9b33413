"""Causes of misread label photos found on the second label set (issue 11, after its first round of work):
a product's straight edges pinning the text angle at 0, a TIS mark whose square outline has a pixel's
gap, a standard's year whose 5 was misread, 'มอก' read with a comma or as 'ทอก', a licence whose slash was
read as a digit and whose dash was read as a space or ':'; and the tolerant licence look-up that the
image path takes from the registry package. Every picture here is drawn by the test."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from label_fixtures import MARK
from label_fixtures import ocr_lines as _lines
from label_fixtures import registry_licence as _licence
from label_fixtures import standards_read as _standards

_FONT = "/usr/share/fonts/truetype/tlwg/Loma.ttf"


def _label_on_a_box(rotation: float) -> np.ndarray:
    """The ink of a product photo: a box drawn square to the picture (long straight edges) with a label of
    six text lines on it, turned by `rotation` degrees."""
    from tisguard.images import prep

    font = ImageFont.truetype(_FONT, 30)
    label = Image.new("RGB", (640, 330), (250, 250, 246))
    d = ImageDraw.Draw(label)
    for i, t in enumerate(["ตัวนำลวดกลมตีเกลียว", "รุ่น MM-838 5V 2.1A", "มอก. 85-2548", "น3416-93/85", "220-240V 50Hz"]):
        d.text((24, 20 + 58 * i), t, font=font, fill=(20, 20, 20))
    label = label.convert("RGBA").rotate(rotation, expand=True, resample=Image.BICUBIC)
    photo = Image.new("RGB", (1000, 800), (150, 150, 140))
    pd = ImageDraw.Draw(photo)
    pd.rectangle([60, 100, 940, 750], fill=(230, 60, 160), outline=(30, 30, 30), width=3)
    pd.line([(60, 100), (100, 60), (980, 60), (940, 100)], fill=(30, 30, 30), width=3)
    photo.paste(label, (180, 160), label)
    return prep.text_ink(prep.grey(photo))


@pytest.mark.parametrize("rotation", [-17.0, -8.0, 8.0, 17.0])
def test_text_angle_is_the_labels_not_the_products_edges(rotation):
    from tisguard.images import prep

    # PIL turns counter-clockwise; the reader turns the ink back by the angle found
    assert abs(prep.text_angle(_label_on_a_box(rotation)) + rotation) <= 1.5


def _mark_on_colour(colour: tuple[int, int, int], quality: int, r: int = 28, rotation: float = 10.0) -> Image.Image:
    """A small TIS mark as white-on-colour labels print it (a paper disk; the ring and the square in the
    label's colour), turned, as JPEG: the square's thin outline comes out of Canny with a pixel's gap."""
    import cv2

    from tisguard.images.photoset import draw_mark

    paper = (250, 250, 250)
    img = Image.new("RGB", (500, 500), colour)
    d = ImageDraw.Draw(img)
    d.ellipse([250 - r, 250 - r, 250 + r, 250 + r], fill=paper)
    draw_mark(d, 250, 250, r, colour, paper, "outline")
    m = cv2.getRotationMatrix2D((250, 250), rotation, 1.0)
    a = cv2.warpAffine(np.asarray(img), m, (500, 500), flags=cv2.INTER_LINEAR, borderValue=colour)
    out = io.BytesIO()
    Image.fromarray(a).save(out, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


@pytest.mark.parametrize("quality", [45, 67])
@pytest.mark.parametrize("colour", [(170, 25, 30), (20, 70, 150)])
def test_small_mark_on_colour_whose_square_edge_has_a_gap_is_found(colour, quality):
    from tisguard.images.mark import find_tis_marks

    marks = find_tis_marks(_mark_on_colour(colour, quality))
    assert len(marks) == 1, marks
    assert abs(marks[0].center[0] - 250) < 6 and abs(marks[0].center[1] - 250) < 6


def test_a_disk_without_a_square_is_still_no_mark():
    """Closing gaps must not make a square of nothing: a paper disk with only text in it is no mark."""
    from tisguard.images.mark import find_tis_marks

    img = Image.new("RGB", (400, 400), (170, 25, 30))
    d = ImageDraw.Draw(img)
    d.ellipse([140, 140, 260, 260], fill=(250, 250, 250))
    d.text((165, 185), "5V 2A", font=ImageFont.truetype(_FONT, 22), fill=(170, 25, 30))
    assert find_tis_marks(img) == []


STANDARD_READINGS = [
    # (what OCR gave, the standard it is, or None when nothing may be read from it)
    ("มอก. 2432-2855", ("2432", 2555)),  # the year's 5 read as 8, right after the dash
    ("มอก. 2432-2355", ("2432", 2555)),  # ... or as 3
    ("มอก, 2432 2555", ("2432", 2555)),  # the prefix's dot read as a comma, the dash lost
    ("NaN, 2432 2555", ("2432", 2555)),  # ... with the prefix in Latin letters
    ("ทอก. 2432 2555", ("2432", 2555)),  # ม read as ท
    ("มอก. 2432.2855", None),  # a misread 5 is only taken right after a dash
    ("มอก. 2432-2858", None),  # two digits misread: no guess
    ("รุ่น 2432 2555", None),  # a number and a year with nothing saying it is a standard
]


@pytest.mark.parametrize(("text", "want"), STANDARD_READINGS)
def test_standard_year_and_prefix_misreads(reference, text, want):
    from tisguard.images.labelread import read

    got = _standards(read(_lines(text), [], reference))
    assert got == ({want} if want else set()), (text, got)


def test_a_number_before_the_standard_does_not_take_its_year(reference):
    """'10.2493 เล่ม 1-2554': a misread year is only read after a dash, or '10.2493' would eat the standard."""
    from tisguard.images.labelread import read

    if reference.catalogue.edition("2493 เล่ม 1", 2554) is None:
        pytest.skip("catalogue lacks TIS 2493 part 1, 2554")
    assert ("2493 เล่ม 1", 2554) in _standards(read(_lines("10.2493 เล ่ ม 1-2554"), [], reference))


def _licence_forms(lic: dict) -> tuple[str, str, str, str]:
    no = lic["licence_no"]
    type_ = "นค" if no.startswith("นค") else no[0]
    running, rest = no[len(type_) :].split("-", 1)
    sub, std = rest.split("/", 1)
    return type_, running, sub, std


@pytest.mark.parametrize("slash", ["6", "9", "1"])
@pytest.mark.parametrize("dash", [" ", ":", "-"])
def test_licence_whose_slash_was_read_as_a_digit(reference, slash, dash):
    from tisguard.images.labelread import read

    lic = _licence()
    type_, running, sub, std = _licence_forms(lic)
    std_line = f"มอก. {lic['tis_number']}-{lic['tis_year']}"
    r = read(_lines(std_line, f"{type_} {running}{dash}{sub}{slash}{std}"), MARK, reference)
    assert [l["licence_no"] for l in r.licences] == [lic["licence_no"]], r.dropped
    # without the standard printed on the label, the registry alone does not turn it into a licence
    assert not read(_lines(f"{type_} {running}{dash}{sub}{slash}{std}"), MARK, reference).licences


def test_running_number_that_the_registry_lacks_is_no_licence_whatever_the_slash(reference):
    from tisguard.images.labelread import read

    lic = _licence()
    type_, running, sub, std = _licence_forms(lic)
    other = str((int(running) + 5000) % 10000).zfill(len(running))
    if reference.registry.by_number(f"{type_}{other}-{sub}/{std}") is not None:
        pytest.skip("the registry holds the neighbour")
    std_line = f"มอก. {lic['tis_number']}-{lic['tis_year']}"
    assert not read(_lines(std_line, f"{type_} {other} {sub}6{std}"), MARK, reference).licences


def _registry(*numbers: str):
    from tisguard.registry.model import Licence, Registry
    from tisguard.tisno import licence_parts

    return Registry(
        [
            Licence(
                n, licence_parts(n)["type"], licence_parts(n)["tis"], 2555, "บริษัท ทดสอบ จำกัด", None, (), "active", None
            )
            for n in numbers
        ]
    )


NEAR = [
    # (registry, number read, one_digit_from's answer, near_licences' answers)
    (("ท1234-5/166",), "ท1234-6/166", "ท1234-5/166", ["ท1234-5/166"]),  # one digit of the sub-number
    (("ท1234-5/166",), "ท1284-5/166", "ท1234-5/166", ["ท1234-5/166"]),  # one digit of the running number
    (("ท1234-5/166",), "1284-5/166", "ท1234-5/166", ["ท1234-5/166"]),  # no type letter read
    (("ท1234-5/166",), "ท1234-5/166", None, []),  # in the registry itself: not a near miss
    (("ท1234-5/166",), "ท12345-5/166", None, ["ท1234-5/166"]),  # a digit more: near, but not a misread digit
    (("ท1234-5/166",), "ท1234-6/167", None, []),  # another standard
    (("ท1234-5/166",), "น1234-6/166", None, []),  # another type letter spelled out
    (("ท1234-5/166",), "ท1299-5/166", None, []),  # two digits off
    (("ท1234-5/166", "ท1235-5/166"), "ท1236-5/166", None, ["ท1234-5/166", "ท1235-5/166"]),  # two candidates
    ((), "ท1234-6/166", None, []),  # an empty registry
]


@pytest.mark.parametrize(("numbers", "read_as", "one", "near"), NEAR)
def test_registry_near_look_up(numbers, read_as, one, near):
    from tisguard.registry.near import near_licences, one_digit_from

    reg = _registry(*numbers)
    got = one_digit_from(reg, read_as)
    assert (got.licence_no if got else None) == one
    assert [l.licence_no for l in near_licences(reg, read_as)] == near


def _small_qr_photo(text: str, module_px: float, rotation: float, quality: int) -> Image.Image:
    """A QR code of `module_px` pixels per module on a red label, turned, on a 600×450 product photo."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=4, border=2)
    buf.seek(0)
    code = Image.open(buf).convert("RGB")
    code = code.resize((round(code.width * module_px / 4),) * 2, Image.BICUBIC)
    label = Image.new("RGB", (260, 160), (170, 25, 30))
    label.paste(code, (150, 30))
    label = label.convert("RGBA").rotate(rotation, expand=True, resample=Image.BICUBIC)
    img = Image.new("RGB", (600, 450), (120, 130, 80))
    img.paste(label, (200, 150), label)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


@pytest.mark.parametrize(("module_px", "rotation"), [(1.1, 0.0), (1.2, 15.0)])
def test_qr_code_seen_but_not_decoded_is_read_from_a_closer_look(module_px, rotation):
    """zxing-cpp finds a code of about a pixel per module but fails its checksum, whole photo at 1× or 2×;
    the code's own box, scaled 3–4× and sharpened, decodes."""
    from tisguard.images.analyze import _qr_codes

    text = "https://www.tisi.go.th/license?no=นค8800-92/2779"
    qrs = _qr_codes(_small_qr_photo(text, module_px, rotation, quality=50))
    assert [q.text for q in qrs] == [text]
    x0, y0, x1, y1 = qrs[0].box
    assert 300 < (x0 + x1) / 2 < 460 and 150 < (y0 + y1) / 2 < 330  # where the code is on the photo


def test_misread_standard_beside_a_registry_licence_takes_the_licences_edition(reference):
    """'มอก. 2433-2535' beside the registry's licence for 2432 (edition 2555): one digit off in the number and
    one in the year; the registry's edition for that licence is taken. Two digits off in the year, or no
    confirmed licence beside it: nothing."""
    from tisguard.images.labelread import read

    lic = _licence("2432")
    year = int(lic["tis_year"])
    near_year = f"{str(year)[:2]}{(int(str(year)[2]) + 2) % 10}{str(year)[3]}"
    far_year = f"{str(year)[:2]}{(int(str(year)[2]) + 2) % 10}{(int(str(year)[3]) + 3) % 10}"
    assert reference.catalogue.edition("2433", int(near_year)) is None
    assert ("2432", year) in _standards(read(_lines(f"มอก. 2433-{near_year}", lic["licence_no"]), MARK, reference))
    assert ("2432", year) not in _standards(read(_lines(f"มอก. 2433-{far_year}", lic["licence_no"]), MARK, reference))
    assert not _standards(read(_lines(f"มอก. 2433-{near_year}"), MARK, reference))


def test_part_and_year_separated_by_a_dot(reference):
    from tisguard.images.labelread import read

    if reference.catalogue.edition("3000 เล่ม 4", 2563) is None:
        pytest.skip("catalogue lacks TIS 3000 part 4, 2563")
    assert ("3000 เล่ม 4", 2563) in _standards(read(_lines("มอก. 3000 tau 4.2563"), [], reference))


@pytest.mark.parametrize("tis", ["2432", "60335 เล่ม 2(7)"])
def test_licence_whose_slash_was_read_twice(reference, tis):
    """'ท8874-23/760335 เล่ม 2(7)': the slash read as '/7' (a six-digit standard is no licence number at all);
    only the registry turns it into its licence."""
    from tisguard.images.labelread import read

    try:
        lic = _licence(tis)
    except StopIteration:
        pytest.skip(f"no active licence for {tis} in the dev registry")
    no = lic["licence_no"]
    head, tail = no.split("/", 1)
    r = read(_lines(f"{head}/7{tail}"), MARK, reference)
    assert [l["licence_no"] for l in r.licences] == [no], r.dropped
    other = f"{head[:-1]}{(int(head[-1]) + 5) % 10}/7{tail}"  # a sub-number the registry lacks
    if reference.registry.by_number(other.replace("/7", "/", 1)) is None:
        assert not read(_lines(other), MARK, reference).licences
