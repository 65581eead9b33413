"""Label reading, round 3 of issue 11: a registry licence in the label's QR code counts as read and settles the
printed numbers (a misread standard beside it); and the reading variants found on development draws 88–91: a
year split by a space, 'เล่ม' read as two Latin letters, the standard after the slash read as a long run of
digits, a digit read twice in a licence's running number, the slash and what follows it lost, a standard with
a part one digit off, a one-digit guess that a licence on the label overrules, and more Thai-digit look-alikes.
Pictures here are drawn by the test."""

from __future__ import annotations

import random

import pytest

from label_fixtures import MARK
from label_fixtures import ocr_lines as _lines
from label_fixtures import registry_licence as _licence
from label_fixtures import standards_read as _standards


def _qr(text: str) -> dict:
    """A decoded QR code as `analyze` gives it."""
    from tisguard.images.qr import qr_host

    judged = qr_host(text)
    return {"text": text, "box": [620, 300, 740, 420], "host": judged["host"], "tisi_host": judged["tisi_host"]}


def test_registry_licence_in_the_qr_code_counts_as_read_and_settles_a_misread_standard(reference):
    from tisguard.images.labelread import read

    lic = _licence("166")
    year = int(lic["tis_year"])
    misread = f"มอก. 168-{year}"  # 6 read as 8: only a licence on the label may settle that
    qrs = [_qr(f"https://www.tisi.go.th/license?no={lic['licence_no']}")]
    assert ("166", year) not in _standards(read(_lines(misread), MARK, reference))
    r = read(_lines(misread), MARK, reference, qrs)
    assert ("166", year) in _standards(r), r.standards
    assert [(l["licence_no"], l["how"]) for l in r.licences] == [(lic["licence_no"], "qr")]
    assert r.licences[0]["qr_text"] == qrs[0]["text"]
    # printed on the label too: the printed reading is the one kept (its line and box are the better evidence)
    r = read(_lines(misread, lic["licence_no"]), MARK, reference, qrs)
    assert [(l["licence_no"], l["how"]) for l in r.licences] == [(lic["licence_no"], "registry")]
    # a QR licence the registry does not hold is no evidence for the print (the detector still reports it)
    unknown = f"https://www.tisi.go.th/license?no=ท9{lic['licence_no'][1:]}"
    assert reference.registry.by_number("ท9" + lic["licence_no"][1:]) is None
    r = read(_lines(misread), MARK, reference, [_qr(unknown)])
    assert not r.licences and ("166", year) not in _standards(r)


def test_qr_licence_evidence_line_says_it_came_from_the_qr_code(tmp_path, reference):
    """End to end on a drawn label: no licence printed, the standard's number misread by OCR's reading of a
    drawn '168', the licence only in the QR code; the evidence names the QR as the licence's source."""
    from tisguard.detect.context import Reference
    from tisguard.images.analyze import ImageAnalyzer
    from tisguard.images.synthetic import label_image
    from tisguard.pipeline.build import make_engine
    from tisguard.spec.listing import Listing

    lic = _licence("166")
    year = int(lic["tis_year"])
    spec = {
        "product": "ผลิตภัณฑ์",
        "mark": True,
        "standard": f"168-{year}",
        "qr": f"https://www.tisi.go.th/license?no={lic['licence_no']}",
    }
    label_image(random.Random(3), spec, "clean").save(tmp_path / "label.png")
    ref = Reference(
        reference.catalogue, reference.registry, reference.lexicon, reference.model, images=ImageAnalyzer(tmp_path)
    )
    a = make_engine(ref).assess(
        Listing.model_validate(
            {
                "platform": "shopee",
                "listing_id": "qr-lic",
                "title": "ปลั๊กไฟ เต้ารับ 3 ขา 16A 250V",  # a plug: TIS 166
                "seller": {"id": "s"},
                "images": [{"path": "label.png"}],
            }
        )
    )
    image_ev = [e for e in a.evidence if e.source == "image"]
    lic_ev = [e for e in image_ev if e.signal == "licence_number"]
    assert [e.value["licence_no"] for e in lic_ev] == [lic["licence_no"]], [e.reason_en for e in image_ev]
    assert lic_ev[0].value["via"] == "qr" and "QR code" in lic_ev[0].reason_en and "QR code" in lic_ev[0].reason_th
    assert "not read in the label's print" in lic_ev[0].reason_en
    stds = {(e.value["tis"], e.value["year_be"]) for e in image_ev if e.signal == "standard_number"}
    assert ("166", year) in stds, [e.reason_en for e in image_ev]
    assert "tis_mark_image" not in {e.signal for e in image_ev}  # the licence was read (in the QR)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("มอก. 824-255 1", ("824", 2551)),  # the year split by a stray space
        ("NON. 2493 aw 1-2554", ("2493 เล่ม 1", 2554)),  # 'เล่ม' read as two Latin letters
        ("WEN. 69335 เล่ม 2(15)-2567", ("60335 เล่ม 2(15)", 2567)),  # a part and its year fix one misread digit
    ],
)
def test_standard_reading_variants(reference, text, want):
    from tisguard.images.labelread import read

    assert reference.catalogue.edition(*want) is not None
    assert want in _standards(read(_lines(text), [], reference)), text


def test_standard_one_digit_guesses_stay_guesses(reference):
    from tisguard.images.labelread import read

    # printed in Thai digits (misread far more often), a number one digit off is not guessed
    assert not _standards(read(_lines("มอก. ๖๙๓๓๕ เล่ม ๒(๑๕)-๒๕๖๗"), [], reference)) - {("69335 เล่ม 2(15)", 2567)}
    # without a part, the number one digit off is not guessed ('168-2549' is not 166-2549 on its own)
    assert ("166", 2549) not in _standards(read(_lines("มอก. 168-2549"), [], reference))
    # a guess gives way to a standard read exactly elsewhere on the label
    r = read(_lines("มอก. 69335 เล่ม 2(15)-2567", "มอก. 824-2551"), [], reference)
    assert _standards(r) == {("824", 2551)}, r.standards


def test_licence_on_the_label_overrules_a_one_digit_year_guess(reference):
    """'มอก.369-2547' beside a registry licence for 366: 369's only edition (2557) is one digit from the year
    read, but the licence says the number was the misread half: 366-2547."""
    from tisguard.images.labelread import read

    cat = reference.catalogue
    if not (cat.edition("366", 2547) and cat.edition("369", 2557) and not cat.edition("369", 2547)):
        pytest.skip("the catalogue's editions of 366 and 369 changed")
    lic = _licence("366")
    assert ("369", 2557) in _standards(read(_lines("มอก. 369-2547"), MARK, reference))  # the guess, alone
    r = read(_lines("มอก. 369-2547", lic["licence_no"]), MARK, reference)
    assert _standards(r) == {("366", int(lic["tis_year"]))}, r.standards


def test_licence_reading_variants_confirmed_by_the_registry_and_the_label(reference):
    from tisguard.images.labelread import read

    lic = _licence()  # standard 2432
    running, rest = lic["licence_no"].lstrip("ทนคส").split("-", 1)
    sub = rest.split("/", 1)[0]
    std_line = f"มอก. {lic['tis_number']}-{lic['tis_year']}"
    for text in (
        f"ท {running}-{sub}/7{lic['tis_number']}08",  # the standard after the slash read as a run of digits
        f"{running}.{sub}/' ใ 1",  # the running and sub-number read, what follows the slash lost
        f"ท {running}:{sub} !0",
    ):
        r = read(_lines(std_line, text), MARK, reference)
        assert [l["licence_no"] for l in r.licences] == [lic["licence_no"]], (text, r.dropped)
    # the same readings without the standard printed on the label are nobody's licence
    for text in (f"ท {running}-{sub}/7{lic['tis_number']}08", f"{running}.{sub}/' ใ 1"):
        assert not read(_lines(text), MARK, reference).licences, text
    # a running number the registry does not hold for that standard is not a licence
    assert not read(_lines(std_line, f"9{running}.{sub}/' ใ 1"), MARK, reference).licences


def test_thai_digit_look_alikes_counted_on_the_draws():
    from tisguard.images.thaidigits import confusion_cost

    # ๖ read as ๒, ๙ as ๓, ๐ as ๑, ๗ as ๕: half an edit each, as ๕ for ๘ always was
    assert confusion_cost("2", "6") == confusion_cost("3", "9") == confusion_cost("1", "0") == 0.5
    assert confusion_cost("5", "7") == confusion_cost("5", "8") == 0.5
    # 'นค๕๓๕-๕๒' for นค478-56: three look-alikes and one more, within reach of the registry rule
    assert confusion_cost("535", "478") + confusion_cost("52", "56") <= 2.0
    # a digit that is no look-alike still costs a whole edit
    assert confusion_cost("4", "7") == 1.0


def test_marked_page_that_read_nothing_has_its_mark_regions_read_from_the_grey_page_too(monkeypatch):
    """Page, grey page and the mark's regions on the binarised page all read nothing: the mark's regions are
    read once more from the grey page (small print that binarising broke). Not when the first passes read."""
    import time

    from PIL import Image, ImageDraw, ImageFont

    import tisguard.images.labelpage as lp
    from tisguard.images.ocr import OcrLine, OcrPass

    img = Image.new("RGB", (700, 400), "white")
    ImageDraw.Draw(img).ellipse([60, 60, 180, 180], outline="black", width=4)
    font = ImageFont.truetype("/usr/share/fonts/truetype/tlwg/Loma.ttf", 30)
    ImageDraw.Draw(img).text((220, 100), "มอก. 2432-2555", font=font, fill="black")
    names: list[str] = []
    real = lp._mark_regions

    def spy(out, page, marks, to_page, deadline, name="mark_region"):
        names.append(name)
        return real(out, page, marks, to_page, deadline, name)

    def blank(page, psm, timeout_s, whitelist=None):
        return OcrPass([], 0.0)

    monkeypatch.setattr(lp, "_mark_regions", spy)
    monkeypatch.setattr(lp, "read_page", blank)
    page = lp.read_label(img, [((120, 120), 60)], [], time.monotonic() + 10)
    assert names == ["mark_region", "mark_region_grey"] and "mark_region_grey" in page.passes

    def both(page, psm, timeout_s, whitelist=None):  # the page pass reads a standard and a licence
        lines = [OcrLine("มอก. 2432-2555", (10, 10, 200, 40), 90.0), OcrLine("ท1234-5/2432", (10, 50, 200, 80), 90.0)]
        return OcrPass(lines, 90.0)

    names.clear()
    monkeypatch.setattr(lp, "read_page", both)
    page = lp.read_label(img, [((120, 120), 60)], [], time.monotonic() + 10)
    assert names == [] and not any(p.startswith("mark_region") for p in page.passes)


def test_standard_whose_year_was_cut_short_is_completed_only_by_the_licence_on_the_label(reference):
    """'มอก.3000 เล่ม 3-256' at the label's edge beside registry licence น2745-11/3000เล่ม3: the edition the
    registry records for that licence, when the digits read agree with it; nothing without the licence."""
    from tisguard.images.labelread import read

    lic = _licence()
    tis, year = lic["tis_number"], str(lic["tis_year"])
    for cut in (year[:3], year[:2], year[:3] + "."):
        r = read(_lines(f"มอก. {tis}-{cut}", lic["licence_no"]), MARK, reference)
        assert (tis, int(year)) in _standards(r), (cut, r.standards)
        assert not _standards(read(_lines(f"มอก. {tis}-{cut}"), MARK, reference))
    other = "254" if year[2] != "4" else "256"  # digits that are not the registry edition's
    assert not _standards(read(_lines(f"มอก. {tis}-{other}", lic["licence_no"]), MARK, reference))
    # in the middle of a line a short number after a dash is no cut year
    assert not _standards(read(_lines(f"มอก. {tis}-25 10A", lic["licence_no"]), MARK, reference))


def test_thai_digit_standard_with_a_part_is_settled_by_the_licence_on_the_label(reference):
    """'มอก. ๒๐๓๓๕ เล่ม ๒(๑)-๒๕๒๕' beside registry licence …/60335เล่ม2(7): ๖ read as ๒ in the number, ๗ as ๑ in
    the part, the year's last digits lost: the registry edition of that licence. A part off by a digit that is no
    look-alike (๔ for ๗) is another part: not taken."""
    from tisguard.images.labelread import read

    lic = _licence("60335 เล่ม 2(7)")
    year = int(lic["tis_year"])
    if str(year)[:2] != "25" or not _within_thai_year_rule(str(year)):
        pytest.skip("edition year unlike the case this test draws")
    for part, taken in (("๒(๑)", True), ("๒(๔)", False)):
        line = f"มอก. ๒๐๓๓๕ เล่ม {part}-๒๕๒๕"
        r = read(_lines(line, lic["licence_no"]), MARK, reference)
        assert (("60335 เล่ม 2(7)", year) in _standards(r)) is taken, (part, r.standards)


def _within_thai_year_rule(year: str) -> bool:
    """Whether '2525' is within the Thai-year rule's reach of `year` (one look-alike and one other digit)."""
    from tisguard.images.thaidigits import confusion_cost

    return confusion_cost("2525", year) <= 1.5
